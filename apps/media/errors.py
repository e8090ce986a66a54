"""Errors of the media library."""


class ProcessingRetryable(Exception):
    """Storage could not be reached; the task tries again later."""


# --- Speech synthesis (speech.py) -------------------------------------------------------------------


class SpeechError(Exception):
    """Speech synthesis failed. `retryable`: whether trying again later may succeed (a task retries only then)."""

    retryable = False

    def __init__(self, message: str, *, retryable: bool | None = None) -> None:
        super().__init__(message)
        if retryable is not None:
            self.retryable = retryable


class SpeechUnavailable(SpeechError):
    """The speech service could not be reached or is busy (refused connection, timeout, 429, 5xx): retry later."""

    retryable = True


class SpeechRefused(SpeechError):
    """The speech service refused the request (bad key, forbidden, bad SSML, unknown voice): retrying will not help."""


class SpeechNotConfigured(SpeechError):
    """No speech engine can run here (no Azure key and no espeak-ng): narration is unavailable until one is set up."""
