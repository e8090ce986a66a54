from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Asset


@admin.register(Asset)
class AssetAdmin(TranslationAdmin):
    list_display = ("__str__", "kind", "owner", "size", "status", "created_at")
    list_filter = ("kind", "status", "visibility")
    search_fields = ("original_name", "title", "alt_text")
    list_select_related = ("owner",)
    readonly_fields = ("sha256", "mime_type", "size", "width", "height", "duration", "status", "error")
