"""API paths always answer JSON errors, and no JSON body can crash a view.

Two documented error shapes:
- REST API (`/api/`): `{"detail": str, "code": str, "errors": {field: [messages]}}` (see `api.py`);
- allauth's headless API (`/_allauth/`): `{"status": int, "errors": [{"message", "code", "param"?}]}`,
  the shape of allauth's own OpenAPI specification.

`ApiErrorMiddleware` does, before any view or other middleware reads the body:
- refuses JSON nested deeper than `MAX_JSON_DEPTH` (400). Python's `json` parser recurses once per
  level and raises `RecursionError` (a 500) near 1,000; DRF's parser, allauth's headless views and our
  own middleware all call it. The depth is measured here without recursion (and without parsing);
- refuses a body over `DATA_UPLOAD_MAX_MEMORY_SIZE` (413) where Django would answer its HTML 400.
And after the response: turns any error answer on an API path that is not JSON (Django's own
400/403/404/405/413/500 pages, the CSRF failure page, allauth's empty 400 for a body that is not a
JSON object) into the path's JSON shape, keeping the status and headers (`Allow`, `Retry-After`...).
"""

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

from .api import error_body

MAX_JSON_DEPTH = 32
API_PREFIXES = ("/api/", "/_allauth/")
_ALLAUTH_PREFIX = "/_allauth/"

_MESSAGES = {
    400: ("Bad request.", "bad_request"),
    401: ("Authentication credentials were not provided.", "not_authenticated"),
    403: ("You do not have permission to perform this action.", "permission_denied"),
    404: ("Not found.", "not_found"),
    405: ("Method not allowed.", "method_not_allowed"),
    413: ("The request body is too large.", "too_large"),
    429: ("Too many requests.", "throttled"),
    500: ("Server error.", "server_error"),
}

_DROP = bytes(b for b in range(256) if b not in b'[]{}"')  # all but brackets and quotes
_AGNOSTIC = bytes.maketrans(b"[]{}", b"()()")  # depth does not care which kind of bracket


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIXES)


def json_depth_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True if JSON text nests arrays/objects deeper than `limit`, found without parsing or recursion.

    Every step is a C-level pass over the bytes (a 10 MB hostile body takes well under a second). The
    answer is exact for valid JSON; for broken JSON it may over-count, which only refuses garbage.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    # Escapes first (`\\` then `\"`), so that only real quotes delimit strings.
    text = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    text = text.translate(_AGNOSTIC, _DROP)
    # Drop what strings hold: first adjacent quotes (removing two keeps every other quote's parity),
    # then every second piece between quotes. An unterminated string's tail goes too: the parser
    # refuses it without recursing.
    text = text.replace(b'""', b"")
    if b'"' in text:
        text = b"".join(text.split(b'"')[::2])
    # Peel the innermost pairs, one nesting level per pass; a run of opening brackets is caught at once.
    run = b"(" * (limit + 1)
    levels = 0
    while text and levels <= limit:
        if run in text:
            return True
        peeled = text.replace(b"()", b"")
        if len(peeled) == len(text):
            break
        text, levels = peeled, levels + 1
    # Anything left is unbalanced: count its unclosed openings on top of the levels peeled.
    return levels + text.count(b"(") > limit


def api_error(request: HttpRequest, status: int, detail: str = "", code: str = "") -> JsonResponse:
    """An error in the documented shape of the request's API (allauth's under `/_allauth/`)."""
    default_detail, default_code = _MESSAGES.get(status, ("Error.", "error"))
    return JsonResponse(
        _error_data(request.path, status, detail or default_detail, code or default_code), status=status
    )


def _error_data(path: str, status: int, detail: str, code: str) -> dict[str, Any]:
    if path.startswith(_ALLAUTH_PREFIX):
        return {"status": status, "errors": [{"message": detail, "code": code}]}
    return error_body(detail, code)


def _checks_body(request: HttpRequest) -> bool:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    # allauth's headless views parse any body as JSON, whatever its content type says.
    if request.path.startswith(_ALLAUTH_PREFIX):
        return True
    return request.content_type.endswith("json")


def _too_large(request: HttpRequest) -> bool:
    if request.content_type == "multipart/form-data":
        return False  # files are streamed to disk; Django limits only the other fields
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return limit is not None and length > limit


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refuse_body(request)
        response = refusal or self.get_response(request)
        if response.status_code >= 400 and is_api_path(request.path):
            _as_json(request, response)
        return response

    def _refuse_body(self, request: HttpRequest) -> HttpResponse | None:
        api = is_api_path(request.path)
        if api and _too_large(request):
            return _body_too_large(request)
        if not _checks_body(request):
            return None
        try:
            body = request.body
        except RequestDataTooBig:
            return _body_too_large(request)
        if json_depth_exceeds(body):
            detail = f"The JSON body is nested too deeply (at most {MAX_JSON_DEPTH} levels)."
            return api_error(request, 400, detail, "json_too_deep")
        return None


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """`CSRF_FAILURE_VIEW`: a JSON 403 on API paths (allauth's browser client), Django's page elsewhere."""
    if is_api_path(request.path):
        detail = "CSRF verification failed: send the csrftoken cookie's value in the X-CSRFToken header."
        return api_error(request, 403, detail, "csrf_failed")
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason=reason)


def _body_too_large(request: HttpRequest) -> JsonResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    size = f"{limit / 1024**2:g} MB" if limit >= 1024**2 else f"{limit // 1024} KB"
    return api_error(request, 413, f"The request body is larger than {size}.", "too_large")


def _as_json(request: HttpRequest, response: HttpResponse) -> None:
    """Rewrite a non-JSON error answer in place, so headers set by other middleware survive."""
    if response.streaming or response.get("Content-Type", "").startswith("application/json"):
        return
    status = response.status_code
    detail, code = _MESSAGES.get(status, ("Error.", "error"))
    if status == 400 and not response.content and request.path.startswith(_ALLAUTH_PREFIX):
        # allauth answers an empty 400 when the body is not a JSON object.
        detail, code = "The request body must be a JSON object.", "invalid_json"
    response.content = json.dumps(_error_data(request.path, status, detail, code)).encode()
    response["Content-Type"] = "application/json"
    if response.has_header("Content-Length"):
        # Set by CommonMiddleware for the page replaced: a stale length cuts the body short (the client
        # waits for bytes that never come) or makes it read into the next response.
        response["Content-Length"] = str(len(response.content))
