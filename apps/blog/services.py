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
    AccessGrant,
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

PREVIEW_SALT = "blog.preview-link"

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
# Fields a caller may set through post_create/post_update (plus "tags"; status goes through transitions).
WRITABLE_FIELDS = frozenset(
    (*CONTENT_FIELDS, "section", "cover", "author", "author_id", *TRANSLATED_FIELDS, "published_at")
)


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
    unknown = set(data) - WRITABLE_FIELDS - {"tags", "status"}
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    for name, value in data.items():
        if name not in ("tags", "status"):
            setattr(post, name, value)
    return _resolve_tags(data["tags"]) if data.get("tags") is not None else None


def _validate(post: Post) -> None:
    # Slugs are made unique on save (a suffix), so uniqueness is not a validation error here.
    post.full_clean(exclude=["slug", "title"], validate_unique=False)


@transaction.atomic
def post_create(*, by: Any, data: dict[str, Any]) -> Post:
    """A new post (a draft unless `data["status"]` says otherwise), its tags and first revision.

    `data` holds model fields (`title_en`, `body_zh_hans`, `section`, `cover`, …), `tags` (Tag
    objects, ids or names) and optionally `status` (+ `published_at` for scheduled/published).
    """
    data = dict(data)
    status = data.pop("status", Post.Status.DRAFT)
    at = data.pop("published_at", None)
    post = Post(author=_user_or_none(by))
    tags = _apply(post, data)
    if status != Post.Status.DRAFT:
        post.transition_to(status, at=at)
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
    """Change fields (and tags, and status through a legal transition); records a revision."""
    data = dict(data)
    status = data.pop("status", None)
    at = data.pop("published_at", None) if status else None
    was_live = post.is_live
    tags = _apply(post, data)
    if status:
        post.transition_to(status, at=at)  # the same status again is allowed (e.g. a new schedule time)
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


def preview_link_token(*, link: PreviewLink) -> str:
    """The URL-safe token for a link: its key, signed (a guessed or edited token never resolves)."""
    return signing.dumps(link.key, salt=PREVIEW_SALT, compress=False)


def preview_link_create(*, post: Post, by: Any, days: int | None = None) -> PreviewLink:
    days = settings.BLOG_PREVIEW_LINK_DAYS if days is None else days
    if days <= 0:
        raise ValidationError({"days": _("A preview link must last at least one day.")})
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
        key = signing.loads(token, salt=PREVIEW_SALT)
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
    if (post is None) == (project is None):
        raise ValidationError(_("Give either a post or a project."))
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


# --- Admin saves (the form has already applied its fields to the instance) ----------------------


@transaction.atomic
def post_save_from_form(*, post: Post, by: Any, tags: Iterable[Tag] | None, status: str, at: Any) -> Post:
    """Save a post edited in a form (its fields already set on `post`), its tags and a revision.

    The form sets `status`/`published_at` on the instance too; they are put back to the stored values
    and moved through `transition_to`, so a form cannot make a move the workflow forbids.
    """
    created = post.pk is None
    stored = None if created else Post.objects.only("status", "published_at").get(pk=post.pk)
    was_live = bool(stored and stored.is_live)
    post.status = stored.status if stored else Post.Status.DRAFT
    post.published_at = stored.published_at if stored else None
    untouched = at == post.published_at or (at and post.published_at and at == post.published_at.replace(microsecond=0))
    if status != post.status or not untouched:
        post.transition_to(status, at=at)
        if status in (Post.Status.DRAFT, Post.Status.ARCHIVED):
            post.published_at = at
    post.save()
    if tags is not None:
        post.tags.set(tags)
    _record_revision(post=post, by=by, note=_("Created") if created else _("Edited"))
    _announce_status_change(post, by, was_live=was_live)
    return post
