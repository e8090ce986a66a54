"""Payments in the admin: orders (filters, totals of the filtered set, invoices, refunds), tax rates,
invoices and credit notes, processed webhook events. Every write goes through `services`."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors, services
from .errors import PaymentError
from .models import Invoice, Order, StripeEvent, TaxRate, format_money
from .views import invoice_file_response


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    list_display = ("name", "rate_percent", "inclusive", "active", "created_at")
    list_filter = ("active", "inclusive")

    @admin.display(description=gettext_lazy("rate"), ordering="rate")
    def rate_percent(self, rate: TaxRate) -> str:
        return rate.percent


class ItemKindFilter(admin.SimpleListFilter):
    title = gettext_lazy("item")
    parameter_name = "item"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("project", _("Projects")), ("post", _("Premium posts"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        if self.value() == "project":
            return queryset.filter(project__isnull=False)
        if self.value() == "post":
            return queryset.filter(post__isnull=False)
        return queryset


class RefundForm(forms.Form):
    amount = forms.IntegerField(
        label=gettext_lazy("Amount (minor units)"),
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text=gettext_lazy("Leave empty to refund everything that is left."),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    change_list_template = "admin/payments/order/change_list.html"
    list_display = ("id", "created_at", "buyer_email", "item_title", "total_money", "status", "paid_at", "documents")
    list_filter = ("status", ItemKindFilter, "currency", ("created_at", admin.DateFieldListFilter))
    date_hierarchy = "created_at"
    search_fields = ("buyer_email", "buyer_name", "item_title", "stripe_session_id", "stripe_payment_intent_id")
    list_select_related = ("buyer",)
    actions = ("refund_in_full",)
    readonly_fields = [f.name for f in Order._meta.fields] + ["documents", "refund_link"]
    fieldsets = (
        (
            None,
            {"fields": ("status", "buyer", "buyer_email", "buyer_name", "language", "project", "post", "item_title")},
        ),
        (
            gettext_lazy("Money (minor units)"),
            {
                "fields": (
                    "currency",
                    "net",
                    "tax_name",
                    "tax_rate",
                    "tax_inclusive",
                    "tax_amount",
                    "total",
                    "amount_refunded",
                )
            },
        ),
        (
            gettext_lazy("Stripe"),
            {
                "fields": (
                    "stripe_session_id",
                    "stripe_payment_intent_id",
                    "checkout_url",
                    "payment_method",
                    "failure_reason",
                )
            },
        ),
        (gettext_lazy("Times"), {"fields": ("created_at", "paid_at", "failed_at", "expired_at", "refunded_at")}),
        (gettext_lazy("Documents"), {"fields": ("documents", "refund_link")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        return super().get_queryset(request).prefetch_related("invoices")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # orders come from checkouts

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # bookkeeping keeps them

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # read-only; refunds have their own action and page

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not selectors.user_may_refund(request.user):
            actions.pop("refund_in_full", None)
        return actions

    @admin.display(description=gettext_lazy("total"), ordering="total")
    def total_money(self, order: Order) -> str:
        return order.total_display

    @admin.display(description=gettext_lazy("documents"))
    def documents(self, order: Order) -> str:
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                ((reverse("admin:payments_invoice_pdf", args=[d.pk]), d.number) for d in order.invoices.all()),
            )
            or "—"
        )

    @admin.display(description=gettext_lazy("refund"))
    def refund_link(self, order: Order) -> str:
        if not order.refundable:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>', reverse("admin:payments_order_refund", args=[order.pk]), _("Refund…")
        )

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl") if hasattr(response, "context_data") else None
        if changelist is not None:
            totals = selectors.order_totals(queryset=changelist.queryset)
            response.context_data["order_totals"] = [
                {
                    "currency": row["currency"],
                    "count": row["count"],
                    "total": format_money(row["total"] or 0, row["currency"]),
                    "refunded": format_money(row["refunded"] or 0, row["currency"]),
                    "net": format_money((row["total"] or 0) - (row["refunded"] or 0), row["currency"]),
                    "tax": format_money(row["tax"] or 0, row["currency"]),
                }
                for row in totals
            ]
        return response

    @admin.action(description=gettext_lazy("Refund the selected orders in full"))
    def refund_in_full(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        if not selectors.user_may_refund(request.user):
            raise PermissionDenied
        done = 0
        for order in queryset:
            try:
                services.order_refund(order=order, by=request.user, reason="admin")
                done += 1
            except (ValidationError, PaymentError) as exc:
                message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"#{order.pk}: {message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)d order(s) refunded.") % {"count": done}, messages.SUCCESS)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/refund/", view(self.refund_view), name="payments_order_refund"),
            *super().get_urls(),
        ]

    def refund_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Refund all or part of one order (through Stripe), with its amount and a reason."""
        if not selectors.user_may_refund(request.user):
            raise PermissionDenied
        order = Order.objects.filter(pk=pk).first()
        if order is None:
            raise Http404
        form = RefundForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.order_refund(
                    order=order, amount=form.cleaned_data["amount"], by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                form.add_error("amount" if "amount" in getattr(exc, "error_dict", {}) else None, exc.messages[0])
            except PaymentError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, _("Refunded."), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:payments_order_change", args=[order.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Refund order #%(pk)s") % {"pk": order.pk},
            "order": order,
            "form": form,
            "left": format_money(order.refundable, order.currency),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/payments/order/refund.html", context)


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "issued_at", "order", "total_money", "emailed_at", "pdf_link")
    list_filter = ("kind", "year")
    search_fields = ("number", "order__buyer_email")
    list_select_related = ("order",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("total"))
    def total_money(self, invoice: Invoice) -> str:
        return format_money(invoice.total, invoice.order.currency)

    @admin.display(description="PDF")
    def pdf_link(self, invoice: Invoice) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:payments_invoice_pdf", args=[invoice.pk]), _("Download")
        )

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [path("<int:pk>/pdf/", view(self.pdf_view), name="payments_invoice_pdf"), *super().get_urls()]

    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not (self.has_view_permission(request) or request.user.has_perm("payments.view_order")):
            raise PermissionDenied
        invoice = Invoice.objects.select_related("order").filter(pk=pk).first()
        if invoice is None:
            raise Http404
        return invoice_file_response(invoice)


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "type", "event_id", "order", "outcome", "livemode")
    list_filter = ("type", "livemode")
    search_fields = ("event_id", "order__id")
    readonly_fields = ("event_id", "type", "livemode", "order", "outcome", "payload", "received_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
