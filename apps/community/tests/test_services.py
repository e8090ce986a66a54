"""The comment rules, through the services every surface calls."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.blog.tests.factories import AccessGrantFactory
from apps.community import selectors, services
from apps.community.errors import CommentDeleted, CommentingBanned, CommentingClosed, EditWindowClosed, NotTheAuthor
from apps.community.models import Ban, BlockedTerm, Bookmark, Comment, Like, ModerationLog

from .factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def regular(db):
    """A reader whose comments are published at once (they had one approved before)."""
    user = UserFactory(display_name="Regular Reader")
    CommentFactory(user=user)
    return user


def _create(user, target, body="Hello there.", **kwargs):
    return services.comment_create(user=user, target=target, body=body, **kwargs)


# --- Threads --------------------------------------------------------------------------------------


def test_replies_nest_three_levels_and_deeper_ones_are_placed_beside_the_third(regular):
    post = PostFactory()
    top = _create(regular, post, "Level one")
    second = _create(regular, post, "Level two", parent=top)
    third = _create(regular, post, "Level three", parent=second)
    fourth = _create(regular, post, "Level four, asked", parent=third)
    fifth = _create(regular, post, "Level five, asked", parent=fourth)
    assert [c.depth for c in (top, second, third, fourth, fifth)] == [1, 2, 3, 3, 3]
    assert fourth.parent == second
    assert fourth.reply_to == third
    assert fifth.parent == second
    assert fifth.reply_to == fourth
    assert {c.root_id for c in (second, third, fourth, fifth)} == {top.pk}
    thread = selectors.comment_thread_for_post(post=post, viewer=None)
    assert [n.pk for n in thread.nodes] == [top.pk]
    assert [n.pk for n in thread.nodes[0].children] == [second.pk]
    assert [n.pk for n in thread.nodes[0].children[0].children] == [third.pk, fourth.pk, fifth.pk]
    assert thread.count == 5


def test_a_reply_must_answer_a_published_comment_of_the_same_target(regular):
    post, other = PostFactory(), PostFactory()
    elsewhere = _create(regular, other)
    with pytest.raises(ValidationError) as refused:
        _create(regular, post, parent=elsewhere)
    assert "parent" in refused.value.message_dict
    held = CommentFactory(post=post, status=Comment.Status.PENDING)
    with pytest.raises(ValidationError):
        _create(regular, post, parent=held)
    gone = _create(regular, post)
    services.comment_delete(comment=gone, by=regular)
    with pytest.raises(ValidationError) as deleted:
        _create(regular, post, parent=gone)
    assert deleted.value.message_dict["parent"] == ["That comment was deleted."]


def test_a_removed_comment_with_replies_keeps_its_place_as_a_placeholder(regular, editor):
    post = PostFactory()
    top = _create(regular, post, "Top")
    middle = _create(regular, post, "Middle", parent=top)
    leaf = _create(regular, post, "Leaf", parent=middle)
    services.comment_set_status(comment=middle, status=Comment.Status.REMOVED, by=editor)
    services.comment_set_status(comment=top, status=Comment.Status.SPAM, by=editor)
    thread = selectors.comment_thread_for_post(post=post, viewer=None)
    root = thread.nodes[0]
    assert root.pk == top.pk
    assert root.is_placeholder
    assert root.children[0].pk == middle.pk
    assert root.children[0].is_placeholder
    assert root.children[0].children[0].comment == leaf
    assert thread.count == 1


# --- Who may comment ----------------------------------------------------------------------------


def test_guests_cannot_comment_while_the_setting_is_off(db):
    with pytest.raises(CommentingClosed):
        _create(None, PostFactory(), guest_name="Gus", guest_email="gus@example.com")


def test_guests_comment_with_name_and_email_when_allowed_and_always_wait_for_a_moderator(settings):
    settings.COMMUNITY_GUEST_COMMENTS = True
    post = PostFactory()
    with pytest.raises(ValidationError) as missing:
        _create(None, post)
    assert set(missing.value.message_dict) == {"name", "email"}
    comment = _create(None, post, guest_name=" Gus  Guest ", guest_email="Gus@Example.COM")
    assert (comment.guest_name, comment.guest_email, comment.user) == ("Gus Guest", "gus@example.com", None)
    assert comment.status == Comment.Status.PENDING
    assert comment.status_reason == "guest comment"


def test_readers_who_cannot_read_a_post_cannot_comment_on_it(reader, editor):
    draft = PostFactory(draft=True)
    premium = PostFactory(is_premium=True)
    for post in (draft, premium):
        with pytest.raises(CommentingClosed):
            _create(reader, post)
    AccessGrantFactory(user=reader, post=premium)
    assert _create(reader, premium).pk
    assert _create(editor, draft).status == Comment.Status.APPROVED


def test_the_first_comment_of_an_account_waits_then_later_ones_are_published(reader, editor):
    post = PostFactory()
    first = _create(reader, post)
    assert (first.status, first.status_reason) == (Comment.Status.PENDING, "first comment")
    assert _create(reader, post).status == Comment.Status.PENDING  # still none approved
    services.comment_set_status(comment=first, status=Comment.Status.APPROVED, by=editor)
    assert _create(reader, post).status == Comment.Status.APPROVED


def test_with_the_hold_off_a_first_comment_is_published(reader, settings):
    settings.COMMUNITY_HOLD_FIRST_COMMENT = False
    assert _create(reader, PostFactory()).status == Comment.Status.APPROVED


# --- Spam rules ---------------------------------------------------------------------------------


def test_text_is_required_and_at_most_2000_characters(regular):
    post = PostFactory()
    with pytest.raises(ValidationError) as empty:
        _create(regular, post, "   \n ")
    assert empty.value.message_dict["body"] == ["Write something first."]
    assert _create(regular, post, "x" * 2000).pk
    with pytest.raises(ValidationError) as long:
        _create(regular, post, "x" * 2001)
    assert long.value.message_dict["body"] == ["The text is too long: 2001 characters, at most 2000."]


def test_more_links_than_the_limit_are_refused_bare_or_linked(regular):
    post = PostFactory()
    assert _create(regular, post, "See https://a.example and [b](https://b.example).").pk
    with pytest.raises(ValidationError) as refused:
        _create(regular, post, "https://a.example www.b.example [c](http://c.example)")
    assert refused.value.message_dict["body"] == ["Too many links: 3, at most 2 per comment."]


def test_a_blocklisted_word_files_the_comment_as_spam_whatever_its_case(regular, editor):
    services.blocked_term_save(term=BlockedTerm(kind="word", value="  Cheap   PILLS "), by=editor)
    comment = _create(regular, PostFactory(), "Buy cheap\npills now")
    assert comment.status == Comment.Status.SPAM
    assert comment.status_reason == "blocklist (word: cheap pills)"
    assert ModerationLog.objects.filter(action="blocklist", actor=editor).exists()


def test_a_blocklisted_email_domain_files_guest_and_account_comments_as_spam(settings, editor):
    settings.COMMUNITY_GUEST_COMMENTS = True
    services.blocked_term_save(term=BlockedTerm(kind="email_domain", value="@Spam.Example"), by=editor)
    post = PostFactory()
    guest = _create(None, post, guest_name="Bot", guest_email="bot@mail.spam.example")
    account = _create(UserFactory(email="x@spam.example"), post)
    assert guest.status == account.status == Comment.Status.SPAM


def test_a_blocklist_entry_is_checked_before_it_is_stored(editor):
    with pytest.raises(ValidationError):
        services.blocked_term_save(term=BlockedTerm(kind="email_domain", value="not a domain"), by=editor)


def test_editing_in_a_blocklisted_word_files_the_comment_as_spam(regular, editor):
    comment = _create(regular, PostFactory(), "All fine")
    services.blocked_term_save(term=BlockedTerm(kind="word", value="casino"), by=editor)
    services.comment_edit(comment=comment, by=regular, body="Visit my casino")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM


def test_rate_limits_count_per_account_and_per_ip(settings, reader):
    settings.COMMUNITY_COMMENT_RATE_USER = "2/10min"
    settings.COMMUNITY_COMMENT_RATE_IP = "3/10min"
    assert services.comment_rate_hit(user=reader, ip="10.0.0.1").allowed
    assert services.comment_rate_hit(user=reader, ip="10.0.0.2").allowed
    refused = services.comment_rate_hit(user=reader, ip="10.0.0.3")
    assert not refused.allowed
    assert refused.retry_after > 0
    other = UserFactory()
    assert services.comment_rate_hit(user=other, ip="10.0.0.9").allowed
    assert services.comment_rate_hit(user=None, ip="10.0.0.9").allowed
    assert services.comment_rate_hit(user=None, ip="10.0.0.9").allowed
    assert not services.comment_rate_hit(user=UserFactory(), ip="10.0.0.9").allowed


# --- Bans ---------------------------------------------------------------------------------------


def test_a_banned_account_address_or_domain_cannot_comment_until_the_ban_is_lifted(settings, editor, regular):
    settings.COMMUNITY_GUEST_COMMENTS = True
    post = PostFactory()
    ban = services.ban_create(by=editor, kind=Ban.Kind.USER, user=regular, reason="rude")
    with pytest.raises(CommentingBanned):
        _create(regular, post)
    services.ban_create(by=editor, kind=Ban.Kind.EMAIL, value=" Troll@Example.org ")
    with pytest.raises(CommentingBanned):
        _create(None, post, guest_name="T", guest_email="troll@example.org")
    services.ban_create(by=editor, kind=Ban.Kind.DOMAIN, value="@spammy.test")
    with pytest.raises(CommentingBanned):
        _create(UserFactory(email="a@spammy.test"), post)
    services.ban_lift(ban=ban, by=editor)
    assert _create(regular, post).pk
    assert list(ModerationLog.objects.filter(actor=editor).values_list("action", flat=True).order_by("id")) == [
        "ban",
        "ban",
        "ban",
        "unban",
    ]


def test_banning_twice_reuses_the_active_ban(editor, reader):
    first = services.ban_create(by=editor, kind=Ban.Kind.USER, user=reader)
    assert services.ban_create(by=editor, kind=Ban.Kind.USER, user=reader) == first
    with pytest.raises(ValidationError):
        services.ban_create(by=editor, kind=Ban.Kind.DOMAIN, value="")


# --- Edit window --------------------------------------------------------------------------------


def test_the_author_edits_within_the_window_and_the_text_is_rendered_again(regular):
    comment = _create(regular, PostFactory(), "Old *text*")
    services.comment_edit(comment=comment, by=regular, body="New **text**")
    comment.refresh_from_db()
    assert comment.body_html == "<p>New <strong>text</strong></p>"
    assert comment.edited_at is not None


def test_nobody_edits_or_deletes_after_the_window_or_someone_elses_comment(regular, reader):
    comment = _create(regular, PostFactory())
    with pytest.raises(NotTheAuthor):
        services.comment_edit(comment=comment, by=reader, body="Hijacked")
    with pytest.raises(NotTheAuthor):
        services.comment_delete(comment=comment, by=None)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=15, seconds=1))
    comment.refresh_from_db()
    with pytest.raises(EditWindowClosed):
        services.comment_edit(comment=comment, by=regular, body="Too late")
    with pytest.raises(EditWindowClosed):
        services.comment_delete(comment=comment, by=regular)
    assert not selectors.comment_can_edit(comment=comment, user=regular)


def test_a_deleted_comment_keeps_its_place_with_its_text_erased(regular):
    post = PostFactory()
    top = _create(regular, post, "Secret words")
    reply = _create(regular, post, "A reply", parent=top)
    services.comment_delete(comment=top, by=regular)
    top.refresh_from_db()
    assert (top.body, top.body_html, top.status) == ("", "", Comment.Status.APPROVED)
    thread = selectors.comment_thread_for_post(post=post, viewer=None)
    assert thread.nodes[0].comment.deleted_at is not None
    assert thread.nodes[0].children[0].comment == reply
    assert thread.count == 1  # deleted comments are not counted
    assert selectors.comment_counts(post_ids=[post.pk]) == {post.pk: 1}
    with pytest.raises(CommentDeleted):
        services.comment_edit(comment=top, by=regular, body="Back from the dead")


def test_deleting_an_account_erases_its_comments_but_keeps_their_places(regular):
    post = PostFactory()
    comment = _create(regular, post, "Mine")
    regular.delete()
    comment.refresh_from_db()
    assert comment.user is None
    assert comment.body == ""
    assert comment.deleted_at is not None


# --- Moderation ---------------------------------------------------------------------------------


def test_every_moderation_action_is_logged_with_who_what_and_when(reader, editor):
    comment = _create(reader, PostFactory())
    changed = services.comment_moderate_many(pks=[comment.pk], action="approve", by=editor)
    assert changed == [comment]
    assert services.comment_moderate_many(pks=[comment.pk], action="approve", by=editor) == []  # no change
    services.comment_moderate_many(pks=[comment.pk], action="remove", by=editor)
    entries = list(ModerationLog.objects.filter(source="comment", object_id=str(comment.pk)).order_by("id"))
    assert [(e.actor, e.action) for e in entries] == [(editor, "approved"), (editor, "removed")]
    assert entries[0].created_at is not None
    assert entries[1].note == "approved → removed"
    with pytest.raises(ValidationError):
        services.comment_moderate_many(pks=[comment.pk], action="explode", by=editor)


# --- Likes and bookmarks ------------------------------------------------------------------------


def test_one_like_per_user_per_post_and_counts_never_go_negative(reader):
    post = PostFactory()
    other = UserFactory()
    assert services.like_set(user=reader, post=post, liked=True)
    assert services.like_set(user=reader, post=post, liked=True)  # again: still one
    services.like_set(user=other, post=post, liked=True)
    assert selectors.post_reactions(post=post, user=reader).like_count == 2
    for _ in range(3):
        services.like_set(user=reader, post=post, liked=False)
    assert Like.objects.filter(post=post).count() == 1
    assert selectors.post_reactions(post=post, user=reader) == selectors.Reactions(1, 0, False, False)
    assert services.like_toggle(user=reader, post=post) is True
    assert services.like_toggle(user=reader, post=post) is False


def test_a_reader_cannot_like_a_post_they_cannot_read_but_may_bookmark_its_teaser(reader):
    premium = PostFactory(is_premium=True)
    with pytest.raises(CommentingClosed):
        services.like_set(user=reader, post=premium, liked=True)
    assert services.bookmark_set(user=reader, post=premium, bookmarked=True)
    with pytest.raises(CommentingClosed):
        services.bookmark_set(user=reader, post=PostFactory(draft=True), bookmarked=True)


def test_bookmarks_list_newest_first_and_drop_posts_taken_down(reader):
    old, new, gone = PostFactory(), PostFactory(), PostFactory()
    for post in (old, new, gone):
        services.bookmark_toggle(user=reader, post=post)
    gone.status = gone.Status.DRAFT
    gone.save()
    assert [b.post for b in selectors.bookmark_list_own(user=reader)] == [new, old]
    assert services.bookmark_toggle(user=reader, post=new) is False
    assert Bookmark.objects.filter(user=reader).count() == 2
