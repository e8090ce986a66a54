"""Celery tasks of the media library: thin wrappers around services, taking ids or names, idempotent."""

from celery import shared_task

from . import services
from .errors import ProcessingRetryable


@shared_task(autoretry_for=(ProcessingRetryable,), retry_backoff=True, max_retries=5, acks_late=True)
def asset_process_task(asset_id: int) -> None:
    services.asset_process(asset_id=asset_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def media_files_delete_task(storage_alias: str, names: list[str]) -> None:
    # Takes file names, not ids: the rows are already gone when this runs.
    services.media_files_delete(storage_alias=storage_alias, names=names)
