"""Markdown cut into chunks for the translator and put back together (apps/blog/mdsplit.py)."""

import re

import pytest

from apps.blog import mdsplit

DOCUMENT = """---
title: Front matter stays
---

# Intro

Some *text* with `inline code`, a [link](https://example.com/a_(b) "Title") and ![a cat](/media/cat.png).
See https://example.org/x, please. A note[^1].

- first item with **bold**
- second item
  - nested [reference link][ref]

```python
def untouched():
    return "never translated"
```

| Name | Value |
|------|:-----:|
| a    | b     |

> quoted line

    indented code stays

<div class="box">
raw html block
</div>

[ref]: https://example.com/ref
[^1]: The footnote text.

Back to the [intro](#intro).
"""


def _shout(wire: str) -> str:
    """A "translation" that upper-cases the text and keeps every placeholder, as a good model does."""
    return re.sub(r"(</?x\d+/?>)|([^<]+)", lambda m: m.group(1) or m.group(2).upper(), wire)


def _translate(prepared: mdsplit.Prepared, translate, max_chars: int = 200) -> tuple[str, list[str]]:
    sent = []
    answers = {}
    for chunk in mdsplit.make_chunks(prepared.units, max_chars=max_chars):
        wire = mdsplit.chunk_wire(chunk)
        sent.append(wire)
        answers.update(mdsplit.read_chunk(translate(wire), chunk, prepared.placeholders))
    return mdsplit.assemble(prepared, answers), sent


def test_a_translation_that_changes_nothing_gives_back_the_document_byte_for_byte():
    prepared = mdsplit.prepare_markdown(DOCUMENT, max_chars=200)
    result, _sent = _translate(prepared, lambda wire: wire)
    assert result == DOCUMENT


def test_code_urls_html_and_front_matter_are_never_sent_and_come_back_untouched():
    prepared = mdsplit.prepare_markdown(DOCUMENT, max_chars=200)
    result, sent = _translate(prepared, _shout)
    everything_sent = "\n".join(sent)
    for protected in (
        "never translated",
        "inline code",
        "https://example.com/a_(b)",
        "/media/cat.png",
        "https://example.org/x",
        "Front matter stays",
        "raw html block",
        "indented code stays",
        "https://example.com/ref",
    ):
        assert protected not in everything_sent
        assert protected in result
    assert '```python\ndef untouched():\n    return "never translated"\n```' in result
    assert '[LINK](https://example.com/a_(b) "Title")' in result
    assert "![A CAT](/media/cat.png)" in result
    assert "SOME *TEXT* WITH `inline code`" in result


def test_markdown_structure_survives_the_translation():
    prepared = mdsplit.prepare_markdown(DOCUMENT, max_chars=200)
    result, _sent = _translate(prepared, _shout)
    assert "# INTRO\n" in result
    assert "- FIRST ITEM WITH **BOLD**\n- SECOND ITEM\n  - NESTED [REFERENCE LINK][ref]" in result
    assert "| NAME | VALUE |\n|------|:-----:|\n| A    | B     |" in result
    assert "> QUOTED LINE" in result
    assert "[^1]: THE FOOTNOTE TEXT." in result
    assert "A NOTE[^1]." in result


def test_a_model_that_merges_lines_still_gets_list_items_and_table_rows_back_on_their_own_lines():
    prepared = mdsplit.prepare_markdown("- one\n- two\n- three\n", max_chars=500)
    result, _sent = _translate(prepared, lambda wire: wire.replace("\n", " "))
    assert result == "- one\n- two\n- three\n"


def test_a_code_block_is_never_split_whatever_the_chunk_size():
    code = "```\n" + "\n".join(f"line {i}: do not split me" for i in range(200)) + "\n```"
    document = f"Before the code.\n\n{code}\n\nAfter the code.\n"
    prepared = mdsplit.prepare_markdown(document, max_chars=50)
    literal = [part for part in prepared.parts if isinstance(part, str)]
    assert code + "\n" in literal  # one untouched piece
    assert all("do not split" not in unit.wire for unit in prepared.units)


def test_chunks_respect_the_size_and_keep_the_order():
    paragraphs = [f"Paragraph {i:03d} says something worth translating." for i in range(60)]
    prepared = mdsplit.prepare_markdown("\n\n".join(paragraphs), max_chars=300)
    chunks = mdsplit.make_chunks(prepared.units, max_chars=300)
    assert len(chunks) > 5
    assert all(len(mdsplit.chunk_wire(chunk)) <= 300 for chunk in chunks)
    result, _sent = _translate(prepared, _shout, max_chars=300)
    numbers = [int(n) for n in re.findall(r"PARAGRAPH (\d+)", result)]
    assert numbers == list(range(60))


def test_a_paragraph_longer_than_a_chunk_is_cut_at_sentence_ends_never_inside_a_link():
    sentences = [f"Sentence {i} talks about [a long link text number {i}](https://example.com/{i})." for i in range(40)]
    chinese = "".join(f"第{i}句话讲的是向量数据库。" for i in range(40))
    for text in (" ".join(sentences), chinese):
        prepared = mdsplit.prepare_markdown(text, max_chars=200)
        assert len(prepared.units) >= 3
        for unit in prepared.units:
            assert re.findall(r"<x(\d+)>", unit.wire) == re.findall(r"</x(\d+)>", unit.wire)  # no pair cut
        result, _sent = _translate(prepared, lambda wire: wire, max_chars=200)
        assert result == text


def test_an_answer_that_lost_a_placeholder_is_refused():
    prepared = mdsplit.prepare_markdown("Run `make test` before you push.", max_chars=500)
    chunk = prepared.units
    wire = mdsplit.chunk_wire(chunk)
    with pytest.raises(mdsplit.ChunkError):
        mdsplit.read_chunk(re.sub(r"<x\d+/>", "", wire), chunk, prepared.placeholders)
    with pytest.raises(mdsplit.ChunkError):
        mdsplit.read_chunk("I could not translate that.", chunk, prepared.placeholders)


def test_links_to_headings_follow_the_translated_headings():
    translated = '## Installation\n\nSee [installation](#安装) and <a href="#安装">this</a>.'
    result = mdsplit.remap_anchors(translated, source_ids=["安装"], target_ids=["installation"])
    assert "[installation](#installation)" in result
    assert 'href="#installation"' in result
    # Headings that no longer line up: links are left alone rather than pointed at the wrong place.
    assert mdsplit.remap_anchors(translated, source_ids=["安装", "用法"], target_ids=["installation"]) == translated


def test_a_short_field_keeps_its_code_and_urls():
    prepared = mdsplit.prepare_plain("Why `asyncio` beats threads (see https://example.com)", max_chars=500)
    result, sent = _translate(prepared, _shout)
    assert "asyncio" not in "".join(sent)
    assert result == "WHY `asyncio` BEATS THREADS (SEE https://example.com)"
