"""`{% picture asset %}`: responsive images for covers and avatars."""

from django import template
from django.utils.html import format_html

from apps.media.models import Asset

register = template.Library()


@register.simple_tag
def picture(asset: Asset | None, sizes: str = "100vw", css_class: str = "", loading: str = "lazy") -> str:
    """Emit an image with width/height and lazy loading (renditions arrive with the media issue)."""
    if asset is None or not asset.file:
        return ""
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" loading="{}" decoding="async" class="{}" sizes="{}">',
        asset.file.url,
        asset.alt_text or "",
        asset.width or "",
        asset.height or "",
        loading,
        css_class,
        sizes,
    )
