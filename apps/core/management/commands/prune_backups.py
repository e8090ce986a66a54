from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from apps.core.backups import services
from apps.core.backups.command import BackupCommand


class Command(BackupCommand):
    help = "Delete old backups, keeping the newest of each recent day, week and month and the newest verified one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keep-daily", type=int, default=settings.BACKUP_KEEP_DAILY)
        parser.add_argument("--keep-weekly", type=int, default=settings.BACKUP_KEEP_WEEKLY)
        parser.add_argument("--keep-monthly", type=int, default=settings.BACKUP_KEEP_MONTHLY)
        parser.add_argument("--dry-run", action="store_true", help="Only print what would be deleted.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.backup_prune(
            keep_daily=options["keep_daily"],
            keep_weekly=options["keep_weekly"],
            keep_monthly=options["keep_monthly"],
            dry_run=options["dry_run"],
        )
        verb = "Would delete" if options["dry_run"] else "Deleted"
        for name in result["deleted"]:
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(f"{verb} {len(result['deleted'])} backup(s), kept {len(result['kept'])}.")
