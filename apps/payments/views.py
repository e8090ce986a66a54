"""Payments' pages: the buy form's target, the return pages from Stripe, the buyer's orders, invoice and
project downloads, and Stripe's webhook. Each parses input, calls one service or selector, renders."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from apps.blog import selectors as blog_selectors
from apps.core.numbers import parse_whole_number
from apps.media import selectors as media_selectors

from . import selectors, services
from .errors import AlreadyOwned, BadSignature, NotForSale, PaymentError, PaymentsNotConfigured
from .gateways import webhook_event_verify
from .models import Order

logger = logging.getLogger(__name__)

# Seconds between reloads of the success page while the order is still pending (a meta refresh: the
# Content-Security-Policy allows no inline script).
SUCCESS_REFRESH_SECONDS = 3


def _item_from_form(request: HttpRequest) -> tuple[object | None, object | None]:
    project_id = parse_whole_number(request.POST.get("project", ""))
    post_id = parse_whole_number(request.POST.get("post", ""))
    if project_id is not None and post_id is None:
        return blog_selectors.project_list_published().filter(pk=project_id).first(), None
    if post_id is not None and project_id is None:
        return None, blog_selectors.post_list_published().filter(pk=post_id).first()
    return None, None


@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    """The buy button's target: a new order and its Stripe Checkout page (anonymous → sign in first)."""
    project, post = _item_from_form(request)
    item = project or post
    if item is None:
        raise Http404(_("Nothing to buy here."))
    back = reverse("blog:project", args=[item.slug]) if project else reverse("blog:post", kwargs={"slug": item.slug})
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    try:
        order = services.order_checkout_start(buyer=request.user, project=project, post=post, language=get_language())
    except (AlreadyOwned, NotForSale, PaymentsNotConfigured, PaymentError) as exc:
        message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, message)
        return redirect(back)
    return redirect(order.checkout_url)


def _own_order(request: HttpRequest, pk: int) -> Order:
    order = selectors.order_get_for_user(user=request.user, pk=pk)
    if order is None:
        raise Http404(_("No such order."))
    return order


@never_cache
@login_required
@require_safe
def success(request: HttpRequest, pk: int) -> HttpResponse:
    """Back from Stripe: the order's real state; reloads itself while the payment is being confirmed."""
    order = services.order_sync(order=_own_order(request, pk))
    pending = order.status in Order.OPEN and order.status != Order.Status.FAILED
    return render(
        request,
        "payments/success.html",
        {
            "order": order,
            "pending": pending,
            "refresh": SUCCESS_REFRESH_SECONDS if pending else 0,
            "item_url": selectors.order_item_path(order=order),
            "invoice": selectors.order_invoice(order=order),
        },
    )


@never_cache
@login_required
@require_safe
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = _own_order(request, pk)
    return render(request, "payments/cancel.html", {"order": order, "item_url": selectors.order_item_path(order=order)})


@never_cache
@login_required
@require_safe
def order_list(request: HttpRequest) -> HttpResponse:
    """The buyer's account page of orders, with invoices and credit notes to download."""
    orders = selectors.order_list_for_user(user=request.user).filter(buyer=request.user)
    return render(request, "payments/orders.html", {"orders": orders})


@never_cache
@login_required
@require_safe
def invoice_download(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get_for_user(user=request.user, pk=pk)
    if invoice is None:
        raise Http404(_("No such invoice."))
    return invoice_file_response(invoice)


def invoice_file_response(invoice: object) -> FileResponse:
    """The PDF as an attachment (made now if the task has not run yet). Used by the API and the admin too."""
    invoice = services.invoice_pdf_ensure(invoice=invoice)
    response = FileResponse(
        invoice.pdf.open("rb"), as_attachment=True, filename=invoice.filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_safe
def project_download(request: HttpRequest, slug: str) -> HttpResponse:
    """A short-lived signed URL to the attachment, made now, for buyers and editors; the rest see the buy page."""
    project = blog_selectors.project_get_published(slug=slug)
    if project is None and blog_selectors.user_is_editor(request.user):
        project = blog_selectors.project_list_visible(user=request.user).filter(slug=slug).first()
    if project is None or project.attachment_id is None:
        raise Http404(_("No such download."))
    if not selectors.user_can_download(user=request.user, project=project):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return redirect("blog:project", project.slug)
    url = media_selectors.asset_private_url(
        asset=project.attachment, for_user=request.user, expires=settings.PAYMENTS_DOWNLOAD_URL_SECONDS
    )
    return redirect(url)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's events: a bad or missing signature is a 400 and writes nothing; a replay is a 200."""
    try:
        event = webhook_event_verify(payload=request.body, signature=request.headers.get("Stripe-Signature", ""))
    except PaymentsNotConfigured as exc:
        return JsonResponse({"detail": str(exc), "code": "payments_not_configured"}, status=503)
    except BadSignature:
        return JsonResponse({"detail": "Bad signature.", "code": "bad_signature"}, status=400)
    stored = services.stripe_event_process(event=event)
    return JsonResponse({"received": True, "duplicate": stored is None})
