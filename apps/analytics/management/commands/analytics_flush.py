"""`python manage.py analytics_flush`: store the buffered views now (what the beat task does every 5 s)."""

from django.core.management.base import BaseCommand

from apps.analytics import services


class Command(BaseCommand):
    help = "Move buffered page views into the database (bulk inserts)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{services.events_flush()} views stored.")
