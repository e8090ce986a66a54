"""The payment provider behind one small interface: Stripe, or "not configured".

- `StripeGateway`: the real adapter (the `stripe` library); `STRIPE_API_BASE` points it elsewhere
  (the local stand-in, `stripe_standin.py`, in tests and development).
- `NotConfiguredGateway`: what runs without keys; every call raises `PaymentsNotConfigured` with the
  reason, which buy buttons show and the API answers as a 503.

`gateway_get()` picks the class named by `PAYMENTS_GATEWAY` when it is configured, else the second.
Answers are plain dicts in Stripe's shapes, so callers never see SDK objects.
"""

import json
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .errors import PaymentError, PaymentsNotConfigured


@dataclass(frozen=True)
class LineItem:
    name: str
    amount: int  # minor units, for one unit


@dataclass(frozen=True)
class CheckoutRequest:
    order_id: int
    currency: str
    line_items: list[LineItem]
    customer_email: str
    success_url: str
    cancel_url: str
    expires_at: int  # a Unix time
    idempotency_key: str
    locale: str = "auto"


class Gateway(Protocol):
    name: str

    @classmethod
    def is_configured(cls) -> bool: ...

    def checkout_session_create(self, request: CheckoutRequest) -> dict[str, Any]: ...

    def checkout_session_retrieve(self, session_id: str) -> dict[str, Any]: ...

    def checkout_session_expire(self, session_id: str) -> dict[str, Any]: ...

    def payment_intent_retrieve(self, payment_intent_id: str) -> dict[str, Any]: ...

    def refund_create(self, *, payment_intent_id: str, amount: int, idempotency_key: str) -> dict[str, Any]: ...


def not_configured_reason() -> str:
    return _("Payments are not configured on this site.")


class NotConfiguredGateway:
    name = "none"

    @classmethod
    def is_configured(cls) -> bool:
        return False

    def _refuse(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise PaymentsNotConfigured(not_configured_reason())

    checkout_session_create = checkout_session_retrieve = checkout_session_expire = _refuse
    payment_intent_retrieve = refund_create = _refuse


# Stripe's Checkout locales we can ask for (the rest: "auto", the browser's language).
_LOCALES = {"en": "en", "zh-hans": "zh"}


class StripeGateway:
    name = "stripe"

    @classmethod
    def is_configured(cls) -> bool:
        return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)

    def __init__(self) -> None:
        import stripe  # the SDK only where it is used

        self._stripe = stripe
        options: dict[str, Any] = {"max_network_retries": 2}
        if settings.STRIPE_API_BASE:
            options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
        self.client = stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)

    def _call(self, method: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        stripe = self._stripe
        try:
            answer = method(*args, **kwargs)
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            raise PaymentError(str(exc.user_message or exc), retryable=True) from exc
        except stripe.StripeError as exc:
            status = getattr(exc, "http_status", None) or 0
            raise PaymentError(str(exc.user_message or exc), retryable=status >= 500) from exc
        return json.loads(json.dumps(answer.to_dict(), default=str))

    def checkout_session_create(self, request: CheckoutRequest) -> dict[str, Any]:
        metadata = {"order_id": str(request.order_id)}
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": item.amount,
                        "product_data": {"name": item.name},
                    },
                }
                for item in request.line_items
            ],
            "customer_email": request.customer_email,
            "client_reference_id": str(request.order_id),
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "expires_at": request.expires_at,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "locale": _LOCALES.get(request.locale, "auto"),
        }
        return self._call(self.client.v1.checkout.sessions.create, params, {"idempotency_key": request.idempotency_key})

    def checkout_session_retrieve(self, session_id: str) -> dict[str, Any]:
        return self._call(self.client.v1.checkout.sessions.retrieve, session_id)

    def checkout_session_expire(self, session_id: str) -> dict[str, Any]:
        return self._call(self.client.v1.checkout.sessions.expire, session_id)

    def payment_intent_retrieve(self, payment_intent_id: str) -> dict[str, Any]:
        return self._call(self.client.v1.payment_intents.retrieve, payment_intent_id, {"expand": ["latest_charge"]})

    def refund_create(self, *, payment_intent_id: str, amount: int, idempotency_key: str) -> dict[str, Any]:
        return self._call(
            self.client.v1.refunds.create,
            {"payment_intent": payment_intent_id, "amount": amount},
            {"idempotency_key": idempotency_key},
        )


def gateway_class() -> Any:
    chosen = import_string(settings.PAYMENTS_GATEWAY)
    return chosen if chosen.is_configured() else NotConfiguredGateway


def payments_configured() -> bool:
    return gateway_class() is not NotConfiguredGateway


def gateway_get() -> Gateway:
    return gateway_class()()


def webhook_event_verify(*, payload: bytes, signature: str) -> dict[str, Any]:
    """The event in a webhook body, once its `Stripe-Signature` is checked (else `BadSignature`)."""
    import stripe

    from .errors import BadSignature

    if not settings.STRIPE_WEBHOOK_SECRET:
        raise PaymentsNotConfigured(not_configured_reason())
    try:
        stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise BadSignature(str(exc)) from exc
    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise BadSignature("not JSON") from exc
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        raise BadSignature("not an event")
    return event
