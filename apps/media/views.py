"""The one view of the media library: private files on local storage, behind a signed, expiring URL.

The link works only for the user it was made for, however that user authenticates: a browser session,
the JWT cookie, or `Authorization: Bearer <access>` (an API client following the `url` of its asset).
On S3 the bucket signs URLs itself and this view is not used.
"""

from typing import Any

from django.http import FileResponse, Http404
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

    def get(self, request: Request, token: str) -> FileResponse:
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
        response = FileResponse(
            handle,
            content_type=target.mime_type,
            as_attachment=not data.spec and asset.kind != Asset.Kind.IMAGE,
            filename=asset.original_name or None,
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        # Never a page: should a browser still try to render the file, nothing in it runs.
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


private_file = PrivateFileView.as_view()
