"""Writes. The admin, the API, tasks and commands all come through here, so they behave the same.

Every function that saves a post records a `PostRevision` (who, when, a snapshot of its fields).
"""

import logging
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.db import lock_rows
from apps.core.queue import enqueue_on_commit
from apps.media import services as media_services
from apps.media import speech
from apps.media.errors import SpeechError, SpeechNotConfigured, SpeechUnavailable
from apps.media.models import Asset

from . import mdsplit, selectors
from .assistant import get_assistant
from .errors import AssistantError, AssistantUnavailable
from .models import (
    LANGUAGE_CODES,
    PREVIEW_LINK_SALT,
    TRANSLATED_POST_FIELDS,
    AccessGrant,
    AIJob,
    KeyPoints,
    Post,
    PostNarration,
    PostRevision,
    PreviewLink,
    Project,
    ReviewState,
    Section,
    Tag,
    TranslationDraft,
    lang_suffix,
)
from .narration import narration_text
from .selectors import FieldState
from .signals import content_changed, post_published, post_unpublished
from .slugs import slug_from_text

logger = logging.getLogger(__name__)

# What a revision remembers and a restore puts back. Status and dates are recorded but never
# restored: restoring old text must not publish or unpublish anything.
TRANSLATED_FIELDS = TRANSLATED_POST_FIELDS
CONTENT_FIELDS = (
    *(f"{name}_{lang_suffix(code)}" for name in TRANSLATED_FIELDS for code in LANGUAGE_CODES),
    "slug",
    "source_language",
    "section_id",
    "cover_id",
    "is_featured",
    "is_premium",
    "price",
    "currency",
)
RECORDED_ONLY_FIELDS = ("status", "published_at", "author_id")
# Fields a caller may set through post_create/post_update, plus "tags" and the move: "status" and
# "published_at" go through the workflow (`Post.transition_to` / `Post.set_publishing`), never straight in.
WRITABLE_FIELDS = frozenset((*CONTENT_FIELDS, "section", "cover", "author", "author_id", *TRANSLATED_FIELDS))
MOVE_FIELDS = ("status", "published_at")


# --- Posts --------------------------------------------------------------------------------------


def post_snapshot(*, post: Post) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(post, name) for name in (*CONTENT_FIELDS, *RECORDED_ONLY_FIELDS)}
    data["published_at"] = post.published_at.isoformat() if post.published_at else None
    data["tag_ids"] = sorted(t.pk for t in post.tags.all()) if post.pk else []
    return data


def _record_revision(*, post: Post, by: Any, note: str = "", restored_from: PostRevision | None = None) -> PostRevision:
    """`note` is a `PostRevision.Note` code (translated when shown), or free text from a caller."""
    return PostRevision.objects.create(
        post=post,
        data=post_snapshot(post=post),
        created_by=_user_or_none(by),
        note=note,
        restored_from=restored_from,
    )


def _user_or_none(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _resolve_tags(tags: Iterable[Tag | int | str]) -> list[Tag]:
    """Tags given as objects, ids, or names (names are created when new)."""
    result: list[Tag] = []
    for item in tags:
        if isinstance(item, Tag):
            result.append(item)
        elif isinstance(item, int):
            result.append(Tag.objects.get(pk=item))
        else:
            result.append(tag_get_or_create(name=str(item)))
    return result


def _apply(post: Post, data: dict[str, Any]) -> list[Tag] | None:
    """Set the fields of `data` on `post` and make its move; returns the tags to set after the save."""
    unknown = set(data) - WRITABLE_FIELDS - {"tags", *MOVE_FIELDS}
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    for name, value in data.items():
        if name not in ("tags", *MOVE_FIELDS):
            setattr(post, name, value)
    if "published_at" in data:
        # A status and a time given together (the admin's form): the model decides what that move is.
        post.set_publishing(status=data.get("status") or post.status, at=data["published_at"])
    elif data.get("status"):
        post.transition_to(data["status"])  # the same status again is allowed
    return _resolve_tags(data["tags"]) if data.get("tags") is not None else None


def _validate(post: Post) -> None:
    # Slugs are made unique on save (a suffix), so uniqueness is not a validation error here.
    post.full_clean(exclude=["slug", "title"], validate_unique=False)


@transaction.atomic
def post_create(*, by: Any, data: dict[str, Any], announce: bool = True) -> Post:
    """A new post (a draft unless `data["status"]` says otherwise), its tags and first revision.

    `data` holds model fields (`title_en`, `body_zh_hans`, `section`, `cover`, `author` (default: `by`),
    …), `tags` (Tag objects, ids or names) and optionally `status` (+ `published_at` for
    scheduled/published). Bad input raises ValidationError (per field where there is one).
    `announce=False` (posts moved in from another site) skips the "published" signal and what hangs on
    it (narration, machine translation); caches are still told through `content_changed`.
    """
    post = Post(author=_user_or_none(by))
    tags = _apply(post, data)
    _validate(post)
    post.save()
    if tags is not None:
        post.tags.set(tags)
    _record_revision(post=post, by=by, note=PostRevision.Note.CREATED)
    _translations_track(post=post, before={}, by=by)
    if post.is_live and announce:
        _announce_published(post, by)
    return post


@transaction.atomic
def post_update(*, post: Post, by: Any, data: dict[str, Any], note: str = "", announce: bool = True) -> Post:
    """Change fields (and tags, and status/time through a legal move); records a revision.

    `post` is the stored post: the move is judged from its stored status and time. `note` labels the
    revision: a `PostRevision.Note` code (default "edited"). `announce=False`: see `post_create`.
    """
    was_live, was_premium = post.is_live, post.is_premium
    was_live = post.is_live
    before = _translated_values(post)
    tags = _apply(post, data)
    _validate(post)
    post.save()
    if tags is not None:
        post.tags.set(tags)
    _record_revision(post=post, by=by, note=note or PostRevision.Note.EDITED)
    _translations_track(post=post, before=before, by=by)
    if announce:
        _announce_status_change(post, by, was_live=was_live)
    if post.is_premium != was_premium:
        _narrations_follow_access(post)
    return post


def _announce_published(post: Post, by: Any) -> None:
    transaction.on_commit(lambda: post_published.send(sender=Post, post=post, by=by))


def _announce_status_change(post: Post, by: Any, *, was_live: bool) -> None:
    if post.is_live and not was_live:
        _announce_published(post, by)
    elif was_live and not post.is_live:
        transaction.on_commit(lambda: post_unpublished.send(sender=Post, post=post, by=by))


@transaction.atomic
def _post_move(*, post: Post, by: Any, status: str, at: datetime | None, note: str) -> Post:
    was_live = post.is_live
    post.transition_to(status, at=at)
    post.save()
    _record_revision(post=post, by=by, note=note)
    _announce_status_change(post, by, was_live=was_live)
    return post


def post_publish(*, post: Post, by: Any, at: datetime | None = None) -> Post:
    """Publish now (or at a past `at`, to backdate). A published post's date is kept on re-publish."""
    if at is not None and at > timezone.now():
        return post_schedule(post=post, at=at, by=by)
    return _post_move(post=post, by=by, status=Post.Status.PUBLISHED, at=at, note=PostRevision.Note.PUBLISHED)


def post_unpublish(*, post: Post, by: Any) -> Post:
    """Back to draft; readers stop seeing it."""
    return _post_move(post=post, by=by, status=Post.Status.DRAFT, at=None, note=PostRevision.Note.UNPUBLISHED)


def post_schedule(*, post: Post, at: datetime, by: Any) -> Post:
    """Goes live at `at` (must be in the future) without any cron."""
    return _post_move(post=post, by=by, status=Post.Status.SCHEDULED, at=at, note=PostRevision.Note.SCHEDULED)


def post_archive(*, post: Post, by: Any) -> Post:
    return _post_move(post=post, by=by, status=Post.Status.ARCHIVED, at=None, note=PostRevision.Note.ARCHIVED)


def post_set_featured(*, post: Post, by: Any, featured: bool) -> Post:
    return post_update(post=post, by=by, data={"is_featured": featured})


# The fields the editor's autosave keeps: every language's text (title, summary, body, SEO fields).
AUTOSAVE_FIELDS = frozenset(f"{name}_{lang_suffix(code)}" for name in TRANSLATED_FIELDS for code in LANGUAGE_CODES)


@transaction.atomic
def post_autosave(*, post: Post, by: Any, data: dict[str, str]) -> PostRevision | None:
    """Keep the editor's unsaved text as an "autosaved" revision; the post itself is not changed.

    `data` holds some of `AUTOSAVE_FIELDS`. Nothing is recorded when the text equals the latest
    revision's; a run of autosaves by one editor updates one revision instead of adding one per minute.
    Restoring it (revisions page) or saving the form makes it the post's text. Returns the revision.
    """
    unknown = set(data) - AUTOSAVE_FIELDS
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    too_long = [name for name, value in data.items() if len(value) > settings.BLOG_BODY_MAX_CHARS]
    if too_long:
        raise ValidationError({name: _("The body is too long.") for name in too_long})
    post = Post.objects.select_for_update().get(pk=post.pk)
    snapshot = post_snapshot(post=post)
    snapshot.update({name: str(value).replace("\r\n", "\n") for name, value in data.items()})
    latest = post.revisions.order_by("-created_at", "-id").first()
    if latest is not None and latest.data == snapshot:
        return None
    user = _user_or_none(by)
    if (
        latest is not None
        and latest.note == PostRevision.Note.AUTOSAVED
        and latest.created_by_id == getattr(user, "pk", None)
    ):
        latest.data = snapshot
        latest.created_at = timezone.now()
        latest.save(update_fields=["data", "created_at", "updated_at"])
        return latest
    return PostRevision.objects.create(post=post, data=snapshot, created_by=user, note=PostRevision.Note.AUTOSAVED)


@transaction.atomic
def post_revision_restore(*, revision: PostRevision, by: Any) -> Post:
    """Put a revision's text, SEO fields, section, cover, flags and tags back (status is kept)."""
    post = Post.objects.select_for_update().get(pk=revision.post_id)
    was_premium = post.is_premium
    before = _translated_values(post)
    data = revision.data
    for name in CONTENT_FIELDS:
        if name in data:
            setattr(post, name, data[name])
    if data.get("section_id") and not Section.objects.filter(pk=data["section_id"]).exists():
        post.section_id = None
    cover_model = Post._meta.get_field("cover").related_model  # a cover deleted since: restore without it
    if data.get("cover_id") and not cover_model.objects.filter(pk=data["cover_id"]).exists():
        post.cover_id = None
    post.save()
    if "tag_ids" in data:
        post.tags.set(Tag.objects.filter(pk__in=data["tag_ids"]))
    _record_revision(post=post, by=by, note=PostRevision.Note.RESTORED, restored_from=revision)
    if post.is_premium != was_premium:
        _narrations_follow_access(post)
    _translations_track(post=post, before=before, by=by)
    return post


def scheduled_posts_flip(*, now: datetime | None = None) -> int:
    """Store status=published on scheduled posts whose time has come. Safe to run any number of times."""
    now = now or timezone.now()
    flipped = 0
    due = Post.objects.filter(status=Post.Status.SCHEDULED, published_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            updated = Post.objects.filter(pk=pk, status=Post.Status.SCHEDULED).update(status=Post.Status.PUBLISHED)
            if updated:
                flipped += 1
                post = Post.objects.get(pk=pk)
                # Readers have seen it since published_at; this tells caches and listeners anyway.
                _announce_published(post, None)
    return flipped


# --- Preview links ------------------------------------------------------------------------------


def preview_link_days_validate(*, days: int | None) -> int:
    """How many days a new link lasts (default `BLOG_PREVIEW_LINK_DAYS`); refuses fewer than one.

    `preview_link_create` checks this; a form calls it first to show the refusal next to its field.
    """
    days = settings.BLOG_PREVIEW_LINK_DAYS if days is None else days
    if days <= 0:
        raise ValidationError({"days": ValidationError(_("A preview link must last at least one day."), code="min")})
    return days


def preview_link_create(*, post: Post, by: Any, days: int | None = None) -> PreviewLink:
    """A link to `post` that lasts `days` (default `BLOG_PREVIEW_LINK_DAYS`), made by `by`."""
    days = preview_link_days_validate(days=days)
    return PreviewLink.objects.create(
        post=post, created_by=_user_or_none(by), expires_at=timezone.now() + timedelta(days=days)
    )


def preview_link_revoke(*, link: PreviewLink) -> PreviewLink:
    if not link.revoked:
        link.revoked = True
        link.save(update_fields=["revoked", "updated_at"])
    return link


def preview_link_resolve(*, token: str) -> Post | None:
    """The post behind a preview token, or None if the token is forged, expired or revoked."""
    try:
        key = signing.loads(token, salt=PREVIEW_LINK_SALT)
    except signing.BadSignature:
        return None
    link = (
        PreviewLink.objects.select_related("post", "post__section", "post__author", "post__cover")
        .filter(key=key, revoked=False, expires_at__gt=timezone.now())
        .first()
    )
    return link.post if link else None


# --- Access grants (payments calls these) -------------------------------------------------------


def _target(post: Post | None, project: Project | None) -> dict[str, Any]:
    # Exactly one target: the model's constraint, validated before the database would refuse it.
    AccessGrant(post=post, project=project).validate_constraints(exclude={"user"})
    return {"post": post} if post is not None else {"project": project}


@transaction.atomic
def access_grant_create(
    *,
    user: Any,
    post: Post | None = None,
    project: Project | None = None,
    source: str = AccessGrant.Source.MANUAL,
    reference: str = "",
) -> AccessGrant:
    """Let `user` read `post` / download `project`. Idempotent: an existing grant is (re)activated."""
    target = _target(post, project)
    grant, created = AccessGrant.objects.select_for_update().get_or_create(
        user=user, **target, defaults={"source": source, "reference": reference}
    )
    if not created and (grant.revoked_at is not None or grant.source != source or grant.reference != reference):
        grant.revoked_at = None
        grant.source, grant.reference = source, reference
        grant.save(update_fields=["revoked_at", "source", "reference", "updated_at"])
    return grant


def access_grant_revoke(*, user: Any, post: Post | None = None, project: Project | None = None) -> int:
    """Withdraw access (e.g. after a refund). Returns how many grants were active; 0 is not an error."""
    target = _target(post, project)
    return AccessGrant.objects.filter(user=user, revoked_at__isnull=True, **target).update(
        revoked_at=timezone.now(), updated_at=timezone.now()
    )


# --- Tags ---------------------------------------------------------------------------------------


def tag_get_or_create(*, name: str, language: str = "en", name_other: str = "") -> Tag:
    """The tag called `name` (in either language, case-insensitively, or with the same slug), else a new one.

    `name_other` is the name in the other language, used only when the tag is created.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("A tag needs a name.")})
    for code in LANGUAGE_CODES:
        tag = Tag.objects.filter(**{f"name_{lang_suffix(code)}__iexact": name}).first()
        if tag:
            return tag
    slug = slug_from_text(name)
    tag = Tag.objects.filter(slug=slug).first() if slug else None
    if tag:
        return tag
    other = next(c for c in LANGUAGE_CODES if c != language)
    return Tag.objects.create(
        **{f"name_{lang_suffix(language)}": name, f"name_{lang_suffix(other)}": name_other.strip() or None}
    )


# --- AI jobs (the assistant's and the narrator's work, tracked per post, kind and language) ---------


def aijob_queue(*, post: Post, kind: str, language: str, by: Any = None) -> AIJob:
    """The queued or running job of this post, kind and language, or a new queued one.

    Asking twice while one is waiting returns the same job (no double work); the caller queues the
    task that runs it (through `apps.core.queue.enqueue_on_commit`) only when `job.attempts == 0` and
    the job was just made, or on retry. `aijob_request` says whether it was just made.
    """
    return aijob_request(post=post, kind=kind, language=language, by=by)[0]


def aijob_request(
    *, post: Post, kind: str, language: str, by: Any = None, options: dict[str, Any] | None = None
) -> tuple[AIJob, bool]:
    """`aijob_queue`, plus whether the job is new (only then does the caller queue its task).

    `options` are stored on a new job (the task reads them back); a job already waiting keeps its own.
    """
    with transaction.atomic():
        Post.objects.select_for_update().filter(pk=post.pk).first()  # serialise concurrent requests per post
        job = AIJob.objects.filter(post=post, kind=kind, language=language, status__in=AIJob.ACTIVE).first()
        if job is not None:
            return job, False
        job = AIJob.objects.create(
            post=post, kind=kind, language=language, requested_by=_user_or_none(by), options=options or {}
        )
    return job, True


def aijob_claim(*, job_id: int) -> AIJob | None:
    """Mark a queued job running and return it; None when it is already done, failed, gone, or when
    another job of the same post, kind and language is running (so two workers never do it twice).
    A job left "running" by a killed worker is claimed again (tasks are `acks_late`)."""
    with transaction.atomic():
        job = AIJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (AIJob.Status.DONE, AIJob.Status.FAILED):
            return None
        busy = (
            AIJob.objects.filter(post_id=job.post_id, kind=job.kind, language=job.language, status=AIJob.Status.RUNNING)
            .exclude(pk=job.pk)
            .exists()
        )
        if busy:
            return None
        job.status = AIJob.Status.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.error = ""
        job.save(update_fields=["status", "attempts", "started_at", "error", "updated_at"])
    return job


def aijob_progress(*, job: AIJob, progress: int) -> AIJob:
    job.progress = max(0, min(100, int(progress)))
    AIJob.objects.filter(pk=job.pk).update(progress=job.progress, updated_at=timezone.now())
    return job


def aijob_finish(*, job: AIJob, provider: str = "", model_name: str = "", tokens_used: int = 0) -> AIJob:
    job.status = AIJob.Status.DONE
    job.progress = 100
    job.provider, job.model_name = provider[:50], model_name[:100]
    job.tokens_used = max(0, int(tokens_used))
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "provider", "model_name", "tokens_used", "finished_at", "updated_at"])
    return job


def aijob_fail(*, job: AIJob, error: str, provider: str = "") -> AIJob:
    job.status = AIJob.Status.FAILED
    job.error = error[:2000]
    job.provider = provider[:50] or job.provider
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "provider", "finished_at", "updated_at"])
    return job


def aijob_retry(*, job: AIJob, by: Any = None) -> AIJob:
    """A failed job back in the queue (the admin's and the API's "retry"); the caller queues its task."""
    if job.status != AIJob.Status.FAILED:
        raise ValidationError(_("Only a failed job can be retried."), code="not_failed")
    job.status = AIJob.Status.QUEUED
    job.progress = 0
    job.finished_at = None
    job.save(update_fields=["status", "progress", "finished_at", "updated_at"])
    return job


# --- Narration (issue 13): a post's text spoken per language, stored as a media asset ---------------


def post_narration_request(*, post: Post, language: str, by: Any = None) -> AIJob:
    """Queue the narration of `post` in `language` (the admin's button, the API, on publish).

    Refuses at once, before any job exists: an unknown language or a post without text in it
    (ValidationError), and a site where nothing can speak (`SpeechNotConfigured`, with the reason).
    Asking again while a job waits returns that job. Without a broker the work runs before this returns.
    """
    if language not in LANGUAGE_CODES:
        raise ValidationError(
            {"language": ValidationError(_("Choose one of: %(codes)s.") % {"codes": ", ".join(LANGUAGE_CODES)})},
            code="unknown_language",
        )
    reason = speech.speech_provider().unavailable_reason()
    if reason:
        raise SpeechNotConfigured(reason)
    if not narration_text(post=post, language=language).paragraphs:
        raise ValidationError(
            {"language": ValidationError(_("This post has no text in this language to narrate."))},
            code="nothing_to_narrate",
        )
    return _narration_queue(post=post, language=language, by=by)


def _narration_queue(*, post: Post, language: str, by: Any = None) -> AIJob:
    """The waiting narration job (the task is queued only for a job made now, so never twice)."""
    started = timezone.now()
    job = aijob_queue(post=post, kind=AIJob.Kind.NARRATE, language=language, by=by)
    if job.attempts == 0 and job.created_at >= started:
        enqueue_on_commit("apps.blog.tasks.post_narration_generate_task", post.pk, language)
        if not transaction.get_connection().in_atomic_block:
            job.refresh_from_db()  # without a broker the task has run already
    return job


def post_narration_on_publish(*, post: Post, by: Any = None) -> list[AIJob]:
    """`AI_NARRATE_ON_PUBLISH`: narrate every language the post has text in. Nothing can speak: nothing queued."""
    jobs = []
    for language in LANGUAGE_CODES:
        try:
            jobs.append(post_narration_request(post=post, language=language, by=by))
        except (ValidationError, SpeechNotConfigured) as exc:
            logger.info("narration: post %s (%s) not narrated on publish: %s", post.pk, language, exc)
    return jobs


def post_narration_generate(*, post_id: int, language: str, can_retry: bool = False) -> PostNarration | None:
    """Do the narration job of this post and language (the task). Idempotent: when the spoken text (its
    hash), the voice and the post's access are what the current narration was made from, nothing is
    synthesized again.

    A retryable speech error (the engine could not be reached) re-queues the job and is raised when
    `can_retry` (the task will try again later); otherwise, and for any other error, the job fails with
    the reason, and an editor may retry it.
    """
    post = Post.objects.select_related("author").filter(pk=post_id).first()
    if post is None:
        return None
    active = AIJob.objects.filter(post=post, kind=AIJob.Kind.NARRATE, language=language, status__in=AIJob.ACTIVE)
    job = active.order_by("created_at", "pk").first() or aijob_queue(
        post=post, kind=AIJob.Kind.NARRATE, language=language
    )
    job = aijob_claim(job_id=job.pk)
    if job is None:
        return None  # done already, or another worker is on it
    provider = speech.speech_provider()
    try:
        narration = _post_narrate(post=post, language=language, job=job, provider=provider)
    except SpeechUnavailable as exc:
        if can_retry:
            aijob_fail(job=job, error=_("%(error)s (trying again)") % {"error": exc}, provider=provider.name)
            aijob_retry(job=job)
            raise
        aijob_fail(job=job, error=str(exc), provider=provider.name)
        return None
    except ValidationError as exc:
        aijob_fail(job=job, error=" ".join(exc.messages), provider=provider.name)
        return None
    except (SpeechError, OSError, subprocess.SubprocessError) as exc:
        logger.warning("narration: post %s (%s) failed: %s", post.pk, language, exc)
        aijob_fail(job=job, error=str(exc) or type(exc).__name__, provider=provider.name)
        return None
    aijob_finish(job=job, provider=narration.provider, model_name=narration.voice, tokens_used=narration.characters)
    return narration


def _narration_owner(post: Post, job: AIJob) -> Any:
    """Who owns the audio in the media library: who asked for it, else the author, else the first admin."""
    owner = job.requested_by or post.author
    if owner is None:
        owner = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if owner is None:
        raise ValidationError(_("The narration's audio needs an owner: give the post an author."), code="no_owner")
    return owner


def _post_narrate(*, post: Post, language: str, job: AIJob, provider: Any) -> PostNarration:
    spoken = narration_text(post=post, language=language)
    if not spoken.paragraphs:
        raise ValidationError(_("This post has no text in this language to narrate."), code="nothing_to_narrate")
    visibility = Asset.Visibility.PRIVATE if post.is_premium else Asset.Visibility.PUBLIC
    voice = provider.voice(language)
    current = PostNarration.objects.select_related("asset").filter(post=post, language=language).first()
    if current and current.asset.visibility != visibility:
        # The post became premium (or free): the audio it has moves first, whatever happens next.
        current.asset = media_services.asset_set_visibility(asset=current.asset, visibility=visibility)
        _narration_changed(current)
    if current and (current.text_hash, current.provider, current.voice) == (spoken.text_hash, provider.name, voice):
        return current
    chunks = speech.chunk_text(spoken.paragraphs, limit=provider.max_chunk_chars)
    aijob_progress(job=job, progress=5)

    def progress(done: int, total: int) -> None:
        aijob_progress(job=job, progress=5 + 85 * done // total)

    with tempfile.TemporaryDirectory(prefix="inkwell-narration-") as workdir:
        audio = provider.synthesize(chunks=chunks, language=language, workdir=Path(workdir), progress=progress)
        with audio.path.open("rb") as fh:
            asset = media_services.asset_create(
                owner=_narration_owner(post, job),
                uploaded_file=File(fh, name=f"{post.slug}-{language}.{audio.extension}"),
                visibility=visibility,
                title=_narration_title(post, language, "en"),
                title_zh_hans=_narration_title(post, language, "zh-hans"),
            )
    if asset.visibility != visibility:  # the owner had stored these very bytes before, with the other access
        asset = media_services.asset_set_visibility(asset=asset, visibility=visibility)
    aijob_progress(job=job, progress=95)
    return _narration_store(post=post, language=language, asset=asset, spoken=spoken, audio=audio)


def _narration_title(post: Post, language: str, label_language: str) -> str:
    title = getattr(post, f"title_{lang_suffix(language)}") or post.slug
    with translation.override(label_language):
        return (_("Narration: %(title)s (%(language)s)") % {"title": title, "language": language})[:200]


@transaction.atomic
def _narration_store(*, post: Post, language: str, asset: Asset, spoken: Any, audio: Any) -> PostNarration:
    narration = PostNarration.objects.select_for_update().filter(post=post, language=language).first()
    replaced = narration.asset_id if narration else None
    narration = narration or PostNarration(post=post, language=language)
    narration.asset = asset
    narration.text_hash = spoken.text_hash
    narration.characters = spoken.characters
    narration.duration = audio.duration
    narration.provider = audio.provider
    narration.voice = audio.voice
    narration.save()
    if replaced and replaced != asset.pk and not PostNarration.objects.filter(asset_id=replaced).exists():
        old = Asset.objects.filter(pk=replaced).first()
        if old is not None:
            media_services.asset_delete(asset=old)
    _narration_changed(narration)
    return narration


def _narration_changed(narration: PostNarration) -> None:
    # The post page's player and the podcast feed change: cached pages go.
    transaction.on_commit(
        lambda: content_changed.send(sender=PostNarration, instance=narration, post_ids=[narration.post_id])
    )


def _narrations_follow_access(post: Post) -> None:
    """A post turned premium (or free): its narrations move to private (or public) storage, through the task."""
    for language in post.narrations.values_list("language", flat=True):
        _narration_queue(post=post, language=language)


def post_narration_asset_release(*, asset_id: int) -> None:
    """Delete a narration's audio once no narration uses it (its post was deleted). Safe to run twice."""
    if PostNarration.objects.filter(asset_id=asset_id).exists():
        return
    asset = Asset.objects.filter(pk=asset_id).first()
    if asset is not None:
        media_services.asset_delete(asset=asset)


def post_narration_job_retry(*, job: AIJob, by: Any = None) -> AIJob:
    """Retry a failed narration job (the AI jobs' admin and API): back in the queue, and its task queued."""
    job = aijob_retry(job=job, by=by)
    enqueue_on_commit("apps.blog.tasks.post_narration_generate_task", job.post_id, job.language)
    return job


# --- AI assistance: translation drafts and key points (the provider is behind `assistant.py`) -------
#
# Every run is an AIJob: `*_request` validates and queues one (503-worthy `AssistantUnavailable` when
# the provider cannot do it), `aijob_run` (the task) claims it and calls its kind's runner. Drafts go
# to `TranslationDraft` / `KeyPoints`; readers see only what an editor accepts (`*_accept` copies it
# into the reader fields through `post_update`, so revisions, rendering and caches follow).

TRANSLATE_FIELD_CHOICES = (*TRANSLATED_FIELDS, "names")  # "names": the post's section and tag names


@dataclass(frozen=True)
class AIRunResult:
    provider: str = ""
    model_name: str = ""
    tokens: int = 0


# kind → runner(job) -> AIRunResult. Translation and key points are registered below; narration
# registers its own runner here (`AIJOB_RUNNERS[AIJob.Kind.NARRATE] = ...`) so retries of every kind
# go through the one task, `apps.blog.tasks.aijob_run_task`.
AIJOB_RUNNERS: dict[str, Callable[[AIJob], AIRunResult]] = {}


def aijob_run(*, job_id: int) -> AIJob | None:
    """Run a queued job (the task's body): claim it, run its kind's runner, record the outcome.

    Safe to run twice or after a worker died: a finished or failed job is not claimed again, a job
    another worker is running is left alone. A provider error fails the job with its message (it was
    already retried per request when retryable); editors retry from the admin or the API.
    """
    job = aijob_claim(job_id=job_id)
    if job is None:
        return None
    runner = AIJOB_RUNNERS.get(job.kind)
    if runner is None:
        return aijob_fail(job=job, error=_("Nothing runs jobs of this kind here."))
    try:
        result = runner(job)
    except AssistantError as exc:
        logger.warning("AI job %s (%s) failed: %s", job.pk, job.kind, exc)
        job = aijob_fail(job=job, error=str(exc), provider=exc.provider)
        job.retryable = exc.retryable  # the task queues it again later (`aijob_retry_later`)
        return job
    except (ValidationError, Post.DoesNotExist) as exc:
        return aijob_fail(job=job, error=" ".join(getattr(exc, "messages", [str(exc)])))
    except Exception as exc:
        logger.exception("AI job %s (%s) crashed", job.pk, job.kind)
        return aijob_fail(job=job, error=_("Internal error (%(error)s); see the logs.") % {"error": type(exc).__name__})
    return aijob_finish(job=job, provider=result.provider, model_name=result.model_name, tokens_used=result.tokens)


def aijob_retry_later(*, job: AIJob) -> float | None:
    """After a failure the provider may get over (rate limited, down, slow), put the job back in the
    queue and return in how many seconds to run it again (`AI_JOB_RETRY_DELAY`, doubled per attempt);
    None when it should stay failed: a permanent error, `AI_JOB_MAX_ATTEMPTS` reached, or tasks running
    in-process (no broker: an immediate rerun would only block the request; retry by hand)."""
    if not getattr(job, "retryable", False) or job.status != AIJob.Status.FAILED:
        return None
    if job.attempts >= settings.AI_JOB_MAX_ATTEMPTS or settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    aijob_retry(job=job)
    return settings.AI_JOB_RETRY_DELAY * 2 ** (job.attempts - 1)


def aijob_requeue(*, job: AIJob, by: Any = None) -> AIJob:
    """Retry a failed job of any kind (the admin's action, the API's `retry`) and queue its run."""
    if job.kind == AIJob.Kind.NARRATE:
        # Narration runs in its own task (it retries by itself while the speech engine is unreachable).
        return post_narration_job_retry(job=job, by=by)
    job = aijob_retry(job=job, by=by)
    enqueue_on_commit("apps.blog.tasks.aijob_run_task", job.pk)
    return job


def _language_choice(post: Post, language: str | None, *, default: str) -> str:
    language = language or default
    if language not in LANGUAGE_CODES:
        raise ValidationError(
            {"language": ValidationError(_("Choose one of: %(codes)s.") % {"codes": ", ".join(LANGUAGE_CODES)})},
            code="invalid",
        )
    return language


def translation_request(
    *, post: Post, by: Any, language: str | None = None, fields: Iterable[str] | None = None, only_stale: bool = False
) -> AIJob:
    """Queue a translation of `post` into `language` (default: the language it is not written in).

    Translates the fields whose translation is missing or stale (`only_stale`: stale ones only), or
    exactly `fields` (post fields, and "names" for its section and tag names). A translation already
    waiting or running is returned instead of a second one. Raises AssistantUnavailable without a
    translating provider, ValidationError for a bad language or field.
    """
    others = [code for code in LANGUAGE_CODES if code != post.source_language]
    language = _language_choice(post, language, default=others[0])
    if language == post.source_language:
        raise ValidationError(
            {"language": ValidationError(_("The post is written in this language: choose another."))},
            code="same_language",
        )
    chosen = list(dict.fromkeys(fields or []))
    unknown = [name for name in chosen if name not in TRANSLATE_FIELD_CHOICES]
    if unknown:
        raise ValidationError(
            {"fields": ValidationError(_("Unknown field: %(names)s.") % {"names": ", ".join(unknown)})},
            code="invalid",
        )
    reason = get_assistant().translation_unavailable_reason()
    if reason:
        raise AssistantUnavailable(reason)
    options = {"fields": chosen, "only_stale": bool(only_stale)}
    job, created = aijob_request(post=post, kind=AIJob.Kind.TRANSLATE, language=language, by=by, options=options)
    if created:
        enqueue_on_commit("apps.blog.tasks.aijob_run_task", job.pk)
    return job


def _plan_translation(post: Post, language: str, fields: list[str], only_stale: bool) -> list[FieldState]:
    post_fields = [name for name in fields if name in TRANSLATED_FIELDS] if fields else list(TRANSLATED_FIELDS)
    states = selectors.translation_states(post=post, language=language, fields=post_fields)
    if not fields or "names" in fields:
        states += selectors.translation_name_states(post=post, language=language)
    if only_stale:
        return [state for state in states if state.state == "stale"]
    if fields:
        return states  # asked for by name: translated again whatever their state
    return [state for state in states if state.state in ("missing", "stale")]


def _key(state: FieldState) -> tuple[str, int, str]:
    return state.target, state.target_id, state.field


def _translation_run(job: AIJob) -> AIRunResult:
    assistant = get_assistant()
    reason = assistant.translation_unavailable_reason()
    if reason:
        raise AssistantUnavailable(reason, provider=assistant.provider)
    post = Post.objects.select_related("section").get(pk=job.post_id)
    source, target = post.source_language, job.language
    if source == target:
        raise AssistantError(_("The post is written in this language already."))
    options = job.options or {}
    plan = _plan_translation(post, target, list(options.get("fields") or []), bool(options.get("only_stale")))
    if not plan:
        return AIRunResult(assistant.provider, assistant.model, 0)
    max_chars = max(200, settings.AI_TRANSLATE_CHUNK_CHARS)
    placeholders = mdsplit.Placeholders()
    prepared = {}
    for state in plan:
        prepare = mdsplit.prepare_markdown if state.field == "body" else mdsplit.prepare_plain
        prepared[_key(state)] = prepare(state.source_text, max_chars=max_chars, placeholders=placeholders)
    short = [unit for state in plan if state.field != "body" for unit in prepared[_key(state)].units]
    long = [unit for state in plan if state.field == "body" for unit in prepared[_key(state)].units]
    chunks = mdsplit.make_chunks(short, max_chars=max_chars) + mdsplit.make_chunks(long, max_chars=max_chars)
    glossary = selectors.glossary_for(source=source, target=target)
    translations, tokens = _translate_chunks(
        job, assistant, chunks, placeholders, source=source, target=target, glossary=glossary
    )
    texts = {}
    for state in plan:
        text = mdsplit.assemble(prepared[_key(state)], translations)
        if state.field == "body":
            text = mdsplit.remap_anchors(
                text,
                source_ids=_heading_ids(state.source_text, source),
                target_ids=_heading_ids(text, target),
            )
        texts[_key(state)] = text
    _translation_drafts_store(job=job, post=post, plan=plan, texts=texts, assistant=assistant)
    return AIRunResult(assistant.provider, assistant.model, tokens)


AIJOB_RUNNERS[AIJob.Kind.TRANSLATE] = _translation_run


def _translate_chunks(
    job: AIJob,
    assistant: Any,
    chunks: list[list[mdsplit.Unit]],
    placeholders: mdsplit.Placeholders,
    *,
    source: str,
    target: str,
    glossary: list[tuple[str, str]],
) -> tuple[dict[int, str], int]:
    """Every chunk translated, `assistant.max_concurrency` at a time; progress saved as they finish.

    The threads only talk to the provider; the database is written from this thread alone.
    """
    total = len(chunks)
    translations: dict[int, str] = {}
    tokens = done = 0
    if not total:
        return translations, tokens
    workers = max(1, min(assistant.max_concurrency, total))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="inkwell-translate") as pool:
        futures = [
            pool.submit(_translate_chunk, assistant, chunk, placeholders, source, target, glossary, number, total)
            for number, chunk in enumerate(chunks, start=1)
        ]
        try:
            for future in as_completed(futures):
                answer, used = future.result()
                translations.update(answer)
                tokens += used
                done += 1
                aijob_progress(job=job, progress=done * 95 // total)
        except BaseException:
            for future in futures:
                future.cancel()  # those not started yet; the running ones end with their request
            raise
    return translations, tokens


def _translate_chunk(
    assistant: Any,
    chunk: list[mdsplit.Unit],
    placeholders: mdsplit.Placeholders,
    source: str,
    target: str,
    glossary: list[tuple[str, str]],
    number: int,
    total: int,
) -> tuple[dict[int, str], int]:
    """One chunk: sent, read back and checked; sent once more, strictly, if the answer broke a placeholder."""
    wire = mdsplit.chunk_wire(chunk)
    first = assistant.translate(wire, source=source, target=target, glossary=glossary)
    try:
        return mdsplit.read_chunk(first.text, chunk, placeholders), first.tokens
    except mdsplit.ChunkError as exc:
        logger.info("Translation of part %d of %d came back damaged (%s); asking again", number, total, exc)
    second = assistant.translate(wire, source=source, target=target, glossary=glossary, strict=True)
    try:
        return mdsplit.read_chunk(second.text, chunk, placeholders), first.tokens + second.tokens
    except mdsplit.ChunkError as exc:
        raise AssistantError(
            _(
                "Part %(number)d of %(total)d came back damaged twice (%(error)s); nothing was saved. "
                "Try again, or lower AI_TRANSLATE_CHUNK_CHARS."
            )
            % {"number": number, "total": total, "error": exc},
            provider=getattr(assistant, "provider", ""),
        ) from exc


_HEADING_ID = re.compile(r"<h[1-6][^>]*\sid=\"([^\"]+)\"")


def _heading_ids(markdown_text: str, language: str) -> list[str]:
    """The ids the renderer gives the headings of `markdown_text`, in order."""
    from .rendering import render_markdown

    return _HEADING_ID.findall(render_markdown(markdown_text, language=language).html)


def _draft_lookup(state: FieldState, language: str) -> dict[str, Any]:
    return {f"{state.target}_id": state.target_id, "field": state.field, "language": language}


@transaction.atomic
def _translation_drafts_store(
    *, job: AIJob, post: Post, plan: list[FieldState], texts: dict[tuple[str, int, str], str], assistant: Any
) -> None:
    now = timezone.now()
    for state in plan:
        lookup = _draft_lookup(state, job.language)
        draft = TranslationDraft.objects.select_for_update().filter(**lookup).first() or TranslationDraft(**lookup)
        draft.source_language = post.source_language
        draft.text = texts[_key(state)]
        draft.state = ReviewState.MACHINE_DRAFT
        draft.source_hash = selectors.text_hash(state.source_text)
        draft.provider, draft.model_name = assistant.provider[:50], str(assistant.model)[:100]
        draft.translated_at = now
        draft.job = job
        draft.save()
    _announce_post_changed(post)


def _announce_post_changed(post: Post) -> None:
    # Pages showing machine drafts (AI_SHOW_MACHINE_DRAFTS) or key points change with them.
    transaction.on_commit(lambda: content_changed.send(sender=Post, instance=post, post_ids=[post.pk]))


def _translated_values(post: Post) -> dict[str, Any]:
    """The translated fields as stored now (compared after a save by `_translations_track`)."""
    return {
        f"{name}_{lang_suffix(code)}": getattr(post, f"{name}_{lang_suffix(code)}")
        for name in TRANSLATED_FIELDS
        for code in LANGUAGE_CODES
    }


def _translations_track(*, post: Post, before: dict[str, Any], by: Any) -> None:
    """An editor wrote a translation by hand: remember which source it translates, so it turns
    stale when the source changes (as an accepted machine draft does)."""
    source = lang_suffix(post.source_language)
    changed = []
    for code in LANGUAGE_CODES:
        if code == post.source_language:
            continue
        for name in TRANSLATED_FIELDS:
            column = f"{name}_{lang_suffix(code)}"
            now = getattr(post, column) or ""
            if now.strip() and now != (before.get(column) or ""):
                changed.append((name, code))
    if not changed:
        return
    existing = {
        (d.field, d.language): d
        for d in TranslationDraft.objects.filter(
            post=post, field__in={n for n, _c in changed}, language__in={c for _n, c in changed}
        )
    }
    for name, code in changed:
        draft = existing.get((name, code))
        if draft is None:
            draft = TranslationDraft(
                post=post,
                field=name,
                language=code,
                state=ReviewState.REVIEWED,
                reviewed_by=_user_or_none(by),
                reviewed_at=timezone.now(),
            )
        draft.source_language = post.source_language
        draft.published_hash = selectors.text_hash(getattr(post, f"{name}_{source}") or "")
        draft.save()


def _check_length(obj: Any, column: str, text: str) -> None:
    limit = getattr(obj._meta.get_field(column), "max_length", None)
    if limit and len(text) > limit:
        raise ValidationError(
            {
                "text": ValidationError(
                    _("At most %(limit)d characters here (this has %(size)d)."),
                    code="too_long",
                    params={"limit": limit, "size": len(text)},
                )
            }
        )


@transaction.atomic
def translation_draft_accept(*, draft: TranslationDraft, by: Any, text: str | None = None) -> TranslationDraft:
    """Publish a draft (as edited by the reviewer when `text` is given) into the reader field, through
    `post_update` for a post (revision, rendering, caches), or the tag's or section's name."""
    return translation_drafts_accept(drafts=[draft], by=by, texts={draft.pk: text} if text is not None else None)[0]


@transaction.atomic
def translation_drafts_accept(
    *, drafts: Iterable[TranslationDraft], by: Any, texts: dict[int, str] | None = None
) -> list[TranslationDraft]:
    """Publish several drafts at once (one post revision for a post's fields). All or nothing."""
    drafts = [TranslationDraft.objects.select_for_update().get(pk=d.pk) for d in drafts]
    texts = texts or {}
    post_data: dict[int, dict[str, str]] = {}
    for draft in drafts:
        if draft.state == ReviewState.REJECTED and draft.pk not in texts:
            raise ValidationError(_("This draft was rejected; translate again for a new one."), code="rejected")
        text = texts.get(draft.pk, draft.text)
        text = text if draft.field == "body" else (text or "").strip()
        if not (text or "").strip():
            raise ValidationError({"text": ValidationError(_("A translation cannot be empty."), code="required")})
        column = f"{draft.field}_{lang_suffix(draft.language)}"
        target = draft.target
        _check_length(target, column, text)
        if draft.post_id:
            post_data.setdefault(draft.post_id, {})[column] = text
        else:
            setattr(target, column, text)
            target.save()  # a whole save: modeltranslation keeps the default-language column in step
        draft.text = text
    for post_id, data in post_data.items():
        post = Post.objects.select_for_update().get(pk=post_id)
        post_update(post=post, by=by, data=data, note=PostRevision.Note.TRANSLATION_ACCEPTED)
    now = timezone.now()
    for draft in drafts:
        draft.state = ReviewState.REVIEWED
        draft.published_hash = draft.source_hash or draft.published_hash
        draft.reviewed_by, draft.reviewed_at = _user_or_none(by), now
        draft.save(update_fields=["text", "state", "published_hash", "reviewed_by", "reviewed_at", "updated_at"])
    return drafts


def translation_draft_reject(*, draft: TranslationDraft, by: Any) -> TranslationDraft:
    """Discard a pending draft; the published text (if any) stays as it is."""
    if draft.state != ReviewState.MACHINE_DRAFT:
        raise ValidationError(_("Only a draft waiting for review can be rejected."), code="not_pending")
    draft.state = ReviewState.REJECTED
    draft.reviewed_by, draft.reviewed_at = _user_or_none(by), timezone.now()
    draft.save(update_fields=["state", "reviewed_by", "reviewed_at", "updated_at"])
    return draft


def translation_drafts_accept_pending(*, post: Post, by: Any, language: str | None = None) -> list[TranslationDraft]:
    """Accept every draft of the post (its fields, its section's and tags' names) waiting for review."""
    pending = selectors.translation_drafts_for_post(post=post).filter(state=ReviewState.MACHINE_DRAFT)
    if language:
        pending = pending.filter(language=language)
    return translation_drafts_accept(drafts=list(pending), by=by)


# --- key points ---


def key_points_request(*, post: Post, by: Any, language: str | None = None, force: bool = False) -> AIJob:
    """Queue key points of `post` in `language` (default: its source language); `force` writes them
    again even when the body has not changed since the last ones."""
    language = _language_choice(post, language, default=post.source_language)
    text_language, text = selectors.key_points_text(post=post, language=language)
    if not text:
        raise ValidationError(_("The post has no body to read key points from."), code="no_body")
    if text_language != language:
        reason = get_assistant().translation_unavailable_reason()
        if reason:
            raise AssistantUnavailable(
                _(
                    "The post has no body in this language to pick key points from: accept a translation "
                    "first, or set QWEN_API_KEY to have Qwen write them from the other language."
                )
            )
    job, created = aijob_request(
        post=post, kind=AIJob.Kind.SUMMARIZE, language=language, by=by, options={"force": bool(force)}
    )
    if created:
        enqueue_on_commit("apps.blog.tasks.aijob_run_task", job.pk)
    return job


def _key_points_run(job: AIJob) -> AIRunResult:
    assistant = get_assistant()
    post = Post.objects.get(pk=job.post_id)
    text_language, text = selectors.key_points_text(post=post, language=job.language)
    if not text:
        raise AssistantError(_("The post has no body to read key points from."))
    digest = selectors.text_hash(text)
    existing = KeyPoints.objects.filter(post=post, language=job.language).first()
    current = existing is not None and existing.state != ReviewState.REJECTED and digest == existing.source_hash
    if current and not (job.options or {}).get("force"):
        return AIRunResult(existing.provider, existing.model_name, 0)  # nothing changed since they were written
    title = getattr(post, f"title_{lang_suffix(text_language)}") or ""
    result = assistant.key_points(text, language=job.language, source_language=text_language, title=title)
    with transaction.atomic():
        points = KeyPoints.objects.select_for_update().filter(post=post, language=job.language).first()
        points = points or KeyPoints(post=post, language=job.language)
        points.points = [p.strip() for p in result.points if p.strip()]
        points.state = ReviewState.MACHINE_DRAFT
        points.source_language = text_language
        points.source_hash = digest
        points.provider, points.model_name = assistant.provider[:50], str(assistant.model)[:100]
        points.generated_at = timezone.now()
        points.job = job
        points.save()
        _announce_post_changed(post)
    return AIRunResult(assistant.provider, assistant.model, result.tokens)


AIJOB_RUNNERS[AIJob.Kind.SUMMARIZE] = _key_points_run

KEY_POINT_MAX_CHARS = 300


def _clean_points(points: Iterable[Any]) -> list[str]:
    cleaned = [" ".join(str(p).split()) for p in points if str(p).strip()]
    if not 1 <= len(cleaned) <= 5:
        raise ValidationError({"points": ValidationError(_("Give one to five key points."), code="count")})
    too_long = [p for p in cleaned if len(p) > KEY_POINT_MAX_CHARS]
    if too_long:
        raise ValidationError(
            {
                "points": ValidationError(
                    _("A key point has at most %(limit)d characters."),
                    code="too_long",
                    params={"limit": KEY_POINT_MAX_CHARS},
                )
            }
        )
    return cleaned


@transaction.atomic
def key_points_accept(*, key_points: KeyPoints, by: Any, points: Iterable[str] | None = None) -> KeyPoints:
    """Publish the draft points (as edited when `points` is given): readers see them from now on."""
    key_points = lock_rows(KeyPoints.objects.select_related("post")).get(pk=key_points.pk)
    if points is None and key_points.state == ReviewState.REJECTED:
        raise ValidationError(_("These key points were rejected; write them again for new ones."), code="rejected")
    cleaned = _clean_points(key_points.points if points is None else points)
    key_points.points = key_points.published_points = cleaned
    key_points.published_hash = key_points.source_hash
    key_points.state = ReviewState.REVIEWED
    key_points.reviewed_by, key_points.reviewed_at = _user_or_none(by), timezone.now()
    key_points.save()
    _announce_post_changed(key_points.post)
    return key_points


def key_points_reject(*, key_points: KeyPoints, by: Any) -> KeyPoints:
    """Discard the pending draft; points accepted earlier stay published."""
    if key_points.state != ReviewState.MACHINE_DRAFT:
        raise ValidationError(_("Only key points waiting for review can be rejected."), code="not_pending")
    key_points.state = ReviewState.REJECTED
    key_points.reviewed_by, key_points.reviewed_at = _user_or_none(by), timezone.now()
    key_points.save(update_fields=["state", "reviewed_by", "reviewed_at", "updated_at"])
    return key_points


# --- Moving in from another site (the legacy importer writes through these) -----------------------


def _save_fields(obj: Any, data: dict[str, Any], allowed: set[str]) -> Any:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    for name, value in data.items():
        setattr(obj, name, value)
    obj.full_clean(exclude=["slug"], validate_unique=False)
    obj.save()
    return obj


SECTION_IMPORT_FIELDS = {
    "parent", "type", "slug", "is_active", "order",
    *(f"{name}_{lang_suffix(code)}" for name in ("name", "description", "seo_title", "seo_description")
      for code in LANGUAGE_CODES),
}  # fmt: skip
TAG_IMPORT_FIELDS = {"slug", *(f"name_{lang_suffix(code)}" for code in LANGUAGE_CODES)}
PROJECT_IMPORT_FIELDS = {
    "slug", "type", "cover", "section", "is_published", "order", "price", "currency", "attachment",
    "repository_url", "demo_url",
    *(f"{name}_{lang_suffix(code)}" for name in ("title", "description", "body") for code in LANGUAGE_CODES),
}  # fmt: skip


@transaction.atomic
def section_save(*, section: Section | None, data: dict[str, Any]) -> Section:
    """Create or change a section from field values (a taken slug gets a suffix)."""
    return _save_fields(section or Section(), data, SECTION_IMPORT_FIELDS)


@transaction.atomic
def tag_save(*, tag: Tag | None, data: dict[str, Any]) -> Tag:
    """Create or change a tag from field values (`slug`, `name_en`, `name_zh_hans`)."""
    return _save_fields(tag or Tag(), data, TAG_IMPORT_FIELDS)


@transaction.atomic
def project_save(*, project: Project | None, data: dict[str, Any]) -> Project:
    """Create or change a project; an attachment must be a private asset (only buyers download it)."""
    attachment = data.get("attachment")
    if attachment is not None and attachment.visibility != Asset.Visibility.PRIVATE:
        raise ValidationError({"attachment": _("The attachment must be a private file.")})
    return _save_fields(project or Project(), data, PROJECT_IMPORT_FIELDS)


@transaction.atomic
def key_points_import(*, post: Post, language: str, points: list[str], source: str = "imported") -> KeyPoints:
    """Key points written elsewhere (e.g. the old site's summaries), published as reviewed."""
    points = _clean_points(points)
    key_points = KeyPoints.objects.filter(post=post, language=language).first() or KeyPoints(
        post=post, language=language
    )
    key_points.points = key_points.published_points = points
    key_points.state = ReviewState.REVIEWED
    key_points.source_language = post.source_language
    key_points.provider = source
    key_points.generated_at = key_points.generated_at or timezone.now()
    key_points.reviewed_at = key_points.reviewed_at or timezone.now()
    key_points.save()
    return key_points


def post_narration_import(*, post: Post, language: str, asset: Asset, provider: str = "imported") -> PostNarration:
    """An existing recording as the post's narration in `language` (hash of today's text, so it is
    not synthesized again until the text changes)."""
    if asset.kind != Asset.Kind.AUDIO:
        raise ValidationError({"asset": _("A narration must be an audio file.")})
    asset.refresh_from_db(fields=["duration"])  # measured by the media processing, which may have run since
    spoken = narration_text(post=post, language=language)
    audio = type("Imported", (), {"duration": asset.duration or 0, "provider": provider, "voice": provider})
    return _narration_store(post=post, language=language, asset=asset, spoken=spoken, audio=audio)
