"""What readers and editors see: the buy box, Stripe's return pages, the orders page, downloads, the admin."""

import pytest
from django.utils import timezone

from apps.blog.models import AccessGrant
from apps.blog.tests.factories import PostFactory
from apps.payments.models import Invoice, Order

from .conftest import post_webhook
from .factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_the_buy_box_for_visitors_readers_owners_and_without_keys(
    client, reader, project_for_sale, stripe_standin, settings
):
    url = f"/en/projects/{project_for_sale.slug}/"
    page = client.get(url).content.decode()
    assert "20.00 NZD" in page
    assert "Sign in to buy" in page

    client.force_login(reader)
    page = client.get(url).content.decode()
    assert 'action="/en/payments/checkout/"' in page
    assert f'name="project" value="{project_for_sale.pk}"' in page
    assert "Buy the download" in page

    AccessGrant.objects.create(user=reader, project=project_for_sale)
    page = client.get(url).content.decode()
    assert f'href="/en/projects/{project_for_sale.slug}/download/"' in page
    assert "Buy the download" not in page

    settings.STRIPE_SECRET_KEY = ""
    client.logout()
    client.force_login(PostFactory().author)
    assert "Payments are not configured on this site." in client.get(url).content.decode()


def test_a_premium_post_shows_its_price_and_buy_button_in_chinese(client, reader, stripe_standin):
    post = PostFactory(is_premium=True, price=500, currency="NZD")
    client.force_login(reader)
    page = client.get(f"/zh-hans/posts/{post.slug}/").content.decode()
    assert "5.00 NZD" in page
    assert 'name="post"' in page
    assert "购买本文" in page


def test_the_buy_form_sends_the_reader_to_stripe_and_visitors_to_sign_in(
    client, reader, project_for_sale, stripe_standin
):
    anonymous = client.post("/en/payments/checkout/", {"project": project_for_sale.pk})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/en/accounts/login/")

    client.force_login(reader)
    response = client.post("/en/payments/checkout/", {"project": project_for_sale.pk, "amount": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith(stripe_standin.url + "/pay/cs_test_")
    assert Order.objects.get().total == 2000


def test_the_success_page_shows_the_real_state_and_refreshes_while_pending(
    client, reader, project_for_sale, stripe_standin, django_capture_on_commit_callbacks
):
    client.force_login(reader)
    client.post("/en/payments/checkout/", {"project": project_for_sale.pk})
    order = Order.objects.get()
    url = f"/en/payments/orders/{order.pk}/thanks/"

    pending = client.get(url).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in pending
    assert "Confirming your payment" in pending
    assert "Pending" in pending

    event = stripe_standin.complete(order.stripe_session_id)
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, stripe_standin, event)
    paid = client.get(url).content.decode()
    assert 'http-equiv="refresh"' not in paid
    assert "Thank you for your order" in paid
    assert Invoice.objects.get().number in paid


def test_the_success_page_asks_stripe_when_the_webhook_is_late(
    client, reader, project_for_sale, stripe_standin, django_capture_on_commit_callbacks
):
    client.force_login(reader)
    client.post("/en/payments/checkout/", {"project": project_for_sale.pk})
    order = Order.objects.get()
    stripe_standin.complete(order.stripe_session_id)  # paid at Stripe; no webhook yet
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(f"/en/payments/orders/{order.pk}/thanks/").content.decode()
    assert "Thank you for your order" in page
    assert AccessGrant.objects.get(user=reader).is_active


def test_another_readers_order_is_not_found(client, reader, project_for_sale):
    order = OrderFactory(project=project_for_sale)
    client.force_login(reader)
    assert client.get(f"/en/payments/orders/{order.pk}/thanks/").status_code == 404


def test_orders_page_lists_invoices_to_download(
    client, reader, project_for_sale, stripe_standin, django_capture_on_commit_callbacks
):
    client.force_login(reader)
    client.post("/en/payments/checkout/", {"project": project_for_sale.pk})
    order = Order.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, stripe_standin, stripe_standin.complete(order.stripe_session_id))
    invoice = Invoice.objects.get()

    page = client.get("/en/accounts/orders/").content.decode()
    assert invoice.number in page
    pdf = client.get(f"/en/payments/invoices/{invoice.pk}.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    client.force_login(PostFactory().author)
    assert client.get(f"/en/payments/invoices/{invoice.pk}.pdf").status_code == 404


def test_download_gives_a_short_lived_signed_url_to_buyers_and_editors_only(
    client, api_client, reader, editor, project_for_sale
):
    url = f"/en/projects/{project_for_sale.slug}/download/"
    assert client.get(url)["Location"].startswith("/en/accounts/login/")
    client.force_login(reader)
    assert client.get(url)["Location"] == f"/en/projects/{project_for_sale.slug}/"
    api_client.force_authenticate(reader)
    assert api_client.get(f"/api/v1/payments/downloads/{project_for_sale.pk}/").status_code == 403

    AccessGrant.objects.create(user=reader, project=project_for_sale, source=AccessGrant.Source.PURCHASE)
    signed = client.get(url)["Location"]
    assert "/media/private/" in signed or "private" in signed
    assert client.get(signed).status_code == 200
    body = api_client.get(f"/api/v1/payments/downloads/{project_for_sale.pk}/").json()
    assert body["expires_in"] == 120

    client.force_login(editor)
    assert client.get(url).status_code == 302


def test_api_lists_own_orders_and_editors_see_all(api_client, reader, editor, project_for_sale):
    mine = OrderFactory(buyer=reader, project=project_for_sale)
    OrderFactory(project=project_for_sale)
    api_client.force_authenticate(reader)
    body = api_client.get("/api/v1/payments/orders/").json()
    assert [o["id"] for o in body["results"]] == [mine.pk]
    assert api_client.get(f"/api/v1/payments/orders/{mine.pk}/invoice/").status_code == 404  # not paid
    api_client.force_authenticate(editor)
    assert api_client.get("/api/v1/payments/orders/").json()["count"] == 2


def test_admin_lists_orders_with_totals_of_the_filtered_set_and_refunds(
    client, admin_user, reader, project_for_sale, stripe_standin, django_capture_on_commit_callbacks
):
    OrderFactory(status=Order.Status.PAID, paid_at=timezone.now(), total=2000, project=project_for_sale)
    OrderFactory(status=Order.Status.PARTIALLY_REFUNDED, total=700, amount_refunded=200, project=project_for_sale)
    OrderFactory(status=Order.Status.PENDING, total=9900, project=project_for_sale)  # charged nothing
    client.force_login(admin_user)
    everything = client.get("/admin/payments/order/").content.decode()
    assert "27.00 NZD" in everything
    assert "2.00 NZD" in everything  # refunded
    assert "25.00 NZD" in everything  # kept
    paid_only = client.get("/admin/payments/order/?status__exact=paid").content.decode()
    assert "20.00 NZD" in paid_only
    assert "27.00 NZD" not in paid_only

    client.force_login(reader)
    client.post("/en/payments/checkout/", {"project": project_for_sale.pk})
    order = Order.objects.filter(buyer=reader).get()
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, stripe_standin, stripe_standin.complete(order.stripe_session_id))
    client.force_login(admin_user)
    form = client.get(f"/admin/payments/order/{order.pk}/refund/")
    assert "Left to refund: 20.00 NZD." in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/admin/payments/order/{order.pk}/refund/", {"amount": "", "reason": "asked"})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    note = order.invoices.get(kind=Invoice.Kind.CREDIT_NOTE)
    pdf = client.get(f"/admin/payments/invoice/{note.pk}/pdf/")
    assert pdf.status_code == 200
    events = client.get("/admin/payments/stripeevent/").content.decode()
    assert "checkout.session.completed" in events


def test_an_editor_prices_a_premium_post_and_readers_see_the_price(api_client, editor):
    post = PostFactory(is_premium=True)
    assert post.currency == "NZD"  # DEFAULT_CURRENCY
    api_client.force_authenticate(editor)
    response = api_client.patch(f"/api/v1/posts/{post.slug}/", {"price": 450, "currency": "usd"}, format="json")
    assert response.status_code == 200, response.json()
    post.refresh_from_db()
    assert (post.price, post.currency) == (450, "USD")
    bad = api_client.patch(f"/api/v1/posts/{post.slug}/", {"currency": "U$D"}, format="json")
    assert bad.status_code == 400
    api_client.force_authenticate(None)
    body = api_client.get(f"/api/v1/posts/{post.slug}/").json()
    assert (body["price"], body["currency"], body["locked"]) == (450, "USD", True)


def test_the_api_lists_the_invoice_and_credit_notes_with_links_only_the_buyer_can_follow(
    client, api_client, admin_user, reader, editor, project_for_sale, stripe_standin, django_capture_on_commit_callbacks
):
    from apps.accounts.tests.factories import UserFactory
    from apps.payments import services

    client.force_login(reader)
    client.post("/en/payments/checkout/", {"project": project_for_sale.pk})
    order = Order.objects.filter(buyer=reader).get()
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, stripe_standin, stripe_standin.complete(order.stripe_session_id))
    with django_capture_on_commit_callbacks(execute=True):
        services.order_refund(order=order, amount=500, by=admin_user, reason="asked")

    api_client.force_authenticate(reader)
    documents = api_client.get(f"/api/v1/payments/orders/{order.pk}/").json()["documents"]
    assert sorted((d["kind"], d["total"]) for d in documents) == [("credit_note", 500), ("invoice", 2000)]
    note = next(d for d in documents if d["kind"] == "credit_note")
    assert note["download_url"] == f"/api/v1/payments/orders/{order.pk}/documents/{note['id']}/"
    pdf = api_client.get(note["download_url"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")

    assert api_client.get(f"/api/v1/payments/orders/{order.pk}/documents/999999/").status_code == 404
    assert api_client.get(f"/api/v1/payments/orders/{order.pk}/documents/99999999999999999999/").status_code == 404
    api_client.force_authenticate(UserFactory())  # someone else: not their order
    assert api_client.get(note["download_url"]).status_code == 404
    api_client.force_authenticate(editor)
    assert api_client.get(note["download_url"]).status_code == 200
