"""`manage.py import_legacy --database-url mysql://user:pass@host/db [--media-base URL|DIR] [--dry-run]
[--only users,posts,...]`: moves an old FastAPI + MySQL site into Inkwell (see apps/legacy/importer.py)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.legacy.fetch import MediaFetcher
from apps.legacy.importer import GROUPS, Importer
from apps.legacy.source import MySQLSource, SourceUnavailable


class Command(BaseCommand):
    help = "Import a running site of the old backend (its MySQL database and its files)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database-url", required=True, help="mysql://user:password@host[:port]/database")
        parser.add_argument("--media-base", default="", help="Read files from this URL prefix or directory.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")
        parser.add_argument("--only", default="", help=f"Comma-separated parts: {','.join(GROUPS)}")
        parser.add_argument("--currency", default="NZD", help="Currency of the old prices (default NZD).")
        parser.add_argument("--batch-size", type=int, default=200, help="Rows per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        only = [part.strip() for part in options["only"].split(",") if part.strip()] or None
        unknown = set(only or ()) - set(GROUPS)
        if unknown:
            raise CommandError(f"unknown --only part(s) {', '.join(sorted(unknown))}; choose from {', '.join(GROUPS)}")
        try:
            source = MySQLSource(options["database_url"])
        except SourceUnavailable as exc:
            raise CommandError(str(exc)) from exc
        show = options["verbosity"] > 0

        def progress(table: str, total: int) -> Any:
            return tqdm(
                total=total, desc=f"{table:<18}", unit="row", file=self.stderr._out, disable=not show, leave=True
            )

        importer = Importer(
            source,
            fetcher=MediaFetcher(base=options["media_base"]),
            only=only,
            dry_run=options["dry_run"],
            currency=options["currency"],
            batch_size=max(1, options["batch_size"]),
            progress=progress,
        )
        try:
            report = importer.run()
        except SourceUnavailable as exc:
            raise CommandError(str(exc)) from exc
        finally:
            source.close()
        for line in report.lines():
            self.stdout.write(line)
