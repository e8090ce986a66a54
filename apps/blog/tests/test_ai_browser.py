"""The issue's "done when", in a real browser: an editor writes a Chinese post, clicks translate, reviews
the English draft side by side, publishes both, and readers on both sites see the post and its key points
(headless chromium; DashScope is the local stand-in, reached through the real SDK)."""

import re
import shutil

import pytest

from apps.blog.models import Post

from .test_admin_browser import ARGS, CHROMIUM

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")

BODY = (
    "向量数据库用来存储嵌入向量，以便快速找到相似的内容。嵌入向量是模型生成的一串数字。\n\n"  # noqa: RUF001
    "## 原理\n\n搜索时返回最近的邻居。\n"
)


@pytest.mark.django_db(transaction=True)
def test_an_editor_translates_reviews_and_publishes_and_readers_see_both_languages(live_server, editor, qwen):
    from playwright.sync_api import sync_playwright

    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page()
        errors = []
        page.on("response", lambda response: errors.append(response.url) if response.status >= 400 else None)
        page.goto(f"{base}/admin/login/?next=/admin/blog/post/add/")
        page.fill("#id_username", editor.email)
        page.fill("#id_password", "correct horse battery")
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/blog/post/add/")
        page.click(".ink-editor-bar__language[data-language='zh-hans']")
        page.fill("#id_title_zh_hans", "向量数据库入门")
        page.fill("#id_body_zh_hans", BODY)
        page.select_option("#id_source_language", "zh-hans")
        page.click("input[name=_continue]")
        page.wait_for_url(re.compile(r".*/change/$"))
        change_url = page.url

        page.click("button:has-text('Translate to English')")
        page.wait_for_url(re.compile(r".*/translations/$"))
        title = page.locator("textarea[id$='-title-en-draft']")
        assert title.input_value() == "Xiang liang shu ju ku ru men"
        assert page.locator("textarea[id$='-title-en-source']").input_value() == "向量数据库入门"
        title.fill("Vector databases, gently")
        page.locator("section.ai-row", has=title).locator("button[value=accept]").click()
        page.wait_for_load_state()
        page.click("button:has-text('Accept every draft as it is')")
        page.wait_for_load_state()
        for code in ("zh-hans", "en"):
            page.locator(f"#key-points-{code} button:has-text('Write key points')").click()
            page.wait_for_load_state()
            page.locator(f"#key-points-{code} button[value=points_accept]").click()
            page.wait_for_load_state()
        assert page.locator(".ai-state--reviewed").count() >= 4

        page.goto(change_url)
        page.select_option("#id_status", "published")
        page.click("input[name=_continue]")
        page.wait_for_load_state()
        slug = page.input_value("#id_slug")

        reader = browser.new_context().new_page()
        reader.goto(f"{base}/en/posts/{slug}/")
        english = reader.content()
        reader.goto(f"{base}/zh-hans/posts/{slug}/")
        chinese = reader.content()
        browser.close()
    assert "Vector databases, gently</h1>" in english
    assert '<section class="key-points"' in english
    assert "has not been translated yet" not in english
    assert "向量数据库入门</h1>" in chinese
    assert "<li>向量数据库用来存储嵌入向量，以便快速找到相似的内容。</li>" in chinese  # noqa: RUF001
    assert errors == []
    assert Post.objects.get(slug=slug).title_en == "Vector databases, gently"
