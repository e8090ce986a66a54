from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from apps.core.backups import services
from apps.core.backups.command import BackupCommand
from apps.core.models import BackupRun


class Command(BackupCommand):
    help = (
        "Delete old backups, keeping the newest of each recent day, week and month and the newest verified one. "
        "Runs under the backup lock and is recorded on the admin's Backups page, like the scheduled prune."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keep-daily", type=int, default=settings.BACKUP_KEEP_DAILY)
        parser.add_argument("--keep-weekly", type=int, default=settings.BACKUP_KEEP_WEEKLY)
        parser.add_argument("--keep-monthly", type=int, default=settings.BACKUP_KEEP_MONTHLY)
        parser.add_argument("--dry-run", action="store_true", help="Only print what would be deleted.")

    def handle(self, *args: Any, **options: Any) -> None:
        keep = {name: options[name] for name in ("keep_daily", "keep_weekly", "keep_monthly")}
        if options["dry_run"]:  # changes nothing: not a run
            result = services.backup_prune(**keep, dry_run=True)
            for name in result["deleted"]:
                self.stdout.write(f"Would delete {name}")
            self.stdout.write(f"Would delete {len(result['deleted'])} backup(s), kept {len(result['kept'])}.")
            return
        run = services.backup_prune_execute(
            **keep, origin=BackupRun.Origin.COMMAND, on_delete=lambda name: self.stdout.write(f"Deleted {name}")
        )
        self.stdout.write(self.check_run(run).message)
