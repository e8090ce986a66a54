"""The growth dashboard's revenue series reads payments' orders (money kept, by the day it was paid)."""

import pytest
from django.utils import timezone

from apps.payments.models import Order
from apps.payments.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_revenue_sums_paid_orders_and_leaves_out_full_refunds(api_client, editor):
    now = timezone.now()
    OrderFactory(status=Order.Status.PAID, paid_at=now, total=2000)
    OrderFactory(status=Order.Status.PARTIALLY_REFUNDED, paid_at=now, total=1500, amount_refunded=500)
    OrderFactory(status=Order.Status.REFUNDED, paid_at=now, total=9900, amount_refunded=9900)
    OrderFactory(status=Order.Status.PENDING, total=700)
    api_client.force_authenticate(editor)

    growth = api_client.get("/api/v1/analytics/growth/", {"days": 7})

    assert growth.status_code == 200
    revenue = next(series for series in growth.json()["series"] if series["key"] == "revenue")
    assert revenue["total"] == 3500
    assert revenue["label"] == "Revenue"
