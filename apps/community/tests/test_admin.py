"""The moderation queue: one admin page for everything waiting, bulk actions, bans, the author's
history, the log, and a second source plugged in the way friend-link applications will be."""

import pytest
from django.utils import timezone

from apps.community import moderation, services
from apps.community.errors import CommentingBanned
from apps.community.models import Ban, BlockedTerm, Comment, ModerationLog

from .factories import BoardFactory, CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db
QUEUE = "/admin/community/moderationqueue/"


@pytest.fixture
def waiting(settings, db):
    settings.COMMUNITY_GUEST_COMMENTS = True
    post = PostFactory(title_en="Bridges")
    board = BoardFactory()
    newcomer = UserFactory(display_name="Nina Newcomer", email="nina@example.com")
    return {
        "post": post,
        "first": services.comment_create(user=newcomer, target=post, body="My first comment"),
        "guest": services.comment_create(
            user=None, target=board, body="Hello board", guest_name="Gus", guest_email="gus@guests.test"
        ),
        "newcomer": newcomer,
    }


def test_readers_cannot_open_the_queue_and_editors_can(client, reader, editor, waiting):
    client.force_login(reader)
    assert client.get(QUEUE).status_code == 302  # to the admin sign-in
    client.force_login(editor)
    page = client.get(QUEUE).content.decode()
    assert "Moderation queue" in page
    assert "My first comment" in page
    assert "Hello board" in page
    assert "Comment" in page
    assert "Board message" in page
    assert "Held because: first comment" in page
    assert "Held because: guest comment" in page
    # Editors, and only they, see addresses here.
    assert "gus@guests.test" in page
    assert "nina@example.com" in page
    assert f'value="comment:{waiting["first"].pk}"' in page


def test_the_queue_page_takes_a_fixed_number_of_queries(client, editor, django_assert_max_num_queries):
    client.force_login(editor)
    post = PostFactory()
    for _i in range(3):
        CommentFactory(post=post, status=Comment.Status.PENDING, user=UserFactory())
    with django_assert_max_num_queries(12):
        client.get(QUEUE)
    for _i in range(40):
        CommentFactory(post=PostFactory(), status=Comment.Status.PENDING, user=UserFactory())
    with django_assert_max_num_queries(12):
        assert client.get(QUEUE).status_code == 200


def test_bulk_approve_publishes_logs_and_sends_the_emails(client, editor, waiting, django_capture_on_commit_callbacks):
    client.force_login(editor)
    items = [f"comment:{waiting['first'].pk}", f"comment:{waiting['guest'].pk}", "comment:abc", "nope:1"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(QUEUE, {"action": "approve", "item": items}, follow=True)
    assert "2 items changed." in response.content.decode()
    assert set(Comment.objects.values_list("status", flat=True)) == {"approved"}
    entries = ModerationLog.objects.filter(actor=editor, action="approved").count()
    assert entries == 2
    assert "Nothing is waiting. Well done!" in client.get(QUEUE).content.decode()


def test_spam_and_remove_and_the_spam_tab(client, editor, waiting):
    client.force_login(editor)
    client.post(QUEUE, {"action": "spam", "item": [f"comment:{waiting['first'].pk}"]})
    client.post(QUEUE, {"action": "remove", "item": [f"comment:{waiting['guest'].pk}"]})
    assert Comment.objects.get(pk=waiting["first"].pk).status == "spam"
    assert Comment.objects.get(pk=waiting["guest"].pk).status == "removed"
    spam_tab = client.get(QUEUE + "?status=spam").content.decode()
    assert "My first comment" in spam_tab
    assert "Hello board" not in spam_tab
    # A false positive goes back with "approve" from the spam tab.
    client.post(QUEUE + "?status=spam", {"action": "approve", "item": [f"comment:{waiting['first'].pk}"]})
    assert Comment.objects.get(pk=waiting["first"].pk).status == "approved"


def test_banning_the_author_or_the_domain_from_the_queue(client, editor, waiting, settings):
    client.force_login(editor)
    client.post(QUEUE, {"action": "ban_author", "item": [f"comment:{waiting['first'].pk}"]})
    client.post(QUEUE, {"action": "ban_domain", "item": [f"comment:{waiting['guest'].pk}"]})
    assert Ban.objects.get(kind="user").user == waiting["newcomer"]
    assert Ban.objects.get(kind="domain").value == "guests.test"
    assert set(Comment.objects.values_list("status", flat=True)) == {"spam"}
    assert set(ModerationLog.objects.filter(actor=editor).values_list("action", flat=True)) == {"ban", "spam"}
    with pytest.raises(CommentingBanned):
        services.comment_create(user=waiting["newcomer"], target=waiting["post"], body="Again")
    with pytest.raises(CommentingBanned):
        services.comment_create(
            user=None, target=waiting["post"], body="x", guest_name="G2", guest_email="other@guests.test"
        )


def test_no_action_or_no_item_changes_nothing(client, editor, waiting):
    client.force_login(editor)
    response = client.post(QUEUE, {"action": "", "item": [f"comment:{waiting['first'].pk}"]}, follow=True)
    assert "Choose an action." in response.content.decode()
    response = client.post(QUEUE, {"action": "approve"}, follow=True)
    assert "Choose at least one item." in response.content.decode()
    assert Comment.objects.filter(status="pending").count() == 2


def test_the_authors_history_shows_every_comment_bans_and_moderation(client, editor, waiting):
    user = waiting["newcomer"]
    old = CommentFactory(user=user, status=Comment.Status.SPAM, body="Old spam")
    services.comment_set_status(comment=old, status=Comment.Status.REMOVED, by=editor)
    services.ban_create(by=editor, kind=Ban.Kind.USER, user=user, reason="testing")
    client.force_login(editor)
    queue = client.get(QUEUE).content.decode()
    assert f"?author=user%3A{user.pk}" in queue
    assert "Pending: 1" in queue  # the author's comments per status, by name
    assert "Removed: 1" in queue
    history = client.get(f"/admin/community/moderationqueue/history/?author=user:{user.pk}").content.decode()
    assert "Nina Newcomer" in history
    assert "nina@example.com" in history
    assert "My first comment" in history
    assert "Old spam" in history
    assert "testing" in history
    assert "removed" in history
    guest = client.get("/admin/community/moderationqueue/history/?author=email:gus@guests.test").content.decode()
    assert "Hello board" in guest
    assert client.get("/admin/community/moderationqueue/history/?author=user:x").status_code == 200


class FakeApplications:
    """A second source shaped like friend-link applications (approve / reject)."""

    key = "friendlink"
    label = "Friend-link applications"
    actions = ("approve", "remove")

    def __init__(self) -> None:
        self.pending = {7: "Ann's blog", 8: "Bob's garden"}
        self.done: list[tuple[str, int]] = []

    def waiting(self, *, status: str = "pending") -> list[moderation.QueueItem]:
        if status != "pending":
            return []
        return [
            moderation.QueueItem(
                source=self.key,
                pk=pk,
                kind="Friend link",
                where=name,
                where_url="https://example.org/",
                text="Please link us",
                author="Ann",
                author_key="user:0",
                email="ann@example.org",
                created_at=timezone.now(),
            )
            for pk, name in self.pending.items()
        ]

    def apply(self, *, action: str, pks: list[int], by) -> list[tuple[int, str]]:
        changed = []
        for pk in pks:
            if pk in self.pending:
                changed.append((pk, self.pending.pop(pk)))
                self.done.append((action, pk))
        return changed


@pytest.fixture
def applications():
    source = FakeApplications()
    moderation.register(source)
    yield source
    moderation._SOURCES.pop(source.key)


def test_another_source_joins_the_same_page_and_its_actions_are_logged(client, editor, waiting, applications):
    client.force_login(editor)
    page = client.get(QUEUE).content.decode()
    assert "Friend-link applications" in page
    assert "Bob&#x27;s garden" in page
    items = ["friendlink:7", f"comment:{waiting['first'].pk}"]
    response = client.post(QUEUE, {"action": "approve", "item": items}, follow=True)
    assert "2 items changed." in response.content.decode()
    assert applications.done == [("approve", 7)]
    logged = ModerationLog.objects.get(source="friendlink")
    assert (logged.actor, logged.action, logged.object_id, logged.object_repr) == (editor, "approve", "7", "Ann's blog")
    # "spam" is not an action of that source: those items are left as they were, and said so.
    response = client.post(QUEUE, {"action": "spam", "item": ["friendlink:8"]}, follow=True)
    assert "1 left as it was" in response.content.decode()
    assert applications.pending == {8: "Bob's garden"}


def test_the_comment_admin_changes_status_through_the_service_and_logs_it(client, editor, waiting):
    client.force_login(editor)
    comment = waiting["first"]
    page = client.get(f"/admin/community/comment/{comment.pk}/change/").content.decode()
    assert "nina@example.com" in page
    assert "My first comment" in page
    client.post(f"/admin/community/comment/{comment.pk}/change/", {"status": "approved"})
    assert Comment.objects.get(pk=comment.pk).status == "approved"
    assert ModerationLog.objects.filter(object_id=str(comment.pk), action="approved", actor=editor).exists()
    client.post("/admin/community/comment/", {"action": "remove", "_selected_action": [comment.pk]})
    assert Comment.objects.get(pk=comment.pk).status == "removed"


def test_the_blocklist_and_bans_are_edited_in_the_admin_and_logged(client, editor, reader):
    client.force_login(editor)
    client.post("/admin/community/blockedterm/add/", {"kind": "email_domain", "value": "@Spam.TEST", "note": ""})
    assert BlockedTerm.objects.get().value == "spam.test"
    bad = client.post("/admin/community/blockedterm/add/", {"kind": "email_domain", "value": "nodot"})
    assert "Enter a domain such as" in bad.content.decode()
    client.post("/admin/community/ban/add/", {"kind": "user", "user": reader.pk, "value": "", "reason": "trolling"})
    ban = Ban.objects.get()
    assert (ban.user, ban.created_by, ban.reason) == (reader, editor, "trolling")
    client.post("/admin/community/ban/", {"action": "lift", "_selected_action": [ban.pk]})
    ban.refresh_from_db()
    assert ban.lifted_at is not None
    actions = list(ModerationLog.objects.filter(actor=editor).order_by("id").values_list("action", flat=True))
    assert actions == ["blocklist", "ban", "unban"]
