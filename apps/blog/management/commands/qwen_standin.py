"""`python manage.py qwen_standin [--port 8009] [--delay 0.3]`: serve the DashScope stand-in locally.

Then start the site with `QWEN_API_KEY=standin QWEN_API_BASE_URL=http://127.0.0.1:8009/api/v1` to see
translation work end to end without an account (the stand-in "translates" mechanically).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.blog.qwen_standin import QwenStandIn


class Command(BaseCommand):
    help = "Serve a local stand-in of DashScope's text-generation API (for development and demos)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8009)
        parser.add_argument("--delay", type=float, default=0.0, help="Seconds to wait before each answer.")

    def handle(self, *args: Any, host: str, port: int, delay: float, **options: Any) -> None:
        if not 0 <= port <= 65535:
            raise CommandError("--port must be between 0 and 65535.")
        if delay < 0:
            raise CommandError("--delay cannot be negative.")
        try:
            standin = QwenStandIn(host, port, delay=delay)
        except OSError as exc:
            raise CommandError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        self.stdout.write(f"DashScope stand-in on {standin.url}")
        self.stdout.write(f"Start the site with: QWEN_API_KEY=standin QWEN_API_BASE_URL={standin.url}")
        try:
            standin.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            standin.server.server_close()
