"""Capture: counts reader page views, including the ones the page cache answers.

Goes right before `apps.blog.page_cache.PageCacheMiddleware`, so it sees every response that
middleware answers early (cache hits never reach sessions, auth or the views). It only reads the
final response (status, content type, the blog's `page_object` attribute) and appends to the buffer:
the response's bytes, and so the cached pages, are untouched. A failure here never fails the page.
"""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .buffer import lost_add
from .capture import capture

logger = logging.getLogger(__name__)


class CaptureMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "GET" and response.status_code == 200:
            try:
                capture(request, response)
            except Exception:
                logger.warning("analytics: a view could not be captured", exc_info=True)
                lost_add(1)
        return response
