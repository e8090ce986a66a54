"""Template tags that put the community on the blog's pages (which know nothing of this app):

- `{% post_community post %}` under a post: likes, bookmark, the comment thread and the form;
- `{% board_community section %}` on the board section's page: the messages and the form;
- `{% comment_notification_settings %}` on the profile page: the comment e-mail preferences.

Each loads its data in a fixed number of queries whatever the number of comments.
"""

from typing import Any

from django import template
from django.conf import settings
from django.core.paginator import EmptyPage
from django.http import Http404
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.blog import page_cache
from apps.core.numbers import parse_whole_number

from .. import selectors
from ..forms import CommentForm, NotificationPreferenceForm, make_stamp

register = template.Library()


def _decorate(nodes: list[selectors.ThreadNode], user: Any) -> None:
    """Give each node what its markup shows: the author label, whether the viewer may edit it, and
    whom it answers when that is not the comment it sits under (a reply placed beside a third-level one)."""
    now = timezone.now()
    by_pk: dict[int, selectors.ThreadNode] = {}
    stack = list(nodes)
    while stack:
        node = stack.pop()
        by_pk[node.pk] = node
        stack.extend(node.children)
    for node in by_pk.values():
        comment = node.comment
        node.author = selectors.comment_author_label(comment) if comment else ""
        node.can_edit = bool(comment) and selectors.comment_can_edit(comment=comment, user=user, now=now)
        node.replying_to = ""
        if comment and comment.reply_to_id and comment.reply_to_id != comment.parent_id:
            answered = by_pk.get(comment.reply_to_id)
            if answered is not None and answered.comment is not None:
                node.replying_to = selectors.comment_author_label(answered.comment)


def _form_context(user: Any, target: str) -> dict[str, Any]:
    signed_in = user.is_authenticated
    may_write = signed_in or settings.COMMUNITY_GUEST_COMMENTS
    return {
        "form": CommentForm(guest=not signed_in, target=target) if may_write else None,
        "signed_in": signed_in,
        "edit_minutes": settings.COMMUNITY_EDIT_MINUTES,
    }


# --- The thread, built in Python -------------------------------------------------------------------
# A page shows up to hundreds of comments; the template engine spent ~1.5 ms on each (includes, nested
# lookups, two date formats), far more than the one query that loads them. Same markup, every value
# escaped (`body_html` is sanitized when it is saved).


def _url_pattern(name: str) -> tuple[str, str]:
    head, tail = reverse(name, args=[987654321]).split("987654321")
    return head, tail


class _ThreadRenderer:
    def __init__(self) -> None:
        self.reply = _url_pattern("community:reply")
        self.edit = _url_pattern("community:edit")
        self.delete = _url_pattern("community:delete")
        self.text = {
            "removed": _("This comment was removed."),
            "deleted": _("This comment was deleted."),
            "edited": _("edited"),
            "pending": _("Waiting for a moderator: only you can see this comment for now."),
            "reply": _("Reply"),
            "edit_link": _("Edit"),
            "delete_link": _("Delete"),
        }
        self.dates: dict[Any, tuple[str, str]] = {}

    def when(self, value: Any) -> tuple[str, str]:
        local = timezone.localtime(value)
        key = local.replace(second=0, microsecond=0)
        shown = self.dates.get(key)
        if shown is None:
            shown = self.dates[key] = formats.date_format(local, "DATETIME_FORMAT")
        return local.strftime("%Y-%m-%dT%H:%M:%S%z"), shown

    def comment(self, node: selectors.ThreadNode) -> str:
        c = node.comment
        pk = node.pk
        if c is None or c.deleted_at is not None:
            note = self.text["removed"] if c is None else self.text["deleted"]
            return (
                f'<article class="comment comment-gone" id="comment-{pk}">'
                f'<p class="comment-meta muted">{escape(note)}</p></article>'
            )
        pending = c.status == "pending"
        machine, shown = self.when(c.created_at)
        meta = f'<strong class="comment-author">{escape(node.author)}</strong>'
        if node.replying_to:
            label = _("replying to %(name)s") % {"name": node.replying_to}
            meta += f' <span class="muted">{escape(label)}</span>'
        meta += f' · <a class="muted" href="#comment-{pk}"><time datetime="{machine}">{escape(shown)}</time></a>'
        if c.edited_at:
            meta += f' · <span class="muted">{escape(self.text["edited"])}</span>'
        parts = [f'<article class="comment{" comment-pending" if pending else ""}" id="comment-{pk}">']
        parts.append(f'<p class="comment-meta">{meta}</p>')
        if pending:
            parts.append(f'<p class="comment-notice">{escape(self.text["pending"])}</p>')
        parts.append(f'<div class="comment-body">{c.body_html}</div>')
        actions = []
        if c.status == "approved":
            actions.append(
                format_html(
                    '<a class="comment-reply" href="{}{}{}" data-reply-to="{}" data-author="{}">{}</a>',
                    self.reply[0],
                    pk,
                    self.reply[1],
                    pk,
                    node.author,
                    self.text["reply"],
                )
            )
        if node.can_edit:
            actions.append(f'<a href="{self.edit[0]}{pk}{self.edit[1]}">{escape(self.text["edit_link"])}</a>')
            actions.append(f'<a href="{self.delete[0]}{pk}{self.delete[1]}">{escape(self.text["delete_link"])}</a>')
        parts.append(f'<p class="comment-actions">{" ".join(actions)}</p></article>')
        return "".join(parts)

    def nodes(self, nodes: list[selectors.ThreadNode], *, replies: bool = False) -> str:
        if not nodes:
            return ""
        items = []
        for node in nodes:
            items.append(f"<li>{self.comment(node)}{self.nodes(node.children, replies=True)}</li>")
        css = "thread thread-replies" if replies else "thread"
        return f'<ol class="{css}">' + "".join(items) + "</ol>"


@register.simple_tag
def comment_thread(nodes: list[selectors.ThreadNode]) -> SafeString:
    """The nested list of a thread's comments (decorated by `_decorate`)."""
    return mark_safe(_ThreadRenderer().nodes(nodes))  # noqa: S308 - values escaped, bodies sanitized on save


POST_COMMUNITY_TEMPLATE = "community/_post_community.html"
POST_THREAD_TEMPLATE = "community/_post_thread.html"


def _thread_html(thread: selectors.Thread) -> SafeString:
    return mark_safe(render_to_string(POST_THREAD_TEMPLATE, {"thread": thread}))  # noqa: S308 - rendered by the template


def _post_community_data(request: Any, post: Any, *, can_read: bool) -> dict[str, Any]:
    user = request.user
    base = {"show": True, "post": post, "request": request, "user": user}
    if not can_read:
        return {**base, "locked": True}
    own = selectors.post_reader_own(post=post, user=user) if user.is_authenticated else None
    if own is not None and not own.own_comments and getattr(post, "is_live", False):
        # Nothing in the thread is this reader's own: the thread and the counts as every such reader sees
        # them, kept for the blog's cache generation; only their like and bookmark are read per request.
        shared = page_cache.fragment(f"post-thread:{post.pk}:{get_language()}", lambda: _shared_thread(post))
        thread_html, like_count, comment_count = shared
        thread_html = mark_safe(thread_html)  # noqa: S308 - rendered by POST_THREAD_TEMPLATE
        reactions = selectors.Reactions(
            like_count=like_count, comment_count=comment_count, liked=own.liked, bookmarked=own.bookmarked
        )
    else:
        thread = selectors.comment_thread_for_post(post=post, viewer=user)
        _decorate(thread.nodes, user)
        thread_html = _thread_html(thread)
        reactions = selectors.post_reactions(post=post, user=user)
    if user.is_authenticated:
        form = {"form_html": _signed_in_form_html(request, post)}
    else:
        form = _form_context(user, f"post:{post.pk}")
    return {**base, "locked": False, "thread_html": thread_html, "reactions": reactions, **form}


# Stand-ins for what is the reader's own in the signed-in comment form, put in per request.
_FORM_TOKEN, _FORM_STAMP = "\ufffccsrf-token\ufffc", "\ufffcform-stamp\ufffc"


def _signed_in_form_html(request: Any, post: Any) -> SafeString:
    """The comment form under a post as every signed-in reader gets it, kept per post and language; their
    CSRF token and a fresh anti-bot stamp are put in per request (the form is otherwise the same for all)."""
    target = f"post:{post.pk}"

    def build() -> str:
        context = {
            **_form_context(request.user, target),
            "action": reverse("community:new", args=["post", post.slug]),
            "csrf_token": _FORM_TOKEN,
            "stamp": _FORM_STAMP,
        }
        return render_to_string("community/_comment_form.html", context)

    html = page_cache.fragment(f"post-comment-form:{post.pk}:{get_language()}", build)
    html = html.replace(_FORM_TOKEN, get_token(request)).replace(_FORM_STAMP, make_stamp(target))
    return mark_safe(html)  # noqa: S308 - rendered by the template; the token and stamp are URL-safe


def _shared_thread(post: Any) -> tuple[SafeString, int, int]:
    """(thread markup, like count, comment count) of `post` for a reader with no comment of their own in it
    (no edit links, no waiting comment): what an anonymous reader's thread shows too."""
    thread = selectors.comment_thread_for_post(post=post, viewer=None)
    _decorate(thread.nodes, None)
    reactions = selectors.post_reactions(post=post, user=None)
    return _thread_html(thread), reactions.like_count, reactions.comment_count


@register.inclusion_tag(POST_COMMUNITY_TEMPLATE, takes_context=True)
def post_community(context: template.Context, post: Any) -> dict[str, Any]:
    """Likes, bookmark, the thread and the form under a post.

    For anonymous readers the block is the same for everyone (no own like or bookmark, no edit links,
    no pending comments, no CSRF token in the guest form): it is rendered once per post, language and
    path, and kept for the blog's cache generation, which a published, edited or removed comment and
    a like start anew (`_tell_readers`). The form's anti-bot stamp is then as old as the fragment, as
    on a page-cache hit. Signed-in readers get their own reactions, form and CSRF tokens per request,
    around the thread as every reader sees it (kept the same way) unless it shows them a comment of their
    own they may edit or that waits for a moderator (`selectors.post_reader_own`)."""
    request = context["request"]
    user = request.user
    if context.get("preview"):
        return {"show": False}
    can_read = context.get("can_read")
    if can_read is None:
        can_read = selectors.user_can_comment_on(user=user, post=post)
    if user.is_authenticated or not can_read or not getattr(post, "is_live", False):
        return _post_community_data(request, post, can_read=can_read)
    key = f"post-community:{post.pk}:{get_language()}:{request.path}"
    html = page_cache.fragment(
        key, lambda: render_to_string(POST_COMMUNITY_TEMPLATE, _post_community_data(request, post, can_read=True))
    )
    return {"fragment": mark_safe(html)}  # noqa: S308 - rendered by the template above


@register.inclusion_tag("community/_board.html", takes_context=True)
def board_community(context: template.Context, section: Any) -> dict[str, Any]:
    """The board's messages, newest thread first, `?page=` for older ones (an odd page is a 404)."""
    request = context["request"]
    user = request.user
    number = parse_whole_number(request.GET.get("page", "1"))
    if number is None:
        raise Http404(_("No such page."))
    try:
        thread = selectors.comment_thread_for_board(board=section, viewer=user, page=number)
    except EmptyPage as exc:
        raise Http404(_("No such page.")) from exc
    _decorate(thread.nodes, user)
    return {
        "section": section,
        "is_board": True,
        "request": request,
        "user": user,
        "thread": thread,
        "page": thread.page,
        **_form_context(user, f"board:{section.pk}"),
    }


@register.inclusion_tag("community/_notification_settings.html", takes_context=True)
def comment_notification_settings(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    preference = selectors.notification_preference_get(user=request.user)
    return {"form": NotificationPreferenceForm(instance=preference), "request": request}


@register.inclusion_tag("community/_friends.html", takes_context=True)
def friend_links(context: template.Context) -> dict[str, Any]:
    """The approved friend links (featured first), each with its description in the page's language."""
    language = get_language() or settings.LANGUAGE_CODE
    links = list(selectors.friend_link_list_public())
    for link in links:
        link.description = link.description_for(language)
    return {"links": links, "request": context.get("request")}
