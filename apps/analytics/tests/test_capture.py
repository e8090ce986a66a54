"""What is counted and what is not, and what a counted view records."""

from datetime import date

import pytest
from django.test import Client

from apps.analytics import capture
from apps.analytics.models import PageView
from apps.blog.tests.factories import PostFactory, ProjectFactory

from .conftest import CHROME, IPHONE

pytestmark = pytest.mark.django_db


def test_a_reader_viewing_a_post_is_recorded_with_its_post_language_and_client(browser, flush):
    post = PostFactory()
    assert browser.get(f"/zh-hans/posts/{post.slug}/").status_code == 200
    assert flush() == 1
    view = PageView.objects.get()
    assert view.post_id == post.pk
    assert view.path == f"/zh-hans/posts/{post.slug}/"
    assert view.language == "zh-hans"
    assert (view.browser, view.os, view.device) == ("Chrome", "Windows", "desktop")
    assert view.signed_in is False
    assert view.via == "page"


def test_pages_answered_by_the_page_cache_are_counted_too(browser, flush, django_assert_max_num_queries):
    post = PostFactory()
    assert browser.get(f"/en/posts/{post.slug}/")["X-Page-Cache"] == "miss"
    with django_assert_max_num_queries(0):
        hit = browser.get(f"/en/posts/{post.slug}/")
    assert hit["X-Page-Cache"] == "hit"
    assert flush() == 2
    assert list(PageView.objects.values_list("post_id", flat=True)) == [post.pk, post.pk]


def test_a_cached_hit_through_the_view_decorator_still_knows_its_post(flush):
    """Anonymous readers with a session cookie skip the early middleware; the view's cache serves them."""
    post = PostFactory()
    reader = Client(HTTP_USER_AGENT=CHROME)
    reader.cookies["sessionid"] = "not-a-session"
    assert reader.get(f"/en/posts/{post.slug}/")["X-Page-Cache"] == "miss"
    assert reader.get(f"/en/posts/{post.slug}/")["X-Page-Cache"] == "hit"
    flush()
    assert list(PageView.objects.values_list("post_id", flat=True)) == [post.pk, post.pk]


def test_capture_stays_out_of_the_page_bytes_and_headers(browser):
    post = PostFactory()
    first = browser.get(f"/en/posts/{post.slug}/")
    hit = browser.get(f"/en/posts/{post.slug}/")
    assert hit.content == first.content
    assert not [name for name in hit.headers if "analytics" in name.lower() or "page-object" in name.lower()]


def test_a_project_page_and_other_reader_pages_are_recorded(browser, flush):
    project = ProjectFactory(is_published=True)
    browser.get(f"/en/projects/{project.slug}/")
    browser.get("/en/")
    flush()
    rows = list(PageView.objects.order_by("id").values_list("project_id", "post_id", "path"))
    assert rows == [(project.pk, None, f"/en/projects/{project.slug}/"), (None, None, "/en/")]


def test_an_api_read_of_a_post_is_recorded_as_an_api_view(flush):
    post = PostFactory()
    client = Client(HTTP_USER_AGENT=CHROME)
    assert client.get(f"/api/v1/posts/{post.slug}/?lang=zh-hans").status_code == 200
    client.get("/api/v1/posts/")  # lists are not views of a post
    flush()
    view = PageView.objects.get()
    assert (view.post_id, view.via, view.language) == (post.pk, "api", "zh-hans")


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
    ],
)
def test_bots_are_not_counted(flush, user_agent):
    post = PostFactory()
    assert Client(HTTP_USER_AGENT=user_agent).get(f"/en/posts/{post.slug}/").status_code == 200
    assert flush() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_DNT": "1"},
        {"HTTP_SEC_GPC": "1"},
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_X_MOZ": "prefetch"},
    ],
)
def test_do_not_track_and_prefetches_are_not_counted(browser, flush, headers):
    post = PostFactory()
    assert browser.get(f"/en/posts/{post.slug}/", **headers).status_code == 200
    assert flush() == 0


def test_dnt_zero_is_counted(browser, flush):
    post = PostFactory()
    browser.get(f"/en/posts/{post.slug}/", HTTP_DNT="0")
    assert flush() == 1


def test_editors_are_not_counted_but_signed_in_readers_are(flush, editor, reader):
    post = PostFactory()
    for user in (editor, reader):
        client = Client(HTTP_USER_AGENT=CHROME)
        client.force_login(user)
        assert client.get(f"/en/posts/{post.slug}/").status_code == 200
    flush()
    assert list(PageView.objects.values_list("signed_in", flat=True)) == [True]


def test_errors_redirects_and_not_modified_answers_are_not_counted(browser, flush):
    post = PostFactory()
    assert browser.get("/en/posts/no-such-post/").status_code == 404
    assert browser.get(f"/posts/{post.slug}/").status_code in (301, 302)
    etag = browser.get(f"/en/posts/{post.slug}/")["ETag"]
    assert browser.get(f"/en/posts/{post.slug}/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert browser.head(f"/en/posts/{post.slug}/").status_code == 200
    assert flush() == 1  # only the first full GET


def test_account_pages_previews_feeds_and_the_admin_are_not_counted(browser, flush):
    PostFactory()
    for path in ("/en/accounts/login/", "/en/feed/rss.xml", "/admin/login/", "/en/preview/nonsense/", "/healthz"):
        browser.get(path)
    assert flush() == 0


def test_referrer_host_and_utm_parameters_are_recorded(browser, flush):
    post = PostFactory()
    browser.get(
        f"/en/posts/{post.slug}/?utm_source=newsletter&utm_medium=email&utm_campaign=launch",
        HTTP_REFERER="https://www.example.org/some/page?q=secret",
    )
    browser.get(f"/en/posts/{post.slug}/", HTTP_REFERER="http://testserver/en/")  # this site: not a referrer
    flush()
    first, second = PageView.objects.order_by("id")
    assert first.referrer_host == "example.org"
    assert (first.utm_source, first.utm_medium, first.utm_campaign) == ("newsletter", "email", "launch")
    assert first.path == f"/en/posts/{post.slug}/"  # the query string is not kept
    assert second.referrer_host == ""


def test_a_phone_is_recorded_as_a_mobile_device(flush):
    post = PostFactory()
    Client(HTTP_USER_AGENT=IPHONE).get(f"/en/posts/{post.slug}/")
    flush()
    view = PageView.objects.get()
    assert (view.browser, view.os, view.device) == ("Safari", "iOS", "mobile")


def test_the_visitor_id_changes_from_one_day_to_the_next():
    one = capture.visitor_id(ip="198.51.100.23", user_agent=CHROME, day=date(2026, 12, 1))
    same = capture.visitor_id(ip="198.51.100.23", user_agent=CHROME, day=date(2026, 12, 1))
    next_day = capture.visitor_id(ip="198.51.100.23", user_agent=CHROME, day=date(2026, 12, 2))
    other_reader = capture.visitor_id(ip="198.51.100.24", user_agent=CHROME, day=date(2026, 12, 1))
    assert one == same
    assert len({one, next_day, other_reader}) == 3


def test_the_ip_address_is_never_stored_nor_buffered(analytics_buffer, flush):
    post = PostFactory()
    ip = "198.51.100.199"
    Client(HTTP_USER_AGENT=CHROME, REMOTE_ADDR=ip).get(f"/en/posts/{post.slug}/")
    waiting = analytics_buffer.take(10)
    assert waiting
    assert not [event for event in waiting if "198.51.100" in repr(event)]
    analytics_buffer.put_back(waiting)
    flush()
    row = PageView.objects.values().get()
    assert not [value for value in row.values() if "198.51.100" in str(value)]
    assert len(row["visitor"]) == 16


def test_turning_analytics_off_counts_nothing(browser, flush, settings):
    settings.ANALYTICS_ENABLED = False
    post = PostFactory()
    browser.get(f"/en/posts/{post.slug}/")
    assert flush() == 0


def test_a_view_counts_on_the_day_of_the_sites_time_zone(settings):
    from datetime import UTC, datetime

    from apps.analytics.selectors import site_day

    moment = datetime(2026, 12, 1, 23, 30, tzinfo=UTC).timestamp()
    assert site_day(moment) == date(2026, 12, 1)
    settings.TIME_ZONE = "Asia/Shanghai"  # UTC+8: already the 2nd
    assert site_day(moment) == date(2026, 12, 2)
    assert site_day(moment + 3600) == date(2026, 12, 2)


def test_a_page_cached_before_page_objects_existed_is_still_served_and_counted(browser, flush):
    """Entries stored by the previous release have five items; they are replayed as before."""
    from django.core.cache import cache

    from apps.blog import page_cache

    post = PostFactory()
    browser.get(f"/en/posts/{post.slug}/")
    key = page_cache.page_key("en", f"/en/posts/{post.slug}/")
    cache.set(key, cache.get(key)[:5])
    hit = browser.get(f"/en/posts/{post.slug}/")
    assert hit["X-Page-Cache"] == "hit"
    assert flush() == 2
    assert list(PageView.objects.order_by("id").values_list("post_id", flat=True)) == [post.pk, None]
