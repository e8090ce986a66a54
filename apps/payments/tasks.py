"""Celery tasks of payments: thin wrappers around services, taking ids, idempotent."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invoice_deliver_task(invoice_id: int) -> bool:
    """The invoice's (or credit note's) PDF, stored, and e-mailed to the buyer once."""
    return services.invoice_deliver(invoice_id=invoice_id)
