"""Reader pages: the thread and form under a post and on the board, the bot checks of the form, likes,
bookmarks, editing, the page cache, and the number of queries whatever the number of comments."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.blog.tests.factories import AccessGrantFactory, TagFactory
from apps.community import services
from apps.community.models import Bookmark, Comment, Like

from .factories import CommentFactory, PostFactory, UserFactory, old_stamp

pytestmark = pytest.mark.django_db


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _send(client, post, body="A thoughtful comment.", **extra):
    data = {"body": body, "stamp": old_stamp(f"post:{post.pk}"), "website": "", **extra}
    return client.post(f"/en/comments/post/{post.slug}/new/", data)


@pytest.fixture
def regular(db):
    user = UserFactory(display_name="Regular Reader")
    CommentFactory(user=user)
    return user


# --- The thread and the form ----------------------------------------------------------------------


def test_the_post_page_shows_the_thread_nested_and_a_sign_in_link_to_anonymous_readers(client):
    post = PostFactory()
    top = CommentFactory(post=post, body="Top *level*", user=UserFactory(display_name="Ann", email="ann@secret.test"))
    reply = CommentFactory(post=post, parent=top, root=top, reply_to=top, depth=2, body="A reply")
    CommentFactory(post=post, status=Comment.Status.PENDING, body="Waiting in line")
    CommentFactory(post=post, status=Comment.Status.SPAM, body="Buy pills")
    html = _html(client, f"/en/posts/{post.slug}/")
    assert "2 comments" in html
    assert '<strong class="comment-author">Ann</strong>' in html
    assert "<p>Top <em>level</em></p>" in html
    assert f'id="comment-{reply.pk}"' in html.split('class="thread thread-replies"')[1]
    assert "Waiting in line" not in html
    assert "Buy pills" not in html
    assert "ann@secret.test" not in html
    assert "Sign in to comment" in html
    assert 'name="body"' not in html
    assert "csrfmiddlewaretoken" not in html  # the page is cached for everyone: no one's token in it


def test_a_signed_in_reader_comments_through_the_form_and_sees_it_published(client, regular):
    post = PostFactory()
    client.force_login(regular)
    html = _html(client, f"/en/posts/{post.slug}/")
    assert 'id="comment-form"' in html
    assert "csrfmiddlewaretoken" in html
    response = _send(client, post, body="Nice **work**, see https://example.org")
    comment = Comment.objects.get(post=post, user=regular)
    assert response.status_code == 302
    assert response["Location"] == f"/en/posts/{post.slug}/#comment-{comment.pk}"
    page = _html(client, f"/en/posts/{post.slug}/")
    assert "Your comment is published." in page
    assert '<a href="https://example.org" rel="nofollow ugc noopener">https://example.org</a>' in page
    assert f'href="/en/comments/{comment.pk}/edit/"' in page  # the author may still edit it


def test_a_first_comment_waits_and_only_its_author_sees_it_marked_as_waiting(client, reader):
    post = PostFactory()
    client.force_login(reader)
    _send(client, post, body="My very first words")
    page = _html(client, f"/en/posts/{post.slug}/")
    assert "Thank you! Your comment will appear once a moderator approves it." in page
    assert "My very first words" in page
    assert "Waiting for a moderator" in page
    assert "My very first words" not in _html(Client(), f"/en/posts/{post.slug}/")


def test_a_reply_to_a_third_level_comment_is_placed_beside_it_and_says_whom_it_answers(client, regular):
    post = PostFactory()
    one = services.comment_create(user=regular, target=post, body="one")
    two = services.comment_create(user=regular, target=post, body="two", parent=one)
    three = services.comment_create(user=UserFactory(display_name="Third"), target=post, body="three", parent=two)
    services.comment_set_status(comment=three, status=Comment.Status.APPROVED, by=None)
    client.force_login(regular)
    page = _html(client, f"/en/comments/{three.pk}/reply/")
    assert "Reply to Third" in page
    response = client.post(
        f"/en/comments/{three.pk}/reply/", {"body": "four", "stamp": old_stamp(f"post:{post.pk}"), "website": ""}
    )
    four = Comment.objects.get(body="four")
    assert response["Location"].endswith(f"#comment-{four.pk}")
    assert (four.depth, four.parent, four.reply_to) == (3, two, three)
    assert "replying to Third" in _html(client, f"/en/posts/{post.slug}/")


# --- Bot checks and limits ----------------------------------------------------------------------


def test_a_filled_honeypot_is_refused_and_nothing_is_saved(client, regular):
    post = PostFactory()
    client.force_login(regular)
    response = _send(client, post, website="http://spam.example")
    assert response.status_code == 400
    assert "Your comment could not be sent." in response.content.decode()
    assert not Comment.objects.filter(post=post).exists()


def test_a_form_sent_too_fast_or_with_a_forged_or_foreign_stamp_is_refused(client, regular):
    post, other = PostFactory(), PostFactory()
    client.force_login(regular)
    url = f"/en/comments/post/{post.slug}/new/"
    fast = client.post(url, {"body": "Hi", "stamp": old_stamp(f"post:{post.pk}", seconds_ago=1)})
    assert fast.status_code == 400
    assert "That was quick! Please take a moment" in fast.content.decode()
    forged = client.post(url, {"body": "Hi", "stamp": "eyJ0IjoxfQ:forged:stamp"})
    assert "This form is not valid: please send it again." in forged.content.decode()
    foreign = client.post(url, {"body": "Hi", "stamp": old_stamp(f"post:{other.pk}")})
    assert foreign.status_code == 400
    old = client.post(url, {"body": "Hi", "stamp": old_stamp(f"post:{post.pk}", seconds_ago=25 * 3600)})
    assert "This form is too old: please send it again." in old.content.decode()
    assert not Comment.objects.filter(post=post).exists()
    # The form shown again carries a fresh stamp, so sending it again (after a moment) works.
    assert 'name="stamp"' in fast.content.decode()


def test_too_many_links_and_too_long_texts_come_back_as_form_errors_with_the_text_kept(client, regular):
    post = PostFactory()
    client.force_login(regular)
    response = _send(client, post, body="https://a.test https://b.test https://c.test")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Too many links: 3, at most 2 per comment." in page
    assert "https://a.test https://b.test https://c.test</textarea>" in page
    long = _send(client, post, body="x" * 2001)
    assert "The text is too long: 2001 characters, at most 2000." in long.content.decode()
    # A line break counts as one character, as the browser's counter shows it.
    assert _send(client, post, body="y\r\n" * 1000).status_code == 302


def test_commenting_too_often_is_a_429_with_retry_after(client, regular, settings):
    settings.COMMUNITY_COMMENT_RATE_USER = "2/10min"
    post = PostFactory()
    client.force_login(regular)
    assert _send(client, post, body="one").status_code == 302
    assert _send(client, post, body="two").status_code == 302
    third = _send(client, post, body="three")
    assert third.status_code == 429
    assert int(third["Retry-After"]) > 0
    assert "You are commenting too often." in third.content.decode()
    assert Comment.objects.filter(post=post).count() == 2


def test_a_banned_reader_is_told_so(client, regular, editor):
    services.ban_create(by=editor, kind="user", user=regular)
    client.force_login(regular)
    response = _send(client, PostFactory())
    assert response.status_code == 403
    assert "You can no longer comment here." in response.content.decode()


def test_a_signed_in_post_needs_its_csrf_token_a_guest_post_needs_the_same_origin(settings, regular):
    settings.COMMUNITY_GUEST_COMMENTS = True
    post = PostFactory()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(regular)
    assert _send(strict, post).status_code == 403
    assert not Comment.objects.filter(post=post).exists()
    guest = Client(enforce_csrf_checks=True)
    data = {"body": "Guest words", "name": "Gus", "email": "gus@example.com", "stamp": old_stamp(f"post:{post.pk}")}
    url = f"/en/comments/post/{post.slug}/new/"
    assert guest.post(url, data, headers={"Origin": "https://evil.example"}).status_code == 403
    thanks = guest.post(url, data, headers={"Origin": "http://testserver"})
    assert thanks.status_code == 200
    assert "It will appear once a moderator approves it." in thanks.content.decode()
    comment = Comment.objects.get(post=post)
    assert (comment.status, comment.guest_name, comment.guest_email) == ("pending", "Gus", "gus@example.com")


def test_with_guests_on_the_page_shows_the_guest_form_and_never_a_guest_address(client, settings):
    settings.COMMUNITY_GUEST_COMMENTS = True
    post = PostFactory()
    CommentFactory(post=post, user=None, guest_name="Gus", guest_email="gus@private.test")
    html = _html(client, f"/en/posts/{post.slug}/")
    assert 'name="name"' in html
    assert 'name="email"' in html
    assert 'name="website"' in html
    assert "Gus" in html
    assert "gus@private.test" not in html


def test_without_guest_comments_a_guest_post_goes_to_the_sign_in_page(client):
    post = PostFactory()
    response = _send(client, post, name="Gus", email="gus@example.com")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")
    assert not Comment.objects.exists()


# --- Access rules -------------------------------------------------------------------------------


def test_premium_comments_are_for_readers_with_access_and_drafts_for_editors(client, reader, editor):
    premium = PostFactory(is_premium=True)
    CommentFactory(post=premium, body="Inside talk about the premium body")
    draft = PostFactory(draft=True)
    client.force_login(reader)
    page = _html(client, f"/en/posts/{premium.slug}/")
    assert "Inside talk" not in page
    assert "Comments are open to readers who can read this post." in page
    assert _send(client, premium).status_code == 404
    assert _send(client, draft).status_code == 404
    AccessGrantFactory(user=reader, post=premium)
    assert "Inside talk" in _html(client, f"/en/posts/{premium.slug}/")
    client.force_login(editor)
    assert 'id="comment-form"' in _html(client, f"/en/posts/{draft.slug}/")


# --- The page cache -----------------------------------------------------------------------------


def test_a_published_comment_drops_the_cached_page_and_a_held_one_does_not(
    client, regular, reader, django_capture_on_commit_callbacks
):
    post = PostFactory()
    url = f"/en/posts/{post.slug}/"
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(user=reader, target=post, body="Held back")  # first comment: waits
    assert client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(user=regular, target=post, body="Fresh words")
    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert "Fresh words" in fresh.content.decode()


@pytest.fixture
def fragments(settings):
    settings.BLOG_FRAGMENT_CACHE_TIMEOUT = 600
    settings.BLOG_PAGE_CACHE_TIMEOUT = 0  # every request renders: only the fragments are kept


def _comment_queries(client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        html = _html(client, url)
    return html, sum(Comment._meta.db_table in q["sql"] for q in queries.captured_queries)


def test_anonymous_readers_share_one_community_block_and_see_an_approved_comment_at_once(
    client, editor, fragments, django_capture_on_commit_callbacks
):
    post = PostFactory()
    url = f"/en/posts/{post.slug}/"
    CommentFactory(post=post, body="First words")
    waiting = CommentFactory(post=post, status=Comment.Status.PENDING, body="Approved later")
    first, read_comments = _comment_queries(client, url)
    assert "First words" in first
    assert "Approved later" not in first
    assert read_comments
    # The next anonymous reader gets the same block without reading the thread or the counts again.
    again, read_comments = _comment_queries(Client(), url)
    assert read_comments == 0
    assert again == first
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_set_status(comment=waiting, status=Comment.Status.APPROVED, by=editor)
    html = _html(client, url)
    assert "Approved later" in html
    assert "2 comments" in html


def test_a_signed_in_readers_own_like_never_reaches_the_anonymous_block(
    client, reader, fragments, django_capture_on_commit_callbacks
):
    post = PostFactory()
    url = f"/en/posts/{post.slug}/"
    assert "0 likes" in _html(client, url)  # the anonymous block is now kept
    with django_capture_on_commit_callbacks(execute=True):
        services.like_set(user=reader, post=post, liked=True)
    signed_in = Client()
    signed_in.force_login(reader)
    for _ in range(2):
        mine = _html(signed_in, url)
        assert 'class="button-secondary reaction reaction-on" aria-pressed="true">♥ 1 like' in mine
        anonymous = _html(client, url)
        assert "♥ 1 like" in anonymous
        assert "reaction-on" not in anonymous
        assert 'aria-pressed="true"' not in anonymous
        assert "Sign in to like or bookmark" in anonymous
        assert "csrfmiddlewaretoken" not in anonymous


def test_signed_in_readers_share_the_thread_and_still_see_their_own_comments_and_edit_links(
    client, reader, editor, fragments, django_capture_on_commit_callbacks
):
    post = PostFactory()
    url = f"/en/posts/{post.slug}/"
    old = CommentFactory(post=post, body="Older words")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    others = Client()
    others.force_login(UserFactory())
    first, read_comments = _comment_queries(others, url)
    assert "Older words" in first
    assert read_comments
    # The next signed-in reader without a comment of their own gets the thread without reading it again.
    signed_in = Client()
    signed_in.force_login(reader)
    with CaptureQueriesContext(connection) as queries:
        html = _html(signed_in, url)
    # Only their own like, bookmark and comments are looked up, in one query on the post's row.
    assert not [q for q in queries.captured_queries if q["sql"].startswith('SELECT "community_comment"')]
    start = first.index('<h2 id="comments-heading">')
    assert first[start : first.index("</ol>", start)] in html
    assert "csrfmiddlewaretoken" in html
    # Their own comment, still editable, and one waiting for a moderator: their thread, not the shared one.
    mine = CommentFactory(post=post, user=reader, body="My fresh words")
    waiting = CommentFactory(post=post, user=reader, status=Comment.Status.PENDING, body="My waiting words")
    html = _html(signed_in, url)
    assert "My fresh words" in html
    assert "My waiting words" in html
    assert f"/comments/{mine.pk}/edit/" in html
    assert "My waiting words" not in _html(others, url)
    # Once approved and past the edit window, their comment is in the shared thread like any other.
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_set_status(comment=waiting, status=Comment.Status.APPROVED, by=editor)
    Comment.objects.filter(post=post).update(created_at=timezone.now() - timedelta(days=1))
    mine_again, theirs = _html(signed_in, url), _html(others, url)
    assert "My waiting words" in theirs
    assert f"/comments/{mine.pk}/edit/" not in mine_again
    start = theirs.index('<h2 id="comments-heading">')
    assert theirs[start : theirs.index("</ol>", start)] in mine_again


# --- Query counts -------------------------------------------------------------------------------


def _many_comments(post, count: int) -> None:
    """`count` approved comments in threads three deep (a third of them top-level)."""
    users = [UserFactory() for _ in range(5)]
    Comment.objects.bulk_create(
        Comment(post=post, user=users[i % 5], body=f"top {i}", body_html=f"<p>top {i}</p>", status="approved")
        for i in range(max(1, count // 3))
    )
    tops = list(Comment.objects.filter(post=post, depth=1).order_by("pk"))
    Comment.objects.bulk_create(
        Comment(post=post, user=users[i % 5], parent=t, root=t, reply_to=t, depth=2, body="r", status="approved")
        for i, t in enumerate(tops[: count - len(tops)])
    )
    seconds = list(Comment.objects.filter(post=post, depth=2).order_by("pk"))
    rest = count - len(tops) - len(seconds)
    Comment.objects.bulk_create(
        Comment(
            post=post, user=users[i % 5], parent=s, root_id=s.root_id, reply_to=s, depth=3, body="d", status="approved"
        )
        for i, s in zip(range(rest), seconds * 3, strict=False)
    )
    assert Comment.objects.filter(post=post).count() == count


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_post_with_500_comments_takes_as_many_queries_as_one_with_a_single_comment(
    client, reader, django_assert_max_num_queries, signed_in
):
    if signed_in:
        client.force_login(reader)
    few, many = PostFactory(), PostFactory()
    _many_comments(few, 1)
    _many_comments(many, 500)
    budget = 16 if signed_in else 13  # the page (key points, narration, cold view counts) plus the thread
    with django_assert_max_num_queries(budget):
        assert "1 comment" in client.get(f"/en/posts/{few.slug}/").content.decode()
    with django_assert_max_num_queries(budget):
        page = client.get(f"/en/posts/{many.slug}/").content.decode()
    assert "500 comments" in page
    assert page.count('class="comment"') == 500


def test_post_cards_show_comment_counts_on_home_tag_and_section_pages_in_one_query(
    client, django_assert_max_num_queries
):
    tag = TagFactory()
    posts = [PostFactory(tags=[tag]) for _ in range(8)]
    section = posts[0].section
    for post in posts[1:]:
        post.section = section
        post.save()
    for i, post in enumerate(posts):
        for _ in range(i % 4):
            CommentFactory(post=post)
    CommentFactory(post=posts[0], status=Comment.Status.SPAM)
    for url in ("/en/", f"/en/tags/{tag.slug}/", f"/en/sections/{section.slug}/"):
        # 9 for the list and its comment counts, 2 for the analytics view counts (issue 16 trims these).
        with django_assert_max_num_queries(11):
            html = _html(client, url)
        assert f'href="/en/posts/{posts[3].slug}/#comments">3 comments</a>' in html
        assert f'href="/en/posts/{posts[1].slug}/#comments">1 comment</a>' in html
        assert f'/en/posts/{posts[0].slug}/#comments">' not in html  # none public: no count
    assert "3 条评论" in _html(client, f"/zh-hans/tags/{tag.slug}/")


# --- The board ----------------------------------------------------------------------------------


def test_the_board_section_is_the_message_board_with_its_form_and_pages(client, board, regular):
    older = [CommentFactory(post=None, board=board, body=f"Hello number {i}") for i in range(21)]
    reply = CommentFactory(post=None, board=board, parent=older[-1], root=older[-1], depth=2, body="Welcome!")
    html = _html(client, "/en/sections/board/")
    assert "Message board" in html
    assert "Sign in to comment" in html
    assert "21 conversations" in html
    assert "Hello number 20" in html
    assert "Welcome!" in html
    assert "Hello number 0" not in html
    assert html.index("Hello number 20") < html.index("Hello number 19")  # newest first
    assert f'id="comment-{reply.pk}"' in html
    assert "Hello number 0" in _html(client, "/en/sections/board/?page=2")
    assert client.get("/en/sections/board/?page=3").status_code == 404
    assert client.get("/en/sections/board/?page=²").status_code == 404
    client.force_login(regular)
    response = client.post(
        "/en/comments/board/board/new/", {"body": "Hi all", "stamp": old_stamp(f"board:{board.pk}"), "website": ""}
    )
    message = Comment.objects.get(body="Hi all")
    assert (message.board, message.post) == (board, None)
    assert response["Location"] == f"/en/sections/board/#comment-{message.pk}"
    assert "Leave a message" in _html(client, "/en/sections/board/")
    assert "留言" in _html(client, "/zh-hans/sections/board/")


def test_a_board_stamp_does_not_work_for_a_post_and_unknown_kinds_are_404(client, board, regular):
    client.force_login(regular)
    assert client.get("/en/comments/page/board/new/").status_code == 404
    post = PostFactory()
    response = client.post(
        f"/en/comments/post/{post.slug}/new/", {"body": "x", "stamp": old_stamp(f"board:{board.pk}")}
    )
    assert response.status_code == 400


# --- Editing and deleting -----------------------------------------------------------------------


def test_the_author_edits_and_deletes_their_comment_on_pages_within_the_window(client, regular, reader):
    post = PostFactory()
    comment = services.comment_create(user=regular, target=post, body="Frist")
    client.force_login(reader)
    assert client.get(f"/en/comments/{comment.pk}/edit/").status_code == 404
    client.force_login(regular)
    assert "Frist" in _html(client, f"/en/comments/{comment.pk}/edit/")
    response = client.post(f"/en/comments/{comment.pk}/edit/", {"body": "First, *fixed*"})
    assert response.status_code == 302
    page = _html(client, f"/en/posts/{post.slug}/")
    assert "First, <em>fixed</em>" in page
    assert "edited" in page
    assert "Delete your comment?" in _html(client, f"/en/comments/{comment.pk}/delete/")
    client.post(f"/en/comments/{comment.pk}/delete/")
    page = _html(client, f"/en/posts/{post.slug}/")
    assert "This comment was deleted." in page
    assert "First, " not in page


def test_after_the_window_the_edit_and_delete_pages_refuse(client, regular):
    comment = services.comment_create(user=regular, target=PostFactory(), body="Old")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    client.force_login(regular)
    assert client.get(f"/en/comments/{comment.pk}/edit/").status_code == 403
    refused = client.post(f"/en/comments/{comment.pk}/edit/", {"body": "New"})
    assert refused.status_code == 403
    assert "Comments can be changed for 15 minutes after posting." in refused.content.decode()
    assert client.post(f"/en/comments/{comment.pk}/delete/").status_code == 403
    assert Comment.objects.get(pk=comment.pk).body == "Old"


# --- Likes and bookmarks ------------------------------------------------------------------------


def test_likes_and_bookmarks_through_the_page_buttons(client, reader):
    post = PostFactory()
    assert "Sign in to like or bookmark" in _html(client, f"/en/posts/{post.slug}/")
    anonymous = client.post(f"/en/likes/{post.slug}/")
    assert anonymous["Location"].startswith("/en/accounts/login/")
    client.force_login(reader)
    assert client.post(f"/en/likes/{post.slug}/")["Location"] == f"/en/posts/{post.slug}/#reactions"
    client.post(f"/en/bookmarks/{post.slug}/")
    page = _html(client, f"/en/posts/{post.slug}/")
    assert "♥ 1 like" in page
    assert 'aria-pressed="true"' in page
    assert "Bookmarked" in page
    assert post.title in _html(client, "/en/bookmarks/")
    client.post(f"/en/likes/{post.slug}/")  # taken back
    assert "♡ 0 likes" in _html(client, f"/en/posts/{post.slug}/")
    client.post(f"/en/likes/{post.slug}/")
    assert Like.objects.filter(post=post).count() == 1
    client.post(f"/en/bookmarks/{post.slug}/")
    assert not Bookmark.objects.exists()
    assert "No bookmarks yet" in _html(client, "/en/bookmarks/")
    assert client.get(f"/en/likes/{post.slug}/").status_code == 405
    assert client.get("/en/bookmarks/?page=٣").status_code == 404


def test_the_bookmarks_page_needs_a_sign_in(client):
    assert client.get("/en/bookmarks/")["Location"].startswith("/en/accounts/login/")


# --- E-mail preferences -------------------------------------------------------------------------


def test_the_profile_page_turns_comment_emails_off(client, reader):
    client.force_login(reader)
    page = _html(client, "/en/accounts/profile/")
    assert "Comment e-mails" in page
    assert 'name="email_on_reply"' in page
    assert "My bookmarks" in page
    response = client.post(
        "/en/comments/notifications/", {"email_on_post_comment": "on", "next": "/en/accounts/profile/"}
    )
    assert response["Location"] == "/en/accounts/profile/"
    reader.refresh_from_db()
    preference = reader.comment_notification_preference
    assert (preference.email_on_reply, preference.email_on_post_comment) == (False, True)
    evil = client.post("/en/comments/notifications/", {"next": "https://evil.example/"})
    assert evil["Location"] == "/en/comments/notifications/"


def test_the_kept_comment_form_carries_each_readers_own_token_and_a_fresh_stamp(reader, fragments, settings):
    import re

    from apps.community.forms import CommentForm

    settings.COMMUNITY_MIN_SUBMIT_SECONDS = 0
    post = PostFactory()
    url = f"/en/posts/{post.slug}/"
    forms = []
    for user in (UserFactory(), reader):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(user)
        html = _html(browser, url)
        start = html.index('<form id="comment-form"')
        form = html[start : html.index("</form>", start)]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        stamp = re.search(r'name="stamp" value="([^"]+)"', form).group(1)
        assert "\ufffc" not in html
        assert CommentForm({"body": "x", "stamp": stamp}, guest=False, target=f"post:{post.pk}").is_valid()
        forms.append((form, token, stamp))
        action = re.search(r'action="([^"]+)"', form).group(1)
        response = browser.post(action, {"csrfmiddlewaretoken": token, "body": "Through the kept form", "stamp": stamp})
        assert response.status_code == 302
    (first, token_a, stamp_a), (second, token_b, stamp_b) = forms
    assert token_a != token_b
    assert first.replace(token_a, "T").replace(stamp_a, "S") == second.replace(token_b, "T").replace(stamp_b, "S")
    assert Comment.objects.filter(post=post, body="Through the kept form").count() == 2


def test_a_readers_own_part_of_the_block_is_read_in_one_query(reader, django_assert_num_queries):
    from apps.community import selectors

    post = PostFactory()
    with django_assert_num_queries(1):
        assert selectors.post_reader_own(post=post, user=reader) == selectors.ReaderOwn(False, False, False)
    Like.objects.create(post=post, user=reader)
    Bookmark.objects.create(post=post, user=reader)
    gone = CommentFactory(post=post, user=reader, status=Comment.Status.PENDING, deleted_at=timezone.now())
    old = CommentFactory(post=post, user=reader)
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1))
    CommentFactory(post=post)  # someone else's, fresh
    assert selectors.post_reader_own(post=post, user=reader) == selectors.ReaderOwn(True, True, False)
    Comment.objects.filter(pk=gone.pk).update(deleted_at=None)
    assert selectors.post_reader_own(post=post, user=reader).own_comments
    Comment.objects.filter(pk=gone.pk).update(status=Comment.Status.SPAM)
    assert not selectors.post_reader_own(post=post, user=reader).own_comments
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now())
    assert selectors.post_reader_own(post=post, user=reader).own_comments
