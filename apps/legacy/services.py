"""Writes of the importer's own bookkeeping: the old row → new object map and the old reader URLs."""

from typing import Any

from django.contrib.contenttypes.models import ContentType

from .models import ImportedRow, OldPath


def imported_row_save(*, table: str, old_id: int, target: Any, fingerprint: str) -> ImportedRow:
    content_type = ContentType.objects.get_for_model(target) if target is not None else None
    row, _created = ImportedRow.objects.update_or_create(
        table=table,
        old_id=old_id,
        defaults={
            "content_type": content_type,
            "object_id": target.pk if target is not None else None,
            "fingerprint": fingerprint,
        },
    )
    return row


def old_path_save(*, path: str, target: Any) -> OldPath | None:
    """Remember that `path` of the old site now means `target`; an empty path is ignored."""
    path = "/" + path.strip("/")
    if path == "/":
        return None
    row, _created = OldPath.objects.update_or_create(
        path=path[:400],
        defaults={"content_type": ContentType.objects.get_for_model(target), "object_id": target.pk},
    )
    return row
