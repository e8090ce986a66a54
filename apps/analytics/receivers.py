"""Request signals: a fresh views map per request, and the development flush without a worker."""

import logging
import time
from typing import Any

from django.conf import settings

from . import buffer, selectors, services

logger = logging.getLogger(__name__)


def on_request_started(**kwargs: Any) -> None:
    selectors.views_map_forget_request_memo()


def on_request_finished(**kwargs: Any) -> None:
    """Without a Celery worker (eager tasks), flush the in-process buffer once the response is sent,
    when it holds `ANALYTICS_INLINE_FLUSH_AT` views or its oldest is `ANALYTICS_INLINE_FLUSH_SECONDS` old."""
    if not settings.CELERY_TASK_ALWAYS_EAGER or settings.ANALYTICS_BUFFER != "memory":
        return
    at, seconds = settings.ANALYTICS_INLINE_FLUSH_AT, settings.ANALYTICS_INLINE_FLUSH_SECONDS
    buf = buffer.get_buffer()
    size = buf.size()
    if not size or not (at or seconds):
        return
    oldest = getattr(buf, "oldest_at", 0.0)
    if (at and size >= at) or (seconds and oldest and time.monotonic() - oldest >= seconds):
        try:
            services.events_flush()
        except Exception:
            logger.warning("analytics: inline flush failed", exc_info=True)
