"""Tiptap/ProseMirror JSON (how the old backend stored rich text) → Markdown (how Inkwell stores it).

Covers the nodes the old editor made: paragraphs, headings, bullet and ordered lists (nested), task
lists, quotes, code blocks with their language, images, tables, hard breaks and rules; and the marks
bold, italic, strike, code, link and underline. Python-Markdown has no strike or underline syntax, so
those become `<del>`/`<u>`, which Inkwell's sanitizer keeps. Anything unknown keeps its text and is
named in `warnings`, so the import report can say what did not come across exactly.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_ESCAPE = re.compile(r"([\\`*_\[\]])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")
_INDENT = "    "  # Python-Markdown nests list content by four spaces


@dataclass
class Converted:
    markdown: str
    warnings: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)


def parse_document(value: Any) -> dict[str, Any] | None:
    """The stored column as a dict: MariaDB hands JSON columns back as text, MySQL as text or bytes."""
    if value is None or value == "":
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {"type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": value}]}]}
    return value if isinstance(value, dict) else None


def to_markdown(value: Any, *, rewrite_url: Callable[[str], str] | None = None) -> Converted:
    """Convert a stored document (dict, JSON text or None); `rewrite_url` maps image/link URLs."""
    converter = _Converter(rewrite_url or (lambda url: url))
    document = parse_document(value)
    if not document:
        return Converted("")
    text = "\n\n".join(b for b in converter.blocks(document.get("content") or []) if b.strip())
    return Converted(text.strip() + ("\n" if text.strip() else ""), converter.warnings, converter.images)


def to_points(value: Any) -> list[str]:
    """A summary document as a list of points: its list items, else its paragraphs (plain text)."""
    document = parse_document(value)
    if not document:
        return []
    converter = _Converter(lambda url: url)
    items: list[str] = []

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            if node.get("type") == "listItem":
                items.append(converter.plain(node))
            else:
                walk(node.get("content") or [])

    walk(document.get("content") or [])
    if not items:
        items = [converter.plain(node) for node in document.get("content") or []]
    return [" ".join(item.split()) for item in items if item.strip()]


class _Converter:
    def __init__(self, rewrite_url: Callable[[str], str]) -> None:
        self.rewrite_url = rewrite_url
        self.warnings: list[str] = []
        self.images: list[str] = []

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    # --- Blocks: each returns its Markdown text (possibly several lines) ---------------------------

    def blocks(self, nodes: list[dict[str, Any]]) -> list[str]:
        return [self.block(node) for node in nodes if isinstance(node, dict)]

    def block(self, node: dict[str, Any]) -> str:
        kind = node.get("type")
        content = node.get("content") or []
        attrs = node.get("attrs") or {}
        if kind == "paragraph":
            text = self.inline(content)
            return _LINE_START.sub(r"\1\\\2", text, count=1)
        if kind == "heading":
            level = attrs.get("level") if isinstance(attrs.get("level"), int) else 2
            return "#" * min(max(level, 1), 6) + " " + self.inline(content).replace("\n", " ")
        if kind in ("bulletList", "orderedList", "taskList"):
            return self.list_(node)
        if kind == "blockquote":
            inner = "\n\n".join(self.blocks(content))
            return "\n".join(("> " + line).rstrip() for line in inner.split("\n"))
        if kind == "codeBlock":
            code = "".join(child.get("text", "") for child in content if isinstance(child, dict))
            language = str(attrs.get("language") or "").strip().split()[0] if attrs.get("language") else ""
            fence = "```"
            while fence in code:
                fence += "`"
            return f"{fence}{language}\n{code.rstrip(chr(10))}\n{fence}"
        if kind == "image":
            return self.image(attrs)
        if kind == "horizontalRule":
            return "---"
        if kind == "table":
            return self.table(node)
        if kind == "hardBreak":
            return ""
        if kind == "text":
            return self.inline([node])
        self.warn(f"unknown block {kind!r} kept as text")
        return "\n\n".join(self.blocks(content)) if content else ""

    def list_(self, node: dict[str, Any]) -> str:
        ordered = node.get("type") == "orderedList"
        start = (node.get("attrs") or {}).get("start")
        number = start if isinstance(start, int) and start >= 0 else 1
        items = []
        for item in node.get("content") or []:
            if not isinstance(item, dict):
                continue
            marker = f"{number}. " if ordered else "- "
            number += 1
            if item.get("type") == "taskItem":
                marker += "[x] " if (item.get("attrs") or {}).get("checked") else "[ ] "
            parts = self.blocks(item.get("content") or [])
            body = "\n\n".join(p for p in parts if p.strip()) if _is_loose(item) else "\n".join(parts)
            lines = body.split("\n") if body else [""]
            rendered = [marker + lines[0]] + [(_INDENT + line) if line else "" for line in lines[1:]]
            items.append("\n".join(rendered))
        return "\n".join(items)

    def table(self, node: dict[str, Any]) -> str:
        rows = []
        for row in node.get("content") or []:
            cells = []
            for cell in (row or {}).get("content") or []:
                parts = [self.inline(p.get("content") or []) for p in (cell or {}).get("content") or []]
                text = "<br>".join(part.replace("  \n", "<br>").replace("\n", " ") for part in parts)
                cells.append(text.replace("|", "\\|") or " ")
            rows.append(cells)
        rows = [r for r in rows if r]
        if not rows:
            return ""
        width = max(len(r) for r in rows)
        rows = [r + [" "] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join(["---"] * width) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)

    def image(self, attrs: dict[str, Any]) -> str:
        src = str(attrs.get("src") or "").strip()
        if not src:
            return ""
        self.images.append(src)
        alt = _escape(str(attrs.get("alt") or ""))
        title = str(attrs.get("title") or "").replace('"', "'")
        url = self.rewrite_url(src).replace(" ", "%20").replace(")", "%29")
        return f'![{alt}]({url} "{title}")' if title else f"![{alt}]({url})"

    # --- Inline --------------------------------------------------------------------------------------

    def inline(self, nodes: list[dict[str, Any]]) -> str:
        out: list[str] = []
        for node in nodes:
            if not isinstance(node, dict):
                continue
            kind = node.get("type")
            if kind == "text":
                out.append(self.text(str(node.get("text") or ""), node.get("marks") or []))
            elif kind == "hardBreak":
                out.append("  \n")
            elif kind == "image":
                out.append(self.image(node.get("attrs") or {}))
            else:
                self.warn(f"unknown inline {kind!r} kept as text")
                out.append(self.inline(node.get("content") or []))
        return "".join(out)

    def text(self, text: str, marks: list[dict[str, Any]]) -> str:
        names = {m.get("type"): m.get("attrs") or {} for m in marks if isinstance(m, dict)}
        if "code" in names:
            ticks = "`"
            while ticks in text:
                ticks += "`"
            pad = " " if text.startswith("`") or text.endswith("`") else ""
            core = f"{ticks}{pad}{text}{pad}{ticks}"
        else:
            core = _escape(text)
        if not core.strip():
            return core
        lead = core[: len(core) - len(core.lstrip())]
        trail = core[len(core.rstrip()) :]
        core = core.strip()
        for name, opening, closing in (
            ("italic", "*", "*"),
            ("bold", "**", "**"),
            ("strike", "<del>", "</del>"),
            ("underline", "<u>", "</u>"),
        ):
            if name in names:
                core = f"{opening}{core}{closing}"
        for name in set(names) - {"code", "italic", "bold", "strike", "underline", "link"}:
            self.warn(f"unknown mark {name!r} dropped")
        if "link" in names:
            href = str(names["link"].get("href") or "").strip()
            if href:
                href = self.rewrite_url(href).replace(" ", "%20").replace(")", "%29").replace("(", "%28")
                core = f"[{core}]({href})"
        return lead + core + trail

    def plain(self, node: dict[str, Any]) -> str:
        if node.get("type") == "text":
            return str(node.get("text") or "")
        if node.get("type") == "hardBreak":
            return " "
        return " ".join(self.plain(child) for child in node.get("content") or [] if isinstance(child, dict))


def _escape(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text).replace("<", "&lt;")


def _is_loose(item: dict[str, Any]) -> bool:
    """An item with several paragraphs needs blank lines between them; a paragraph + a list does not."""
    kinds = [c.get("type") for c in item.get("content") or [] if isinstance(c, dict)]
    return kinds.count("paragraph") > 1 or any(k in ("codeBlock", "blockquote", "table") for k in kinds)
