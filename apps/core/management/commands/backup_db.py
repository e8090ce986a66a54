from typing import Any

from django.core.management.base import CommandParser

from apps.core.backups import services
from apps.core.backups.command import BackupCommand, human_size


class Command(BackupCommand):
    help = "Back up the database (and with --include-media the media files) to the backup storage."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--include-media", action="store_true", help="Also archive the media storages.")
        parser.add_argument("--to", dest="name", help="Name of the backup (default: inkwell-<time>-<engine>).")

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = services.backup_create(
            include_media=options["include_media"], name=options["name"], progress=self.progress(options)
        )
        self.stdout.write(f"{manifest['name']} {human_size(manifest['size'])}")
