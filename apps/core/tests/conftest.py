"""Fixtures for the backup tests: every storage (backups, public and private media) in a temporary
directory of the test's own, and helpers that snapshot all data of every installed model."""

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core import serializers
from django.core.files.storage import storages


@pytest.fixture
def backup_env(settings: Any, tmp_path: Path) -> Path:
    storages_ = {alias: dict(conf) for alias, conf in settings.STORAGES.items()}
    for alias in ("backups", "default", "private"):
        storages_[alias] = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / alias, "base_url": "/x/" if alias == "default" else None},
        }
    settings.STORAGES = storages_
    settings.BACKUP_STORAGE = "backups"
    (tmp_path / "tmp").mkdir()
    settings.BACKUP_TEMP_DIR = str(tmp_path / "tmp")
    return tmp_path


def all_data() -> dict[str, Any]:
    """Every row of every concrete model of every installed app, serialised like dumpdata.

    Except `BackupRun`: the log of the backup runs themselves, which every command adds to (the
    tests check it on its own)."""
    from apps.core.models import BackupRun

    data = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed or model is BackupRun:
            continue
        rows = model._base_manager.order_by("pk")
        data[model._meta.label] = serializers.serialize("python", rows)
    return data


def media_checksums() -> dict[str, str]:
    from apps.core.backups.storage import walk

    sums = {}
    for alias in ("default", "private"):
        storage = storages[alias]
        for name in walk(storage):
            with storage.open(name, "rb") as fh:
                sums[f"{alias}:{name}"] = hashlib.sha256(fh.read()).hexdigest()
    return sums


@pytest.fixture
def snapshot() -> Callable[[], dict[str, Any]]:
    return lambda: {"data": all_data(), "media": media_checksums()}
