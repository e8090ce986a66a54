"""Markdown cut into translatable pieces, and put back together after translation.

What a translator must never touch is replaced by placeholders the model is told to keep:

- whole blocks that are never sent at all: fenced and indented code, front matter (`---` … `---`),
  HTML blocks; they stay in place, byte for byte;
- inline: code spans, URLs (bare, autolinks, link and image destinations with their titles),
  inline HTML, footnote references, `{#id}` attributes → an atom `<x7/>`;
- links and images keep their text translatable inside a pair `<x8>text</x8>`, which becomes
  `[translated text](url)` again;
- line structure (heading `##`, list markers, quote `>`, indentation, table delimiter rows,
  reference definitions, rules) → atoms that are put back at the start of their line.

Each block of text (a paragraph, a list, a table, a heading) is one unit; a unit too long for one
request is split at sentence ends. Units are packed in order into chunks of at most `max_chars`
characters; a chunk is sent as `<x1>unit</x1>\\n\\n<x2>unit</x2>`, so the answer is read back unit by
unit whatever the model does with blank lines, and checked: every placeholder of a unit must come
back exactly once, or the chunk is refused (`ChunkError`). Everything is reassembled in the order of
the source, with the source's own separators. Pure functions, no Django.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# --- placeholders -------------------------------------------------------------------------------

_TOKEN = re.compile(r"<x(\d+)/>|<x(\d+)>|</x(\d+)>")
_LETTER = re.compile(r"[^\W\d_]")


class ChunkError(ValueError):
    """A translated chunk lost, doubled or broke a placeholder: its text cannot be put back safely."""


@dataclass
class Placeholders:
    """The protected pieces of one document: atoms (kept verbatim) and pairs (prefix, suffix)."""

    atoms: dict[int, str] = field(default_factory=dict)
    pairs: dict[int, tuple[str, str]] = field(default_factory=dict)
    structural: set[int] = field(default_factory=set)
    _next: int = 1

    def _new_id(self) -> int:
        number = self._next
        self._next += 1
        return number

    def atom(self, text: str, *, structural: bool = False) -> str:
        number = self._new_id()
        self.atoms[number] = self.expand(text)
        if structural:
            self.structural.add(number)
        return f"<x{number}/>"

    def pair(self, prefix: str, inner: str, suffix: str) -> str:
        number = self._new_id()
        self.pairs[number] = (self.expand(prefix), self.expand(suffix))
        return f"<x{number}>{inner}</x{number}>"

    def unit_id(self) -> int:
        return self._new_id()

    def expand(self, text: str) -> str:
        """`text` with every placeholder replaced by what it stands for (one pass: never re-scanned)."""
        return restore(text, self)


def restore(text: str, placeholders: Placeholders) -> str:
    """Put the protected pieces back. Unknown or unbalanced placeholders raise ChunkError."""
    out: list[str] = []
    stack: list[int] = []
    position = 0
    for match in _TOKEN.finditer(text):
        out.append(text[position : match.start()])
        position = match.end()
        atom, opening, closing = match.groups()
        if atom is not None:
            number = int(atom)
            if number not in placeholders.atoms:
                raise ChunkError(f"unknown placeholder <x{number}/>")
            out.append(placeholders.atoms[number])
        elif opening is not None:
            number = int(opening)
            if number not in placeholders.pairs:
                raise ChunkError(f"unknown placeholder <x{number}>")
            stack.append(number)
            out.append(placeholders.pairs[number][0])
        else:
            number = int(closing)
            if not stack or stack[-1] != number:
                raise ChunkError(f"placeholder </x{number}> closes nothing")
            stack.pop()
            out.append(placeholders.pairs[number][1])
    if stack:
        raise ChunkError(f"placeholder <x{stack[-1]}> is never closed")
    out.append(text[position:])
    return "".join(out)


def _tokens(text: str) -> list[str]:
    return sorted(m.group(0) for m in _TOKEN.finditer(text))


# --- inline protection --------------------------------------------------------------------------

_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_HTML_INLINE = re.compile(
    r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<(?:https?|mailto|ftp):[^<>\s]*>", re.S
)
_DESTINATION = (
    r"\([ \t]*(?:<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)"
)
_LINK_TEXT = r"\[((?:\\.|[^\[\]\\])*)\]"
_IMAGE = re.compile(r"!" + _LINK_TEXT + "(" + _DESTINATION + r")")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\](?!:)")
_LINK = re.compile(_LINK_TEXT + "(" + _DESTINATION + r"|\[[^\[\]\n]*\])")
_BARE_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\[\]\u3000-\u303f\uff00-\uffef]+")
_URL_TRAILING = ".,;:!?'\")"
_ATTRIBUTES = re.compile(r"\{[#.][^{}\n]*\}")


def _trim_url(match: re.Match, placeholders: Placeholders) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in _URL_TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        tail = url[-1] + tail
        url = url[:-1]
    return placeholders.atom(url) + tail


def protect_inline(text: str, placeholders: Placeholders) -> str:
    """Replace code, HTML, URLs, links and images in `text` with placeholders."""
    text = _CODE_SPAN.sub(lambda m: placeholders.atom(m.group(0)), text)
    text = _HTML_INLINE.sub(lambda m: placeholders.atom(m.group(0)), text)
    text = _IMAGE.sub(lambda m: placeholders.pair("![", m.group(1), "]" + m.group(2)), text)
    text = _FOOTNOTE_REF.sub(lambda m: placeholders.atom(m.group(0)), text)
    text = _LINK.sub(lambda m: placeholders.pair("[", m.group(1), "]" + m.group(2)), text)
    text = _ATTRIBUTES.sub(lambda m: placeholders.atom(m.group(0)), text)
    return _BARE_URL.sub(lambda m: _trim_url(m, placeholders), text)


# --- block structure ----------------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HTML_BLOCK = re.compile(
    r"^ {0,3}<(?:!--|\?|![A-Z]|/?(?:address|article|aside|blockquote|details|dialog|div|dl|fieldset|figcaption"
    r"|figure|footer|form|h[1-6]|header|hr|iframe|li|main|nav|ol|p|pre|section|summary|table|tbody|td|tfoot"
    r"|th|thead|tr|ul|script|style|video|audio|picture|source|center)(?:[\s/>]|$))",
    re.I,
)
_LIST_LINE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")
_DELIMITER_ROW = re.compile(
    r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$"  # | --- | :-: |
    r"|^[ \t]*\|[ \t]*:?-+:?[ \t]*\|[ \t]*$"  # | --- | (one column)
)
_WHOLE_LINE = re.compile(
    r"^ {0,3}(?:[-*_][ \t]*){3,}$"  # a thematic break
    r"|^ {0,3}(?:=+|-+)[ \t]*$"  # a setext heading's underline
    r"|^ {0,3}\[(?!\^)[^\]]+\]:[ \t]*\S.*$"  # a link reference definition
    r"|^[ \t]*\[TOC\][ \t]*$"
)
_PREFIX = re.compile(
    r"^(?:[ \t]*(?:>[ \t]?"  # a quote
    r"|[-*+][ \t]+(?:\[[ xX]\][ \t]+)?|\d{1,9}[.)][ \t]+"  # a list item (a task)
    r"|#{1,6}(?:[ \t]+|$)"  # a heading
    r"|\[\^[^\]\s]+\]:[ \t]*))+"  # a footnote's definition
    r"|^[ \t]+"  # indentation
)
_TABLE_PREFIX = re.compile(r"^[ \t]*\|[ \t]*")


@dataclass
class Unit:
    """One piece of text to translate (a block, or part of a long one)."""

    id: int
    wire: str  # the text with placeholders, as sent


@dataclass
class Prepared:
    """A text ready to translate: literal parts (kept) and units (translated), in the source's order."""

    parts: list[str | Unit]
    placeholders: Placeholders

    @property
    def units(self) -> list[Unit]:
        return [part for part in self.parts if isinstance(part, Unit)]


def _blocks(text: str) -> list[tuple[str, str]]:
    """(kind, text) for every block: "literal" (blank lines, code, front matter, HTML) or "text"."""
    lines = text.splitlines(keepends=True)
    blocks: list[tuple[str, str]] = []
    i = 0
    # Front matter: a first line of --- or +++ closed by the same line.
    if lines and lines[0].strip() in ("---", "+++"):
        marker = lines[0].strip()
        for j in range(1, len(lines)):
            if lines[j].strip() == marker:
                blocks.append(("literal", "".join(lines[: j + 1])))
                i = j + 1
                break
    previous_text = ""
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            j = i
            while j < len(lines) and not lines[j].strip():
                j += 1
            blocks.append(("literal", "".join(lines[i:j])))
            i = j
            continue
        fence = _FENCE.match(line)
        if fence:
            mark = fence.group(1)
            j = i + 1
            while j < len(lines):
                closing = _FENCE.match(lines[j])
                same = closing and closing.group(1)[0] == mark[0] and len(closing.group(1)) >= len(mark)
                if same and not lines[j].strip().strip(mark[0]):
                    break
                j += 1
            blocks.append(("literal", "".join(lines[i : j + 1])))
            i = j + 1
            continue
        j = i
        while j < len(lines) and lines[j].strip() and (j == i or not _FENCE.match(lines[j])):
            j += 1
        run = "".join(lines[i:j])
        indented = all(r.startswith(("    ", "\t")) for r in lines[i:j])
        in_list = any(_LIST_LINE.match(r) for r in previous_text.splitlines())
        if _HTML_BLOCK.match(line) or (indented and not in_list):
            blocks.append(("literal", run))
        else:
            blocks.append(("text", run))
            previous_text = run
        i = j
    return blocks


def _protect_lines(block: str, placeholders: Placeholders) -> str:
    """Whole-line and line-start structure → structural atoms (the block's inline parts are done)."""
    lines = block.split("\n")
    table = any(_DELIMITER_ROW.match(placeholders.expand(line)) for line in lines)
    out = []
    for line in lines:
        original = placeholders.expand(line)
        if _WHOLE_LINE.match(original) or (table and _DELIMITER_ROW.match(original)):
            out.append(placeholders.atom(line, structural=True))
            continue
        prefix = (_TABLE_PREFIX if table else _PREFIX).match(line)
        if prefix and prefix.group(0):
            line = placeholders.atom(prefix.group(0), structural=True) + line[prefix.end() :]
        out.append(line)
    return "\n".join(out)


def _has_text(wire: str) -> bool:
    return bool(_LETTER.search(_TOKEN.sub("", wire)))


_SENTENCE_END = re.compile(r"(?<=[。！？；])|(?<=[.!?;:])(?=\s)|\n")  # noqa: RUF001 - Chinese punctuation


def _pair_spans(wire: str) -> list[tuple[int, int]]:
    """(start, end) of every outermost pair in `wire`."""
    spans, depth, start = [], 0, 0
    for match in _TOKEN.finditer(wire):
        if match.group(2) is not None:
            if depth == 0:
                start = match.start()
            depth += 1
        elif match.group(3) is not None and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, match.end()))
    return spans


def _split_long(wire: str, max_chars: int) -> list[tuple[str, str]]:
    """(piece, separator after it): `wire` cut at sentence ends outside pairs, pieces ≤ max_chars if possible."""
    spans = _pair_spans(wire)
    cuts = [
        m.start()
        for m in _SENTENCE_END.finditer(wire)
        if 0 < m.start() < len(wire) and not any(a < m.start() < b for a, b in spans)
    ]
    pieces: list[tuple[str, str]] = []
    start, last_ok = 0, None
    for cut in [*cuts, len(wire)]:
        if cut - start > max_chars and last_ok is not None:
            pieces.append(_piece(wire, start, last_ok))
            start, last_ok = _skip_space(wire, last_ok), None
        if cut > start:
            last_ok = cut
    if start < len(wire):
        pieces.append(_piece(wire, start, len(wire)))
    return pieces


def _skip_space(wire: str, position: int) -> int:
    while position < len(wire) and wire[position] in " \t\n":
        position += 1
    return position


def _piece(wire: str, start: int, end: int) -> tuple[str, str]:
    after = _skip_space(wire, end)
    return wire[start:end], wire[end:after]


def _add_text(parts: list[str | Unit], wire: str, placeholders: Placeholders, max_chars: int) -> None:
    """Append a protected block as units (split when long) and its literal whitespace."""
    stripped = wire.strip()
    lead = wire[: len(wire) - len(wire.lstrip())]
    trail = wire[len(wire.rstrip()) :]
    if lead:
        parts.append(lead)
    if not _has_text(stripped):
        parts.append(placeholders.expand(stripped))
    else:
        pieces = [(stripped, "")] if len(stripped) <= max_chars else _split_long(stripped, max_chars)
        for piece, separator in pieces:
            if _has_text(piece):
                parts.append(Unit(placeholders.unit_id(), piece))
            else:
                parts.append(placeholders.expand(piece))
            if separator:
                parts.append(separator)
    if trail:
        parts.append(trail)


def prepare_markdown(text: str, *, max_chars: int, placeholders: Placeholders | None = None) -> Prepared:
    """A Markdown body as literal parts and units to translate."""
    placeholders = placeholders or Placeholders()
    parts: list[str | Unit] = []
    for kind, block in _blocks(text):
        if kind == "literal":
            parts.append(block)
            continue
        wire = _protect_lines(protect_inline(block, placeholders), placeholders)
        _add_text(parts, wire, placeholders, max_chars)
    return Prepared(parts=parts, placeholders=placeholders)


def prepare_plain(text: str, *, max_chars: int, placeholders: Placeholders | None = None) -> Prepared:
    """A short field (title, summary, SEO text, a tag name): inline protection only."""
    placeholders = placeholders or Placeholders()
    parts: list[str | Unit] = []
    _add_text(parts, protect_inline(text, placeholders), placeholders, max_chars)
    return Prepared(parts=parts, placeholders=placeholders)


# --- chunks -------------------------------------------------------------------------------------


def make_chunks(units: Iterable[Unit], *, max_chars: int) -> list[list[Unit]]:
    """Units packed in order into chunks of at most `max_chars` (a longer unit goes alone)."""
    chunks: list[list[Unit]] = []
    current: list[Unit] = []
    size = 0
    for unit in units:
        cost = len(unit.wire) + len(str(unit.id)) * 2 + 11
        if current and size + cost > max_chars:
            chunks.append(current)
            current, size = [], 0
        current.append(unit)
        size += cost
    if current:
        chunks.append(current)
    return chunks


def chunk_wire(units: Iterable[Unit]) -> str:
    """What is sent for a chunk: each unit wrapped in its own pair, blank lines between."""
    return "\n\n".join(f"<x{unit.id}>{unit.wire}</x{unit.id}>" for unit in units)


def _unit_answer(translated: str, unit: Unit) -> str:
    opening, closing = f"<x{unit.id}>", f"</x{unit.id}>"
    if translated.count(opening) != 1 or translated.count(closing) != 1:
        raise ChunkError(f"piece {unit.id} did not come back exactly once")
    start = translated.index(opening) + len(opening)
    end = translated.index(closing)
    if end < start:
        raise ChunkError(f"piece {unit.id} came back out of order")
    return translated[start:end]


def _line_starts(inner: str, placeholders: Placeholders) -> str:
    """Structural placeholders (list markers, heading marks, indentation) back at the start of a line."""

    def fix(match: re.Match) -> str:
        token, number = match.group(2), int(match.group(3))
        if number not in placeholders.structural:
            return match.group(0)
        at_line_start = match.start() == 0 or inner[match.start() - 1] == "\n"
        # Spaces the model put before a line's structure would shift it (e.g. into a code block).
        return token if at_line_start else "\n" + token

    return re.sub(r"([ \t]*)(<x(\d+)/>)", fix, inner).strip(" \t")


def read_chunk(translated: str, units: list[Unit], placeholders: Placeholders) -> dict[int, str]:
    """The translated text of every unit of a chunk, placeholders put back. Raises ChunkError."""
    answers = {}
    for unit in units:
        inner = _unit_answer(translated, unit).strip()
        if _tokens(inner) != _tokens(unit.wire):
            raise ChunkError(f"piece {unit.id} lost or changed protected text (code, a URL or the Markdown)")
        answers[unit.id] = restore(_line_starts(inner, placeholders), placeholders)
    return answers


def assemble(prepared: Prepared, translations: dict[int, str]) -> str:
    """The whole text again, in the source's order: literal parts as they were, units translated."""
    return "".join(part if isinstance(part, str) else translations[part.id] for part in prepared.parts)


# --- heading anchors ----------------------------------------------------------------------------

_FRAGMENT_LINK = re.compile(r"(\]\(\s*#)([^)\s]+)|(href=\"#)([^\"]+)")


def remap_anchors(translated: str, *, source_ids: list[str], target_ids: list[str]) -> str:
    """Links to the source's heading ids (`[see](#安装)`) pointed at the translated headings' ids
    (`#installation`), matched by position; left alone when the headings no longer line up."""
    if len(source_ids) != len(target_ids):
        return translated
    mapping = {s: t for s, t in zip(source_ids, target_ids, strict=True) if s != t}
    if not mapping:
        return translated

    def swap(match: re.Match) -> str:
        if match.group(1) is not None:
            return match.group(1) + mapping.get(match.group(2), match.group(2))
        return match.group(3) + mapping.get(match.group(4), match.group(4))

    return _FRAGMENT_LINK.sub(swap, translated)
