"""Errors of the accounts app."""


class TokenRefused(Exception):
    """The refresh token is valid but its user may no longer sign in."""
