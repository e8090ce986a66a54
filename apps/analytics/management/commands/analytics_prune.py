"""`python manage.py analytics_prune [--days N]`: delete raw views older than the retention."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.analytics import services


class Command(BaseCommand):
    help = "Delete raw page views older than ANALYTICS_RAW_RETENTION_DAYS (daily rollups are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Keep this many days instead of the setting.")

    def handle(self, *args, days: int | None, **options) -> None:
        try:
            deleted = services.raw_prune(retention_days=days)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"{deleted} raw views deleted.")
