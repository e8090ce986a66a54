"""The comment form and thread in a real browser (headless Debian chromium): they render, work with
and without JavaScript, and break no rule of the Content-Security-Policy.

Screenshots go to `$COMMUNITY_SCREENSHOTS` when set (else a temporary directory)."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from apps.community.models import Comment

from .factories import CommentFactory, PostFactory, UserFactory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_LISTEN = (
    """document.addEventListener("securitypolicyviolation", (e) => window.__cspViolation(e.effectiveDirective));"""
)

pytestmark = [
    pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def shots(tmp_path) -> Path:
    path = Path(os.environ.get("COMMUNITY_SCREENSHOTS") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _signed_in_context(browser, client, user, live_server, **options):
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1000, "height": 1000}, **options)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


def test_readers_reply_in_place_with_javascript_and_on_a_page_without(
    live_server, client, settings, shots, monkeypatch
):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test reads the database between steps.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.COMMUNITY_MIN_SUBMIT_SECONDS = 1
    post = PostFactory(title_en="Bridges of the world")
    ann = UserFactory(display_name="Ann")
    top = CommentFactory(post=post, user=ann, body="Which bridge is *your* favourite?")
    CommentFactory(
        post=post,
        user=UserFactory(display_name="Ben"),
        parent=top,
        root=top,
        reply_to=top,
        depth=2,
        body="The `Golden Gate`, see https://example.org/bridge",
    )
    rita = UserFactory(display_name="Rita")
    CommentFactory(user=rita)  # she had a comment approved before: hers are published at once
    violations: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            # Anonymous: the thread, and a sign-in link instead of the form.
            context = browser.new_context(viewport={"width": 1000, "height": 1000})
            context.expose_binding("__cspViolation", lambda _source, d: violations.append(d))
            context.add_init_script(_LISTEN)
            page = context.new_page()
            page.goto(f"{live_server.url}/en/posts/{post.slug}/#comments")
            assert page.locator("h2#comments-heading").inner_text() == "2 comments"
            assert page.locator(".thread-replies .comment-author").inner_text() == "Ben"
            assert page.locator("a.button", has_text="Sign in to comment").count() == 1
            page.locator("#comments").screenshot(path=str(shots / "comments-anonymous.png"))
            context.close()

            # Signed in, with JavaScript: "Reply" moves the form under the comment.
            context = _signed_in_context(browser, client, rita, live_server)
            context.expose_binding("__cspViolation", lambda _source, d: violations.append(d))
            context.add_init_script(_LISTEN)
            page = context.new_page()
            page.goto(f"{live_server.url}/en/posts/{post.slug}/")
            page.click(f"#comment-{top.pk} a.comment-reply")
            assert page.locator(".comment-replying-text").inner_text() == "Replying to Ann"
            assert page.locator(f"#comment-{top.pk} + #comment-form").count() == 1
            assert page.locator("#comment-form button[type=submit]").inner_text() == "Send reply"
            page.fill("#id_body", "The *Forth Bridge*, without a doubt.")
            assert page.locator(".comment-count").inner_text() == "36 / 2000"
            page.locator("#comments").screenshot(path=str(shots / "comments-reply-in-place.png"))
            page.wait_for_timeout(1100)
            page.click("#comment-form button[type=submit]")
            page.wait_for_load_state()
            reply = Comment.objects.get(body="The *Forth Bridge*, without a doubt.")
            assert (reply.parent_id, reply.depth, reply.status) == (top.pk, 2, "approved")
            assert page.url.endswith(f"#comment-{reply.pk}")
            assert page.locator(f"#comment-{reply.pk} em").inner_text() == "Forth Bridge"
            assert page.locator(".messages").inner_text() == "Your comment is published."
            page.screenshot(path=str(shots / "comments-after-reply.png"), full_page=True)
            context.close()

            # Without JavaScript: "Reply" opens a page with the form, and it works the same.
            context = _signed_in_context(browser, client, rita, live_server, java_script_enabled=False)
            page = context.new_page()
            page.goto(f"{live_server.url}/en/posts/{post.slug}/")
            page.click(f"#comment-{reply.pk} a.comment-reply")
            assert page.locator("h1").inner_text() == "Reply to Rita"
            page.fill("#id_body", "Answering myself, without JavaScript.")
            page.wait_for_timeout(1100)
            page.click("form.comment-form button[type=submit]")
            page.wait_for_load_state()
            third = Comment.objects.get(body="Answering myself, without JavaScript.")
            assert (third.depth, third.reply_to_id) == (3, reply.pk)
            assert page.locator(f"#comment-{third.pk}").is_visible()
            page.screenshot(path=str(shots / "comments-without-js.png"), full_page=True)
            context.close()
        finally:
            browser.close()
    assert violations == []
