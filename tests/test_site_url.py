"""Every absolute link the site writes starts with SITE_URL: served elsewhere, none says 127.0.0.1:8000."""

import json
import re
from urllib.parse import quote

import pytest
from django.core import mail

from apps.accounts import services as account_services
from apps.blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db
ELSEWHERE = "http://blog.test:9000"


@pytest.fixture
def served_elsewhere(settings):
    settings.SITE_URL = ELSEWHERE
    settings.ALLOWED_HOSTS = ["blog.test"]


def _absolute_urls(text: str) -> set[str]:
    return set(re.findall(r"https?://[^\s\"'<>\\]+", text))


def _own_urls(text: str) -> set[str]:
    """Absolute links to this site (leaves out schema.org and XML namespace URLs, and the post page's
    share links, which go to the sharing services with this site's address as a parameter)."""
    namespaces = (
        r"https?://(schema\.org|www\.w3\.org|www\.sitemaps\.org|purl\.org"
        r"|twitter\.com|www\.facebook\.com|www\.linkedin\.com|service\.weibo\.com)(/|$)"
    )
    return {url for url in _absolute_urls(text) if not re.match(namespaces, url)}


def test_pages_feeds_and_sitemaps_link_to_the_address_the_site_is_served_on(client, served_elsewhere):
    post = PostFactory(title_en="Elsewhere", summary_en="Served on another port.")
    page = client.get(f"/en/posts/{post.slug}/", HTTP_HOST="blog.test:9000").content.decode()
    assert f'<link rel="canonical" href="{ELSEWHERE}/en/posts/{post.slug}/">' in page
    assert "?url=" + quote(f"{ELSEWHERE}/en/posts/{post.slug}/", safe="") in page  # the share links
    assert f'hreflang="zh-hans" href="{ELSEWHERE}/zh-hans/posts/{post.slug}/"' in page
    assert f'<meta property="og:url" content="{ELSEWHERE}/en/posts/{post.slug}/">' in page
    json_ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert f"{ELSEWHERE}/en/posts/{post.slug}/" in json.dumps(json.loads(json_ld))

    bodies = [page]
    for url in ("/en/feed/rss.xml", "/zh-hans/feed/atom.xml", "/sitemap.xml", "/sitemap-posts-en.xml", "/robots.txt"):
        response = client.get(url, HTTP_HOST="blog.test:9000")
        assert response.status_code == 200, url
        bodies.append(response.content.decode())
    assert f"{ELSEWHERE}/sitemap-posts-en.xml" in bodies[3]
    assert f"Sitemap: {ELSEWHERE}/sitemap.xml" in bodies[5]
    links = set().union(*(_own_urls(body) for body in bodies))
    assert links
    assert {link for link in links if not link.startswith(ELSEWHERE)} == set()


def test_e_mails_link_to_the_address_the_site_is_served_on(served_elsewhere, reader):
    assert account_services.user_send_welcome(user_id=reader.pk)
    (message,) = mail.outbox
    links = _own_urls(message.body) | _own_urls(message.alternatives[0][0])
    assert f"{ELSEWHERE}/{reader.preferred_language}/accounts/profile/" in links
    assert {link for link in links if not link.startswith(ELSEWHERE)} == set()
