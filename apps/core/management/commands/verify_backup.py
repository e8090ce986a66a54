from typing import Any

from django.core.management.base import CommandParser

from apps.core.backups import services
from apps.core.backups.command import BackupCommand


class Command(BackupCommand):
    help = "Check every checksum of a backup and restore it into a scratch database, comparing row counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.backup_verify(name=options["name"], progress=self.progress(options))
        self.stdout.write(f"{result['name']} verified: {result['message']}")
