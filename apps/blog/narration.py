"""What a narration says: the text of a post's rendered body, as a listener should hear it.

Headings, paragraphs, list items, quotes, definitions and captions are read; a code block is announced
("Code sample omitted.") and skipped; a table is summarised by its size and skipped; footnotes and
their reference marks are skipped; an image is read by its alt text. The title comes first. Each block
ends with sentence punctuation, so every engine pauses between them.

The hash of the result decides whether a narration must be made again (`services.post_narration_generate`).
"""

import hashlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Post, lang_suffix

_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "blockquote", "figcaption", "summary", "br"}
_SKIPPED = {"script", "style", "template", "sup"}  # `sup`: footnote marks ("1", "2") mean nothing aloud
_END_PUNCTUATION = tuple(".!?…:;。！？；：")  # noqa: RUF001 - Chinese full-width punctuation, on purpose
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SPACE_BETWEEN_CJK = re.compile(
    r"(?<=[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]) (?=[\u3400-\u9fff\u3000-\u303f\uff00-\uffef])"
)


@dataclass(frozen=True)
class NarrationText:
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def characters(self) -> int:
        return len(self.text)


class _BodyReader(HTMLParser):
    def __init__(self, *, chinese: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.chinese = chinese
        self.paragraphs: list[str] = []
        self.buffer: list[str] = []
        self.skip_depth = 0  # inside a skipped element (code, table, footnotes, sup)
        self.stack: list[str] = []  # open elements while skipping, to find where the skip ends
        self.table_rows = 0
        self.skip_kind = ""

    # A block boundary: what was gathered becomes one paragraph.
    def flush(self) -> None:
        text = " ".join("".join(self.buffer).split())
        self.buffer = []
        if self.chinese:
            text = _SPACE_BETWEEN_CJK.sub("", text)
        if not text:
            return
        if not text.endswith(_END_PUNCTUATION):
            text += "。" if self.chinese and _CJK.search(text[-1]) else "."
        self.paragraphs.append(text)

    def _start_skip(self, tag: str, kind: str) -> None:
        if kind != "mark":
            self.flush()
        self.skip_depth = 1
        self.stack = [tag]
        self.skip_kind = kind
        self.table_rows = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_depth:
            if tag not in ("br", "img", "hr"):
                self.stack.append(tag)
            if self.skip_kind == "table" and tag == "tr":
                self.table_rows += 1
            return
        classes = (dict(attrs).get("class") or "").split()
        if tag == "pre" or (tag == "div" and "codehilite" in classes):
            self._start_skip(tag, "code")
        elif tag == "table":
            self._start_skip(tag, "table")
        elif tag == "div" and "footnote" in classes:
            self._start_skip(tag, "footnotes")
        elif tag in _SKIPPED:
            self._start_skip(tag, "mark")
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            if alt:
                self.flush()
                self.buffer.append(_("Image: %(description)s") % {"description": alt})
                self.flush()
        elif tag in _BLOCKS:
            self.flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.skip_depth:
            # Close up to the matching element (tolerates the odd unclosed tag inside).
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            if not self.stack:
                self.skip_depth = 0
                self._announce()
            return
        if tag in _BLOCKS:
            self.flush()

    def _announce(self) -> None:
        if self.skip_kind == "code":
            self.paragraphs.append(_("Code sample omitted."))
        elif self.skip_kind == "table":
            rows = self.table_rows
            self.paragraphs.append(
                ngettext(
                    "A table of %(rows)d row is not read aloud.", "A table of %(rows)d rows is not read aloud.", rows
                )
                % {"rows": rows}
            )

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.buffer.append(data)

    def close(self) -> None:
        super().close()
        self.flush()


def body_paragraphs(html: str, *, language: str) -> list[str]:
    """The readable paragraphs of a rendered (sanitized) body, announcements in `language`."""
    with translation.override(language):
        reader = _BodyReader(chinese=language.startswith("zh"))
        reader.feed(html or "")
        reader.close()
    return reader.paragraphs


def narration_text(*, post: Post, language: str) -> NarrationText:
    """What the narration of `post` in `language` says: its title, then its body. Empty when the post
    has no body in that language (a narration never reads another language's text)."""
    suffix = lang_suffix(language)
    body = getattr(post, f"body_html_{suffix}", "") or ""
    paragraphs = body_paragraphs(body, language=language)
    if not paragraphs:
        return NarrationText(())
    title = (getattr(post, f"title_{suffix}", "") or "").strip()
    heading = body_paragraphs(f"<h1>{_escape(title)}</h1>", language=language) if title else []
    return NarrationText(tuple(heading + paragraphs))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
