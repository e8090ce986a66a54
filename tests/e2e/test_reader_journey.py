"""Journey 1: a reader lands on `/`, reads in their language, switches, meets a fallback, searches, follows a tag."""

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_finds_their_way_in_both_languages(site, new_page, shot, settings):
    from apps.blog.tests.factories import PostFactory
    from apps.community.models import Subscriber

    english_only = PostFactory(
        title_en="Notes from a conference", title_zh_hans="", summary_zh_hans="", body_zh_hans="", source_language="en"
    )
    page = new_page(locale="zh-CN")

    # `/` sends a Chinese browser to the Chinese site.
    page.goto("/")
    assert page.url.endswith("/zh-hans/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    # Open a post, then read it in English through the language switch.
    page.goto("/zh-hans/posts/fast-django-pages/")
    chinese_title = page.inner_text("h1")
    assert chinese_title == "不靠魔法的快速 Django 页面"
    page.locator("header a[hreflang=en]").first.click()
    page.wait_for_url("**/en/posts/fast-django-pages/")
    assert page.inner_text("h1") == "Fast Django pages without magic" != chinese_title

    # An untranslated post on the Chinese site says so, and shows the English text.
    page.goto(f"/zh-hans/posts/{english_only.slug}/")
    assert "尚未翻译" in page.inner_text("article .notice") or "翻译" in page.inner_text("article .notice")
    assert page.inner_text("h1") == "Notes from a conference"

    # Search puts the post with the word in its title first.
    page.goto("/en/search/?q=django")
    first = page.locator("main a[href^='/en/posts/']").first.get_attribute("href")
    assert first == "/en/posts/fast-django-pages/"

    # Follow a tag from a post.
    page.goto("/en/posts/fast-django-pages/")
    page.locator("a[href='/en/tags/django/']").first.click()
    page.wait_for_url("**/en/tags/django/")
    assert "Fast Django pages without magic" in page.inner_text("main")
    shot(page, "1-reader-tag")

    # Subscribe from the footer; the e-mailed link opens a page whose button (a POST) confirms.
    page.fill("#subscribe-email", "follower@example.com")
    with page.expect_navigation():
        page.get_by_role("button", name="Subscribe").click()
    confirm = next(m for m in mail.outbox if "follower@example.com" in m.to)
    link = re.search(r"https?://\S+/confirm/\S+", confirm.body).group(0)
    page.goto(link.replace(settings.SITE_URL, ""))
    assert not Subscriber.objects.get(email="follower@example.com").confirmed_at  # following the link is not enough
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert Subscriber.objects.get(email="follower@example.com").confirmed_at
    shot(page, "1-reader-subscribed")

    phone = new_page(locale="zh-CN", mobile=True)
    phone.goto("/zh-hans/posts/fast-django-pages/")
    shot(phone, "1-reader-post-phone-zh")
