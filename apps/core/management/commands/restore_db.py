from typing import Any

from django.core.management.base import CommandError, CommandParser

from apps.core.backups import selectors, services
from apps.core.backups.command import BackupCommand
from apps.core.models import BackupRun


class Command(BackupCommand):
    help = (
        "Replace the database (and media, when included) with a verified backup. Runs under the backup lock "
        "and is recorded on the admin's Backups page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = selectors.backup_manifest(name=options["name"])
        services.backup_check_restorable(manifest=manifest)
        if not options["yes"]:
            media = " and the media files" if manifest["include_media"] else ""
            answer = input(
                f"This replaces the database {manifest['database']!r}{media} with backup {manifest['name']} "
                f"of {manifest['created_at']}. Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        run = services.backup_restore_execute(
            name=options["name"], progress=self.progress(options), origin=BackupRun.Origin.COMMAND
        )
        self.stdout.write(self.check_run(run).message)
