"""Payments' fixtures: Stripe's stand-in server with the site's settings pointed at it, a project for sale."""

import pytest

from apps.payments.stripe_standin import StripeStandIn

WEBHOOK_SECRET = "whsec_test_inkwell"


@pytest.fixture
def stripe_standin(settings):
    """The stand-in on a free port; STRIPE_* point the real `stripe` library at it."""
    with StripeStandIn(webhook_secret=WEBHOOK_SECRET) as standin:
        settings.STRIPE_SECRET_KEY = "sk_test_standin"
        settings.STRIPE_PUBLISHABLE_KEY = "pk_test_standin"
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = standin.url
        settings.SITE_URL = "http://testserver"
        yield standin


@pytest.fixture
def gst(db):
    from .factories import TaxRateFactory

    return TaxRateFactory(name="GST", rate=1500, inclusive=True)


@pytest.fixture
def project_for_sale(db, editor):
    """A published project at 20.00 NZD with a private zip attachment."""
    from apps.blog.tests.factories import ProjectFactory
    from apps.media import services as media_services
    from apps.media.models import Asset

    from .factories import zip_upload

    asset = media_services.asset_create(owner=editor, uploaded_file=zip_upload(), visibility=Asset.Visibility.PRIVATE)
    return ProjectFactory(
        title_en="Inkwell Pro", title_zh_hans="墨水专业版", price=2000, currency="NZD", attachment=asset
    )


def post_webhook(client, standin, event, *, secret=None, signature=None):
    """Deliver `event` to the site's webhook, signed as Stripe signs (or with `signature` as given)."""
    payload, signed = standin.signed(event, secret=secret)
    headers = {} if signature == "" else {"HTTP_STRIPE_SIGNATURE": signature or signed}
    return client.post("/payments/stripe/webhook/", data=payload, content_type="application/json", **headers)
