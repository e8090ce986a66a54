"""`python manage.py stripe_standin [--port 8010] [--site http://127.0.0.1:8000]`: serve Stripe's stand-in.

Then start the site with the variables it prints to buy end to end without a Stripe account: the
buy button opens the stand-in's Checkout page, "Pay" sends the signed `checkout.session.completed`
to the site's webhook, and refunds from the admin send `charge.refunded`.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.payments.stripe_standin import StripeStandIn


class Command(BaseCommand):
    help = "Serve a local stand-in of Stripe's Checkout, PaymentIntent and Refund API (development and demos)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8010)
        parser.add_argument("--site", default="http://127.0.0.1:8000", help="The site whose webhook gets the events.")
        parser.add_argument("--webhook-secret", default="whsec_standin")

    def handle(self, *args: Any, host: str, port: int, site: str, webhook_secret: str, **options: Any) -> None:
        if not 0 <= port <= 65535:
            raise CommandError("--port must be between 0 and 65535.")
        webhook_url = f"{site.rstrip('/')}/payments/stripe/webhook/"
        try:
            standin = StripeStandIn(host, port, webhook_url=webhook_url, webhook_secret=webhook_secret)
        except OSError as exc:
            raise CommandError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        self.stdout.write(f"Stripe stand-in on {standin.url}, sending events to {webhook_url}")
        self.stdout.write(
            "Start the site with: STRIPE_SECRET_KEY=sk_test_standin "
            f"STRIPE_WEBHOOK_SECRET={webhook_secret} STRIPE_API_BASE={standin.url}"
        )
        try:
            standin.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            standin.server.server_close()
