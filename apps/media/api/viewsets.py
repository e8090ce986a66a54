"""`/api/v1/media/`: the media library over the API.

Users list, upload (multipart, several files at once in `files`; the answer is `{"results": [asset, ...]}`),
read, edit alt text/title and delete their own assets; editors see and manage all. Responses carry the
URLs of the original and of every rendition (signed and short-lived for private files) and the
processing status and error.
"""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from apps.media import selectors, services
from apps.media.models import Asset

from .filters import AssetFilter
from .serializers import AssetSerializer, AssetUploadResultSerializer, AssetUploadSerializer


class AssetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AssetSerializer
    permission_classes = (permissions.IsAuthenticated,)
    parser_classes = (MultiPartParser, FormParser, JSONParser)

    def get_parsers(self) -> list[Any]:
        # Only the upload takes files (multipart); every other body is JSON, the API's default and what
        # the schema says (a form body is no object of the schema's fields: it would be read as empty).
        # Called before DRF sets `self.action`: the action is read from the method (Django's `setup`).
        request = getattr(self, "request", None)
        action = getattr(self, "action", None) or (
            (getattr(self, "action_map", None) or {}).get(request.method.lower()) if request is not None else None
        )
        if action in (None, "create"):
            return super().get_parsers()
        return [parser() for parser in api_settings.DEFAULT_PARSER_CLASSES]

    filterset_class = AssetFilter
    search_fields = ("original_name", "title_en", "title_zh_hans", "alt_text_en", "alt_text_zh_hans")
    ordering_fields = ("created_at", "size", "original_name", "kind")
    ordering = ("-created_at",)

    def get_queryset(self):
        return selectors.asset_list_for_user(user=self.request.user)

    def get_throttles(self) -> list[Any]:
        # Uploads have their own, stricter rate ("upload"); reads use the user rate.
        self.throttle_scope = "upload" if self.action == "create" else None
        return super().get_throttles()

    @extend_schema(request=AssetUploadSerializer, responses={201: AssetUploadResultSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        upload = AssetUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        assets = services.asset_create_many(owner=request.user, **upload.validated_data)
        ids = [a.pk for a in assets]
        fresh = sorted(self.get_queryset().filter(pk__in=ids), key=lambda a: ids.index(a.pk))
        return Response({"results": self.get_serializer(fresh, many=True).data}, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer: AssetSerializer) -> None:
        services.asset_update(asset=serializer.instance, data=serializer.validated_data)

    def perform_destroy(self, instance: Asset) -> None:
        services.asset_delete(asset=instance)
