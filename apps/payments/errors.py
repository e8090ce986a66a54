"""Errors payments raises (a ValidationError subclass becomes a 400 in the API)."""

from django.core.exceptions import ValidationError


class IllegalTransition(ValidationError):
    """An order status move the state machine does not allow (e.g. refunded → paid)."""


class AlreadyOwned(ValidationError):
    """The buyer already has the item (an API 409)."""


class NotForSale(ValidationError):
    """The item has no price, is not published, or is not premium."""


class PaymentError(Exception):
    """The payment provider failed. `retryable`: the same call may succeed later (network, 5xx, 429)."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class PaymentsNotConfigured(PaymentError):
    """No Stripe keys: nothing can be sold here (an API 503 with this reason)."""


class BadSignature(Exception):
    """A webhook whose signature is missing or wrong (a 400; nothing is written)."""
