"""Concurrent payments each get their own invoice number, consecutive, with no gap (MariaDB/PostgreSQL)."""

import re
import threading

import pytest
from django.db import connection, connections

from apps.payments import services
from apps.payments.models import Invoice, Order

from .factories import OrderFactory

PAYMENTS = 6


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite has one writer at a time: no race to test")
def test_concurrent_completions_get_distinct_consecutive_invoice_numbers(stripe_standin, project_for_sale):
    orders = []
    for _ in range(PAYMENTS):
        order = OrderFactory(project=project_for_sale, stripe_session_id=None)
        session = stripe_standin.session_create(
            {
                "mode": "payment",
                "line_items": [{"quantity": "1", "price_data": {"currency": "nzd", "unit_amount": "2000"}}],
                "metadata": {"order_id": str(order.pk)},
            }
        )
        order.stripe_session_id = session["id"]
        order.save()
        orders.append(order)
    events = [stripe_standin.complete(o.stripe_session_id) for o in orders]
    barrier = threading.Barrier(PAYMENTS)
    errors: list[BaseException] = []

    def pay(event: dict) -> None:
        try:
            barrier.wait(timeout=30)
            services.stripe_event_process(event=event)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(e,)) for e in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert Order.objects.filter(status=Order.Status.PAID).count() == PAYMENTS
    numbers = sorted(Invoice.objects.filter(kind=Invoice.Kind.INVOICE).values_list("number", flat=True))
    assert len(set(numbers)) == PAYMENTS
    assert [int(re.search(r"(\d{6})$", n).group(1)) for n in numbers] == list(range(1, PAYMENTS + 1))
