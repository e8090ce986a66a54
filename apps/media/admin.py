"""The media library in the admin: a thumbnail grid, filters, search, bulk delete, processing status
and error, and where each asset is used. Uploads go through `services.asset_create`, like the API."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
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

    def save_model(self, request: HttpRequest, obj: Asset, form: Any, change: bool) -> None:
        if change:
            services.asset_update(asset=obj, data={f: getattr(obj, f) for f in services.TRANSLATED_FIELDS})
            return
        data = form.cleaned_data
        asset = services.asset_create(
            owner=request.user,
            uploaded_file=data["upload"],
            visibility=data["visibility"],
            alt_text=data.get("alt_text_en") or "",
            alt_text_zh_hans=data.get("alt_text_zh_hans") or "",
            title=data.get("title_en") or "",
            title_zh_hans=data.get("title_zh_hans") or "",
            facts=form.facts,
        )
        obj.pk = asset.pk
        obj.__dict__.update({k: v for k, v in asset.__dict__.items() if k != "_state"})
        obj._state.adding = False

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
        url = selectors.asset_url(asset=asset, for_user=getattr(self, "_request_user", None))
        return format_html('<a href="{}">{}</a>', url, asset.original_name) if url else asset.original_name

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

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # The original link of a private file is signed for the person looking at it.
        self._request_user = request.user
        return super().changeform_view(request, *args, **kwargs)


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
