"""The OpenAPI schema tells the truth about the community API: real answers validate against it
(strictly: no undocumented field, no null where it says non-nullable)."""

import pytest

from apps.blog.tests.test_schema import _check, schema  # noqa: F401 - the fixture is used by name
from apps.community import services

from .factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def test_community_answers_match_the_schema(api_client, schema, board, reader):  # noqa: F811
    post = PostFactory()
    top = CommentFactory(post=post)
    CommentFactory(post=post, parent=top, root=top, reply_to=top, depth=2)
    CommentFactory(post=None, board=board)
    services.comment_delete(comment=services.comment_create(user=reader, target=post, body="mine"), by=reader)
    _check(schema, "get", "/api/v1/comments/", api_client.get(f"/api/v1/comments/?post={post.slug}"))
    _check(schema, "get", "/api/v1/comments/", api_client.get("/api/v1/comments/?target=board"))
    _check(schema, "get", "/api/v1/comments/{id}/", api_client.get(f"/api/v1/comments/{top.pk}/"))
    _check(schema, "get", "/api/v1/reactions/{post}/", api_client.get(f"/api/v1/reactions/{post.slug}/"))
    api_client.force_authenticate(reader)
    _check(schema, "get", "/api/v1/comments/", api_client.get(f"/api/v1/comments/?post={post.slug}"))
    created = api_client.post("/api/v1/comments/", {"post": post.slug, "body": "new", "parent": top.pk}, format="json")
    _check(schema, "post", "/api/v1/comments/", created)
    path = f"/api/v1/comments/{created.json()['id']}/"
    _check(schema, "patch", "/api/v1/comments/{id}/", api_client.patch(path, {"body": "edited"}, format="json"))
    _check(schema, "post", "/api/v1/likes/", api_client.post("/api/v1/likes/", {"post": post.slug}, format="json"))
    _check(schema, "post", "/api/v1/likes/", api_client.post("/api/v1/likes/", {"post": post.slug}, format="json"))
    _check(schema, "get", "/api/v1/likes/", api_client.get("/api/v1/likes/"))
    toggle = api_client.post("/api/v1/likes/toggle/", {"post": post.slug}, format="json")
    _check(schema, "post", "/api/v1/likes/toggle/", toggle)
    bookmark = api_client.post("/api/v1/bookmarks/", {"post": post.slug}, format="json")
    _check(schema, "post", "/api/v1/bookmarks/", bookmark)
    _check(schema, "get", "/api/v1/bookmarks/", api_client.get("/api/v1/bookmarks/"))
    toggle = api_client.post("/api/v1/bookmarks/toggle/", {"post": post.slug}, format="json")
    _check(schema, "post", "/api/v1/bookmarks/toggle/", toggle)
    preferences = api_client.get("/api/v1/notification-preferences/me/")
    _check(schema, "get", "/api/v1/notification-preferences/me/", preferences)
    _check(schema, "get", "/api/v1/reactions/{post}/", api_client.get(f"/api/v1/reactions/{post.slug}/"))


def test_friend_link_and_subscriber_answers_match_the_schema(api_client, schema, reader, editor):  # noqa: F811
    from .factories import FriendLinkFactory, SubscriberFactory

    FriendLinkFactory(is_featured=True)
    FriendLinkFactory(description_zh_hans="", logo_url="https://friend.example.org/logo.png")
    _check(schema, "get", "/api/v1/friends/", api_client.get("/api/v1/friends/"))
    subscribed = api_client.post("/api/v1/subscribers/", {"email": "new@mail.test"}, format="json")
    _check(schema, "post", "/api/v1/subscribers/", subscribed)
    pending = SubscriberFactory(status="pending", confirmed_at=None)
    token = services.subscriber_confirm_token(subscriber=pending)
    confirm = api_client.post("/api/v1/subscribers/confirm/", {"token": token}, format="json")
    _check(schema, "post", "/api/v1/subscribers/confirm/", confirm)
    token = services.subscriber_unsubscribe_token(subscriber=pending)
    unsubscribe = api_client.post("/api/v1/subscribers/unsubscribe/", {"token": token}, format="json")
    _check(schema, "post", "/api/v1/subscribers/unsubscribe/", unsubscribe)
    bad = api_client.post("/api/v1/subscribers/unsubscribe/", {"token": "nope"}, format="json")
    _check(schema, "post", "/api/v1/subscribers/unsubscribe/", bad)
    api_client.force_authenticate(reader)
    applied = api_client.post(
        "/api/v1/friends/", {"name": "Mine", "url": "https://mine.example.org/", "description_en": "Hi"}, format="json"
    )
    _check(schema, "post", "/api/v1/friends/", applied)
    _check(schema, "get", "/api/v1/subscribers/", api_client.get("/api/v1/subscribers/"))  # 403
    api_client.force_authenticate(editor)
    _check(schema, "get", "/api/v1/subscribers/", api_client.get("/api/v1/subscribers/"))
