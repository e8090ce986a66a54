"""Reads. Every list is select_related/prefetch_related so query counts stay flat as data grows.

"Live" (what readers see) means: status published, or status scheduled whose time has come, and
`published_at <= now`. So a scheduled post appears at its time with no cron; the beat task
`scheduled_posts_flip` only tidies the stored status afterwards.
"""

import functools
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from apps.media import speech
from apps.media.models import Asset
from apps.media.selectors import asset_private_url

from . import search
from .models import (
    LANGUAGE_CODES,
    TRANSLATED_POST_FIELDS,
    AccessGrant,
    AIJob,
    GlossaryTerm,
    Post,
    PostNarration,
    Project,
    ReviewState,
    Section,
    Tag,
    TranslationDraft,
    lang_suffix,
)
from .rendering import plain_text

# Columns a list never shows: every language's Markdown source, rendered body and TOC.
_HEAVY = ("body", "body_html", "toc_html")
HEAVY_POST_FIELDS = (
    *(f"{name}_{lang_suffix(code)}" for name in (*_HEAVY, "search_text", "prose") for code in LANGUAGE_CODES),
    *_HEAVY,
)


# What a link to a post shows: its slug and title (every language, for the fallback).
LINK_POST_FIELDS = ("slug", "published_at", *(f"title_{lang_suffix(code)}" for code in LANGUAGE_CODES))


def live_q(*, now: datetime | None = None, prefix: str = "") -> Q:
    """The "published" condition, usable on Post or through a relation (`prefix="post__"`)."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status__in": (Post.Status.PUBLISHED, Post.Status.SCHEDULED)}) & Q(
        **{f"{prefix}published_at__lte": now}
    )


EDITOR_PERMISSION = ("blog", "change_post")


@functools.cache
def _model_backends_only(backends: tuple[str, ...]) -> bool:
    return all(issubclass(import_string(path), ModelBackend) for path in backends)


def user_is_editor(user: Any) -> bool:
    """Editors (the group), superusers, or anyone allowed to change posts (`user.has_perm("blog.change_post")`).

    With only Django's model backends (the settings' own), one EXISTS query instead of `has_perm` loading
    every permission of the user and of their groups (two queries); kept on the user for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    app_label, codename = EDITOR_PERMISSION
    known = getattr(user, "_perm_cache", None)  # has_perm already loaded them in this request
    if known is not None or not _model_backends_only(tuple(settings.AUTHENTICATION_BACKENDS)):
        return user.has_perm(f"{app_label}.{codename}")
    found = getattr(user, "_blog_is_editor", None)
    if found is None:
        with connection.cursor() as cursor:
            cursor.execute(_has_permission_sql(connection.vendor), [codename, app_label, user.pk, user.pk])
            found = user._blog_is_editor = bool(cursor.fetchone()[0])
    return found


@functools.cache
def _has_permission_sql(vendor: str) -> str:
    """Whether a user holds a permission (codename, app label), given them or through a group: what
    ModelBackend answers, as one plain statement (the ORM's version cost ten times more to compile than to run).
    Only the models' own table and column names go into the text; every value is a parameter."""
    quote = connection.ops.quote_name
    own = get_user_model()._meta.get_field("user_permissions")
    member = get_user_model()._meta.get_field("groups")
    granted = Group._meta.get_field("permissions")
    permission, content_type = Permission._meta, ContentType._meta
    p_id, p_ct, p_codename = (quote(permission.get_field(name).column) for name in ("id", "content_type", "codename"))
    c_id, c_app = (quote(content_type.get_field(name).column) for name in ("id", "app_label"))
    own_ids = (
        f"SELECT {quote(own.m2m_reverse_name())} FROM {quote(own.m2m_db_table())}"  # noqa: S608
        f" WHERE {quote(own.m2m_column_name())} = %s"
    )
    group_ids = (
        f"SELECT g.{quote(granted.m2m_reverse_name())} FROM {quote(granted.m2m_db_table())} g"  # noqa: S608
        f" INNER JOIN {quote(member.m2m_db_table())} m ON m.{quote(member.m2m_reverse_name())}"
        f" = g.{quote(granted.m2m_column_name())} WHERE m.{quote(member.m2m_column_name())} = %s"
    )
    held = (
        f"SELECT 1 FROM {quote(permission.db_table)} p INNER JOIN {quote(content_type.db_table)} c"  # noqa: S608
        f" ON p.{p_ct} = c.{c_id} WHERE p.{p_codename} = %s AND c.{c_app} = %s"
        f" AND (p.{p_id} IN ({own_ids}) OR p.{p_id} IN ({group_ids}))"
    )
    return f"SELECT EXISTS({held})"


def _with_relations(qs: QuerySet[Post]) -> QuerySet[Post]:
    return qs.select_related("section", "section__parent", "author", "cover").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("slug"))
    )


def post_list_published(
    *,
    language: str | None = None,
    section: Section | None = None,
    include_subsections: bool = True,
    tag: Tag | None = None,
    featured: bool | None = None,
    year: int | None = None,
    month: int | None = None,
    light: bool = False,
) -> QuerySet[Post]:
    """Live posts, newest first, with section, author, cover and tags loaded.

    `language`: only posts written or translated in that language (a title in it); None keeps
    every post (pages fall back to the source language). `section` includes its child sections
    unless `include_subsections=False`. `light=True` defers the bodies (lists never show them).
    """
    qs = Post.objects.filter(live_q())
    if language:
        column = f"title_{lang_suffix(language)}"
        qs = qs.exclude(**{f"{column}__isnull": True}).exclude(**{column: ""})
    if section is not None:
        ids = section_descendant_ids(section=section) if include_subsections else [section.pk]
        qs = qs.filter(section_id__in=ids)
    if tag is not None:
        qs = qs.filter(tags=tag)
    if featured is not None:
        # `IN (…)`, not `=`: Django writes `is_featured=True` as the bare column, which SQLite cannot
        # match to the (is_featured, status, -published_at) index.
        qs = qs.filter(is_featured__in=[featured])
    if year is not None:
        qs = qs.filter(published_at__year=year)
        if month is not None:
            qs = qs.filter(published_at__month=month)
    if light:
        qs = qs.defer(*HEAVY_POST_FIELDS)
    return _with_relations(qs.order_by("-published_at", "-id"))


def post_get_published(*, slug: str) -> Post | None:
    """The live post with this slug, or None (drafts, scheduled-not-yet, archived: None)."""
    return _with_relations(Post.objects.filter(live_q(), slug=slug)).first()


def post_list_visible(*, user: Any) -> QuerySet[Post]:
    """Editors see every post in every status; everyone else sees live posts only."""
    if user_is_editor(user):
        return _with_relations(Post.objects.order_by("-updated_at", "-id"))
    return post_list_published()


def post_get_visible(*, slug: str, user: Any) -> Post | None:
    """A post `user` may see, with its relations, cover renditions and key points (the post page reads a
    narrower row: `post_get_visible_access`)."""
    qs = post_list_visible(user=user).filter(slug=slug).order_by()  # the slug is unique: no ORDER BY to compile
    return next(iter(qs.prefetch_related("cover__renditions", "key_points")[:1]), None)


# What the post page decides per request, whatever part of it is cached: access (status, publication time,
# premium), the buy box (price, currency) and the community block (slug). The rest of the post is read only
# when its article is not cached (`post_with_relations`).
POST_ACCESS_FIELDS = ("id", "slug", "status", "published_at", "is_premium", "price", "currency")


def post_get_visible_access(*, slug: str, user: Any) -> Post | None:
    """The post page's post as a narrow row (`POST_ACCESS_FIELDS`), when `user` may see it (editors: any
    status; everyone else: live posts only). No ORDER BY (the slug is unique) and no joins: compiling a
    wide modeltranslation row cost more than running it. A plain QuerySet: none of these fields is
    translated, and modeltranslation's own adds ~0.3 ms of lookup rewriting to every page."""
    qs = QuerySet(model=Post).filter(slug=slug)
    if not user_is_editor(user):
        qs = qs.filter(live_q())
    names = [f.attname for f in Post._meta.concrete_fields if f.attname in POST_ACCESS_FIELDS]
    row = next(iter(qs.order_by().values_list(*names)[:1]), None)
    # `Model.from_db` takes the values in the model's field order, as `names` has them.
    return None if row is None else Post.from_db(qs.db, names, row)


def post_page_relations_load(*, post: Post) -> Post:
    """What the post page's article reads besides the post's row: its tags, cover renditions and key
    points (those already loaded are not read again)."""
    prefetch_related_objects(
        [post], Prefetch("tags", queryset=Tag.objects.order_by("slug")), "cover__renditions", "key_points"
    )
    return post


def post_prev_next(*, post: Post) -> tuple[Post | None, Post | None]:
    """The live posts just before and just after `post` in its section (by publication time).

    One query: each neighbour is a scalar subquery (`pk = (SELECT … LIMIT 1)`, which every backend
    accepts, unlike LIMIT inside IN or a UNION of sliced queries on SQLite)."""
    if post.section_id is None or post.published_at is None:
        return None, None
    # The page links them by title: nothing else is loaded.
    qs = Post.objects.filter(live_q(), section_id=post.section_id).exclude(pk=post.pk)
    at = post.published_at
    before = qs.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=post.pk)).order_by("-published_at", "-pk")
    after = qs.filter(Q(published_at__gt=at) | Q(published_at=at, pk__gt=post.pk)).order_by("published_at", "pk")
    neighbours = Post.objects.filter(
        Q(pk=Subquery(before.values("pk")[:1])) | Q(pk=Subquery(after.values("pk")[:1]))
    ).only(*LINK_POST_FIELDS)
    previous = following = None
    for neighbour in neighbours:
        if (neighbour.published_at, neighbour.pk) < (at, post.pk):
            previous = neighbour
        else:
            following = neighbour
    return previous, following


def post_list_related(*, post: Post, limit: int = 4, links_only: bool = False) -> list[Post]:
    """Live posts sharing the most tags with `post`, then the newest.

    `links_only=True` loads only what a link shows (slug and titles), without relations, in the
    ranking query itself.
    """
    tag_ids = [t.pk for t in post.tags.all()]  # uses the prefetch when there is one
    if not tag_ids:
        return []
    # Rank on the narrow tag-link table first (grouping whole post rows is slow), then load the winners.
    links = Post.tags.through.objects.filter(live_q(prefix="post__"), tag_id__in=tag_ids).exclude(post_id=post.pk)
    order = ("-shared_tags", "-post__published_at", "-post_id")
    if links_only:
        # `Model.from_db` takes the values in the model's field order (not in the order of `names`).
        names = [f.attname for f in Post._meta.concrete_fields if f.attname in {"id", *LINK_POST_FIELDS}]
        columns = [f"post__{name}" for name in names if name != "id"]
        rows = links.values("post_id", *columns).annotate(shared_tags=Count("tag_id")).order_by(*order)[:limit]
        related = []
        for row in rows:
            link = Post.from_db(links.db, names, [row["post_id"], *(row[column] for column in columns)])
            link.shared_tags = row["shared_tags"]
            related.append(link)
        return related
    ranked = list(
        links.values("post_id")
        .annotate(shared_tags=Count("tag_id"))
        .order_by(*order)
        .values_list("post_id", "shared_tags")[:limit]
    )
    shared = dict(ranked)
    winners = _with_relations(Post.objects.filter(pk__in=shared).defer(*HEAVY_POST_FIELDS))
    posts = {p.pk: p for p in winners}
    for pk, count in shared.items():
        posts[pk].shared_tags = count
    return [posts[pk] for pk, _count in ranked]


def user_can_read_post(*, user: Any, post: Post) -> bool:
    """May `user` read the full body? Live free posts: anyone. Premium: editors and grant holders.

    Not-live posts: editors only (preview links are resolved separately).
    """
    if user_is_editor(user):
        return True
    if not post.is_live:
        return False
    if not post.is_premium:
        return True
    if user is None or not user.is_authenticated:
        return False
    return AccessGrant.objects.filter(user=user, post=post, revoked_at__isnull=True).exists()


def user_can_download_project(*, user: Any, project: Project) -> bool:
    """May `user` download the project's private attachment? Editors, and holders of an active grant."""
    if user_is_editor(user):
        return True
    if user is None or not user.is_authenticated or not project.is_published:
        return False
    return AccessGrant.objects.filter(user=user, project=project, revoked_at__isnull=True).exists()


def access_grant_list_for_user(*, user: Any) -> QuerySet[AccessGrant]:
    return AccessGrant.objects.filter(user=user, revoked_at__isnull=True).select_related("post", "project")


@dataclass(frozen=True)
class TranslationStatus:
    """`status`: "complete" (everything in `language`), "fallback" (some fields shown in
    `shown_language`), or "missing" (nothing in any language). `missing_fields` are the
    fields absent in `language`."""

    status: str
    language: str
    shown_language: str
    missing_fields: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_fallback(self) -> bool:
        return self.status == "fallback"


TRANSLATED_CHECK_FIELDS = ("title", "summary", "body")


def translation_status(*, post: Post, language: str) -> TranslationStatus:
    """Which language a reader of `language` actually sees for this post, and what is missing."""
    suffix = lang_suffix(language)
    others = [post.source_language] + [c for c in LANGUAGE_CODES if c not in (language, post.source_language)]
    missing = []
    for name in TRANSLATED_CHECK_FIELDS:
        if getattr(post, f"{name}_{suffix}", None):
            continue
        # A field empty in every language (e.g. no summary) is not "missing" a translation.
        if any(getattr(post, f"{name}_{lang_suffix(o)}", None) for o in others if o != language):
            missing.append(name)
    if not missing:
        if not getattr(post, f"title_{suffix}", None):
            return TranslationStatus("missing", language, language)
        return TranslationStatus("complete", language, language)
    shown = next((o for o in others if o != language and getattr(post, f"title_{lang_suffix(o)}", None)), language)
    return TranslationStatus("fallback", language, shown, tuple(missing))


def section_list_active(*, type: str | None = None) -> QuerySet[Section]:
    qs = Section.objects.filter(is_active=True).select_related("parent")
    return qs.filter(type=type) if type else qs


def section_get_active(*, slug: str) -> Section | None:
    return Section.objects.filter(is_active=True, slug=slug).select_related("parent").first()


def section_descendants(*, section: Section) -> list[Section]:
    """`section` and all its active descendants, by ("order", id) within each parent. One query (the
    tree is small), kept on `section` so the page's other reads of the tree cost nothing."""
    cached = getattr(section, "_active_descendants", None)
    if cached is not None:
        return cached
    children: dict[int | None, list[Section]] = {}
    for row in Section.objects.filter(is_active=True).order_by("order", "id"):
        children.setdefault(row.parent_id, []).append(row)
    found, seen, stack = [section], {section.pk}, list(reversed(children.get(section.pk, [])))
    while stack:
        row = stack.pop()
        if row.pk in seen:
            continue
        seen.add(row.pk)
        found.append(row)
        stack.extend(reversed(children.get(row.pk, [])))
    section._active_descendants = found
    return found


def section_descendant_ids(*, section: Section) -> list[int]:
    """`section` and all its active descendants' ids."""
    return [row.pk for row in section_descendants(section=section)]


def tag_get(*, slug: str) -> Tag | None:
    """The tag of a tag page or feed: only one with a live post (a tag made for a draft is not public)."""
    live_links = Post.tags.through.objects.filter(live_q(prefix="post__"), tag_id=OuterRef("pk"))
    return Tag.objects.filter(Exists(live_links), slug=slug).first()


def tag_list_used() -> QuerySet[Tag]:
    """Tags with at least one live post, with `post_count`."""
    return (
        Tag.objects.annotate(post_count=Count("posts", filter=live_q(prefix="posts__"), distinct=True))
        .filter(post_count__gt=0)
        .order_by("slug")
    )


def project_list_published() -> QuerySet[Project]:
    return Project.objects.filter(is_published=True).select_related("cover", "section").order_by("order", "-id")


def project_get_published(*, slug: str) -> Project | None:
    return project_list_published().filter(slug=slug).first()


def project_list_visible(*, user: Any) -> QuerySet[Project]:
    if user_is_editor(user):
        return Project.objects.select_related("cover", "section", "attachment").order_by("order", "-id")
    return project_list_published()


# --- The editor's dashboard (admin index) ------------------------------------------------------


@dataclass
class EditorLists:
    drafts: list[Post]
    scheduled: list[Post]
    recent: list[Post]
    missing_translation: list[tuple[Post, list[str]]]
    counts: dict[str, int]


def _missing_q(code: str) -> Q:
    suffix = lang_suffix(code)
    return Q(**{f"title_{suffix}": ""}) | Q(**{f"body_{suffix}": ""})


def post_editor_lists(*, limit: int = 8, now: datetime | None = None) -> EditorLists:
    """What the admin's dashboard lists: drafts (latest edits first), scheduled posts (soonest first),
    recently published, and posts lacking a language (title or body empty). A fixed number of queries."""
    now = now or timezone.now()
    base = Post.objects.select_related("author", "section").defer(*HEAVY_POST_FIELDS)
    drafts = base.filter(status=Post.Status.DRAFT).order_by("-updated_at", "-id")
    scheduled = base.filter(status=Post.Status.SCHEDULED, published_at__gt=now).order_by("published_at", "id")
    recent = base.filter(live_q(now=now)).order_by("-published_at", "-id")
    missing = Q()
    for code in LANGUAGE_CODES:
        missing |= _missing_q(code)
    # Which languages are missing is judged from the titles and bodies' emptiness, not their text.
    flags = {
        f"has_{lang_suffix(code)}": Case(
            When(_missing_q(code), then=Value(False)), default=Value(True), output_field=BooleanField()
        )
        for code in LANGUAGE_CODES
    }
    lacking_qs = (
        base.exclude(status=Post.Status.ARCHIVED).filter(missing).annotate(**flags).order_by("-updated_at", "-id")
    )
    lacking = [
        (post, [code for code in LANGUAGE_CODES if not getattr(post, f"has_{lang_suffix(code)}")])
        for post in lacking_qs[:limit]
    ]
    return EditorLists(
        drafts=list(drafts[:limit]),
        scheduled=list(scheduled[:limit]),
        recent=list(recent[:limit]),
        missing_translation=lacking,
        counts={
            "drafts": drafts.count(),
            "scheduled": scheduled.count(),
            "missing_translation": lacking_qs.count(),
        },
    )


# --- Revisions (the admin's history and diff) ---------------------------------------------------


@dataclass(frozen=True)
class FieldDiff:
    """One field that differs between two revisions. `label` is the field's name for people (in the
    active language); `parts` are (op, text): "=" kept, "-" removed, "+" added, "…" unchanged lines left out."""

    name: str
    label: str
    parts: tuple[tuple[str, str], ...]


# Words, runs of spaces, single punctuation marks; Chinese, Japanese and Korean one character each.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u3000-\u303f\uff00-\uffef"
_TOKEN = re.compile(f"[{_CJK}]|[^\\s{_CJK}\\W]+|\\s+|[^\\s{_CJK}]")
DIFF_CONTEXT_LINES = 2


def diff_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _diff_words(a: str, b: str) -> list[tuple[str, str]]:
    import difflib

    ta, tb = diff_tokens(a), diff_tokens(b)
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("=", "".join(ta[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("-", "".join(ta[i1:i2])))
        if j2 > j1:
            parts.append(("+", "".join(tb[j1:j2])))
    return parts


def text_diff(a: str, b: str, *, context: int = DIFF_CONTEXT_LINES) -> tuple[tuple[str, str], ...]:
    """Word-level differences (Chinese: character-level), found line by line first so a long body
    stays fast; long unchanged stretches are shortened to `context` lines around each change."""
    import difflib

    la, lb = a.splitlines(keepends=True), b.splitlines(keepends=True)
    parts: list[tuple[str, str]] = []
    opcodes = difflib.SequenceMatcher(None, la, lb, autojunk=False).get_opcodes()
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            lines = la[i1:i2]
            head = lines[:context] if index > 0 else []
            tail = lines[-context:] if index < len(opcodes) - 1 else []
            if len(lines) > len(head) + len(tail):
                if head:
                    parts.append(("=", "".join(head)))
                parts.append(("…", ""))
                if tail:
                    parts.append(("=", "".join(tail)))
            else:
                parts.append(("=", "".join(lines)))
        elif op == "replace":
            parts.extend(_diff_words("".join(la[i1:i2]), "".join(lb[j1:j2])))
        elif op == "delete":
            parts.append(("-", "".join(la[i1:i2])))
        else:
            parts.append(("+", "".join(lb[j1:j2])))
    merged: list[tuple[str, str]] = []
    for op, text in parts:
        if merged and merged[-1][0] == op and op != "…":
            merged[-1] = (op, merged[-1][1] + text)
        elif text or op == "…":
            merged.append((op, text))
    return tuple(merged)


def revision_field_label(name: str) -> str:
    """`title_zh_hans` → "title (Simplified Chinese)", `section_id` → "section", in the active language."""
    languages = dict(settings.LANGUAGES)
    for base in TRANSLATED_POST_FIELDS:
        for code in LANGUAGE_CODES:
            if name == f"{base}_{lang_suffix(code)}":
                label = Post._meta.get_field(base).verbose_name
                return _("%(field)s (%(language)s)") % {"field": label, "language": languages[code]}
    if name == "tag_ids":
        return str(Post._meta.get_field("tags").verbose_name)
    try:
        return str(Post._meta.get_field(name.removesuffix("_id")).verbose_name)
    except Exception:  # noqa: BLE001 - a key of an older snapshot: show it as it is
        return name


def _revision_value(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name == "status":
        return str(Post.Status(value).label) if value in Post.Status.values else str(value)
    if name == "source_language":
        return str(dict(settings.LANGUAGES).get(value, value))
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def post_revision_diff(*, older: Any, newer: Any) -> list[FieldDiff]:
    """The differences of every field whose value differs between two revisions of a post, in the
    order of the editor's form (texts per language first)."""
    order = [*(f"{b}_{lang_suffix(c)}" for b in TRANSLATED_POST_FIELDS for c in LANGUAGE_CODES)]
    names = sorted(set(older.data) | set(newer.data), key=lambda n: (order.index(n) if n in order else len(order), n))
    diffs = []
    for name in names:
        before, after = older.data.get(name), newer.data.get(name)
        if before == after:
            continue
        parts = text_diff(_revision_value(name, before), _revision_value(name, after))
        diffs.append(FieldDiff(name=name, label=revision_field_label(name), parts=parts))
    return diffs


# --- Reader pages, feeds and the page cache ----------------------------------------------------


def post_next_due_at() -> datetime | None:
    """When the next waiting scheduled post goes live (the page cache expires then)."""
    return (
        Post.objects.filter(status__in=(Post.Status.PUBLISHED, Post.Status.SCHEDULED), published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


SEARCH_MAX_WORDS = search.MAX_TERMS
# Relevance points: a term in the title outweighs one in the summary, a tag name, then the body; the
# whole phrase counts more than its words apart. Recency only breaks ties.
SEARCH_WEIGHTS = {"title": 10, "summary": 4, "tag": 3, "body": 1}
SEARCH_PHRASE_WEIGHTS = {"title": 30, "summary": 12, "body": 3}


def search_words(query: str) -> list[str]:
    """The words of a search (page and API): split on whitespace, at most `SEARCH_MAX_WORDS`.

    NUL characters are dropped: PostgreSQL refuses them in a query (a 500 otherwise).
    """
    return query.replace("\x00", "").split()[:SEARCH_MAX_WORDS]


def post_body_readable_q(*, user: Any) -> Q:
    """The posts whose body `user` may read, as a condition on Post (the rule of `user_can_read_post`
    for many posts at once; whether a post is live is checked separately): editors every post,
    everyone else free posts, plus the premium posts they hold an active grant for."""
    if user_is_editor(user):
        return Q(pk__isnull=False)
    free = Q(is_premium=False)
    if user is None or not user.is_authenticated:
        return free
    granted = AccessGrant.objects.filter(user=user, post__isnull=False, revoked_at__isnull=True).values("post_id")
    return free | Q(pk__in=granted)


def _tsquery(*tokens: str, phrase: bool = False) -> str:
    """A PostgreSQL tsquery of normal-form tokens: each a prefix (`'cach':*`), joined by AND or, for
    a phrase, by FOLLOWED BY. Tokens are letters, digits or CJK only; quotes are escaped anyway."""
    quoted = ["'{}'".format(t.replace("'", "''").replace("\\", "")) for t in tokens if t]
    if phrase:
        return " <-> ".join(quoted)
    return " & ".join(f"{q}:*" for q in quoted)


class _StoredSearchVector(Func):
    """PostgreSQL only: `search_vector_<lang>`, the tsvector the database keeps of `search_text_<lang>`
    (a generated column of migration 0007, unknown to the model), under the query's table alias."""

    def __init__(self, column: str) -> None:
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(F(column), output_field=SearchVectorField())

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        sql, params = compiler.compile(self.source_expressions[0])
        return sql.replace('"search_text_', '"search_vector_'), params


def _body_match(column: str, norm: str, *, phrase: bool = False) -> Q:
    """The body holds `norm` (a normal-form token, or tokens for a phrase), as `pk IN (subquery)`, so
    the database answers it once rather than once per row and condition: full-text search on
    PostgreSQL (served by the GIN index of migration 0007), a LIKE on the normalised column elsewhere."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVectorExact

        match = SearchVectorExact(
            _StoredSearchVector(column),
            SearchQuery(_tsquery(*norm.split(), phrase=phrase), search_type="raw", config="simple"),
        )
        return Q(pk__in=Subquery(Post.objects.filter(match).order_by().values("pk")))
    return Q(**{f"{column}__contains": norm})


def post_search_filter(queryset: QuerySet[Post], *, query: str, language: str, user: Any) -> QuerySet[Post]:
    """The one search rule, for the search page and the API's `?search=`, ordered by relevance.

    Every term of the query (`search.parse_query`: words; Chinese typed without spaces is cut into
    two-character words) must appear in the title, the summary or a tag name in `language`, or in the
    body in `language` — bodies only of posts `user` may read, so a locked premium post is never found
    (nor counted, nor ranked) by its body. Each post gets `relevance` (SEARCH_WEIGHTS, plus
    SEARCH_PHRASE_WEIGHTS when the words appear together) and `body_readable`: whether its body may be
    quoted to `user`. Ordered by relevance, then newest first. A query of punctuation only finds
    nothing; an empty one filters nothing.
    """
    suffix = lang_suffix(language)
    parsed = search.parse_query(query)
    readable = post_body_readable_q(user=user)
    body_readable = Case(When(readable, then=Value(True)), default=Value(False), output_field=BooleanField())
    if not search_words(query):  # nothing but spaces (or NUL characters): no filter, as DRF does
        return queryset.annotate(relevance=Value(0), body_readable=body_readable)
    if not parsed.terms:  # punctuation only: nothing matches
        return queryset.none().annotate(relevance=Value(0), body_readable=body_readable)
    column = f"search_text_{suffix}"
    scores = []
    for term in parsed.terms:
        # Tags first, then their links (a join would test the name once per link: 7 ms more on 2,000 posts).
        tags = Tag.objects.filter(**{f"name_{suffix}__icontains": term.raw}).values("pk")
        tagged = Q(pk__in=Post.tags.through.objects.filter(tag_id__in=tags).values("post_id"))
        in_title = Q(**{f"title_{suffix}__icontains": term.raw})
        in_summary = Q(**{f"summary_{suffix}__icontains": term.raw})
        in_body = _body_match(column, term.norm) & readable
        queryset = queryset.filter(in_title | in_summary | tagged | in_body)
        weights = SEARCH_WEIGHTS
        scores += [
            Case(When(in_title, then=Value(weights["title"])), default=Value(0)),
            Case(When(in_summary, then=Value(weights["summary"])), default=Value(0)),
            Case(When(tagged, then=Value(weights["tag"])), default=Value(0)),
            Case(When(in_body, then=Value(weights["body"])), default=Value(0)),
        ]
    if parsed.phrase is not None:
        weights = SEARCH_PHRASE_WEIGHTS
        phrase = parsed.phrase
        scores += [
            Case(When(Q(**{f"title_{suffix}__icontains": phrase.raw}), then=Value(weights["title"])), default=Value(0)),
            Case(
                When(Q(**{f"summary_{suffix}__icontains": phrase.raw}), then=Value(weights["summary"])),
                default=Value(0),
            ),
            Case(
                When(_body_match(column, phrase.norm, phrase=True) & readable, then=Value(weights["body"])),
                default=Value(0),
            ),
        ]
    relevance = scores[0]
    for score in scores[1:]:
        relevance = relevance + score
    queryset = queryset.annotate(relevance=ExpressionWrapper(relevance, output_field=IntegerField()))
    return queryset.annotate(body_readable=body_readable).order_by("-relevance", "-published_at", "-id")


def post_search_access(*, user: Any) -> str:
    """Which bodies `user` may search, as a key: "all" (editors), "free" (anonymous readers, and signed-in
    readers without a grant: they search the same bodies), or "grants-<hash of the granted posts>". Two
    readers with the same key get the same results (`post_search_filter`), so the search page keeps
    ranked results per key; a new or revoked grant changes the reader's key."""
    if user_is_editor(user):
        return "all"
    if user is None or not user.is_authenticated:
        return "free"
    granted = sorted(
        AccessGrant.objects.filter(user=user, post__isnull=False, revoked_at__isnull=True).values_list(
            "post_id", flat=True
        )
    )
    if not granted:
        return "free"
    return "grants-" + hashlib.md5(",".join(map(str, granted)).encode(), usedforsecurity=False).hexdigest()


def post_search_ranked_ids(*, query: str, language: str, user: Any) -> list[int]:
    """The ids of the live posts matching `query` by `post_search_filter`, best first: one query (its
    length is the count)."""
    ranked = post_search_filter(Post.objects.filter(live_q()), query=query, language=language, user=user)
    return list(ranked.values_list("pk", flat=True))


def post_search_results_load(*, ids: list[int], language: str, user: Any) -> list[Post]:
    """The posts of `ids` (in that order) with what a search result shows: slug, date, title and summary
    (every language, for the fallback), the stored prose in `language`, and `body_readable` (whether the
    prose may be quoted to `user`). Nothing else of the row."""
    if not ids:
        return []
    suffix = lang_suffix(language)
    readable = post_body_readable_q(user=user)
    fields = [*LINK_POST_FIELDS, *(f"summary_{lang_suffix(code)}" for code in LANGUAGE_CODES), f"prose_{suffix}"]
    qs = (
        Post.objects.filter(pk__in=ids)
        .only("is_premium", *fields)
        .annotate(
            body_readable=Case(When(readable, then=Value(True)), default=Value(False), output_field=BooleanField())
        )
    )
    posts = {post.pk: post for post in qs}
    return [posts[pk] for pk in ids if pk in posts]


class PostSearchResults:
    """Ranked search results for a Paginator: the ranked ids (one query), and slices that load just
    those posts (`post_search_results_load`)."""

    def __init__(self, ids: list[int], load: Callable[[list[int]], list[Post]]) -> None:
        self.ids = ids
        self.load = load

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: slice) -> list[Post]:
        return self.load(self.ids[index])

    def __iter__(self) -> Any:
        return iter(self[:])


def post_search(*, query: str, language: str, user: Any) -> PostSearchResults:
    """Live posts matching `query` by `post_search_filter`, best first, each with `body_readable` and
    what a result shows (`post_search_results_load`)."""
    ids = post_search_ranked_ids(query=query, language=language, user=user)
    return PostSearchResults(ids, lambda page: post_search_results_load(ids=page, language=language, user=user))


def post_archive_months() -> list[datetime]:
    """The months that have live posts, newest first."""
    return list(Post.objects.filter(live_q()).dates("published_at", "month", order="DESC"))


@dataclass
class ArchiveMonth:
    """One month of the archive page: its first day, and its live posts, newest first."""

    month: date
    posts: list[Post]

    @property
    def count(self) -> int:
        return len(self.posts)


@dataclass
class ArchiveYear:
    year: int
    months: list[ArchiveMonth]

    @property
    def count(self) -> int:
        return sum(m.count for m in self.months)


def post_archive_tree() -> list[ArchiveYear]:
    """Every live post's title, link and date, grouped by year and month (newest first): one query."""
    posts = Post.objects.filter(live_q()).only(*LINK_POST_FIELDS).order_by("-published_at", "-id")
    years: list[ArchiveYear] = []
    for post in posts:
        published = timezone.localtime(post.published_at)
        if not years or years[-1].year != published.year:
            years.append(ArchiveYear(year=published.year, months=[]))
        months = years[-1].months
        if not months or months[-1].month.month != published.month:
            months.append(ArchiveMonth(month=published.date().replace(day=1), posts=[]))
        months[-1].posts.append(post)
    return years


def section_get_about() -> Section | None:
    return Section.objects.filter(is_active=True, type=Section.Type.ABOUT).order_by("order", "id").first()


def section_list_children(*, section: Section) -> list[Section]:
    """Its active children, by ("order", id): from `section_descendants` (no query of its own)."""
    return [row for row in section_descendants(section=section) if row.parent_id == section.pk]


def post_list_for_sitemap() -> QuerySet[Post]:
    return Post.objects.filter(live_q()).only("slug", "updated_at", "published_at").order_by("-published_at", "-id")


def post_with_relations(*, pk: int) -> Post:
    """Any post (whatever its status) with what its page shows: for preview links, and the post page's
    article when it is not cached."""
    return _with_relations(Post.objects.filter(pk=pk)).prefetch_related("cover__renditions", "key_points").get()


def post_list_card_ids(**filters: Any) -> QuerySet[Any]:
    """The ids of `post_list_published(**filters)`, in its order (newest first): what a list page reads
    first. Its cards usually come from the fragment cache (`views._cards`), so most pages never load a
    post; `.count()` on it is the list's length."""
    return post_list_published(**filters).select_related(None).prefetch_related(None).values_list("pk", flat=True)


def post_cards_get(*, ids: list[int], with_cover: bool = True) -> list[Post]:
    """The posts of `ids` (in that order) for the cards not cached: bodies deferred, the cover with its
    renditions (`{% picture %}`: one query for the page) when `with_cover`; pass them through
    `post_cards_load` for their tags and sections. The ids come from a list of live posts read in this
    cache generation; one gone since is skipped."""
    if not ids:
        return []
    qs = Post.objects.filter(pk__in=ids).defer(*HEAVY_POST_FIELDS)
    if with_cover:
        qs = qs.prefetch_related("cover", "cover__renditions")
    posts = {post.pk: post for post in qs}
    return [posts[pk] for pk in ids if pk in posts]


# Higher apps add what their part of a card shows (community: `comment_count`). Each loader is called
# once per page with the page's posts and sets attributes on them; registered in AppConfig.ready().
CARD_LOADERS: list[Callable[[list[Post]], None]] = []


def post_cards_load(*, posts: Iterable[Post], sections: Iterable[Section] = ()) -> list[Post]:
    """The posts of a list page with what their cards show: `card_tags` (by slug), `section`, and the
    `CARD_LOADERS`' part (the views skip the posts whose card is cached, see `views._cards`).

    Two plain queries instead of Django's generic prefetch, which builds a related manager per post
    and took a third of a list page's time; one when the page already holds the cards' `sections`.
    """
    posts = list(posts)
    if not posts:
        return posts
    tags_by_post: dict[int, list[Tag]] = {post.pk: [] for post in posts}
    tags = Tag.objects.filter(posts__in=list(tags_by_post)).annotate(card_post_id=F("posts__id"))
    for tag in tags.order_by("slug", "pk"):
        tags_by_post[tag.card_post_id].append(tag)
    known = {section.pk: section for section in sections}
    missing = {post.section_id for post in posts if post.section_id and post.section_id not in known}
    sections = {**known, **(Section.objects.in_bulk(missing) if missing else {})}
    for post in posts:
        post.card_tags = tags_by_post[post.pk]
        if post.section_id:
            post.section = sections[post.section_id]
    for load in CARD_LOADERS:
        load(posts)
    return posts


# --- Narration (issue 13) ----------------------------------------------------------------------


@dataclass(frozen=True)
class NarrationPlayer:
    """What the post page's player (and the API) gets: a URL this reader may play, and its facts."""

    language: str
    url: str
    mime_type: str
    size: int
    duration: float
    provider: str
    voice: str

    @property
    def duration_label(self) -> str:
        """ "4:05", or "1:02:09" past the hour."""
        seconds = round(self.duration)
        hours, rest = divmod(seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"

    @property
    def duration_iso(self) -> str:
        """ISO 8601 ("PT4M5S"), for `<time datetime>`."""
        seconds = round(self.duration)
        hours, rest = divmod(seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{seconds}S"

    @property
    def extension(self) -> str:
        return {"audio/mpeg": "MP3", "audio/ogg": "Opus", "audio/x-wav": "WAV"}.get(self.mime_type, "")


# Lifetime of the signed link to a premium post's narration, seconds (the link is the reader's own).
NARRATION_URL_EXPIRE = 4 * 3600


def narration_unavailable_reason() -> str:
    """Why nothing can narrate on this site ("" when the configured engine can)."""
    return speech.speech_provider().unavailable_reason()


@dataclass(frozen=True)
class NarrationSource:
    """A post's narration in one language as the post page keeps it with its article (per cache generation;
    a new or moved narration starts a new one): everything but a reader's own link. `public_url` is the
    public audio's URL, the same for everyone; private audio gets a signed URL per reader and request."""

    language: str
    asset_id: int
    file_name: str
    is_public: bool
    public_url: str
    mime_type: str
    size: int
    duration: float
    provider: str
    voice: str


def post_narration_source(*, post: Post | int, language: str) -> NarrationSource | None:
    """The narration of `post` in `language` with a file, or None. One query."""
    narration = PostNarration.objects.select_related("asset").filter(post=post, language=language).first()
    if narration is None or not narration.asset.file:
        return None
    asset = narration.asset
    is_public = asset.visibility == Asset.Visibility.PUBLIC
    return NarrationSource(
        language=narration.language,
        asset_id=asset.pk,
        file_name=asset.file.name,
        is_public=is_public,
        public_url=asset.storage.url(asset.file.name) if is_public else "",
        mime_type=asset.mime_type,
        size=asset.size,
        duration=narration.duration,
        provider=narration.provider,
        voice=narration.voice,
    )


def narration_player_for_reader(
    *, source: NarrationSource | None, post: Post, user: Any, can_read: bool
) -> NarrationPlayer | None:
    """What `user` may play of `source` (see `post_narration_for_reader`). No query."""
    if source is None or not can_read:
        return None
    if source.is_public:
        if post.is_premium:
            return None
        url = source.public_url
    elif user is not None and user.is_authenticated:
        # A player is pressed long after the page loaded (preload="none"): the link outlives the usual minutes.
        asset = Asset(pk=source.asset_id, file=source.file_name, visibility=Asset.Visibility.PRIVATE)
        url = asset_private_url(asset=asset, for_user=user, expires=NARRATION_URL_EXPIRE)
    else:
        return None
    return NarrationPlayer(
        language=source.language,
        url=url,
        mime_type=source.mime_type,
        size=source.size,
        duration=source.duration,
        provider=source.provider,
        voice=source.voice,
    )


def post_narration_for_reader(*, post: Post, language: str, user: Any, can_read: bool | None = None) -> Any:
    """The narration of `post` in `language` that `user` may play, or None.

    Only readers who may read the body hear it (`user_can_read_post`; pass `can_read` when already
    known). A premium post's audio is private: a signed URL made now, for `user` only. Audio whose
    access does not match the post's yet (it is being moved after the post turned premium or free) is
    never handed out as a public link.
    """
    source = post_narration_source(post=post, language=language)
    if source is None:
        return None
    if can_read is None:
        can_read = user_can_read_post(user=user, post=post)
    return narration_player_for_reader(source=source, post=post, user=user, can_read=can_read)


def post_narration_list_for_podcast(*, language: str, limit: int = 100) -> QuerySet[PostNarration]:
    """The podcast's episodes: narrations in `language` of live, free posts, newest post first."""
    return (
        PostNarration.objects.filter(
            live_q(prefix="post__"),
            language=language,
            post__is_premium=False,
            asset__visibility=Asset.Visibility.PUBLIC,
        )
        .select_related("post", "post__author", "asset")
        .order_by("-post__published_at", "-post_id")[:limit]
    )


def post_narration_list_for_editor(*, post: Post) -> list[dict[str, Any]]:
    """Per language: the narration (or None) and the latest narration job (or None), for the admin."""
    narrations = {n.language: n for n in PostNarration.objects.filter(post=post).select_related("asset")}
    jobs: dict[str, AIJob] = {}
    for job in AIJob.objects.filter(post=post, kind=AIJob.Kind.NARRATE).order_by("-created_at", "-pk"):
        jobs.setdefault(job.language, job)
    return [{"language": code, "narration": narrations.get(code), "job": jobs.get(code)} for code in LANGUAGE_CODES]


# --- AI assistance: translation states, key points, summaries, jobs --------------------------------

TRANSLATION_FIELD_STATES = ("missing", "machine_draft", "reviewed", "stale")


def text_hash(text: str | None) -> str:
    """The hash a draft keeps of the source it translates ("" for no text)."""
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest() if text else ""


@dataclass(frozen=True)
class FieldState:
    """One field's translation into one language, as an editor sees it.

    `state`: "missing" (nothing yet), "machine_draft" (a draft awaits review), "reviewed" (readers
    see an accepted or hand-written translation), "stale" (the source changed since the pending draft,
    or the published translation, was made). `target` is "post", "tag" or "section".
    """

    target: str
    target_id: int
    label: str
    field: str
    language: str
    state: str
    source_text: str
    published_text: str
    draft: Any = None

    @property
    def pending_draft(self) -> Any:
        return self.draft if self.draft is not None and self.draft.is_pending else None


def derive_translation_state(*, source_text: str, published_text: str, draft: Any) -> str:
    """The state rule of `FieldState` (hashes compared: the source's now against the draft's)."""
    now = text_hash(source_text)
    if draft is not None and draft.is_pending:
        return "stale" if draft.source_hash != now else "machine_draft"
    if published_text and published_text.strip():
        if draft is not None and draft.published_hash and draft.published_hash != now:
            return "stale"
        return "reviewed"
    return "missing"


def _target_languages(post: Post, language: str | None) -> list[str]:
    if language:
        return [language] if language != post.source_language else []
    return [code for code in LANGUAGE_CODES if code != post.source_language]


def translation_states(
    *, post: Post, language: str | None = None, fields: Iterable[str] | None = None
) -> list[FieldState]:
    """The state of every translatable post field with source text, per target language (every
    language but the post's source, or only `language`). One query for the drafts."""
    languages = _target_languages(post, language)
    names = [f for f in TRANSLATED_POST_FIELDS if fields is None or f in fields]
    drafts = {(d.field, d.language): d for d in TranslationDraft.objects.filter(post=post, language__in=languages)}
    source = lang_suffix(post.source_language)
    states = []
    for code in languages:
        for name in names:
            source_text = getattr(post, f"{name}_{source}") or ""
            if not source_text.strip():
                continue
            published = getattr(post, f"{name}_{lang_suffix(code)}") or ""
            draft = drafts.get((name, code))
            states.append(
                FieldState(
                    target="post",
                    target_id=post.pk,
                    label=name,
                    field=name,
                    language=code,
                    state=derive_translation_state(source_text=source_text, published_text=published, draft=draft),
                    source_text=source_text,
                    published_text=published,
                    draft=draft,
                )
            )
    return states


# The names a post's translation overview lists besides its own fields, in the admin's language.
TARGET_KIND_LABELS = {"tag": Tag._meta.verbose_name, "section": Section._meta.verbose_name}


def translation_name_states(*, post: Post, language: str | None = None) -> list[FieldState]:
    """The states of the names of the post's section and tags, read from the post's source language."""
    languages = _target_languages(post, language)
    source = lang_suffix(post.source_language)
    targets: list[tuple[str, Any]] = []
    if post.section_id:
        targets.append(("section", post.section))
    targets.extend(("tag", tag) for tag in post.tags.all())
    if not targets or not languages:
        return []
    tag_ids = [obj.pk for kind, obj in targets if kind == "tag"]
    drafts = {
        ("tag" if d.tag_id else "section", d.tag_id or d.section_id, d.language): d
        for d in TranslationDraft.objects.filter(
            Q(tag_id__in=tag_ids) | Q(section_id=post.section_id or 0), field="name", language__in=languages
        )
    }
    states = []
    for code in languages:
        for kind, obj in targets:
            source_text = getattr(obj, f"name_{source}") or ""
            if not source_text.strip():
                continue
            published = getattr(obj, f"name_{lang_suffix(code)}") or ""
            draft = drafts.get((kind, obj.pk, code))
            states.append(
                FieldState(
                    target=kind,
                    target_id=obj.pk,
                    label=_("%(kind)s: %(name)s") % {"kind": TARGET_KIND_LABELS[kind], "name": source_text},
                    field="name",
                    language=code,
                    state=derive_translation_state(source_text=source_text, published_text=published, draft=draft),
                    source_text=source_text,
                    published_text=published,
                    draft=draft,
                )
            )
    return states


def translation_summary(*, post: Post) -> dict[str, dict[str, int]]:
    """{language: {state: count}} over the post's fields and names (the admin's state column)."""
    counts: dict[str, dict[str, int]] = {}
    for state in [*translation_states(post=post), *translation_name_states(post=post)]:
        per_language = counts.setdefault(state.language, dict.fromkeys(TRANSLATION_FIELD_STATES, 0))
        per_language[state.state] += 1
    return counts


def translation_drafts_for_post(*, post: Post) -> QuerySet[Any]:
    """The drafts an editor reviews with the post: its own, its section's and its tags' names."""
    tag_ids = list(post.tags.values_list("pk", flat=True))
    return TranslationDraft.objects.filter(
        Q(post=post) | Q(tag_id__in=tag_ids) | Q(section_id=post.section_id or 0)
    ).select_related("reviewed_by")


def glossary_for(*, source: str, target: str) -> list[tuple[str, str]]:
    """(term, translation) pairs of one direction, as sent with every translation request."""
    return list(
        GlossaryTerm.objects.filter(source_language=source, target_language=target)
        .order_by("term")
        .values_list("term", "translation")
    )


def machine_draft_overlay(*, post: Post, language: str) -> dict[str, str]:
    """Pending machine drafts standing in for fields missing in `language` ({field: text}); for the
    reader page only, and only with `AI_SHOW_MACHINE_DRAFTS` (with an "automatically translated" notice)."""
    if language == post.source_language:
        return {}
    suffix = lang_suffix(language)
    overlay = {}
    drafts = TranslationDraft.objects.filter(post=post, language=language, state=ReviewState.MACHINE_DRAFT)
    for draft in drafts:
        if draft.text and not (getattr(post, f"{draft.field}_{suffix}", "") or "").strip():
            overlay[draft.field] = draft.text
    return overlay


def _key_points_of(post: Post, language: str) -> Any:
    # `post.key_points.all()` uses a prefetch when the list has one (feeds), else one query.
    return next((k for k in post.key_points.all() if k.language == language), None)


def post_key_points(*, post: Post, language: str, machine_drafts: bool = False) -> list[str]:
    """The key points readers see in `language`: the reviewed ones. With `machine_drafts` (the post
    page passes `AI_SHOW_MACHINE_DRAFTS`), a pending machine draft stands in for a free post without
    reviewed points (never for a premium one: it may quote the locked body)."""
    points = _key_points_of(post, language)
    if points is None:
        return []
    if points.published_points:
        return list(points.published_points)
    if machine_drafts and not post.is_premium and points.state == ReviewState.MACHINE_DRAFT:
        return list(points.points)
    return []


def post_key_points_are_machine_drafts(*, post: Post, language: str) -> bool:
    """Whether the points `post_key_points(machine_drafts=True)` shows are an unreviewed draft."""
    points = _key_points_of(post, language)
    return points is not None and not points.published_points and bool(points.points)


@dataclass(frozen=True)
class KeyPointsState:
    """A language's key points as an editor sees them; `state` as for fields (missing, machine_draft,
    reviewed, stale: the body changed since they were written)."""

    language: str
    state: str
    record: Any = None
    text_language: str = ""


def _summary_source_text(html: str) -> str:
    """The prose of a rendered body: code, tables and headings dropped, one block per line."""
    html = re.sub(r"<(pre|table|h[1-6]|figure)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"</(?:p|li|blockquote|div|dd|dt)>|<br\s*/?>", "\n", html, flags=re.I)
    return plain_text(html).strip()


def key_points_text(*, post: Post, language: str) -> tuple[str, str]:
    """(language of the text, the text) key points in `language` are read from: the post's body in
    that language when it has one, else in its source language."""
    for code in dict.fromkeys([language, post.source_language]):
        text = _summary_source_text(getattr(post, f"body_html_{lang_suffix(code)}") or "")
        if text:
            return code, text[: settings.AI_SUMMARY_MAX_CHARS]
    return language, ""


def key_points_states(*, post: Post) -> list[KeyPointsState]:
    """Every language's key points of `post` (one query, plus rendering nothing: bodies are stored rendered)."""
    records = {k.language: k for k in post.key_points.all()}
    states = []
    for code in LANGUAGE_CODES:
        text_language, text = key_points_text(post=post, language=code)
        now = text_hash(text)
        record = records.get(code)
        if record is None:
            state = "missing"
        elif record.state == ReviewState.MACHINE_DRAFT:
            state = "stale" if record.source_hash != now else "machine_draft"
        elif record.published_points:
            state = "stale" if record.published_hash != now else "reviewed"
        else:
            state = "missing"
        states.append(KeyPointsState(language=code, state=state, record=record, text_language=text_language))
    return states


_POINT_END = re.compile(r"[.!?。！？…]$")  # noqa: RUF001 - Chinese punctuation


def join_points(points: Iterable[str], language: str) -> str:
    """Key points as one paragraph (each a sentence), for a description or an e-mail."""
    cjk = language.startswith("zh")
    sentences = []
    for point in points:
        point = point.strip()
        if point:
            sentences.append(point if _POINT_END.search(point) else point + ("。" if cjk else "."))
    return ("" if cjk else " ").join(sentences)


def post_summary_text(*, post: Post, language: str) -> str:
    """The summary to show for `post` in `language` where a summary is wanted (meta and Open Graph
    descriptions, JSON-LD `abstract`, feeds, newsletter e-mails): the editor's summary in that
    language, else its reviewed key points; else the same from the post's source language, as pages
    fall back. "" when there is none: callers must not fall back to a premium body.

    Only public text: an unreviewed machine summary is never returned (whatever AI_SHOW_MACHINE_DRAFTS
    says), so a premium body never leaks through it.
    """
    for code in dict.fromkeys([language, post.source_language]):
        written = (getattr(post, f"summary_{lang_suffix(code)}", "") or "").strip()
        if written:
            return written
        points = _key_points_of(post, code)
        if points is not None and points.published_points:
            return join_points(points.published_points, code)
    return ""


def aijob_list(*, post: Post | None = None) -> QuerySet[Any]:
    """AI jobs, newest first, with their post and requester (the admin and the API)."""
    qs = AIJob.objects.select_related("post", "requested_by").order_by("-created_at", "-id")
    return qs.filter(post=post) if post is not None else qs
