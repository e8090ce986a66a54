"""Journey 2: an editor writes a bilingual post with a cover and a code block in the admin, previews it,
schedules it a minute ahead, and sees it go live on both sites and in the feed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_editor_writes_previews_schedules_and_the_post_goes_live(site, new_page, shot, editor):
    from apps.blog.models import Post
    from apps.blog.tasks import scheduled_posts_flip
    from apps.media.models import Asset

    cover = Asset.objects.filter(kind=Asset.Kind.IMAGE).first()
    page = new_page()
    page.goto("/admin/login/?next=/admin/blog/post/add/")
    page.fill("#id_username", editor.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)

    page.fill("#id_title_en", "Shipping on Fridays")
    page.fill("#id_body_en", "## Why not\n\nShip small.\n\n```python\nprint('deploy')\n```\n")
    page.click(".ink-editor-bar__language[data-language=zh-hans]")  # the one switch: every field to Chinese
    page.fill("#id_title_zh_hans", "周五发布")
    page.fill("#id_body_zh_hans", "## 为什么不呢\n\n小步发布。\n\n```python\nprint('deploy')\n```\n")
    # The live preview renders the Markdown (code highlighted) while typing.
    page.locator(
        ".blog-live-preview[lang=zh-hans] pre code, .blog-live-preview[lang=zh-hans] .codehilite"
    ).first.wait_for()

    at = timezone.localtime() + timedelta(minutes=1)
    page.select_option("#id_status", "scheduled")
    page.fill("#id_published_at_0", at.strftime("%Y-%m-%d"))
    page.fill("#id_published_at_1", at.strftime("%H:%M:%S"))
    page.select_option("#id_cover", str(cover.pk))  # the cover picker (the library's public images)
    page.locator("input[name=_continue]").click()
    page.wait_for_url("**/admin/blog/post/*/change/**")
    post = Post.objects.get(title_en="Shipping on Fridays")
    assert post.status == Post.Status.SCHEDULED
    assert post.cover_id == cover.pk
    page.locator(".ink-cover__thumb").wait_for()  # saved: the chosen cover's thumbnail
    shot(page, "2-editor-scheduled")

    # Not live yet: readers get a 404 and the feed does not list it.
    reader = new_page()
    assert reader.goto(f"/en/posts/{post.slug}/").status == 404

    # A minute later (really: the scheduled time is in whole seconds) the beat task flips it.
    while timezone.now() < post.published_at:
        reader.wait_for_timeout(1000)
    assert scheduled_posts_flip.apply().get() == 1
    assert reader.goto(f"/en/posts/{post.slug}/").status == 200
    assert "print" in reader.inner_text("article pre")
    assert reader.goto(f"/zh-hans/posts/{post.slug}/").status == 200
    assert reader.inner_text("h1") == "周五发布"
    assert "Shipping on Fridays" in reader.request.get("/en/feed/rss.xml").text()
    reader.goto(f"/zh-hans/posts/{post.slug}/")
    shot(reader, "2-editor-post-live-zh")
