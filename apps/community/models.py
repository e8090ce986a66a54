"""Community data: comments and the message board, likes, bookmarks, notification preferences, spam
rules (blocklist, bans) and the moderation log.

The rules about one row live here (`Comment.clean`, the constraints); every write goes through
`services.py`.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel

# --- Comments and the message board (helper `talk`) ---------------------------------------------

MAX_DEPTH = 3  # replies nest this deep; a reply to a comment at this depth is placed beside it


class Comment(TimeStampedModel):
    """A comment on a post, or a message on the board (a section of type "board"): exactly one target.

    `parent` is where the comment sits in the thread (at most `MAX_DEPTH` levels); `reply_to` is the
    comment it answers, which differs from `parent` when a reply to a third-level comment is placed
    beside it. `root` is the thread's top-level comment (null for a top-level comment), so a whole
    thread loads in one query. A deleted comment keeps its row (and its place) with its text erased.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        REMOVED = "removed", _("Removed")

    post = models.ForeignKey(
        "blog.Post", verbose_name=_("post"), null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    board = models.ForeignKey(
        "blog.Section",
        verbose_name=_("board"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="board_messages",
        limit_choices_to={"type": "board"},
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    reply_to = models.ForeignKey(
        "self", verbose_name=_("in reply to"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    root = models.ForeignKey(
        "self", verbose_name=_("thread"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=1)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    guest_name = models.CharField(_("guest name"), max_length=80, blank=True)
    # Never shown publicly, nor in the API: editors see it in the admin only.
    guest_email = models.EmailField(_("guest e-mail"), blank=True)
    body = models.TextField(_("text (Markdown)"), blank=True)
    body_html = models.TextField(_("rendered text"), blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    status_reason = models.CharField(
        _("why it is held"), max_length=200, blank=True, help_text=_("The rule that held or flagged it, if any.")
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    notify_replies = models.BooleanField(
        _("e-mail replies"), default=True, help_text=_("For guests: e-mail them when someone replies.")
    )
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=(Q(post__isnull=False) & Q(board__isnull=True))
                | (Q(post__isnull=True) & Q(board__isnull=False)),
                name="community_comment_exactly_one_target",
                violation_error_message=_("A comment belongs to a post or to the board, not both and not neither."),
                violation_error_code="one_target",
            ),
            models.CheckConstraint(
                condition=Q(depth__gte=1) & Q(depth__lte=MAX_DEPTH),
                name="community_comment_depth_range",
            ),
        ]
        indexes = [
            models.Index(fields=["post", "status", "created_at"], name="community_comment_post_idx"),
            models.Index(fields=["board", "status", "created_at"], name="community_comment_board_idx"),
            models.Index(fields=["status", "created_at"], name="community_comment_status_idx"),
            models.Index(fields=["user", "status"], name="community_comment_user_idx"),
            models.Index(fields=["guest_email"], name="community_comment_guest_idx"),
        ]

    def __str__(self) -> str:
        text = " ".join((self.body or "").split())
        return text[:60] + ("…" if len(text) > 60 else "") or f"#{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_guest(self) -> bool:
        return self.user_id is None and bool(self.guest_email)

    @property
    def author_email(self) -> str:
        """Where notifications go (editors only ever see it in the admin)."""
        if self.user_id is not None:
            return self.user.email
        return self.guest_email

    def editable_until(self) -> datetime:
        return self.created_at + timedelta(minutes=settings.COMMUNITY_EDIT_MINUTES)

    def clean(self) -> None:
        super().clean()
        limit = settings.COMMUNITY_COMMENT_MAX_CHARS
        size = len(self.body or "")
        if self.deleted_at is None and not (self.body or "").strip():
            raise ValidationError({"body": ValidationError(_("Write something first."), code="required")})
        if size > limit:
            raise ValidationError(
                {
                    "body": ValidationError(
                        _("The text is too long: %(size)d characters, at most %(limit)d."),
                        code="too_long",
                        params={"size": size, "limit": limit},
                    )
                }
            )


class CommentNotification(models.Model):
    """One e-mail about one comment to one address: the row is claimed before sending, so a task that
    runs twice never sends twice."""

    class Reason(models.TextChoices):
        POST_AUTHOR = "post_author", _("New comment on their post")
        REPLY = "reply", _("Reply to their comment")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notifications")
    email = models.EmailField(_("e-mail"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment notification")
        verbose_name_plural = _("comment notifications")
        constraints = [
            models.UniqueConstraint(fields=("comment", "email"), name="community_notification_once_per_address")
        ]

    def __str__(self) -> str:
        return f"{self.comment_id} → {self.get_reason_display()} ({self.status})"


class NotificationPreference(models.Model):
    """Which comment e-mails a user wants (no row: both on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_notification_preference"
    )
    email_on_reply = models.BooleanField(_("e-mail me replies to my comments"), default=True)
    email_on_post_comment = models.BooleanField(_("e-mail me comments on my posts"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user_id)


class Like(models.Model):
    """One like per signed-in user per post; counts are always computed from these rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="likes"
    )
    post = models.ForeignKey("blog.Post", verbose_name=_("post"), on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("like")
        verbose_name_plural = _("likes")
        ordering = ("-created_at", "-id")
        constraints = [models.UniqueConstraint(fields=("user", "post"), name="community_like_once")]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.post_id}"


class Bookmark(models.Model):
    """A post a signed-in user saved for later ("My bookmarks")."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="bookmarks"
    )
    post = models.ForeignKey("blog.Post", verbose_name=_("post"), on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        ordering = ("-created_at", "-id")
        constraints = [models.UniqueConstraint(fields=("user", "post"), name="community_bookmark_once")]

    def __str__(self) -> str:
        return f"{self.user_id} ⚑ {self.post_id}"


class BlockedTerm(TimeStampedModel):
    """The blocklist editors keep: a word (or phrase) in a comment, or the domain of its e-mail
    address, files the comment as spam."""

    class Kind(models.TextChoices):
        WORD = "word", _("Word or phrase")
        EMAIL_DOMAIN = "email_domain", _("E-mail domain")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WORD)
    value = models.CharField(_("value"), max_length=100, help_text=_("Matched case-insensitively."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("blocked term")
        verbose_name_plural = _("blocklist")
        ordering = ("kind", "value")
        constraints = [models.UniqueConstraint(fields=("kind", "value"), name="community_blockedterm_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self) -> None:
        super().clean()
        self.value = " ".join((self.value or "").split()).lower()
        if self.kind == self.Kind.EMAIL_DOMAIN:
            self.value = self.value.lstrip("@")
            if not self.value or "@" in self.value or " " in self.value or "." not in self.value:
                raise ValidationError({"value": _("Enter a domain such as “example.com”.")}, code="invalid")
        elif not self.value:
            raise ValidationError({"value": _("Enter a word or phrase.")}, code="required")


class Ban(TimeStampedModel):
    """Someone who may no longer comment: an account, an e-mail address or a whole e-mail domain."""

    class Kind(models.TextChoices):
        USER = "user", _("Account")
        EMAIL = "email", _("E-mail address")
        DOMAIN = "domain", _("E-mail domain")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="community_bans",
    )
    value = models.CharField(_("address or domain"), max_length=254, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ban")
        verbose_name_plural = _("bans")
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="user") & Q(user__isnull=False)) | (~Q(kind="user") & ~Q(value="")),
                name="community_ban_has_subject",
                violation_error_message=_("Choose the account to ban, or type the address or domain."),
                violation_error_code="no_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user if self.kind == self.Kind.USER else self.value}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None

    def clean(self) -> None:
        super().clean()
        self.value = (self.value or "").strip().lower()
        if self.kind == self.Kind.DOMAIN:
            self.value = self.value.lstrip("@")


class ModerationLog(models.Model):
    """Every moderation action: who did what to which item, when."""

    # The codes stored in `action` and `source` (the services write them), as the admin shows them.
    ACTION_LABELS = {
        "pending": _("Pending"),
        "approved": _("Approved"),
        "spam": _("Spam"),
        "removed": _("Removed"),
        "ban": _("Ban"),
        "unban": _("Lift ban"),
        "blocklist": _("Block term"),
        "unblock": _("Unblock term"),
        "skip": _("Skip"),
    }
    SOURCE_LABELS = {
        "comment": _("comment"),
        "ban": _("ban"),
        "blocklist": _("blocked term"),
        "friend_link": _("friend link"),
        "newsletter": _("newsletter"),
    }

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=30)
    source = models.CharField(_("kind of item"), max_length=30)
    object_id = models.CharField(_("item id"), max_length=40, blank=True)
    object_repr = models.CharField(_("item"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["source", "object_id"], name="community_modlog_item_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action_label} {self.source_label} #{self.object_id}"

    @property
    def action_label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))

    @property
    def source_label(self) -> str:
        return str(self.SOURCE_LABELS.get(self.source, self.source))


class ModerationQueue(Comment):
    """The admin's moderation queue page (one page for everything waiting, whatever its source)."""

    class Meta:
        proxy = True
        verbose_name = _("moderation queue")
        verbose_name_plural = _("moderation queue")


# --- end of talk's models -----------------------------------------------------------------------


# --- Friend links and newsletter subscribers (helper `reach`) -------------------------------------


class FriendLink(TimeStampedModel):
    """A link to another blog on the friends page: applied for by a signed-in user, public once an
    editor approves it. The weekly checker marks links that stopped answering as dead (never removes)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REMOVED = "removed", _("Removed")

    class Health(models.TextChoices):
        UNKNOWN = "unknown", _("Not checked yet")
        ALIVE = "alive", _("Reachable")
        DEAD = "dead", _("Unreachable")

    name = models.CharField(_("site name"), max_length=80)
    url = models.URLField(_("address"), max_length=300)
    logo_url = models.URLField(_("logo address"), max_length=300, blank=True)
    logo = models.ForeignKey(
        "media.Asset", verbose_name=_("logo"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    description_zh_hans = models.CharField(_("description (Chinese)"), max_length=300, blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="friend_links",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    is_featured = models.BooleanField(_("featured"), default=False, help_text=_("Listed first."))
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Smaller comes first."))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    health = models.CharField(_("link check"), max_length=10, choices=Health.choices, default=Health.UNKNOWN)
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    check_note = models.CharField(_("check result"), max_length=200, blank=True)
    dead_since = models.DateTimeField(_("unreachable since"), null=True, blank=True)

    class Meta:
        verbose_name = _("friend link")
        verbose_name_plural = _("friend links")
        ordering = ("-is_featured", "position", "name", "id")
        indexes = [models.Index(fields=["status", "is_featured", "position"], name="community_friend_list_idx")]

    def __str__(self) -> str:
        return self.name or self.url

    def description_for(self, language: str) -> str:
        """The description in `language`, else the other one."""
        first, second = (
            (self.description_zh_hans, self.description_en)
            if language.startswith("zh")
            else (self.description_en, self.description_zh_hans)
        )
        return first or second

    @property
    def logo_src(self) -> str:
        """The uploaded logo (a public image) or the logo address, or ""."""
        if self.logo_id is not None and self.logo is not None and self.logo.visibility == "public" and self.logo.file:
            return self.logo.file.url
        return self.logo_url

    def clean(self) -> None:
        super().clean()
        if self.url and not self.url.lower().startswith(("http://", "https://")):
            raise ValidationError({"url": _("Enter an http:// or https:// address.")}, code="invalid")
        if self.logo_url and not self.logo_url.lower().startswith("https://"):
            raise ValidationError({"logo_url": _("A logo address must start with https://.")}, code="invalid")
        if not (self.description_en or "").strip() and not (self.description_zh_hans or "").strip():
            raise ValidationError({"description_en": _("Describe the site in at least one language.")}, code="required")


class Subscriber(TimeStampedModel):
    """A newsletter subscriber: an address and the language of its e-mails. Active only once the
    confirmation link was followed by a POST (`confirmed_at`)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Active")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.PENDING)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    emails_sent = models.PositiveIntegerField(_("newsletters sent"), default=0)
    last_sent_at = models.DateTimeField(_("last newsletter"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["status", "language"], name="community_subscriber_send_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.language}, {self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class NewsletterIssue(models.Model):
    """The sending log: one row per post and language, ever (the unique constraint is what makes a
    task that runs twice, or a post published twice, send once). A row made by an editor with status
    "skipped" before publishing keeps that post out of the newsletter."""

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent")

    post = models.ForeignKey("blog.Post", verbose_name=_("post"), on_delete=models.CASCADE, related_name="+")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENDING)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter sending")
        verbose_name_plural = _("newsletter sendings")
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=("post", "language"), name="community_newsletter_once_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.post_id} [{self.language}] {self.get_status_display()}"


class NewsletterDelivery(models.Model):
    """One newsletter e-mail to one subscriber: claimed before sending, so a resumed task skips it."""

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter delivery")
        verbose_name_plural = _("newsletter deliveries")
        constraints = [
            models.UniqueConstraint(fields=("issue", "subscriber"), name="community_newsletter_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.subscriber_id}"
