"""Serializers of the media API: assets with the URLs of their renditions, and the upload form."""

from rest_framework import serializers

from apps.media import selectors, services
from apps.media.models import Asset, Rendition


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

    # Each file is checked by `services.asset_create_many` (type, size, quota of the whole batch).


class AssetUploadResultSerializer(serializers.Serializer):
    """The answer to an upload: one object whatever the number of files, so clients parse one shape
    (`results` as in a list page, in the order the files were sent)."""

    results = AssetSerializer(many=True, read_only=True)
