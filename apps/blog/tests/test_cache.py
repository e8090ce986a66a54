import time

import pytest

from apps.blog import services

from .factories import PostFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_anonymous_pages_are_served_from_the_cache_per_language(client, django_assert_max_num_queries):
    PostFactory(title_en="Cached story", title_zh_hans="缓存的故事")
    assert client.get("/en/")["X-Page-Cache"] == "miss"
    with django_assert_max_num_queries(0):
        response = client.get("/en/")
    assert response["X-Page-Cache"] == "hit"
    assert "Cached story" in response.content.decode()
    zh = client.get("/zh-hans/")
    assert zh["X-Page-Cache"] == "miss"
    assert "缓存的故事" in zh.content.decode()


def test_signed_in_readers_bypass_the_cache(client, reader):
    PostFactory()
    client.get("/en/")
    client.force_login(reader)
    assert client.get("/en/")["X-Page-Cache"] == "bypass"


def test_conditional_requests_get_304(client):
    post = PostFactory()
    response = client.get(f"/en/posts/{post.slug}/")
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert client.get(f"/en/posts/{post.slug}/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(f"/en/posts/{post.slug}/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.get(f"/en/posts/{post.slug}/", HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_editing_a_post_drops_cached_pages_and_feeds(client, editor, django_capture_on_commit_callbacks):
    post = PostFactory(title_en="Old title")
    etag = client.get(f"/en/posts/{post.slug}/")["ETag"]
    assert "Old title" in client.get("/en/feed/rss.xml").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(post=post, by=editor, data={"title_en": "New title"})
    response = client.get(f"/en/posts/{post.slug}/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "New title" in response.content.decode()
    assert "New title" in client.get("/en/feed/rss.xml").content.decode()


def test_adding_a_translation_drops_the_fallback_page(client, editor, django_capture_on_commit_callbacks):
    post = PostFactory(source_language="zh-hans", title_en="", summary_en="", body_en="", title_zh_hans="中文标题")
    assert "has not been translated yet" in client.get(f"/en/posts/{post.slug}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(
            post=post,
            by=editor,
            data={"title_en": "English title", "summary_en": "Short.", "body_en": "Now in English."},
        )
    html = client.get(f"/en/posts/{post.slug}/").content.decode()
    assert "English title" in html
    assert "has not been translated yet" not in html


def test_unpublishing_removes_the_post_from_cached_pages(client, editor, django_capture_on_commit_callbacks):
    post = PostFactory(title_en="Soon gone")
    assert "Soon gone" in client.get("/en/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_unpublish(post=post, by=editor)
    assert "Soon gone" not in client.get("/en/").content.decode()
    assert client.get(f"/en/posts/{post.slug}/").status_code == 404


def test_renaming_a_tag_or_section_drops_cached_pages(client, django_capture_on_commit_callbacks):
    tag, section = TagFactory(name_en="Oldtag"), SectionFactory(name_en="Oldsection")
    post = PostFactory(tags=[tag], section=section)
    assert "Oldtag" in client.get(f"/en/posts/{post.slug}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        tag.name_en = "Newtag"
        tag.save()
        section.name_en = "Newsection"
        section.save()
    html = client.get(f"/en/posts/{post.slug}/").content.decode()
    assert "Newtag" in html
    assert "Newsection" in html


def test_the_cache_can_be_turned_off(client, settings):
    settings.BLOG_PAGE_CACHE_TIMEOUT = 0
    PostFactory()
    client.get("/en/")
    assert client.get("/en/")["X-Page-Cache"] == "bypass"


def test_hits_without_a_session_cookie_are_answered_before_the_view_with_the_same_headers(client, monkeypatch):
    post = PostFactory(title_en="Early hit")
    miss = client.get(f"/en/posts/{post.slug}/")
    assert miss["X-Page-Cache"] == "miss"
    # A hit never reaches the URL resolver, sessions or the view.
    monkeypatch.setattr("django.core.handlers.base.BaseHandler.resolve_request", lambda *a: pytest.fail("resolved"))
    hit = client.get(f"/en/posts/{post.slug}/")
    assert hit["X-Page-Cache"] == "hit"
    assert hit.content == miss.content
    for name in ("Content-Type", "Content-Language", "Vary", "X-Frame-Options", "ETag", "Last-Modified"):
        assert hit[name] == miss[name]
    assert client.get(f"/en/posts/{post.slug}/", HTTP_IF_NONE_MATCH=miss["ETag"]).status_code == 304


def test_anonymous_readers_with_a_session_cookie_still_get_cached_pages(client):
    post = PostFactory()
    client.get(f"/en/posts/{post.slug}/")
    client.cookies["sessionid"] = "not-a-session"
    assert client.get(f"/en/posts/{post.slug}/")["X-Page-Cache"] == "hit"


def test_a_signed_out_message_is_never_cached_into_a_page_other_readers_get(client, reader):
    from django.test import Client

    client.force_login(reader)
    response = client.post("/en/accounts/logout/", follow=True)
    assert "You have signed out." in response.content.decode()
    stranger = Client()
    first, second = stranger.get("/en/"), stranger.get("/en/")
    assert "You have signed out." not in first.content.decode()
    assert "You have signed out." not in second.content.decode()


def test_reader_pages_are_served_uncached_while_the_cache_server_is_down(client, settings):
    """Redis away (a refused port): pages render as misses instead of answering 500."""
    post = PostFactory(title_en="Still readable")
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,  # the production options, pointed at a dead port
        }
    }
    for path in ("/en/", f"/en/posts/{post.slug}/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["X-Page-Cache"] == "miss"
    assert "Still readable" in client.get("/en/").content.decode()


@pytest.fixture
def local_tier(settings):
    """The per-process tier in front of a shared cache (on with Redis in production, off in tests)."""
    from apps.blog import page_cache

    settings.BLOG_PAGE_CACHE_LOCAL_SECONDS = 60
    page_cache._local.clear()
    yield page_cache
    page_cache._local.clear()


def test_the_local_tier_answers_a_page_without_the_shared_cache(client, local_tier):
    from django.core.cache import cache

    PostFactory(title_en="Kept here")
    assert client.get("/en/")["X-Page-Cache"] == "miss"
    # The shared copy is gone (as if evicted from Redis): this process still holds the page.
    cache.delete(local_tier.page_key("en", "/en/"))
    response = client.get("/en/")
    assert response["X-Page-Cache"] == "hit"
    assert "Kept here" in response.content.decode()


def test_a_change_in_this_process_shows_at_once(client, editor, local_tier, django_capture_on_commit_callbacks):
    post = PostFactory(title_en="Before the edit")
    assert "Before the edit" in client.get("/en/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(post=post, by=editor, data={"title_en": "After the edit"})
    response = client.get("/en/")
    assert response["X-Page-Cache"] == "miss"
    assert "After the edit" in response.content.decode()


def test_a_change_in_another_process_shows_once_the_local_state_is_old(client, settings, local_tier):
    from django.core.cache import cache

    PostFactory(title_en="Served locally")
    client.get("/en/")
    # Another process starts a new generation: this one keeps serving its copy for the configured
    # seconds after its last read of the state...
    cache.set(local_tier.STATE_KEY, (time.time_ns(), float("inf")), timeout=None)
    assert client.get("/en/")["X-Page-Cache"] == "hit"
    # ...and asks the shared cache again once that read is older than that.
    local_tier._local.read_at -= settings.BLOG_PAGE_CACHE_LOCAL_SECONDS
    assert client.get("/en/")["X-Page-Cache"] == "miss"


def test_the_local_tier_keeps_within_its_byte_budget(client, settings, local_tier):
    from django.core.cache import cache

    first, second = PostFactory(), PostFactory()
    sizes = [len(client.get(f"/en/posts/{post.slug}/").content) for post in (first, second)]
    settings.BLOG_PAGE_CACHE_LOCAL_MAX_BYTES = max(sizes) + 10  # room for one page, not two
    local_tier._local.clear()
    client.get(f"/en/posts/{first.slug}/")  # kept here from the shared cache
    client.get(f"/en/posts/{second.slug}/")  # pushes the first out
    assert local_tier._local.size <= settings.BLOG_PAGE_CACHE_LOCAL_MAX_BYTES
    for post in (first, second):
        cache.delete(local_tier.page_key("en", f"/en/posts/{post.slug}/"))
    assert client.get(f"/en/posts/{second.slug}/")["X-Page-Cache"] == "hit"
    assert client.get(f"/en/posts/{first.slug}/")["X-Page-Cache"] == "miss"
