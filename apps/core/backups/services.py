"""Writes: make, verify, restore and prune backups. Commands, tasks and the admin call these."""

from __future__ import annotations

import contextlib
import gzip
import shutil
import tarfile
import tempfile
import uuid
import zlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import storages
from django.core.mail import mail_admins
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from apps.core.models import BackupRun
from apps.core.queue import enqueue_on_commit

from . import storage as st
from .engines import CHUNK, Scratch, engine_for, temp_dir
from .errors import BackupError
from .selectors import LOCK_KEY, MANIFEST, VERIFICATION, BackupInfo, backup_list, backup_manifest, backup_name_validate

Phase = Callable[[str], None]


def _noop(_phase: str) -> None:
    return None


def _bar(*, desc: str, progress: bool, total: int | None = None, unit: str = "B") -> Any:
    # Quiet unless asked (the commands ask only when stderr is a terminal; Celery never asks).
    # Imported here: web workers load this module (the admin's backup page) but never show a bar.
    from tqdm import tqdm

    return tqdm(
        total=total, desc=desc, unit=unit, unit_scale=unit == "B", unit_divisor=1024, disable=not progress, leave=False
    )


def _migration_state(connection: Any) -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        state.setdefault(app, []).append(name)
    return state


def _dump_database(*, engine: Any, progress: bool) -> tuple[Path, dict[str, Any], dict[str, int]]:
    local = st.new_temp_file(suffix="-" + engine.dump_name)
    try:
        return _dump_database_to(local=local, engine=engine, progress=progress)
    except BaseException:
        local.unlink(missing_ok=True)
        raise


def _dump_database_to(*, local: Path, engine: Any, progress: bool) -> tuple[Path, dict[str, Any], dict[str, int]]:
    raw_size = 0
    with (
        _bar(desc="database", progress=progress) as bar,
        st.disk_errors("the database dump"),
        local.open("wb") as fh,
    ):
        hashing = st.HashingWriter(fh)
        with gzip.GzipFile(fileobj=hashing, mode="wb", compresslevel=settings.BACKUP_COMPRESSION_LEVEL) as gz:

            def write(chunk: bytes) -> None:
                nonlocal raw_size
                gz.write(chunk)
                raw_size += len(chunk)
                bar.update(len(chunk))

            counts = engine.dump(write=write)
    part = {
        "name": engine.dump_name,
        "kind": "database",
        "size": hashing.size,
        "sha256": hashing.sha256.hexdigest(),
        "raw_size": raw_size,
    }
    return local, part, counts


def _dump_media(*, alias: str, progress: bool) -> tuple[Path, dict[str, Any]]:
    local = st.new_temp_file(suffix=f"-media-{alias}.tar.gz")
    try:
        return _dump_media_to(local=local, alias=alias, progress=progress)
    except BaseException:
        local.unlink(missing_ok=True)
        raise


def _dump_media_to(*, local: Path, alias: str, progress: bool) -> tuple[Path, dict[str, Any]]:
    source = storages[alias]
    files = total = 0
    with (
        _bar(desc=f"media ({alias})", progress=progress) as bar,
        st.disk_errors("the media archive"),
        local.open("wb") as fh,
    ):
        hashing = st.HashingWriter(fh)
        level = settings.BACKUP_COMPRESSION_LEVEL
        # "w|" streams: every file is copied through in chunks, never read whole.
        with (
            gzip.GzipFile(fileobj=hashing, mode="wb", compresslevel=level) as gz,
            tarfile.open(fileobj=gz, mode="w|") as tar,
            st.storage_errors(f"reading the {alias!r} media storage"),
        ):
            for name in st.walk(source):
                info = tarfile.TarInfo(name)
                info.size = source.size(name)
                info.mtime = int(timezone.now().timestamp())
                src = st.open_stream(source, name)
                try:
                    tar.addfile(info, src)
                finally:
                    src.close()
                files += 1
                total += info.size
                bar.update(info.size)
    part = {
        "name": f"media-{alias}.tar.gz",
        "kind": "media",
        "storage": alias,
        "size": hashing.size,
        "sha256": hashing.sha256.hexdigest(),
        "files": files,
        "bytes": total,
    }
    return local, part


def backup_create(
    *,
    include_media: bool = False,
    name: str | None = None,
    progress: bool = False,
    on_phase: Phase = _noop,
    run_id: int | None = None,
) -> dict[str, Any]:
    """Dump the database (and media), upload every part, then the manifest; return the manifest.

    `run_id` is the `BackupRun` making it, remembered in the manifest: the dump holds that run as
    still running, and a restore from it marks it finished (see `backup_restore`).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    engine = engine_for(connection)
    storage = st.backup_storage()
    now = timezone.localtime()
    explicit = bool(name)
    name = backup_name_validate(name=name or f"inkwell-{now:%Y%m%d-%H%M%S}-{engine.vendor}")
    with st.storage_errors("checking the backup storage"):
        if storage.exists(f"{name}/{MANIFEST}"):
            if explicit:
                raise BackupError(f"A backup named {name!r} already exists.")
            name = f"{name}-{uuid.uuid4().hex[:6]}"  # two automatic backups within one second

    locals_: list[Path] = []
    uploaded = False
    try:
        on_phase("dumping the database")
        migrations = _migration_state(connection)
        local, db_part, counts = _dump_database(engine=engine, progress=progress)
        locals_.append(local)
        parts = [(local, db_part)]
        if include_media:
            for alias in settings.BACKUP_MEDIA_STORAGES:
                on_phase(f"archiving media ({alias})")
                local, part = _dump_media(alias=alias, progress=progress)
                locals_.append(local)
                parts.append((local, part))
        on_phase("uploading")
        uploaded = True
        for local, part in parts:
            st.upload(storage=storage, local=local, name=f"{name}/{part['name']}")
        manifest = {
            "format": 1,
            "name": name,
            "created_at": now.isoformat(),
            "inkwell_version": settings.INKWELL_VERSION,
            "django_version": django.get_version(),
            "engine": engine.vendor,
            "server_version": engine.server_version(),
            "database": engine.database_name,
            "migrations": migrations,
            "tables": counts,
            "include_media": include_media,
            "compression": "gzip",
            "parts": [part for _local, part in parts],
            "size": sum(part["size"] for _local, part in parts),
            "run_id": run_id,
        }
        # The manifest goes last: a backup without one is unfinished and never listed.
        st.write_json(storage=storage, name=f"{name}/{MANIFEST}", data=manifest)
        return manifest
    except BaseException:
        if uploaded:
            # When the storage is what failed, the unfinished directory has no manifest anyway.
            with contextlib.suppress(BackupError):
                st.delete_tree(storage=storage, prefix=name)
        raise
    finally:
        for local in locals_:
            local.unlink(missing_ok=True)


def _check_engine(*, manifest: dict[str, Any], engine: Any) -> None:
    if manifest["engine"] != engine.vendor:
        raise BackupError(
            f"Wrong engine: backup {manifest['name']!r} is a {manifest['engine']} dump "
            f"but this site runs on {engine.vendor}."
        )


def backup_check_restorable(*, manifest: dict[str, Any]) -> None:
    """Refuse a backup of another engine, or one whose migrations this code does not have."""
    connection = connections[DEFAULT_DB_ALIAS]
    _check_engine(manifest=manifest, engine=engine_for(connection))
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    ahead = [f"{app}.{m}" for app, names in manifest["migrations"].items() for m in names if (app, m) not in known]
    if ahead:
        shown = ", ".join(ahead[:3]) + (f" and {len(ahead) - 3} more" if len(ahead) > 3 else "")
        raise BackupError(
            f"The backup's migrations are ahead of this code ({shown}): deploy the code it was made with first."
        )


def _verify_parts(*, manifest: dict[str, Any], engine: Any, progress: bool) -> tuple[dict[str, Path], Scratch]:
    """Download every part checking its SHA-256, read every archive, load the dump into a scratch
    database and compare its row counts with the manifest. The caller drops the scratch."""
    storage = st.backup_storage()
    name = manifest["name"]
    locals_: dict[str, Path] = {}
    try:
        for part in manifest["parts"]:
            with _bar(desc=part["name"], progress=progress, total=part["size"]) as bar:
                locals_[part["name"]] = st.download(
                    storage=storage, name=f"{name}/{part['name']}", sha256=part["sha256"], on_chunk=bar.update
                )
            if part["kind"] == "media":
                _check_tar(path=locals_[part["name"]], expected=part["files"], label=part["name"])
        db_part = next(p for p in manifest["parts"] if p["kind"] == "database")
        try:
            with st.disk_errors("the scratch database"):
                scratch = engine.load_scratch(dump_path=locals_[db_part["name"]])
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise BackupError(f"Corrupt archive: {db_part['name']} cannot be decompressed ({exc}).") from exc
        wrong = {
            table: (rows, scratch.row_counts.get(table))
            for table, rows in manifest["tables"].items()
            if scratch.row_counts.get(table) != rows
        }
        if wrong:
            engine.drop_scratch(scratch=scratch)
            table, (expected, got) = sorted(wrong.items())[0]
            raise BackupError(
                f"Corrupt archive: table {table} has {got} rows after loading, the manifest says {expected} "
                f"({len(wrong)} table(s) differ)."
            )
        return locals_, scratch
    except BaseException:
        for local in locals_.values():
            local.unlink(missing_ok=True)
        raise


def _check_tar(*, path: Path, expected: int, label: str) -> None:
    count = 0
    try:
        with tarfile.open(path, mode="r|gz") as tar:
            for member in tar:
                if member.isfile():
                    fh = tar.extractfile(member)
                    while fh.read(CHUNK):
                        pass
                    count += 1
    except (EOFError, tarfile.TarError, OSError, gzip.BadGzipFile) as exc:
        raise BackupError(f"Corrupt archive: {label} cannot be read ({exc}).") from exc
    if count != expected:
        raise BackupError(f"Corrupt archive: {label} holds {count} files, the manifest says {expected}.")


def _record_verification(*, name: str, ok: bool, message: str) -> None:
    data = {"ok": ok, "verified_at": timezone.now().isoformat(), "message": message}
    st.write_json(storage=st.backup_storage(), name=f"{name}/{VERIFICATION}", data=data)


def backup_verify(*, name: str, progress: bool = False) -> dict[str, Any]:
    """Check every checksum and restore into a scratch database; record the outcome next to the backup."""
    manifest = backup_manifest(name=name)
    engine = engine_for(connections[DEFAULT_DB_ALIAS])
    _check_engine(manifest=manifest, engine=engine)
    try:
        locals_, scratch = _verify_parts(manifest=manifest, engine=engine, progress=progress)
    except BackupError as exc:
        if str(exc).startswith("Corrupt archive"):
            _record_verification(name=name, ok=False, message=str(exc))
        raise
    engine.drop_scratch(scratch=scratch)
    for local in locals_.values():
        local.unlink(missing_ok=True)
    tables = len(manifest["tables"])
    rows = sum(manifest["tables"].values())
    message = f"{len(manifest['parts'])} part(s) match their SHA-256; {tables} tables, {rows} rows restored in scratch."
    _record_verification(name=name, ok=True, message=message)
    return {"name": name, "tables": tables, "rows": rows, "parts": len(manifest["parts"]), "message": message}


def _safe_member(name: str) -> bool:
    return bool(name) and not name.startswith("/") and ".." not in name.split("/")


def _restore_media(*, alias: str, path: Path, progress: bool) -> int:
    target = storages[alias]
    restored = 0
    with tarfile.open(path, mode="r|gz") as tar, _bar(desc=f"media ({alias})", progress=progress) as bar:
        for member in tar:
            if not member.isfile() or not _safe_member(member.name):
                continue
            with (
                st.storage_errors(f"restoring {member.name} to the {alias!r} storage"),
                tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, dir=temp_dir()) as buffer,
            ):
                # A seekable copy (in memory when small) that any storage backend can upload.
                shutil.copyfileobj(tar.extractfile(member), buffer, CHUNK)
                buffer.seek(0)
                if target.exists(member.name):
                    target.delete(member.name)
                saved = target.save(member.name, File(buffer, name=member.name))
            if saved != member.name:
                raise BackupError(f"The {alias!r} storage saved {member.name!r} as {saved!r}.")
            restored += 1
            bar.update(member.size)
    return restored


def backup_restore(*, name: str, progress: bool = False, on_phase: Phase = _noop) -> dict[str, Any]:
    """Verify, load into scratch, swap the live database in one atomic step, then put the media back.

    Until the swap the live database is not written to; any failure before it leaves it as it was.
    """
    manifest = backup_manifest(name=name)
    backup_check_restorable(manifest=manifest)
    connection = connections[DEFAULT_DB_ALIAS]
    engine = engine_for(connection)
    on_phase("verifying")
    locals_, scratch = _verify_parts(manifest=manifest, engine=engine, progress=progress)
    try:
        db_part = next(p for p in manifest["parts"] if p["kind"] == "database")
        on_phase("swapping the database in")
        engine.swap(scratch=scratch, dump_path=locals_[db_part["name"]])
        connection.close()
        # Runs in flight when the backup was taken come back "running" and would look busy forever: the
        # one that made this backup did finish (here it is); the others were cut off.
        in_flight = BackupRun.objects.filter(status__in=[BackupRun.Status.QUEUED, BackupRun.Status.RUNNING])
        if manifest.get("run_id"):
            in_flight.filter(pk=manifest["run_id"], action=BackupRun.Action.BACKUP).update(
                status=BackupRun.Status.SUCCEEDED,
                phase="",
                backup_name=name,
                message=f"{name}: this backup (the database was restored from it later).",
            )
        in_flight.update(
            status=BackupRun.Status.SKIPPED, phase="", message=f"Interrupted: the database was restored from {name}."
        )
        media: dict[str, int] = {}
        for part in manifest["parts"]:
            if part["kind"] == "media":
                on_phase(f"restoring media ({part['storage']})")
                media[part["storage"]] = _restore_media(
                    alias=part["storage"], path=locals_[part["name"]], progress=progress
                )
    finally:
        engine.drop_scratch(scratch=scratch)
        for local in locals_.values():
            local.unlink(missing_ok=True)
    # Cached pages and fragments describe the data that was just replaced.
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    applied = {(app, m) for app, names in manifest["migrations"].items() for m in names}
    return {
        "name": name,
        "tables": len(manifest["tables"]),
        "rows": sum(manifest["tables"].values()),
        "media": media,
        "pending_migrations": len(known - applied),
    }


def _keep_set(*, backups: list[BackupInfo], daily: int, weekly: int, monthly: int) -> set[str]:
    """Grandfather-father-son: the newest backup of each of the last N days, ISO weeks and months."""
    keep: set[str] = set()
    for count, key in (
        (daily, lambda d: d.date()),
        (weekly, lambda d: d.isocalendar()[:2]),
        (monthly, lambda d: (d.year, d.month)),
    ):
        seen: list[Any] = []
        for info in backups:  # newest first
            bucket = key(timezone.localtime(info.created_at))
            if bucket in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(bucket)
            keep.add(info.name)
    verified = [info for info in backups if info.verified]
    if verified:
        keep.add(verified[0].name)  # never delete the newest verified backup
    return keep


def backup_prune(
    *,
    keep_daily: int,
    keep_weekly: int,
    keep_monthly: int,
    dry_run: bool = False,
    on_delete: Callable[[str], None] = _noop,
) -> dict[str, list[str]]:
    """Delete the backups the keep rules do not keep (`on_delete` hears each name once it is gone);
    with `dry_run`, only say which. Runs go through `backup_prune_execute` (locked and recorded)."""
    backups = backup_list()
    keep = _keep_set(backups=backups, daily=keep_daily, weekly=keep_weekly, monthly=keep_monthly)
    deleted = [info.name for info in backups if info.name not in keep]
    if not dry_run:
        storage = st.backup_storage()
        for name in deleted:
            st.delete_tree(storage=storage, prefix=name)
            on_delete(name)
    return {"kept": [info.name for info in backups if info.name in keep], "deleted": deleted}


def backup_exists_for_day(*, day: datetime) -> bool:
    local_day = timezone.localtime(day).date()
    return any(timezone.localtime(info.created_at).date() == local_day for info in backup_list())


# --- Runs: the one path of the schedule, the admin and the commands -------------------------------
#
# Every backup, prune and restore that changes something runs here: under one lock (in the cache, so
# shared by every process when the cache is Redis) and recorded as a `BackupRun`, whether Celery beat,
# the admin's "Back up now" or a management command started it. A `BackupError` ends the run as
# FAILED (e-mailed to the admins) and is returned; any other error is recorded, then raised.


BUSY = "Another backup, prune or restore is running."


@contextlib.contextmanager
def _backup_lock() -> Any:
    """A cache lock so two runs (backups, prunes, restores) never overlap, on any worker or machine."""
    token = uuid.uuid4().hex
    acquired = cache.add(LOCK_KEY, token, timeout=settings.CELERY_TASK_TIME_LIMIT + 60)
    try:
        yield acquired
    finally:
        if acquired and cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)


def backup_running() -> bool:
    return cache.get(LOCK_KEY) is not None


def _same_run(run: BackupRun) -> Any:
    # pk, action and start time: after a restore another row may carry the same pk.
    return BackupRun.objects.filter(pk=run.pk, action=run.action, created_at=run.created_at)


def _phase_recorder(run: BackupRun) -> Phase:
    def phase(text: str) -> None:
        _same_run(run).update(phase=text[:100])

    return phase


def _finish(run: BackupRun, status: str, message: str, **fields: Any) -> BackupRun:
    for key, value in fields.items():
        setattr(run, key, value)
    run.status, run.message, run.phase, run.finished_at = status, message, "", timezone.now()
    run.save()
    if status == BackupRun.Status.FAILED:
        mail_admins(
            f"{settings.SITE_NAME}: {run.action} failed",
            f"The {run.action} run #{run.pk} started at {run.created_at:%Y-%m-%d %H:%M %Z} failed:\n\n{message}\n",
        )
    return run


def _error_message(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def backup_run_request(*, by: Any) -> BackupRun:
    """Queue a backup now (the admin's button); the task runs after the transaction commits."""
    run = BackupRun.objects.create(action=BackupRun.Action.BACKUP, origin=BackupRun.Origin.ADMIN, requested_by=by)
    enqueue_on_commit("apps.core.tasks.backup_run_task", run_id=run.pk, force=True)
    return run


def backup_run_execute(
    *,
    run_id: int | None = None,
    verify: bool = True,
    include_media: bool = True,
    force: bool = False,
    name: str | None = None,
    progress: bool = False,
    origin: str = BackupRun.Origin.SCHEDULE,
) -> BackupRun:
    """Back up (and verify). Without `force`, a day that already has a backup is skipped.

    `run_id` is a run queued by the admin; without it a run is recorded here (from `origin`).
    """
    if run_id:
        run = BackupRun.objects.get(pk=run_id)
    else:
        run = BackupRun.objects.create(action=BackupRun.Action.BACKUP, origin=origin)
    if run.status not in (BackupRun.Status.QUEUED, BackupRun.Status.RUNNING):
        return run  # a redelivered message for a run that already finished
    with _backup_lock() as acquired:
        if not acquired:
            return _finish(run, BackupRun.Status.SKIPPED, BUSY)
        try:
            if not force and backup_exists_for_day(day=timezone.now()):
                return _finish(run, BackupRun.Status.SKIPPED, "Today already has a backup.")
            run.status = BackupRun.Status.RUNNING
            run.save(update_fields=["status"])
            phase = _phase_recorder(run)
            manifest = backup_create(
                include_media=include_media, name=name, progress=progress, on_phase=phase, run_id=run.pk
            )
            message = f"{manifest['name']}: {manifest['size']} bytes."
            if verify:
                phase("verifying")
                message += " " + backup_verify(name=manifest["name"], progress=progress)["message"]
            return _finish(run, BackupRun.Status.SUCCEEDED, message, backup_name=manifest["name"])
        except BackupError as exc:
            return _finish(run, BackupRun.Status.FAILED, str(exc))
        except BaseException as exc:  # recorded, then raised (Ctrl-C in a command included)
            _finish(run, BackupRun.Status.FAILED, _error_message(exc))
            raise


def backup_prune_execute(
    *,
    keep_daily: int | None = None,
    keep_weekly: int | None = None,
    keep_monthly: int | None = None,
    origin: str = BackupRun.Origin.SCHEDULE,
    on_delete: Callable[[str], None] = _noop,
) -> BackupRun:
    """Prune with the given keep counts (default: the `BACKUP_KEEP_*` settings)."""
    run = BackupRun.objects.create(action=BackupRun.Action.PRUNE, status=BackupRun.Status.RUNNING, origin=origin)
    with _backup_lock() as acquired:
        if not acquired:
            return _finish(run, BackupRun.Status.SKIPPED, BUSY)
        try:
            result = backup_prune(
                keep_daily=settings.BACKUP_KEEP_DAILY if keep_daily is None else keep_daily,
                keep_weekly=settings.BACKUP_KEEP_WEEKLY if keep_weekly is None else keep_weekly,
                keep_monthly=settings.BACKUP_KEEP_MONTHLY if keep_monthly is None else keep_monthly,
                on_delete=on_delete,
            )
        except BackupError as exc:
            return _finish(run, BackupRun.Status.FAILED, str(exc))
        except BaseException as exc:
            _finish(run, BackupRun.Status.FAILED, _error_message(exc))
            raise
        deleted, kept = len(result["deleted"]), len(result["kept"])
        return _finish(run, BackupRun.Status.SUCCEEDED, f"Deleted {deleted} backup(s), kept {kept}.")


def _recorded(run: BackupRun) -> BackupRun:
    """`run` as the database now holds it: when a restore swapped in a database without its row, the
    row is written again there (same action, origin and start time)."""
    if _same_run(run).exists():
        return run
    again = BackupRun.objects.create(
        action=run.action, origin=run.origin, status=run.status, backup_name=run.backup_name
    )
    BackupRun.objects.filter(pk=again.pk).update(created_at=run.created_at)
    again.created_at = run.created_at
    return again


def backup_restore_execute(*, name: str, progress: bool = False, origin: str = BackupRun.Origin.COMMAND) -> BackupRun:
    """Restore `name` (see `backup_restore`) as a recorded run; its message says what was restored."""
    run = BackupRun.objects.create(
        action=BackupRun.Action.RESTORE, status=BackupRun.Status.RUNNING, origin=origin, backup_name=name
    )
    with _backup_lock() as acquired:
        if not acquired:
            return _finish(run, BackupRun.Status.SKIPPED, BUSY)
        try:
            result = backup_restore(name=name, progress=progress, on_phase=_phase_recorder(run))
        except BackupError as exc:
            return _finish(_recorded(run), BackupRun.Status.FAILED, str(exc))
        except BaseException as exc:
            _finish(_recorded(run), BackupRun.Status.FAILED, _error_message(exc))
            raise
        lines = [f"Restored {result['name']}: {result['tables']} tables, {result['rows']} rows."]
        lines += [f"Restored {count} file(s) to the {alias!r} storage." for alias, count in result["media"].items()]
        if result["pending_migrations"]:
            lines.append(
                f"This code has {result['pending_migrations']} migration(s) the backup lacks: run `manage.py migrate`."
            )
        return _finish(_recorded(run), BackupRun.Status.SUCCEEDED, "\n".join(lines))
