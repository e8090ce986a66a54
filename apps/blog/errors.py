"""Errors the blog raises (a ValidationError subclass becomes a 400 in the API)."""

from django.core.exceptions import ValidationError


class IllegalTransition(ValidationError):
    """A status move the publishing workflow does not allow (e.g. archived → scheduled)."""

    @property
    def field(self) -> str:
        """The post field the refusal is about: a form shows it there."""
        return "published_at" if self.code in ("schedule_in_past", "publish_in_future") else "status"
