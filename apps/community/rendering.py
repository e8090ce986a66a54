"""Comment text: a Markdown subset (emphasis, links, code) → sanitized HTML.

The blog's approach (`apps/blog/rendering.py`): Python-Markdown renders, then nh3 keeps an allow-list.
Here both steps are narrower. Markdown loses everything but paragraphs, line breaks, emphasis, links,
inline code and code blocks (no headings, lists, quotes, images or raw HTML: typed markup shows as
text); bare `https://` addresses become links. nh3 then allows only `p br em strong a code pre`,
`href` with http/https/mailto, and gives every link `rel="nofollow ugc noopener"`.
"""

import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.inlinepatterns import InlineProcessor

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

# What counts as a link for the link limit: any web address typed, linked or not.
_LINKISH = re.compile(r"(?:https?://|www\.)", re.IGNORECASE)
# A bare address: http(s)://… up to whitespace or markup, without trailing punctuation.
_BARE_URL = r"(?<![\w/\"'=(<])(https?://[^\s<>()\[\]\"']+[^\s<>()\[\]\"'.,;:!?])"

_BLOCKS_DROPPED = ("indent", "hashheader", "setextheader", "hr", "olist", "ulist", "quote", "reference")
_INLINE_DROPPED = (
    "reference",
    "image_link",
    "image_reference",
    "short_reference",
    "short_image_ref",
    "automail",
    "html",
)


class _BareUrlProcessor(InlineProcessor):
    def handleMatch(self, m: re.Match, data: str) -> tuple[etree.Element, int, int]:
        element = etree.Element("a")
        element.set("href", m.group(1))
        element.text = m.group(1)
        return element, m.start(0), m.end(0)


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["fenced_code", "nl2br"], output_format="html")
    md.preprocessors.deregister("html_block")
    for name in _BLOCKS_DROPPED:
        md.parser.blockprocessors.deregister(name)
    for name in _INLINE_DROPPED:
        md.inlinePatterns.deregister(name)
    md.inlinePatterns.register(_BareUrlProcessor(_BARE_URL, md), "bare_url", 5)
    return md


def sanitize_comment_html(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript", "textarea"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_comment(source: str) -> str:
    """Sanitized HTML of a comment's Markdown (empty for an empty text)."""
    if not source or not source.strip():
        return ""
    return sanitize_comment_html(_markdown().convert(source))


def count_links(source: str) -> int:
    """Web addresses in a comment's text, linked or bare (the link limit counts these)."""
    return len(_LINKISH.findall(source or ""))


def plain_excerpt(html_fragment: str, length: int = 300) -> str:
    """The text of a rendered comment, shortened (e-mails, the moderation queue)."""
    import html

    text = " ".join(html.unescape(nh3.clean(html_fragment or "", tags=set())).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
