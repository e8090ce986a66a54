"""Pruning over a simulated year of nightly backups."""

import io
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.core.backups import selectors


def _fake_backup(root: Path, day: date, *, verified: bool = False) -> str:
    name = f"inkwell-{day:%Y%m%d}-020000-sqlite"
    (root / name).mkdir(parents=True)
    created = timezone.make_aware(datetime.combine(day, time(2, 0)))
    manifest = {"format": 1, "name": name, "created_at": created.isoformat(), "engine": "sqlite", "parts": []}
    (root / name / "manifest.json").write_text(json.dumps(manifest))
    (root / name / "database.sqlite3.gz").write_bytes(b"dump")
    if verified:
        (root / name / "verification.json").write_text(json.dumps({"ok": True, "verified_at": created.isoformat()}))
    return name


def _names(*days: str) -> set[str]:
    return {f"inkwell-{d.replace('-', '')}-020000-sqlite" for d in days}


@pytest.mark.django_db
def test_pruning_a_year_keeps_7_days_4_weeks_6_months_and_the_newest_verified(backup_env, settings):
    settings.TIME_ZONE = "UTC"
    root = backup_env / "backups"
    last = date(2026, 6, 30)  # a Tuesday
    for offset in range(365):
        day = last - timedelta(days=offset)
        _fake_backup(root, day, verified=day == date(2025, 12, 15))

    out = io.StringIO()
    call_command("prune_backups", "--keep-daily", "7", "--keep-weekly", "4", "--keep-monthly", "6", stdout=out)

    expected = _names(
        *(f"2026-06-{d:02d}" for d in range(24, 31)),  # the last 7 days (Sunday 28th ends ISO week 26)
        "2026-06-21",  # ISO week 25
        "2026-06-14",  # ISO week 24
        "2026-05-31",  # newest of May
        "2026-04-30",
        "2026-03-31",
        "2026-02-28",
        "2026-01-31",
        "2025-12-15",  # the newest verified backup, whatever its age
    )
    assert {info.name for info in selectors.backup_list()} == expected
    assert {p.name for p in root.iterdir()} == expected  # deleted directories are gone from disk
    assert out.getvalue().strip().endswith("Deleted 350 backup(s), kept 15.")


@pytest.mark.django_db
def test_pruning_never_deletes_the_newest_verified_backup_even_when_told_to_keep_nothing(backup_env):
    root = backup_env / "backups"
    _fake_backup(root, date(2026, 1, 1), verified=True)
    _fake_backup(root, date(2026, 1, 2))

    keep_nothing = ("--keep-daily", "0", "--keep-weekly", "0", "--keep-monthly", "0")
    call_command("prune_backups", *keep_nothing, stdout=io.StringIO())

    assert [info.name for info in selectors.backup_list()] == ["inkwell-20260101-020000-sqlite"]


@pytest.mark.django_db
def test_a_dry_run_only_says_what_it_would_delete(backup_env, settings):
    settings.BACKUP_KEEP_DAILY = 1
    root = backup_env / "backups"
    _fake_backup(root, date(2026, 1, 1))
    _fake_backup(root, date(2026, 1, 2))
    out = io.StringIO()

    keep_one = ("--keep-daily", "1", "--keep-weekly", "0", "--keep-monthly", "0")
    call_command("prune_backups", "--dry-run", *keep_one, stdout=out)

    assert "Would delete inkwell-20260101-020000-sqlite" in out.getvalue()
    assert len(selectors.backup_list()) == 2
