"""Create the development superuser once and print its password; later runs leave it alone."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create a development superuser if none exists (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--email", default="admin@example.com")

    def handle(self, *args, email: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("ensure_dev_superuser only runs with DEBUG on; use createsuperuser in production.")
        User = get_user_model()
        existing = User.objects.filter(is_superuser=True).order_by("pk").first()
        if existing:
            self.stdout.write(f"Development superuser: {existing.email} (password was printed when it was created)")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(email=email, password=password, display_name="Admin")
        self.stdout.write(self.style.SUCCESS(f"Created development superuser {email} with password {password}"))
        self.stdout.write("It is printed only this once; change it in /admin/ if you like.")
