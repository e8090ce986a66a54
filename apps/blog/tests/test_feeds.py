import xml.etree.ElementTree as ET

import pytest

from .factories import PostFactory, SectionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own responses, not untrusted input


@pytest.fixture
def posts():
    section = SectionFactory()
    tag = TagFactory()
    return {
        "live": PostFactory(title_en="Live post", title_zh_hans="已发布", section=section, tags=[tag]),
        "premium": PostFactory(
            title_en="Premium post",
            is_premium=True,
            summary_en="Just the teaser.",
            body_en="Paid words.",
            section=section,
            tags=[tag],
        ),
        "draft": PostFactory(draft=True, title_en="Draft post", section=section, tags=[tag]),
        "scheduled": PostFactory(scheduled=True, title_en="Scheduled post", section=section, tags=[tag]),
        "archived": PostFactory(archived=True, title_en="Archived post", section=section, tags=[tag]),
        "section": section,
        "tag": tag,
    }


def _feed_urls(posts):
    section, tag = posts["section"].slug, posts["tag"].slug
    for lang in ("en", "zh-hans"):
        for kind in ("rss", "atom"):
            yield f"/{lang}/feed/{kind}.xml"
            yield f"/{lang}/sections/{section}/{kind}.xml"
            yield f"/{lang}/tags/{tag}/{kind}.xml"


def test_every_feed_lists_live_posts_only(client, posts):
    for url in _feed_urls(posts):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        _xml(response.content)  # well-formed XML
        assert posts["live"].slug in body, url
        for hidden in ("draft", "scheduled", "archived"):
            assert posts[hidden].slug not in body, (url, hidden)


def test_rss_carries_full_content_for_public_posts_and_the_summary_for_premium(client, posts):
    root = _xml(client.get("/en/feed/rss.xml").content)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    items = {item.findtext("title"): item.findtext("description") for item in root.iter("item")}
    assert "Some <em>words</em> here." in items["Live post"]
    assert "Just the teaser." in items["Premium post"]
    assert "Paid words." not in items["Premium post"]
    assert root.find("channel/language").text == "en"


def test_atom_feed_is_per_language(client, posts):
    root = _xml(client.get("/zh-hans/feed/atom.xml").content)
    assert root.tag == f"{ATOM}feed"
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert "已发布" in titles
    links = [e.find(f"{ATOM}link").get("href") for e in root.iter(f"{ATOM}entry")]
    assert all(link.startswith("http://127.0.0.1:8000/zh-hans/posts/") for link in links)


def test_feeds_name_an_author_without_a_display_name_neutrally_never_by_email(client, db):
    PostFactory(author=UserFactory(email="acc-admin-7f3a@example.com", display_name=""))
    rss = client.get("/en/feed/rss.xml").content
    atom = client.get("/zh-hans/feed/atom.xml").content
    assert b"@" not in rss
    assert b"@" not in atom
    assert _xml(rss).find("channel/item/{http://purl.org/dc/elements/1.1/}creator").text == "Anonymous"
    assert _xml(atom).find(f"{ATOM}entry/{ATOM}author/{ATOM}name").text == "匿名"


def test_unknown_section_or_tag_feed_is_404(client, db):
    assert client.get("/en/sections/nope/rss.xml").status_code == 404
    assert client.get("/en/tags/nope/atom.xml").status_code == 404


def test_sitemap_index_points_at_per_language_sitemaps(client, posts):
    root = _xml(client.get("/sitemap.xml").content)
    locations = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert "http://127.0.0.1:8000/sitemap-posts-en.xml" in locations
    assert "http://127.0.0.1:8000/sitemap-posts-zh-hans.xml" in locations
    assert "http://127.0.0.1:8000/sitemap-pages-en.xml" in locations


def test_language_sitemaps_list_live_posts_with_alternates_and_lastmod(client, posts):
    response = client.get("/sitemap-posts-zh-hans.xml")
    body = response.content.decode()
    root = _xml(response.content)
    urls = root.findall(f"{SITEMAP}url")
    locations = [u.findtext(f"{SITEMAP}loc") for u in urls]
    live = posts["live"].slug
    assert f"http://127.0.0.1:8000/zh-hans/posts/{live}/" in locations
    assert all("/zh-hans/" in loc for loc in locations)
    for hidden in ("draft", "scheduled", "archived"):
        assert posts[hidden].slug not in body
    first = urls[0]
    assert first.findtext(f"{SITEMAP}lastmod")
    alternates = {a.get("hreflang"): a.get("href") for a in first.findall(f"{XHTML}link")}
    assert set(alternates) == {"en", "zh-hans", "x-default"}
    assert alternates["x-default"] == alternates["en"]


def test_pages_sitemap_has_home_sections_and_tags(client, posts):
    body = client.get("/sitemap-pages-en.xml").content.decode()
    assert "http://127.0.0.1:8000/en/</loc>" in body
    assert f"/en/tags/{posts['tag'].slug}/" in body


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_each_feed_names_its_own_url_as_self_on_the_site_url(client, posts, settings):
    settings.SITE_URL = "https://blog.example.com"
    ATOM_RSS = "{http://www.w3.org/2005/Atom}link"
    for url in _feed_urls(posts):
        root = _xml(client.get(url).content)
        links = root.findall(f"{ATOM}link") + root.findall(f"channel/{ATOM_RSS}")
        selves = [link.get("href") for link in links if link.get("rel") == "self"]
        assert selves == [f"https://blog.example.com{url}"], url
