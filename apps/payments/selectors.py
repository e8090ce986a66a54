"""Payments' reads: who owns what, the applicable tax rate, orders and invoices a user may see."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse

from apps.blog import selectors as blog_selectors
from apps.blog.models import AccessGrant, Post, Project

from .models import Invoice, Order, TaxRate


def user_sees_all_orders(user: Any) -> bool:
    """Editors (who hold `payments.view_order`) and superusers see every order."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.has_perm("payments.view_order"))
    )


def user_may_refund(user: Any) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.has_perm("payments.refund_order")
    )


def user_owns(*, user: Any, project: Project | None = None, post: Post | None = None) -> bool:
    """Does `user` hold an active grant to the item (bought, or given by an editor)?"""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    target = {"project": project} if project is not None else {"post": post}
    return AccessGrant.objects.filter(user=user, revoked_at__isnull=True, **target).exists()


def user_can_download(*, user: Any, project: Project) -> bool:
    return blog_selectors.user_can_download_project(user=user, project=project)


def tax_rate_current() -> TaxRate | None:
    """The tax new orders are charged: the newest active rate (none: no tax)."""
    return TaxRate.objects.filter(active=True).order_by("-created_at", "-id").first()


def order_list_for_user(*, user: Any) -> QuerySet[Order]:
    """A buyer's own orders; editors see every order. Invoices come prefetched (two queries a page)."""
    queryset = Order.objects.select_related("project", "post", "buyer").prefetch_related("invoices")
    if user_sees_all_orders(user):
        return queryset
    if user is None or not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(buyer=user)


def order_get_for_user(*, user: Any, pk: Any) -> Order | None:
    return order_list_for_user(user=user).filter(pk=pk).first()


def order_invoice(*, order: Order) -> Invoice | None:
    """The order's invoice (not its credit notes)."""
    return next((i for i in order.invoices.all() if i.kind == Invoice.Kind.INVOICE), None)


def order_item_path(*, order: Order) -> str:
    if order.project_id:
        return reverse("blog:project", args=[order.project.slug])
    return reverse("blog:post", kwargs={"slug": order.post.slug})


def order_totals(*, queryset: QuerySet[Order]) -> list[dict[str, Any]]:
    """Sums per currency of the money charged in a set of orders (the admin's filtered list): one query.

    Pending, failed and expired orders charged nothing and count for nothing.
    """
    charged = Q(status__in=(Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED, Order.Status.REFUNDED))
    return list(
        queryset.filter(charged)
        .order_by()
        .values("currency")
        .annotate(count=Count("pk"), total=Sum("total"), refunded=Sum("amount_refunded"), tax=Sum("tax_amount"))
        .order_by("currency")
    )


def invoice_get_for_user(*, user: Any, pk: Any) -> Invoice | None:
    """An invoice or credit note of an order the user may see."""
    orders = order_list_for_user(user=user)
    return Invoice.objects.select_related("order").filter(order__in=orders, pk=pk).first()


@dataclass(frozen=True)
class Company:
    name: str
    address: str
    phone: str
    email: str
    tax_number: str


def invoice_company() -> Company:
    return Company(
        name=settings.INVOICE_COMPANY_NAME,
        address=settings.INVOICE_COMPANY_ADDRESS,
        phone=settings.INVOICE_COMPANY_PHONE,
        email=settings.INVOICE_COMPANY_EMAIL,
        tax_number=settings.INVOICE_COMPANY_TAX_NUMBER,
    )
