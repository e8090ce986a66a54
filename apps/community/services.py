"""Writes: comments (create, edit, delete, moderate), spam rules, bans, likes, bookmarks, notification
preferences and the reply e-mails. The pages, the API, the admin and the tasks all call these.

Anything readers can see that changes (an approved comment, a like) tells the blog's page cache through
`blog.signals.content_changed` once the transaction commits.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from apps.blog import selectors as blog_selectors
from apps.blog.models import Post, Section
from apps.blog.signals import content_changed
from apps.core.queue import enqueue_on_commit
from apps.core.ratelimit import Hit, ratelimit_check

from . import selectors
from .errors import CommentDeleted, CommentingBanned, CommentingClosed, CommentRefused, EditWindowClosed, NotTheAuthor
from .models import (
    MAX_DEPTH,
    Ban,
    BlockedTerm,
    Bookmark,
    Comment,
    CommentNotification,
    FriendLink,
    Like,
    ModerationLog,
    NewsletterDelivery,
    NewsletterIssue,
    NotificationPreference,
    Subscriber,
)
from .rendering import count_links, plain_excerpt, render_comment

UNSUBSCRIBE_SALT = "community.notification-unsubscribe"
Target = Post | Section


def _signed_in(user: Any) -> bool:
    return user is not None and user.is_authenticated


def _tell_readers(comment_or_post: Any, post_id: int | None) -> None:
    """Cached pages showing this may be stale now (after commit, as the blog's own signals are)."""
    sender = type(comment_or_post)
    post_ids = [post_id] if post_id else []
    transaction.on_commit(lambda: content_changed.send(sender=sender, instance=comment_or_post, post_ids=post_ids))


# --- Rate limits ------------------------------------------------------------------------------------


def comment_rate_hit(*, user: Any, ip: str) -> Hit:
    """Count one comment attempt against the per-account and per-IP limits (pages and API alike)."""
    subjects = {"ip": ip or ""}
    if _signed_in(user):
        subjects["user"] = str(user.pk)
    rates = {"user": settings.COMMUNITY_COMMENT_RATE_USER, "ip": settings.COMMUNITY_COMMENT_RATE_IP}
    return ratelimit_check(scope="community:comment", subjects=subjects, rates=rates)


def reaction_rate_hit(*, user: Any) -> Hit:
    """Likes and bookmarks per account (each one drops the page cache: keep them human-paced)."""
    return ratelimit_check(
        scope="community:reaction", subjects={"user": str(user.pk)}, rates={"user": settings.COMMUNITY_REACTION_RATE}
    )


# --- Comments -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""


def _check_text(*, body: str) -> None:
    """The rules a person can fix: not empty, not too long, not too many links."""
    errors: list[ValidationError] = []
    limit = settings.COMMUNITY_COMMENT_MAX_CHARS
    if not (body or "").strip():
        errors.append(ValidationError(_("Write something first."), code="required"))
    elif len(body) > limit:
        errors.append(
            ValidationError(
                _("The text is too long: %(size)d characters, at most %(limit)d."),
                code="too_long",
                params={"size": len(body), "limit": limit},
            )
        )
    links = count_links(body)
    if links > settings.COMMUNITY_MAX_LINKS:
        errors.append(
            ValidationError(
                _("Too many links: %(count)d, at most %(limit)d per comment."),
                code="too_many_links",
                params={"count": links, "limit": settings.COMMUNITY_MAX_LINKS},
            )
        )
    if errors:
        raise CommentRefused({"body": errors})


def _verdict(*, user: Any, body: str, guest_name: str, email: str) -> Verdict:
    """Where a new comment goes: spam (the blocklist), held (guests; a first comment), or published."""
    blocked = selectors.blocklist_match(texts=[body, guest_name], email=email)
    if blocked:
        return Verdict(Comment.Status.SPAM, f"blocklist ({blocked})")
    if not _signed_in(user):
        return Verdict(Comment.Status.PENDING, "guest comment")
    if blog_selectors.user_is_editor(user):
        return Verdict(Comment.Status.APPROVED)
    if settings.COMMUNITY_HOLD_FIRST_COMMENT and not selectors.user_has_approved_comment(user=user):
        return Verdict(Comment.Status.PENDING, "first comment")
    return Verdict(Comment.Status.APPROVED)


def _check_target(*, user: Any, target: Target) -> None:
    if isinstance(target, Post):
        if not selectors.user_can_comment_on(user=user, post=target):
            raise CommentingClosed(_("You cannot comment on this post."))
    elif not (isinstance(target, Section) and target.type == Section.Type.BOARD and target.is_active):
        raise CommentingClosed(_("This is not a message board."))


def _place_reply(*, parent: Comment | None, target: Target) -> tuple[Comment | None, Comment | None, int]:
    """(parent in the tree, root, depth) for a reply to `parent`: replies deeper than MAX_DEPTH are
    placed beside the comment they answer."""
    if parent is None:
        return None, None, 1
    same_target = parent.post_id == target.pk if isinstance(target, Post) else parent.board_id == target.pk
    if not same_target or parent.status != Comment.Status.APPROVED:
        raise CommentRefused({"parent": [ValidationError(_("That comment cannot be answered."), code="invalid")]})
    if parent.deleted_at is not None:
        raise CommentRefused({"parent": [ValidationError(_("That comment was deleted."), code="deleted")]})
    root = parent.root if parent.root_id else parent
    if parent.depth >= MAX_DEPTH:
        return parent.parent, root, MAX_DEPTH
    return parent, root, parent.depth + 1


def comment_create(
    *,
    user: Any,
    target: Target,
    body: str,
    parent: Comment | None = None,
    guest_name: str = "",
    guest_email: str = "",
    notify_replies: bool = True,
    ip: str | None = None,
    language: str = "en",
) -> Comment:
    """Post a comment on a post (or a message on the board) for a signed-in user or, when
    COMMUNITY_GUEST_COMMENTS is on, a guest with a name and an e-mail address.

    Refuses (403) guests when closed, readers who cannot read the post, banned accounts, addresses and
    domains; refuses (400) empty or too long text, too many links, a reply to a comment that is gone.
    Files it as spam on a blocklist match, holds guests' comments and (COMMUNITY_HOLD_FIRST_COMMENT) a
    user's first, publishes the rest. A published comment queues its notification e-mails.
    """
    guest_name = " ".join((guest_name or "").split())
    guest_email = (guest_email or "").strip().lower()
    if not _signed_in(user):
        if not settings.COMMUNITY_GUEST_COMMENTS:
            raise CommentingClosed(_("Sign in to comment."))
        errors = {}
        if not guest_name:
            errors["name"] = [ValidationError(_("Give your name."), code="required")]
        if not guest_email:
            errors["email"] = [ValidationError(_("Give your e-mail address."), code="required")]
        if errors:
            raise CommentRefused(errors)
        user = None
    _check_target(user=user, target=target)
    email = user.email if user is not None else guest_email
    if selectors.ban_find(user=user, email=email) is not None:
        raise CommentingBanned(_("You can no longer comment here."))
    _check_text(body=body)
    placed, root, depth = _place_reply(parent=parent, target=target)
    verdict = _verdict(user=user, body=body, guest_name=guest_name, email=email)
    comment = Comment(
        post=target if isinstance(target, Post) else None,
        board=target if isinstance(target, Section) else None,
        parent=placed,
        reply_to=parent,
        root=root,
        depth=depth,
        user=user,
        guest_name="" if user is not None else guest_name[:80],
        guest_email="" if user is not None else guest_email,
        body=body,
        body_html=render_comment(body),
        status=verdict.status,
        status_reason=verdict.reason,
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        ip_address=ip or None,
        notify_replies=bool(notify_replies),
    )
    comment.full_clean(exclude=["post", "board", "parent", "reply_to", "root", "user"])
    with transaction.atomic():
        comment.save()
        if comment.status == Comment.Status.APPROVED:
            _published(comment)
    return comment


def _published(comment: Comment) -> None:
    _tell_readers(comment, comment.post_id)
    enqueue_on_commit("apps.community.tasks.comment_notify_task", comment.pk)


def _check_author(*, comment: Comment, by: Any) -> None:
    if not _signed_in(by) or comment.user_id != by.pk:
        raise NotTheAuthor(_("Only the author can change this comment."))
    if comment.deleted_at is not None:
        raise CommentDeleted(_("This comment was deleted."))
    if comment.status not in (Comment.Status.APPROVED, Comment.Status.PENDING) or (
        timezone.now() >= comment.editable_until()
    ):
        raise EditWindowClosed(
            _("Comments can be changed for %(minutes)d minutes after posting.")
            % {"minutes": settings.COMMUNITY_EDIT_MINUTES}
        )


def comment_edit(*, comment: Comment, by: Any, body: str | None = None) -> Comment:
    """The author changes their text within COMMUNITY_EDIT_MINUTES; the spam rules run again. Without a
    `body` (an API PATCH that changes nothing) nothing is saved, but the same rules refuse a non-author."""
    _check_author(comment=comment, by=by)
    if body is None:
        return comment
    _check_text(body=body)
    was_public = comment.status == Comment.Status.APPROVED
    blocked = selectors.blocklist_match(texts=[body], email=by.email)
    if blocked:
        comment.status, comment.status_reason = Comment.Status.SPAM, f"blocklist ({blocked}) on edit"
    comment.body = body
    comment.body_html = render_comment(body)
    comment.edited_at = timezone.now()
    comment.full_clean(exclude=["post", "board", "parent", "reply_to", "root", "user"])
    with transaction.atomic():
        comment.save(update_fields=["body", "body_html", "edited_at", "status", "status_reason", "updated_at"])
        if was_public:
            _tell_readers(comment, comment.post_id)
    return comment


def comment_delete(*, comment: Comment, by: Any) -> Comment:
    """The author deletes their comment within COMMUNITY_EDIT_MINUTES: its text is erased, its place in
    the thread (and the replies under it) stays, shown as "deleted"."""
    _check_author(comment=comment, by=by)
    return _erase(comment)


def _erase(comment: Comment) -> Comment:
    was_public = comment.status == Comment.Status.APPROVED
    comment.deleted_at = timezone.now()
    comment.body = comment.body_html = ""
    with transaction.atomic():
        comment.save(update_fields=["deleted_at", "body", "body_html", "updated_at"])
        if was_public:
            _tell_readers(comment, comment.post_id)
    return comment


def comment_erase_all_by(*, user: Any) -> int:
    """An account is going away: erase the text of its comments (their places in threads stay)."""
    comments = list(Comment.objects.filter(user=user, deleted_at__isnull=True))
    for comment in comments:
        _erase(comment)
    return len(comments)


MODERATION_STATUSES = {
    "approve": Comment.Status.APPROVED,
    "spam": Comment.Status.SPAM,
    "remove": Comment.Status.REMOVED,
    "pending": Comment.Status.PENDING,
}


def comment_set_status(*, comment: Comment, status: str, by: Any, note: str = "") -> bool:
    """An editor approves, files as spam, removes (or puts back in the queue) a comment; logged.
    Returns whether anything changed. Approving queues the notification e-mails (sent once ever)."""
    if status not in Comment.Status.values:
        raise ValidationError({"status": _("Unknown status “%(status)s”.") % {"status": status}}, code="invalid")
    if comment.status == status:
        return False
    was_public = comment.status == Comment.Status.APPROVED
    old = comment.status
    comment.status = status
    if status == Comment.Status.APPROVED:
        comment.status_reason = ""
    with transaction.atomic():
        comment.save(update_fields=["status", "status_reason", "updated_at"])
        moderation_log_record(
            by=by,
            action=status,
            source="comment",
            object_id=comment.pk,
            object_repr=str(comment),
            note=note or f"{old} → {status}",
        )
        if status == Comment.Status.APPROVED:
            _published(comment)
        elif was_public:
            _tell_readers(comment, comment.post_id)
    return True


def comment_moderate_many(*, pks: list[int], action: str, by: Any) -> list[Comment]:
    """Bulk approve / spam / remove; returns the comments that changed."""
    status = MODERATION_STATUSES.get(action)
    if status is None:
        raise ValidationError({"action": _("Unknown action “%(action)s”.") % {"action": action}}, code="invalid")
    changed = []
    with transaction.atomic():
        for comment in Comment.objects.select_for_update().filter(pk__in=pks).order_by("pk"):
            if comment_set_status(comment=comment, status=status, by=by):
                changed.append(comment)
    return changed


# --- Bans and the log ---------------------------------------------------------------------------


def moderation_log_record(
    *, by: Any, action: str, source: str, object_id: Any = "", object_repr: str = "", note: str = ""
) -> ModerationLog:
    return ModerationLog.objects.create(
        actor=by if _signed_in(by) else None,
        action=action[:30],
        source=source[:30],
        object_id=str(object_id)[:40],
        object_repr=(object_repr or "")[:200],
        note=(note or "")[:300],
    )


def ban_create(*, by: Any, kind: str, user: Any = None, value: str = "", reason: str = "") -> Ban:
    """Ban an account, an e-mail address or a domain from commenting (an active ban is reused); logged."""
    ban = Ban(kind=kind, user=user if kind == Ban.Kind.USER else None, value=value, reason=reason, created_by=by)
    if kind == Ban.Kind.USER and user is None:
        raise ValidationError({"user": _("Choose the account to ban.")}, code="required")
    ban.full_clean(exclude=["created_by"])
    existing = Ban.objects.filter(kind=ban.kind, user=ban.user, value=ban.value, lifted_at__isnull=True).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        ban.save()
        moderation_log_record(by=by, action="ban", source="ban", object_id=ban.pk, object_repr=str(ban), note=reason)
    return ban


def ban_lift(*, ban: Ban, by: Any) -> Ban:
    if ban.lifted_at is None:
        with transaction.atomic():
            ban.lifted_at = timezone.now()
            ban.save(update_fields=["lifted_at", "updated_at"])
            moderation_log_record(by=by, action="unban", source="ban", object_id=ban.pk, object_repr=str(ban))
    return ban


def comment_ban_author(*, comment: Comment, by: Any, domain: bool = False, reason: str = "") -> Ban:
    """Ban a comment's author: the account (or a guest's address), or the domain of their address."""
    email = comment.author_email or ""
    if domain:
        return ban_create(by=by, kind=Ban.Kind.DOMAIN, value=selectors.email_domain(email), reason=reason)
    if comment.user_id is not None:
        return ban_create(by=by, kind=Ban.Kind.USER, user=comment.user, reason=reason)
    return ban_create(by=by, kind=Ban.Kind.EMAIL, value=email, reason=reason)


def blocked_term_save(*, term: BlockedTerm, by: Any) -> BlockedTerm:
    """Add or change a blocklist entry (the value is stored lower-case, a domain without "@"); logged."""
    term.full_clean()
    with transaction.atomic():
        term.save()
        moderation_log_record(by=by, action="blocklist", source="blocklist", object_id=term.pk, object_repr=str(term))
    return term


def blocked_term_delete(*, term: BlockedTerm, by: Any) -> None:
    with transaction.atomic():
        moderation_log_record(by=by, action="unblock", source="blocklist", object_id=term.pk, object_repr=str(term))
        term.delete()


# --- Likes and bookmarks ------------------------------------------------------------------------


def like_set(*, user: Any, post: Post, liked: bool) -> bool:
    """Like (or unlike) `post`; returns whether it is liked now. Idempotent, race-safe."""
    if not selectors.user_can_comment_on(user=user, post=post):
        raise CommentingClosed(_("You cannot like this post."))
    if liked:
        try:
            with transaction.atomic():
                _like, changed = Like.objects.get_or_create(user=user, post=post)
        except IntegrityError:  # a concurrent request liked it first
            changed = False
    else:
        changed = Like.objects.filter(user=user, post=post).delete()[0] > 0
    if changed:
        _tell_readers(post, post.pk)
    return liked


def like_toggle(*, user: Any, post: Post) -> bool:
    return like_set(user=user, post=post, liked=not Like.objects.filter(user=user, post=post).exists())


def bookmark_set(*, user: Any, post: Post, bookmarked: bool) -> bool:
    """Bookmark (or un-bookmark) a post the user can see; returns whether it is bookmarked now."""
    if not blog_selectors.post_list_visible(user=user).filter(pk=post.pk).exists():
        raise CommentingClosed(_("You cannot bookmark this post."))
    if bookmarked:
        try:
            with transaction.atomic():
                Bookmark.objects.get_or_create(user=user, post=post)
        except IntegrityError:
            pass
    else:
        Bookmark.objects.filter(user=user, post=post).delete()
    return bookmarked


def bookmark_toggle(*, user: Any, post: Post) -> bool:
    return bookmark_set(user=user, post=post, bookmarked=not Bookmark.objects.filter(user=user, post=post).exists())


# --- Notification preferences and unsubscribing -------------------------------------------------


def notification_preference_update(
    *, user: Any, email_on_reply: bool | None = None, email_on_post_comment: bool | None = None
) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    if email_on_reply is not None:
        preference.email_on_reply = bool(email_on_reply)
    if email_on_post_comment is not None:
        preference.email_on_post_comment = bool(email_on_post_comment)
    preference.save()
    return preference


def unsubscribe_token(*, reason: str, user: Any = None, email: str = "") -> str:
    """A signed token for the e-mail's unsubscribe link: turns off this kind of e-mail for this
    account (or, for a guest, reply e-mails to this address). It never expires."""
    data = {"r": reason, "u": user.pk} if user is not None else {"r": reason, "e": email.lower()}
    return signing.dumps(data, salt=UNSUBSCRIBE_SALT, compress=True)


@dataclass(frozen=True)
class Unsubscription:
    reason: str
    email: str


def unsubscribe_resolve(*, token: str) -> Unsubscription | None:
    """What a token would turn off, or None for a bad token."""
    from django.contrib.auth import get_user_model

    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("r") not in CommentNotification.Reason.values:
        return None
    if "u" in data:
        user = get_user_model().objects.filter(pk=data["u"]).first()
        return Unsubscription(data["r"], user.email) if user is not None else None
    if isinstance(data.get("e"), str) and data["e"]:
        return Unsubscription(data["r"], data["e"])
    return None


def unsubscribe_apply(*, token: str) -> bool:
    """Turn off what the token names; False for a bad token. Idempotent."""
    from django.contrib.auth import get_user_model

    found = unsubscribe_resolve(token=token)
    if found is None:
        return False
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if "u" in data:
        user = get_user_model().objects.get(pk=data["u"])
        if found.reason == CommentNotification.Reason.REPLY:
            notification_preference_update(user=user, email_on_reply=False)
        else:
            notification_preference_update(user=user, email_on_post_comment=False)
    else:
        Comment.objects.filter(user__isnull=True, guest_email=found.email).update(notify_replies=False)
    return True


# --- Reply e-mails ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    email: str
    reason: str
    user: Any
    language: str


def _recipients(comment: Comment) -> list[Recipient]:
    """The post's author (a new comment on their post) and the author of the comment answered (a reply),
    each unless they wrote this comment, turned that e-mail off, or may no longer read the post."""
    found: dict[str, Recipient] = {}
    writer_email = (comment.author_email or "").lower()

    def may_read(user: Any) -> bool:
        return comment.post is None or blog_selectors.user_can_read_post(user=user, post=comment.post)

    answered = comment.reply_to
    if answered is not None and answered.deleted_at is None and answered.status == Comment.Status.APPROVED:
        if answered.user_id is not None:
            person = answered.user
            wants = selectors.notification_preference_get(user=person).email_on_reply
            if person.is_active and wants and person.pk != comment.user_id and may_read(person):
                found[person.email.lower()] = Recipient(person.email, "reply", person, person.preferred_language)
        elif (
            answered.guest_email and answered.notify_replies and answered.guest_email != writer_email and may_read(None)
        ):
            found[answered.guest_email] = Recipient(answered.guest_email, "reply", None, answered.language)
    author = comment.post.author if comment.post is not None else None
    if author is not None and author.is_active and author.pk != comment.user_id:
        wants = selectors.notification_preference_get(user=author).email_on_post_comment
        if wants and may_read(author) and author.email.lower() not in found:
            found[author.email.lower()] = Recipient(author.email, "post_author", author, author.preferred_language)
    return list(found.values())


def comment_url(comment: Comment, language: str) -> str:
    """The absolute link to a comment on its page, in `language`."""
    if comment.post_id is not None:
        path = f"/{language}/posts/{comment.post.slug}/"
    else:
        path = f"/{language}/sections/{comment.board.slug}/"
    return f"{settings.SITE_URL}{path}#comment-{comment.pk}"


def _send(*, recipient: Recipient, comment: Comment) -> None:
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string

    language = recipient.language if recipient.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    token = unsubscribe_token(reason=recipient.reason, user=recipient.user, email=recipient.email)
    unsubscribe_url = f"{settings.SITE_URL}/{language}/comments/unsubscribe/{token}/"
    with translation.override(language):
        target_title = comment.post.title if comment.post_id is not None else comment.board.name
        context = {
            "SITE_NAME": settings.SITE_NAME,
            "SITE_URL": settings.SITE_URL,
            "recipient_name": recipient.user.public_name if recipient.user is not None else comment.reply_to.guest_name,
            "writer": selectors.comment_author_label(comment),
            "target_title": target_title,
            "is_board": comment.post_id is None,
            "excerpt": plain_excerpt(comment.body_html, 600),
            "comment_url": comment_url(comment, language),
            "preferences_url": f"{settings.SITE_URL}/{language}/comments/notifications/",
            "unsubscribe_url": unsubscribe_url,
            "is_guest": recipient.user is None,
        }
        template = "community/email/" + ("comment_reply" if recipient.reason == "reply" else "post_comment")
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}_body.txt", context)
        html = render_to_string(f"{template}_body.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [recipient.email],
        headers={
            # RFC 8058 one-click unsubscribe: mail clients POST "List-Unsubscribe=One-Click" to the link.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    message.send()


def comment_notify(*, comment_id: int) -> int:
    """E-mail the post's author and the answered comment's author about a published comment.

    Idempotent: each address gets at most one e-mail per comment, ever. A row per address is created
    first; the row is locked while its e-mail is sent and marked sent after, so a task that runs twice
    (or again after a failure) never sends twice. Returns how many e-mails this call sent.
    """
    comment = (
        Comment.objects.select_related("post__author", "board", "user", "reply_to__user")
        .filter(pk=comment_id, status=Comment.Status.APPROVED, deleted_at__isnull=True)
        .first()
    )
    if comment is None:
        return 0
    sent = 0
    for recipient in _recipients(comment):
        try:
            with transaction.atomic():
                row, _created = CommentNotification.objects.get_or_create(
                    comment=comment,
                    email=recipient.email.lower(),
                    defaults={"reason": recipient.reason, "user": recipient.user},
                )
        except IntegrityError:  # the same task running at once made the row first
            row = CommentNotification.objects.get(comment=comment, email=recipient.email.lower())
        if row.status != CommentNotification.Status.PENDING:
            continue
        with transaction.atomic():
            row = CommentNotification.objects.select_for_update().get(pk=row.pk)
            if row.status != CommentNotification.Status.PENDING:
                continue
            _send(recipient=recipient, comment=comment)
            row.status, row.sent_at = CommentNotification.Status.SENT, timezone.now()
            row.save(update_fields=["status", "sent_at"])
            sent += 1
    return sent


# --- Moving in from another site (the legacy importer) --------------------------------------------


def comment_import(
    *,
    comment: Comment | None,
    target: Target,
    user: Any,
    body: str,
    parent: Comment | None,
    created_at: Any,
    deleted: bool,
    language: str,
) -> Comment:
    """A comment (or board message) as it stood on another site: published, with its date, its place in
    the thread (a reply deeper than MAX_DEPTH sits beside its parent, as here) and, when it was deleted,
    its text erased. No spam check, no notification e-mail."""
    if parent is not None and (parent.post_id, parent.board_id) != (
        target.pk if isinstance(target, Post) else None,
        target.pk if isinstance(target, Section) else None,
    ):
        parent = None  # a reply filed under another post in the old data: keep it, at the top
    if parent is not None:
        root = parent.root if parent.root_id else parent
        placed, depth = (parent.parent, MAX_DEPTH) if parent.depth >= MAX_DEPTH else (parent, parent.depth + 1)
    else:
        placed, root, depth = None, None, 1
    comment = comment or Comment()
    comment.post = target if isinstance(target, Post) else None
    comment.board = target if isinstance(target, Section) else None
    comment.parent, comment.reply_to, comment.root, comment.depth = placed, parent, root, depth
    comment.user = user
    comment.body = "" if deleted else body
    comment.body_html = "" if deleted else render_comment(body)
    comment.status = Comment.Status.APPROVED
    comment.language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    comment.notify_replies = False
    comment.deleted_at = (comment.deleted_at or created_at or timezone.now()) if deleted else None
    comment.full_clean(exclude=["post", "board", "parent", "reply_to", "root", "user"])
    with transaction.atomic():
        comment.save()
        if created_at is not None:
            Comment.objects.filter(pk=comment.pk).update(created_at=created_at)
            comment.created_at = created_at
        _tell_readers(comment, comment.post_id)
    return comment


def bookmark_import(*, user: Any, post: Post, created_at: Any = None) -> Bookmark:
    """A bookmark kept on another site, with its date (whatever the post's status today)."""
    bookmark, created = Bookmark.objects.get_or_create(user=user, post=post)
    if created and created_at is not None:
        Bookmark.objects.filter(pk=bookmark.pk).update(created_at=created_at)
    return bookmark


# --- Friend links (reach) -------------------------------------------------------------------------


def friend_link_rate_hit(*, user: Any) -> Hit:
    """Friend-link applications per account (FRIEND_LINK_APPLY_RATE), pages and API alike."""
    return ratelimit_check(
        scope="community:friend-apply", subjects={"user": str(user.pk)}, rates={"user": settings.FRIEND_LINK_APPLY_RATE}
    )


def friend_link_apply(
    *,
    user: Any,
    name: str,
    url: str,
    description_en: str = "",
    description_zh_hans: str = "",
    logo_url: str = "",
    logo_file: Any = None,
) -> FriendLink:
    """A signed-in user applies for a friend link: hidden until an editor approves it in the moderation
    queue; the editors are e-mailed. A logo is an https address or an uploaded image (media library)."""
    from apps.media import services as media_services
    from apps.media.models import Asset

    if not _signed_in(user):
        raise CommentingClosed(_("Sign in to apply for a friend link."))
    if selectors.ban_find(user=user) is not None:
        raise CommentingBanned(_("You can no longer apply here."))
    link = FriendLink(
        name=" ".join((name or "").split())[:80],
        url=(url or "").strip(),
        logo_url=(logo_url or "").strip(),
        description_en=" ".join((description_en or "").split()),
        description_zh_hans=" ".join((description_zh_hans or "").split()),
        applicant=user,
        status=FriendLink.Status.PENDING,
    )
    link.full_clean(exclude=["applicant", "logo"])
    with transaction.atomic():
        if logo_file is not None:
            facts = media_services.asset_upload_validate(owner=user, uploaded_file=logo_file)
            if facts.kind != Asset.Kind.IMAGE:
                raise ValidationError({"logo": _("The logo must be an image.")}, code="invalid")
            link.logo = media_services.asset_create(
                owner=user, uploaded_file=logo_file, facts=facts, alt_text=link.name, title=link.name
            )
        link.save()
        enqueue_on_commit("apps.community.tasks.friend_link_notify_editors_task", link.pk)
    return link


def friend_link_notify_editors(*, link_id: int) -> int:
    """E-mail every editor that a friend link waits for approval (each in their language)."""
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string
    from django.urls import reverse

    link = FriendLink.objects.select_related("applicant").filter(pk=link_id, status=FriendLink.Status.PENDING).first()
    if link is None:
        return 0
    sent = 0
    queue_url = settings.SITE_URL + reverse("admin:community_moderationqueue_changelist")
    for email, language in selectors.editor_emails():
        language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "SITE_NAME": settings.SITE_NAME,
                "link": link,
                "description": link.description_for(language),
                "applicant": link.applicant.public_name if link.applicant else "",
                "queue_url": queue_url,
            }
            subject = " ".join(render_to_string("community/email/friend_link_applied_subject.txt", context).split())
            text = render_to_string("community/email/friend_link_applied_body.txt", context)
            html = render_to_string("community/email/friend_link_applied_body.html", context)
        message = EmailMultiAlternatives(
            subject, text, settings.DEFAULT_FROM_EMAIL, [email], headers={"Auto-Submitted": "auto-generated"}
        )
        message.attach_alternative(html, "text/html")
        message.send()
        sent += 1
    return sent


FRIEND_LINK_STATUSES = {"approve": FriendLink.Status.APPROVED, "remove": FriendLink.Status.REMOVED}


def friend_link_set_status(*, link: FriendLink, status: str, by: Any, note: str = "") -> bool:
    """An editor approves (the link goes public) or removes a friend link; logged. Whether it changed."""
    if status not in FriendLink.Status.values:
        raise ValidationError({"status": _("Unknown status “%(status)s”.") % {"status": status}}, code="invalid")
    if link.status == status:
        return False
    old = link.status
    link.status = status
    link.reviewed_at = timezone.now()
    with transaction.atomic():
        link.save(update_fields=["status", "reviewed_at", "updated_at"])
        moderation_log_record(
            by=by,
            action=status,
            source="friend_link",
            object_id=link.pk,
            object_repr=str(link),
            note=note or f"{old} → {status}",
        )
        if FriendLink.Status.APPROVED in (old, status):
            _tell_readers(link, None)
    return True


def friend_link_moderate_many(*, pks: list[int], action: str, by: Any) -> list[FriendLink]:
    status = FRIEND_LINK_STATUSES.get(action)
    if status is None:
        raise ValidationError({"action": _("Unknown action “%(action)s”.") % {"action": action}}, code="invalid")
    changed = []
    with transaction.atomic():
        for link in FriendLink.objects.select_for_update().filter(pk__in=pks).order_by("pk"):
            if friend_link_set_status(link=link, status=status, by=by):
                changed.append(link)
    return changed


def friend_link_save(*, link: FriendLink, by: Any) -> FriendLink:
    """An editor adds or changes a friend link in the admin (the status through `friend_link_set_status`)."""
    link.full_clean()
    with transaction.atomic():
        link.save()
        if link.status == FriendLink.Status.APPROVED:
            _tell_readers(link, None)
    return link


def friend_link_check(*, link_id: int) -> FriendLink | None:
    """Check one approved link; mark it alive or dead (a dead link stays listed, marked)."""
    from .linkcheck import link_check

    link = FriendLink.objects.filter(pk=link_id, status=FriendLink.Status.APPROVED).first()
    if link is None:
        return None
    result = link_check(link.url)
    now = timezone.now()
    was = link.health
    link.health = FriendLink.Health.ALIVE if result.alive else FriendLink.Health.DEAD
    link.checked_at = now
    link.check_note = result.note[:200]
    if result.alive:
        link.dead_since = None
    elif link.dead_since is None:
        link.dead_since = now
    with transaction.atomic():
        link.save(update_fields=["health", "checked_at", "check_note", "dead_since", "updated_at"])
        if was != link.health:
            _tell_readers(link, None)
    return link


def friend_links_check_all() -> dict[str, int]:
    """The weekly check of every approved link; returns how many are alive and dead."""
    counts = {"alive": 0, "dead": 0}
    ids = list(FriendLink.objects.filter(status=FriendLink.Status.APPROVED).values_list("pk", flat=True))
    for pk in ids:
        link = friend_link_check(link_id=pk)
        if link is not None:
            counts[link.health] = counts.get(link.health, 0) + 1
    return counts


# --- Newsletter subscribers (reach) ---------------------------------------------------------------

NEWSLETTER_CONFIRM_SALT = "community.newsletter-confirm"
NEWSLETTER_UNSUBSCRIBE_SALT = "community.newsletter-unsubscribe"


def _language(code: str | None) -> str:
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _address_digest(email: str) -> str:
    """A keyed digest of the address: a token names the row and proves the address without showing it
    (signed tokens are readable base64, and links end up in logs)."""
    from django.utils.crypto import salted_hmac

    return salted_hmac("community.newsletter-address", email.lower()).hexdigest()[:20]


def subscriber_confirm_token(*, subscriber: Subscriber) -> str:
    """Signed, good for NEWSLETTER_CONFIRM_DAYS; names the row and (by digest) its address."""
    return signing.dumps({"s": subscriber.pk, "h": _address_digest(subscriber.email)}, salt=NEWSLETTER_CONFIRM_SALT)


def subscriber_unsubscribe_token(*, subscriber: Subscriber) -> str:
    """Signed, never expires: the only way to unsubscribe without signing in (never just an address)."""
    data = {"s": subscriber.pk, "h": _address_digest(subscriber.email)}
    return signing.dumps(data, salt=NEWSLETTER_UNSUBSCRIBE_SALT)


def _subscriber_from(token: str, *, salt: str, max_age: int | None) -> Subscriber | None:
    if not isinstance(token, str) or len(token) > 500:
        return None
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) or not isinstance(data.get("h"), str):
        return None
    subscriber = Subscriber.objects.filter(pk=data["s"]).first()
    if subscriber is None or not constant_time_compare(_address_digest(subscriber.email), data["h"]):
        return None
    return subscriber


def subscriber_from_confirm_token(*, token: str) -> Subscriber | None:
    max_age = settings.NEWSLETTER_CONFIRM_DAYS * 24 * 3600
    return _subscriber_from(token, salt=NEWSLETTER_CONFIRM_SALT, max_age=max_age)


def subscriber_from_unsubscribe_token(*, token: str) -> Subscriber | None:
    return _subscriber_from(token, salt=NEWSLETTER_UNSUBSCRIBE_SALT, max_age=None)


def subscribe_rate_hit(*, ip: str) -> Hit:
    """Subscribe attempts per client IP (NEWSLETTER_SUBSCRIBE_RATE_IP), pages and API alike."""
    return ratelimit_check(
        scope="community:subscribe", subjects={"ip": ip or ""}, rates={"ip": settings.NEWSLETTER_SUBSCRIBE_RATE_IP}
    )


def subscriber_subscribe(*, email: str, language: str) -> None:
    """Ask for the newsletter: a confirmation e-mail goes to the address (at most
    NEWSLETTER_SUBSCRIBE_RATE_EMAIL of them). Enumeration-safe: returns nothing and behaves the same
    whether the address is new, waiting, unsubscribed or already active (an active one gets no mail
    and keeps its language)."""
    from django.core.validators import validate_email

    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}, code="invalid") from exc
    language = _language(language)
    with transaction.atomic():
        subscriber, created = Subscriber.objects.select_for_update().get_or_create(
            email=email, defaults={"language": language}
        )
        if subscriber.status == Subscriber.Status.ACTIVE:
            return
        if not created:
            subscriber.language = language
            subscriber.status = Subscriber.Status.PENDING
            subscriber.save(update_fields=["language", "status", "updated_at"])
    hit = ratelimit_check(
        scope="community:subscribe-mail",
        subjects={"email": email},
        rates={"email": settings.NEWSLETTER_SUBSCRIBE_RATE_EMAIL},
    )
    if hit.allowed:
        enqueue_on_commit("apps.community.tasks.subscriber_confirmation_send_task", subscriber.pk)


def _newsletter_urls(subscriber: Subscriber | None, language: str) -> tuple[str, str]:
    """(unsubscribe page, one-click POST target): the same signed address serves both."""
    token = subscriber_unsubscribe_token(subscriber=subscriber) if subscriber is not None else "test"
    url = f"{settings.SITE_URL}/{language}/newsletter/unsubscribe/{token}/"
    return url, url


def _mail(*, to: str, template: str, context: dict[str, Any], unsubscribe_url: str, language: str) -> Any:
    """A newsletter e-mail (text + HTML) with the RFC 8058 one-click unsubscribe headers."""
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string

    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    context["unsubscribe_url"] = unsubscribe_url
    with translation.override(language):
        subject = " ".join(render_to_string(f"community/email/{template}_subject.txt", context).split())
        text = render_to_string(f"community/email/{template}_body.txt", context)
        html = render_to_string(f"community/email/{template}_body.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        headers={
            # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to this https address.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def subscriber_confirmation_send(*, subscriber_id: int) -> bool:
    """E-mail the confirmation link to a waiting subscriber (nothing for an active one)."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.Status.PENDING).first()
    if subscriber is None:
        return False
    language = _language(subscriber.language)
    token = subscriber_confirm_token(subscriber=subscriber)
    unsubscribe_url, _post = _newsletter_urls(subscriber, language)
    message = _mail(
        to=subscriber.email,
        template="newsletter_confirm",
        context={
            "confirm_url": f"{settings.SITE_URL}/{language}/newsletter/confirm/{token}/",
            "days": settings.NEWSLETTER_CONFIRM_DAYS,
        },
        unsubscribe_url=unsubscribe_url,
        language=language,
    )
    message.send()
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=timezone.now())
    return True


def subscriber_confirm(*, token: str) -> Subscriber | None:
    """The confirmation page's button (a POST; following the link never confirms): the subscription is
    active from now. None for a bad or expired token. Idempotent."""
    subscriber = subscriber_from_confirm_token(token=token)
    if subscriber is None:
        return None
    if subscriber.status != Subscriber.Status.ACTIVE:
        subscriber.status = Subscriber.Status.ACTIVE
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at", "updated_at"])
    return subscriber


def subscriber_unsubscribe(*, token: str) -> Subscriber | None:
    """Unsubscribe by the signed token of an e-mail (the page's button or a mail client's one-click
    POST). None for a bad token. Idempotent."""
    subscriber = subscriber_from_unsubscribe_token(token=token)
    if subscriber is None:
        return None
    if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at", "updated_at"])
    return subscriber


# --- Newsletter sending ---------------------------------------------------------------------------


def newsletter_on_publish(*, post: Post) -> list[str]:
    """A post went live: queue its newsletter in every language (unless NEWSLETTER_AUTO_SEND is off).
    The task sends once per post and language, ever. Returns the languages queued."""
    if not settings.NEWSLETTER_AUTO_SEND:
        return []
    languages = [code for code, _name in settings.LANGUAGES]
    for language in languages:
        enqueue_on_commit("apps.community.tasks.newsletter_send_task", post.pk, language)
    return languages


def _newsletter_context(*, post: Post, language: str) -> dict[str, Any]:
    """Title, summary and link: never the body (premium posts say they are premium)."""
    with translation.override(language):
        title = post.title
    return {
        "post_title": title,
        "summary": blog_selectors.post_summary_text(post=post, language=language),
        "post_url": f"{settings.SITE_URL}/{language}/posts/{post.slug}/",
        "is_premium": post.is_premium,
    }


def newsletter_message(*, post: Post, language: str, to: str, subscriber: Subscriber | None, test: bool = False) -> Any:
    language = _language(language)
    unsubscribe_url, _post = _newsletter_urls(subscriber, language)
    context = {**_newsletter_context(post=post, language=language), "is_test": test}
    return _mail(to=to, template="newsletter_post", context=context, unsubscribe_url=unsubscribe_url, language=language)


def newsletter_send_test(*, post: Post, language: str, by: Any) -> str:
    """An editor sees the e-mail first: sent to their own address only, logged nowhere else."""
    if not blog_selectors.user_is_editor(by):
        raise CommentingClosed(_("Only editors can send a test newsletter."))
    newsletter_message(post=post, language=language, to=by.email, subscriber=None, test=True).send()
    return by.email


def newsletter_skip(*, post: Post, language: str, by: Any) -> NewsletterIssue:
    """Keep this post (in this language) out of the newsletter: a "not sent" row, before it goes out."""
    language = _language(language)
    issue, created = NewsletterIssue.objects.get_or_create(
        post=post,
        language=language,
        defaults={
            "status": NewsletterIssue.Status.SKIPPED,
            "note": _("Skipped by an editor"),
            "finished_at": timezone.now(),
        },
    )
    if created:
        moderation_log_record(by=by, action="skip", source="newsletter", object_id=issue.pk, object_repr=str(issue))
    return issue


def _deliver(*, issue: NewsletterIssue, post: Post, subscriber: Subscriber, connection: Any) -> bool:
    """Claim, send, record, in one transaction: a failed send leaves no claim (retried later); a
    second task running at once waits on the unique row, then skips it."""
    from smtplib import SMTPRecipientsRefused

    try:
        with transaction.atomic():
            delivery = NewsletterDelivery.objects.create(issue=issue, subscriber=subscriber)
            message = newsletter_message(post=post, language=issue.language, to=subscriber.email, subscriber=subscriber)
            message.connection = connection
            try:
                message.send()
            except SMTPRecipientsRefused:
                return False  # the claim stays (unsent): this address is not tried again for this post
            now = timezone.now()
            NewsletterDelivery.objects.filter(pk=delivery.pk).update(sent_at=now)
            Subscriber.objects.filter(pk=subscriber.pk).update(emails_sent=F("emails_sent") + 1, last_sent_at=now)
    except IntegrityError:
        return False
    return True


def newsletter_send(*, post_id: int, language: str) -> int:
    """Send a published post to the confirmed subscribers of `language`, NEWSLETTER_BATCH_SIZE per
    SMTP connection. Once per post and language: the `NewsletterIssue` row is unique, and each
    subscriber's delivery row too, so a task that runs twice (or resumes after a failure) sends no
    e-mail twice. Returns how many e-mails this call sent."""
    from django.core.mail import get_connection

    language = _language(language)
    post = Post.objects.filter(pk=post_id).first()
    if post is None or not post.is_live:
        return 0
    try:
        with transaction.atomic():
            issue, _created = NewsletterIssue.objects.get_or_create(post=post, language=language)
    except IntegrityError:
        issue = NewsletterIssue.objects.get(post=post, language=language)
    if issue.status != NewsletterIssue.Status.SENDING:
        return 0
    sent = 0
    size = max(1, settings.NEWSLETTER_BATCH_SIZE)
    last_pk = 0
    while True:
        batch = list(
            selectors.subscriber_list_for_sending(language=language)
            .filter(pk__gt=last_pk)
            .exclude(deliveries__issue=issue)[:size]
        )
        if not batch:
            break
        last_pk = batch[-1].pk
        with get_connection() as connection:
            for subscriber in batch:
                sent += _deliver(issue=issue, post=post, subscriber=subscriber, connection=connection)
    NewsletterIssue.objects.filter(pk=issue.pk, status=NewsletterIssue.Status.SENDING).update(
        status=NewsletterIssue.Status.SENT,
        finished_at=timezone.now(),
        recipients=NewsletterDelivery.objects.filter(issue=issue, sent_at__isnull=False).count(),
    )
    return sent


@transaction.atomic
def friend_link_import(
    *,
    link: FriendLink | None,
    name: str,
    url: str,
    logo_url: str,
    description_en: str,
    description_zh_hans: str,
    applicant: Any,
    status: str,
    is_featured: bool,
) -> FriendLink:
    """A friend link as another site listed it (no e-mail to the editors)."""
    link = link or FriendLink()
    link.name, link.url = name[:80], url[:300]
    link.logo_url = logo_url[:300] if logo_url.lower().startswith("https://") else ""
    link.description_en, link.description_zh_hans = description_en[:300], description_zh_hans[:300]
    link.applicant = applicant
    link.status, link.is_featured = status, is_featured
    if status != FriendLink.Status.PENDING:
        link.reviewed_at = link.reviewed_at or timezone.now()
    link.full_clean(exclude=["applicant", "logo"])
    link.save()
    return link


@transaction.atomic
def subscriber_import(
    *,
    subscriber: Subscriber | None,
    email: str,
    language: str,
    active: bool,
    subscribed_at: Any,
    unsubscribed_at: Any,
    emails_sent: int,
    last_sent_at: Any,
) -> Subscriber:
    """A subscriber of another site: its consent there counts as confirmed (`confirmed_at` is when it
    subscribed there), an unsubscribed one stays unsubscribed. No confirmation e-mail."""
    subscriber = subscriber or Subscriber.objects.filter(email=email.strip().lower()).first() or Subscriber()
    subscriber.email = email.strip().lower()
    subscriber.language = language
    subscriber.confirmed_at = subscribed_at or timezone.now()
    subscriber.status = Subscriber.Status.ACTIVE if active else Subscriber.Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = None if active else (unsubscribed_at or timezone.now())
    subscriber.emails_sent = max(emails_sent, 0)
    subscriber.last_sent_at = last_sent_at
    subscriber.full_clean()
    subscriber.save()
    return subscriber
