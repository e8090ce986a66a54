"""Helpers for the admin's media grid."""

from django import template

from apps.media.models import Asset

register = template.Library()


@register.filter
def media_thumbnail(asset: Asset) -> str:
    from apps.media.admin import thumbnail_html

    return thumbnail_html(asset)
