"""`/api/v1/media/`: the media library over the API.

Users list, upload (multipart, several files at once in `files`; the answer is `{"results": [asset, ...]}`),
read, edit alt text/title and delete their own assets; editors see and manage all. Responses carry the
URLs of the original and of every rendition (signed and short-lived for private files) and the
processing status and error.
"""

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.filters import IsoDateTimeFilter

from . import selectors, services
from .models import Asset, Rendition


class RenditionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Rendition
        fields = ("spec", "url", "mime_type", "width", "height", "size")

    def get_url(self, rendition: Rendition) -> str:
        return selectors.rendition_url(rendition=rendition, for_user=self.context["request"].user)


class AssetSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    renditions = RenditionSerializer(many=True, read_only=True)
    owner = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Asset
        fields = (
            "id",
            "owner",
            "kind",
            "original_name",
            "mime_type",
            "size",
            "sha256",
            "width",
            "height",
            "duration",
            "alt_text",
            "alt_text_en",
            "alt_text_zh_hans",
            "title",
            "title_en",
            "title_zh_hans",
            "visibility",
            "status",
            "error",
            "url",
            "renditions",
            "created_at",
        )
        read_only_fields = tuple(f for f in fields if f not in services.TRANSLATED_FIELDS)

    def get_url(self, asset: Asset) -> str:
        return selectors.asset_url(asset=asset, for_user=self.context["request"].user)


class AssetUploadSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=10)
    visibility = serializers.ChoiceField(choices=Asset.Visibility.choices, default=Asset.Visibility.PUBLIC)
    alt_text = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    alt_text_zh_hans = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    title_zh_hans = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_files(self, files: list[Any]) -> list[Any]:
        """Every file is checked before any is stored; one bad file refuses the whole batch."""
        owner = self.context["request"].user
        errors: dict[int, list[str]] = {}
        pending = 0
        self.facts = []
        for index, uploaded in enumerate(files):
            try:
                facts = services.asset_upload_validate(owner=owner, uploaded_file=uploaded, pending_bytes=pending)
            except DjangoValidationError as exc:
                errors[index] = [f"{services._display_name(uploaded.name)}: {m}" for m in exc.messages]
                self._code = exc.code
                continue
            pending += facts.size
            self.facts.append(facts)
        if errors:
            raise serializers.ValidationError(
                [m for index in sorted(errors) for m in errors[index]], code=getattr(self, "_code", "invalid")
            )
        return files


class AssetUploadResultSerializer(serializers.Serializer):
    """The answer to an upload: one object whatever the number of files, so clients parse one shape
    (`results` as in a list page, in the order the files were sent)."""

    results = AssetSerializer(many=True, read_only=True)


class AssetFilter(django_filters.FilterSet):
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")
    created_on = django_filters.DateFilter(field_name="created_at", lookup_expr="date")

    class Meta:
        model = Asset
        fields = ("kind", "status", "visibility", "owner")


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
        upload = AssetUploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        assets: list[Asset] = []
        try:
            with transaction.atomic():
                for uploaded, facts in zip(data["files"], upload.facts, strict=True):
                    asset = services.asset_create(
                        owner=request.user,
                        uploaded_file=uploaded,
                        visibility=data["visibility"],
                        alt_text=data["alt_text"],
                        title=data["title"],
                        alt_text_zh_hans=data["alt_text_zh_hans"],
                        title_zh_hans=data["title_zh_hans"],
                        facts=facts,
                    )
                    assets.append(asset)
        except Exception:
            # The rows rolled back: take the files stored for this batch with them.
            for asset in assets:
                if asset._state.adding is False and not Asset.objects.filter(pk=asset.pk).exists():
                    asset.storage.delete(asset.file.name)
            raise
        ids = [a.pk for a in assets]
        fresh = sorted(self.get_queryset().filter(pk__in=ids), key=lambda a: ids.index(a.pk))
        return Response({"results": self.get_serializer(fresh, many=True).data}, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer: AssetSerializer) -> None:
        services.asset_update(asset=serializer.instance, data=serializer.validated_data)

    def perform_destroy(self, instance: Asset) -> None:
        services.asset_delete(asset=instance)
