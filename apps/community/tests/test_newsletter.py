"""The newsletter: subscribe (enumeration-safe), confirm by POST only, one-click unsubscribe by token
only, and a published post sent once per post and language, whatever runs twice."""

# ruff: noqa: RUF001 - Chinese text has Chinese punctuation
import base64
import re

import pytest
from django.core import mail

from apps.blog import services as blog_services
from apps.community import services, tasks
from apps.community.models import NewsletterDelivery, NewsletterIssue, Subscriber

from .factories import PostFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
SUBSCRIBE = "/en/newsletter/subscribe/"


def _link(message, kind: str) -> str:
    """The path of the confirm or unsubscribe link in an e-mail's text."""
    found = re.search(rf"https?://[^/\s]+(/[a-z-]+/newsletter/{kind}/[^\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def _token(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def confirmed(db):
    return {
        "en1": SubscriberFactory(email="ann@mail.test"),
        "en2": SubscriberFactory(email="ben@mail.test"),
        "zh": SubscriberFactory(email="chen@mail.test", language="zh-hans"),
        "waiting": SubscriberFactory(email="wait@mail.test", status="pending", confirmed_at=None),
        "gone": SubscriberFactory(email="gone@mail.test", status="unsubscribed"),
    }


# --- Subscribing and confirming -------------------------------------------------------------------


def test_subscribing_sends_a_confirmation_and_an_active_address_gets_the_same_answer(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post(SUBSCRIBE, {"email": "New@Mail.test", "language": "en"})
    assert new.status_code == 200
    assert len(mail.outbox) == 1
    subscriber = Subscriber.objects.get(email="new@mail.test")
    assert subscriber.status == "pending"
    assert subscriber.confirmed_at is None
    SubscriberFactory(email="old@mail.test")
    with django_capture_on_commit_callbacks(execute=True):
        active = client.post(SUBSCRIBE, {"email": "old@mail.test", "language": "zh-hans"})
    assert active.status_code == 200
    assert active.content == new.content  # nothing tells an active address from a new one
    assert len(mail.outbox) == 1  # and the active subscriber is not mailed
    assert Subscriber.objects.get(email="old@mail.test").language == "en"  # nor changed by a stranger


def test_the_api_answers_the_same_for_new_and_active_addresses(api_client, django_capture_on_commit_callbacks):
    SubscriberFactory(email="old@mail.test")
    with django_capture_on_commit_callbacks(execute=True):
        new = api_client.post("/api/v1/subscribers/", {"email": "new@mail.test", "language": "zh-hans"}, format="json")
        old = api_client.post("/api/v1/subscribers/", {"email": "old@mail.test"}, format="json")
    assert new.status_code == old.status_code == 202
    assert new.json() == old.json()
    assert "@" not in str(new.json())
    assert [m.to for m in mail.outbox] == [["new@mail.test"]]
    bad = api_client.post("/api/v1/subscribers/", {"email": "not an address"}, format="json")
    assert bad.status_code == 400


def test_following_the_link_never_confirms_only_the_button_does(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SUBSCRIBE, {"email": "new@mail.test", "language": "en"})
    path = _link(mail.outbox[0], "confirm")
    page = client.get(path)  # what a mail scanner does
    assert page.status_code == 200
    assert "Confirm my subscription" in page.content.decode()
    assert Subscriber.objects.get(email="new@mail.test").status == "pending"
    done = client.post(path)
    assert "new posts will come to your inbox" in done.content.decode()
    subscriber = Subscriber.objects.get(email="new@mail.test")
    assert subscriber.status == "active"
    assert subscriber.confirmed_at is not None
    assert client.get(path[:-5] + "xxxx/").status_code == 404  # a tampered token


def test_the_api_confirms_with_the_token_and_refuses_a_bad_one(api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/v1/subscribers/", {"email": "new@mail.test"}, format="json")
    token = _token(_link(mail.outbox[0], "confirm"))
    bad = api_client.post("/api/v1/subscribers/confirm/", {"token": token + "x"}, format="json")
    assert bad.status_code == 404
    assert bad.json()["detail"] == "This link is not valid or has expired."
    good = api_client.post("/api/v1/subscribers/confirm/", {"token": token}, format="json")
    assert good.status_code == 200
    assert good.json() == {"status": "active", "language": "en"}
    # The confirmation token does not unsubscribe (each token does one thing).
    assert api_client.post("/api/v1/subscribers/unsubscribe/", {"token": token}, format="json").status_code == 404


def test_an_expired_confirmation_link_is_refused(client, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SUBSCRIBE, {"email": "new@mail.test", "language": "en"})
    settings.NEWSLETTER_CONFIRM_DAYS = -1
    assert client.post(_link(mail.outbox[0], "confirm")).status_code == 404
    assert Subscriber.objects.get(email="new@mail.test").status == "pending"


def test_the_footer_form_refuses_other_sites_and_thanks_bots_without_mail(client, django_capture_on_commit_callbacks):
    other = client.post(SUBSCRIBE, {"email": "x@mail.test"}, HTTP_ORIGIN="https://evil.example")
    assert other.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        bot = client.post(SUBSCRIBE, {"email": "x@mail.test", "website": "http://spam"})
    assert bot.status_code == 200
    assert not mail.outbox
    assert not Subscriber.objects.exists()


def test_confirmation_mails_per_address_are_limited(client, settings, django_capture_on_commit_callbacks):
    settings.NEWSLETTER_SUBSCRIBE_RATE_EMAIL = "2/day"
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            assert client.post(SUBSCRIBE, {"email": "new@mail.test"}).status_code == 200
    assert len(mail.outbox) == 2


# --- Unsubscribing --------------------------------------------------------------------------------


def test_every_email_carries_one_click_unsubscribe_and_a_link(client, confirmed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SUBSCRIBE, {"email": "new@mail.test"})
    services.newsletter_send(post_id=PostFactory().pk, language="en")
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        header = message.extra_headers["List-Unsubscribe"]
        assert header.startswith("<http")
        assert "/newsletter/unsubscribe/" in header
        assert header[1:-1] in message.body  # and the same link in the text
        payload = _token(header[1:-1]).split(":")[0]
        assert b"@" not in base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))  # no address in links
        assert header[1:-1] in message.alternatives[0][0]


def test_one_click_unsubscribe_works_by_token_only(client, confirmed):
    services.newsletter_send(post_id=PostFactory().pk, language="en")
    message = next(m for m in mail.outbox if m.to == ["ann@mail.test"])
    url = message.extra_headers["List-Unsubscribe"][1:-1]
    path = "/" + url.split("/", 3)[3]
    assert client.get(path).status_code == 200  # a page with a button: GET changes nothing
    assert Subscriber.objects.get(email="ann@mail.test").status == "active"
    # A mail client's RFC 8058 POST: no session, no CSRF token.
    response = client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert Subscriber.objects.get(email="ann@mail.test").status == "unsubscribed"
    # Never by address alone, and never with another subscriber's row number.
    assert client.post("/en/newsletter/unsubscribe/ben@mail.test/").status_code == 404
    assert client.post(path.replace(_token(path), _token(path)[:-3] + "abc")).status_code == 404
    assert Subscriber.objects.get(email="ben@mail.test").status == "active"


def test_the_api_unsubscribes_by_token_and_not_by_address(api_client, confirmed):
    by_email = api_client.post("/api/v1/subscribers/unsubscribe/", {"email": "ann@mail.test"}, format="json")
    assert by_email.status_code == 400
    token = services.subscriber_unsubscribe_token(subscriber=confirmed["en1"])
    response = api_client.post("/api/v1/subscribers/unsubscribe/", {"token": token}, format="json")
    assert response.json() == {"status": "unsubscribed", "language": "en"}
    assert Subscriber.objects.get(email="ann@mail.test").status == "unsubscribed"


# --- Sending ----------------------------------------------------------------------------------------


def test_publishing_sends_once_per_language_even_if_the_task_runs_twice(
    editor, confirmed, django_capture_on_commit_callbacks
):
    post = PostFactory(draft=True, title_en="Bridges", title_zh_hans="桥")
    with django_capture_on_commit_callbacks(execute=True):
        blog_services.post_publish(post=post, by=editor)
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@mail.test", "ben@mail.test", "chen@mail.test"]
    # The task again (a retry, a second worker), and the post published again: nothing more.
    assert tasks.newsletter_send_task(post.pk, "en") == 0
    assert tasks.newsletter_send_task(post.pk, "zh-hans") == 0
    with django_capture_on_commit_callbacks(execute=True):
        blog_services.post_unpublish(post=post, by=editor)
        blog_services.post_publish(post=post, by=editor)
    assert len(mail.outbox) == 3
    issues = {i.language: i for i in NewsletterIssue.objects.filter(post=post)}
    assert (issues["en"].status, issues["en"].recipients) == ("sent", 2)
    assert (issues["zh-hans"].status, issues["zh-hans"].recipients) == ("sent", 1)
    assert Subscriber.objects.get(email="ann@mail.test").emails_sent == 1
    assert Subscriber.objects.get(email="wait@mail.test").emails_sent == 0  # not confirmed
    assert Subscriber.objects.get(email="gone@mail.test").emails_sent == 0  # unsubscribed


def test_a_resumed_task_skips_those_already_sent_and_batches_cover_everyone(settings, confirmed):
    settings.NEWSLETTER_BATCH_SIZE = 1
    post = PostFactory()
    issue = NewsletterIssue.objects.create(post=post, language="en")  # a run that stopped half-way
    NewsletterDelivery.objects.create(issue=issue, subscriber=confirmed["en1"], sent_at=issue.created_at)
    assert services.newsletter_send(post_id=post.pk, language="en") == 1
    assert [m.to for m in mail.outbox] == [["ben@mail.test"]]
    issue.refresh_from_db()
    assert (issue.status, issue.recipients) == ("sent", 2)


def test_the_email_is_in_the_subscribers_language_with_title_summary_and_link(confirmed):
    post = PostFactory(title_en="Bridges", title_zh_hans="桥", summary_en="On spans.", summary_zh_hans="关于跨度。")
    services.newsletter_send(post_id=post.pk, language="en")
    services.newsletter_send(post_id=post.pk, language="zh-hans")
    english = next(m for m in mail.outbox if m.to == ["ann@mail.test"])
    chinese = next(m for m in mail.outbox if m.to == ["chen@mail.test"])
    assert english.subject.startswith("Bridges")
    assert "On spans." in english.body
    assert f"/en/posts/{post.slug}/" in english.body
    assert "Unsubscribe" in english.body
    assert chinese.subject.startswith("桥")
    assert "关于跨度。" in chinese.body
    assert f"/zh-hans/posts/{post.slug}/" in chinese.body
    assert "取消订阅：" in chinese.body
    assert "Unsubscribe" not in chinese.body
    assert "Some *words*" not in english.body  # never the body


def test_a_premium_post_says_so_and_never_carries_its_body(confirmed):
    post = PostFactory(is_premium=True, body_en="SECRET premium text", summary_en="A teaser.")
    services.newsletter_send(post_id=post.pk, language="en")
    message = mail.outbox[0]
    assert "premium post" in message.body
    assert "Premium" in message.subject
    assert "A teaser." in message.body
    assert "SECRET" not in message.body
    assert "SECRET" not in message.alternatives[0][0]


def test_auto_sending_off_or_a_skipped_post_sends_nothing(
    settings, editor, confirmed, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_AUTO_SEND = False
    post = PostFactory(draft=True)
    with django_capture_on_commit_callbacks(execute=True):
        blog_services.post_publish(post=post, by=editor)
    assert not mail.outbox
    settings.NEWSLETTER_AUTO_SEND = True
    other = PostFactory(draft=True)
    services.newsletter_skip(post=other, language="en", by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        blog_services.post_publish(post=other, by=editor)
    assert [m.to for m in mail.outbox] == [["chen@mail.test"]]  # the Chinese one only


def test_a_draft_is_never_sent(confirmed):
    assert services.newsletter_send(post_id=PostFactory(draft=True).pk, language="en") == 0
    assert not mail.outbox
    assert not NewsletterIssue.objects.exists()


# --- Admin: the test send, the list, the export -------------------------------------------------------


def test_an_editor_sends_a_test_to_themselves_first(client, editor, confirmed):
    post = PostFactory(draft=True, title_en="Coming soon")
    client.force_login(editor)
    page = client.get("/admin/community/newsletterissue/tools/")
    assert page.status_code == 200
    response = client.post(
        "/admin/community/newsletterissue/tools/", {"post": post.slug, "language": "en", "test": "1"}, follow=True
    )
    assert "A test was sent to editor@example.com" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["editor@example.com"]]
    assert mail.outbox[0].subject.startswith("[Test]")
    assert not NewsletterIssue.objects.exists()  # the real sending is still to come
    client.post("/admin/community/newsletterissue/tools/", {"post": post.slug, "language": "en", "skip": "1"})
    assert NewsletterIssue.objects.get(post=post).status == "skipped"


def test_readers_cannot_use_the_newsletter_tools(client, reader):
    client.force_login(reader)
    assert client.get("/admin/community/newsletterissue/tools/").status_code == 302


def test_the_subscriber_list_filters_and_exports_csv_for_editors(client, editor, confirmed):
    client.force_login(editor)
    page = client.get("/admin/community/subscriber/?status__exact=active&language__exact=en").content.decode()
    assert "ann@mail.test" in page
    assert "chen@mail.test" not in page
    assert "wait@mail.test" not in page
    pks = [str(s.pk) for s in confirmed.values()]
    response = client.post("/admin/community/subscriber/", {"action": "export_csv", "_selected_action": pks})
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode().splitlines()
    assert rows[0].startswith("email,language,status")
    assert len(rows) == 6
    assert any(r.startswith("chen@mail.test,zh-hans,active") for r in rows)


def test_staff_who_are_not_editors_do_not_see_addresses(client, confirmed):
    from django.contrib.auth.models import Permission

    from apps.accounts.models import User

    staff = User.objects.create_user(email="staff@example.com", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    client.force_login(staff)
    page = client.get("/admin/community/subscriber/").content.decode()
    assert "ann@mail.test" not in page
    assert "(hidden)" in page
    response = client.post(
        "/admin/community/subscriber/", {"action": "export_csv", "_selected_action": [confirmed["en1"].pk]}
    )
    assert response.status_code == 403


# --- API permissions --------------------------------------------------------------------------------


def test_only_editors_list_subscribers(api_client, reader, editor, confirmed):
    assert api_client.get("/api/v1/subscribers/").status_code in (401, 403)
    api_client.force_authenticate(reader)
    assert api_client.get("/api/v1/subscribers/").status_code == 403
    api_client.force_authenticate(editor)
    response = api_client.get("/api/v1/subscribers/")
    assert response.status_code == 200
    assert {row["email"] for row in response.json()["results"]} >= {"ann@mail.test", "chen@mail.test"}
