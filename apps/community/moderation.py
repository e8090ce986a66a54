"""The moderation queue's sources: one admin page lists everything waiting, whatever it is.

A source is a small object (see `ModerationSource`) that lists its waiting items as `QueueItem`s and
applies an action to some of them. Comments and board messages are one source (`CommentSource`);
another kind of item (friend-link applications, say) joins the page with a class of a few lines and
one `register()` call in `CommunityConfig.ready()`. The page logs every action it applies
(`ModerationLog`: who, what, which item, when), so sources do not log themselves.

Actions: "approve", "spam", "remove" (each source says which it supports), and two the page handles
for every source: "ban_author" and "ban_domain" (ban the item's author, or the domain of their
e-mail address, from commenting; then file the item as spam, or remove it if the source has no spam).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import selectors, services
from .models import Ban, Comment, FriendLink
from .rendering import plain_excerpt

ACTIONS = {
    "approve": _("Approve"),
    "spam": _("Mark as spam"),
    "remove": _("Remove"),
    "ban_author": _("Ban the author (account or address) and mark as spam"),
    "ban_domain": _("Ban the author's e-mail domain and mark as spam"),
}
BAN_ACTIONS = ("ban_author", "ban_domain")


@dataclass
class QueueItem:
    """One waiting item as the queue shows it. `author_key` ("user:12", "email:a@example.com") links to
    the author's history; `email` is shown to editors only, on this admin page."""

    source: str
    pk: int
    kind: str
    where: str
    where_url: str
    text: str
    author: str
    author_key: str
    email: str
    created_at: datetime
    reason: str = ""
    admin_url: str = ""
    user_id: int | None = None
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.source}:{self.pk}"


class ModerationSource(Protocol):
    key: str  # short, stable: the form's values are "<key>:<pk>"
    label: Any  # shown as the section heading
    actions: tuple[str, ...]  # of "approve", "spam", "remove"

    def waiting(self, *, status: str = "pending") -> list[QueueItem]:
        """The items waiting (or, for `status="spam"`, those filed as spam), oldest first."""
        ...

    def apply(self, *, action: str, pks: list[int], by: Any) -> list[tuple[int, str]]:
        """Apply `action` to these items; return (pk, label) of those that changed."""
        ...


_SOURCES: dict[str, ModerationSource] = {}


def register(source: ModerationSource) -> None:
    _SOURCES[source.key] = source


def sources() -> list[ModerationSource]:
    return list(_SOURCES.values())


def get_source(key: str) -> ModerationSource | None:
    return _SOURCES.get(key)


class CommentSource:
    """Comments on posts and messages on the board."""

    key = "comment"
    label = _("Comments and board messages")
    actions = ("approve", "spam", "remove")

    def item(self, comment: Comment) -> QueueItem:
        if comment.post_id is not None:
            where, where_url, kind = comment.post.title, f"/posts/{comment.post.slug}/", _("Comment")
        else:
            where, where_url, kind = comment.board.name, f"/sections/{comment.board.slug}/", _("Board message")
        return QueueItem(
            source=self.key,
            pk=comment.pk,
            kind=str(kind),
            where=str(where),
            where_url=f"/{comment.language}{where_url}",
            text=plain_excerpt(comment.body_html, 500),
            author=selectors.comment_author_label(comment),
            author_key=selectors.author_key(comment),
            email=comment.author_email,
            created_at=comment.created_at,
            reason=comment.status_reason,
            admin_url=reverse("admin:community_comment_change", args=[comment.pk]),
            user_id=comment.user_id,
        )

    def waiting(self, *, status: str = "pending") -> list[QueueItem]:
        items = [self.item(c) for c in selectors.comment_moderation_list(status=status)[:500]]
        stats = selectors.comment_author_stats(keys={i.author_key for i in items})
        labels = dict(Comment.Status.choices)
        for item in items:
            # The author's comments per status, by the statuses' names (the page shows the keys).
            item.stats = {str(labels.get(code, code)): n for code, n in stats.get(item.author_key, {}).items()}
        return items

    def apply(self, *, action: str, pks: list[int], by: Any) -> list[tuple[int, str]]:
        changed = services.comment_moderate_many(pks=pks, action=action, by=by)
        return [(c.pk, str(c)) for c in changed]

    def ban(self, *, pks: list[int], by: Any, domain: bool) -> list[Ban]:
        bans = []
        for comment in Comment.objects.filter(pk__in=pks).select_related("user"):
            email = comment.author_email
            if domain and not email:
                continue
            bans.append(services.comment_ban_author(comment=comment, by=by, domain=domain))
        return bans


class FriendLinkSource:
    """Friend-link applications: approve (the link goes public) or remove; "ban" bans the applicant's
    account (from commenting and applying) and removes the application. The service logs each change."""

    key = "friend_link"
    label = _("Friend-link applications")
    actions = ("approve", "remove")
    logs_itself = True

    def item(self, link: FriendLink) -> QueueItem:
        user = link.applicant
        description = " / ".join(d for d in (link.description_en, link.description_zh_hans) if d)
        return QueueItem(
            source=self.key,
            pk=link.pk,
            kind=str(_("Friend link")),
            where=link.url,
            where_url=link.url,
            text=f"{link.name}: {description}"[:500],
            author=user.public_name if user is not None else "—",
            author_key=f"user:{user.pk}" if user is not None else "",
            email=user.email if user is not None else "",
            created_at=link.created_at,
            admin_url=reverse("admin:community_friendlink_change", args=[link.pk]),
            user_id=link.applicant_id,
        )

    def waiting(self, *, status: str = "pending") -> list[QueueItem]:
        if status != "pending":
            return []  # friend links have no spam
        return [self.item(link) for link in selectors.friend_link_list_pending()[:500]]

    def apply(self, *, action: str, pks: list[int], by: Any) -> list[tuple[int, str]]:
        changed = services.friend_link_moderate_many(pks=pks, action=action, by=by)
        return [(link.pk, str(link)) for link in changed]

    def ban(self, *, pks: list[int], by: Any, domain: bool) -> list[Ban]:
        bans = []
        for link in FriendLink.objects.filter(pk__in=pks, applicant__isnull=False).select_related("applicant"):
            if domain:
                value = selectors.email_domain(link.applicant.email)
                bans.append(services.ban_create(by=by, kind=Ban.Kind.DOMAIN, value=value, reason="friend link"))
            else:
                bans.append(services.ban_create(by=by, kind=Ban.Kind.USER, user=link.applicant, reason="friend link"))
        return bans


@dataclass(frozen=True)
class Outcome:
    changed: int
    skipped: int
    bans: int = 0


def parse_selection(values: Iterable[str]) -> dict[str, list[int]]:
    """Form values "<source>:<pk>" → {source: [pk, ...]}, ignoring anything malformed or unknown."""
    chosen: dict[str, list[int]] = {}
    for value in values:
        key, _sep, pk = str(value).partition(":")
        if key in _SOURCES and pk.isascii() and pk.isdigit() and len(pk) < 19:
            chosen.setdefault(key, []).append(int(pk))
    return chosen


def moderation_apply(*, action: str, selection: dict[str, list[int]], by: Any) -> Outcome:
    """Apply one action to the chosen items of every source; each change is logged (the sources' own
    services write the log for their items)."""
    from django.core.exceptions import ValidationError

    if action not in ACTIONS:
        raise ValidationError({"action": _("Choose an action.")}, code="invalid")
    changed = skipped = bans = 0
    with transaction.atomic():
        for key, pks in selection.items():
            source = _SOURCES[key]
            effective = action
            if action in BAN_ACTIONS:
                ban = getattr(source, "ban", None)
                if ban is None:
                    skipped += len(pks)
                    continue
                bans += len(ban(pks=pks, by=by, domain=action == "ban_domain"))
                effective = "spam" if "spam" in source.actions else "remove"
            if effective not in source.actions:
                skipped += len(pks)
                continue
            done = source.apply(action=effective, pks=pks, by=by)
            _log_foreign(source=source, action=effective, done=done, by=by)
            changed += len(done)
            skipped += len(pks) - len(done)
    return Outcome(changed=changed, skipped=skipped, bans=bans)


def _log_foreign(*, source: ModerationSource, action: str, done: list[tuple[int, str]], by: Any) -> None:
    """Comments log themselves (their service does, whoever calls it); log other sources' changes here."""
    if source.key == CommentSource.key or getattr(source, "logs_itself", False):
        return
    for pk, label in done:
        services.moderation_log_record(by=by, action=action, source=source.key, object_id=pk, object_repr=label)
