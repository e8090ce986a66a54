"""Errors of the media library."""


class ProcessingRetryable(Exception):
    """Storage could not be reached; the task tries again later."""
