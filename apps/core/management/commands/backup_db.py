from typing import Any

from django.core.management.base import CommandParser

from apps.core.backups import selectors, services
from apps.core.backups.command import BackupCommand, human_size
from apps.core.models import BackupRun


class Command(BackupCommand):
    help = (
        "Back up the database (and with --include-media the media files) to the backup storage. "
        "Runs under the backup lock and is recorded on the admin's Backups page, like the scheduled backup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--include-media", action="store_true", help="Also archive the media storages.")
        parser.add_argument("--to", dest="name", help="Name of the backup (default: inkwell-<time>-<engine>).")
        parser.add_argument("--verify", action="store_true", help="Then verify it (as verify_backup does).")

    def handle(self, *args: Any, **options: Any) -> None:
        run = services.backup_run_execute(
            include_media=options["include_media"],
            name=options["name"],
            verify=options["verify"],
            force=True,
            progress=self.progress(options),
            origin=BackupRun.Origin.COMMAND,
        )
        self.check_run(run)
        manifest = selectors.backup_manifest(name=run.backup_name)
        self.stdout.write(f"{manifest['name']} {human_size(manifest['size'])}")
