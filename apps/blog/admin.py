"""The editorial back office: posts (tabbed languages, live preview, workflow actions, preview links,
revision history with diff and restore), sections, tags, projects, access grants and preview links.

Every write goes through `services`, so the admin behaves exactly like the API.
"""

import contextlib
import copy
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin

from apps.core.numbers import parse_whole_number
from apps.media.errors import SpeechNotConfigured
from apps.media.models import Asset
from apps.media.selectors import asset_thumbnail_url

from . import selectors, services
from .assistant import translation_unavailable_reason
from .errors import AssistantUnavailable, IllegalTransition
from .models import (
    LANGUAGE_CODES,
    TRANSLATABLE_FIELD_LABELS,
    AccessGrant,
    AIJob,
    GlossaryTerm,
    KeyPoints,
    Post,
    PostRevision,
    PreviewLink,
    Project,
    ReviewState,
    Section,
    Tag,
    TranslationDraft,
    lang_suffix,
)
from .rendering import render_markdown


def preview_url(link: PreviewLink, language: str | None = None, request: HttpRequest | None = None) -> str:
    """The absolute URL of a preview link's reader page (`/<lang>/preview/<token>/`)."""
    language = language or link.post.source_language
    with translation.override(language):
        location = reverse("blog:preview", kwargs={"token": link.token})
    if request is not None:
        return request.build_absolute_uri(location)
    return settings.SITE_URL.rstrip("/") + location


# --- Posts --------------------------------------------------------------------------------------


class PostAdminForm(forms.ModelForm):
    # No Meta: the ModelAdmin supplies the model and the fields (from its fieldsets).

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any one language may be the source: the model's clean() asks for a title in that one.
        for code in LANGUAGE_CODES:
            name = f"title_{lang_suffix(code)}"
            if name in self.fields:
                self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        status = cleaned.get("status")
        if status:
            # Try the move on a copy of the stored post, so a refusal shows next to its field; the save
            # makes it for real through `post_update`, by the same model method (same rule, same message).
            # The rest (a title in the source language, each body's size) is the model's clean().
            probe = copy.copy(self.instance)
            try:
                probe.set_publishing(status=status, at=cleaned.get("published_at"))
            except IllegalTransition as exc:
                self.add_error(exc.field, exc)
        return cleaned


class ScheduleActionForm(ActionForm):
    at = forms.DateTimeField(
        label=_("Schedule for"),
        required=False,
        help_text=_("Used by “Schedule”: YYYY-MM-DD HH:MM."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )


class LanguageCompletenessFilter(admin.SimpleListFilter):
    title = _("languages")
    parameter_name = "languages"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        choices = [("complete", _("Both languages"))]
        for code, name in settings.LANGUAGES:
            choices.append((f"missing-{code}", _("Missing %(language)s") % {"language": name}))
        return choices

    def queryset(self, request: HttpRequest, queryset: QuerySet[Post]) -> QuerySet[Post]:
        def has(code: str) -> Q:
            suffix = lang_suffix(code)
            return Q(**{f"title_{suffix}__gt": ""}) & Q(**{f"body_{suffix}__gt": ""})

        value = self.value()
        if value == "complete":
            condition = Q()
            for code in LANGUAGE_CODES:
                condition &= has(code)
            return queryset.filter(condition)
        if value and value.startswith("missing-") and value[8:] in LANGUAGE_CODES:
            return queryset.exclude(has(value[8:]))
        return queryset


class BlogSectionFilter(admin.SimpleListFilter):
    """The post list's section filter: blog sections only (posts never live in the board or projects)."""

    title = _("section")
    parameter_name = "section__id__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[int, str]]:
        return [(s.pk, str(s)) for s in Section.objects.filter(type=Section.Type.BLOG).order_by("order", "pk")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Post]) -> QuerySet[Post]:
        # str(): counting the choices ("show counts") sets the value to each lookup's int pk.
        pk = parse_whole_number(str(self.value() or ""))
        return queryset.filter(section_id=pk) if pk else queryset


class CoverWidget(forms.Select):
    """The cover: a choice among the library's public images, with the chosen one's thumbnail; with
    JavaScript, a grid of thumbnails to pick from (post_editor.js, fed by the media picker view)."""

    template_name = "admin/blog/post/cover_widget.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        asset = None
        pk = parse_whole_number(str(value or ""))
        if pk:
            asset = Asset.objects.filter(pk=pk).prefetch_related("renditions").first()
        context["widget"]["thumbnail"] = asset_thumbnail_url(asset) if asset else ""
        context["widget"]["picker_url"] = reverse("admin:media_asset_picker")
        return context


# --- Narration (issue 13): "Generate narration" actions and buttons, and the post page's panel ---------


def _narrate_action(language: str, name: Any) -> Any:
    def action(modeladmin: "NarrationAdminMixin", request: HttpRequest, queryset: QuerySet[Post]) -> None:
        modeladmin.narrate_posts(request, list(queryset), language)

    action.__name__ = f"narrate_{lang_suffix(language)}"
    return admin.action(description=format_lazy(_("Generate narration: {}"), name), permissions=["change"])(action)


class NarrationAdminMixin:
    """Narration for PostAdmin: per language, an action on the list, a button on the post page (both through
    `services.post_narration_request`), and a panel with the audio, its facts and the latest job."""

    narration_actions = tuple(_narrate_action(code, name) for code, name in settings.LANGUAGES)

    def narrate_posts(self, request: HttpRequest, posts: list[Post], language: str) -> None:
        reason = selectors.narration_unavailable_reason()
        if reason:
            self.message_user(request, reason, messages.ERROR)  # type: ignore[attr-defined]
            return
        for post in posts:
            try:
                job = services.post_narration_request(post=post, language=language, by=request.user)
            except (ValidationError, SpeechNotConfigured) as exc:
                text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"{post}: {text}", messages.WARNING)  # type: ignore[attr-defined]
                continue
            level = messages.ERROR if job.status == job.Status.FAILED else messages.SUCCESS
            detail = f" {job.error}" if job.error else ""
            self.message_user(  # type: ignore[attr-defined]
                request,
                _("Narration of “%(post)s” (%(language)s): %(status)s.%(detail)s")
                % {"post": post, "language": language, "status": job.get_status_display(), "detail": detail},
                level,
            )

    def narrate_view(self, request: HttpRequest, object_id: int, language: str) -> HttpResponse:
        post = self._post_or_403(request, object_id)  # type: ignore[attr-defined]
        if request.method == "POST" and language in LANGUAGE_CODES:
            self.narrate_posts(request, [post], language)
        return HttpResponseRedirect(reverse("admin:blog_post_change", args=[post.pk]))

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path("<int:object_id>/narrate/<str:language>/", view(self.narrate_view), name="blog_post_narrate"),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        pk = parse_whole_number(str(object_id))
        post = Post.objects.filter(pk=pk).first() if pk else None
        if post is not None:
            rows = selectors.post_narration_list_for_editor(post=post)
            for row in rows:
                row["player"] = selectors.post_narration_for_reader(
                    post=post, language=row["language"], user=request.user, can_read=True
                )
            extra_context = {
                **(extra_context or {}),
                "narrations": rows,
                "narration_unavailable": selectors.narration_unavailable_reason(),
                "narration_languages": settings.LANGUAGES,
            }
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]


# --- AI assistance on the post admin: translate, review drafts side by side, key points, jobs --------

# Each button names the language it produces, in that language (like a language switcher).
TRANSLATE_BUTTON_LABELS = {"en": "Translate to English", "zh-hans": "翻译成中文"}
STATE_LABELS = {
    "missing": _("Missing"),
    "machine_draft": _("Machine draft"),
    "reviewed": _("Reviewed"),
    "stale": _("Stale"),
}


# The post editor's words for its scripts (post_editor.js), in the admin's language.
EDITOR_STRINGS = {
    "toolbar": _("Editor"),
    "language": _("Language:"),
    "pick": _("Choose an image from the media library"),
    "search": _("Search images"),
    "close": _("Close"),
    "empty": _("No public images yet: upload some in the media library."),
    "error": _("The media library could not be loaded."),
    "insert_image": _("Insert image"),
    "choose_cover": _("Choose from the media library"),
    "remove_cover": _("Remove the cover"),
    "no_cover": _("No cover"),
    "unsaved": _("You have unsaved changes."),
    "autosave_failed": _("Autosave failed; your changes are still in this page."),
}

# The post list's language badges: short, in the language they name.
SHORT_LANGUAGE = {"en": "EN", "zh-hans": "中"}


def _language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


class HasDraftsToReviewFilter(admin.SimpleListFilter):
    title = _("machine drafts")
    parameter_name = "drafts"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("pending", _("Waiting for review"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Post]) -> QuerySet[Post]:
        if self.value() == "pending":
            pending = TranslationDraft.objects.filter(post=OuterRef("pk"), state=ReviewState.MACHINE_DRAFT)
            return queryset.filter(Exists(pending))
        return queryset


class PostAIAdminMixin:
    """The post admin's AI tools. Every write goes through the services, as the API's does."""

    def _ai_targets(self, post: Post) -> list[tuple[str, str]]:
        return [
            (code, TRANSLATE_BUTTON_LABELS.get(code, code)) for code in LANGUAGE_CODES if code != post.source_language
        ]

    @admin.display(description=_("translations and key points"))
    def ai_overview(self, post: Post) -> str:
        if not post.pk:
            return _("Shown after the first save.")
        return render_to_string(
            "admin/blog/post/_ai_overview.html",
            {
                "post": post,
                "languages": _states_by_language(post),
                "key_points": _key_points_rows(post),
                "unavailable_reason": translation_unavailable_reason(),
                "review_url": reverse("admin:blog_post_translations", args=[post.pk]),
            },
        )

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        pk = parse_whole_number(str(object_id))
        post = Post.objects.filter(pk=pk).only("pk", "source_language").first() if pk else None
        if post is not None:
            extra_context = {
                **(extra_context or {}),
                "ai_targets": self._ai_targets(post),
                "ai_unavailable_reason": translation_unavailable_reason(),
            }
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    # --- changelist actions ---

    def _ai_each(self, request: HttpRequest, queryset: QuerySet[Post], request_job: Any, done: str) -> None:
        queued, refused = 0, []
        for post in queryset:
            try:
                if request_job(post):
                    queued += 1
            except AssistantUnavailable as exc:
                self.message_user(request, str(exc), messages.ERROR)  # type: ignore[attr-defined]
                return
            except ValidationError as exc:
                refused.append(f"{post}: {' '.join(exc.messages)}")
        message = ngettext("%(n)d post: %(done)s.", "%(n)d posts: %(done)s.", queued) % {"n": queued, "done": done}
        self.message_user(request, message)  # type: ignore[attr-defined]
        for line in refused:
            self.message_user(request, line, messages.WARNING)  # type: ignore[attr-defined]

    @admin.action(description=_("Translate selected posts into their other language"), permissions=["change"])
    def translate_selected(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        self._ai_each(
            request,
            queryset,
            lambda post: services.translation_request(post=post, by=request.user),
            _("translation queued (drafts wait for review)"),
        )

    @admin.action(description=_("Regenerate stale translations of selected posts"), permissions=["change"])
    def regenerate_stale_selected(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        def stale(post: Post) -> bool:
            states = [*selectors.translation_states(post=post), *selectors.translation_name_states(post=post)]
            languages = {state.language for state in states if state.state == "stale"}
            for language in languages:
                services.translation_request(post=post, by=request.user, language=language, only_stale=True)
            return bool(languages)

        self._ai_each(request, queryset, stale, _("stale translations queued again"))

    @admin.action(description=_("Write key points of selected posts"), permissions=["change"])
    def key_points_selected(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        def write(post: Post) -> bool:
            services.key_points_request(post=post, by=request.user)
            for code in LANGUAGE_CODES:
                if code != post.source_language:
                    # Skipped when there is no text in that language yet and no model to write from the other.
                    with contextlib.suppress(AssistantUnavailable, ValidationError):
                        services.key_points_request(post=post, by=request.user, language=code)
            return True

        self._ai_each(request, queryset, write, _("key points queued (they wait for review)"))

    # --- the review page ---

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path("<int:object_id>/translations/", view(self.translations_view), name="blog_post_translations"),
            path("<int:object_id>/translations/jobs/", view(self.ai_jobs_view), name="blog_post_ai_jobs"),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def ai_jobs_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The post's recent AI jobs as JSON, for the review page's progress display."""
        post = self._post_or_403(request, object_id)  # type: ignore[attr-defined]
        jobs = list(selectors.aijob_list(post=post)[:10])
        return JsonResponse(
            {
                "active": any(job.status in AIJob.ACTIVE for job in jobs),
                "jobs": [
                    {
                        "id": job.pk,
                        "status": job.status,
                        "status_label": str(job.get_status_display()),
                        "progress": job.progress,
                        "error": job.error,
                    }
                    for job in jobs
                ],
            }
        )

    def translations_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Side by side: the source | the draft (editable) | accept or reject, per field and language;
        key points per language; the post's AI jobs. POSTs act through the services."""
        post = self._post_or_403(request, object_id)  # type: ignore[attr-defined]
        edited: dict[int, str] = {}
        edited_points: dict[str, str] = {}
        errors: dict[str, list[str]] = {}
        if request.method == "POST":
            outcome = self._translations_post(request, post, edited, edited_points, errors)
            if outcome is not None:
                return outcome
            post = Post.objects.get(pk=post.pk)
        jobs = list(selectors.aijob_list(post=post)[:10])
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": self.opts,  # type: ignore[attr-defined]
            "original": post,
            "title": _("Translations of “%(post)s”") % {"post": post},
            "languages": _states_by_language(post, edited=edited, errors=errors),
            "key_points": _key_points_rows(post, edited=edited_points),
            "targets": self._ai_targets(post),
            "source_name": _language_name(post.source_language),
            "unavailable_reason": translation_unavailable_reason(),
            "jobs": jobs,
            "active_jobs": any(job.status in AIJob.ACTIVE for job in jobs),
            "errors": errors,
            "page_errors": [m for key, found in errors.items() if not key.startswith("draft-") for m in found],
        }
        return TemplateResponse(request, "admin/blog/post/translations.html", context, status=400 if errors else 200)

    def _translations_post(
        self,
        request: HttpRequest,
        post: Post,
        edited: dict[int, str],
        edited_points: dict[str, str],
        errors: dict[str, list[str]],
    ) -> HttpResponse | None:
        action = request.POST.get("action", "")
        language = request.POST.get("language") or None
        here = reverse("admin:blog_post_translations", args=[post.pk])
        try:
            if action in ("accept", "reject"):
                draft_id = parse_whole_number(request.POST.get("draft", ""))
                draft = selectors.translation_drafts_for_post(post=post).filter(pk=draft_id or 0).first()
                if draft is None:
                    raise Http404(_("This post has no such draft."))
                if action == "accept":
                    text = request.POST.get("text")
                    if text is not None:
                        text = text.replace("\r\n", "\n")
                        edited[draft.pk] = text
                    services.translation_draft_accept(draft=draft, by=request.user, text=text)
                    done = _("Accepted: readers now see this translation.")
                else:
                    services.translation_draft_reject(draft=draft, by=request.user)
                    done = _("Draft rejected.")
            elif action == "accept_all":
                accepted = services.translation_drafts_accept_pending(post=post, by=request.user, language=language)
                done = ngettext("%(n)d draft accepted.", "%(n)d drafts accepted.", len(accepted)) % {"n": len(accepted)}
            elif action == "translate":
                only_stale = request.POST.get("only_stale") == "1"
                job = services.translation_request(post=post, by=request.user, language=language, only_stale=only_stale)
                done = _job_message(job)
            elif action == "key_points":
                job = services.key_points_request(
                    post=post, by=request.user, language=language, force=request.POST.get("force") == "1"
                )
                done = _job_message(job)
            elif action in ("points_accept", "points_reject"):
                record = KeyPoints.objects.filter(post=post, language=language or "").first()
                if record is None:
                    raise Http404(_("No key points in this language yet."))
                if action == "points_accept":
                    lines = request.POST.get("points", "").splitlines()
                    edited_points[record.language] = "\n".join(lines)
                    services.key_points_accept(key_points=record, by=request.user, points=lines)
                    done = _("Key points published.")
                else:
                    services.key_points_reject(key_points=record, by=request.user)
                    done = _("Key points rejected.")
            elif action == "retry":
                job_id = parse_whole_number(request.POST.get("job", ""))
                job = get_object_or_404(AIJob, pk=job_id or 0, post=post)
                done = _job_message(services.aijob_requeue(job=job, by=request.user))
            else:
                return HttpResponseBadRequest(_("Unknown action."))
        except AssistantUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(here)
        except ValidationError as exc:
            key = f"draft-{request.POST.get('draft')}" if action == "accept" else action
            errors[key] = exc.messages
            return None
        self.message_user(request, done, messages.SUCCESS)  # type: ignore[attr-defined]
        return HttpResponseRedirect(here)


def _job_message(job: AIJob) -> str:
    job.refresh_from_db()
    values = {"kind": job.get_kind_display(), "language": _language_name(job.language), "id": job.pk}
    if job.status == AIJob.Status.DONE:
        return _("%(kind)s (%(language)s) done: review the drafts below (job %(id)s).") % values
    if job.status == AIJob.Status.FAILED:
        return _("%(kind)s (%(language)s) failed: %(error)s") % {**values, "error": job.error}
    return _("%(kind)s (%(language)s) queued as job %(id)s; this page shows its progress.") % values


def _states_by_language(
    post: Post, *, edited: dict[int, str] | None = None, errors: dict[str, list[str]] | None = None
) -> list[dict[str, Any]]:
    """[{code, name, rows: [{state, label, text…}]}] for every target language of `post`."""
    edited, errors = edited or {}, errors or {}
    languages = []
    states = [*selectors.translation_states(post=post), *selectors.translation_name_states(post=post)]
    for code in LANGUAGE_CODES:
        if code == post.source_language:
            continue
        rows = []
        for state in (s for s in states if s.language == code):
            draft = state.pending_draft
            rows.append(
                {
                    "state": state,
                    "state_label": STATE_LABELS[state.state],
                    "label": TRANSLATABLE_FIELD_LABELS.get(state.field, state.field)
                    if state.target == "post"
                    else state.label,
                    "draft": draft,
                    "draft_text": edited.get(draft.pk, draft.text) if draft else "",
                    "errors": errors.get(f"draft-{draft.pk}", []) if draft else [],
                    "rows": 18 if state.field == "body" else 3,
                    "anchor": f"{state.target}-{state.target_id}-{state.field}-{code}",
                }
            )
        counts = {name: sum(1 for r in rows if r["state"].state == name) for name in STATE_LABELS}
        languages.append({"code": code, "name": _language_name(code), "rows": rows, "counts": counts})
    return languages


def _key_points_rows(post: Post, *, edited: dict[str, str] | None = None) -> list[dict[str, Any]]:
    edited = edited or {}
    return [
        {
            "language": item.language,
            "name": _language_name(item.language),
            "state": item.state,
            "state_label": STATE_LABELS[item.state],
            "record": item.record,
            "draft_text": edited.get(item.language) or ("\n".join(item.record.points) if item.record else ""),
            "pending": item.record is not None and item.record.state == ReviewState.MACHINE_DRAFT,
        }
        for item in selectors.key_points_states(post=post)
    ]


@admin.register(Post)
class PostAdmin(NarrationAdminMixin, PostAIAdminMixin, TabbedTranslationAdmin):
    form = PostAdminForm
    action_form = ScheduleActionForm
    change_form_template = "admin/blog/post/change_form.html"
    # Fits a 1366 px screen beside the filters: the author is a filter, languages and flags are badges.
    list_display = ("title", "status", "published", "section", "languages", "flags")
    list_display_links = ("title",)
    list_select_related = ("section",)
    list_filter = (
        "status",
        BlogSectionFilter,
        ("author", admin.RelatedOnlyFieldListFilter),
        LanguageCompletenessFilter,
        HasDraftsToReviewFilter,
        "is_featured",
        "is_premium",
    )
    search_fields = ("title_en", "title_zh_hans", "summary_en", "summary_zh_hans", "slug")
    date_hierarchy = "published_at"
    autocomplete_fields = ("tags", "author", "section")
    readonly_fields = ("rendered_preview", "reading_times", "ai_overview", "created_at", "updated_at")
    actions = (
        "publish",
        "unpublish",
        "schedule",
        "archive",
        "feature",
        "unfeature",
        *NarrationAdminMixin.narration_actions,
        "translate_selected",
        "regenerate_stale_selected",
        "key_points_selected",
    )
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("title", "slug", "source_language", "summary", "body")}),
        # Shown without JavaScript; with it, the live preview under each body replaces it (post_editor.js).
        (_("Rendered bodies"), {"classes": ("blog-saved-preview",), "fields": ("rendered_preview",)}),
        (
            _("Publishing"),
            {"fields": ("status", "published_at", "section", "tags", "author", "cover", "reading_times")},
        ),
        (_("Flags"), {"fields": ("is_featured", "is_premium", "price", "currency")}),
        (_("Translations and key points"), {"fields": ("ai_overview",)}),
        (_("SEO"), {"classes": ("collapse",), "fields": ("seo_title", "seo_description", "seo_keywords")}),
        (_("Dates"), {"classes": ("collapse",), "fields": ("created_at", "updated_at")}),
    )

    class Media:
        css = {"all": ("css/code.css", "blog/admin/editor.css")}
        js = ("blog/admin/markdown_preview.js", "blog/admin/post_editor.js")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "cover":
            kwargs["queryset"] = Asset.objects.filter(
                kind=Asset.Kind.IMAGE, visibility=Asset.Visibility.PUBLIC
            ).order_by("-created_at")
            kwargs["widget"] = CoverWidget
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], add: bool = False, change: bool = False, **kwargs: Any
    ) -> Any:
        post = kwargs.get("obj") or context.get("original")
        context["editor_config"] = {
            "languages": [[code, str(name)] for code, name in settings.LANGUAGES],
            "picker_url": reverse("admin:media_asset_picker"),
            "autosave_url": reverse("admin:blog_post_autosave", args=[post.pk]) if post and post.pk else "",
            "autosave_fields": sorted(services.AUTOSAVE_FIELDS),
            "strings": {key: str(value) for key, value in EDITOR_STRINGS.items()},
        }
        context["preview_config"] = {
            "url": reverse("admin:blog_post_markdown_preview"),
            "label": str(_("Live preview")),
            "error": str(_("The preview could not be rendered.")),
            "names": {code: str(name) for code, name in settings.LANGUAGES},
        }
        if post is not None and post.pk:
            latest = post.revisions.order_by("-created_at", "-id").select_related("created_by").first()
            if latest is not None and latest.note == PostRevision.Note.AUTOSAVED:
                context["autosaved_revision"] = latest
        return super().render_change_form(request, context, add=add, change=change, **kwargs)

    def view_on_site(self, post: Post) -> str | None:
        """The reader page in the post's source language (editors see drafts there too); none while the
        form shows errors on a post without a slug."""
        slug = post.slug or Post.objects.filter(pk=post.pk).values_list("slug", flat=True).first()
        if not slug:
            return None
        with translation.override(post.source_language if post.source_language in LANGUAGE_CODES else "en"):
            return reverse("blog:post", kwargs={"slug": slug})

    # The changelist never shows bodies: leave every language's Markdown and HTML in the database.
    def get_queryset(self, request: HttpRequest) -> QuerySet[Post]:
        qs = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name == "blog_post_changelist":
            qs = qs.defer(*selectors.HEAVY_POST_FIELDS)
        return qs

    @admin.display(description=_("languages"))
    def languages(self, post: Post) -> str:
        badges = []
        for code, name in settings.LANGUAGES:
            present = bool(getattr(post, f"title_{lang_suffix(code)}", ""))
            hint = name if present else _("Missing %(language)s") % {"language": name}
            badges.append((f"ink-badge--{'ok' if present else 'missing'}", hint, SHORT_LANGUAGE.get(code, code)))
        return format_html_join(" ", '<span class="ink-badge {}" title="{}">{}</span>', badges)

    @admin.display(description=_("flags"))
    def flags(self, post: Post) -> str:
        items = []
        if post.is_featured:
            items.append(("★", _("featured")))
        if post.is_premium:
            items.append(("¤", _("premium")))
        badge = '<span class="ink-badge" title="{1}" aria-label="{1}">{0}</span>'
        return format_html_join(" ", badge, items) or "—"

    @admin.display(description=_("published at"), ordering="published_at")
    def published(self, post: Post) -> str:
        if post.published_at is None:
            return "—"
        when = timezone.localtime(post.published_at)
        return format_html(
            '<time datetime="{}">{}</time>', when.isoformat(timespec="seconds"), f"{when:%Y-%m-%d %H:%M}"
        )

    @admin.display(description=_("rendered body"))
    def rendered_preview(self, post: Post) -> str:
        if not post.pk:
            return _("Shown after the first save (or live, as you type, with JavaScript on).")
        # body_html_* is sanitized by rendering.py when the post is saved.
        return format_html_join(
            "",
            '<section class="blog-preview" lang="{}"><h3>{}</h3><div class="blog-preview__body">{}</div></section>',
            (
                (code, name, mark_safe(getattr(post, f"body_html_{lang_suffix(code)}") or ""))  # noqa: S308
                for code, name in settings.LANGUAGES
            ),
        )

    @admin.display(description=_("reading time"))
    def reading_times(self, post: Post) -> str:
        return ", ".join(
            _("%(language)s: %(minutes)d min")
            % {"language": code, "minutes": getattr(post, f"reading_time_{lang_suffix(code)}") or 0}
            for code in LANGUAGE_CODES
        )

    # The admin saves through the post services, like the API: `save_form` hands the form's data to
    # `post_create`/`post_update` (revision, tags, workflow, signals) and returns the saved post, which
    # the admin then logs and redirects to. Nothing else writes.
    def save_form(self, request: HttpRequest, form: forms.ModelForm, change: bool) -> Post:
        data = dict(form.cleaned_data)
        if not change:
            if data.get("author") is None:
                data.pop("author", None)  # left empty: the author is the editor, as in the API
            return services.post_create(by=request.user, data=data)
        # The form has set its values on its instance: judge the move from the stored post instead.
        stored = Post.objects.get(pk=form.instance.pk)
        return services.post_update(post=stored, by=request.user, data=data)

    def save_model(self, request: HttpRequest, obj: Post, form: forms.ModelForm, change: bool) -> None:
        pass  # saved by the service in save_form

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        pass  # tags were set by the service; a post has no inlines

    # --- bulk actions (each calls a service; illegal moves are reported, never half-applied) ----

    def _move(self, request: HttpRequest, queryset: QuerySet[Post], verb: Any, done: str, **kwargs: Any) -> None:
        moved, refused = 0, []
        for post in queryset:
            try:
                verb(post=post, by=request.user, **kwargs)
                moved += 1
            except ValidationError as exc:
                refused.append(f"{post}: {' '.join(exc.messages)}")
        if moved:
            message = ngettext("%(n)d post %(done)s.", "%(n)d posts %(done)s.", moved)
            self.message_user(request, message % {"n": moved, "done": done})
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description=_("Publish selected posts now"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        self._move(request, queryset, services.post_publish, _("published"))

    @admin.action(description=_("Unpublish selected posts (back to draft)"), permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        self._move(request, queryset, services.post_unpublish, _("unpublished"))

    @admin.action(description=_("Schedule selected posts (give the time below)"), permissions=["change"])
    def schedule(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        try:
            at = ScheduleActionForm.base_fields["at"].clean(request.POST.get("at", ""))
        except ValidationError:
            at = None
        if at is None:
            self.message_user(request, _("Give a date and time to schedule for."), messages.ERROR)
            return
        self._move(request, queryset, services.post_schedule, _("scheduled"), at=at)

    @admin.action(description=_("Archive selected posts"), permissions=["change"])
    def archive(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        self._move(request, queryset, services.post_archive, _("archived"))

    @admin.action(description=_("Feature selected posts"), permissions=["change"])
    def feature(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        self._move(request, queryset, services.post_set_featured, _("featured"), featured=True)

    @admin.action(description=_("Stop featuring selected posts"), permissions=["change"])
    def unfeature(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        self._move(request, queryset, services.post_set_featured, _("no longer featured"), featured=False)

    # --- extra views: live preview, preview links, revisions ---------------------------------

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("markdown-preview/", view(self.markdown_preview_view), name="blog_post_markdown_preview"),
            path("<int:object_id>/preview-link/", view(self.preview_link_view), name="blog_post_preview_link"),
            path("<int:object_id>/revisions/", view(self.revisions_view), name="blog_post_revisions"),
            path("<int:object_id>/autosave/", view(self.autosave_view), name="blog_post_autosave"),
            path(
                "<int:object_id>/revisions/<int:revision_id>/restore/",
                view(self.restore_view),
                name="blog_post_revision_restore",
            ),
            *super().get_urls(),
        ]

    def _post_or_403(self, request: HttpRequest, object_id: int) -> Post:
        post = get_object_or_404(Post, pk=object_id)
        if not self.has_change_permission(request, post):
            raise PermissionDenied
        return post

    def markdown_preview_view(self, request: HttpRequest) -> HttpResponse:
        """POST `body` (+ `language`) → the sanitized HTML the post would get on save."""
        if request.method != "POST":
            return JsonResponse({"detail": "POST only."}, status=405)
        if not self.has_change_permission(request) and not self.has_add_permission(request):
            raise PermissionDenied
        body = request.POST.get("body", "")
        if len(body) > settings.BLOG_BODY_MAX_CHARS:
            return JsonResponse({"detail": str(_("The body is too long."))}, status=400)
        language = request.POST.get("language", settings.LANGUAGE_CODE)
        rendered = render_markdown(body, language=language if language in LANGUAGE_CODES else "en")
        return JsonResponse(
            {"html": rendered.html, "toc_html": rendered.toc_html, "reading_time": rendered.reading_time}
        )

    def autosave_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """POST the form's text fields (every language's title, summary, body, SEO fields): kept as an
        "autosaved" revision by `post_autosave`; the post itself is unchanged until the editor saves."""
        if request.method != "POST":
            return JsonResponse({"detail": "POST only."}, status=405)
        post = self._post_or_403(request, object_id)
        data = {name: request.POST[name] for name in services.AUTOSAVE_FIELDS if name in request.POST}
        try:
            revision = services.post_autosave(post=post, by=request.user, data=data)
        except ValidationError as exc:
            return JsonResponse({"detail": " ".join(exc.messages)}, status=400)
        if revision is None:
            return JsonResponse({"saved": False, "detail": str(_("No changes since the last revision."))})
        at = translation.gettext("Autosaved at %(time)s") % {"time": f"{timezone.localtime(revision.created_at):%H:%M}"}
        return JsonResponse({"saved": True, "revision": revision.pk, "detail": at})

    def preview_link_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        post = self._post_or_403(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:blog_post_change", args=[post.pk]))
        link = services.preview_link_create(post=post, by=request.user)
        urls = [preview_url(link, code, request) for code in LANGUAGE_CODES]
        self.message_user(
            request,
            format_html(
                "{} {}",
                _("Preview link created (valid until %(date)s):") % {"date": f"{link.expires_at:%Y-%m-%d %H:%M}"},
                format_html_join(" ", '<a href="{0}">{0}</a>', ((u,) for u in urls)),
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:blog_post_change", args=[post.pk]))

    def revisions_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The history; with `?a=<id>&b=<id>` also the differences between those two revisions."""
        post = self._post_or_403(request, object_id)
        revisions = list(post.revisions.select_related("created_by", "restored_from").order_by("-created_at", "-id"))
        by_id = {r.pk: r for r in revisions}
        diff, older, newer = None, None, None
        try:
            a, b = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
        except ValueError:
            a = b = None
        if a in by_id and b in by_id:
            older, newer = sorted((by_id[a], by_id[b]), key=lambda r: (r.created_at, r.pk))
            diff = selectors.post_revision_diff(older=older, newer=newer)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": post,
            "title": _("Revisions of “%(post)s”") % {"post": post},
            "revisions": revisions,
            "diff": diff,
            "older": older,
            "newer": newer,
            "selected": (older.pk if older else None, newer.pk if newer else None),
        }
        return TemplateResponse(request, "admin/blog/post/revisions.html", context)

    def restore_view(self, request: HttpRequest, object_id: int, revision_id: int) -> HttpResponse:
        post = self._post_or_403(request, object_id)
        revision = get_object_or_404(PostRevision, pk=revision_id, post=post)
        if request.method == "POST":
            services.post_revision_restore(revision=revision, by=request.user)
            self.message_user(
                request,
                _("Restored the revision from %(when)s.") % {"when": f"{revision.created_at:%Y-%m-%d %H:%M}"},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:blog_post_change", args=[post.pk]))
        return HttpResponseRedirect(reverse("admin:blog_post_revisions", args=[post.pk]))


# --- Sections, tags, projects -------------------------------------------------------------------


@admin.register(Section)
class SectionAdmin(TabbedTranslationAdmin):
    list_display = ("name", "type", "parent", "slug", "order", "is_active")
    list_editable = ("order", "is_active")
    list_select_related = ("parent",)
    list_filter = ("type", "is_active")
    search_fields = ("name_en", "name_zh_hans", "slug")
    autocomplete_fields = ("parent",)


@admin.register(Tag)
class TagAdmin(TabbedTranslationAdmin):
    list_display = ("name", "name_en", "name_zh_hans", "slug")
    search_fields = ("name_en", "name_zh_hans", "slug")


@admin.register(Project)
class ProjectAdmin(TabbedTranslationAdmin):
    # Each body's size is checked by the model's clean(), which the admin's form runs.
    list_display = ("title", "type", "section", "is_published", "order", "price", "currency")
    list_select_related = ("section",)
    list_filter = ("type", "is_published", "section")
    search_fields = ("title_en", "title_zh_hans", "slug")
    autocomplete_fields = ("section",)
    raw_id_fields = ("cover", "attachment")


# --- Access grants, preview links, revisions ----------------------------------------------------


class AccessGrantForm(forms.ModelForm):
    # No Meta: the ModelAdmin supplies the model and the fields.

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user, post, project = cleaned.get("user"), cleaned.get("post"), cleaned.get("project")
        if user is not None and (post is None) != (project is None):
            # `access_grant_create` reactivates the grant this user already has for this target (as a
            # repeat purchase does) instead of refusing a duplicate: validate the form as that grant.
            existing = AccessGrant.objects.filter(user=user, post=post, project=project).first()
            if existing is not None:
                self.instance = existing
        return cleaned


@admin.register(AccessGrant)
class AccessGrantAdmin(admin.ModelAdmin):
    """Grants are made by `access_grant_create` (the add form) and changed only by the revoke and
    reactivate actions (`access_grant_revoke` / `access_grant_create`), as payments does."""

    form = AccessGrantForm
    list_display = ("user", "post", "project", "source", "reference", "created_at", "revoked_at")
    list_select_related = ("user", "post", "project")
    list_filter = ("source", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("user__email", "post__title_en", "post__title_zh_hans", "project__title_en", "reference")
    autocomplete_fields = ("user", "post", "project")
    fields = ("user", "post", "project", "source", "reference", "revoked_at")
    readonly_fields = ("revoked_at",)
    actions = ("revoke", "reactivate")

    def has_change_permission(self, request: HttpRequest, obj: AccessGrant | None = None) -> bool:
        # An existing grant's page is read-only: the actions (checked without an object) change grants.
        return obj is None and super().has_change_permission(request)

    def save_form(self, request: HttpRequest, form: forms.ModelForm, change: bool) -> AccessGrant:
        data = form.cleaned_data
        return services.access_grant_create(
            user=data["user"],
            post=data["post"],
            project=data["project"],
            source=data["source"],
            reference=data["reference"],
        )

    def save_model(self, request: HttpRequest, obj: AccessGrant, form: forms.ModelForm, change: bool) -> None:
        pass  # saved by the service in save_form

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        pass  # a grant has no related rows

    @admin.action(description=_("Revoke selected grants"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[AccessGrant]) -> None:
        count = sum(
            services.access_grant_revoke(user=g.user, post=g.post, project=g.project)
            for g in queryset.select_related("user", "post", "project")
        )
        self.message_user(request, ngettext("%(n)d grant revoked.", "%(n)d grants revoked.", count) % {"n": count})

    @admin.action(description=_("Reactivate selected grants"), permissions=["change"])
    def reactivate(self, request: HttpRequest, queryset: QuerySet[AccessGrant]) -> None:
        grants = list(queryset.select_related("user", "post", "project"))
        for g in grants:
            services.access_grant_create(
                user=g.user, post=g.post, project=g.project, source=g.source, reference=g.reference
            )
        self.message_user(
            request, ngettext("%(n)d grant active.", "%(n)d grants active.", len(grants)) % {"n": len(grants)}
        )


class PreviewLinkAddForm(forms.ModelForm):
    days = forms.IntegerField(
        label=_("Valid for (days)"), help_text=_("The link stops working after this many days, or when revoked.")
    )

    class Meta:
        model = PreviewLink
        fields = ("post",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = settings.BLOG_PREVIEW_LINK_DAYS

    def clean_days(self) -> int:
        try:
            return services.preview_link_days_validate(days=self.cleaned_data["days"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["days"]) from exc


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    """Links are made by `preview_link_create` (the add form, like the post page's button) and revoked by
    `preview_link_revoke` (the action); an existing link's page is read-only."""

    list_display = ("post", "expires_at", "revoked", "usable", "created_by", "created_at")
    list_select_related = ("post", "created_by")
    list_filter = ("revoked",)
    search_fields = ("post__title_en", "post__title_zh_hans", "post__slug")
    autocomplete_fields = ("post",)
    fields = ("post", "expires_at", "revoked", "created_by", "link")
    readonly_fields = ("link",)
    actions = ("revoke",)

    def get_fields(self, request: HttpRequest, obj: PreviewLink | None = None) -> Any:
        return ("post", "days") if obj is None else self.fields

    def get_form(
        self, request: HttpRequest, obj: PreviewLink | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = PreviewLinkAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: PreviewLink | None = None) -> bool:
        return obj is None and super().has_change_permission(request)

    def save_form(self, request: HttpRequest, form: forms.ModelForm, change: bool) -> PreviewLink:
        data = form.cleaned_data
        return services.preview_link_create(post=data["post"], by=request.user, days=data["days"])

    def save_model(self, request: HttpRequest, obj: PreviewLink, form: forms.ModelForm, change: bool) -> None:
        pass  # saved by the service in save_form

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        pass  # a link has no related rows

    @admin.display(boolean=True, description=_("usable"))
    def usable(self, link: PreviewLink) -> bool:
        return link.is_usable

    @admin.display(description=_("link"))
    def link(self, link: PreviewLink) -> str:
        if not link.pk:
            return "—"
        return format_html('<a href="{0}">{0}</a>', preview_url(link))

    @admin.action(description=_("Revoke selected links"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[PreviewLink]) -> None:
        for link in queryset:
            services.preview_link_revoke(link=link)
        self.message_user(request, _("Links revoked."))


@admin.register(PostRevision)
class PostRevisionAdmin(admin.ModelAdmin):
    """Read-only: revisions are made by saves and restored from the post's history page."""

    list_display = ("post", "note_label", "created_by", "created_at")
    list_select_related = ("post", "created_by", "restored_from")
    search_fields = ("post__title_en", "post__title_zh_hans", "note")
    readonly_fields = ("post", "note_label", "created_by", "data")
    fields = ("post", "note_label", "created_by", "data")

    @admin.display(description=_("note"), ordering="note")
    def note_label(self, revision: PostRevision) -> str:
        return revision.note_label

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- AI assistance: jobs, glossary, drafts ---------------------------------------------------------


@admin.register(AIJob)
class AIJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are made by the translate / key points / narration requests; failed ones can be
    retried (`aijob_requeue`), whatever their kind."""

    list_display = (
        "id",
        "kind",
        "post",
        "language",
        "status",
        "progress_label",
        "provider",
        "model_name",
        "tokens_used",
        "attempts",
        "duration_label",
        "created_at",
    )
    list_display_links = ("id", "kind")
    list_select_related = ("post",)
    list_filter = ("status", "kind", "language", "provider")
    search_fields = ("post__title_en", "post__title_zh_hans", "post__slug", "error")
    date_hierarchy = "created_at"
    actions = ("retry",)
    fields = (
        "kind",
        "post",
        "language",
        "status",
        "progress",
        "error",
        "provider",
        "model_name",
        "tokens_used",
        "attempts",
        "options",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
        "duration_label",
    )
    readonly_fields = fields
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("blog.change_post")

    @admin.display(description=_("progress"), ordering="progress")
    def progress_label(self, job: AIJob) -> str:
        return f"{job.progress}%"

    @admin.display(description=_("duration"))
    def duration_label(self, job: AIJob) -> str:
        return f"{job.duration.total_seconds():.1f} s" if job.duration is not None else "—"

    @admin.action(description=_("Retry selected failed jobs"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[AIJob]) -> None:
        retried, skipped = 0, 0
        for job in queryset:
            if job.status != AIJob.Status.FAILED:
                skipped += 1
                continue
            services.aijob_requeue(job=job, by=request.user)
            retried += 1
        self.message_user(
            request, ngettext("%(n)d job queued again.", "%(n)d jobs queued again.", retried) % {"n": retried}
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(n)d job had not failed and was left alone.",
                    "%(n)d jobs had not failed and were left alone.",
                    skipped,
                )
                % {"n": skipped},
                messages.WARNING,
            )


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    """Terms the translator must render one way (sent with every translation request of that direction)."""

    list_display = ("term", "translation", "source_language", "target_language", "note")
    list_editable = ("translation",)
    list_filter = ("source_language", "target_language")
    search_fields = ("term", "translation", "note")
    fields = ("source_language", "target_language", "term", "translation", "note")


class _DraftFieldFilter(admin.SimpleListFilter):
    """The drafts' field filter, by the fields' names as editors read them (not their codes)."""

    title = _("field")
    parameter_name = "field"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(TRANSLATABLE_FIELD_LABELS.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(field=self.value()) if self.value() else queryset


@admin.register(TranslationDraft)
class TranslationDraftAdmin(admin.ModelAdmin):
    """Read-only list of machine drafts; they are reviewed on their post's "Translations" page."""

    list_display = (
        "target_label",
        "field_label",
        "language",
        "state",
        "provider",
        "model_name",
        "translated_at",
        "review_link",
    )
    list_select_related = ("post", "tag", "section")
    list_filter = ("state", "language", _DraftFieldFilter, "provider")
    search_fields = ("post__title_en", "post__title_zh_hans", "tag__name_en", "tag__name_zh_hans", "text")
    readonly_fields = (
        "post",
        "tag",
        "section",
        "field_label",
        "language",
        "source_language",
        "state",
        "text",
        "provider",
        "model_name",
        "translated_at",
        "job",
        "reviewed_by",
        "reviewed_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("translated item"))
    def target_label(self, draft: TranslationDraft) -> str:
        return str(draft.target)

    @admin.display(description=_("field"), ordering="field")
    def field_label(self, draft: TranslationDraft) -> str:
        return str(TRANSLATABLE_FIELD_LABELS.get(draft.field, draft.field))

    @admin.display(description=_("review"))
    def review_link(self, draft: TranslationDraft) -> str:
        if not draft.post_id:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:blog_post_translations", args=[draft.post_id]), _("Review")
        )
