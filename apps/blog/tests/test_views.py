import json
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apps.blog import services
from apps.blog.models import Section

from .factories import AccessGrantFactory, PostFactory, ProjectFactory, SectionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


def _html(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _jsonld_types(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(blocks[0])
    return {item["@type"] for item in (data if isinstance(data, list) else [data])}


def test_home_lists_featured_and_latest_posts_in_both_languages(client):
    PostFactory(title_en="Featured story", title_zh_hans="精选故事", is_featured=True)
    PostFactory(title_en="Plain story", title_zh_hans="普通故事")
    PostFactory(draft=True, title_en="Secret draft")
    html = _html(client, "/en/")
    assert "Featured story" in html
    assert "Plain story" in html
    assert "Secret draft" not in html
    zh = _html(client, "/zh-hans/")
    assert "精选故事" in zh
    assert "普通故事" in zh


def test_home_paginates_and_rejects_pages_that_do_not_exist(client):
    for i in range(12):
        PostFactory(title_en=f"Story {i}", published_at=timezone.now() - timedelta(hours=i + 1))
    first = _html(client, "/en/")
    assert "Story 0" in first
    assert "Story 11" not in first
    assert 'rel="next"' in first
    assert "Story 11" in _html(client, "/en/?page=2")
    assert client.get("/en/?page=9").status_code == 404
    assert client.get("/en/?page=abc").status_code == 404


def test_post_page_shows_body_toc_reading_time_author_section_and_tags(client):
    tag = TagFactory(name_en="Django", name_zh_hans="Django 框架")
    post = PostFactory(title_en="Deep post", body_en="## First part\n\nText.\n\n## Second part\n\nMore.", tags=[tag])
    html = _html(client, f"/en/posts/{post.slug}/")
    assert "<h1>Deep post</h1>" in html
    assert 'href="#first-part"' in html  # table of contents
    assert "min read" in html
    assert post.author.display_name in html
    assert post.section.name_en in html
    assert f'href="/en/tags/{tag.slug}/"' in html
    assert "/static/css/code.css" in html


@pytest.mark.parametrize(("lang", "label"), [("en", "Anonymous"), ("zh-hans", "匿名")])
def test_a_post_by_an_author_without_a_display_name_never_shows_the_email(client, lang, label):
    post = PostFactory(title_en="Harbour", author=UserFactory(email="acc-admin-7f3a@example.com", display_name=""))
    for url in (f"/{lang}/posts/{post.slug}/", f"/{lang}/", f"/{lang}/search/?q=harbour"):
        assert "acc-admin-7f3a" not in _html(client, url), url
    html = _html(client, f"/{lang}/posts/{post.slug}/")
    blocks = json.loads(re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[0])
    posting = next(item for item in blocks if item["@type"] == "BlogPosting")
    assert posting["author"] == {"@type": "Person", "name": label}
    assert label in html


def test_every_page_has_title_description_canonical_alternates_cards_and_json_ld(client):
    post = PostFactory(title_en="Well described", summary_en="A summary for machines.")
    html = _html(client, f"/en/posts/{post.slug}/")
    assert "<title>Well described · Inkwell</title>" in html
    assert '<meta name="description" content="A summary for machines.">' in html
    assert f'<link rel="canonical" href="http://127.0.0.1:8000/en/posts/{post.slug}/">' in html
    assert f'hreflang="zh-hans" href="http://127.0.0.1:8000/zh-hans/posts/{post.slug}/"' in html
    assert 'hreflang="x-default"' in html
    assert '<meta property="og:type" content="article">' in html
    assert 'name="twitter:card"' in html
    assert _jsonld_types(html) == {"WebSite", "BlogPosting", "BreadcrumbList"}
    home = _html(client, "/zh-hans/")
    assert "SearchAction" in home
    assert '<link rel="canonical" href="http://127.0.0.1:8000/zh-hans/">' in home


def test_json_ld_cannot_be_broken_out_of_by_a_title(client):
    post = PostFactory(title_en="</script><script>alert(1)</script>")
    html = _html(client, f"/en/posts/{post.slug}/")
    assert "<script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html


def test_prev_next_and_related_posts_are_shown(client):
    section = SectionFactory()
    tag = TagFactory()
    now = timezone.now()
    older = PostFactory(section=section, title_en="Older one", published_at=now - timedelta(days=3), tags=[tag])
    middle = PostFactory(section=section, title_en="Middle one", published_at=now - timedelta(days=2), tags=[tag])
    PostFactory(section=section, title_en="Newer one", published_at=now - timedelta(days=1))
    PostFactory(title_en="Elsewhere with the tag", tags=[tag])
    html = _html(client, f"/en/posts/{middle.slug}/")
    assert 'rel="prev"' in html
    assert "Older one" in html
    assert 'rel="next"' in html
    assert "Newer one" in html
    assert "Related posts" in html
    assert "Elsewhere with the tag" in html
    assert older.slug in html


@pytest.mark.parametrize("trait", ["draft", "scheduled", "archived"])
def test_unpublished_posts_are_404_for_readers_and_visible_to_editors_with_a_banner(client, reader, editor, trait):
    post = PostFactory(**{trait: True}, title_en="Not for everyone")
    assert client.get(f"/en/posts/{post.slug}/").status_code == 404
    client.force_login(reader)
    assert client.get(f"/en/posts/{post.slug}/").status_code == 404
    client.force_login(editor)
    response = client.get(f"/en/posts/{post.slug}/")
    assert response.status_code == 200
    assert "Not published" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"


def test_a_scheduled_post_appears_at_its_time_without_any_cron(client):
    post = PostFactory(scheduled=True, title_en="Later news", published_at=timezone.now() + timedelta(seconds=0.5))
    assert "Later news" not in _html(client, "/en/")
    assert client.get(f"/en/posts/{post.slug}/").status_code == 404
    time.sleep(0.6)
    # The cached home page expires by itself: its generation ends when the next post is due.
    assert "Later news" in _html(client, "/en/")
    assert client.get(f"/en/posts/{post.slug}/").status_code == 200


def test_preview_link_shows_a_draft_to_anyone_without_caching_or_indexing(client, editor):
    post = PostFactory(draft=True, title_en="Work in progress")
    link = services.preview_link_create(post=post, by=editor)
    response = client.get(f"/en/preview/{link.token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Work in progress" in html
    assert "Preview" in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["Cache-Control"] == "no-store"
    services.preview_link_revoke(link=link)
    assert client.get(f"/en/preview/{link.token}/").status_code == 404
    assert client.get("/en/preview/forged-token/").status_code == 404


def test_premium_post_shows_a_teaser_until_the_reader_has_access(client, reader):
    post = PostFactory(is_premium=True, summary_en="Teaser text.", body_en="The secret ending.")
    html = _html(client, f"/en/posts/{post.slug}/")
    assert "Teaser text." in html
    assert "The secret ending." not in html
    assert "Sign in to read" in html
    client.force_login(reader)
    assert "The secret ending." not in _html(client, f"/en/posts/{post.slug}/")
    AccessGrantFactory(user=reader, post=post)
    assert "The secret ending." in _html(client, f"/en/posts/{post.slug}/")


def test_a_premium_post_without_a_summary_never_describes_itself_with_its_body(client, reader):
    post = PostFactory(is_premium=True, summary_en="", summary_zh_hans="", body_en="The treasure is under the oak.")
    free = PostFactory(summary_en="", summary_zh_hans="", body_en="The picnic is under the elm.")
    assert "treasure" not in _html(client, f"/en/posts/{post.slug}/")  # meta, og, twitter, JSON-LD
    AccessGrantFactory(user=reader, post=post)
    client.force_login(reader)
    html = _html(client, f"/en/posts/{post.slug}/")
    assert html.count("treasure") == 1  # in the body the reader may read, not in the metadata
    assert '<meta name="description" content="The picnic is under the elm.">' in _html(
        client, f"/en/posts/{free.slug}/"
    )


def test_a_missing_translation_falls_back_to_the_source_language_with_a_notice(client):
    post = PostFactory(
        source_language="zh-hans",
        title_en="",
        summary_en="",
        body_en="",
        title_zh_hans="只有中文",
        body_zh_hans="中文正文。",
    )
    html = _html(client, f"/en/posts/{post.slug}/")
    assert "只有中文" in html
    assert "中文正文。" in html
    assert "has not been translated yet" in html
    assert 'lang="zh-hans"' in html


def test_section_page_lists_posts_of_its_children_and_links_them(client):
    parent = SectionFactory(name_en="Blog")
    child = SectionFactory(name_en="Dev notes", parent=parent)
    PostFactory(section=child, title_en="Child post")
    html = _html(client, f"/en/sections/{parent.slug}/")
    assert "Child post" in html
    assert f'href="/en/sections/{child.slug}/"' in html
    assert client.get("/en/sections/nope/").status_code == 404


def test_about_section_is_the_about_page(client):
    SectionFactory(type=Section.Type.ABOUT, name_en="About", description_en="Hello, I write things.")
    assert "Hello, I write things." in _html(client, "/en/about/")


def test_tag_page_lists_only_live_posts_with_the_tag(client):
    tag = TagFactory(name_en="Rust")
    PostFactory(title_en="Tagged live", tags=[tag])
    PostFactory(draft=True, title_en="Tagged draft", tags=[tag])
    PostFactory(title_en="Untagged")
    html = _html(client, f"/en/tags/{tag.slug}/")
    assert "Tagged live" in html
    assert "Tagged draft" not in html
    assert "Untagged" not in html


def test_a_tag_used_only_by_drafts_has_no_page_and_no_feed(client):
    tag = TagFactory(name_en="Acquisition of Rival Corp")
    PostFactory(draft=True, tags=[tag])
    PostFactory(scheduled=True, tags=[tag])
    for url in (f"/en/tags/{tag.slug}/", f"/en/tags/{tag.slug}/rss.xml", f"/en/tags/{tag.slug}/atom.xml"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Rival Corp" not in response.content.decode()


def test_archive_by_year_and_month(client):
    PostFactory(title_en="In March", published_at=datetime(2025, 3, 5, tzinfo=UTC))
    PostFactory(title_en="In May", published_at=datetime(2025, 5, 5, tzinfo=UTC))
    assert "/en/archive/2025/3/" in _html(client, "/en/archive/")
    year = _html(client, "/en/archive/2025/")
    assert "In March" in year
    assert "In May" in year
    month = _html(client, "/en/archive/2025/3/")
    assert "In March" in month
    assert "In May" not in month
    assert client.get("/en/archive/2025/13/").status_code == 404


def test_search_finds_english_and_chinese_text_and_highlights_matches(client):
    PostFactory(
        title_en="Caching pages",
        body_en="Redis keeps things fast.",
        title_zh_hans="缓存页面",
        body_zh_hans="用红色数据库缓存。",
    )
    PostFactory(draft=True, title_en="Caching drafts")
    html = _html(client, "/en/search/?q=caching")
    assert "<mark>Caching</mark> pages" in html
    assert "Caching drafts" not in html
    zh = _html(client, "/zh-hans/search/?q=缓存")
    assert "<mark>缓存</mark>页面" in zh


def test_search_never_quotes_or_matches_a_locked_premium_body(client, reader):
    PostFactory(is_premium=True, title_en="Locked", summary_en="Teaser.", body_en="The treasure is under the oak.")
    html = _html(client, "/en/search/?q=oak")
    assert "0 results" in html
    assert "treasure" not in html
    client.force_login(reader)
    assert "treasure" not in _html(client, "/en/search/?q=oak")
    # Found by its title, it shows its summary, never its body.
    html = _html(client, "/en/search/?q=locked")
    assert "Teaser." in html
    assert "treasure" not in html


def test_search_quotes_a_premium_body_to_a_reader_with_access(client, reader):
    post = PostFactory(is_premium=True, title_en="Locked", summary_en="", body_en="The treasure is under the oak.")
    AccessGrantFactory(user=reader, post=post)
    client.force_login(reader)
    html = _html(client, "/en/search/?q=oak")
    assert "1 result" in html
    assert "under the <mark>oak</mark>" in html


def test_search_escapes_the_query_and_the_results(client):
    PostFactory(title_en="About <b>tags</b>")
    html = _html(client, "/en/search/?q=<b>")
    assert "<b>tags</b>" not in html
    assert "&lt;b&gt;" in html


def test_projects_list_and_detail(client):
    project = ProjectFactory(title_en="Tool", price=1900, currency="usd")
    ProjectFactory(title_en="Hidden tool", is_published=False)
    html = _html(client, "/en/projects/")
    assert "Tool" in html
    assert "Hidden tool" not in html
    assert "19.00 USD" in html
    detail = _html(client, f"/en/projects/{project.slug}/")
    assert "fast" in detail
    assert "https://example.com/repo" in detail


def test_error_pages_are_custom_in_both_languages(client):
    assert "Page not found" in client.get("/en/posts/nope/").content.decode()
    assert "页面不存在" in client.get("/zh-hans/posts/nope/").content.decode()


# Every reader page, with an empty page cache, whatever the data size. The first page of a cache
# generation also asks when the next scheduled post is due (1 query): the post page then takes 11.
PAGE_QUERIES = 10


def test_post_detail_query_count_stays_flat_as_tags_and_posts_grow(client, django_assert_max_num_queries):
    few = PostFactory(tags=[TagFactory()])
    with django_assert_max_num_queries(PAGE_QUERIES + 1):
        client.get(f"/en/posts/{few.slug}/")
    tags = [TagFactory() for _ in range(15)]
    many = PostFactory(tags=tags, section=few.section)
    for _ in range(10):
        PostFactory(tags=tags[:5], section=few.section)
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(f"/en/posts/{many.slug}/").status_code == 200


@pytest.mark.parametrize("page", ["home", "tag", "section", "archive", "search"])
def test_list_pages_take_at_most_ten_queries_on_a_cold_cache(client, page, django_assert_max_num_queries):
    tags = [TagFactory(name_en=f"Harbour {i}") for i in range(6)]
    posts = [PostFactory(tags=tags[: 1 + i % 6], is_featured=i < 4, title_en=f"Harbour story {i}") for i in range(25)]
    year = posts[0].published_at.year
    url = {
        "home": "/en/",
        "tag": f"/en/tags/{tags[0].slug}/",
        "section": f"/en/sections/{posts[0].section.slug}/",
        "archive": f"/en/archive/{year}/",
        "search": "/en/search/?q=harbour",
    }[page]
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(url).status_code == 200


def test_home_query_count_stays_flat_as_posts_grow(client, django_assert_max_num_queries):
    PostFactory(tags=[TagFactory()], is_featured=True)
    with django_assert_max_num_queries(PAGE_QUERIES):
        client.get("/en/")
    tags = [TagFactory() for _ in range(6)]
    for i in range(25):
        PostFactory(tags=tags, is_featured=i < 4)
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get("/en/").status_code == 200


def test_home_query_count_does_not_grow_with_posts_that_have_covers(client, editor, settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.media import services as media_services
    from apps.media.tests.factories import image_bytes

    settings.MEDIA_ROOT = tmp_path
    settings.BLOG_PAGE_CACHE_TIMEOUT = 0  # every request renders

    def covered_post(**kwargs):
        cover = media_services.asset_create(owner=editor, uploaded_file=ContentFile(image_bytes((64, 48)), "c.jpg"))
        return PostFactory(cover=cover, **kwargs)

    covered_post(is_featured=True)
    with CaptureQueriesContext(connection) as first:
        assert client.get("/en/").status_code == 200
    for i in range(8):
        covered_post(is_featured=i < 3, tags=[TagFactory()])
    with CaptureQueriesContext(connection) as second:
        html = client.get("/en/").content.decode()
    assert html.count("<picture>") == 9  # every card shows its cover (issue 15), from two queries
    assert len(second.captured_queries) <= len(first.captured_queries)


def test_the_header_offers_sign_in_to_readers_and_the_profile_to_signed_in_users(client, reader):
    html = _html(client, "/en/")
    assert 'href="/en/accounts/login/"' in html
    client.force_login(reader)
    html = _html(client, "/en/")  # signed-in readers never get the anonymous cached page
    assert 'href="/en/accounts/profile/"' in html
    assert 'href="/en/accounts/login/"' not in html


def test_search_query_count_stays_flat_for_a_signed_in_reader(client, reader, django_assert_max_num_queries):
    client.force_login(reader)
    for i in range(3):
        PostFactory(title_en=f"Harbour {i}", is_premium=bool(i % 2), tags=[TagFactory()])
    _html(client, "/en/search/?q=harbour")
    for i in range(12):
        PostFactory(title_en=f"Harbour more {i}", is_premium=bool(i % 2), tags=[TagFactory(), TagFactory()])
    with django_assert_max_num_queries(8):
        _html(client, "/en/search/?q=harbour")


ODD_PAGE_NUMBERS = ("²", "٣", "\uff13", "0", "-1", "+1", " 1", "1.0", "1e3", "3_0", "99999999999999999999", "9" * 5000)


@pytest.mark.parametrize("number", ODD_PAGE_NUMBERS)
def test_every_paginated_page_answers_an_odd_page_number_with_a_404(client, number):
    tag = TagFactory()
    post = PostFactory(title_en="Harbour", tags=[tag], published_at=datetime(2025, 3, 5, tzinfo=UTC))
    for url in (
        "/en/",
        "/en/search/?q=harbour&",
        f"/en/tags/{tag.slug}/",
        f"/en/sections/{post.section.slug}/",
        "/en/archive/2025/",
        "/en/archive/2025/3/",
    ):
        separator = "" if url.endswith("&") else "?"
        response = client.get(f"{url}{separator}page={number}")
        assert response.status_code == 404, url
        assert "Page not found" in response.content.decode()
        assert client.get(f"{url}{separator}page=1").status_code == 200, url


@pytest.mark.parametrize(
    "path",
    [
        "/en/archive/0/",
        "/en/archive/10000/",
        "/en/archive/99999999999999999999/",
        "/en/archive/99999999999999999999/1/",
        "/en/archive/2025/0/",
        "/en/archive/2025/13/",
        "/en/archive/2025/99999999999999999999/",
        "/en/archive/" + "9" * 5000 + "/",
        "/en/archive/2024/",  # a year without posts
        "/en/archive/2025/4/",  # a month without posts
    ],
)
def test_an_archive_period_out_of_range_or_without_posts_is_a_404(client, path):
    PostFactory(published_at=datetime(2025, 3, 5, tzinfo=UTC))
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
