"""Hostile-input replays of issue 10 items 1, 4 (pages), 9 (blog schema) and 10: search oracles on
premium bodies, odd page numbers and archive periods, the `section` null, e-mails as author names.

Each test replays what the probe sent and asserts exactly what the attacker now sees.
"""

import json
import re
from datetime import UTC, datetime

import pytest
import yaml

from apps.blog.tests.factories import AccessGrantFactory, PostFactory, SectionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "The treasure is buried under the old oak by the mill."
POSTS = "/api/v1/posts/"
INVALID_PAGE = {"detail": "Invalid page.", "code": "not_found", "errors": {}}
PAGE_SIZE_MESSAGE = "Enter a whole number from 1 to 100 (larger sizes count as 100)."


@pytest.fixture
def premium():
    return PostFactory(
        title_en="Locked chapter",
        summary_en="",
        summary_zh_hans="",
        seo_description_en="",
        body_en=SECRET,
        is_premium=True,
        tags=[TagFactory(name_en="Maps")],
    )


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- item 1: premium bodies through search ------------------------------------------------------


def test_the_search_page_finds_nothing_by_a_word_of_a_locked_body(client, premium):
    html = _page(client, "/en/search/?q=oak")
    assert "0 results for “oak”" in html
    assert "Nothing matched. Try fewer or other words." in html
    assert "treasure" not in html


def test_the_search_page_never_quotes_a_locked_body_even_when_the_title_matches(client, premium, reader):
    for who in (None, reader):
        if who:
            client.force_login(who)
        html = _page(client, "/en/search/?q=locked+chapter")
        assert "1 result for “locked chapter”" in html
        assert "<mark>Locked chapter</mark>" in html  # the whole phrase
        assert "treasure" not in html
        assert "oak" not in html


def test_the_api_count_is_no_oracle_for_a_locked_body(api_client, premium, reader):
    """Word by word, `count` would have rebuilt the body: it is 0 for every word of it."""
    for who in (None, reader):
        api_client.force_authenticate(who)
        for word in SECRET.rstrip(".").split():
            if word.lower() in {"the", "is", "by"}:
                continue
            body = api_client.get(POSTS, {"search": word}).json()
            assert body["count"] == 0, word
            assert body["results"] == []


def test_premium_posts_are_still_found_by_title_summary_and_tag(api_client, client, premium):
    assert [p["slug"] for p in api_client.get(POSTS, {"search": "locked"}).json()["results"]] == [premium.slug]
    assert [p["slug"] for p in api_client.get(POSTS, {"search": "maps"}).json()["results"]] == [premium.slug]
    assert "1 result for “maps”" in _page(client, "/en/search/?q=maps")


def test_a_grant_holder_and_an_editor_find_and_see_the_body_they_may_read(api_client, client, premium, reader, editor):
    AccessGrantFactory(user=reader, post=premium)
    for who in (reader, editor):
        api_client.force_authenticate(who)
        assert api_client.get(POSTS, {"search": "oak"}).json()["count"] == 1
        client.force_login(who)
        assert "old <mark>oak</mark> by the mill" in _page(client, "/en/search/?q=oak")


def test_a_nul_character_in_a_search_is_ignored_not_a_server_error(api_client, client, premium):
    assert api_client.get(POSTS, {"search": "\x00"}).json()["count"] == 1  # no words: the whole list
    assert api_client.get(POSTS, {"search": "lock\x00ed"}).json()["count"] == 1
    assert "1 result for “locked”" in _page(client, "/en/search/?q=lock%00ed")


def test_no_public_surface_shows_a_premium_body_or_a_draft(client, api_client, premium):
    draft = PostFactory(draft=True, title_en="Unannounced launch", body_en="Launch codes inside.")
    section = premium.section
    tag = premium.tags.get()
    surfaces = [
        "/en/",
        f"/en/posts/{premium.slug}/",  # page, meta/OG/Twitter descriptions, JSON-LD
        f"/en/sections/{section.slug}/",
        f"/en/tags/{tag.slug}/",
        "/en/archive/",
        f"/en/archive/{premium.published_at.year}/",
        "/en/search/?q=oak",
        "/en/search/?q=launch",
        "/en/feed/rss.xml",
        "/en/feed/atom.xml",
        f"/en/sections/{section.slug}/rss.xml",
        f"/en/tags/{tag.slug}/atom.xml",
        "/sitemap.xml",
        "/sitemap-posts-en.xml",
    ]
    for url in surfaces:
        text = _page(client, url)
        assert "treasure" not in text, url
        assert "Unannounced" not in text, url
        assert "Launch codes" not in text, url
    for url in (POSTS, f"{POSTS}{premium.slug}/"):
        text = api_client.get(url).content.decode()
        assert "treasure" not in text, url
        assert "Unannounced" not in text, url
    assert api_client.get(f"{POSTS}{draft.slug}/").status_code == 404
    assert client.get(f"/en/posts/{draft.slug}/").status_code == 404


def test_a_tag_made_for_a_draft_is_not_public(client, api_client):
    tag = TagFactory(name_en="Acquisition of Rival Corp")
    PostFactory(draft=True, tags=[tag])
    for url in (f"/en/tags/{tag.slug}/", f"/en/tags/{tag.slug}/rss.xml"):
        assert client.get(url).status_code == 404, url
    assert api_client.get(f"/api/v1/tags/{tag.slug}/").status_code == 404
    assert "Rival Corp" not in _page(client, "/sitemap-pages-en.xml")


# --- item 4: anonymous 500s on pages ------------------------------------------------------------

ODD_PAGES = ("²", "٣", "\uff13", "0", "-1", "1.0", "99999999999999999999", "9" * 5000)


@pytest.mark.parametrize("number", ODD_PAGES)
def test_an_odd_page_number_is_the_not_found_page_on_every_listing(client, number):
    post = PostFactory(title_en="Harbour", tags=[TagFactory()], published_at=datetime(2025, 3, 5, tzinfo=UTC))
    for url in (
        "/en/?",
        "/en/search/?q=harbour&",
        f"/en/tags/{post.tags.get().slug}/?",
        f"/en/sections/{post.section.slug}/?",
        "/en/archive/2025/?",
        "/zh-hans/archive/2025/3/?",
    ):
        response = client.get(f"{url}page={number}")
        assert response.status_code == 404, url
        html = response.content.decode()
        assert "Page not found" in html or "页面不存在" in html, url


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
    ],
)
def test_an_archive_year_or_month_out_of_range_is_the_not_found_page(client, path):
    PostFactory(published_at=datetime(2025, 3, 5, tzinfo=UTC))
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("number", ODD_PAGES)
def test_an_odd_api_page_number_is_a_json_404(api_client, number):
    PostFactory()
    response = api_client.get(POSTS, {"page": number})
    assert response.status_code == 404
    assert response.json() == INVALID_PAGE


@pytest.mark.parametrize("size", ["²", "٣", "0", "-1", "1.0", "0" * 5000])  # 5,000 nines: 100 (core tests)
def test_an_odd_api_page_size_is_a_json_400_naming_it(api_client, size):
    response = api_client.get(POSTS, {"page_size": size})
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"Invalid input. page_size: {PAGE_SIZE_MESSAGE}",
        "code": "invalid",
        "errors": {"page_size": [PAGE_SIZE_MESSAGE]},
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "٣٠٠٠"}, "year: Enter a whole number."),
        ({"year": "9999"}, "year: Ensure this value is less than or equal to 9998."),
        ({"year": "99999999999999999999"}, "year: Enter a whole number."),
        ({"month": "1.5"}, "month: Enter a whole number."),
    ],
)
def test_an_odd_api_year_or_month_is_a_json_400(api_client, settings, query, message):
    settings.TIME_ZONE = "America/New_York"  # where the end of 9999 overflowed into year 10000
    response = api_client.get(POSTS, query)
    assert response.status_code == 400
    assert response.json()["detail"] == f"Invalid input. {message}"


# --- item 9: the schema says `section` may be null ----------------------------------------------


def test_a_post_without_a_section_answers_null_where_the_schema_allows_it(api_client, client):
    PostFactory(section=None)
    assert api_client.get(POSTS).json()["results"][0]["section"] is None
    schema = yaml.safe_load(client.get("/api/schema/").content)
    section = schema["components"]["schemas"]["PostList"]["properties"]["section"]
    assert section["nullable"] is True
    assert "section" in schema["components"]["schemas"]["PostList"]["required"]


# --- item 10: an e-mail address as the author ---------------------------------------------------


def test_an_author_without_a_display_name_is_anonymous_everywhere_never_an_email(client, api_client):
    author = UserFactory(email="acc-admin-5d1e@example.com", display_name="")
    post = PostFactory(title_en="Harbour", section=SectionFactory(), author=author)
    assert api_client.get(POSTS).json()["results"][0]["author"] == "Anonymous"
    assert api_client.get(f"{POSTS}{post.slug}/", {"lang": "zh-hans"}).json()["author"] == "匿名"
    html = _page(client, f"/en/posts/{post.slug}/")
    assert "by Anonymous" in html
    jsonld = json.loads(re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[0])
    assert next(i for i in jsonld if i["@type"] == "BlogPosting")["author"]["name"] == "Anonymous"
    assert re.search(r"<dc:creator[^>]*>Anonymous</dc:creator>", _page(client, "/en/feed/rss.xml"))
    assert "<name>匿名</name>" in _page(client, "/zh-hans/feed/atom.xml")
    for url in (
        POSTS,
        f"{POSTS}{post.slug}/",
        f"/en/posts/{post.slug}/",
        "/en/",
        "/en/search/?q=harbour",
        "/en/feed/rss.xml",
        "/en/feed/atom.xml",
    ):
        assert "acc-admin-5d1e" not in client.get(url).content.decode(), url
