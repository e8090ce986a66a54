"""Bilingual fields (django-modeltranslation adds `<field>_en` and `<field>_zh_hans` columns)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Post, Project, Section, Tag


@register(Section)
class SectionTranslationOptions(TranslationOptions):
    fields = ("name", "description", "seo_title", "seo_description")


@register(Tag)
class TagTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Post)
class PostTranslationOptions(TranslationOptions):
    fields = (
        "title",
        "summary",
        "body",
        "seo_title",
        "seo_description",
        "seo_keywords",
        # Derived on save, one per language.
        "reading_time",
        "body_html",
        "toc_html",
    )


@register(Project)
class ProjectTranslationOptions(TranslationOptions):
    fields = ("title", "description", "body", "body_html")
