"""The issue's "done when": a post written in Chinese, translated, scheduled, appears everywhere at its time."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.blog import services

from .factories import SectionFactory

pytestmark = pytest.mark.django_db

PLACES = (
    "/en/",
    "/zh-hans/",
    "/en/feed/rss.xml",
    "/zh-hans/feed/atom.xml",
    "/sitemap-posts-en.xml",
    "/sitemap-posts-zh-hans.xml",
    "/api/v1/posts/?lang=en",
)


def _seen(client, marker: str) -> dict[str, bool]:
    return {url: marker in client.get(url).content.decode() for url in PLACES}


def test_a_chinese_post_translated_and_scheduled_appears_on_both_sites_feeds_and_sitemaps_at_its_time(client, editor):
    section = SectionFactory()
    post = services.post_create(
        by=editor,
        data={
            "source_language": "zh-hans",
            "title_zh_hans": "秋天的第一场雪",
            "body_zh_hans": "## 雪\n\n今天下雪了。",
            "section": section,
        },
    )
    assert post.slug == "qiu-tian-de-di-yi-chang-xue"
    post = services.post_update(post=post, by=editor, data={"title_en": "First snow of autumn", "body_en": "Snow."})
    post = services.post_schedule(post=post, at=timezone.now() + timedelta(seconds=1.5), by=editor)

    assert not any(_seen(client, post.slug).values()), "a scheduled post leaked before its time"
    assert client.get(f"/en/posts/{post.slug}/").status_code == 404
    assert post.slug not in client.get("/zh-hans/search/?q=秋天").content.decode()

    time.sleep(1.6)  # no cron, no task: the post is live because its time has come

    assert _seen(client, post.slug) == dict.fromkeys(PLACES, True)
    assert "First snow of autumn" in client.get(f"/en/posts/{post.slug}/").content.decode()
    assert "秋天的第一场雪" in client.get(f"/zh-hans/posts/{post.slug}/").content.decode()
    assert post.slug in client.get("/zh-hans/search/?q=秋天").content.decode()
