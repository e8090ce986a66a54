"""`python manage.py media_cleanup [--delete]`: files in storage with no asset, and assets whose file is gone."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.media import selectors, services


class Command(BaseCommand):
    help = "Report stored files that no asset or rendition refers to, and assets whose file is missing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--delete", action="store_true", help="Delete the orphan files and the broken assets.")

    def handle(self, *args: Any, delete: bool, **options: Any) -> None:
        report = selectors.media_storage_audit()
        for alias, name in report.orphan_files:
            self.stdout.write(f"orphan file   {alias}:{name}")
        for asset in report.missing_assets:
            self.stdout.write(f"missing file  asset {asset.pk} ({asset.storage_alias}:{asset.file.name})")
        if delete:
            services.media_storage_repair(report=report)
        verb = "deleted" if delete else "found"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.orphan_files)} orphan files and {len(report.missing_assets)} assets with a missing "
                f"file {verb}."
            )
        )
