"""Fragments every reader sees alike (list cards, a post's neighbours and related posts) are kept per
page-cache generation: the same markup, fewer queries, and any change readers could see shows at once."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.blog import services
from apps.blog.models import Post

from .factories import PostFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fragments_on(settings):
    settings.BLOG_FRAGMENT_CACHE_TIMEOUT = 600
    settings.BLOG_PAGE_CACHE_TIMEOUT = 0  # every request renders: what signed-in readers get


def _render(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries.captured_queries)


def test_list_pages_reuse_their_cards_with_the_same_markup_and_fewer_queries(client):
    tag = TagFactory(name_en="Harbour")
    section = SectionFactory()
    for i in range(12):
        PostFactory(tags=[tag], section=section, is_featured=i < 2, title_en=f"Story {i}", title_zh_hans=f"故事 {i}")
    for url in ("/en/", "/zh-hans/", f"/en/tags/{tag.slug}/", f"/en/sections/{section.slug}/", "/en/?page=2"):
        cache.clear()
        first, cold = _render(client, url)
        again, warm = _render(client, url)
        assert again == first, url
        assert warm < cold, url
    assert "故事 0" in _render(client, "/zh-hans/")[0]


def test_a_signed_in_reader_gets_the_cached_cards_too(client, reader):
    PostFactory(title_en="Shared card")
    anonymous, _ = _render(client, "/en/")
    client.force_login(reader)
    html, _ = _render(client, "/en/")
    assert "Shared card" in html
    start = anonymous.index('<article class="card')
    assert anonymous[start : anonymous.index("</article>", start)] in html


def test_editing_a_post_shows_on_its_cards_at_once(client, editor, django_capture_on_commit_callbacks):
    tag = TagFactory()
    post = PostFactory(title_en="Old card title", tags=[tag])
    assert "Old card title" in _render(client, "/en/")[0]
    assert "Old card title" in _render(client, f"/en/tags/{tag.slug}/")[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(post=post, by=editor, data={"title_en": "New card title", "is_premium": True})
    for url in ("/en/", f"/en/tags/{tag.slug}/"):
        html = _render(client, url)[0]
        assert "New card title" in html
        assert "Old card title" not in html
        assert "Premium" in html


def test_renaming_a_tag_shows_on_the_cards(client, django_capture_on_commit_callbacks):
    tag = TagFactory(name_en="Oldtag")
    PostFactory(tags=[tag])
    assert "#Oldtag" in _render(client, "/en/")[0]
    with django_capture_on_commit_callbacks(execute=True):
        tag.name_en = "Newtag"
        tag.save()
    html = _render(client, "/en/")[0]
    assert "#Newtag" in html
    assert "#Oldtag" not in html


def test_a_newly_published_post_becomes_the_next_link(client, editor, django_capture_on_commit_callbacks):
    section = SectionFactory()
    tag = TagFactory()
    post = PostFactory(section=section, tags=[tag], published_at=timezone.now() - timedelta(days=2))
    html, cold = _render(client, f"/en/posts/{post.slug}/")
    assert 'rel="next"' not in html
    again, warm = _render(client, f"/en/posts/{post.slug}/")
    assert again == html
    assert warm < cold
    later = PostFactory(section=section, tags=[tag], draft=True, title_en="The sequel")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_publish(post=later, by=editor)
    html = _render(client, f"/en/posts/{post.slug}/")[0]
    assert 'rel="next"' in html
    assert "The sequel" in html


def test_drafts_never_enter_the_cached_fragments(client, editor):
    section = SectionFactory()
    post = PostFactory(section=section, published_at=timezone.now() - timedelta(days=2))
    PostFactory(section=section, draft=True, title_en="Hidden draft")
    client.force_login(editor)
    _render(client, f"/en/posts/{post.slug}/")
    client.logout()
    assert "Hidden draft" not in _render(client, f"/en/posts/{post.slug}/")[0]
    assert "Hidden draft" not in _render(client, "/en/")[0]


# --- The post page's article (views._post_article) ---------------------------------------------------


def _article(html):
    return html[html.index('<article class="post"') : html.index("</article>")]


def test_the_post_page_reuses_its_article_with_the_same_markup_and_fewer_queries(client, reader):
    section = SectionFactory()
    post = PostFactory(section=section, tags=[TagFactory()], body_en="## One\n\nThe story.\n\n## Two\n\nMore.")
    PostFactory(section=section, title_en="Its neighbour")
    url = f"/en/posts/{post.slug}/"
    first, cold = _render(client, url)
    again, warm = _render(client, url)
    assert again == first
    assert warm < cold
    assert "The story." in first
    assert "Its neighbour" in first
    client.force_login(reader)
    signed_in = _render(client, url)[0]
    assert _article(signed_in) == _article(first)
    assert signed_in != first  # the header's account links are the reader's own


def test_the_article_is_kept_per_language(client):
    post = PostFactory(title_en="English title", title_zh_hans="中文标题")
    assert "English title" in _render(client, f"/en/posts/{post.slug}/")[0]
    html = _render(client, f"/zh-hans/posts/{post.slug}/")[0]
    assert "中文标题" in html
    assert "English title" not in _article(html)


@pytest.mark.parametrize("who", ["grant holder", "editor"])
def test_an_anonymous_reader_never_gets_the_premium_body_rendered_for_a_reader_with_access(client, reader, editor, who):
    post = PostFactory(is_premium=True, summary_en="", body_en="The hidden SECRETWORD paragraph.")
    url = f"/en/posts/{post.slug}/"
    if who == "grant holder":
        services.access_grant_create(user=reader, post=post)
    client.force_login(reader if who == "grant holder" else editor)
    assert "SECRETWORD" in _render(client, url)[0]  # the full article is now cached
    client.logout()
    html = _render(client, url)[0]
    assert "SECRETWORD" not in html
    assert "This is a premium post" in html
    client.force_login(reader if who == "grant holder" else editor)
    assert "SECRETWORD" in _render(client, url)[0]  # and the teaser is not served to them either


def test_a_signed_in_reader_without_a_grant_gets_the_same_teaser(client, reader):
    post = PostFactory(is_premium=True, price=500, currency="USD", body_en="The hidden SECRETWORD paragraph.")
    url = f"/en/posts/{post.slug}/"
    anonymous = _render(client, url)[0]
    assert "SECRETWORD" not in anonymous
    client.force_login(reader)
    html = _render(client, url)[0]
    assert "SECRETWORD" not in html
    teaser = _article(anonymous).split('<section class="paywall"')[0]
    assert _article(html).split('<section class="paywall"')[0] == teaser


def test_editing_a_post_shows_on_its_page_at_once(client, editor, reader, django_capture_on_commit_callbacks):
    post = PostFactory(title_en="Old page title", body_en="Old body text.")
    url = f"/en/posts/{post.slug}/"
    assert "Old body text." in _render(client, url)[0]
    client.force_login(reader)
    assert "Old body text." in _render(client, url)[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(post=post, by=editor, data={"title_en": "New page title", "body_en": "New body text."})
    for signed_in in (True, False):
        if not signed_in:
            client.logout()
        html = _render(client, url)[0]
        assert "New page title" in html
        assert "New body text." in html
        assert "Old body text." not in html
        assert "Old page title" not in html


# --- The posts API: items and details kept per generation, ETag / If-None-Match on details ------------

POSTS_API = "/api/v1/posts/"


def _api(api_client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(url, **headers)
    return response, len(queries.captured_queries)


def test_the_posts_api_list_reuses_its_items_with_the_same_bytes_and_fewer_queries(api_client):
    tag = TagFactory()
    section = SectionFactory()
    for i in range(5):
        PostFactory(tags=[tag], section=section, title_en=f"Item {i}", title_zh_hans=f"条目 {i}")
    for url in (POSTS_API, f"{POSTS_API}?lang=zh-hans", f"{POSTS_API}?page_size=2&page=2"):
        cache.clear()
        first, cold = _api(api_client, url)
        again, warm = _api(api_client, url)
        assert first.status_code == again.status_code == 200
        assert again.content == first.content, url
        assert warm < cold, url
    assert "条目 0" in api_client.get(f"{POSTS_API}?lang=zh-hans").content.decode()


def test_a_draft_listed_to_an_editor_never_reaches_the_public_list(api_client, editor):
    PostFactory(title_en="Public item")
    PostFactory(draft=True, title_en="Draft item")
    api_client.force_authenticate(editor)
    assert "Draft item" in api_client.get(POSTS_API).content.decode()
    api_client.force_authenticate(None)
    body = api_client.get(POSTS_API).content.decode()
    assert "Public item" in body
    assert "Draft item" not in body


def test_editing_a_post_shows_in_the_api_list_and_detail_at_once(
    api_client, editor, django_capture_on_commit_callbacks
):
    post = PostFactory(title_en="Old api title")
    detail = f"{POSTS_API}{post.slug}/"
    assert "Old api title" in api_client.get(POSTS_API).content.decode()
    first = api_client.get(detail)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(post=post, by=editor, data={"title_en": "New api title"})
    assert "New api title" in api_client.get(POSTS_API).content.decode()
    # A client revalidating its copy gets the new one, not a 304.
    response = api_client.get(detail, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200
    assert response.json()["title"] == "New api title"
    assert response["ETag"] != first["ETag"]


def test_the_post_api_detail_answers_if_none_match_with_304(api_client):
    post = PostFactory()
    url = f"{POSTS_API}{post.slug}/"
    first, cold = _api(api_client, url)
    assert first.status_code == 200
    etag = first["ETag"]
    again, warm = _api(api_client, url)
    assert again.content == first.content
    assert again["ETag"] == etag
    assert warm < cold
    not_modified, _ = _api(api_client, url, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert api_client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    # Another language is another representation.
    other = api_client.get(f"{url}?lang=zh-hans", HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200
    assert other["ETag"] != etag


@pytest.mark.parametrize("who", ["grant holder", "editor"])
def test_an_anonymous_api_client_never_gets_the_premium_body_kept_for_a_reader_with_access(
    api_client, reader, editor, who
):
    post = PostFactory(is_premium=True, summary_en="", body_en="The hidden SECRETWORD paragraph.")
    url = f"{POSTS_API}{post.slug}/"
    if who == "grant holder":
        services.access_grant_create(user=reader, post=post)
    api_client.force_authenticate(reader if who == "grant holder" else editor)
    full = api_client.get(url)
    assert "SECRETWORD" in full.json()["body_html"]
    api_client.force_authenticate(None)
    teaser = api_client.get(url)
    assert teaser.json()["locked"] is True
    assert teaser.json()["body_html"] is None
    assert "SECRETWORD" not in teaser.content.decode()
    # Nor is the body's ETag good for the teaser (a 304 would keep the body in the client's cache).
    assert api_client.get(url, HTTP_IF_NONE_MATCH=full.get("ETag", '"none"')).status_code == 200
    if who == "grant holder":
        api_client.force_authenticate(reader)
        assert "SECRETWORD" in api_client.get(url).json()["body_html"]


# --- List pages and search from kept ids (issue 16, fourth pass) --------------------------------------


def test_a_warm_list_page_runs_no_query(client):
    tag = TagFactory()
    section = SectionFactory()
    for i in range(12):
        PostFactory(tags=[tag], section=section, is_featured=i < 2)
    for url in ("/en/", "/en/?page=2", f"/en/tags/{tag.slug}/", f"/en/sections/{section.slug}/"):
        first, _cold = _render(client, url)
        again, warm = _render(client, url)
        assert again == first, url
        assert warm == 0, url


def test_kept_list_pages_still_refuse_pages_past_the_end_and_odd_numbers(client):
    tag = TagFactory()
    for _ in range(3):
        PostFactory(tags=[tag])
    for url in ("/en/", f"/en/tags/{tag.slug}/"):
        _render(client, url)  # the count is kept now
        for page in ("2", "0", "abc", "²", "1.0", "99999999999999999999"):
            assert client.get(f"{url}?page={page}").status_code == 404, (url, page)


def test_a_card_cached_in_a_list_is_rendered_big_when_it_is_the_first_featured(client):
    tag = TagFactory()
    post = PostFactory(tags=[tag], is_featured=True, title_en="Big story")
    _render(client, f"/en/tags/{tag.slug}/")  # its small card is cached
    html, _ = _render(client, "/en/")
    assert '<article class="card card-featured' in html
    cache.clear()
    fresh, _ = _render(client, "/en/")
    assert fresh == html
    assert post.title_en in html


def test_a_list_shows_a_post_published_since_its_ids_were_kept(client, editor, django_capture_on_commit_callbacks):
    tag = TagFactory()
    PostFactory(tags=[tag], title_en="First one")
    _render(client, f"/en/tags/{tag.slug}/")
    later = PostFactory(tags=[tag], draft=True, title_en="Second one")
    assert "Second one" not in _render(client, f"/en/tags/{tag.slug}/")[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.post_publish(post=later, by=editor)
    html = _render(client, f"/en/tags/{tag.slug}/")[0]
    assert "Second one" in html
    assert "2 posts" in html


def test_a_repeated_search_runs_no_query_and_gives_the_same_page(client):
    PostFactory(title_en="Harbour lights", body_en="The harbour at night.")
    PostFactory(title_en="Other", body_en="A quiet harbour town.")
    first, cold = _render(client, "/en/search/?q=harbour")
    again, warm = _render(client, "/en/search/?q=harbour")
    assert again == first
    assert warm == 0 < cold
    assert _render(client, "/en/search/?q=HARBOUR")[1] == 0  # the same query, as parsed
    assert "2 results" in first
    other = _render(client, "/en/search/?q=quiet")[0]
    assert "<mark>quiet</mark> harbour town" in other  # a snippet is the query's own


def test_a_kept_search_never_quotes_or_finds_a_premium_body_for_a_reader_without_access(client, reader, editor):
    PostFactory(title_en="Locked", is_premium=True, summary_en="", body_en="The SECRETWORD paragraph.")
    url = "/en/search/?q=secretword"
    client.force_login(editor)
    assert "SECRETWORD" in _render(client, url)[0]  # kept for editors
    client.logout()
    html = _render(client, url)[0]
    assert "SECRETWORD" not in html
    assert "0 results" in html
    client.force_login(reader)
    assert "SECRETWORD" not in _render(client, url)[0]
    # A grant changes what the reader may search at once (no new cache generation is needed).
    services.access_grant_create(user=reader, post=Post.objects.get(title_en="Locked"))
    assert "<mark>SECRETWORD</mark>" in _render(client, url)[0]
    client.logout()
    assert "SECRETWORD" not in _render(client, url)[0]


def test_search_results_follow_an_edit_at_once(client, editor, django_capture_on_commit_callbacks):
    post = PostFactory(title_en="Harbour notes", body_en="Old harbour words.")
    assert "Old <mark>harbour</mark> words." in _render(client, "/en/search/?q=harbour")[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(post=post, by=editor, data={"body_en": "New harbour words."})
    html = _render(client, "/en/search/?q=harbour")[0]
    assert "New <mark>harbour</mark> words." in html
    assert "Old" not in html
