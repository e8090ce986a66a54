"""Writes. The admin, the API, tasks and commands all come through here, so they behave the same.

Every function that saves a post records a `PostRevision` (who, when, a snapshot of its fields).
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    LANGUAGE_CODES,
    PREVIEW_LINK_SALT,
    AccessGrant,
    AIJob,
    Post,
    PostRevision,
    PreviewLink,
    Project,
    Section,
    Tag,
    lang_suffix,
)
from .signals import post_published, post_unpublished
from .slugs import slug_from_text

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
    was_live = post.is_live
    tags = _apply(post, data)
    _validate(post)
    post.save()
    if tags is not None:
        post.tags.set(tags)
    _record_revision(post=post, by=by, note=_("Edited"))
    _announce_status_change(post, by, was_live=was_live)
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
