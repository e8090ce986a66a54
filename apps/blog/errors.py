"""Errors the blog raises (a ValidationError subclass becomes a 400 in the API)."""

from django.core.exceptions import ValidationError


class IllegalTransition(ValidationError):
    """A status move the publishing workflow does not allow (e.g. archived → scheduled)."""
