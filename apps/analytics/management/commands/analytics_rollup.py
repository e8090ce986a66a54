"""`python manage.py analytics_rollup [--day YYYY-MM-DD]`: build pending daily rollups, or rebuild one day."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.analytics import services


class Command(BaseCommand):
    help = "Roll up finished days not rolled up yet (and stale ones), or rebuild one day with --day."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="Rebuild this finished day (YYYY-MM-DD); idempotent.")

    def handle(self, *args, day: str | None, **options) -> None:
        try:
            if day:
                try:
                    wanted = date.fromisoformat(day)
                except ValueError:
                    raise CommandError(f"--day: {day!r} is not a date like 2026-01-31.") from None
                state = services.rollup_day_build(day=wanted)
                services.content_totals_rebuild()
                self.stdout.write(f"{state.day}: {state.views} views, {state.visitors} visitors.")
                return
            built = services.rollups_build_pending()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"{len(built)} days rolled up." + (f" ({built[0]} to {built[-1]})" if built else ""))
