"""`/api/v1/analytics/`: editors' numbers, the public popular list, and answers that match the schema."""

from datetime import timedelta

import pytest
import yaml
from django.utils import timezone

from apps.analytics import services
from apps.blog.tests.factories import PostFactory, ProjectFactory
from apps.blog.tests.test_schema import _check

from .factories import PageViewFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/analytics/"


@pytest.fixture
def editor_api(api_client, editor):
    api_client.force_authenticate(editor)
    return api_client


@pytest.fixture
def schema(client):
    return yaml.safe_load(client.get("/api/schema/").content)


@pytest.fixture
def traffic():
    """Yesterday (rolled up) and today (raw): a popular post, a quieter one, a draft, a project."""
    popular = PostFactory(title_en="Popular", title_zh_hans="热门")
    quiet = PostFactory(title_en="Quiet")
    draft = PostFactory(draft=True, title_en="Draft")
    project = ProjectFactory(is_published=True, title_en="Tool")
    yesterday = services.day_start(timezone.localdate() - timedelta(days=1)) + timedelta(hours=10)
    for n in range(5):
        PageViewFactory(time=yesterday, post=popular, visitor=f"a{n}", referrer_host="news.example")
    for n in range(3):
        PageViewFactory(time=timezone.now(), post=popular, visitor=f"b{n}", utm_source="mail", signed_in=n == 0)
    PageViewFactory(time=timezone.now(), post=quiet, device="mobile", browser="Safari", os="iOS")
    for n in range(9):
        PageViewFactory(time=timezone.now(), post=draft, visitor=f"d{n}")  # seen while it was live
    PageViewFactory(time=yesterday, project=project, via="api")
    services.rollups_build_pending()
    return {"popular": popular, "quiet": quiet, "draft": draft, "project": project}


def test_the_overview_sums_rolled_up_days_and_today(editor_api, traffic, schema):
    response = editor_api.get(BASE + "overview/", {"days": 7})
    assert response.status_code == 200
    body = response.json()
    assert body["views"] == 19
    assert body["period"]["days"] == 7
    assert body["signed_in_views"] == 1
    assert body["api_views"] == 1
    assert body["previous"] == {"views": 0, "visitors": 0}
    assert body["last_rolled_up_day"] == (timezone.localdate() - timedelta(days=1)).isoformat()
    _check(schema, "get", "/api/v1/analytics/overview/", response)


def test_the_timeseries_has_a_point_per_day(editor_api, traffic, schema):
    response = editor_api.get(BASE + "timeseries/", {"days": 7})
    points = response.json()["results"]
    assert len(points) == 7
    assert points[-1] == {"date": timezone.localdate().isoformat(), "views": 13, "visitors": 13}
    assert points[-2]["views"] == 6
    _check(schema, "get", "/api/v1/analytics/timeseries/", response)


def test_top_content_lists_posts_and_projects_by_views(editor_api, traffic, schema):
    response = editor_api.get(BASE + "top-content/", {"days": 30, "limit": 2})
    body = response.json()
    assert [row["title"] for row in body["posts"]] == ["Draft", "Popular"]
    assert body["posts"][1]["views"] == 8
    assert body["projects"][0]["title"] == "Tool"
    _check(schema, "get", "/api/v1/analytics/top-content/", response)


def test_referrers_clients_and_growth(editor_api, traffic, schema, reader):
    referrers = editor_api.get(BASE + "referrers/", {"days": 7})
    assert {"key": "news.example", "label": "news.example", "views": 5, "visitors": 5} in referrers.json()["referrers"]
    assert referrers.json()["campaigns"][0]["label"] == "mail / - / -"
    _check(schema, "get", "/api/v1/analytics/referrers/", referrers)
    clients = editor_api.get(BASE + "clients/", {"days": 7})
    assert {"key": "mobile", "label": "Mobile", "views": 1, "visitors": 1} in clients.json()["devices"]
    _check(schema, "get", "/api/v1/analytics/clients/", clients)
    from apps.community.models import Subscriber

    now = timezone.now()
    Subscriber.objects.create(email="a@mail.test", status="active", confirmed_at=now)
    Subscriber.objects.create(email="b@mail.test", status="active", confirmed_at=now - timedelta(days=2))
    Subscriber.objects.create(email="c@mail.test", status="pending")
    Subscriber.objects.create(email="d@mail.test", status="unsubscribed", confirmed_at=now)
    growth = editor_api.get(BASE + "growth/", {"days": 7})
    users = next(series for series in growth.json()["series"] if series["key"] == "users")
    assert users["total"] >= 2  # the editor, the reader and the posts' authors
    assert len(users["days"]) == 7
    keys = [s["key"] for s in growth.json()["series"]]
    assert keys[:3] == ["users", "subscribers", "comments"]  # each series shows once its app's model exists
    subscribers = next(series for series in growth.json()["series"] if series["key"] == "subscribers")
    assert subscribers["total"] == 2  # confirmed and still subscribed
    assert set(keys) <= {"users", "subscribers", "comments", "revenue"}
    _check(schema, "get", "/api/v1/analytics/growth/", growth)


def test_one_posts_stats(editor_api, traffic, schema):
    post = traffic["popular"]
    response = editor_api.get(f"{BASE}posts/{post.slug}/", {"days": 7})
    body = response.json()
    assert (body["views"], body["total_views"]) == (8, 8)
    assert body["referrers"][0] == {"key": "news.example", "label": "news.example", "views": 5, "visitors": 5}
    _check(schema, "get", "/api/v1/analytics/posts/{slug}/", response)
    assert editor_api.get(f"{BASE}posts/no-such-post/").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"days": "8"},
        {"days": "٣"},
        {"days": "99999999999999999999999"},
        {"start": "2026-01-01"},
        {"start": "2026-01-01", "end": "yesterday"},
        {"start": "2026-03-01", "end": "2026-01-01"},
        {"start": "0001-01-01", "end": "9999-12-31"},
        {"limit": "0"},
        {"limit": "1000"},
        {"start": "2026-01-01", "end": "2026-01-02", "days": "293974"},  # not ignored: one way to say it
        {"start": "2026-01-01", "end": "2026-01-02", "days": "7"},
    ],
)
def test_bad_periods_and_limits_are_400s_naming_the_parameter(editor_api, query):
    response = editor_api.get(BASE + "top-content/", query)
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) & {"days", "start", "end", "limit"}


def test_only_editors_read_analytics(api_client, reader, traffic):
    assert api_client.get(BASE + "overview/").status_code == 401
    api_client.force_authenticate(reader)
    assert api_client.get(BASE + "timeseries/").status_code == 403


def test_popular_is_public_lists_only_live_posts_and_is_cached(
    api_client, traffic, schema, django_assert_max_num_queries
):
    response = api_client.get(BASE + "popular/", {"days": 7, "lang": "zh-hans"})
    assert response.status_code == 200
    results = response.json()["results"]
    # The draft had more views, but only live posts are listed.
    assert [r["slug"] for r in results] == [traffic["popular"].slug, traffic["quiet"].slug]
    assert results[0]["title"] == "热门"
    assert results[0]["views"] == 8
    assert results[0]["url"] == f"http://testserver/zh-hans/posts/{traffic['popular'].slug}/"
    assert "max-age=300" in response["Cache-Control"]
    _check(schema, "get", "/api/v1/analytics/popular/", response)
    PageViewFactory.create_batch(20, post=traffic["quiet"])
    with django_assert_max_num_queries(2):
        again = api_client.get(BASE + "popular/", {"days": 7, "lang": "zh-hans"})
    assert again.json()["results"][0]["title"] == "热门"  # the ranking is cached


def test_popular_refuses_odd_parameters(api_client):
    for query in ({"days": "0"}, {"days": "91"}, {"limit": "51"}, {"limit": "x"}, {"lang": "fr"}):
        response = api_client.get(BASE + "popular/", query)
        assert response.status_code == 400
        assert set(response.json()["errors"]) == set(query)
