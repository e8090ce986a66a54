"""`{% picture asset sizes="..." css_class="..." loading="lazy" watermark=False %}`: responsive images.

Emits `<picture>` with a WebP `<source srcset>` from the renditions, an `<img>` in the original format
as the fallback, width/height (no layout shift), lazy loading and the alt text in the current language
(modeltranslation picks it, falling back to the other language). `watermark=True` uses the watermarked
renditions (public covers) when the watermark is enabled. Private assets render nothing.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from apps.media import selectors
from apps.media.models import Asset

register = template.Library()


@register.simple_tag
def picture(
    asset: Asset | None,
    sizes: str = "100vw",
    css_class: str = "",
    loading: str = "lazy",
    watermark: bool = False,
    alt: str | None = None,
    fetchpriority: str = "",
) -> SafeString | str:
    data = selectors.asset_picture(asset=asset, watermark=watermark) if asset is not None else None
    if data is None:
        return ""
    alt_text = alt if alt is not None else (asset.alt_text or "")
    size_attrs = format_html(' width="{}" height="{}"', data.width, data.height) if data.width else ""
    img = format_html(
        '<img src="{}"{}{} alt="{}" loading="{}" decoding="async"{}{}>',
        data.fallback_src,
        format_html(' srcset="{}" sizes="{}"', data.fallback_srcset, sizes) if data.fallback_srcset else "",
        size_attrs,
        alt_text,
        loading,
        format_html(' fetchpriority="{}"', fetchpriority) if fetchpriority else "",
        format_html(' class="{}"', css_class) if css_class else "",
    )
    source = (
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', data.webp_srcset, sizes)
        if data.webp_srcset
        else ""
    )
    return mark_safe(f"<picture>{source}{img}</picture>")  # noqa: S308 - both parts escaped by format_html
