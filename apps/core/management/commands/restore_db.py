from typing import Any

from django.core.management.base import CommandError, CommandParser

from apps.core.backups import selectors, services
from apps.core.backups.command import BackupCommand


class Command(BackupCommand):
    help = "Replace the database (and media, when included) with a verified backup."

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
        result = services.backup_restore(name=options["name"], progress=self.progress(options))
        self.stdout.write(f"Restored {result['name']}: {result['tables']} tables, {result['rows']} rows.")
        for alias, count in result["media"].items():
            self.stdout.write(f"Restored {count} file(s) to the {alias!r} storage.")
        if result["pending_migrations"]:
            self.stdout.write(
                f"This code has {result['pending_migrations']} migration(s) the backup lacks: run `manage.py migrate`."
            )
