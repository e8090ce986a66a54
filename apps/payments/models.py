"""Payments' data: tax rates, orders, refunds, invoices (and credit notes), their counters, webhook events.

Money is always an integer in minor units (cents, fen) with its currency; never a float. Rules about
one row live here (`Order.transition_to`, the constraints); `services.py` is the only writer.
"""

from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.models import TimeStampedModel

from .errors import IllegalTransition

BASIS_POINTS = 10_000  # 1500 basis points = 15 %
ZERO_DECIMAL_CURRENCIES = frozenset({"BIF", "CLP", "JPY", "KRW", "PYG", "VND", "XAF", "XOF", "ISK", "HUF", "TWD"})


def format_money(amount: int, currency: str) -> str:
    """`1999, "NZD"` → "19.99 NZD" (no float on the way)."""
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return f"{amount:,} {currency.upper()}"
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount), 100)
    return f"{sign}{whole:,}.{cents:02d} {currency.upper()}"


class TaxRate(TimeStampedModel):
    """A tax such as GST 15 %. The newest active rate applies to new orders (each order keeps a copy)."""

    name = models.CharField(_("name"), max_length=60, help_text=_("Printed on invoices, e.g. GST."))
    rate = models.PositiveIntegerField(_("rate (basis points)"), help_text=_("1500 means 15 %."))
    inclusive = models.BooleanField(
        _("included in prices"), default=True, help_text=_("Prices already contain this tax (else it is added).")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("tax rate")
        verbose_name_plural = _("tax rates")
        ordering = ("-active", "-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__lte=BASIS_POINTS),
                name="payments_taxrate_at_most_100_percent",
                violation_error_message=_("A tax rate is at most 10000 basis points (100 %)."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.percent}"

    @property
    def percent(self) -> str:
        whole, rest = divmod(self.rate, 100)
        return f"{whole}.{rest:02d}".rstrip("0").rstrip(".") + " %"


class Order(TimeStampedModel):
    """One purchase of one project or premium post by one reader, with the prices and tax it was sold at."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        REFUNDED = "refunded", _("Refunded")

    # Which moves are allowed; a move to the same status is a no-op, never an error. A failed attempt
    # may still be followed by a successful one on the same Checkout page, hence failed → paid.
    TRANSITIONS: dict[str, set[str]] = {
        Status.PENDING: {Status.PAID, Status.FAILED, Status.EXPIRED},
        Status.FAILED: {Status.PAID, Status.EXPIRED},
        # A payment that crossed its session's expiry is honoured: the money is in.
        Status.EXPIRED: {Status.PAID},
        Status.PAID: {Status.PARTIALLY_REFUNDED, Status.REFUNDED},
        Status.PARTIALLY_REFUNDED: {Status.REFUNDED},
        Status.REFUNDED: set(),
    }
    OPEN = (Status.PENDING, Status.FAILED)
    OWNED = (Status.PAID, Status.PARTIALLY_REFUNDED)

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("buyer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    # Snapshots: an invoice keeps saying who bought what, whatever happens to the account or the item later.
    buyer_email = models.EmailField(_("buyer's e-mail"))
    buyer_name = models.CharField(_("buyer's name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    project = models.ForeignKey(
        "blog.Project", verbose_name=_("project"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey(
        "blog.Post", verbose_name=_("post"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item_title = models.CharField(_("item"), max_length=200)
    net = models.PositiveIntegerField(_("net (minor units)"))
    tax_name = models.CharField(_("tax"), max_length=60, blank=True)
    tax_rate = models.PositiveIntegerField(_("tax rate (basis points)"), default=0)
    tax_inclusive = models.BooleanField(_("tax included in price"), default=True)
    tax_amount = models.PositiveIntegerField(_("tax (minor units)"), default=0)
    total = models.PositiveIntegerField(_("total (minor units)"))
    amount_refunded = models.PositiveIntegerField(_("refunded (minor units)"), default=0)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    stripe_session_id = models.CharField(
        _("Stripe Checkout Session"), max_length=255, null=True, blank=True, unique=True
    )
    stripe_payment_intent_id = models.CharField(_("Stripe PaymentIntent"), max_length=255, blank=True, db_index=True)
    checkout_url = models.URLField(_("Checkout URL"), max_length=1000, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=60, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True, db_index=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    failure_reason = models.CharField(_("failure"), max_length=300, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("payment", "order")
        verbose_name_plural = _("orders")
        ordering = ("-created_at", "-id")
        permissions = [("refund_order", _("Can refund orders"))]
        indexes = [models.Index(fields=["buyer", "status"], name="payments_order_buyer_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(post__isnull=False) & Q(project__isnull=True))
                | (Q(post__isnull=True) & Q(project__isnull=False)),
                name="payments_order_exactly_one_item",
                violation_error_message=_("An order is for either a post or a project."),
            ),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=models.F("total")),
                name="payments_order_refund_at_most_total",
                violation_error_message=_("No more can be refunded than was paid."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.item_title} ({self.get_status_display()})"

    @property
    def item(self) -> Any:
        return self.project if self.project_id else self.post

    @property
    def item_kind(self) -> str:
        return "project" if self.project_id else "post"

    @property
    def refundable(self) -> int:
        """What is left to give back through Stripe; an order imported from the old site (no Checkout
        Session) was paid elsewhere, so nothing."""
        if self.status not in self.OWNED or not self.stripe_session_id:
            return 0
        return self.total - self.amount_refunded

    def money(self, amount: int) -> str:
        return format_money(amount, self.currency)

    @property
    def total_display(self) -> str:
        return format_money(self.total, self.currency)

    @property
    def amount_refunded_display(self) -> str:
        return format_money(self.amount_refunded, self.currency)

    def can_transition_to(self, status: str) -> bool:
        return status == self.status or status in self.TRANSITIONS.get(self.status, set())

    def transition_to(self, status: str, *, at: Any = None) -> bool:
        """Move to `status` in memory (the caller saves); refuses moves the state machine does not allow.

        Returns False for the no-op move to the current status, True for a real move; stamps its time.
        """
        if status not in self.Status.values:
            raise IllegalTransition(_("Unknown status “%(status)s”.") % {"status": status}, code="unknown_status")
        if status == self.status:
            return False
        if not self.can_transition_to(status):
            raise IllegalTransition(
                _("An order cannot go from %(old)s to %(new)s.") % {"old": self.status, "new": status},
                code="illegal_transition",
            )
        at = at or timezone.now()
        stamp = {
            self.Status.PAID: "paid_at",
            self.Status.FAILED: "failed_at",
            self.Status.EXPIRED: "expired_at",
            self.Status.PARTIALLY_REFUNDED: "refunded_at",
            self.Status.REFUNDED: "refunded_at",
        }[status]
        setattr(self, stamp, at)
        self.status = status
        return True


class Refund(TimeStampedModel):
    """Money given back on an order (all or part), as Stripe recorded it."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveIntegerField(_("amount (minor units)"))
    stripe_refund_id = models.CharField(_("Stripe refund"), max_length=255, unique=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.stripe_refund_id} ({format_money(self.amount, self.order.currency)})"


class DocumentCounter(models.Model):
    """The last number given to an invoice (or credit note) in one year: locked while the next is taken."""

    kind = models.CharField(_("kind"), max_length=12)
    year = models.PositiveIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        constraints = [models.UniqueConstraint(fields=("kind", "year"), name="payments_counter_kind_year")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


def private_storage() -> Storage:
    """Invoices are private files: read through our views (or short-lived signed URLs on S3)."""
    return storages["private"]


def invoice_upload_to(document: "Invoice", filename: str) -> str:
    return f"invoices/{document.year}/{filename}"


class Invoice(TimeStampedModel):
    """A numbered invoice for a paid order, or a credit note for a refund; its PDF is a private file."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    PREFIX = {Kind.INVOICE: "INV", Kind.CREDIT_NOTE: "CN"}

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="invoices")
    refund = models.OneToOneField(
        Refund, verbose_name=_("refund"), null=True, blank=True, on_delete=models.PROTECT, related_name="credit_note"
    )
    number = models.CharField(_("number"), max_length=30, unique=True)
    year = models.PositiveIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    # What the document states (a credit note: the refunded part, split into net and tax like the sale).
    net = models.PositiveIntegerField(_("net (minor units)"))
    tax_amount = models.PositiveIntegerField(_("tax (minor units)"))
    total = models.PositiveIntegerField(_("total (minor units)"))
    pdf = models.FileField(
        _("PDF"),
        upload_to=invoice_upload_to,
        storage=private_storage,
        blank=True,
        max_length=255,
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ("-issued_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=("kind", "year", "sequence"), name="payments_invoice_kind_year_seq")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"


class StripeEvent(models.Model):
    """A webhook event, stored once by its id: a replay of the same id changes nothing."""

    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100, db_index=True)
    livemode = models.BooleanField(_("live"), default=False)
    order = models.ForeignKey(
        Order, verbose_name=_("order"), null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ("-received_at", "-id")

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
