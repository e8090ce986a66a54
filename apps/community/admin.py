"""The community back office: the moderation queue (one page for everything waiting), comments,
bans, the blocklist and the moderation log. Every write goes through `services` (and the queue through
`moderation`), so each action is logged the same way whoever makes it."""

from typing import Any

from django import forms
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
from .models import Ban, BlockedTerm, Bookmark, Comment, Like, ModerationLog, ModerationQueue

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
        return [
            path("history/", view(self.history_view), name="community_moderation_history"),
            *super().get_urls(),
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

    def history_view(self, request: HttpRequest) -> HttpResponse:
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


@admin.register(ModerationLog)
class ModerationLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "action", "source", "object_id", "object_repr", "note")
    list_filter = ("action", "source")
    search_fields = ("object_repr", "note", "actor__email", "object_id")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"


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
