"""Turn model saves and deletes (from services, the admin or a shell) into `content_changed`; queue
machine translations of newly published posts when `AI_TRANSLATE_ON_PUBLISH` is on."""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import services
from .errors import AssistantUnavailable
from .models import LANGUAGE_CODES, Post, PostNarration, Project, Section, Tag
from .page_cache import invalidate_pages
from .signals import content_changed, post_published, post_unpublished

logger = logging.getLogger(__name__)


def _post_ids(instance: Any) -> list[int]:
    if isinstance(instance, Post):
        return [instance.pk]
    if isinstance(instance, Tag) and instance.pk:
        return list(instance.posts.values_list("pk", flat=True))
    if isinstance(instance, Section) and instance.pk:
        return list(instance.posts.values_list("pk", flat=True))
    return []


def _send(sender: type, instance: Any, post_ids: list[int]) -> None:
    transaction.on_commit(lambda: content_changed.send(sender=sender, instance=instance, post_ids=post_ids))


def _saved(sender: type, instance: Any, **kwargs: Any) -> None:
    _send(sender, instance, _post_ids(instance))


def _deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    _send(sender, instance, [instance.pk] if isinstance(instance, Post) else [])


def _tags_changed(sender: type, instance: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _send(type(instance), instance, _post_ids(instance))


def _narrate_on_publish(sender: type, post: Post, by: Any = None, **kwargs: Any) -> None:
    # AI_NARRATE_ON_PUBLISH: a post that goes live is narrated in each language it has text in.
    if settings.AI_NARRATE_ON_PUBLISH:
        services.post_narration_on_publish(post=post, by=by)


def _narration_deleted(sender: type, instance: PostNarration, **kwargs: Any) -> None:
    # A narration removed with its post takes its audio out of the media library too; one removed with its
    # audio (deleted in the media library) takes the player off the page.
    asset_id = instance.asset_id
    transaction.on_commit(lambda: services.post_narration_asset_release(asset_id=asset_id))
    _send(sender, instance, [instance.post_id])  # the player leaves the cached page


def translate_on_publish(sender: type, post: Post, by: Any = None, **kwargs: Any) -> None:
    """With AI_TRANSLATE_ON_PUBLISH, a post going live gets machine drafts of its missing or stale
    translations (still to be reviewed: nothing is published by this)."""
    if not settings.AI_TRANSLATE_ON_PUBLISH:
        return
    for language in LANGUAGE_CODES:
        if language == post.source_language:
            continue
        try:
            services.translation_request(post=post, by=by, language=language)
        except (AssistantUnavailable, ValidationError) as exc:
            logger.info("Not translating post %s on publish: %s", post.pk, exc)


def connect() -> None:
    for model in (Post, Project, Section, Tag):
        post_save.connect(_saved, sender=model, dispatch_uid=f"blog.changed.save.{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"blog.changed.delete.{model.__name__}")
    m2m_changed.connect(_tags_changed, sender=Post.tags.through, dispatch_uid="blog.changed.tags")
    # Readers' cached pages and feeds go stale with any of these.
    signals = {"changed": content_changed, "published": post_published, "unpublished": post_unpublished}
    for name, signal in signals.items():
        signal.connect(invalidate_pages, dispatch_uid=f"blog.page_cache.{name}")
    post_published.connect(_narrate_on_publish, dispatch_uid="blog.narration.on_publish")
    post_delete.connect(_narration_deleted, sender=PostNarration, dispatch_uid="blog.narration.deleted")
    # The post page keeps its narration's facts with its article: a narration removed on its own (the admin)
    # must not leave a player behind. New and moved audio already send `content_changed` (`_narration_changed`).
    post_delete.connect(invalidate_pages, sender=PostNarration, dispatch_uid="blog.page_cache.narration_deleted")
    post_published.connect(translate_on_publish, dispatch_uid="blog.ai.translate_on_publish")
