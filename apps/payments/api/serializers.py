"""Payments' API shapes. Money is integers in minor units with a currency code; never a float."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.payments.models import Invoice, Order


class CheckoutSerializer(serializers.Serializer):
    """What to buy: a project or a premium post, by id. Any amount sent is ignored (prices are the server's)."""

    project = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    post = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("project" in attrs) == ("post" in attrs):
            raise serializers.ValidationError("Give either `project` or `post` (an id).", code="one_item")
        return attrs


class InvoiceSerializer(serializers.ModelSerializer):
    """An invoice or a credit note, with the API link that downloads its PDF."""

    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = ("id", "kind", "number", "issued_at", "net", "tax_amount", "total", "download_url")
        read_only_fields = fields

    def get_download_url(self, document: Invoice) -> str:
        return reverse("payment-order-document", kwargs={"pk": document.order_id, "document_id": document.pk})


class OrderSerializer(serializers.ModelSerializer):
    item_type = serializers.SerializerMethodField()
    item_id = serializers.SerializerMethodField()
    documents = InvoiceSerializer(source="invoices", many=True, read_only=True)
    invoice_url = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = (
            "id",
            "status",
            "item_type",
            "item_id",
            "item_title",
            "currency",
            "net",
            "tax_name",
            "tax_rate",
            "tax_inclusive",
            "tax_amount",
            "total",
            "amount_refunded",
            "payment_method",
            "created_at",
            "paid_at",
            "refunded_at",
            "documents",
            "invoice_url",
        )
        read_only_fields = fields

    def get_item_type(self, order: Order) -> str:
        return order.item_kind

    def get_item_id(self, order: Order) -> int:
        return order.project_id or order.post_id

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_invoice_url(self, order: Order) -> str | None:
        if not any(i.kind == Invoice.Kind.INVOICE for i in order.invoices.all()):
            return None
        return reverse("payment-order-invoice", kwargs={"pk": order.pk})


class CheckoutResponseSerializer(serializers.Serializer):
    order = OrderSerializer()
    checkout_url = serializers.URLField()


class RefundRequestSerializer(serializers.Serializer):
    amount = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="Minor units; without it, all that is left."
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class DownloadSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="A signed URL, made now; it works for `expires_in` seconds.")
    expires_in = serializers.IntegerField()
