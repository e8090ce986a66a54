"""Files follow rows: when an asset or a rendition row is deleted (directly, in bulk, or by a cascade
such as a deleted user), its file leaves storage after the transaction commits."""

from typing import Any

from apps.core.queue import enqueue_on_commit

from .models import Asset, Rendition


def _queue_file_delete(storage_alias: str, name: str) -> None:
    if name:
        enqueue_on_commit("apps.media.tasks.media_files_delete_task", storage_alias, [name])


def asset_deleted(sender: type[Asset], instance: Asset, **kwargs: Any) -> None:
    _queue_file_delete(instance.storage_alias, instance.file.name)


def rendition_deleted(sender: type[Rendition], instance: Rendition, **kwargs: Any) -> None:
    _queue_file_delete(instance.storage_alias, instance.file.name)
