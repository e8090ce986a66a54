"""Markdown → sanitized HTML, a table of contents and a reading time.

Python-Markdown does the rendering (heading ids, TOC, fenced code highlighted by Pygments into CSS
classes, tables, footnotes); nh3 then keeps only an allow-list of tags, attributes, classes and URL
schemes, so nothing typed into a post — raw HTML included — can run script in a reader's browser.
Links leaving the site get `rel="noopener nofollow"`. Styles for the highlighted code live in
`static/css/code.css` (`python manage.py shell -c "from apps.blog.rendering import pygments_css"`
regenerates them).
"""

import html
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import markdown
import nh3
from django.conf import settings
from django.utils.translation import gettext, override
from markdown.extensions.toc import slugify_unicode
from pygments.formatters import HtmlFormatter
from pygments.token import STANDARD_TYPES

CODE_CSS_CLASS = "codehilite"
# Reading speeds: English words per minute; Chinese/Japanese/Korean characters per minute.
WORDS_PER_MINUTE = 230
CJK_CHARS_PER_MINUTE = 400

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_WORD = re.compile("[^\\W_]+(?:['\u2019-][^\\W_]+)*")
# An opening <a …> tag as nh3 serializes it (attribute values always double-quoted).
_A_TAG = re.compile(r'<a((?:\s+[^\s=>"]+(?:="[^"]*")?)*)\s*>')
_HREF = re.compile(r'\shref="([^"]*)"')

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
ALLOWED_TAGS = _HEADINGS | {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "figcaption", "figure", "hr", "i", "img", "ins", "kbd", "li", "mark", "nav", "ol", "p", "pre",
    "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul", "var",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    **{h: {"id"} for h in _HEADINGS},
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "li": {"id"},
    "sup": {"id"},
    "ol": {"start"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
}
# Classes Markdown/Pygments produce; anything else a writer types is dropped.
ALLOWED_CLASSES = {
    "div": {CODE_CSS_CLASS, "footnote", "toc"},
    "span": set(STANDARD_TYPES.values()) - {""},
    "a": {"footnote-ref", "footnote-backref", "toclink"},
    "sup": {"footnote-ref"},
    "hr": {"footnote"},
}
URL_SCHEMES = {"http", "https", "mailto"}


@dataclass(frozen=True)
class Rendered:
    html: str
    toc_html: str
    reading_time: int  # minutes, 0 for an empty body


def _markdown(language: str = "en") -> markdown.Markdown:
    with override(language):
        # "{}" is the footnote's number; the ↩ link's title is what a screen reader says.
        backlink_title = gettext("Jump back to footnote {} in the text")
    return markdown.Markdown(
        extensions=["toc", "fenced_code", "codehilite", "tables", "footnotes", "sane_lists"],
        extension_configs={
            # slugify_unicode keeps Chinese headings readable as ids ("## 安装" → id="安装").
            "toc": {"slugify": slugify_unicode, "toc_depth": "2-4"},
            "codehilite": {"css_class": CODE_CSS_CLASS, "guess_lang": False, "use_pygments": True},
            "tables": {"use_align_attribute": True},
            "footnotes": {"BACKLINK_TITLE": backlink_title},
        },
        output_format="html",
    )


def _internal_hosts() -> frozenset[str]:
    hosts = {urlsplit(settings.SITE_URL).hostname or ""}
    hosts.update(getattr(settings, "BLOG_INTERNAL_HOSTS", []))
    return frozenset(h.lower() for h in hosts if h)


def _add_rel(match: re.Match) -> str:
    attrs = match.group(1)
    href = _HREF.search(attrs)
    if href:
        url = html.unescape(href.group(1)).strip()
        if url.startswith(("http://", "https://", "//")):
            host = (urlsplit(url).hostname or "").lower()
            if host not in _internal_hosts():
                attrs += ' rel="noopener nofollow"'
    return f"<a{attrs}>"


def sanitize_html(fragment: str) -> str:
    """Keep only allow-listed markup; mark external links. Safe for any HTML, hostile or not."""
    cleaned = nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript", "textarea"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    # allowed_classes leaves `class=""` behind when it drops every class.
    return _A_TAG.sub(_add_rel, cleaned.replace(' class=""', ""))


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, tags removed."""
    return html.unescape(nh3.clean(fragment, tags=set(), clean_content_tags={"script", "style"}))


def reading_time(text: str) -> int:
    """Minutes to read `text`: CJK characters at CJK_CHARS_PER_MINUTE, other words at WORDS_PER_MINUTE."""
    cjk = len(_CJK.findall(text))
    words = len(_WORD.findall(_CJK.sub(" ", text)))
    if not cjk and not words:
        return 0
    return max(1, math.ceil(words / WORDS_PER_MINUTE + cjk / CJK_CHARS_PER_MINUTE))


def render_markdown(source: str, *, language: str = "en") -> Rendered:
    """Render a post body in `language` (the footnotes' back-links are labelled in it)."""
    if not source or not source.strip():
        return Rendered(html="", toc_html="", reading_time=0)
    md = _markdown(language)
    body = sanitize_html(md.convert(source))
    toc = sanitize_html(md.toc) if getattr(md, "toc_tokens", None) else ""
    return Rendered(html=body, toc_html=toc, reading_time=reading_time(plain_text(body)))


@lru_cache(maxsize=1)
def pygments_css() -> str:
    """Highlighting styles for light and dark schemes (matches site.css's prefers-color-scheme)."""
    selector = f".{CODE_CSS_CLASS}"
    light = HtmlFormatter(style="default").get_style_defs(selector)
    dark = HtmlFormatter(style="monokai").get_style_defs(selector)
    dark = "\n".join(f"  {line}" for line in dark.splitlines())
    return (
        "/* Code highlighting (Pygments), generated by apps.blog.rendering.pygments_css(). */\n"
        f"{light}\n\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    )
