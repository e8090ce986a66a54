import re

import pytest

from apps.blog.rendering import plain_text, reading_time, render_markdown, sanitize_html

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    '![x](javascript:alert(1) "t")',
    '<svg onload="alert(1)"></svg>',
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onclick="alert(1)" onmouseover="alert(1)">hi</p>',
    '<form action="https://evil.example"><input name=q></form>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
    '<object data="x.swf"></object><embed src="x.swf">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<!--<img src=x onerror=alert(1)>-->",
    "```html\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_never_produces_script_handlers_or_dangerous_urls(source):
    html = render_markdown(f"Intro\n\n{source}\n\nOutro").html.lower()
    assert "<script" not in html
    assert "<style" not in html
    assert "<iframe" not in html
    assert "<svg" not in html
    assert "<form" not in html
    assert "<meta" not in html
    assert "<base" not in html
    assert "<object" not in html
    assert "<embed" not in html
    tags = " ".join(re.findall(r"<[a-z][^>]*>", html))  # text shown escaped (&lt;img …) is harmless
    assert not re.search(r"\son\w+\s*=", tags), html
    assert not re.search(r"style\s*=", tags), html
    assert not re.search(r"(href|src)\s*=\s*\"\s*(javascript|data|vbscript):", tags), html


def test_code_containing_html_is_shown_escaped_not_executed():
    html = render_markdown("```html\n<script>alert(1)</script>\n```").html
    assert "<script" not in html
    assert plain_text(html).strip() == "<script>alert(1)</script>"


def test_raw_html_keeps_harmless_markup_and_drops_unknown_classes():
    html = render_markdown('<kbd>Ctrl</kbd> <span class="evil k">x</span>').html
    assert "<kbd>Ctrl</kbd>" in html
    assert 'class="k"' in html
    assert "evil" not in html


def test_headings_get_anchors_including_chinese_ones_and_a_toc():
    result = render_markdown("## Getting started\n\n### 安装步骤\n\n## Getting started")
    assert '<h2 id="getting-started">' in result.html
    assert '<h3 id="安装步骤">' in result.html
    assert '<h2 id="getting-started_1">' in result.html  # duplicates stay unique
    assert 'href="#getting-started"' in result.toc_html
    assert 'href="#安装步骤"' in result.toc_html


def test_a_body_without_headings_has_no_toc():
    assert render_markdown("Just a paragraph.").toc_html == ""


def test_fenced_code_is_highlighted_with_css_classes():
    html = render_markdown("```python\ndef f():\n    return 1\n```").html
    assert '<div class="codehilite">' in html
    assert '<span class="k">def</span>' in html


def test_tables_render_with_alignment():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |").html
    assert "<table>" in html
    assert '<td align="right">2</td>' in html


def test_footnotes_render_with_links_both_ways():
    html = render_markdown("Claim[^1].\n\n[^1]: Source.").html
    assert 'href="#fn:1"' in html
    assert 'id="fn:1"' in html
    assert 'href="#fnref:1"' in html


def test_external_links_get_noopener_nofollow_and_internal_ones_do_not(settings):
    settings.SITE_URL = "https://blog.example.com"
    html = render_markdown(
        "[out](https://other.example/a) [in](https://blog.example.com/en/) [rel](/en/about/) "
        '<a href="http://raw.example/">raw</a>'
    ).html
    assert '<a href="https://other.example/a" rel="noopener nofollow">out</a>' in html
    assert '<a href="https://blog.example.com/en/">in</a>' in html
    assert '<a href="/en/about/">rel</a>' in html
    assert '<a href="http://raw.example/" rel="noopener nofollow">raw</a>' in html


def test_a_writer_cannot_smuggle_their_own_rel_or_target():
    html = sanitize_html('<a href="https://x.example" rel="opener" target="_blank">x</a>')
    assert html == '<a href="https://x.example" rel="noopener nofollow">x</a>'


def test_reading_time_counts_chinese_characters_and_english_words_differently():
    assert reading_time("") == 0
    assert reading_time("word " * 230) == 1
    assert reading_time("word " * 231) == 2
    assert reading_time("字" * 400) == 1
    assert reading_time("字" * 401) == 2
    # 400 Chinese characters are 1 minute, but 400 English words are 2.
    assert reading_time("word " * 400) == 2


def test_an_empty_body_renders_to_nothing():
    result = render_markdown("   \n")
    assert (result.html, result.toc_html, result.reading_time) == ("", "", 0)
