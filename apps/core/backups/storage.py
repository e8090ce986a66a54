"""Access to the backup storage (a `STORAGES` alias) with errors turned into one-line BackupErrors."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages

from .engines import CHUNK, temp_dir
from .errors import BackupError


def backup_storage() -> Storage:
    try:
        return storages[settings.BACKUP_STORAGE]
    except Exception as exc:
        raise BackupError(f"Backup storage {settings.BACKUP_STORAGE!r} is not configured: {exc}") from exc


@contextlib.contextmanager
def storage_errors(what: str) -> Iterator[None]:
    """Turn whatever a storage backend raises (OSError, botocore errors...) into one line."""
    try:
        yield
    except BackupError:
        raise
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise BackupError(f"Disk full while {what}: free some space or point BACKUP_TEMP_DIR elsewhere.") from exc
        raise BackupError(f"Backup storage {settings.BACKUP_STORAGE!r} is unreachable while {what}: {exc}") from exc
    except Exception as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BackupError(f"Backup storage {settings.BACKUP_STORAGE!r} is unreachable while {what}: {message}") from exc


@contextlib.contextmanager
def disk_errors(where: str) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise BackupError(
                f"Disk full while writing {where} in {temp_dir()}: free some space or set BACKUP_TEMP_DIR."
            ) from exc
        raise


class HashingWriter:
    """A write-only file that counts and hashes what passes through it (the compressed bytes)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.raw.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        self.raw.flush()


def new_temp_file(suffix: str) -> Path:
    fd, name = tempfile.mkstemp(suffix=suffix, dir=temp_dir())
    os.close(fd)
    return Path(name)


def upload(*, storage: Storage, local: Path, name: str) -> None:
    with storage_errors(f"uploading {name}"), local.open("rb") as fh:
        saved = storage.save(name, File(fh, name=name))
    if saved != name:
        raise BackupError(f"Backup storage saved {name!r} as {saved!r}: a backup with this name already exists.")


def download(
    *, storage: Storage, name: str, sha256: str | None = None, on_chunk: Callable[[int], Any] | None = None
) -> Path:
    """Copy a part to a local temporary file, checking its SHA-256 on the way."""
    local = new_temp_file(suffix="-" + name.rsplit("/", 1)[-1])
    digest = hashlib.sha256()
    try:
        with storage_errors(f"reading {name}"), storage.open(name, "rb") as src, local.open("wb") as out:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                if on_chunk:
                    on_chunk(len(chunk))
    except BaseException:
        local.unlink(missing_ok=True)
        raise
    if sha256 is not None and digest.hexdigest() != sha256:
        local.unlink(missing_ok=True)
        raise BackupError(f"Corrupt archive: {name} does not match its SHA-256 in the manifest.")
    return local


def read_json(*, storage: Storage, name: str) -> dict[str, Any]:
    with storage_errors(f"reading {name}"), storage.open(name, "rb") as fh:
        data = fh.read()
    try:
        return json.loads(data)
    except ValueError as exc:
        raise BackupError(f"Corrupt archive: {name} is not valid JSON.") from exc


def write_json(*, storage: Storage, name: str, data: dict[str, Any]) -> None:
    body = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False).encode()
    with storage_errors(f"writing {name}"):
        if storage.exists(name):
            storage.delete(name)
        local = new_temp_file(suffix=".json")
        try:
            local.write_bytes(body)
            upload(storage=storage, local=local, name=name)
        finally:
            local.unlink(missing_ok=True)


def exists(*, storage: Storage, name: str) -> bool:
    with storage_errors(f"looking for {name}"):
        return storage.exists(name)


def walk(storage: Storage, prefix: str = "") -> Iterator[str]:
    """Every file name under `prefix` (a missing local directory is simply empty)."""
    try:
        dirs, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{prefix}/{name}" if prefix else name
    for name in sorted(dirs):
        yield from walk(storage, f"{prefix}/{name}" if prefix else name)


def delete_tree(*, storage: Storage, prefix: str) -> None:
    with storage_errors(f"deleting {prefix}"):
        for name in list(walk(storage, prefix)):
            storage.delete(name)
        with contextlib.suppress(NotImplementedError, OSError):
            os.rmdir(storage.path(prefix))  # local storage leaves the empty directory behind


def open_stream(storage: Storage, name: str) -> Any:
    """A file-like object reading `name` in chunks. django-storages' S3 files are read whole into a
    spooled file that never spills by default (AWS_S3_MAX_MEMORY_SIZE=0); read the body instead."""
    if hasattr(storage, "bucket") and hasattr(storage, "_normalize_name"):
        from storages.utils import clean_name

        return storage.bucket.Object(storage._normalize_name(clean_name(name))).get()["Body"]
    return storage.open(name, "rb")
