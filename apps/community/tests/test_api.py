"""The community API: comments (and the board), likes, bookmarks, reactions, e-mail preferences.
Permissions for each; no answer ever carries an e-mail address."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.blog.tests.factories import AccessGrantFactory
from apps.community import services
from apps.community.models import Bookmark, Comment, Like

from .factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def regular(db):
    user = UserFactory(display_name="Regular Reader", email="regular@private.test")
    CommentFactory(user=user)
    return user


def _no_email_in(response) -> None:
    text = json.dumps(response.json())
    assert "@private.test" not in text
    assert "@example.com" not in text


# --- Comments -----------------------------------------------------------------------------------


def test_anyone_lists_a_posts_comments_in_thread_order_without_any_email(api_client, regular, settings):
    settings.COMMUNITY_GUEST_COMMENTS = True
    post = PostFactory()
    first = CommentFactory(post=post, user=regular, body="First")
    second = CommentFactory(post=post, user=None, guest_name="Gus", guest_email="gus@private.test", body="Second")
    reply = CommentFactory(post=post, parent=first, root=first, reply_to=first, depth=2, body="Reply")
    CommentFactory(post=post, status=Comment.Status.PENDING, body="Held")
    response = api_client.get(f"/api/v1/comments/?post={post.slug}")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [c["id"] for c in results] == [first.pk, reply.pk, second.pk]
    assert results[0] == {
        "id": first.pk,
        "target": "post",
        "post": post.slug,
        "board": None,
        "parent": None,
        "reply_to": None,
        "depth": 1,
        "author": "Regular Reader",
        "body": None,
        "body_html": "<p>First</p>",
        "status": "approved",
        "is_deleted": False,
        "is_own": False,
        "can_edit": False,
        "editable_until": None,
        "created_at": results[0]["created_at"],
        "edited_at": None,
    }
    assert results[2]["author"] == "Gus"
    _no_email_in(response)


def test_listing_needs_a_target_and_hides_what_the_caller_may_not_read(api_client, reader):
    assert api_client.get("/api/v1/comments/").status_code == 400
    premium = PostFactory(is_premium=True)
    CommentFactory(post=premium)
    assert api_client.get(f"/api/v1/comments/?post={premium.slug}").status_code == 404
    assert api_client.get(f"/api/v1/comments/?post={PostFactory(draft=True).slug}").status_code == 404
    assert api_client.get("/api/v1/comments/?post=no-such-post").status_code == 404
    AccessGrantFactory(user=reader, post=premium)
    api_client.force_authenticate(reader)
    assert api_client.get(f"/api/v1/comments/?post={premium.slug}").json()["count"] == 1


def test_a_signed_in_reader_comments_and_the_posts_author_gets_an_email(
    api_client, regular, django_capture_on_commit_callbacks
):
    author = UserFactory(email="writer@example.com")
    post = PostFactory(author=author)
    api_client.force_authenticate(regular)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v1/comments/", {"post": post.slug, "body": "Via the *API*"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["body_html"] == "<p>Via the <em>API</em></p>"
    assert (body["body"], body["is_own"], body["can_edit"], body["status"]) == ("Via the *API*", True, True, "approved")
    assert body["editable_until"] is not None
    assert [m.to for m in mail.outbox] == [["writer@example.com"]]
    _no_email_in(response)


def test_anonymous_callers_cannot_comment_through_the_api(api_client, settings):
    settings.COMMUNITY_GUEST_COMMENTS = True
    post = PostFactory()
    response = api_client.post("/api/v1/comments/", {"post": post.slug, "body": "Hi"}, format="json")
    assert response.status_code == 401
    assert not Comment.objects.exists()


def test_a_reply_through_the_api_and_the_email_to_the_parent_author(
    api_client, regular, django_capture_on_commit_callbacks
):
    post = PostFactory()
    other = UserFactory(email="other@example.com", display_name="Olga")
    parent = CommentFactory(post=post, user=other)
    api_client.force_authenticate(regular)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/comments/", {"post": post.slug, "body": "Answer", "parent": parent.pk}, format="json"
        )
    assert response.status_code == 201
    assert (response.json()["parent"], response.json()["reply_to"]) == (parent.pk, parent.pk)
    to_parent = next(m for m in mail.outbox if m.to == ["other@example.com"])
    assert to_parent.subject == f"Regular Reader replied to your comment on “{post.title}”"


def test_comment_errors_are_400s_that_name_the_field(api_client, regular):
    post = PostFactory()
    api_client.force_authenticate(regular)
    too_long = api_client.post("/api/v1/comments/", {"post": post.slug, "body": "x" * 2001}, format="json")
    assert too_long.status_code == 400
    assert too_long.json()["errors"]["body"] == ["The text is too long: 2001 characters, at most 2000."]
    links = api_client.post(
        "/api/v1/comments/", {"post": post.slug, "body": "http://a.b http://c.d http://e.f"}, format="json"
    )
    assert links.json()["code"] == "too_many_links"
    both = api_client.post("/api/v1/comments/", {"post": post.slug, "target": "board", "body": "x"}, format="json")
    assert both.status_code == 400
    ghost = api_client.post("/api/v1/comments/", {"post": post.slug, "body": "x", "parent": 999999}, format="json")
    assert ghost.json()["errors"] == {"parent": ["No such comment."]}
    huge = api_client.post("/api/v1/comments/", {"post": post.slug, "body": "x", "parent": 10**30}, format="json")
    assert huge.status_code == 400
    assert Comment.objects.filter(post=post).count() == 0


def test_commenting_on_a_post_the_caller_cannot_read_is_a_404(api_client, reader):
    api_client.force_authenticate(reader)
    for post in (PostFactory(is_premium=True), PostFactory(draft=True)):
        response = api_client.post("/api/v1/comments/", {"post": post.slug, "body": "x"}, format="json")
        assert response.status_code == 404


def test_a_banned_account_gets_a_403_saying_so(api_client, regular, editor):
    services.ban_create(by=editor, kind="user", user=regular)
    api_client.force_authenticate(regular)
    response = api_client.post("/api/v1/comments/", {"post": PostFactory().slug, "body": "x"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "You can no longer comment here.", "code": "banned", "errors": {}}


def test_the_api_comment_rate_limit_is_a_429_with_retry_after(api_client, regular, settings):
    settings.COMMUNITY_COMMENT_RATE_USER = "1/10min"
    post = PostFactory()
    api_client.force_authenticate(regular)
    assert api_client.post("/api/v1/comments/", {"post": post.slug, "body": "1"}, format="json").status_code == 201
    refused = api_client.post("/api/v1/comments/", {"post": post.slug, "body": "2"}, format="json")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled"


def test_the_author_edits_and_deletes_within_the_window_and_nobody_else_can(api_client, regular, reader):
    comment = services.comment_create(user=regular, target=PostFactory(), body="Original")
    api_client.force_authenticate(reader)
    assert api_client.patch(f"/api/v1/comments/{comment.pk}/", {"body": "Mine now"}, format="json").status_code == 403
    assert api_client.delete(f"/api/v1/comments/{comment.pk}/").status_code == 403
    api_client.force_authenticate(regular)
    edited = api_client.patch(f"/api/v1/comments/{comment.pk}/", {"body": "Edited **once**"}, format="json")
    assert edited.status_code == 200
    assert edited.json()["body_html"] == "<p>Edited <strong>once</strong></p>"
    assert edited.json()["edited_at"] is not None
    assert api_client.delete(f"/api/v1/comments/{comment.pk}/").status_code == 204
    gone = api_client.get(f"/api/v1/comments/{comment.pk}/").json()
    assert (gone["is_deleted"], gone["body_html"], gone["body"]) == (True, "", None)
    # Deleted is deleted: a second delete or an edit is refused with its reason (a 403, as documented).
    for again in (
        api_client.delete(f"/api/v1/comments/{comment.pk}/"),
        api_client.patch(f"/api/v1/comments/{comment.pk}/", {}, format="json"),
        api_client.put(f"/api/v1/comments/{comment.pk}/", {"body": "Back"}, format="json"),
    ):
        assert again.status_code == 403
        assert again.json()["code"] == "deleted"
        assert again.json()["detail"] == "This comment was deleted."


def test_after_fifteen_minutes_the_author_gets_a_403_edit_window_closed(api_client, regular):
    comment = services.comment_create(user=regular, target=PostFactory(), body="Original")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=15, seconds=1))
    api_client.force_authenticate(regular)
    response = api_client.patch(f"/api/v1/comments/{comment.pk}/", {"body": "Late"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "edit_window_closed"
    assert api_client.delete(f"/api/v1/comments/{comment.pk}/").status_code == 403
    assert api_client.get(f"/api/v1/comments/{comment.pk}/").json()["can_edit"] is False


def test_a_held_comment_is_visible_to_its_author_only(api_client, reader):
    post = PostFactory()
    comment = services.comment_create(user=reader, target=post, body="Waiting")
    assert api_client.get(f"/api/v1/comments/{comment.pk}/").status_code == 404
    api_client.force_authenticate(UserFactory())
    assert api_client.get(f"/api/v1/comments/?post={post.slug}").json()["count"] == 0
    api_client.force_authenticate(reader)
    own = api_client.get(f"/api/v1/comments/?post={post.slug}").json()["results"]
    assert [(c["id"], c["status"]) for c in own] == [(comment.pk, "pending")]
    assert api_client.get("/api/v1/comments/abc/").status_code == 404
    assert api_client.get(f"/api/v1/comments/{'9' * 30}/").status_code == 404


def test_the_board_through_the_api(api_client, board, regular):
    CommentFactory(post=None, board=board, body="Old hello")
    api_client.force_authenticate(regular)
    created = api_client.post("/api/v1/comments/", {"target": "board", "body": "New hello"}, format="json")
    assert created.status_code == 201
    assert (created.json()["target"], created.json()["board"], created.json()["post"]) == ("board", "board", None)
    listed = api_client.get("/api/v1/comments/?target=board").json()["results"]
    assert [c["body_html"] for c in listed] == ["<p>New hello</p>", "<p>Old hello</p>"]  # newest thread first
    assert api_client.get("/api/v1/comments/?board=board").json()["count"] == 2
    assert api_client.get("/api/v1/comments/?board=nope").status_code == 404


# --- Likes, bookmarks, reactions ----------------------------------------------------------------


def test_likes_need_a_sign_in_and_are_one_per_user_per_post(api_client, reader):
    post = PostFactory()
    assert api_client.post("/api/v1/likes/", {"post": post.slug}, format="json").status_code == 401
    assert api_client.get("/api/v1/likes/").status_code == 401
    api_client.force_authenticate(reader)
    first = api_client.post("/api/v1/likes/", {"post": post.slug}, format="json")
    assert (first.status_code, first.json()) == (201, {"post": post.slug, "liked": True, "like_count": 1})
    again = api_client.post("/api/v1/likes/", {"post": post.slug}, format="json")
    assert (again.status_code, again.json()["like_count"]) == (200, 1)
    assert api_client.get("/api/v1/likes/").json()["results"][0]["post"] == post.slug
    toggled = api_client.post("/api/v1/likes/toggle/", {"post": post.slug}, format="json").json()
    assert toggled == {"post": post.slug, "liked": False, "like_count": 0}
    assert api_client.delete(f"/api/v1/likes/{post.slug}/").status_code == 204  # already gone: still 204
    assert Like.objects.count() == 0
    assert api_client.post("/api/v1/likes/", {"post": "nope"}, format="json").status_code == 404
    premium = PostFactory(is_premium=True)
    assert api_client.post("/api/v1/likes/", {"post": premium.slug}, format="json").status_code == 404


def test_bookmarks_list_only_ones_own(api_client, reader):
    mine, theirs = PostFactory(), PostFactory()
    services.bookmark_set(user=UserFactory(), post=theirs, bookmarked=True)
    api_client.force_authenticate(reader)
    assert api_client.post("/api/v1/bookmarks/", {"post": mine.slug}, format="json").status_code == 201
    listed = api_client.get("/api/v1/bookmarks/").json()
    assert [b["post"] for b in listed["results"]] == [mine.slug]
    assert listed["results"][0]["title"] == mine.title
    toggled = api_client.post("/api/v1/bookmarks/toggle/", {"post": mine.slug}, format="json").json()
    assert toggled == {"post": mine.slug, "bookmarked": False}
    assert not Bookmark.objects.filter(user=reader).exists()


def test_reactions_are_public_counts_plus_the_callers_own_state(api_client, reader):
    post = PostFactory()
    services.like_set(user=UserFactory(), post=post, liked=True)
    CommentFactory(post=post)
    anonymous = api_client.get(f"/api/v1/reactions/{post.slug}/").json()
    assert anonymous == {"post": post.slug, "like_count": 1, "comment_count": 1, "liked": False, "bookmarked": False}
    api_client.force_authenticate(reader)
    services.bookmark_set(user=reader, post=post, bookmarked=True)
    assert api_client.get(f"/api/v1/reactions/{post.slug}/").json()["bookmarked"] is True
    assert api_client.get(f"/api/v1/reactions/{PostFactory(draft=True).slug}/").status_code == 404


def test_notification_preferences_are_the_callers_own(api_client, reader):
    assert api_client.get("/api/v1/notification-preferences/me/").status_code == 401
    api_client.force_authenticate(reader)
    assert api_client.get("/api/v1/notification-preferences/me/").json() == {
        "email_on_reply": True,
        "email_on_post_comment": True,
    }
    changed = api_client.patch("/api/v1/notification-preferences/me/", {"email_on_reply": False}, format="json")
    assert changed.json() == {"email_on_reply": False, "email_on_post_comment": True}
    bad = api_client.patch("/api/v1/notification-preferences/me/", {"email_on_reply": "maybe"}, format="json")
    assert bad.status_code == 400


def test_the_comment_list_takes_the_same_queries_for_5_or_300_comments(api_client, django_assert_max_num_queries):
    few, many = PostFactory(), PostFactory()
    for post, count in ((few, 5), (many, 300)):
        Comment.objects.bulk_create(
            Comment(post=post, user=UserFactory(), body="x", body_html="<p>x</p>", status="approved")
            for _ in range(count)
        )
    for post in (few, many):
        with django_assert_max_num_queries(4):
            assert api_client.get(f"/api/v1/comments/?post={post.slug}&page_size=100").status_code == 200
