"""The media library: one `Asset` per stored file, with derived renditions."""

import uuid

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


def asset_upload_to(instance: "Asset", filename: str) -> str:
    """A random key, never the uploaded name (which is kept only as `original_name`)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    key = uuid.uuid4().hex
    return f"assets/{key[:2]}/{key}.{ext[:8]}"


class Asset(TimeStampedModel):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        AUDIO = "audio", _("Audio")
        VIDEO = "video", _("Video")
        DOCUMENT = "document", _("Document")
        OTHER = "other", _("Other")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        NOT_PROCESSED = "not_processed", _("Not processed")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="assets"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    file = models.FileField(_("file"), max_length=255, upload_to=asset_upload_to)
    original_name = models.CharField(_("original name"), max_length=255, blank=True)
    mime_type = models.CharField(_("MIME type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    duration = models.FloatField(_("duration"), null=True, blank=True, help_text=_("Seconds, for audio and video."))
    alt_text = models.CharField(_("alt text"), max_length=300, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    visibility = models.CharField(_("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ("-created_at",)
        constraints = [models.UniqueConstraint(fields=("owner", "sha256"), name="media_asset_owner_sha256_unique")]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Private files live in the "private" storage: point the FieldFile there, so `asset.file.open()`
        # reads the right place (and on S3 `asset.file.url` is a signed URL). Skipped when `visibility`
        # was deferred, to avoid a query per row.
        if self.__dict__.get("visibility") == self.Visibility.PRIVATE:
            self.file.storage = storages["private"]

    def __str__(self) -> str:
        return self.title or self.original_name or f"Asset {self.pk}"

    @property
    def storage_alias(self) -> str:
        """Private files live in the "private" storage and are only reached through signed URLs."""
        return "private" if self.visibility == self.Visibility.PRIVATE else "default"

    @property
    def storage(self) -> Storage:
        return storages[self.storage_alias]

    @property
    def is_public_image(self) -> bool:
        return self.kind == self.Kind.IMAGE and self.visibility == self.Visibility.PUBLIC

    # Status moves a processing run may make; anything else is a bug and is refused.
    _TRANSITIONS = {
        Status.PENDING: {Status.PROCESSING, Status.READY, Status.NOT_PROCESSED, Status.FAILED},
        Status.PROCESSING: {Status.READY, Status.NOT_PROCESSED, Status.FAILED, Status.PENDING},
        Status.FAILED: {Status.PROCESSING, Status.PENDING},
        Status.NOT_PROCESSED: {Status.PROCESSING, Status.PENDING},
        Status.READY: {Status.PROCESSING, Status.PENDING},
    }

    def set_status(self, status: str, error: str = "") -> None:
        """Move to `status` (saved at once, with `error`); an illegal move raises ValueError."""
        if status != self.status and status not in self._TRANSITIONS[self.Status(self.status)]:
            raise ValueError(f"Asset {self.pk}: cannot go from {self.status} to {status}.")
        self.status = status
        self.error = error[:2000]
        self.save(update_fields=["status", "error", "updated_at"])


class Rendition(models.Model):
    """A derived file: a resized image, a watermarked copy, a video poster..."""

    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.CASCADE, related_name="renditions")
    spec = models.CharField(_("spec"), max_length=40, help_text=_("e.g. w360.webp, w720.jpg, wm-w1280.webp, poster"))
    file = models.FileField(_("file"), max_length=255)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    mime_type = models.CharField(_("MIME type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    # Which of STORAGES holds the file (the asset's at the time), so a cascade can delete it without the asset.
    storage_alias = models.CharField(_("storage"), max_length=16, default="default")

    class Meta:
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [models.UniqueConstraint(fields=("asset", "spec"), name="media_rendition_asset_spec_unique")]

    def __str__(self) -> str:
        return f"{self.asset_id}:{self.spec}"

    @property
    def storage(self) -> Storage:
        return storages[self.storage_alias]
