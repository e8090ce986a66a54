"""Writes. The admin, the API, tasks and commands all come through here, so they behave the same.

Every function that saves a post records a `PostRevision` (who, when, a snapshot of its fields).
"""

import logging
import subprocess
import tempfile
from collections.abc import Iterable
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

from apps.core.queue import enqueue_on_commit
from apps.media import services as media_services
from apps.media import speech
from apps.media.errors import SpeechError, SpeechNotConfigured, SpeechUnavailable
from apps.media.models import Asset

from .models import (
    LANGUAGE_CODES,
    PREVIEW_LINK_SALT,
    AccessGrant,
    AIJob,
    Post,
    PostNarration,
    PostRevision,
    PreviewLink,
    Project,
    Section,
    Tag,
    lang_suffix,
)
from .narration import narration_text
from .signals import content_changed, post_published, post_unpublished
from .slugs import slug_from_text

logger = logging.getLogger(__name__)

# What a revision remembers and a restore puts back. Status and dates are recorded but never
# restored: restoring old text must not publish or unpublish anything.
TRANSLATED_FIELDS = ("title", "summary", "body", "seo_title", "seo_description", "seo_keywords")
CONTENT_FIELDS = (
    *(f"{name}_{lang_suffix(code)}" for name in TRANSLATED_FIELDS for code in LANGUAGE_CODES),
    "slug",
    "source_language",
    "section_id",
    "cover_id",
    "is_featured",
    "is_premium",
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


def _record_revision(*, post: Post, by: Any, note: str = "") -> PostRevision:
    return PostRevision.objects.create(
        post=post, data=post_snapshot(post=post), created_by=_user_or_none(by), note=note
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
def post_create(*, by: Any, data: dict[str, Any]) -> Post:
    """A new post (a draft unless `data["status"]` says otherwise), its tags and first revision.

    `data` holds model fields (`title_en`, `body_zh_hans`, `section`, `cover`, `author` (default: `by`),
    …), `tags` (Tag objects, ids or names) and optionally `status` (+ `published_at` for
    scheduled/published). Bad input raises ValidationError (per field where there is one).
    """
    post = Post(author=_user_or_none(by))
    tags = _apply(post, data)
    _validate(post)
    post.save()
    if tags is not None:
        post.tags.set(tags)
    _record_revision(post=post, by=by, note=_("Created"))
    if post.is_live:
        _announce_published(post, by)
    return post


@transaction.atomic
def post_update(*, post: Post, by: Any, data: dict[str, Any]) -> Post:
    """Change fields (and tags, and status/time through a legal move); records a revision.

    `post` is the stored post: the move is judged from its stored status and time.
    """
    was_live, was_premium = post.is_live, post.is_premium
    tags = _apply(post, data)
    _validate(post)
    post.save()
    if tags is not None:
        post.tags.set(tags)
    _record_revision(post=post, by=by, note=_("Edited"))
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
    return _post_move(post=post, by=by, status=Post.Status.PUBLISHED, at=at, note=_("Published"))


def post_unpublish(*, post: Post, by: Any) -> Post:
    """Back to draft; readers stop seeing it."""
    return _post_move(post=post, by=by, status=Post.Status.DRAFT, at=None, note=_("Unpublished"))


def post_schedule(*, post: Post, at: datetime, by: Any) -> Post:
    """Goes live at `at` (must be in the future) without any cron."""
    return _post_move(post=post, by=by, status=Post.Status.SCHEDULED, at=at, note=_("Scheduled"))


def post_archive(*, post: Post, by: Any) -> Post:
    return _post_move(post=post, by=by, status=Post.Status.ARCHIVED, at=None, note=_("Archived"))


def post_set_featured(*, post: Post, by: Any, featured: bool) -> Post:
    return post_update(post=post, by=by, data={"is_featured": featured})


@transaction.atomic
def post_revision_restore(*, revision: PostRevision, by: Any) -> Post:
    """Put a revision's text, SEO fields, section, cover, flags and tags back (status is kept)."""
    post = Post.objects.select_for_update().get(pk=revision.post_id)
    was_premium = post.is_premium
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
    _record_revision(post=post, by=by, note=_("Restored revision from %(when)s") % {"when": revision.created_at})
    if post.is_premium != was_premium:
        _narrations_follow_access(post)
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
    the job was just made, or on retry.
    """
    with transaction.atomic():
        Post.objects.select_for_update().filter(pk=post.pk).first()  # serialise concurrent requests per post
        job = AIJob.objects.filter(post=post, kind=kind, language=language, status__in=AIJob.ACTIVE).first()
        if job is None:
            job = AIJob.objects.create(post=post, kind=kind, language=language, requested_by=_user_or_none(by))
    return job


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
