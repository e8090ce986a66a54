"""Payments' writes: checkout, webhook events, paying, refunding, invoices.

Every entry point (API, reader views, admin actions, the webhook, Celery tasks) calls these; each is
keyword-only and idempotent where Stripe may repeat itself:

- `order_checkout_start(*, buyer, project|post, language) -> Order`: the price and tax come from the
  server, never from the client; a Stripe Checkout Session with the order id in its metadata.
- `stripe_event_process(*, event) -> StripeEvent | None`: one webhook event, stored once by id (a
  replay returns None and changes nothing); events may come in any order and any number of times.
- `order_mark_paid(...)`: pending → paid, a gap-free invoice number taken in the same transaction,
  the `AccessGrant`, the invoice e-mail queued on commit.
- `order_refund(*, order, amount, by) -> Refund`: calls Stripe, records the result, a credit note;
  a full refund revokes access.
- `invoice_deliver(*, invoice_id)`: the PDF (WeasyPrint), stored privately, e-mailed once.
"""

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.blog import services as blog_services
from apps.blog.models import AccessGrant, Post, Project
from apps.core.db import lock_rows
from apps.core.queue import enqueue_on_commit

from . import selectors
from .errors import AlreadyOwned, NotForSale, PaymentError, PaymentsNotConfigured
from .gateways import CheckoutRequest, LineItem, gateway_get, not_configured_reason, payments_configured
from .models import BASIS_POINTS, DocumentCounter, Invoice, Order, Refund, StripeEvent, TaxRate, format_money

logger = logging.getLogger(__name__)


# --- prices -----------------------------------------------------------------------------------------


def _divide(numerator: int, denominator: int) -> int:
    """Integer division rounding half up (for non-negative numbers): money never goes through a float."""
    return (2 * numerator + denominator) // (2 * denominator)


def price_split(*, price: int, rate: TaxRate | None) -> tuple[int, int, int]:
    """`(net, tax, total)` of a price under a tax rate (inclusive: the price is the total)."""
    if rate is None or rate.rate == 0:
        return price, 0, price
    if rate.inclusive:
        net = _divide(price * BASIS_POINTS, BASIS_POINTS + rate.rate)
        return net, price - net, price
    tax = _divide(price * rate.rate, BASIS_POINTS)
    return price, tax, price + tax


def _item_price(project: Project | None, post: Post | None) -> tuple[int, str, str]:
    """(price, currency, title) of an item for sale; `NotForSale` otherwise."""
    if project is not None:
        if not project.is_published or not project.is_for_sale:
            raise NotForSale(_("This project is not for sale."), code="not_for_sale")
        return project.price, project.currency, project.title
    assert post is not None  # noqa: S101 - callers give exactly one
    if not post.is_live or not post.is_for_sale:
        raise NotForSale(_("This post is not for sale."), code="not_for_sale")
    return post.price, post.currency, post.title


# --- checkout -----------------------------------------------------------------------------------


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def order_checkout_start(
    *, buyer: Any, project: Project | None = None, post: Post | None = None, language: str = "en"
) -> Order:
    """A pending order for `buyer` and its Stripe Checkout Session (`order.checkout_url` is where to go).

    Refuses an item the buyer already owns (`AlreadyOwned`), one not for sale, and any sale without
    Stripe keys (`PaymentsNotConfigured`). If Stripe refuses, the order is marked failed and
    `PaymentError` raised.
    """
    if (project is None) == (post is None):
        raise NotForSale(_("Choose either a post or a project."), code="one_item")
    if not payments_configured():
        raise PaymentsNotConfigured(not_configured_reason())
    price, currency, title = _item_price(project, post)
    if selectors.user_owns(user=buyer, project=project, post=post):
        raise AlreadyOwned(_("You already own this."), code="already_owned")
    rate = selectors.tax_rate_current()
    net, tax, total = price_split(price=price, rate=rate)
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    order = Order.objects.create(
        buyer=buyer,
        buyer_email=buyer.email,
        buyer_name=getattr(buyer, "display_name", "") or "",
        language=language,
        project=project,
        post=post,
        item_title=title[:200],
        net=net,
        tax_name=rate.name if rate and tax else "",
        tax_rate=rate.rate if rate and tax else 0,
        tax_inclusive=rate.inclusive if rate else True,
        tax_amount=tax,
        total=total,
        currency=currency,
    )
    lines = [LineItem(name=title[:200], amount=total if order.tax_inclusive else net)]
    if tax and not order.tax_inclusive:
        lines.append(LineItem(name=f"{order.tax_name} ({rate.percent})", amount=tax))
    with translation.override(language):
        success = _site_url(reverse("payments:success", kwargs={"pk": order.pk}))
        cancel = _site_url(reverse("payments:cancel", kwargs={"pk": order.pk}))
    expires = timezone.now() + timedelta(minutes=max(30, min(settings.PAYMENTS_CHECKOUT_MINUTES, 24 * 60)))
    request = CheckoutRequest(
        order_id=order.pk,
        currency=currency,
        line_items=lines,
        customer_email=buyer.email,
        success_url=f"{success}?session_id={{CHECKOUT_SESSION_ID}}",
        cancel_url=cancel,
        expires_at=int(expires.timestamp()),
        idempotency_key=f"inkwell-order-{order.pk}-checkout",
        locale=language,
    )
    try:
        session = gateway_get().checkout_session_create(request)
    except PaymentError as exc:
        order.transition_to(Order.Status.FAILED)
        order.failure_reason = str(exc)[:300]
        order.save(update_fields=["status", "failed_at", "failure_reason", "updated_at"])
        raise
    order.stripe_session_id = session["id"]
    order.checkout_url = session.get("url") or ""
    order.save(update_fields=["stripe_session_id", "checkout_url", "updated_at"])
    return order


def order_sync(*, order: Order) -> Order:
    """Ask Stripe about a pending order's session (the success page does, in case the webhook is late)."""
    if order.status not in Order.OPEN or not order.stripe_session_id or not payments_configured():
        return order
    try:
        session = gateway_get().checkout_session_retrieve(order.stripe_session_id)
    except PaymentError:
        logger.warning("payments: could not retrieve session of order %s", order.pk, exc_info=True)
        return order
    if session.get("status") == "complete" and session.get("payment_status") == "paid":
        order_mark_paid(
            order_id=order.pk,
            payment_intent_id=session.get("payment_intent") or "",
            payment_method=_payment_method_label(session.get("payment_intent") or ""),
        )
    elif session.get("status") == "expired":
        _order_move(order_id=order.pk, status=Order.Status.EXPIRED)
    order.refresh_from_db()
    return order


def _payment_method_label(payment_intent_id: str) -> str:
    """ "Visa •••• 4242", "card", … from the PaymentIntent's charge (best effort: Stripe may be away)."""
    if not payment_intent_id:
        return ""
    try:
        intent = gateway_get().payment_intent_retrieve(payment_intent_id)
    except PaymentError:
        return ""
    charge = intent.get("latest_charge")
    details = charge.get("payment_method_details") if isinstance(charge, dict) else None
    if isinstance(details, dict):
        card = details.get("card") or {}
        if card.get("last4"):
            return f"{str(card.get('brand') or 'card').title()} •••• {card['last4']}"[:60]
        return str(details.get("type") or "")[:60]
    types = intent.get("payment_method_types") or []
    return str(types[0])[:60] if types else ""


# --- paying -------------------------------------------------------------------------------------


def _counter_ensure(kind: str, year: int) -> None:
    """The year's counter row exists (made outside the paying transaction: no lock on a missing row)."""
    try:
        with transaction.atomic():
            DocumentCounter.objects.get_or_create(kind=kind, year=year)
    except IntegrityError:
        pass  # made by a concurrent payment


def document_number_next(*, kind: str, year: int) -> tuple[int, str]:
    """The next number of `kind` in `year`, gap-free: call inside the transaction that uses it.

    The counter row stays locked until that transaction ends, so concurrent payments queue here and
    each gets the next number; a rolled-back payment gives its number back.
    """
    _counter_ensure(kind, year)
    counter = DocumentCounter.objects.select_for_update().get(kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, f"{Invoice.PREFIX[kind]}-{year}-{counter.last:06d}"


def _document_create(
    *, order: Order, kind: str, net: int, tax: int, total: int, refund: Refund | None = None
) -> Invoice:
    now = timezone.now()
    year = timezone.localtime(now).year
    sequence, number = document_number_next(kind=kind, year=year)
    document = Invoice.objects.create(
        kind=kind,
        order=order,
        refund=refund,
        number=number,
        year=year,
        sequence=sequence,
        issued_at=now,
        net=net,
        tax_amount=tax,
        total=total,
    )
    enqueue_on_commit("apps.payments.tasks.invoice_deliver_task", document.pk)
    return document


def _grant(order: Order) -> None:
    if order.buyer_id is None:
        return
    target = {"project": order.project} if order.project_id else {"post": order.post}
    blog_services.access_grant_create(
        user=order.buyer, source=AccessGrant.Source.PURCHASE, reference=f"order {order.pk}", **target
    )


def _revoke(order: Order) -> None:
    if order.buyer_id is None:
        return
    target = {"project": order.project} if order.project_id else {"post": order.post}
    blog_services.access_grant_revoke(user=order.buyer, **target)


def order_mark_paid(*, order_id: int, payment_intent_id: str = "", payment_method: str = "", at: Any = None) -> bool:
    """pending (or failed) → paid, with its invoice and access. Returns False when it was paid already."""
    _counter_ensure(Invoice.Kind.INVOICE, timezone.localtime(at or timezone.now()).year)
    with transaction.atomic():
        order = lock_rows(Order.objects.select_related("buyer", "project", "post")).get(pk=order_id)
        if not order.can_transition_to(Order.Status.PAID) or order.status == Order.Status.PAID:
            return False
        order.transition_to(Order.Status.PAID, at=at)
        order.stripe_payment_intent_id = payment_intent_id or order.stripe_payment_intent_id
        order.payment_method = payment_method or order.payment_method or "card"
        order.failure_reason = ""
        order.save()
        _document_create(order=order, kind=Invoice.Kind.INVOICE, net=order.net, tax=order.tax_amount, total=order.total)
        _grant(order)
    return True


def _order_move(*, order_id: int, status: str, reason: str = "") -> bool:
    """pending → failed / expired; anything else (already paid, refunded…) is left alone."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if not order.can_transition_to(status) or order.status == status:
            return False
        order.transition_to(status)
        if reason:
            order.failure_reason = reason[:300]
        order.save()
    return True


# --- refunds ------------------------------------------------------------------------------------


def _refund_split(order: Order, amount: int) -> tuple[int, int]:
    """(net, tax) of a refund, in the proportion of the sale."""
    tax = _divide(amount * order.tax_amount, order.total) if order.total else 0
    return amount - tax, tax


def _refund_record(
    *, order_id: int, stripe_refund_id: str, amount: int, by: Any = None, reason: str = ""
) -> Refund | None:
    """Record a refund Stripe made (once per refund id): the order's total refunded and status, a credit
    note, and access revoked when everything was given back. Returns None when already recorded."""
    _counter_ensure(Invoice.Kind.CREDIT_NOTE, timezone.localtime().year)
    with transaction.atomic():
        order = lock_rows(Order.objects.select_related("buyer", "project", "post")).get(pk=order_id)
        if Refund.objects.filter(stripe_refund_id=stripe_refund_id).exists():
            return None
        # A refund first seen through `charge.refunded` without its id is kept under the charge's name;
        # when its real id arrives (the admin's answer from Stripe), that row is renamed, not doubled.
        provisional = order.refunds.filter(stripe_refund_id__startswith="charge:", amount=amount).first()
        if provisional is not None and not stripe_refund_id.startswith("charge:"):
            provisional.stripe_refund_id = stripe_refund_id
            provisional.save(update_fields=["stripe_refund_id", "updated_at"])
            return None
        amount = min(amount, order.total - order.amount_refunded)
        if amount <= 0 or order.status not in Order.OWNED:
            return None
        refund = Refund.objects.create(
            order=order, amount=amount, stripe_refund_id=stripe_refund_id, created_by=by, reason=reason[:200]
        )
        order.amount_refunded += amount
        full = order.amount_refunded >= order.total
        order.transition_to(Order.Status.REFUNDED if full else Order.Status.PARTIALLY_REFUNDED)
        order.save()
        net, tax = _refund_split(order, amount)
        _document_create(order=order, kind=Invoice.Kind.CREDIT_NOTE, net=net, tax=tax, total=amount, refund=refund)
        if full:
            _revoke(order)
    return refund


def order_refund(*, order: Order, amount: int | None = None, by: Any = None, reason: str = "") -> Refund | None:
    """Give back `amount` (all that is left when None) through Stripe, and record it.

    Raises ValidationError for an order that was not paid or an amount out of range, and `PaymentError`
    when Stripe refuses.
    """
    from django.core.exceptions import ValidationError

    order.refresh_from_db()
    if order.status in Order.OWNED and not order.stripe_session_id:
        raise ValidationError(
            _("This order was paid on the old site, not through Stripe: refund it where it was paid."),
            code="not_refundable",
        )
    left = order.refundable
    if left <= 0:
        raise ValidationError(_("Only a paid order with money left to refund can be refunded."), code="not_refundable")
    amount = left if amount is None else amount
    if not 0 < amount <= left:
        raise ValidationError(
            {"amount": _("Refund between 1 and %(left)s (minor units).") % {"left": left}}, code="amount_out_of_range"
        )
    answer = gateway_get().refund_create(
        payment_intent_id=order.stripe_payment_intent_id,
        amount=amount,
        idempotency_key=f"inkwell-order-{order.pk}-refund-{order.amount_refunded}-{amount}",
    )
    if answer.get("status") in ("failed", "canceled"):
        raise PaymentError(_("Stripe did not make the refund (%(status)s).") % {"status": answer.get("status")})
    recorded = _refund_record(
        order_id=order.pk,
        stripe_refund_id=answer["id"],
        amount=int(answer.get("amount") or amount),
        by=by,
        reason=reason,
    )
    order.refresh_from_db()
    return recorded or Refund.objects.filter(stripe_refund_id=answer["id"]).first()


# --- webhook events -----------------------------------------------------------------------------


def _order_for(obj: dict[str, Any]) -> Order | None:
    """The order an event's object is about: its metadata's order id, else its session or PaymentIntent."""
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    order_id = str(metadata.get("order_id") or obj.get("client_reference_id") or "")
    if order_id.isascii() and order_id.isdigit() and len(order_id) < 19:
        order = Order.objects.filter(pk=int(order_id)).first()
        if order is not None:
            return order
    if obj.get("object") == "checkout.session" and isinstance(obj.get("id"), str):
        return Order.objects.filter(stripe_session_id=obj["id"]).first()
    intent = obj.get("payment_intent") if obj.get("object") == "charge" else obj.get("id")
    if isinstance(intent, str) and intent:
        return Order.objects.filter(stripe_payment_intent_id=intent).first()
    return None


def _paid_at(obj: dict[str, Any]) -> Any:
    created = obj.get("created")
    if isinstance(created, int) and 0 < created < 2**33:
        return datetime.fromtimestamp(created, tz=UTC)
    return None


def _handle(event_type: str, obj: dict[str, Any], order: Order) -> str:
    if event_type == "checkout.session.completed":
        if obj.get("payment_status") != "paid":
            return "not paid yet"  # a delayed method: checkout.session.async_payment_succeeded follows
        intent = obj.get("payment_intent") if isinstance(obj.get("payment_intent"), str) else ""
        done = order_mark_paid(
            order_id=order.pk, payment_intent_id=intent, payment_method=_payment_method_label(intent)
        )
        return "paid" if done else "already paid"
    if event_type == "checkout.session.async_payment_succeeded":
        return _handle("checkout.session.completed", {**obj, "payment_status": "paid"}, order)
    if event_type == "checkout.session.expired":
        return "expired" if _order_move(order_id=order.pk, status=Order.Status.EXPIRED) else "ignored"
    if event_type in ("payment_intent.payment_failed", "checkout.session.async_payment_failed"):
        error = obj.get("last_payment_error") if isinstance(obj.get("last_payment_error"), dict) else {}
        moved = _order_move(order_id=order.pk, status=Order.Status.FAILED, reason=str(error.get("message") or ""))
        return "failed" if moved else "ignored"
    if event_type == "charge.refunded":
        return _charge_refunded(obj, order)
    return "ignored"


def _charge_refunded(charge: dict[str, Any], order: Order) -> str:
    # The refund came before the payment's own event: the charge proves the payment.
    unpaid = order.status in Order.OPEN or order.status == Order.Status.EXPIRED
    if unpaid and (charge.get("paid") or charge.get("captured")):
        intent = charge.get("payment_intent") if isinstance(charge.get("payment_intent"), str) else ""
        details = charge.get("payment_method_details") or {}
        order_mark_paid(order_id=order.pk, payment_intent_id=intent, payment_method=str(details.get("type") or ""))
    refunds = (charge.get("refunds") or {}).get("data") if isinstance(charge.get("refunds"), dict) else None
    recorded = 0
    for refund in refunds or []:
        if not isinstance(refund, dict) or not isinstance(refund.get("id"), str) or refund.get("status") == "failed":
            continue
        if _refund_record(order_id=order.pk, stripe_refund_id=refund["id"], amount=int(refund.get("amount") or 0)):
            recorded += 1
    total_refunded = charge.get("amount_refunded")
    order.refresh_from_db()
    if isinstance(total_refunded, int) and total_refunded > order.amount_refunded:
        # Newer API versions leave `refunds` out of the charge: record the difference under the charge.
        delta = total_refunded - order.amount_refunded
        key = f"charge:{charge.get('id')}:{total_refunded}"
        if _refund_record(order_id=order.pk, stripe_refund_id=key, amount=delta):
            recorded += 1
    return f"{recorded} refund(s) recorded" if recorded else "nothing new"


HANDLED_EVENTS = frozenset(
    {
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "checkout.session.expired",
        "payment_intent.payment_failed",
        "charge.refunded",
    }
)


def stripe_event_process(*, event: dict[str, Any]) -> StripeEvent | None:
    """Handle one verified webhook event once. A replayed id returns None and changes nothing.

    The event row is written only after its handling succeeded: an error leaves no row, so Stripe's
    retry is handled afresh.
    """
    event_id = str(event.get("id"))[:255]
    if StripeEvent.objects.filter(event_id=event_id).exists():
        return None
    event_type = str(event.get("type"))[:100]
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    obj = data.get("object") if isinstance(data.get("object"), dict) else {}
    order = _order_for(obj) if event_type in HANDLED_EVENTS else None
    outcome = "ignored" if order is None else _handle(event_type, obj, order)
    if event_type in HANDLED_EVENTS and order is None:
        outcome = "no matching order"
    try:
        with transaction.atomic():
            return StripeEvent.objects.create(
                event_id=event_id,
                type=event_type,
                livemode=bool(event.get("livemode")),
                order=order,
                outcome=outcome[:200],
                payload=event,
            )
    except IntegrityError:
        return None  # the same event, handled at the same moment by another worker (the handlers are idempotent)


# --- invoices -----------------------------------------------------------------------------------


def invoice_pdf_render(*, invoice: Invoice) -> bytes:
    """The invoice (or credit note) as a PDF, in the buyer's language."""
    from django.template.loader import render_to_string
    from weasyprint import CSS, HTML

    order = invoice.order
    with translation.override(order.language):
        html = render_to_string(
            "payments/invoice.html",
            {
                "invoice": invoice,
                "order": order,
                "company": selectors.invoice_company(),
                "credited": invoice.kind == Invoice.Kind.CREDIT_NOTE,
                "original": selectors.order_invoice(order=order),
                "net_display": format_money(invoice.net, order.currency),
                "tax_display": format_money(invoice.tax_amount, order.currency),
                "total_display": format_money(invoice.total, order.currency),
                "tax_percent": TaxRate(rate=order.tax_rate).percent,
            },
        )
    stylesheet = CSS(filename=str(Path(__file__).parent / "static" / "payments" / "invoice.css"))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[stylesheet])


def invoice_pdf_ensure(*, invoice: Invoice) -> Invoice:
    """Make and store the PDF once; later calls keep the stored file."""
    if invoice.pdf:
        return invoice
    content = invoice_pdf_render(invoice=invoice)
    invoice.pdf.save(invoice.filename, ContentFile(content), save=False)
    Invoice.objects.filter(pk=invoice.pk, pdf="").update(pdf=invoice.pdf.name, updated_at=timezone.now())
    invoice.refresh_from_db()
    return invoice


def invoice_deliver(*, invoice_id: int) -> bool:
    """The PDF, then one e-mail to the buyer with it attached. Returns False when it was sent before."""
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string

    invoice = Invoice.objects.select_related("order").filter(pk=invoice_id).first()
    if invoice is None:
        return False
    invoice_pdf_ensure(invoice=invoice)
    with transaction.atomic():
        invoice = lock_rows(Invoice.objects.select_related("order")).get(pk=invoice_id)
        if invoice.emailed_at is not None:
            return False
        order = invoice.order
        with translation.override(order.language):
            context = {
                "invoice": invoice,
                "order": order,
                "SITE_NAME": settings.SITE_NAME,
                "orders_url": _site_url(reverse("payments:orders")),
                "item_url": _site_url(selectors.order_item_path(order=order)),
            }
            subject = " ".join(render_to_string("payments/email/invoice_subject.txt", context).split())
            text = render_to_string("payments/email/invoice_body.txt", context)
            html = render_to_string("payments/email/invoice_body.html", context)
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [order.buyer_email])
        message.attach_alternative(html, "text/html")
        with invoice.pdf.open("rb") as handle:
            message.attach(invoice.filename, handle.read(), "application/pdf")
        message.send()
        invoice.emailed_at = timezone.now()
        invoice.save(update_fields=["emailed_at", "updated_at"])
    return True


# --- Moving in from another site (the legacy importer) --------------------------------------------


@transaction.atomic
def tax_rate_import(*, tax_rate: TaxRate | None, name: str, rate: int, active: bool, created_at: Any = None) -> TaxRate:
    """A tax rate as another site had it (`rate` in basis points; prices there included it).

    It keeps its old creation time, so an imported rate never outranks a newer rate set up here.
    """
    tax_rate = tax_rate or TaxRate()
    tax_rate.name, tax_rate.rate, tax_rate.inclusive, tax_rate.active = name[:60], rate, True, active
    tax_rate.full_clean()
    tax_rate.save()
    if created_at is not None:
        TaxRate.objects.filter(pk=tax_rate.pk).update(created_at=created_at)
        tax_rate.created_at = created_at
    return tax_rate


@transaction.atomic
def order_import(
    *,
    order: Order | None,
    buyer: Any,
    project: Project,
    total: int,
    tax_name: str,
    tax_rate: int,
    tax_amount: int,
    currency: str,
    status: str,
    payment_method: str,
    at: Any,
) -> Order:
    """A past purchase from another site, kept as history: paid (with the buyer's access), failed or
    expired. No invoice is made (no invoice number is used up) and no e-mail is sent."""
    if status not in (Order.Status.PAID, Order.Status.FAILED, Order.Status.EXPIRED):
        raise ValueError(f"an imported order is paid, failed or expired, not {status!r}")
    was_owned = order is not None and order.status in Order.OWNED
    order = order or Order()
    order.buyer = buyer
    order.buyer_email = buyer.email
    order.buyer_name = str(getattr(buyer, "display_name", "") or "")[:200]
    order.language = getattr(buyer, "preferred_language", "") or order.language
    order.project, order.post = project, None
    order.item_title = (project.title or project.slug)[:200]
    order.tax_name, order.tax_rate, order.tax_inclusive = tax_name[:60], tax_rate, True
    order.total = total
    order.tax_amount = min(tax_amount, total)
    order.net = total - order.tax_amount
    order.currency = currency.upper()
    order.payment_method = payment_method[:60]
    order.status = status
    stamps = {Order.Status.PAID: "paid_at", Order.Status.FAILED: "failed_at", Order.Status.EXPIRED: "expired_at"}
    for name in stamps.values():
        setattr(order, name, None)
    setattr(order, stamps[status], at or timezone.now())
    order.full_clean(exclude=["stripe_session_id"])
    order.save()
    if at is not None:
        Order.objects.filter(pk=order.pk).update(created_at=at)
        order.created_at = at
    if status == Order.Status.PAID:
        _grant(order)
    elif was_owned:
        _revoke(order)
    return order
