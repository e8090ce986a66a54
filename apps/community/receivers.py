"""The community app's signal receivers (connected in `CommunityConfig.ready()`)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import pre_delete

from . import services


def _user_deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    """An account going away takes its words with it; its comments keep their places as "deleted"."""
    services.comment_erase_all_by(user=instance)


def connect() -> None:
    pre_delete.connect(_user_deleted, sender=get_user_model(), dispatch_uid="community.user_deleted")
