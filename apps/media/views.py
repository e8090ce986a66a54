"""The one view of the media library: private files on local storage, behind a signed, expiring URL.

The link works only for the user it was made for, however that user authenticates: a browser session,
the JWT cookie, or `Authorization: Bearer <access>` (an API client following the `url` of its asset).
On S3 the bucket signs URLs itself and this view is not used.
"""

import re
from typing import Any

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from . import selectors
from .models import Asset


class _AnyAccept(BaseContentNegotiation):
    """A file answers whatever the client accepts; only errors are rendered, as JSON."""

    def select_renderer(self, request: Request, renderers: list[Any], format_suffix: str | None = None) -> Any:
        return renderers[0], renderers[0].media_type

    def select_parser(self, request: Request, parsers: list[Any]) -> Any:
        return None


class LinkRefused(exceptions.PermissionDenied):
    default_detail = _("This link has expired, was changed, or was made for another account.")
    default_code = "link_refused"


@extend_schema(exclude=True)  # followed from an asset's `url`, not called on its own
class PrivateFileView(APIView):
    authentication_classes = (
        *[cls for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES if cls is not SessionAuthentication],
        SessionAuthentication,
    )
    permission_classes = ()
    throttle_classes = ()  # like any file a page loads; the link itself is the limit
    renderer_classes = (JSONRenderer,)
    content_negotiation_class = _AnyAccept

    def get(self, request: Request, token: str) -> HttpResponse:
        data = selectors.private_token_read(token=token)
        # An expired or forged link is refused to everyone; a good one only to the user it was made for.
        if data is None:
            raise LinkRefused
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        if request.user.pk != data.user_id:
            raise LinkRefused
        asset = get_object_or_404(Asset, pk=data.asset_id)
        target = asset.renditions.filter(spec=data.spec).first() if data.spec else asset
        if target is None:
            raise Http404
        try:
            handle = target.storage.open(target.file.name, "rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = _ranged(
            request,
            FileResponse(
                handle,
                content_type=target.mime_type,
                as_attachment=not data.spec and asset.kind != Asset.Kind.IMAGE,
                filename=asset.original_name or None,
            ),
            handle,
        )
        response["Accept-Ranges"] = "bytes"
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        # Never a page: should a browser still try to render the file, nothing in it runs.
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


_RANGE = re.compile(r"bytes=(\d{0,18})-(\d{0,18})")
_RANGE_CHUNK = 64 * 1024


def _ranged(request: Request, response: FileResponse, handle: Any) -> HttpResponse:
    """A single `Range: bytes=…` answered with 206 and that part only, so a large download (a bought
    project's archive) resumes where it broke off. Several ranges, or a header we cannot read, get the
    whole file (200), which RFC 9110 allows; a range past the end is a 416."""
    header = request.headers.get("Range", "")
    match = _RANGE.fullmatch(header.strip())
    size = response.get("Content-Length")
    # No validator to compare an `If-Range` with (the file has no ETag): the whole file, as RFC 9110 says.
    if not match or size is None or match.group(1) == match.group(2) == "" or "If-Range" in request.headers:
        return response
    size = int(size)
    first, last = match.group(1), match.group(2)
    if first and last and int(last) < int(first):  # not a valid range: ignored (RFC 9110 14.2)
        return response
    if first == "":  # the last N bytes
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        # Only the file: `response.close()` would send `request_finished` mid-request (closing the DB connection).
        handle.close()
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    handle.seek(start)
    remaining = end - start + 1

    def part() -> Any:
        left = remaining
        try:
            while left > 0:
                chunk = handle.read(min(_RANGE_CHUNK, left))
                if not chunk:
                    return
                left -= len(chunk)
                yield chunk
        finally:
            handle.close()

    partial = FileResponse(part(), status=206, content_type=response["Content-Type"])
    if response.has_header("Content-Disposition"):
        partial["Content-Disposition"] = response["Content-Disposition"]
    partial["Content-Length"] = str(remaining)
    partial["Content-Range"] = f"bytes {start}-{end}/{size}"
    return partial


private_file = PrivateFileView.as_view()
