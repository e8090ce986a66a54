"""Held: script in every writable field that is shown somewhere stays text, on every surface that shows it.

Each field carries `payload(mark)` (an attribute break-out, a script element, an image with a handler);
each surface must print it escaped (or drop the markup, for sanitized HTML) — and must print it at all,
so a test cannot pass because the field was simply missing. Hostile Markdown bodies are covered in
depth by apps/blog/tests/test_rendering.py; here the body is replayed once per surface.
"""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from apps.accounts.models import User
from apps.blog import services as blog_services
from apps.blog.models import Post, Section
from apps.media.models import Asset

from ._held import assert_escaped, assert_inert, payload, text_of

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def hostile(editor):
    """A live post whose every shown field is hostile: title, summary, body, SEO, tag, section, author, cover."""
    author = User.objects.create_user(
        email="mallory@example.com", password="correct horse battery", display_name=payload("dn"), bio=payload("bio")
    )
    author.groups.add(Group.objects.get(name="Editors"))
    section = Section.objects.create(
        name_en=payload("sec"), description_en=payload("sdc"), seo_title_en="", slug="hostile-section"
    )
    cover = Asset.objects.create(
        owner=author,
        kind=Asset.Kind.IMAGE,
        file="assets/ho/hostile.jpg",
        mime_type="image/jpeg",
        sha256="h" * 64,
        width=1200,
        height=630,
        original_name=payload("fn") + ".jpg",
        alt_text_en=payload("alt"),
        title_en=payload("mti"),
    )
    post = blog_services.post_create(
        by=author,
        data={
            "slug": "hostile",
            "title_en": payload("ttl"),
            "summary_en": payload("sum"),
            "body_en": f"Body words {payload('bdy')}\n\n## {payload('hdg')}\n\n[link](javascript:alert(1))",
            "seo_description_en": payload("sds"),
            "seo_keywords_en": payload("skw"),
            "source_language": "en",
            "section": section,
            "cover": cover,
            "tags": [payload("tag")],
            "status": Post.Status.PUBLISHED,
            "published_at": timezone.now() - timedelta(hours=1),
        },
    )
    return post


@pytest.mark.parametrize(
    ("path", "marks"),
    [
        ("/en/", ["ttl", "sum"]),
        ("/en/posts/hostile/", ["ttl", "tag", "sec", "dn", "alt"]),
        ("/en/tags/{tag}/", ["tag", "ttl"]),
        ("/en/sections/hostile-section/", ["sec", "sdc", "ttl"]),
        ("/en/archive/{year}/", ["ttl"]),
        ("/en/search/?q=Body", ["ttl"]),
    ],
)
def test_reader_pages_print_every_hostile_field_as_text(client, hostile, path, marks):
    page = text_of(client.get(path.format(tag=hostile.tags.get().slug, year=hostile.published_at.year)))
    for mark in marks:
        assert_escaped(page, mark)
    for mark in ("sds", "skw", "bdy", "hdg", "bio", "mti", "fn", "sum", "sdc"):
        assert_inert(page, mark)


def test_the_post_page_head_keeps_titles_descriptions_and_alt_text_inside_their_attributes(client, hostile):
    page = text_of(client.get("/en/posts/hostile/"))
    head = page.split("</head>")[0]
    assert_escaped(head, "ttl")  # <title>, og:title, twitter:title, JSON-LD headline
    assert 'content="qttl&quot;&gt;&lt;script&gt;xqttl()' in head  # og:title: the quote cannot close it
    assert 'content="qsds&quot;&gt;xqsds()' in head  # meta description: tags stripped, quote escaped
    assert 'content="qalt&quot;&gt;&lt;script&gt;xqalt()' in head  # og:image:alt
    jsonld = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', head, re.S).group(1)
    assert "<" not in jsonld  # nothing can close the script element early
    assert_escaped(jsonld, "ttl")
    assert_escaped(jsonld, "dn")  # the author


def test_the_body_is_sanitized_on_the_page_the_api_and_the_feeds(client, hostile):
    surfaces = {
        "page": text_of(client.get("/en/posts/hostile/")),
        "api": client.get("/api/v1/posts/hostile/").json()["body_html"],
        "rss": text_of(client.get("/en/feed/rss.xml")),
    }
    for name, text in surfaces.items():
        assert "Body words qbdy" in text, name
        assert_inert(text, "bdy")
        assert_inert(text, "hdg")
        assert "javascript:" not in text, name


def test_search_echoes_a_hostile_query_as_text(client, hostile):
    page = text_of(client.get("/en/search/", {"q": payload("q")}))
    assert_escaped(page, "q")


@pytest.mark.parametrize("feed", ["/en/feed/rss.xml", "/en/feed/atom.xml", "/en/sections/hostile-section/rss.xml"])
def test_feeds_carry_hostile_titles_as_text_and_their_html_stays_inert(client, hostile, feed):
    response = client.get(feed)
    raw = text_of(response)
    assert_inert(raw, "ttl")
    root = ET.fromstring(raw)  # noqa: S314 - our own feed
    titles = [e.text for e in root.iter() if e.tag in ("title", f"{ATOM}title")]
    assert payload("ttl") in titles  # one level of XML escaping: readers see the title as typed
    html = [e.text or "" for e in root.iter() if e.tag in ("description", f"{ATOM}summary", f"{ATOM}content")]
    for fragment in html:  # what a feed reader renders as HTML
        for mark in ("ttl", "bdy", "sum", "hdg"):
            assert_inert(fragment, mark)


def test_a_premium_posts_feed_teaser_is_the_escaped_summary(client, hostile):
    Post.objects.filter(pk=hostile.pk).update(is_premium=True)
    root = ET.fromstring(text_of(client.get("/en/feed/rss.xml")))  # noqa: S314 - our own feed
    description = next(e.text for e in root.iter("description") if e.text and "qsum" in e.text)
    assert_escaped(description, "sum")


def test_the_api_serves_hostile_text_as_json_data_never_as_a_page(client, hostile):
    for url in ("/api/v1/posts/", "/api/v1/posts/hostile/", f"/api/v1/profiles/{hostile.author_id}/"):
        response = client.get(url)
        assert response["Content-Type"] == "application/json"
        assert response["X-Content-Type-Options"] == "nosniff"
    detail = client.get("/api/v1/posts/hostile/").json()
    assert detail["title"] == payload("ttl")  # data, exactly as written; clients escape it like any text
    assert "qhdg" in detail["toc_html"]
    assert_inert(detail["toc_html"], "hdg")
    profile = client.get(f"/api/v1/profiles/{hostile.author_id}/").json()
    assert (profile["display_name"], profile["bio"]) == (payload("dn"), payload("bio"))


@pytest.mark.parametrize(
    ("path", "marks"),
    [
        ("/admin/blog/post/", ["ttl"]),
        ("/admin/blog/post/{post}/change/", ["ttl", "sum", "sds", "skw", "tag"]),
        ("/admin/blog/tag/", ["tag"]),
        ("/admin/blog/section/", ["sec"]),
        ("/admin/accounts/user/", ["dn"]),
        ("/admin/accounts/user/{author}/change/", ["dn", "bio"]),
        ("/admin/media/asset/", ["mti"]),
        ("/admin/media/asset/{cover}/change/", ["alt", "mti", "fn"]),
    ],
)
def test_the_admin_prints_hostile_fields_as_text(admin_client, hostile, path, marks):
    url = path.format(post=hostile.pk, author=hostile.author_id, cover=hostile.cover_id)
    response = admin_client.get(url)
    assert response.status_code == 200
    page = text_of(response)
    for mark in marks:
        assert_escaped(page, mark)


def test_the_profile_page_and_the_welcome_email_print_a_hostile_name_as_text(client, hostile):
    from apps.accounts import services as account_services

    client.force_login(hostile.author)
    page = text_of(client.get("/en/accounts/profile/"))
    assert_escaped(page, "dn")
    assert_escaped(page, "bio")
    account_services.user_send_welcome(user_id=hostile.author_id)
    html = mail.outbox[-1].alternatives[0][0]
    assert_escaped(html, "dn")
