"""The community app's signal receivers (connected in `CommunityConfig.ready()`)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import pre_delete

from . import services


def _user_deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    """An account going away takes its words with it; its comments keep their places as "deleted"."""
    services.comment_erase_all_by(user=instance)


def _post_published(sender: type, post: Any, by: Any = None, **kwargs: Any) -> None:
    """A post went live: its newsletter goes out (NEWSLETTER_AUTO_SEND), once per post and language."""
    services.newsletter_on_publish(post=post)


def connect() -> None:
    from apps.blog.signals import post_published

    pre_delete.connect(_user_deleted, sender=get_user_model(), dispatch_uid="community.user_deleted")
    post_published.connect(_post_published, dispatch_uid="community.newsletter.on_publish")
