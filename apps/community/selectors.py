"""Reads: comment threads, counts, likes and bookmarks, the moderation queue's comments.

A thread is loaded in a fixed number of queries whatever its size (one for a post's comments with
their authors; three for a page of the board), then built into a tree in Python.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.blog import selectors as blog_selectors
from apps.blog.models import Post, Section

from .models import (
    Ban,
    BlockedTerm,
    Bookmark,
    Comment,
    FriendLink,
    Like,
    ModerationLog,
    NewsletterIssue,
    NotificationPreference,
    Subscriber,
)

BOARD_PAGE_SIZE = 20

# What a thread shows of each comment (the author through a join); never the guest's e-mail.
_THREAD_FIELDS = (
    "id",
    "post_id",
    "board_id",
    "parent_id",
    "reply_to_id",
    "root_id",
    "depth",
    "user_id",
    "guest_name",
    "body_html",
    "status",
    "created_at",
    "edited_at",
    "deleted_at",
    "user__id",
    "user__display_name",
    "user__is_active",
)


def _signed_in(user: Any) -> bool:
    return user is not None and user.is_authenticated


def comment_author_label(comment: Comment) -> str:
    """The one label of a comment's author: the account's public name (never the e-mail address), the
    guest's name, or "Deleted account"."""
    if comment.user_id is not None:
        return str(comment.user.public_name)
    if comment.guest_name:
        return comment.guest_name
    return _("Deleted account")


def comment_visible_q(*, viewer: Any) -> Q:
    """Comments a reader sees: approved ones, plus the viewer's own that wait for moderation."""
    visible = Q(status=Comment.Status.APPROVED)
    if _signed_in(viewer):
        visible |= Q(status=Comment.Status.PENDING, user_id=viewer.pk, deleted_at__isnull=True)
    return visible


def comment_can_edit(*, comment: Comment, user: Any, now: datetime | None = None) -> bool:
    """The author, within COMMUNITY_EDIT_MINUTES of posting, while the comment is not deleted."""
    if not _signed_in(user) or comment.user_id != user.pk or comment.deleted_at is not None:
        return False
    if comment.status not in (Comment.Status.APPROVED, Comment.Status.PENDING):
        return False
    return (now or timezone.now()) < comment.editable_until()


# --- Targets ------------------------------------------------------------------------------------


def board_section() -> Section | None:
    """The message board: the first active section of type "board"."""
    return blog_selectors.section_list_active(type=Section.Type.BOARD).order_by("order", "id").first()


def board_get(*, slug: str | None = None) -> Section | None:
    if not slug:
        return board_section()
    return blog_selectors.section_list_active(type=Section.Type.BOARD).filter(slug=slug).first()


def post_for_comments(*, slug: str, user: Any) -> Post | None:
    """The post whose comments `user` may see and write: one `user` can see and read in full
    (a draft: editors only; a premium post: editors and grant holders). None otherwise."""
    post = (
        blog_selectors.post_list_visible(user=user)
        .filter(slug=slug)
        .defer(*blog_selectors.HEAVY_POST_FIELDS)
        .prefetch_related(None)
        .first()
    )
    if post is None or not blog_selectors.user_can_read_post(user=user, post=post):
        return None
    return post


def user_can_comment_on(*, user: Any, post: Post) -> bool:
    """The post's access rule: whoever may read the post may see and write its comments."""
    return blog_selectors.user_can_read_post(user=user, post=post)


# --- Threads ------------------------------------------------------------------------------------


@dataclass
class ThreadNode:
    """One place in a thread. `comment` is None for a comment the reader may not see (removed, spam,
    waiting) that has visible replies: it keeps its place, shown as removed."""

    pk: int
    depth: int
    comment: Comment | None
    children: list["ThreadNode"] = field(default_factory=list)

    @property
    def is_placeholder(self) -> bool:
        return self.comment is None


@dataclass
class Thread:
    nodes: list[ThreadNode]
    count: int  # visible, not deleted comments
    page: Page | None = None  # the board's page of threads


def _build(comments: Iterable[Comment], *, roots: list[ThreadNode] | None = None, newest_first: bool) -> Thread:
    """Tree from comments in (created_at, id) order; parents missing from the set become placeholders."""
    nodes: dict[int, ThreadNode] = {}
    top: list[ThreadNode] = list(roots or [])
    for node in top:
        nodes[node.pk] = node
    count = 0
    pending_children: list[tuple[Comment, ThreadNode]] = []
    for comment in comments:
        node = nodes.get(comment.pk)
        if node is None:
            node = nodes[comment.pk] = ThreadNode(pk=comment.pk, depth=comment.depth, comment=comment)
        else:
            node.comment = comment
        if comment.deleted_at is None and comment.status == Comment.Status.APPROVED:
            count += 1
        if comment.parent_id is None:
            if roots is None:
                top.append(node)
        else:
            pending_children.append((comment, node))
    for comment, node in pending_children:
        parent = nodes.get(comment.parent_id)
        if parent is None:
            # Not visible: a placeholder, itself placed under the thread's root (the only other level).
            depth = comment.depth - 1
            parent = nodes[comment.parent_id] = ThreadNode(pk=comment.parent_id, depth=depth, comment=None)
            if depth == 1:
                top.append(parent)
            else:
                grand = nodes.get(comment.root_id)
                if grand is None:
                    grand = nodes[comment.root_id] = ThreadNode(pk=comment.root_id, depth=1, comment=None)
                    top.append(grand)
                grand.children.append(parent)
        parent.children.append(node)
    # Ids grow with time, and a placeholder has no time of its own to show.
    if roots is None:
        top.sort(key=lambda n: n.pk, reverse=newest_first)
    for node in nodes.values():
        node.children.sort(key=lambda n: n.pk)
    return Thread(nodes=top, count=count)


def _thread_queryset(*, viewer: Any) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(comment_visible_q(viewer=viewer))
        .select_related("user")
        .only(*_THREAD_FIELDS)
        .order_by("created_at", "id")
    )


def comment_thread_for_post(*, post: Post, viewer: Any) -> Thread:
    """Every comment of `post` the viewer may see, as a tree, oldest thread first. One query."""
    return _build(_thread_queryset(viewer=viewer).filter(post=post), newest_first=False)


def comment_thread_for_board(*, board: Section, viewer: Any, page: int = 1) -> Thread:
    """One page of the board: `BOARD_PAGE_SIZE` threads, newest first, with all their replies.

    Three queries: the number of threads, the page's top-level messages (a hidden one too when it has
    visible replies: it keeps its place), and their replies. A page past the end raises EmptyPage.
    """
    visible = comment_visible_q(viewer=viewer)
    visible_reply = Comment.objects.filter(visible, root_id=OuterRef("pk"))
    tops = (
        Comment.objects.filter(board=board, depth=1)
        .filter(visible | Exists(visible_reply))
        .select_related("user")
        .only(*_THREAD_FIELDS)
        .order_by("-created_at", "-id")
    )
    paginator = Paginator(tops, BOARD_PAGE_SIZE)
    current = paginator.page(page)
    roots = []
    for comment in current.object_list:
        shown = comment if comment.status == Comment.Status.APPROVED or _own_pending(comment, viewer) else None
        roots.append(ThreadNode(pk=comment.pk, depth=1, comment=shown))
    replies = _thread_queryset(viewer=viewer).filter(root_id__in=[n.pk for n in roots]) if roots else []
    shown_roots = [n.comment for n in roots if n.comment is not None]
    thread = _build([*shown_roots, *replies], roots=roots, newest_first=True)
    thread.page = current
    return thread


def _own_pending(comment: Comment, viewer: Any) -> bool:
    return (
        _signed_in(viewer)
        and comment.status == Comment.Status.PENDING
        and comment.user_id == viewer.pk
        and comment.deleted_at is None
    )


def comment_get_visible(*, pk: int, viewer: Any) -> Comment | None:
    """One comment the viewer may see (approved, or their own), on a target they may see."""
    comment = (
        Comment.objects.filter(comment_visible_q(viewer=viewer), pk=pk)
        .select_related("user", "post", "board", "reply_to__user")
        .first()
    )
    if comment is None:
        return None
    if comment.post_id is not None and not user_can_comment_on(user=viewer, post=comment.post):
        return None
    if comment.board_id is not None and not (comment.board.is_active and comment.board.type == Section.Type.BOARD):
        return None
    return comment


def comment_list_for_api(*, viewer: Any, post: Post | None = None, board: Section | None = None) -> list[Comment]:
    """A target's visible comments in thread order (what the page shows, flattened), for the API."""
    if post is not None:
        thread = comment_thread_for_post(post=post, viewer=viewer)
    else:
        comments = _thread_queryset(viewer=viewer).filter(board=board)
        thread = _build(comments, newest_first=True)
    flat: list[Comment] = []

    def walk(nodes: list[ThreadNode]) -> None:
        for node in nodes:
            if node.comment is not None:
                # Every comment shares the one target already loaded (the thread query leaves it out).
                if post is not None:
                    node.comment.post = post
                else:
                    node.comment.board = board
                flat.append(node.comment)
            walk(node.children)

    walk(thread.nodes)
    return flat


def comment_list_own(*, user: Any) -> QuerySet[Comment]:
    return Comment.objects.filter(user=user).select_related("user", "post", "board").order_by("-created_at", "-id")


# --- Counts -------------------------------------------------------------------------------------


def _public_comments_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": Comment.Status.APPROVED, f"{prefix}deleted_at__isnull": True})


def comment_counts(*, post_ids: Iterable[int]) -> dict[int, int]:
    """Public (approved, not deleted) comments per post, for a page of post cards: one query."""
    ids = list(post_ids)
    if not ids:
        return {}
    rows = (
        Comment.objects.filter(_public_comments_q(), post_id__in=ids)
        .values("post_id")
        .annotate(n=Count("id"))
        .values_list("post_id", "n")
    )
    counts = dict.fromkeys(ids, 0)
    counts.update(dict(rows))
    return counts


def load_card_comment_counts(posts: list[Post]) -> None:
    """Blog card loader (`blog.selectors.CARD_LOADERS`): sets `comment_count` on each card's post."""
    counts = comment_counts(post_ids=[post.pk for post in posts])
    for post in posts:
        post.comment_count = counts.get(post.pk, 0)


@dataclass(frozen=True)
class Reactions:
    like_count: int
    comment_count: int
    liked: bool
    bookmarked: bool


def post_reactions(*, post: Post, user: Any) -> Reactions:
    """A post's like and comment counts, and whether `user` liked or bookmarked it: one query."""

    def count_of(model: Any, extra: Q | None = None) -> Coalesce:
        rows = model.objects.filter(post_id=OuterRef("pk"))
        if extra is not None:
            rows = rows.filter(extra)
        counted = rows.order_by().values("post_id").annotate(n=Count("id")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    annotations: dict[str, Any] = {
        "like_count": count_of(Like),
        "comment_count": count_of(Comment, _public_comments_q()),
    }
    if _signed_in(user):
        annotations["liked"] = Exists(Like.objects.filter(post_id=OuterRef("pk"), user_id=user.pk))
        annotations["bookmarked"] = Exists(Bookmark.objects.filter(post_id=OuterRef("pk"), user_id=user.pk))
    row = Post.objects.filter(pk=post.pk).annotate(**annotations).values(*annotations).first() or {}
    return Reactions(
        like_count=row.get("like_count", 0),
        comment_count=row.get("comment_count", 0),
        liked=bool(row.get("liked", False)),
        bookmarked=bool(row.get("bookmarked", False)),
    )


@dataclass(frozen=True)
class ReaderOwn:
    """What of a post's community block is a signed-in reader's own."""

    liked: bool
    bookmarked: bool
    # The thread shows them something others do not see: a comment of theirs waiting for a moderator, or
    # one they may still edit or delete (`comment_visible_q`, `comment_can_edit`).
    own_comments: bool


@functools.cache
def _reader_own_sql(vendor: str) -> str:
    """Three EXISTS in one plain statement: the ORM took ~40 times longer to compile it (three subqueries
    annotated on a modeltranslation row) than the database to run it, on every signed-in post page."""
    quote = connection.ops.quote_name

    def column(model: Any, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    def table(model: Any) -> str:
        return quote(model._meta.db_table)

    def exists(model: Any, *conditions: str) -> str:
        # Only the models' own table and column names go into the text; every value is a parameter.
        return f"EXISTS(SELECT 1 FROM {table(model)} WHERE {' AND '.join(conditions)})"  # noqa: S608

    def owned(model: Any) -> tuple[str, str]:
        return f"{column(model, 'post')} = %s", f"{column(model, 'user')} = %s"

    status, created = column(Comment, "status"), column(Comment, "created_at")
    waiting_or_editable = f"({status} = %s OR ({status} = %s AND {created} > %s))"
    comment = (*owned(Comment), f"{column(Comment, 'deleted_at')} IS NULL", waiting_or_editable)
    checks = (exists(Like, *owned(Like)), exists(Bookmark, *owned(Bookmark)), exists(Comment, *comment))
    return "SELECT " + ", ".join(checks)


def post_reader_own(*, post: Post, user: Any, now: datetime | None = None) -> ReaderOwn:
    """`user`'s like and bookmark of `post`, and whether its thread shows them anything of their own: a
    comment of theirs, not deleted, waiting for a moderator (`comment_visible_q`) or approved and still
    within COMMUNITY_EDIT_MINUTES (`comment_can_edit`). One query."""
    editable_since = (now or timezone.now()) - timedelta(minutes=settings.COMMUNITY_EDIT_MINUTES)
    params = [
        *(post.pk, user.pk) * 3,
        Comment.Status.PENDING.value,
        Comment.Status.APPROVED.value,
        connection.ops.adapt_datetimefield_value(editable_since),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_reader_own_sql(connection.vendor), params)
        liked, bookmarked, own_comments = cursor.fetchone()
    return ReaderOwn(liked=bool(liked), bookmarked=bool(bookmarked), own_comments=bool(own_comments))


def like_list_own(*, user: Any) -> QuerySet[Like]:
    """The posts `user` liked that they can still see, newest like first."""
    visible = blog_selectors.post_list_visible(user=user).values("pk")
    return Like.objects.filter(user=user, post_id__in=visible).select_related("post").order_by("-created_at", "-id")


def bookmark_list_own(*, user: Any) -> QuerySet[Bookmark]:
    """`user`'s bookmarks of posts they can still see (a post taken down drops out), newest first."""
    visible = blog_selectors.post_list_visible(user=user).values("pk")
    return (
        Bookmark.objects.filter(user=user, post_id__in=visible)
        .select_related("post", "post__section")
        .defer(*(f"post__{name}" for name in blog_selectors.HEAVY_POST_FIELDS))
        .order_by("-created_at", "-id")
    )


# --- Preferences, bans, blocklist ---------------------------------------------------------------


def notification_preference_get(*, user: Any) -> NotificationPreference:
    """The user's preference (an unsaved default, both on, when they never changed it)."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user)


def email_domain(email: str) -> str:
    return (email or "").rpartition("@")[2].strip().lower()


def ban_find(*, user: Any = None, email: str = "") -> Ban | None:
    """The active ban that stops this account or address from commenting, if any."""
    email = (email or "").strip().lower()
    match = Q()
    if _signed_in(user):
        match |= Q(kind=Ban.Kind.USER, user_id=user.pk)
        email = email or user.email.lower()
    if email:
        match |= Q(kind=Ban.Kind.EMAIL, value=email) | Q(kind=Ban.Kind.DOMAIN, value=email_domain(email))
    if not match:
        return None
    return Ban.objects.filter(match, lifted_at__isnull=True).first()


def ban_list_for(*, user_id: int | None = None, email: str = "") -> list[Ban]:
    """Every ban (lifted ones too) that concerns this account or address (its domain included)."""
    match = Q(pk__in=[])
    if user_id is not None:
        match |= Q(kind=Ban.Kind.USER, user_id=user_id)
    if email:
        match |= Q(kind=Ban.Kind.EMAIL, value=email.lower()) | Q(kind=Ban.Kind.DOMAIN, value=email_domain(email))
    return list(Ban.objects.filter(match).select_related("user", "created_by").order_by("-created_at"))


def blocklist_match(*, texts: Iterable[str], email: str = "") -> str:
    """The blocklist entry a comment matches ("word: casino", "e-mail domain: spam.example"), or ""."""
    haystack = " ".join(" ".join(t.split()) for t in texts if t).lower()
    domain = email_domain(email)
    for kind, value in BlockedTerm.objects.values_list("kind", "value"):
        if kind == BlockedTerm.Kind.WORD and value and value in haystack:
            return f"word: {value}"
        if kind == BlockedTerm.Kind.EMAIL_DOMAIN and domain and (domain == value or domain.endswith("." + value)):
            return f"e-mail domain: {value}"
    return ""


def user_has_approved_comment(*, user: Any) -> bool:
    return Comment.objects.filter(user=user, status=Comment.Status.APPROVED).exists()


# --- Moderation ---------------------------------------------------------------------------------


def comment_moderation_list(*, status: str = Comment.Status.PENDING) -> QuerySet[Comment]:
    """Comments and board messages with `status`, oldest first (the queue)."""
    return (
        Comment.objects.filter(status=status, deleted_at__isnull=True)
        .select_related("user", "post", "board", "reply_to")
        .defer(*(f"post__{name}" for name in blog_selectors.HEAVY_POST_FIELDS))
        .order_by("created_at", "id")
    )


def author_key(comment: Comment) -> str:
    """How the queue names an author for their history: "user:<id>" or "email:<address>"."""
    if comment.user_id is not None:
        return f"user:{comment.user_id}"
    return f"email:{(comment.guest_email or '').lower()}"


def comment_author_q(key: str) -> Q | None:
    kind, _sep, value = key.partition(":")
    if kind == "user" and value.isascii() and value.isdigit() and len(value) < 19:
        return Q(user_id=int(value))
    if kind == "email" and value:
        return Q(user__isnull=True, guest_email__iexact=value)
    return None


def comment_author_stats(*, keys: Iterable[str]) -> dict[str, dict[str, int]]:
    """Per author key: how many of their comments are approved, pending, spam, removed (one query per kind)."""
    stats: dict[str, dict[str, int]] = {}
    user_ids = [int(k[5:]) for k in keys if k.startswith("user:")]
    emails = [k[6:] for k in keys if k.startswith("email:")]
    if user_ids:
        rows = Comment.objects.filter(user_id__in=user_ids).values_list("user_id", "status").annotate(n=Count("id"))
        for user_id, status, n in rows:
            stats.setdefault(f"user:{user_id}", {})[status] = n
    if emails:
        rows = (
            Comment.objects.filter(user__isnull=True, guest_email__in=emails)
            .values_list("guest_email", "status")
            .annotate(n=Count("id"))
        )
        for email, status, n in rows:
            stats.setdefault(f"email:{email.lower()}", {})[status] = n
    return stats


def comment_history(*, key: str, limit: int = 200) -> list[Comment]:
    """An author's comments, every status, newest first (the queue's "history")."""
    match = comment_author_q(key)
    if match is None:
        return []
    return list(
        Comment.objects.filter(match)
        .select_related("user", "post", "board")
        .defer(*(f"post__{name}" for name in blog_selectors.HEAVY_POST_FIELDS))
        .order_by("-created_at", "-id")[:limit]
    )


def moderation_log_for(*, source: str, object_ids: Iterable[str]) -> QuerySet[ModerationLog]:
    return ModerationLog.objects.filter(source=source, object_id__in=list(object_ids)).select_related("actor")


def comment_edit_minutes() -> int:
    return settings.COMMUNITY_EDIT_MINUTES


def post_for_bookmark(*, slug: str, user: Any) -> Post | None:
    """A post `user` may bookmark: any post they can see (a premium post's teaser too)."""
    return (
        blog_selectors.post_list_visible(user=user)
        .filter(slug=slug)
        .defer(*blog_selectors.HEAVY_POST_FIELDS)
        .prefetch_related(None)
        .first()
    )


# --- Friend links and the newsletter (reach) --------------------------------------------------------


def friend_link_list_public() -> QuerySet[FriendLink]:
    """Approved friend links: featured first, then by position and name (dead ones stay, marked)."""
    return FriendLink.objects.filter(status=FriendLink.Status.APPROVED).select_related("logo")


def friend_link_list_pending() -> QuerySet[FriendLink]:
    return (
        FriendLink.objects.filter(status=FriendLink.Status.PENDING)
        .select_related("applicant", "logo")
        .order_by("created_at", "id")
    )


def friend_link_list_own(*, user: Any) -> QuerySet[FriendLink]:
    if not _signed_in(user):
        return FriendLink.objects.none()
    return FriendLink.objects.filter(applicant=user).select_related("logo").order_by("-created_at", "-id")


def editor_emails() -> list[tuple[str, str]]:
    """(address, preferred language) of every active editor: superusers and whoever may change posts
    (the Editors group), for e-mails about things waiting for them."""
    from django.contrib.auth import get_user_model

    perm = Q(codename="change_post", content_type__app_label="blog")
    from django.contrib.auth.models import Permission

    perm_ids = list(Permission.objects.filter(perm).values_list("pk", flat=True))
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions__in=perm_ids) | Q(user_permissions__in=perm_ids))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    return [(u.email, u.preferred_language) for u in users]


def subscriber_list() -> QuerySet[Subscriber]:
    """Every subscriber, newest first (editors only: the admin and the API check)."""
    return Subscriber.objects.order_by("-created_at", "-id")


def subscriber_list_for_sending(*, language: str) -> QuerySet[Subscriber]:
    return Subscriber.objects.filter(status=Subscriber.Status.ACTIVE, language=language).order_by("pk")


def newsletter_issue_get(*, post_id: int, language: str) -> NewsletterIssue | None:
    return NewsletterIssue.objects.filter(post_id=post_id, language=language).first()
