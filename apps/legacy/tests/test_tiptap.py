"""Tiptap/ProseMirror JSON → Markdown, node by node, and what Inkwell's renderer makes of it."""

import json

from apps.blog.rendering import render_markdown
from apps.legacy.tiptap import to_markdown, to_points


def text(value, *marks):
    node = {"type": "text", "text": value}
    if marks:
        node["marks"] = [{"type": m} if isinstance(m, str) else m for m in marks]
    return node


def para(*content):
    return {"type": "paragraph", "content": list(content)}


def doc(*content):
    return {"type": "doc", "content": list(content)}


def md(*content):
    return to_markdown(doc(*content)).markdown


def html(*content):
    return render_markdown(md(*content), language="en").html


def test_marks_links_and_hard_breaks():
    result = md(
        para(
            text("bold", "bold"),
            text(" "),
            text("it", "italic"),
            text(" "),
            text("gone", "strike"),
            text(" "),
            text("under", "underline"),
            text(" "),
            text("a`b", "code"),
            text(" "),
            text("both", "bold", "italic"),
            text(" "),
            text("site", {"type": "link", "attrs": {"href": "https://example.org/a (b)"}}),
            {"type": "hardBreak"},
            text("next"),
        )
    )
    assert result == (
        "**bold** *it* <del>gone</del> <u>under</u> ``a`b`` ***both*** "
        "[site](https://example.org/a%20%28b%29)  \nnext\n"
    )
    rendered = html(para(text("x", "strike"), {"type": "hardBreak"}, text("y", "underline")))
    assert rendered == "<p><del>x</del><br>\n<u>y</u></p>"


def test_text_that_looks_like_markdown_stays_text():
    assert md(para(text("# not a heading *nor* [a link]"))) == "\\# not a heading \\*nor\\* \\[a link\\]\n"
    assert html(para(text("<script>alert(1)</script>"))) == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_headings_quotes_rules():
    assert md({"type": "heading", "attrs": {"level": 3}, "content": [text("Title")]}) == "### Title\n"
    assert md({"type": "blockquote", "content": [para(text("a")), para(text("b"))]}) == "> a\n>\n> b\n"
    assert md(para(text("a")), {"type": "horizontalRule"}, para(text("b"))) == "a\n\n---\n\nb\n"


def test_nested_lists_keep_their_levels_and_numbers():
    tree = {
        "type": "bulletList",
        "content": [
            {
                "type": "listItem",
                "content": [
                    para(text("one")),
                    {
                        "type": "orderedList",
                        "attrs": {"start": 3},
                        "content": [
                            {"type": "listItem", "content": [para(text("three"))]},
                            {
                                "type": "listItem",
                                "content": [
                                    para(text("four")),
                                    {
                                        "type": "bulletList",
                                        "content": [{"type": "listItem", "content": [para(text("deep"))]}],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {"type": "listItem", "content": [para(text("two"))]},
        ],
    }
    assert md(tree) == "- one\n    3. three\n    4. four\n        - deep\n- two\n"
    rendered = html(tree)
    assert '<ol start="3">' in rendered
    assert rendered.count("<ul>") == 2
    assert "<li>deep</li>" in rendered


def test_code_blocks_keep_their_language_and_any_backticks():
    block = {"type": "codeBlock", "attrs": {"language": "python"}, "content": [text("x = '```'\n")]}
    assert md(block) == "````python\nx = '```'\n````\n"
    assert 'class="codehilite"' in html(block)
    assert md({"type": "codeBlock", "content": [text("plain")]}) == "```\nplain\n```\n"


def test_images_and_urls_rewritten_to_imported_files():
    image = {"type": "image", "attrs": {"src": "https://old.example/a b.png", "alt": "A [pic]", "title": "T"}}
    assert md(image) == '![A \\[pic\\]](https://old.example/a%20b.png "T")\n'
    converted = to_markdown(doc(image), rewrite_url=lambda url: "/media/new.png")
    assert converted.markdown == '![A \\[pic\\]](/media/new.png "T")\n'
    assert converted.images == ["https://old.example/a b.png"]


def test_tables_with_headers_pipes_and_breaks():
    table = {
        "type": "table",
        "content": [
            {"type": "tableRow", "content": [
                {"type": "tableHeader", "content": [para(text("Name"))]},
                {"type": "tableHeader", "content": [para(text("a|b"))]},
            ]},
            {"type": "tableRow", "content": [
                {"type": "tableCell", "content": [para(text("x", "bold"))]},
                {"type": "tableCell", "content": [para(text("1"), {"type": "hardBreak"}, text("2"))]},
            ]},
            {"type": "tableRow", "content": [{"type": "tableCell", "content": [para(text("short row"))]}]},
        ],
    }  # fmt: skip
    assert md(table) == "| Name | a\\|b |\n|---|---|\n| **x** | 1<br>2 |\n| short row |   |\n"
    rendered = html(table)
    assert "<th>a|b</th>" in rendered
    assert "<td>1<br>2</td>" in rendered


def test_stored_json_text_empty_and_unknown_nodes():
    assert to_markdown(json.dumps(doc(para(text("你好"))))).markdown == "你好\n"
    assert to_markdown(None).markdown == ""
    assert to_markdown("").markdown == ""
    assert to_markdown("not json at all").markdown == "not json at all\n"
    converted = to_markdown(doc({"type": "mention", "content": [para(text("kept"))]}))
    assert converted.markdown == "kept\n"
    assert converted.warnings == ["unknown block 'mention' kept as text"]


def test_summary_points_from_lists_or_paragraphs():
    listed = doc({"type": "bulletList", "content": [
        {"type": "listItem", "content": [para(text("one "), text("two", "bold"))]},
        {"type": "listItem", "content": [para(text("three"))]},
    ]})  # fmt: skip
    assert to_points(listed) == ["one two", "three"]
    assert to_points(doc(para(text("a")), para(text("b")))) == ["a", "b"]
    assert to_points(None) == []
