"""Reads of the backup storage: the list of backups, one manifest, a download link."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.files.storage import FileSystemStorage
from django.core.signing import TimestampSigner
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from . import storage as st
from .errors import BackupError

MANIFEST = "manifest.json"
VERIFICATION = "verification.json"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
DOWNLOAD_SALT = "inkwell.backups.download"
LOCK_KEY = "backups:lock"  # held in the cache while a backup or prune runs


@dataclass
class BackupInfo:
    name: str
    created_at: datetime
    engine: str
    size: int
    include_media: bool
    verified: bool | None  # None: never verified; False: verification failed
    verified_at: datetime | None
    verification_message: str
    manifest: dict[str, Any] = field(repr=False)

    @property
    def parts(self) -> list[dict[str, Any]]:
        return self.manifest["parts"]


def backup_name_validate(*, name: str) -> str:
    if not NAME_RE.match(name) or ".." in name:
        raise BackupError(f"Invalid backup name {name!r}: use letters, digits, '.', '_' and '-'.")
    return name


def backup_manifest(*, name: str) -> dict[str, Any]:
    storage = st.backup_storage()
    backup_name_validate(name=name)
    if not st.exists(storage=storage, name=f"{name}/{MANIFEST}"):
        raise BackupError(f"No backup named {name!r} in the backup storage (see list_backups).")
    manifest = st.read_json(storage=storage, name=f"{name}/{MANIFEST}")
    if manifest.get("format") != 1 or "parts" not in manifest:
        raise BackupError(f"Corrupt archive: {name}/{MANIFEST} is not an Inkwell backup manifest.")
    return manifest


def _info(*, storage: Any, name: str) -> BackupInfo | None:
    if not st.exists(storage=storage, name=f"{name}/{MANIFEST}"):
        return None  # an unfinished or foreign directory
    try:
        manifest = st.read_json(storage=storage, name=f"{name}/{MANIFEST}")
    except BackupError:
        return None
    verification: dict[str, Any] = {}
    if st.exists(storage=storage, name=f"{name}/{VERIFICATION}"):
        verification = st.read_json(storage=storage, name=f"{name}/{VERIFICATION}")
    return BackupInfo(
        name=name,
        created_at=parse_datetime(manifest["created_at"]),
        engine=manifest.get("engine", "?"),
        size=int(manifest.get("size", 0)),
        include_media=bool(manifest.get("include_media")),
        verified=verification.get("ok"),
        verified_at=parse_datetime(verification["verified_at"]) if verification.get("verified_at") else None,
        verification_message=verification.get("message", ""),
        manifest=manifest,
    )


def backup_list() -> list[BackupInfo]:
    """Every complete backup in the storage, newest first."""
    storage = st.backup_storage()
    with st.storage_errors("listing backups"):
        try:
            dirs, _files = storage.listdir("")
        except FileNotFoundError:
            dirs = []
    infos = [info for name in dirs if NAME_RE.match(name) and (info := _info(storage=storage, name=name))]
    return sorted(infos, key=lambda i: (i.created_at, i.name), reverse=True)


def backup_download_token(*, name: str, part: str) -> str:
    return TimestampSigner(salt=DOWNLOAD_SALT).sign(f"{name}/{part}")


def backup_download_path(*, name: str, part: str) -> str:
    """The admin URL of a part; it carries a signature that expires after BACKUP_DOWNLOAD_EXPIRE."""
    return reverse("admin:core_backups_download", args=[backup_download_token(name=name, part=part)])


def backup_download_target(*, token: str, max_age: int) -> tuple[str, str | None]:
    """(storage name, redirect URL or None to stream locally) for a valid, unexpired token."""
    key = TimestampSigner(salt=DOWNLOAD_SALT).unsign(token, max_age=max_age)
    storage = st.backup_storage()
    if isinstance(storage, FileSystemStorage):
        return key, None
    with st.storage_errors("signing a download link"):
        # S3: a presigned URL that expires after BACKUP_DOWNLOAD_EXPIRE (querystring_expire).
        return key, storage.url(key)


def backup_run_active() -> Any:
    """The run in progress, if any: one holding the lock, or queued in the last ten minutes (a
    queued run older than that never reached a worker and must not hide "Back up now" forever)."""
    from django.core.cache import cache
    from django.utils import timezone

    from apps.core.models import BackupRun

    runs = BackupRun.objects.filter(status__in=[BackupRun.Status.QUEUED, BackupRun.Status.RUNNING])
    if cache.get(LOCK_KEY) is None:
        runs = runs.filter(status=BackupRun.Status.QUEUED, created_at__gte=timezone.now() - timedelta(minutes=10))
    return runs.order_by("-created_at").first()
