"""A minimal admin so the models are reachable; the editorial back office replaces it."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import AccessGrant, Post, PostRevision, PreviewLink, Project, Section, Tag


@admin.register(Section)
class SectionAdmin(TranslationAdmin):
    list_display = ("name", "type", "parent", "order", "is_active")
    list_select_related = ("parent",)


@admin.register(Tag)
class TagAdmin(TranslationAdmin):
    search_fields = ("name_en", "name_zh_hans", "slug")


@admin.register(Post)
class PostAdmin(TranslationAdmin):
    list_display = ("title", "status", "published_at", "section", "author")
    list_select_related = ("section", "author")
    list_filter = ("status",)
    raw_id_fields = ("cover", "author")
    filter_horizontal = ("tags",)


@admin.register(Project)
class ProjectAdmin(TranslationAdmin):
    list_display = ("title", "type", "is_published", "price", "currency")
    raw_id_fields = ("cover", "attachment")


admin.site.register(PostRevision, list_display=("post", "created_by", "created_at"), raw_id_fields=("post",))
admin.site.register(AccessGrant, list_display=("user", "post", "project", "source", "revoked_at"))
admin.site.register(PreviewLink, list_display=("post", "expires_at", "revoked", "created_by"))
