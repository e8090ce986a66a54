"""Held: what a visitor may not read stays hidden on every surface, and nobody reaches another's files.

- Drafts, scheduled and archived posts: absent from the page, the API list and detail, the feeds,
  the sitemaps, search (page and API) and the tag/section/archive pages.
- A premium post's body: absent for readers without a grant from the page, the API, the feeds,
  the OG tags and JSON-LD; search is issue 10 item 1 (being fixed on branch `blogsec`).
- IDOR: another user's media asset cannot be read, changed, deleted or downloaded; nobody can
  point their avatar at someone else's asset.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.blog.models import Post
from apps.blog.tests.factories import PostFactory, SectionFactory, TagFactory
from apps.media import selectors as media_selectors
from apps.media.models import Asset

from ._held import app_sign_in, bearer, text_of

pytestmark = pytest.mark.django_db

SECRET = "xylophonequasar"  # a word that appears only in the hidden text


@pytest.fixture
def hidden(db):
    """One live post (so every list renders), and a draft, a scheduled and an archived post with SECRET."""
    section, tag = SectionFactory(slug="notes"), TagFactory(slug="topic")
    live = PostFactory(slug="live", section=section, tags=[tag])
    hidden_posts = [
        PostFactory(slug=f"{state}-post", title_en=f"{SECRET} {state}", section=section, tags=[tag], **{state: True})
        for state in ("draft", "scheduled", "archived")
    ]
    return live, hidden_posts


HIDDEN_SURFACES = [
    "/en/",
    "/en/tags/topic/",
    "/en/sections/notes/",
    "/en/archive/",
    "/en/archive/{year}/",
    f"/en/search/?q={SECRET}",
    "/en/feed/rss.xml",
    "/en/feed/atom.xml",
    "/en/tags/topic/rss.xml",
    "/en/sections/notes/atom.xml",
    "/sitemap-posts-en.xml",
    "/api/v1/posts/",
    f"/api/v1/posts/?search={SECRET}",
    "/api/v1/tags/",
]


@pytest.mark.parametrize("surface", HIDDEN_SURFACES)
def test_unpublished_posts_appear_on_no_public_surface(client, hidden, surface):
    live, _ = hidden
    response = client.get(surface.format(year=live.published_at.year))
    assert response.status_code == 200
    body = text_of(response)
    for state in ("draft", "scheduled", "archived"):
        assert f"{SECRET} {state}" not in body  # the title (search pages echo the bare query word)
        assert f"{state}-post" not in body


@pytest.mark.parametrize("state", ["draft", "scheduled", "archived"])
def test_an_unpublished_post_is_404_by_slug_for_visitors_and_readers(client, hidden, reader, state):
    for who in (None, reader):
        if who:
            client.force_login(who)
        assert client.get(f"/en/posts/{state}-post/").status_code == 404
        assert client.get(f"/api/v1/posts/{state}-post/").status_code == 404
    reader_token = app_sign_in(client, reader.email)["access_token"]
    assert client.get(f"/api/v1/posts/{state}-post/", **bearer(reader_token)).status_code == 404


def test_an_unpublished_tag_or_section_leaks_no_post_count(client, db):
    lonely = TagFactory(slug="lonely")
    PostFactory(draft=True, tags=[lonely])
    assert "lonely" not in [t["slug"] for t in client.get("/api/v1/tags/").json()["results"]]
    # A tag only drafts use has no public page or feed at all.
    assert client.get("/en/tags/lonely/").status_code == 404
    assert client.get("/en/tags/lonely/rss.xml").status_code == 404


@pytest.fixture
def premium(db):
    """A premium post whose body holds SECRET; summary and SEO description are empty (the hard case)."""
    return PostFactory(
        slug="locked",
        is_premium=True,
        summary_en="",
        summary_zh_hans="",
        body_en=f"The whole {SECRET} story, in detail.\n\n## Chapter {SECRET}\n",
        body_zh_hans=f"全文 {SECRET}。",
    )


@pytest.mark.parametrize(
    "surface",
    [
        "/en/",
        "/api/v1/posts/",
        "/api/v1/posts/locked/",
        "/en/feed/rss.xml",
        "/en/feed/atom.xml",
        "/zh-hans/feed/rss.xml",
        "/sitemap-posts-en.xml",
    ],
)
def test_a_premium_body_is_on_no_surface_without_a_grant(client, premium, reader, surface):
    for who in (None, reader):
        if who:
            client.force_login(who)
        response = client.get(surface)
        assert response.status_code == 200
        assert SECRET not in text_of(response), (surface, who)


def test_the_premium_post_page_shows_the_teaser_not_the_body_or_its_contents(client, premium):
    page = text_of(client.get("/en/posts/locked/"))
    body = page.split("</head>")[1]
    assert "This is a premium post" in body
    assert SECRET not in body  # neither the body nor its table of contents


def test_the_premium_post_head_describes_it_without_its_body(client, premium):
    head = text_of(client.get("/en/posts/locked/")).split("</head>")[0]
    assert SECRET not in head  # meta description, og:description, twitter:description, JSON-LD


def test_search_never_matches_or_shows_a_premium_body_without_a_grant(client, premium):
    response = client.get("/en/search/", {"q": SECRET})
    assert response.status_code == 200
    page = text_of(response)
    assert 'href="/en/posts/locked/"' not in page  # not matched...
    assert f"<mark>{SECRET}</mark>" not in page  # ...and no snippet of the body
    assert client.get("/api/v1/posts/", {"search": SECRET}).json()["count"] == 0


def test_a_grant_opens_the_premium_body_on_the_page_and_the_api(client, premium, reader):
    from apps.blog import services

    services.access_grant_create(user=reader, post=premium)
    token = app_sign_in(client, reader.email)["access_token"]
    assert SECRET in client.get("/api/v1/posts/locked/", **bearer(token)).json()["body_html"]
    client.force_login(reader)
    assert SECRET in text_of(client.get("/en/posts/locked/"))


# --- IDOR on media and avatars ---------------------------------------------------------------


@pytest.fixture
def theirs(db, admin_user):
    """An asset of someone else's (the admin's), public and private, with a file in private storage."""
    return [
        Asset.objects.create(
            owner=admin_user,
            kind=Asset.Kind.IMAGE,
            file=f"assets/id/{visibility}.jpg",
            mime_type="image/jpeg",
            sha256=visibility * 8,
            visibility=visibility,
            alt_text_en="Theirs",
        )
        for visibility in ("public", "private")
    ]


def test_another_users_asset_is_404_to_read_change_or_delete_with_a_bearer_token(client, reader, theirs):
    token = app_sign_in(client, reader.email)["access_token"]
    for asset in theirs:
        url = f"/api/v1/media/{asset.pk}/"
        assert client.get(url, **bearer(token)).status_code == 404
        change = {"alt_text_en": "mine now"}
        assert client.patch(url, change, content_type="application/json", **bearer(token)).status_code == 404
        assert client.put(url, change, content_type="application/json", **bearer(token)).status_code == 404
        assert client.delete(url, **bearer(token)).status_code == 404
    listed = client.get("/api/v1/media/", {"owner": theirs[0].owner_id}, **bearer(token))
    assert listed.json().get("count", 0) == 0
    assert sorted(Asset.objects.values_list("alt_text_en", flat=True)) == ["Theirs", "Theirs"]


def test_a_private_file_link_made_for_its_owner_is_refused_to_everyone_else(client, reader, theirs):
    private = theirs[1]
    url = media_selectors.asset_private_url(asset=private, for_user=private.owner)
    assert client.get(url).status_code == 401  # nobody signed in
    client.force_login(reader)
    assert client.get(url).status_code == 403
    # Nor can a reader mint one: the API shows no URL for an asset that is not theirs.
    assert media_selectors.asset_url(asset=private, for_user=reader) == ""


def test_nobody_can_point_their_avatar_at_someone_elses_asset(client, reader, theirs):
    token = app_sign_in(client, reader.email)["access_token"]
    response = client.patch(
        "/api/v1/users/me/",
        {"avatar": theirs[0].pk, "avatar_id": theirs[0].pk},
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 200
    client.force_login(reader)
    client.post("/en/accounts/profile/", {"display_name": "R", "preferred_language": "en", "avatar": theirs[0].pk})
    reader.refresh_from_db()
    assert reader.avatar_id is None
    assert client.get(f"/api/v1/profiles/{reader.pk}/").json()["avatar_url"] is None


def test_removing_your_avatar_never_touches_the_asset_of_anyone_else(client, reader, theirs):
    from apps.accounts.models import User

    User.objects.filter(pk=theirs[0].owner_id).update(avatar=theirs[0])
    token = app_sign_in(client, reader.email)["access_token"]
    assert client.delete("/api/v1/users/me/avatar/", **bearer(token)).status_code == 200
    assert User.objects.get(pk=theirs[0].owner_id).avatar_id == theirs[0].pk
    assert Asset.objects.filter(pk=theirs[0].pk).exists()


def test_a_scheduled_post_stays_hidden_until_its_time_even_through_the_api_filters(client, db):
    PostFactory(
        slug="soon",
        title_en=f"{SECRET} soon",
        published_at=timezone.now() + timedelta(hours=2),
        status=Post.Status.SCHEDULED,
    )
    year = timezone.now().year
    for params in ({"status": "scheduled"}, {"status": "draft"}, {"year": year}, {"ordering": "-published_at"}):
        assert SECRET not in text_of(client.get("/api/v1/posts/", params)), params
