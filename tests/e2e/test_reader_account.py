"""Journey 3: a reader signs up with an e-mailed code, comments, gets a reply by e-mail, bookmarks the post."""

import pytest
from django.core import mail

from .conftest import PASSWORD, mail_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_signs_up_comments_gets_a_reply_and_bookmarks(site, new_page, shot, editor):
    from apps.blog.models import Post
    from apps.community.models import Bookmark, Comment

    post = Post.objects.filter(status=Post.Status.PUBLISHED, is_premium=False).order_by("-published_at").first()
    page = new_page()

    # Sign up: e-mail and password, then the code from the e-mail.
    page.goto("/en/accounts/signup/")
    page.fill("#id_email", "newreader@example.com")
    page.fill("#id_password1", PASSWORD)
    page.press("#id_password1", "Enter")
    page.wait_for_url("**/confirm-email/**")
    page.fill("#id_code", mail_code(mail.outbox[-1]))
    page.press("#id_code", "Enter")
    page.wait_for_url(lambda url: "confirm-email" not in url)
    from apps.accounts.models import User

    assert User.objects.get(email="newreader@example.com").emailaddress_set.get().verified

    # Comment under the post (the form refuses what is sent faster than a person types).
    page.goto(f"/en/posts/{post.slug}/")
    page.fill("#comment-form textarea", "Thanks, the part about fallbacks helped me.")
    page.wait_for_timeout(1200)
    with page.expect_navigation():
        page.click("#comment-form button[type=submit]")
    comment = Comment.objects.get(body__contains="fallbacks helped")
    assert comment.status == Comment.Status.APPROVED
    page.goto(f"/en/posts/{post.slug}/")
    assert "the part about fallbacks helped me" in page.inner_text("#comments")

    # The editor replies from their own browser; the reader is told by e-mail.
    outbox_before = len(mail.outbox)
    editor_page = new_page()
    editor_page.goto(f"/en/accounts/login/?next=/en/posts/{post.slug}/")
    editor_page.fill("#id_login", editor.email)
    editor_page.fill("#id_password", PASSWORD)
    editor_page.press("#id_password", "Enter")
    editor_page.wait_for_url(lambda url: "/login/" not in url)
    editor_page.locator(f"#c{comment.pk} .comment-reply, [data-reply-to='{comment.pk}']").first.click()
    editor_page.fill("#comment-form textarea", "Glad it helped! A longer post on fallbacks is coming.")
    editor_page.wait_for_timeout(1200)
    with editor_page.expect_navigation():
        editor_page.click("#comment-form button[type=submit]")
    reply = Comment.objects.get(body__contains="A longer post on fallbacks")
    assert reply.parent_id == comment.pk
    replies = [m for m in mail.outbox[outbox_before:] if "newreader@example.com" in m.to]
    assert replies, [m.subject for m in mail.outbox[outbox_before:]]
    assert "A longer post on fallbacks" in replies[0].body

    # Bookmark it, and find it under "My bookmarks".
    page.goto(f"/en/posts/{post.slug}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Bookmark").click()
    assert Bookmark.objects.filter(user__email="newreader@example.com", post=post).exists()
    page.goto("/en/bookmarks/")
    assert post.title_en in page.inner_text("main")
    shot(page, "3-reader-bookmarks")
