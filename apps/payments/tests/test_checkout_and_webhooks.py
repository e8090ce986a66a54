"""Buying through the real `stripe` library against the local stand-in, and Stripe's webhooks."""

import io
import re

import pytest
from django.core import mail
from pypdf import PdfReader

from apps.blog.models import AccessGrant
from apps.payments import services
from apps.payments.models import Invoice, Order, StripeEvent

from .conftest import post_webhook

pytestmark = pytest.mark.django_db


def _checkout(api_client, user, project, **extra):
    api_client.force_authenticate(user)
    return api_client.post("/api/v1/payments/checkout/", {"project": project.pk, **extra}, format="json")


def _pay(client, standin, order, django_capture_on_commit_callbacks):
    event = standin.complete(order.stripe_session_id)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(client, standin, event)
    assert response.status_code == 200
    order.refresh_from_db()
    return event


def test_checkout_uses_the_servers_price_and_ignores_an_amount_from_the_client(
    api_client, reader, project_for_sale, gst, stripe_standin
):
    response = _checkout(api_client, reader, project_for_sale, amount=1, price=1, total=1, currency="JPY")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["checkout_url"].startswith(stripe_standin.url + "/pay/cs_test_")
    assert body["order"]["total"] == 2000
    assert body["order"]["currency"] == "NZD"
    assert (body["order"]["net"], body["order"]["tax_amount"], body["order"]["tax_name"]) == (1739, 261, "GST")
    sent = next(r for r in stripe_standin.requests if r["path"] == "/v1/checkout/sessions")
    assert sent["params"]["line_items"][0]["price_data"]["unit_amount"] == "2000"
    assert sent["params"]["line_items"][0]["price_data"]["currency"] == "nzd"
    assert sent["params"]["metadata"]["order_id"] == str(body["order"]["id"])
    assert sent["params"]["success_url"].startswith("http://testserver/en/payments/orders/")
    assert sent["headers"]["Idempotency-Key"] == f"inkwell-order-{body['order']['id']}-checkout"
    assert Order.objects.get().status == Order.Status.PENDING


def test_exclusive_tax_is_added_as_its_own_line(api_client, reader, project_for_sale, stripe_standin):
    from .factories import TaxRateFactory

    TaxRateFactory(name="GST", rate=1500, inclusive=False)
    body = _checkout(api_client, reader, project_for_sale).json()
    assert (body["order"]["net"], body["order"]["tax_amount"], body["order"]["total"]) == (2000, 300, 2300)
    session = stripe_standin.sessions[Order.objects.get().stripe_session_id]
    assert session["amount_total"] == 2300
    assert [item["price_data"]["unit_amount"] for item in session["_line_items"]] == ["2000", "300"]


def test_without_stripe_keys_the_api_answers_503_with_the_reason(api_client, reader, project_for_sale, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = _checkout(api_client, reader, project_for_sale)
    assert response.status_code == 503
    assert response.json()["code"] == "payments_not_configured"
    assert response.json()["detail"] == "Payments are not configured on this site."
    assert not Order.objects.exists()


def test_a_buyer_who_owns_the_item_gets_a_409(api_client, reader, project_for_sale, stripe_standin):
    AccessGrant.objects.create(user=reader, project=project_for_sale)
    response = _checkout(api_client, reader, project_for_sale)
    assert response.status_code == 409
    assert response.json()["code"] == "already_owned"


def test_a_free_or_unknown_item_cannot_be_bought(api_client, reader, stripe_standin):
    from apps.blog.tests.factories import PostFactory, ProjectFactory

    assert _checkout(api_client, reader, ProjectFactory(price=0)).status_code == 400
    free_post = PostFactory(is_premium=False, price=500)
    assert api_client.post("/api/v1/payments/checkout/", {"post": free_post.pk}, format="json").status_code == 400
    huge = api_client.post("/api/v1/payments/checkout/", {"project": 10**30}, format="json")
    assert huge.status_code == 400
    assert api_client.post("/api/v1/payments/checkout/", {"project": 999999}, format="json").status_code == 404


def test_anonymous_checkout_is_refused(api_client, project_for_sale, stripe_standin):
    response = api_client.post("/api/v1/payments/checkout/", {"project": project_for_sale.pk}, format="json")
    assert response.status_code == 401


def test_a_paid_session_grants_access_numbers_an_invoice_and_emails_the_pdf(
    api_client, client, reader, project_for_sale, gst, stripe_standin, django_capture_on_commit_callbacks
):
    reader.display_name = "王小明"
    reader.save()
    _checkout(api_client, reader, project_for_sale)
    order = Order.objects.get()

    _pay(client, stripe_standin, order, django_capture_on_commit_callbacks)

    assert order.status == Order.Status.PAID
    assert order.payment_method == "Visa •••• 4242"
    assert AccessGrant.objects.get(user=reader, project=project_for_sale).source == AccessGrant.Source.PURCHASE
    invoice = Invoice.objects.get(order=order)
    assert re.fullmatch(r"INV-\d{4}-000001", invoice.number)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [reader.email]
    assert invoice.number in message.subject
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert invoice.number in text
    assert "王小明" in text
    assert "20.00 NZD" in text


def test_signature_failures_write_nothing(client, reader, stripe_standin, project_for_sale):
    from .factories import OrderFactory

    order = OrderFactory(buyer=reader, project=project_for_sale)
    stripe_standin.sessions[order.stripe_session_id] = {}  # unknown to the stand-in: build the event by hand
    event = stripe_standin.event(
        "checkout.session.completed",
        {
            "object": "checkout.session",
            "id": order.stripe_session_id,
            "payment_status": "paid",
            "metadata": {"order_id": str(order.pk)},
        },
    )
    assert post_webhook(client, stripe_standin, event, secret="whsec_wrong").status_code == 400
    assert post_webhook(client, stripe_standin, event, signature="").status_code == 400
    assert post_webhook(client, stripe_standin, event, signature="t=1,v1=00").status_code == 400
    assert not StripeEvent.objects.exists()
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert not AccessGrant.objects.exists()


def test_a_replayed_event_changes_nothing(
    api_client, client, reader, project_for_sale, stripe_standin, django_capture_on_commit_callbacks
):
    _checkout(api_client, reader, project_for_sale)
    order = Order.objects.get()
    event = _pay(client, stripe_standin, order, django_capture_on_commit_callbacks)

    again = post_webhook(client, stripe_standin, event)
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    # Stripe may also send the same news under a new event id: still one invoice, one e-mail.
    same_news = {**event, "id": "evt_test_other"}
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, stripe_standin, same_news).status_code == 200
    assert StripeEvent.objects.count() == 2
    assert Invoice.objects.count() == 1
    assert len(mail.outbox) == 1


def test_expired_session_marks_the_order_expired_and_grants_nothing(
    api_client, client, reader, project_for_sale, stripe_standin
):
    _checkout(api_client, reader, project_for_sale)
    order = Order.objects.get()
    assert post_webhook(client, stripe_standin, stripe_standin.expire(order.stripe_session_id)).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert order.expired_at is not None
    assert not AccessGrant.objects.exists()
    assert not Invoice.objects.exists()


def test_a_failed_payment_then_a_late_expiry_event_after_payment_keep_the_order_paid(
    api_client, client, reader, project_for_sale, stripe_standin, django_capture_on_commit_callbacks
):
    _checkout(api_client, reader, project_for_sale)
    order = Order.objects.get()
    failed = stripe_standin.complete(order.stripe_session_id, succeed=False)
    post_webhook(client, stripe_standin, failed)
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED
    assert order.failure_reason == "Your card was declined."

    _pay(client, stripe_standin, order, django_capture_on_commit_callbacks)  # the second attempt succeeds
    assert order.status == Order.Status.PAID
    stale = stripe_standin.event(
        "checkout.session.expired",
        {**stripe_standin._public(stripe_standin.sessions[order.stripe_session_id]), "status": "expired"},
    )
    post_webhook(client, stripe_standin, stale)
    post_webhook(client, stripe_standin, {**failed, "id": "evt_test_failed_again"})
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert AccessGrant.objects.get(user=reader).is_active


def test_events_in_any_order_refund_before_completion(
    api_client, client, reader, project_for_sale, stripe_standin, django_capture_on_commit_callbacks
):
    _checkout(api_client, reader, project_for_sale)
    order = Order.objects.get()
    completed = stripe_standin.complete(order.stripe_session_id)
    intent = stripe_standin.payment_intents[completed["data"]["object"]["payment_intent"]]
    charge = stripe_standin.charges[intent["latest_charge"]]
    charge.update(amount_refunded=2000, refunded=True)
    refunded = stripe_standin.event("charge.refunded", dict(charge))  # no `refunds` list, as newer API versions

    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, stripe_standin, refunded)
        post_webhook(client, stripe_standin, completed)
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert order.amount_refunded == 2000
    assert [i.kind for i in order.invoices.order_by("id")] == ["invoice", "credit_note"]
    assert not AccessGrant.objects.get(user=reader).is_active


def test_refund_by_an_editor_credits_and_a_full_refund_closes_the_download(
    api_client, client, reader, editor, project_for_sale, gst, stripe_standin, django_capture_on_commit_callbacks
):
    _checkout(api_client, reader, project_for_sale)
    order = Order.objects.get()
    _pay(client, stripe_standin, order, django_capture_on_commit_callbacks)
    api_client.force_authenticate(reader)
    assert api_client.get(f"/api/v1/payments/downloads/{project_for_sale.pk}/").status_code == 200
    assert api_client.post(f"/api/v1/payments/orders/{order.pk}/refund/", {}, format="json").status_code == 403

    api_client.force_authenticate(editor)
    with django_capture_on_commit_callbacks(execute=True):
        partial = api_client.post(f"/api/v1/payments/orders/{order.pk}/refund/", {"amount": 500}, format="json")
    assert partial.status_code == 200, partial.json()
    assert (partial.json()["status"], partial.json()["amount_refunded"]) == ("partially_refunded", 500)
    assert AccessGrant.objects.get(user=reader).is_active
    too_much = api_client.post(f"/api/v1/payments/orders/{order.pk}/refund/", {"amount": 5000}, format="json")
    assert too_much.status_code == 400

    with django_capture_on_commit_callbacks(execute=True):
        services.order_refund(order=order, by=editor)
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert order.amount_refunded == 2000
    notes = list(order.invoices.filter(kind=Invoice.Kind.CREDIT_NOTE).order_by("sequence"))
    assert [n.total for n in notes] == [500, 1500]
    assert [n.tax_amount for n in notes] == [65, 196]
    assert all(re.fullmatch(r"CN-\d{4}-00000[12]", n.number) for n in notes)
    assert len(mail.outbox) == 3  # the invoice and two credit notes
    # Stripe's own `charge.refunded` afterwards changes nothing.
    charge = next(iter(stripe_standin.charges.values()))
    post_webhook(client, stripe_standin, stripe_standin.event("charge.refunded", dict(charge)))
    order.refresh_from_db()
    assert order.amount_refunded == 2000
    assert order.refunds.count() == 2

    api_client.force_authenticate(reader)
    assert api_client.get(f"/api/v1/payments/downloads/{project_for_sale.pk}/").status_code == 403
    client.force_login(reader)
    page = client.get(f"/en/projects/{project_for_sale.slug}/download/")
    assert page.status_code == 302
    assert page["Location"] == f"/en/projects/{project_for_sale.slug}/"


def test_concurrent_ids_from_one_sequence_are_consecutive(db):
    numbers = [services.document_number_next(kind=Invoice.Kind.INVOICE, year=2026)[1] for _ in range(3)]
    assert numbers == ["INV-2026-000001", "INV-2026-000002", "INV-2026-000003"]
    assert services.document_number_next(kind=Invoice.Kind.INVOICE, year=2027)[1] == "INV-2027-000001"
