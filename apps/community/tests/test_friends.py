"""Friend links: the friends page, applying, the editors' e-mail, approval in the moderation queue,
the API, and the weekly link checker against a local HTTP server."""

import contextlib
import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.community import services, tasks
from apps.community.linkcheck import link_check
from apps.community.models import Ban, FriendLink, ModerationLog

from .factories import FriendLinkFactory, FriendsSectionFactory, UserFactory

pytestmark = pytest.mark.django_db
FRIENDS = "/en/sections/friends/"
APPLY = "/en/friends/apply/"
QUEUE = "/admin/community/moderationqueue/"


@pytest.fixture
def friends(db):
    return FriendsSectionFactory()


def _apply_data(**extra):
    return {
        "name": "Ann's garden",
        "url": "https://ann.example.org/",
        "description_en": "Plants and notes.",
        "description_zh_hans": "植物与笔记。",
        **extra,
    }


# --- The page ------------------------------------------------------------------------------------------


def test_the_friends_page_lists_approved_links_featured_first(client, friends):
    FriendLinkFactory(name="Zed's notes", position=0)
    FriendLinkFactory(name="Featured blog", is_featured=True, position=5)
    FriendLinkFactory(name="Dead blog", health=FriendLink.Health.DEAD)
    FriendLinkFactory(name="Waiting blog", status=FriendLink.Status.PENDING)
    FriendLinkFactory(name="Removed blog", status=FriendLink.Status.REMOVED)
    page = client.get(FRIENDS).content.decode()
    assert page.index("Featured blog") < page.index("Dead blog") < page.index("Zed&#x27;s notes")
    assert "currently unreachable" in page
    assert "Waiting blog" not in page
    assert "Removed blog" not in page
    assert "Essays on typography." in page
    chinese = client.get("/zh-hans/sections/friends/").content.decode()
    assert "关于排版的随笔。" in chinese


def test_applying_needs_an_account(client, friends):
    assert client.get(APPLY).status_code == 302
    assert client.post(APPLY, _apply_data()).status_code == 302
    assert not FriendLink.objects.exists()


def test_an_application_is_hidden_until_an_editor_approves_it_in_the_queue(
    client, friends, reader, editor, django_capture_on_commit_callbacks
):
    client.force_login(reader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPLY, _apply_data())
    assert "once an editor approves it" in response.content.decode()
    link = FriendLink.objects.get()
    assert (link.status, link.applicant) == ("pending", reader)
    # The editors are e-mailed.
    assert [m.to for m in mail.outbox] == [["editor@example.com"]]
    assert "Ann's garden" in mail.outbox[0].subject
    assert "/admin/community/moderationqueue/" in mail.outbox[0].body
    client.logout()
    assert "Ann&#x27;s garden" not in client.get(FRIENDS).content.decode()
    # The editor approves it in the moderation queue.
    client.force_login(editor)
    queue = client.get(QUEUE).content.decode()
    assert "Friend-link applications" in queue
    assert "Ann&#x27;s garden" in queue
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(QUEUE, {"action": "approve", "item": [f"friend_link:{link.pk}"]}, follow=True)
    assert "1 item changed." in response.content.decode()
    logged = ModerationLog.objects.get(source="friend_link")
    assert (logged.actor, logged.action, logged.object_id) == (editor, "approved", str(link.pk))
    client.logout()
    assert "Ann&#x27;s garden" in client.get(FRIENDS).content.decode()  # the cached page was dropped


def test_removing_and_banning_from_the_queue(client, friends, reader, editor):
    link = services.friend_link_apply(user=reader, **_apply_data())
    client.force_login(editor)
    client.post(QUEUE, {"action": "ban_author", "item": [f"friend_link:{link.pk}"]})
    link.refresh_from_db()
    assert link.status == "removed"
    assert Ban.objects.filter(kind="user", user=reader, lifted_at__isnull=True).exists()
    client.force_login(reader)
    assert client.post(APPLY, _apply_data(name="Again")).status_code == 403


def test_a_logo_is_an_https_address_or_an_uploaded_image(client, friends, reader):
    client.force_login(reader)
    insecure = client.post(APPLY, _apply_data(logo_url="http://ann.example.org/logo.png"))
    assert insecure.status_code == 400
    assert "https://" in insecure.content.decode()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(buffer, "PNG")
    logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    assert client.post(APPLY, _apply_data(logo=logo)).status_code == 200
    link = FriendLink.objects.get()
    assert link.logo is not None
    assert link.logo.owner == reader
    assert link.logo_src == link.logo.file.url


def test_an_application_needs_a_description(client, friends, reader):
    client.force_login(reader)
    response = client.post(APPLY, _apply_data(description_en="", description_zh_hans=""))
    assert response.status_code == 400
    assert "at least one language" in response.content.decode()


# --- API ---------------------------------------------------------------------------------------------------


def test_the_api_lists_approved_links_without_any_email(api_client):
    FriendLinkFactory(name="Public", applicant=UserFactory(email="owner@private.test"))
    FriendLinkFactory(name="Waiting", status="pending")
    response = api_client.get("/api/v1/friends/")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["Public"]
    assert "@" not in response.content.decode()


def test_the_api_apply_needs_an_account_and_creates_a_pending_link(api_client, reader, editor):
    assert api_client.post("/api/v1/friends/", _apply_data(), format="json").status_code in (401, 403)
    api_client.force_authenticate(reader)
    response = api_client.post("/api/v1/friends/", _apply_data(), format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert api_client.get("/api/v1/friends/").json()["results"] == []
    bad = api_client.post("/api/v1/friends/", _apply_data(url="javascript:alert(1)"), format="json")
    assert bad.status_code == 400


# --- The link checker -------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, body: bool) -> None:
        if self.path == "/slow":
            time.sleep(2)
        if self.path == "/no-head" and self.command == "HEAD":
            self.send_response(405)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/alive")
        elif self.path in ("/alive", "/no-head", "/slow"):
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self._safely(body=False)

    def do_GET(self):
        self._safely(body=True)

    def _safely(self, body: bool) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the checker gave up (timeout)
            self._answer(body)


@pytest.fixture
def site(settings):
    settings.FRIEND_LINK_CHECK_ALLOW_PRIVATE = True
    settings.FRIEND_LINK_CHECK_TIMEOUT = 0.5
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_the_checker_tells_alive_from_404_and_timeout(site):
    assert link_check(f"{site}/alive").alive
    assert link_check(f"{site}/moved").final_url == f"{site}/alive"
    assert link_check(f"{site}/no-head").alive  # HEAD refused, GET answered
    missing = link_check(f"{site}/missing")
    assert (missing.alive, missing.note) == (False, "404")
    slow = link_check(f"{site}/slow")
    assert (slow.alive, slow.note) == (False, "timeout")


def test_the_checker_refuses_private_addresses(settings, site):
    settings.FRIEND_LINK_CHECK_ALLOW_PRIVATE = False
    result = link_check(f"{site}/alive")
    assert result.alive is False
    assert result.note == "refused: private address"
    assert link_check("ftp://example.org/").note.startswith("refused")


def test_the_weekly_task_marks_dead_links_and_keeps_them_listed(client, friends, site):
    alive = FriendLinkFactory(name="Alive", url=f"{site}/alive")
    gone = FriendLinkFactory(name="Gone", url=f"{site}/missing")
    slow = FriendLinkFactory(name="Slow", url=f"{site}/slow")
    waiting = FriendLinkFactory(name="Waiting", url=f"{site}/missing", status="pending")
    assert tasks.friend_links_check_task() == {"alive": 1, "dead": 2}
    for link in (alive, gone, slow, waiting):
        link.refresh_from_db()
    assert (alive.health, gone.health, slow.health, waiting.health) == ("alive", "dead", "dead", "unknown")
    assert gone.dead_since is not None
    assert gone.status == "approved"  # marked, never removed
    page = client.get(FRIENDS).content.decode()
    assert "Gone" in page
    assert "currently unreachable" in page
    # Back up: alive again.
    gone.url = f"{site}/alive"
    gone.save()
    tasks.friend_links_check_task()
    gone.refresh_from_db()
    assert (gone.health, gone.dead_since) == ("alive", None)


def test_the_beat_schedule_runs_the_check_weekly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["community-friend-links-check"]
    assert entry["task"] == "apps.community.tasks.friend_links_check_task"
    assert entry["schedule"].day_of_week == {1}
