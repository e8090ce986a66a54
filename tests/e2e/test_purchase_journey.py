"""Journey 4: a reader buys a project through the local Stripe stand-in, comes back to the success page,
downloads the attachment and opens the invoice PDF."""

import subprocess

import pytest
from django.core import mail

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def payments_on(settings, live_server):
    """Payments configured as an operator would, pointed at the stand-in (as STRIPE_API_BASE does at boot)."""
    from apps.payments.stripe_standin import StripeStandIn

    secret = "whsec_e2e"
    with StripeStandIn(webhook_url=f"{live_server.url}/payments/stripe/webhook/", webhook_secret=secret) as standin:
        settings.STRIPE_SECRET_KEY = "sk_test_e2e"
        settings.STRIPE_PUBLISHABLE_KEY = "pk_test_e2e"
        settings.STRIPE_WEBHOOK_SECRET = secret
        settings.STRIPE_API_BASE = standin.url
        settings.SITE_URL = live_server.url
        reader_policy = dict(settings.CSP_POLICIES["reader"])
        reader_policy["form-action"] = (*reader_policy["form-action"], standin.url)
        settings.CSP_POLICIES = {**settings.CSP_POLICIES, "reader": reader_policy}
        yield standin


def test_a_reader_buys_a_project_downloads_it_and_opens_the_invoice(site, payments_on, new_page, shot, reader, editor):
    from allauth.account.models import EmailAddress

    from apps.blog.tests.factories import ProjectFactory
    from apps.media import services as media_services
    from apps.media.models import Asset
    from apps.payments.models import Order
    from apps.payments.tests.factories import TaxRateFactory, zip_upload

    TaxRateFactory(name="GST", rate=1500, inclusive=True)
    attachment = media_services.asset_create(
        owner=editor, uploaded_file=zip_upload(), visibility=Asset.Visibility.PRIVATE
    )
    project = ProjectFactory(
        title_en="Inkwell Pro", title_zh_hans="墨水专业版", price=2000, currency="NZD", attachment=attachment
    )
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
    page = new_page()
    page.goto(f"/en/accounts/login/?next=/en/projects/{project.slug}/")
    page.fill("#id_login", reader.email)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(lambda url: "/login/" not in url)

    # Buy: our site makes the Checkout Session and sends the reader to the (stand-in's) Checkout page.
    page.get_by_role("button", name="Buy the download").click()
    page.wait_for_url(f"{payments_on.url}/**")
    with page.expect_navigation():
        page.get_by_role("button", name="Pay with test card 4242").click()
    page.wait_for_url("**/payments/orders/*/thanks/**")
    page.get_by_text("Paid").first.wait_for(timeout=30_000)  # the page refreshes until the webhook has arrived
    order = Order.objects.get(buyer=reader)
    assert order.status == Order.Status.PAID
    assert order.total == 2000
    shot(page, "4-purchase-success")

    # The invoice e-mail carries the PDF; the success page links the same invoice.
    invoice_mails = [m for m in mail.outbox if reader.email in m.to and m.attachments]
    assert invoice_mails, [m.subject for m in mail.outbox]
    name, pdf_bytes, mimetype = invoice_mails[0].attachments[0]
    assert mimetype == "application/pdf"
    assert name.startswith(f"INV-{order.paid_at:%Y}-")

    # Download the attachment through the short-lived link.
    page.get_by_role("link", name="Go to your download").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").first.click()
    assert download.value.path().read_bytes()[:4] == b"PK\x03\x04"

    # Open the invoice PDF from the site: it names the invoice number.
    page.goto(f"/en/payments/orders/{order.pk}/thanks/")
    invoice_href = page.locator("a[href*='/payments/invoices/']").first.get_attribute("href")
    response = page.request.get(invoice_href)
    assert response.headers["content-type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=response.body(), capture_output=True, check=True).stdout
    assert name.removesuffix(".pdf").encode() in text
    assert response.body() == pdf_bytes
