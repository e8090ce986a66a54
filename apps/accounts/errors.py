"""Errors of the accounts app."""


class TokenRefused(Exception):
    """The refresh token is valid but its user may no longer sign in."""


class TokenReused(TokenRefused):
    """A refresh token was presented again after its rotation: its whole family has been revoked."""
