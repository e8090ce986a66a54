"""What the importer remembers: which old row became which Inkwell object, and the old reader URLs."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedRow(models.Model):
    """Old `table`/`old_id` → the object made from it. `fingerprint` is the hash of the old row (and the
    rows folded into it), so a second run skips what did not change and updates what did."""

    table = models.CharField(_("old table"), max_length=40)
    old_id = models.BigIntegerField(_("old id"))
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        ordering = ("table", "old_id")
        constraints = [models.UniqueConstraint(fields=("table", "old_id"), name="legacy_importedrow_unique")]

    def __str__(self) -> str:
        return f"{self.table}#{self.old_id} → {self.content_type_id}:{self.object_id}"


class OldPath(models.Model):
    """A reader URL of the old site (`/<section-slug>` or `/<section-slug>/<slug>`, no language prefix)
    and the object whose Inkwell page answers it now (a permanent redirect)."""

    path = models.CharField(_("old path"), max_length=400, unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")

    class Meta:
        verbose_name = _("old URL")
        verbose_name_plural = _("old URLs")
        ordering = ("path",)

    def __str__(self) -> str:
        return self.path
