from typing import Any

from django.utils import timezone

from apps.core.backups import selectors
from apps.core.backups.command import BackupCommand, human_size


class Command(BackupCommand):
    help = "List the backups in the backup storage, newest first."

    def handle(self, *args: Any, **options: Any) -> None:
        backups = selectors.backup_list()
        if not backups:
            self.stdout.write("No backups.")
            return
        header = f"{'NAME':<40} {'TIME':<19} {'SIZE':>9} {'ENGINE':<10} {'MEDIA':<5} VERIFIED"
        self.stdout.write(header)
        for info in backups:
            verified = {True: "yes", False: "FAILED", None: "no"}[info.verified]
            self.stdout.write(
                f"{info.name:<40} {timezone.localtime(info.created_at):%Y-%m-%d %H:%M:%S} "
                f"{human_size(info.size):>9} {info.engine:<10} {'yes' if info.include_media else 'no':<5} {verified}"
            )
