"""The post editor in a real browser: language tabs and the live Markdown preview (headless chromium)."""

import shutil

import pytest

from apps.blog.tests.factories import PostFactory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")


@pytest.mark.django_db(transaction=True)
def test_an_editor_sees_the_rendered_markdown_while_typing(live_server, editor):
    from playwright.sync_api import sync_playwright

    post = PostFactory(body_zh_hans="## 旧标题\n\n正文。")
    change_url = f"{live_server.url}/admin/blog/post/{post.pk}/change/"
    # Everything touching the database happens above: Playwright's sync API runs an event loop.
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page()
        page.goto(f"{live_server.url}/admin/login/?next={change_url}")
        page.fill("#id_username", editor.email)
        page.fill("#id_password", "correct horse battery")
        page.click("input[type=submit]")
        page.wait_for_url(change_url)
        assert page.locator("ul.ui-tabs-nav").count() >= 3  # title, summary, body… tabbed by language
        page.click(".ink-editor-bar__language[data-language='zh-hans']")  # the one switch: every field to zh-hans
        body = page.locator("#id_body_zh_hans")
        assert body.is_visible()
        body.fill("## 新标题\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<img src=x onerror=alert(1)>")
        preview = page.locator(".blog-live-preview[lang=zh-hans] .blog-preview__body")
        preview.locator("h2", has_text="新标题").wait_for(timeout=5000)
        html = preview.inner_html()
        browser.close()
    assert "<table>" in html
    assert "onerror" not in html
