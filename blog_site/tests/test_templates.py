"""Template source that Django would print as text instead of treating as markup."""

import re
from pathlib import Path

import pytest

from apps.blog.tests.factories import PostFactory

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = sorted([*ROOT.glob("templates/**/*.html"), *ROOT.glob("apps/*/templates/**/*.html")])
# `{# … #}` is a one-line comment in Django: one spanning lines is shown to readers verbatim.
OPEN_COMMENT = re.compile(r"\{#(?![^\n]*#\})")


def test_templates_exist_to_check():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_comment_spans_lines(path):
    source = path.read_text()
    lines = [source[: m.start()].count("\n") + 1 for m in OPEN_COMMENT.finditer(source)]
    name = path.relative_to(ROOT)
    assert not lines, f"{name}: a {{# … #}} comment spans lines at line(s) {lines}; use {{% comment %}}"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_post_page_shows_no_template_source(client, settings, language):
    settings.BLOG_FRAGMENT_CACHE_TIMEOUT = 600
    post = PostFactory(title_en="Harbour", title_zh_hans="港口")
    html = client.get(f"/{language}/posts/{post.slug}/").content.decode()
    assert "港口" in html or "Harbour" in html
    for mark in ("{#", "#}", "{%", "%}", "{{"):  # ("}}" closes nested JSON-LD objects)
        assert mark not in html, mark
