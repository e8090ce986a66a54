# ruff: noqa: RUF001 - Chinese text uses full-width punctuation on purpose.
"""Done when: a reader comments and gets a reply e-mail, through the pages and through the API."""

import re

import pytest
from django.core import mail
from django.test import Client

from .factories import CommentFactory, PostFactory, UserFactory, old_stamp

pytestmark = pytest.mark.django_db


def _reader(email: str, name: str):
    user = UserFactory(email=email, display_name=name)
    CommentFactory(user=user)  # one approved comment before: no first-comment hold
    return user


def test_through_the_pages_a_reader_comments_and_gets_an_email_when_someone_replies(
    django_capture_on_commit_callbacks,
):
    post = PostFactory(title_en="Bridges")
    alice, bob = Client(), Client()
    alice.force_login(_reader("alice@example.com", "Alice"))
    bob.force_login(_reader("bob@example.com", "Bob"))
    stamp = old_stamp(f"post:{post.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        alice.post(f"/en/comments/post/{post.slug}/new/", {"body": "Which one is best?", "stamp": stamp})
    comment_id = re.search(r'id="comment-(\d+)"', bob.get(f"/en/posts/{post.slug}/").content.decode()).group(1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        bob.post(f"/en/comments/{comment_id}/reply/", {"body": "The *Forth* one.", "stamp": stamp})
    to_alice = [m for m in mail.outbox if m.to == ["alice@example.com"]]
    assert len(to_alice) == 1
    assert to_alice[0].subject == "Bob replied to your comment on “Bridges”"
    link = re.search(r"http://127\.0\.0\.1:8000(/en/posts/\S+)", to_alice[0].body).group(1)
    path, anchor = link.split("#")
    assert f'id="{anchor}"' in alice.get(path).content.decode()
    assert "The <em>Forth</em> one." in alice.get(path).content.decode()


def test_through_the_api_a_reader_comments_and_gets_an_email_when_someone_replies(
    api_client, django_capture_on_commit_callbacks
):
    post = PostFactory(title_zh_hans="桥")
    alice = _reader("alice@example.com", "Alice")
    alice.preferred_language = "zh-hans"
    alice.save()
    bob = _reader("bob@example.com", "Bob")
    api_client.force_authenticate(alice)
    comment = api_client.post("/api/v1/comments/", {"post": post.slug, "body": "哪座最好？"}, format="json").json()
    api_client.force_authenticate(bob)
    with django_capture_on_commit_callbacks(execute=True):
        reply = api_client.post(
            "/api/v1/comments/", {"post": post.slug, "body": "Forth Bridge", "parent": comment["id"]}, format="json"
        )
    assert reply.status_code == 201
    to_alice = [m for m in mail.outbox if m.to == ["alice@example.com"]]
    assert len(to_alice) == 1
    assert to_alice[0].subject == "Bob 回复了你在“桥”下的评论"
    assert f"/zh-hans/posts/{post.slug}/#comment-{reply.json()['id']}" in to_alice[0].body
    api_client.force_authenticate(alice)
    listed = api_client.get(f"/api/v1/comments/?post={post.slug}").json()["results"]
    assert [(c["author"], c["parent"]) for c in listed] == [("Alice", None), ("Bob", comment["id"])]
