"""The one view of the media library: private files on local storage, behind a signed, expiring URL.

On S3 the bucket signs URLs itself and this view is not used.
"""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from . import selectors
from .models import Asset


@require_GET
def private_file(request: HttpRequest, token: str) -> FileResponse:
    data = selectors.private_token_read(token=token)
    # An expired or forged link, or one made for someone else, is refused.
    if data is None or not request.user.is_authenticated or request.user.pk != data.user_id:
        raise PermissionDenied
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
    return response
