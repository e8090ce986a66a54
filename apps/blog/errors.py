"""Errors the blog raises (a ValidationError subclass becomes a 400 in the API)."""

from django.core.exceptions import ValidationError


class IllegalTransition(ValidationError):
    """A status move the publishing workflow does not allow (e.g. archived → scheduled)."""

    @property
    def field(self) -> str:
        """The post field the refusal is about: a form shows it there."""
        return "published_at" if self.code in ("schedule_in_past", "publish_in_future") else "status"


class AssistantError(Exception):
    """The writing assistant (translator, summarizer) failed.

    `retryable`: the same request may succeed later (rate limited, a server error, a timeout); a bad
    request or a refused key will not, so it is never retried.
    """

    def __init__(self, message: str, *, retryable: bool = False, provider: str = "") -> None:
        super().__init__(message)
        self.retryable = retryable
        self.provider = provider


class AssistantUnavailable(AssistantError):
    """The assistant cannot do this at all here (e.g. translation without `QWEN_API_KEY`)."""
