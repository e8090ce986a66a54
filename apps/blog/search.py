# ruff: noqa: RUF001 - Chinese punctuation is matched on purpose.
"""Search text: normalising, Chinese segmentation, query parsing, prose extraction and snippets.

Pure functions (no database): the selectors build the SQL from what `parse_query` returns, and
`Post.save` stores `search_text(body_html)` per language in `search_text_<lang>`, and
`prose_text(body_html)` (what snippets quote) in `prose_<lang>`.

Normal form, the same for documents and queries: Unicode NFKC, lower case, one space between
tokens. A token is a run of letters/digits (`django`, `2026`) or a Chinese (CJK) character bigram:
a run of CJK characters is written as its overlapping bigrams (`页面缓存` → `页面 面缓 缓存`), a lone
CJK character as itself. That needs no dictionary, works on every database (a `LIKE` or a
PostgreSQL `simple` tsvector sees plain space-separated tokens) and never misses a word because a
segmenter cut it differently in the post and in the query.
"""

import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_TERMS = 8
SNIPPET_WIDTH = 200
# The stored search text is cut here (at a token): PostgreSQL refuses a tsvector over 1 MB, and a
# 200,000-character Chinese body of distinct bigrams would come close. ~16,000 English words.
SEARCH_TEXT_MAX_CHARS = 100_000

_CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKEN = re.compile(f"[{_CJK_CLASS}]+|[^\\W_{_CJK_CLASS}]+")
_CJK = re.compile(f"[{_CJK_CLASS}]")
# Particles that separate words in a Chinese query typed without spaces ("缓存的键" → 缓存, 键).
_CJK_PARTICLES = re.compile("[的了和与及或是在把被]")
FOOTNOTE_MARKS = re.compile("[\u21a9\ufe0e\ufe0f]")
# A footnote reference (`<sup id="fnref:1"><a class="footnote-ref" …>1</a></sup>`) and back-link.
_FOOTNOTE_LINKS = re.compile(r'<sup id="fnref[^"]*">.*?</sup>|<a [^>]*class="footnote-backref"[^>]*>.*?</a>', re.S)
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|td|th|dt|dd|pre|blockquote|div)>|<br\s*/?>")


def _is_cjk(token: str) -> bool:
    return bool(_CJK.match(token))


def _bigrams(run: str) -> list[str]:
    return [run] if len(run) < 2 else [run[i : i + 2] for i in range(len(run) - 1)]


def normalize(text: str) -> str:
    """`text` in the search normal form (see the module docstring)."""
    out: list[str] = []
    for token in _TOKEN.findall(unicodedata.normalize("NFKC", text or "").lower()):
        out.extend(_bigrams(token) if _is_cjk(token) else [token])
    return " ".join(out)


# --- Queries ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One required word: `raw` is matched (case-insensitively) in titles, summaries and tag names,
    `norm` in the normalised body column."""

    raw: str
    norm: str


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]
    # The words as typed, in order: a bonus when they appear together (None for a one-word query).
    phrase: Term | None
    # What to highlight, longest first.
    marks: tuple[str, ...]


def _cjk_words(run: str) -> list[str]:
    """The words of a Chinese run typed without spaces: split at particles, then into consecutive
    two-character pieces (most Chinese words have two characters; an odd run ends with an
    overlapping pair). `页面缓存` → 页面, 缓存; `数据库` → 数据, 据库."""
    words: list[str] = []
    for part in _CJK_PARTICLES.split(run) or [run]:
        if len(part) <= 2:
            if part:
                words.append(part)
            continue
        pieces = [part[i : i + 2] for i in range(0, len(part) - 1, 2)]
        if len(part) % 2:
            pieces.append(part[-2:])
        words.extend(pieces)
    if not words and run:
        words = [run]  # a query made of particles only
    return words


def parse_query(query: str) -> ParsedQuery:
    """The terms every result must contain (at most MAX_TERMS), and the phrase that ranks higher."""
    tokens = _TOKEN.findall(unicodedata.normalize("NFKC", (query or "").replace("\x00", "")).lower())
    terms: list[Term] = []
    for token in tokens:
        for word in _cjk_words(token) if _is_cjk(token) else [token]:
            term = Term(raw=word, norm=normalize(word))
            if term not in terms:
                terms.append(term)
    terms = terms[:MAX_TERMS]
    phrase = None
    if len(terms) > 1 or (tokens and _is_cjk(tokens[0]) and len(tokens[0]) > 2):
        raw = ""
        for token in tokens:
            # Chinese next to Chinese is written without a space; anything else with one.
            glue = "" if raw and _is_cjk(raw[-1]) and _is_cjk(token) else " "
            raw = f"{raw}{glue}{token}" if raw else token
        phrase = Term(raw=raw[:100], norm=normalize(raw[:100]))
    marks = sorted({*(t.raw for t in terms), *([phrase.raw] if phrase else [])}, key=len, reverse=True)
    return ParsedQuery(terms=tuple(terms), phrase=phrase, marks=tuple(marks))


# --- Prose --------------------------------------------------------------------------------------

_SKIP_TAGS = {"pre", "table", "script", "style", "nav", "code_block"}
_BLOCK_TAGS = {"p", "li", "blockquote", "dd", "dt", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "div", "br"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class _ProseParser(HTMLParser):
    """Collects the paragraphs of rendered HTML, skipping code blocks, tables, the table of contents,
    headings, footnote references and the footnotes themselves."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._skip: list[str] = []  # open tags whose content is skipped

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if self._skip:
            if tag not in ("br", "hr", "img"):
                self._skip.append(tag)
            return
        skip = (
            tag in _SKIP_TAGS
            or tag in _HEADINGS
            or (tag == "div" and ({"footnote", "toc", "codehilite"} & set(classes)))
            or (tag == "sup" and (attributes.get("id") or "").startswith("fnref"))
            or (tag == "a" and "footnote-ref" in classes)
        )
        if tag in _BLOCK_TAGS:
            self._flush()
        if skip:
            self._skip.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            # Close up to the matching open tag (sanitized HTML is well nested).
            if tag in self._skip:
                while self._skip and self._skip.pop() != tag:
                    pass
            return
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._current.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def prose_blocks(body_html: str) -> list[str]:
    """The paragraphs (and list items) of a rendered body, as plain text without footnote marks."""
    if not body_html:
        return []
    parser = _ProseParser()
    parser.feed(body_html)
    parser.close()
    return [b for b in (" ".join(FOOTNOTE_MARKS.sub("", block).split()) for block in parser.blocks) if b]


def prose_text(body_html: str) -> str:
    """What `prose_<lang>` stores: `prose_blocks`, one per line (a block never holds a line break:
    its whitespace is collapsed to single spaces)."""
    return "\n".join(prose_blocks(body_html))


def search_text(body_html: str) -> str:
    """What `search_text_<lang>` stores: every word a reader can see in the body (code and tables
    included, footnote marks not), in the normal form."""
    from .rendering import plain_text

    text = _FOOTNOTE_LINKS.sub(" ", body_html or "")
    normal = normalize(FOOTNOTE_MARKS.sub(" ", plain_text(_BLOCK_END.sub(" ", text))))
    if len(normal) > SEARCH_TEXT_MAX_CHARS:
        normal = normal[: SEARCH_TEXT_MAX_CHARS + 1].rsplit(" ", 1)[0]
    return normal


# --- Snippets -----------------------------------------------------------------------------------

_LATIN_WORD_CHAR = re.compile(f"[^\\W_{_CJK_CLASS}]")
_SENTENCE_END = re.compile(r"[.!?。！？；;]\s*|[.!?]\)?\s+")
_CJK_PAUSE = "，、；：。！？"


def _inside_word(text: str, i: int) -> bool:
    """Would cutting `text` before index `i` split a (non-CJK) word?"""
    return 0 < i < len(text) and bool(_LATIN_WORD_CHAR.match(text[i - 1])) and bool(_LATIN_WORD_CHAR.match(text[i]))


def _cut_end(text: str, end: int) -> int:
    """The cut at or before `end`: after Chinese punctuation when one is near, else at a word boundary."""
    if end >= len(text):
        return len(text)
    for i in range(end, max(0, end - 24), -1):
        if text[i - 1] in _CJK_PAUSE:
            return i
    i = end
    while i > 0 and (_inside_word(text, i) or text[i - 1] in " \u3000"):
        i -= 1
    return i if i > 0 else end


def _cut_start(text: str, start: int, hit: int) -> int:
    """The start at or after `start` (before `hit`): a sentence start when there is one, else a word start."""
    if start <= 0:
        return 0
    for m in _SENTENCE_END.finditer(text, start, hit):
        return m.end()
    i = start
    while i < hit and (_inside_word(text, i) or text[i].isspace()):
        i += 1
    return i


def _find(text: str, needles: tuple[str, ...]) -> int:
    lowered = unicodedata.normalize("NFKC", text).lower()
    found = [lowered.find(n) for n in needles if n and n in lowered]
    return min(found) if found else -1


def snippet_text(blocks: list[str], query: ParsedQuery, width: int = SNIPPET_WIDTH) -> str:
    """A piece of prose around the best match: the paragraph holding the phrase, else the one holding
    most terms, else the first; cut at word (English) or punctuation/character (Chinese) boundaries."""
    if not blocks:
        return ""
    terms = [t.raw for t in query.terms]

    def score(block: str) -> tuple[int, int]:
        lowered = unicodedata.normalize("NFKC", block).lower()
        phrase = bool(query.phrase and query.phrase.raw in lowered)
        return (int(phrase), sum(t in lowered for t in terms))

    best = max(blocks, key=score)  # the first of the best
    if score(best) == (0, 0):
        best = blocks[0]
    if len(best) <= width:
        return best
    hit = _find(best, (query.phrase.raw,) if query.phrase and query.phrase.raw in best.lower() else tuple(terms))
    hit = max(hit, 0)
    start = _cut_start(best, max(0, hit - width // 3), hit) if hit > width // 2 else 0
    end = _cut_end(best, start + width)
    piece = best[start:end].strip()
    return ("…" if start else "") + piece + ("…" if end < len(best) else "")


def highlight(text: str, marks: tuple[str, ...] | list[str]) -> SafeString:
    """`text` escaped, each mark wrapped in <mark> (case-insensitively, longest first, Latin terms at
    word starts)."""
    escaped = escape(text)
    marks = [m for m in marks if m]
    if not marks:
        return mark_safe(escaped)  # noqa: S308 - escaped just above
    # A Latin term is marked where a word starts ("on" not inside "transaction"); Chinese anywhere.
    parts = [
        ("" if _is_cjk(m[0]) else r"(?<![^\W_])") + re.escape(escape(m)) for m in sorted(marks, key=len, reverse=True)
    ]
    pattern = re.compile("|".join(parts), re.I)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))  # noqa: S308 - input escaped


def snippet(
    *, summary: str, query: ParsedQuery, body_html: str = "", prose: str | None = None, width: int = SNIPPET_WIDTH
) -> SafeString:
    """The highlighted snippet of a result: prose of the body (empty when the reader may not read it,
    the caller passes ""), else the summary. `prose` is the stored `prose_<lang>` (`prose_text`); without
    it the body's HTML is parsed."""
    blocks = prose_blocks(body_html) if prose is None else [b for b in prose.split("\n") if b]
    text = snippet_text(blocks, query, width)
    if not text or (summary and _find(text, tuple(t.raw for t in query.terms)) < 0):
        text = snippet_text([summary], query, width) if summary else text
    return highlight(text, query.marks)
