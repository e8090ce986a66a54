"""What editors and readers see: the Analytics page, the post's admin panel, "1.2k views" on posts."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import override

from apps.analytics import display, services
from apps.analytics.models import PageView, RollupDay
from apps.blog.tests.factories import PostFactory, ProjectFactory

from .conftest import CHROME, IPHONE
from .factories import PageViewFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/analytics/pageview/"


@pytest.fixture
def editor_client(editor) -> Client:
    client = Client(HTTP_USER_AGENT=CHROME)
    client.force_login(editor)
    return client


def test_the_visits_a_reader_made_show_on_the_analytics_page_by_post_referrer_and_device(editor_client):
    post = PostFactory(title_en="The visited post")
    Client(HTTP_USER_AGENT=IPHONE).get(f"/en/posts/{post.slug}/", HTTP_REFERER="https://news.example.com/item?id=1")
    Client(HTTP_USER_AGENT=CHROME).get(f"/en/posts/{post.slug}/?utm_source=mastodon&utm_medium=social")
    editor_client.get(f"/en/posts/{post.slug}/")  # editors are not counted
    # No worker in tests (eager Celery): the page flushes the buffer itself.
    response = editor_client.get(DASHBOARD + "?days=7")
    assert response.status_code == 200
    page = response.content.decode()
    assert "The visited post" in page
    assert "news.example.com" in page
    assert "mastodon / social / -" in page
    assert "Mobile" in page
    assert "Desktop" in page
    assert '<svg class="analytics-chart"' in page
    assert "style=" not in page.split('<div id="content-main"', 1)[1]
    assert response.context["data"].views == 2
    assert response.context["data"].visitors == 2


@pytest.mark.parametrize("days", [7, 30, 90, 365])
def test_every_range_shows_one_point_per_day(editor_client, days):
    response = editor_client.get(f"{DASHBOARD}?days={days}")
    assert response.status_code == 200
    assert len(response.context["data"].series) == days
    assert 'aria-current="page"' in response.content.decode()


def test_a_custom_range_and_bad_ranges_are_explained(editor_client):
    ok = editor_client.get(f"{DASHBOARD}?start=2026-01-01&end=2026-01-31")
    assert ok.status_code == 200
    assert len(ok.context["data"].series) == 31
    for query in ("days=8", "days=%C2%B2", "start=2026-02-01&end=2026-01-01", "start=2020-01-01&end=2026-01-01"):
        bad = editor_client.get(f"{DASHBOARD}?{query}")
        assert bad.status_code == 400
        assert 'class="errorlist"' in bad.content.decode()


def test_readers_and_anonymous_visitors_cannot_open_the_analytics_page(reader):
    assert Client().get(DASHBOARD).status_code == 302  # to the admin login
    client = Client()
    client.force_login(reader)
    assert client.get(DASHBOARD).status_code in (302, 403)


def test_the_dashboard_query_count_does_not_grow_with_the_data(editor_client, django_assert_max_num_queries):
    posts = [PostFactory() for _ in range(3)]

    def add_views(per_day: int) -> None:
        for days_ago in range(0, 8):
            at = services.day_start(timezone.localdate() - timedelta(days=days_ago)) + timedelta(hours=1)
            PageView.objects.bulk_create(
                PageViewFactory.build(
                    time=at, post=posts[n % len(posts)], visitor=f"v{n % 7}", referrer_host=f"r{n}.example"
                )
                for n in range(per_day)
            )
        RollupDay.objects.update(stale=True)  # as the flush marks days that receive late views
        services.rollups_build_pending()

    add_views(2)
    editor_client.get(DASHBOARD)  # warm sessions, permissions, content types
    with django_assert_max_num_queries(40) as small:
        editor_client.get(DASHBOARD + "?days=30")
    posts.extend(PostFactory() for _ in range(20))
    add_views(60)
    with django_assert_max_num_queries(40) as large:
        response = editor_client.get(DASHBOARD + "?days=30")
    assert response.context["data"].views == 8 * 62
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_post_admin_page_shows_the_posts_numbers(editor_client):
    post = PostFactory()
    other = PostFactory()
    for _ in range(3):
        PageViewFactory(post=post, referrer_host="example.org")
    PageViewFactory(post=other)
    response = editor_client.get(f"/admin/blog/post/{post.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Readers, last 30 days" in page
    assert "example.org" in page
    stats = page.split('id="analytics-post-heading"', 1)[1]
    assert "<dd>3</dd>" in stats


def test_a_posts_views_show_on_its_page_and_its_card_from_the_stored_views(browser):
    post = PostFactory(title_en="Counted")
    PageView.objects.bulk_create(PageViewFactory.build(post=post) for _ in range(1234))
    services.views_map_clear()
    page = browser.get(f"/en/posts/{post.slug}/").content.decode()
    assert "1.2k views" in page
    home = browser.get("/en/").content.decode()
    assert "1.2k views" in home
    zh = browser.get(f"/zh-hans/posts/{post.slug}/").content.decode()
    assert "1234 次阅读" in zh


def test_a_post_nobody_read_shows_no_count(browser):
    post = PostFactory()
    assert "views" not in browser.get(f"/en/posts/{post.slug}/").content.decode().split("</header>")[0]


def test_view_counts_add_no_queries_per_card(browser, django_assert_max_num_queries):
    for post in [PostFactory() for _ in range(12)]:
        PageViewFactory(post=post)
    services.views_map_clear()
    browser.get("/en/")  # builds the map once
    with django_assert_max_num_queries(10):
        browser.get("/en/?page=1&fresh=1")


@pytest.mark.parametrize(
    ("number", "language", "text"),
    [
        (0, "en", "0"),
        (999, "en", "999"),
        (1000, "en", "1k"),
        (1234, "en", "1.2k"),
        (1999, "en", "1.9k"),
        (12_345, "en", "12k"),
        (999_999, "en", "999k"),
        (1_250_000, "en", "1.2M"),
        (3_000_000_000, "en", "3B"),
        (9_999, "zh-hans", "9999"),  # Chinese groups digits by four
        (12_345, "zh-hans", "1.2万"),
        (123_456_789, "zh-hans", "1.2亿"),
    ],
)
def test_compact_numbers_are_localized(number, language, text):
    with override(language):
        assert display.compact_number(number) == text


def test_project_views_are_counted_separately_from_posts(browser, flush):
    project = ProjectFactory(is_published=True)
    browser.get(f"/en/projects/{project.slug}/")
    flush()
    services.views_map_clear()
    from apps.analytics.selectors import content_views_map

    assert content_views_map() == {f"project:{project.pk}": 1}
