# ruff: noqa: RUF001 - the Chinese e-mails use full-width punctuation on purpose.
"""Reply e-mails: who gets one, in which language, once per comment ever, and how to stop them."""

import re

import pytest
from django.core import mail

from apps.community import services
from apps.community.models import Comment, CommentNotification, NotificationPreference
from apps.community.tasks import comment_notify_task

from .factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(db):
    return UserFactory(email="writer@example.com", display_name="Wendy Writer", preferred_language="en")


@pytest.fixture
def post(author):
    return PostFactory(author=author, title_en="Bridges", title_zh_hans="桥")


def _regular(**kwargs):
    user = UserFactory(**kwargs)
    CommentFactory(user=user)  # an approved comment before: theirs are published at once
    return user


def _by_recipient() -> dict[str, mail.EmailMessage]:
    return {m.to[0]: m for m in mail.outbox}


def test_a_reply_emails_the_post_author_and_the_parent_author_once_each(
    post, author, django_capture_on_commit_callbacks
):
    alice = _regular(email="alice@example.com", display_name="Alice", preferred_language="zh-hans")
    bob = _regular(email="bob@example.com", display_name="Bob")
    with django_capture_on_commit_callbacks(execute=True):
        top = services.comment_create(user=alice, target=post, body="我喜欢这篇文章。")
    assert list(_by_recipient()) == ["writer@example.com"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.comment_create(user=bob, target=post, body="Me too, *really*.", parent=top)
    sent = _by_recipient()
    assert set(sent) == {"writer@example.com", "alice@example.com"}
    # The parent's author reads it in her language (Chinese), with the post's Chinese title.
    chinese = sent["alice@example.com"]
    assert chinese.subject == "Bob 回复了你在“桥”下的评论"
    assert "Alice，你好：" in chinese.body
    assert "Me too, really." in chinese.body
    assert f"http://127.0.0.1:8000/zh-hans/posts/{post.slug}/#comment-{reply.pk}" in chinese.body
    html = chinese.alternatives[0][0]
    assert "Me too, really." in html
    assert f"/zh-hans/posts/{post.slug}/#comment-{reply.pk}" in html
    # The post's author reads it in English.
    english = sent["writer@example.com"]
    assert english.subject == "New comment by Bob on “Bridges”"
    assert "Hello Wendy Writer," in english.body
    assert "Bob commented on your post “Bridges”:" in english.body
    for message in sent.values():
        unsubscribe = message.extra_headers["List-Unsubscribe"]
        assert unsubscribe.startswith("<http://127.0.0.1:8000/")
        assert unsubscribe.strip("<>") in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "bob@example.com" not in message.body  # the writer's address is never shown


def test_running_the_task_again_sends_nothing_more(post, django_capture_on_commit_callbacks):
    reader = _regular()
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_create(user=reader, target=post, body="Hello")
    assert len(mail.outbox) == 1
    assert comment_notify_task(comment.pk) == 0
    assert comment_notify_task.delay(comment.pk).get() == 0
    assert len(mail.outbox) == 1
    assert CommentNotification.objects.get(comment=comment).status == CommentNotification.Status.SENT


def test_approving_a_held_comment_sends_its_emails_and_approving_again_sends_none(post, editor, reader):
    comment = services.comment_create(user=reader, target=post, body="First!")
    assert comment.status == Comment.Status.PENDING
    assert mail.outbox == []  # nothing while it waits
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.comment_set_status(comment=comment, status=Comment.Status.APPROVED, by=editor)
    assert [m.to for m in mail.outbox] == [["writer@example.com"]]
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.comment_set_status(comment=comment, status=Comment.Status.REMOVED, by=editor)
        services.comment_set_status(comment=comment, status=Comment.Status.APPROVED, by=editor)
    assert len(mail.outbox) == 1


def test_nobody_is_emailed_about_their_own_comment(post, author):
    services.comment_notify(comment_id=CommentFactory(post=post, user=author).pk)
    assert mail.outbox == []


def test_each_person_can_turn_their_emails_off(post, author, django_capture_on_commit_callbacks):
    alice = _regular(email="alice@example.com")
    services.notification_preference_update(user=author, email_on_post_comment=False)
    services.notification_preference_update(user=alice, email_on_reply=False)
    top = CommentFactory(post=post, user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(user=_regular(), target=post, body="Reply", parent=top)
    assert mail.outbox == []


def test_the_unsubscribe_link_turns_that_email_off(post, author, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(user=_regular(), target=post, body="Hello")
    link = re.search(r"http://127\.0\.0\.1:8000(/en/comments/unsubscribe/[^/]+/)", mail.outbox[0].body).group(1)
    page = client.get(link)
    assert page.status_code == 200
    assert "Stop e-mails about comments on your posts?" in page.content.decode()
    assert not NotificationPreference.objects.filter(user=author).exists()  # a GET (a mail scanner) changes nothing
    # The one-click POST of RFC 8058: no session, no CSRF token, only the signed link.
    client.post(link, {"List-Unsubscribe": "One-Click"})
    author.refresh_from_db()
    assert author.comment_notification_preference.email_on_post_comment is False
    assert author.comment_notification_preference.email_on_reply is True
    assert client.get("/en/comments/unsubscribe/forged-token/").status_code == 404


def test_guests_get_reply_emails_when_they_asked_and_can_stop_them(settings, post, author, editor):
    settings.COMMUNITY_GUEST_COMMENTS = True
    guest = services.comment_create(
        user=None, target=post, body="Guest here", guest_name="Gus", guest_email="gus@example.com", language="zh-hans"
    )
    services.comment_set_status(comment=guest, status=Comment.Status.APPROVED, by=editor)
    mail.outbox.clear()
    reply = services.comment_create(user=_regular(display_name="Rae"), target=post, body="Hi Gus", parent=guest)
    services.comment_notify(comment_id=reply.pk)
    sent = _by_recipient()
    assert "Gus，你好：" in sent["gus@example.com"].body
    assert "因为你在评论时要求在有人回复时收到通知" in sent["gus@example.com"].body
    token = sent["gus@example.com"].extra_headers["List-Unsubscribe"].split("/unsubscribe/")[1].split("/")[0]
    assert services.unsubscribe_apply(token=token)
    assert not Comment.objects.get(pk=guest.pk).notify_replies
    mail.outbox.clear()
    services.comment_notify(
        comment_id=services.comment_create(user=_regular(), target=post, body="Again", parent=guest).pk
    )
    assert "gus@example.com" not in _by_recipient()


def test_no_email_tells_a_reader_about_a_post_they_can_no_longer_read(post, django_capture_on_commit_callbacks):
    alice = _regular(email="alice@example.com")
    top = CommentFactory(post=post, user=alice)
    post.is_premium = True
    post.save()
    from apps.blog.tests.factories import AccessGrantFactory

    bob = _regular()
    AccessGrantFactory(user=bob, post=post)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(user=bob, target=post, body="Premium talk", parent=top)
    assert "alice@example.com" not in _by_recipient()
