"""The media library in the admin: a thumbnail grid, filters, search, bulk delete, processing status
and error, and where each asset is used. Uploads go through `services.asset_create`, like the API."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from . import selectors, services
from .models import Asset, Rendition


class AssetUploadForm(forms.ModelForm):
    """The add form: a file plus the texts. Validation is the service's, shown as a form error."""

    upload = forms.FileField(label=_("File"))

    class Meta:
        model = Asset
        fields = ("visibility", "alt_text_en", "alt_text_zh_hans", "title_en", "title_zh_hans")

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.facts: services.UploadFacts | None = None

    def clean_upload(self) -> Any:
        uploaded = self.cleaned_data["upload"]
        try:
            self.facts = services.asset_upload_validate(owner=self.request.user, uploaded_file=uploaded)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages, code=exc.code) from exc
        return uploaded


class RenditionInline(admin.TabularInline):
    model = Rendition
    extra = 0
    can_delete = False
    fields = ("spec", "preview", "width", "height", "mime_type", "size")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("Preview"))
    def preview(self, rendition: Rendition) -> str:
        url = selectors.rendition_url(rendition=rendition, for_user=None) or ""
        if not url or not rendition.mime_type.startswith("image/"):
            return "—"
        return format_html('<a href="{}"><img src="{}" alt="" width="80" loading="lazy"></a>', url, url)


@admin.register(Asset)
class AssetAdmin(TranslationAdmin):
    change_list_template = "admin/media/asset/change_list.html"
    list_display = ("thumbnail", "__str__", "kind", "owner", "size", "status", "created_at")
    list_filter = ("kind", "status", "visibility", ("owner", admin.RelatedOnlyFieldListFilter), "created_at")
    search_fields = ("original_name", "title_en", "title_zh_hans", "alt_text_en", "alt_text_zh_hans", "owner__email")
    list_select_related = ("owner",)
    list_per_page = 48
    date_hierarchy = "created_at"
    actions = ("reprocess",)
    readonly_fields = (
        "preview",
        "original_link",
        "owner",
        "kind",
        "original_name",
        "mime_type",
        "size",
        "sha256",
        "width",
        "height",
        "duration",
        "visibility",
        "status",
        "error",
        "where_used",
        "created_at",
    )
    inlines = (RenditionInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Asset]:
        return super().get_queryset(request).prefetch_related("renditions")

    def get_fieldsets(self, request: HttpRequest, obj: Asset | None = None) -> Any:
        texts = ("title_en", "title_zh_hans", "alt_text_en", "alt_text_zh_hans")
        if obj is None:
            return ((None, {"fields": ("upload", "visibility", *texts)}),)
        return (
            (None, {"fields": ("preview", *texts)}),
            (_("Processing"), {"fields": ("status", "error", "where_used")}),
            (
                _("File"),
                {
                    "fields": tuple(
                        f for f in self.readonly_fields if f not in ("preview", "status", "error", "where_used")
                    )
                },
            ),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Asset | None = None) -> Any:
        return () if obj is None else self.readonly_fields

    def get_inlines(self, request: HttpRequest, obj: Asset | None) -> Any:
        return self.inlines if obj is not None else ()

    def get_form(self, request: HttpRequest, obj: Asset | None = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        base = AssetUploadForm

        class Form(base):
            def __init__(self, *args: Any, **inner: Any) -> None:
                super().__init__(*args, request=request, **inner)

        return Form

    # The admin writes through the media services, like the API: `save_form` calls them and returns the
    # saved asset (the one the admin then logs and redirects to); save_model and save_related add nothing.
    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Asset:
        data = form.cleaned_data
        if change:
            texts = {name: data[name] for name in services.TRANSLATED_FIELDS if name in data}
            return services.asset_update(asset=Asset.objects.get(pk=form.instance.pk), data=texts)
        return services.asset_create(
            owner=request.user,
            uploaded_file=data["upload"],
            visibility=data["visibility"],
            alt_text=data.get("alt_text_en") or "",
            alt_text_zh_hans=data.get("alt_text_zh_hans") or "",
            title=data.get("title_en") or "",
            title_zh_hans=data.get("title_zh_hans") or "",
            facts=form.facts,
        )

    def save_model(self, request: HttpRequest, obj: Asset, form: Any, change: bool) -> None:
        pass  # saved by the service in save_form

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # No form.save_m2m(): the service saved the asset. The renditions inline is read-only (the
        # processing task makes renditions), so saving it changes nothing; the change message reads it.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Asset) -> None:
        services.asset_delete(asset=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Asset]) -> None:
        for asset in queryset:
            services.asset_delete(asset=asset)

    @admin.action(description=_("Process again (renditions, watermark, poster)"))
    def reprocess(self, request: HttpRequest, queryset: QuerySet[Asset]) -> None:
        assets = list(queryset)
        for asset in assets:
            services.asset_reprocess(asset=asset)
        message = _("%(count)d assets queued for processing.") % {"count": len(assets)}
        self.message_user(request, message, messages.SUCCESS)

    @admin.display(description=_("Thumbnail"))
    def thumbnail(self, asset: Asset) -> str:
        return thumbnail_html(asset)

    @admin.display(description=_("Preview"))
    def preview(self, asset: Asset) -> str:
        return thumbnail_html(asset, width=360)

    @admin.display(description=_("Original file"))
    def original_link(self, asset: Asset) -> str:
        # A private file's link is signed for the person who follows it, by `original_view`: this
        # ModelAdmin is shared by every request, so it never holds who is looking.
        url = reverse("admin:media_asset_original", args=[asset.pk]) if asset.file else ""
        return format_html('<a href="{}">{}</a>', url, asset.original_name) if url else asset.original_name

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/original/", wrap(self.original_view), name="media_asset_original"),
            path("picker/", wrap(self.picker_view), name="media_asset_picker"),
            path("upload/", wrap(self.upload_view), name="media_asset_upload"),
            *super().get_urls(),
        ]

    def picker_view(self, request: HttpRequest) -> HttpResponse:
        """JSON: public images (`?q=` searches titles, alt texts and names) for the post editor's cover
        and "Insert image" pickers."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "")[:100]
        images = selectors.asset_list_images_for_picker(user=request.user, query=query)
        language = translation.get_language() or "en"
        rows = []
        for asset in images:
            with translation.override(language):
                alt = asset.alt_text or asset.title or ""
            rows.append(
                {
                    "id": asset.pk,
                    "title": str(asset),
                    "alt": alt,
                    "thumbnail": selectors.asset_thumbnail_url(asset),
                    "url": selectors.asset_url(asset=asset),
                    "width": asset.width,
                    "height": asset.height,
                }
            )
        return JsonResponse({"results": rows})

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """POST `files` (one or more): stored through the media services. The drop zone (asset_upload.js)
        sends one file per request, to show each one's progress, and gets JSON; the plain form (no
        JavaScript) sends them all at once (all or nothing) and comes back to the list."""
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:media_asset_changelist"))
        if not self.has_add_permission(request):
            raise PermissionDenied
        files = request.FILES.getlist("files")
        wants_json = "application/json" in request.headers.get("Accept", "")
        if not files:
            message = _("Choose at least one file.")
            if wants_json:
                return JsonResponse({"detail": str(message)}, status=400)
            self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:media_asset_changelist"))
        try:
            assets = services.asset_create_many(owner=request.user, files=files)
        except ValidationError as exc:
            if wants_json:
                return JsonResponse({"detail": " ".join(exc.messages)}, status=400)
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:media_asset_changelist"))
        if wants_json:
            return JsonResponse(
                {
                    "results": [
                        {
                            "id": a.pk,
                            "title": str(a),
                            "url": reverse("admin:media_asset_change", args=[a.pk]),
                        }
                        for a in assets
                    ]
                },
                status=201,
            )
        count = len(assets)
        self.message_user(
            request,
            ngettext("%(count)d file uploaded.", "%(count)d files uploaded.", count) % {"count": count},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:media_asset_changelist"))

    def original_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Redirect to the original file: its public URL, or a private one signed for this user."""
        asset = get_object_or_404(Asset, pk=object_id)
        if not self.has_view_permission(request, asset):
            raise PermissionDenied
        url = selectors.asset_url(asset=asset, for_user=request.user)
        if not url:
            raise Http404(_("This asset has no file."))
        return HttpResponseRedirect(url)

    @admin.display(description=_("Where used"))
    def where_used(self, asset: Asset) -> str:
        usages = selectors.asset_where_used(asset=asset)
        if not usages:
            return _("Not used anywhere yet.")
        rows = []
        for usage in usages:
            try:
                opts = usage.obj._meta
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[usage.obj.pk])
            except NoReverseMatch:
                url = ""
            rows.append((usage.verbose_name, usage.field_name, url or "#", str(usage.obj)))
        return format_html("<ul>{}</ul>", format_html_join("", '<li>{} ({}): <a href="{}">{}</a></li>', rows))


def thumbnail_html(asset: Asset, width: int = 160) -> str:
    """A small preview: the smallest WebP rendition of an image, a poster for a video, else the kind."""
    renditions = {r.spec: r for r in asset.renditions.all()}
    preferred = [
        r
        for spec, r in sorted(renditions.items())
        if spec.startswith("w") and not spec.startswith("wm-") and spec.endswith(".webp")
    ]
    chosen = min(preferred, key=lambda r: r.width or 0) if preferred else renditions.get("poster.jpg")
    if chosen is not None and asset.visibility == Asset.Visibility.PUBLIC:
        url = chosen.storage.url(chosen.file.name)
        return format_html(
            '<img src="{}" alt="{}" width="{}" loading="lazy" class="media-thumb">', url, asset.alt_text or "", width
        )
    return format_html('<span class="media-thumb media-thumb--{}">{}</span>', asset.kind, asset.get_kind_display())
