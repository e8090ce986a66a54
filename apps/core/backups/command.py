"""Shared behaviour of the backup management commands: one-line errors, a progress bar on a tty."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from apps.core.models import BackupRun

from .errors import BackupError


def human_size(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover


class BackupCommand(BaseCommand):
    def progress(self, options: dict[str, Any]) -> bool:
        # A bar only for a person at a terminal; cron and Celery get nothing but the result.
        return options.get("verbosity", 1) > 0 and sys.stderr.isatty()

    def check_run(self, run: BackupRun) -> BackupRun:
        """A run that did not succeed (failed, or skipped because another holds the lock) is the
        command's one-line error; the run itself is recorded like the schedule's and the admin's."""
        if run.status != BackupRun.Status.SUCCEEDED:
            raise CommandError(run.message)
        return run

    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            return super().execute(*args, **options)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(f"Database error: {exc}") from exc
