"""The community back office: the moderation queue (one page for everything waiting), comments,
bans, the blocklist and the moderation log. Every write goes through `services` (and the queue through
`moderation`), so each action is logged the same way whoever makes it."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.blog import selectors as blog_selectors

from . import moderation, selectors, services
from .models import (
    Ban,
    BlockedTerm,
    Bookmark,
    Comment,
    FriendLink,
    Like,
    ModerationLog,
    ModerationQueue,
    NewsletterIssue,
    Subscriber,
)

_HEAVY_POST = tuple(f"post__{name}" for name in blog_selectors.HEAVY_POST_FIELDS)

# --- The moderation queue ---------------------------------------------------------------------------


@admin.register(ModerationQueue)
class ModerationQueueAdmin(admin.ModelAdmin):
    """Not a list of rows: the queue page of every registered source (see `moderation.py`)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("community.change_comment")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("community.change_comment")

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        # The queue page and an author's history only: Django's per-row URLs (change, history, delete)
        # would route a comment to views this page is not (its `history/<id>` collided with ours: a 500).
        return [
            path("history/", view(self.author_history_view), name="community_moderation_history"),
            path("", view(self.changelist_view), name="community_moderationqueue_changelist"),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        status = "spam" if request.GET.get("status") == "spam" else "pending"
        if request.method == "POST":
            return self._apply(request, status)
        sections = [(source, source.waiting(status=status)) for source in moderation.sources()]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Moderation queue"),
            "status": status,
            "sections": sections,
            "total": sum(len(items) for _source, items in sections),
            "actions": moderation.ACTIONS,
            "history_url": reverse("admin:community_moderation_history"),
            "log_url": reverse("admin:community_moderationlog_changelist"),
        }
        return TemplateResponse(request, "admin/community/moderation_queue.html", context)

    def _apply(self, request: HttpRequest, status: str) -> HttpResponse:
        selection = moderation.parse_selection(request.POST.getlist("item"))
        action = request.POST.get("action", "")
        if not selection:
            self.message_user(request, _("Choose at least one item."), messages.WARNING)
        else:
            try:
                outcome = moderation.moderation_apply(action=action, selection=selection, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                text = ngettext("%(n)d item changed.", "%(n)d items changed.", outcome.changed) % {"n": outcome.changed}
                if outcome.bans:
                    text += " " + ngettext("%(n)d ban.", "%(n)d bans.", outcome.bans) % {"n": outcome.bans}
                if outcome.skipped:
                    text += " " + ngettext(
                        "%(n)d left as it was (already done, or not possible for that kind of item).",
                        "%(n)d left as they were (already done, or not possible for that kind of item).",
                        outcome.skipped,
                    ) % {"n": outcome.skipped}
                self.message_user(request, text, messages.SUCCESS)
        suffix = "?status=spam" if status == "spam" else ""
        return HttpResponseRedirect(reverse("admin:community_moderationqueue_changelist") + suffix)

    def author_history_view(self, request: HttpRequest) -> HttpResponse:
        """An author's comments (every status), the bans that concern them and the moderation of those."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        key = request.GET.get("author", "")
        comments = selectors.comment_history(key=key)
        log = list(selectors.moderation_log_for(source="comment", object_ids=[str(c.pk) for c in comments])[:200])
        email = key[6:] if key.startswith("email:") else (comments[0].author_email if comments else "")
        user_id = comments[0].user_id if key.startswith("user:") and comments else None
        bans = selectors.ban_list_for(user_id=user_id, email=email)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Author history"),
            "author_key": key,
            "author": selectors.comment_author_label(comments[0]) if comments else key,
            "email": email,
            "comments": comments,
            "log": log,
            "bans": bans,
        }
        return TemplateResponse(request, "admin/community/moderation_history.html", context)


# --- Comments -----------------------------------------------------------------------------------


class CommentAdminForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ("status",)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    form = CommentAdminForm
    list_display = ("short_text", "where", "author", "status", "created_at")
    list_filter = ("status", "language", ("board", admin.RelatedOnlyFieldListFilter))
    search_fields = ("body", "guest_name", "guest_email", "user__email", "user__display_name")
    list_select_related = ("user", "post", "board")
    date_hierarchy = "created_at"
    readonly_fields = (
        "where",
        "author",
        "guest_email",
        "user_email",
        "ip_address",
        "rendered",
        "body",
        "parent",
        "reply_to",
        "depth",
        "status_reason",
        "language",
        "created_at",
        "edited_at",
        "deleted_at",
    )
    fields = (
        "where",
        "author",
        "user_email",
        "guest_email",
        "ip_address",
        "status",
        "status_reason",
        "rendered",
        "body",
        "parent",
        "reply_to",
        "depth",
        "language",
        "created_at",
        "edited_at",
        "deleted_at",
    )
    actions = ("approve", "mark_spam", "remove")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return super().get_queryset(request).defer(*_HEAVY_POST)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments come from readers, on the pages or through the API

    @admin.display(description=_("text"))
    def short_text(self, obj: Comment) -> str:
        return str(obj) if obj.deleted_at is None else _("(deleted)")

    @admin.display(description=_("on"))
    def where(self, obj: Comment) -> str:
        return str(obj.post) if obj.post_id else f"{_('Board')}: {obj.board}"

    @admin.display(description=_("author"))
    def author(self, obj: Comment) -> str:
        return selectors.comment_author_label(obj) + (f" ({_('guest')})" if obj.user_id is None else "")

    @admin.display(description=_("account e-mail"))
    def user_email(self, obj: Comment) -> str:
        return obj.user.email if obj.user_id else ""

    @admin.display(description=_("as readers see it"))
    def rendered(self, obj: Comment) -> str:
        return format_html('<div class="comment-body">{}</div>', obj.body_html) if obj.body_html else "—"

    def save_model(self, request: HttpRequest, obj: Comment, form: forms.ModelForm, change: bool) -> None:
        status = form.cleaned_data["status"]
        stored = Comment.objects.get(pk=obj.pk)
        services.comment_set_status(comment=stored, status=status, by=request.user, note="admin")

    def _moderate(self, request: HttpRequest, queryset: QuerySet[Comment], action: str) -> None:
        pks = list(queryset.values_list("pk", flat=True))
        changed = services.comment_moderate_many(pks=pks, action=action, by=request.user)
        text = ngettext("%(n)d comment changed.", "%(n)d comments changed.", len(changed))
        self.message_user(request, text % {"n": len(changed)})

    @admin.action(description=_("Approve"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, "approve")

    @admin.action(description=_("Mark as spam"), permissions=["change"])
    def mark_spam(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, "spam")

    @admin.action(description=_("Remove"), permissions=["change"])
    def remove(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, "remove")


# --- Bans and the blocklist ---------------------------------------------------------------------


class BanAdminForm(forms.ModelForm):
    class Meta:
        model = Ban
        fields = ("kind", "user", "value", "reason")


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    form = BanAdminForm
    list_display = ("__str__", "kind", "reason", "created_by", "created_at", "lifted_at")
    list_filter = ("kind", ("lifted_at", admin.EmptyFieldListFilter))
    search_fields = ("value", "user__email", "user__display_name", "reason")
    autocomplete_fields = ("user",)
    actions = ("lift",)

    def get_readonly_fields(self, request: HttpRequest, obj: Ban | None = None) -> tuple[str, ...]:
        if obj is not None:  # a ban is lifted with the action, never edited
            return ("kind", "user", "value", "reason", "created_by", "created_at", "lifted_at")
        return ()

    def save_model(self, request: HttpRequest, obj: Ban, form: forms.ModelForm, change: bool) -> None:
        if change:
            return
        ban = services.ban_create(by=request.user, kind=obj.kind, user=obj.user, value=obj.value, reason=obj.reason)
        obj.pk = ban.pk

    @admin.action(description=_("Lift the selected bans"), permissions=["change"])
    def lift(self, request: HttpRequest, queryset: QuerySet[Ban]) -> None:
        bans = list(queryset.filter(lifted_at__isnull=True))
        for ban in bans:
            services.ban_lift(ban=ban, by=request.user)
        self.message_user(request, ngettext("%(n)d ban lifted.", "%(n)d bans lifted.", len(bans)) % {"n": len(bans)})


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    list_display = ("value", "kind", "note", "created_at")
    list_filter = ("kind",)
    search_fields = ("value", "note")
    fields = ("kind", "value", "note")

    def save_model(self, request: HttpRequest, obj: BlockedTerm, form: forms.ModelForm, change: bool) -> None:
        services.blocked_term_save(term=obj, by=request.user)

    def delete_model(self, request: HttpRequest, obj: BlockedTerm) -> None:
        services.blocked_term_delete(term=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[BlockedTerm]) -> None:
        for term in queryset:
            services.blocked_term_delete(term=term, by=request.user)


# --- Read-only records --------------------------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _CodeFilter(admin.SimpleListFilter):
    """A filter over one of ModerationLog's code columns, showing the codes' labels."""

    labels: dict[str, Any] = {}

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(self.labels.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset.filter(**{self.parameter_name: value}) if value else queryset


class _ActionFilter(_CodeFilter):
    title = _("action")
    parameter_name = "action"
    labels = ModerationLog.ACTION_LABELS


class _SourceFilter(_CodeFilter):
    title = _("kind of item")
    parameter_name = "source"
    labels = ModerationLog.SOURCE_LABELS


@admin.register(ModerationLog)
class ModerationLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "action_label", "source_label", "object_id", "object_repr", "note")
    list_filter = (_ActionFilter, _SourceFilter)
    fields = ("created_at", "actor", "action_label", "source_label", "object_id", "object_repr", "note")
    readonly_fields = fields
    search_fields = ("object_repr", "note", "actor__email", "object_id")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, entry: ModerationLog) -> str:
        return entry.action_label

    @admin.display(description=_("kind of item"), ordering="source")
    def source_label(self, entry: ModerationLog) -> str:
        return entry.source_label


@admin.register(Like)
class LikeAdmin(ReadOnlyAdmin):
    list_display = ("post", "user", "created_at")
    list_select_related = ("post", "user")
    search_fields = ("post__slug", "user__email")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Like]:
        return super().get_queryset(request).defer(*_HEAVY_POST)


@admin.register(Bookmark)
class BookmarkAdmin(ReadOnlyAdmin):
    list_display = ("post", "user", "created_at")
    list_select_related = ("post", "user")
    search_fields = ("post__slug", "user__email")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Bookmark]:
        return super().get_queryset(request).defer(*_HEAVY_POST)


# --- Friend links and the newsletter (reach) --------------------------------------------------------


class FriendLinkAdminForm(forms.ModelForm):
    url = forms.URLField(label=_("address"), max_length=300, assume_scheme="https")
    logo_url = forms.URLField(label=_("logo address"), max_length=300, required=False, assume_scheme="https")

    class Meta:
        model = FriendLink
        fields = (
            "name",
            "url",
            "logo_url",
            "logo",
            "description_en",
            "description_zh_hans",
            "is_featured",
            "position",
            "status",
        )


@admin.register(FriendLink)
class FriendLinkAdmin(admin.ModelAdmin):
    form = FriendLinkAdminForm
    list_display = ("name", "url", "status", "is_featured", "position", "health", "checked_at")
    list_filter = ("status", "is_featured", "health")
    list_editable = ("is_featured", "position")
    search_fields = ("name", "url", "description_en", "description_zh_hans")
    list_select_related = ("applicant",)
    raw_id_fields = ("logo",)
    readonly_fields = ("applicant", "reviewed_at", "health", "checked_at", "check_note", "dead_since", "created_at")
    actions = ("approve", "remove", "check_now")

    def save_model(self, request: HttpRequest, obj: FriendLink, form: forms.ModelForm, change: bool) -> None:
        status = form.cleaned_data["status"]
        if change:
            stored = FriendLink.objects.get(pk=obj.pk)
            obj.status = stored.status
        else:
            obj.applicant = None
            obj.status = FriendLink.Status.PENDING
        services.friend_link_save(link=obj, by=request.user)
        services.friend_link_set_status(link=obj, status=status, by=request.user, note="admin")

    def _moderate(self, request: HttpRequest, queryset: QuerySet[FriendLink], action: str) -> None:
        pks = list(queryset.values_list("pk", flat=True))
        changed = services.friend_link_moderate_many(pks=pks, action=action, by=request.user)
        text = ngettext("%(n)d friend link changed.", "%(n)d friend links changed.", len(changed))
        self.message_user(request, text % {"n": len(changed)})

    @admin.action(description=_("Approve"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[FriendLink]) -> None:
        self._moderate(request, queryset, "approve")

    @admin.action(description=_("Remove"), permissions=["change"])
    def remove(self, request: HttpRequest, queryset: QuerySet[FriendLink]) -> None:
        self._moderate(request, queryset, "remove")

    @admin.action(description=_("Check the links now"), permissions=["change"])
    def check_now(self, request: HttpRequest, queryset: QuerySet[FriendLink]) -> None:
        dead = 0
        for pk in queryset.filter(status=FriendLink.Status.APPROVED).values_list("pk", flat=True)[:50]:
            link = services.friend_link_check(link_id=pk)
            dead += link is not None and link.health == FriendLink.Health.DEAD
        self.message_user(request, _("Checked. Unreachable: %(n)d.") % {"n": dead})


class EditorsSeeEmails:
    """Only editors see subscribers' addresses (other staff get the "hidden" column instead)."""

    def _sees_emails(self, request: HttpRequest) -> bool:
        return blog_selectors.user_is_editor(request.user)


_SUBSCRIBER_COLUMNS = ("language", "status", "confirmed_at", "emails_sent", "last_sent_at", "created_at")
_SUBSCRIBER_FIELDS = (
    "language",
    "status",
    "confirmed_at",
    "unsubscribed_at",
    "confirmation_sent_at",
    "emails_sent",
    "last_sent_at",
    "created_at",
)


@admin.register(Subscriber)
class SubscriberAdmin(EditorsSeeEmails, admin.ModelAdmin):
    list_filter = ("status", "language", ("confirmed_at", admin.DateFieldListFilter))
    date_hierarchy = "created_at"
    actions = ("export_csv",)
    list_display = ("hidden_email", *_SUBSCRIBER_COLUMNS)

    def _email_field(self, request: HttpRequest) -> str:
        return "email" if self._sees_emails(request) else "hidden_email"

    def get_list_display(self, request: HttpRequest) -> tuple[str, ...]:
        return (self._email_field(request), *_SUBSCRIBER_COLUMNS)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return (self._email_field(request), *_SUBSCRIBER_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return self.get_fields(request, obj)

    def get_search_fields(self, request: HttpRequest) -> tuple[str, ...]:
        return ("email",) if self._sees_emails(request) else ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people subscribe themselves (and confirm by e-mail)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("e-mail"))
    def hidden_email(self, obj: Subscriber) -> str:
        return _("(hidden)")

    @admin.action(description=_("Export the selected subscribers as CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> HttpResponse:
        import csv

        if not self._sees_emails(request):
            raise PermissionDenied
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="subscribers.csv"'
        response["Cache-Control"] = "no-store"
        writer = csv.writer(response)
        writer.writerow(["email", "language", "status", "confirmed_at", "emails_sent", "created_at"])
        for sub in queryset.order_by("pk").iterator():
            email = sub.email if not sub.email.startswith(("=", "+", "-", "@")) else "'" + sub.email
            confirmed = sub.confirmed_at.isoformat() if sub.confirmed_at else ""
            writer.writerow([email, sub.language, sub.status, confirmed, sub.emails_sent, sub.created_at.isoformat()])
        return response


class NewsletterToolForm(forms.Form):
    post = forms.CharField(label=_("Post (its slug)"), max_length=200)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(admin.ModelAdmin):
    """The sending log (one row per post and language) and the editors' tools: send a test to
    yourself first, or keep a post out of the newsletter before publishing it."""

    list_display = ("post", "language", "status", "recipients", "delivered", "created_at", "finished_at")
    list_filter = ("status", "language")
    list_select_related = ("post",)
    readonly_fields = ("post", "language", "status", "note", "recipients", "created_at", "finished_at")
    change_list_template = "admin/community/newsletter_changelist.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[NewsletterIssue]:
        from django.db.models import Count, Q

        return (
            super()
            .get_queryset(request)
            .defer(*_HEAVY_POST)
            .annotate(delivered_count=Count("deliveries", filter=Q(deliveries__sent_at__isnull=False)))
        )

    @admin.display(description=_("delivered"))
    def delivered(self, obj: NewsletterIssue) -> int:
        return getattr(obj, "delivered_count", 0)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [path("tools/", view(self.tools_view), name="community_newsletter_tools"), *super().get_urls()]

    def tools_view(self, request: HttpRequest) -> HttpResponse:
        from apps.blog.models import Post

        if not blog_selectors.user_is_editor(request.user):
            raise PermissionDenied
        form = NewsletterToolForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            post = Post.objects.filter(slug=form.cleaned_data["post"].strip()).first()
            language = form.cleaned_data["language"]
            if post is None:
                form.add_error("post", _("No post has this slug."))
            elif "skip" in request.POST:
                issue = services.newsletter_skip(post=post, language=language, by=request.user)
                if issue.status == NewsletterIssue.Status.SKIPPED:
                    self.message_user(request, _("This post will not be sent in this language."))
                else:
                    self.message_user(request, _("Too late: this post was already sent."), messages.WARNING)
                return HttpResponseRedirect(reverse("admin:community_newsletterissue_changelist"))
            else:
                to = services.newsletter_send_test(post=post, language=language, by=request.user)
                self.message_user(request, _("A test was sent to %(email)s.") % {"email": to})
                return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Newsletter: test or skip a post"),
            "form": form,
            "auto_send": settings.NEWSLETTER_AUTO_SEND,
        }
        return TemplateResponse(request, "admin/community/newsletter_tools.html", context)
