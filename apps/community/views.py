"""Reader pages of the community app: posting, replying, editing and deleting comments; likes and
bookmarks; "My bookmarks"; comment e-mail preferences and unsubscribing. They work without JavaScript.

The post and board pages themselves are the blog's (cached for anonymous readers); they show the
thread and the form through `community_tags`. A cached page must not carry a CSRF token (it would be
someone else's), so the comment form of a guest has none: posting a comment checks CSRF for signed-in
readers only. A guest has no session a forged request could ride on, and the guest path checks the
`Origin` header (browsers send it on every cross-site POST) and the bot rules instead.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.blog.models import Post, Section
from apps.core.net import client_ip
from apps.core.numbers import parse_whole_number

from . import selectors, services
from .forms import CommentEditForm, CommentForm, FriendLinkApplyForm, NotificationPreferenceForm, SubscribeForm
from .models import Comment


def _csrf_for_signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """CSRF protection for signed-in readers; for guests, a same-origin check (see the module docstring)."""
    protected = csrf_protect(view)

    @wraps(view)
    @csrf_exempt
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return protected(request, *args, **kwargs)
        if request.method == "POST" and not _same_origin(request):
            return _refused(request, _("This form was sent from another site."), status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _same_origin(request: HttpRequest) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # older browsers and non-browser clients send none; the bot rules still apply
    return origin in settings.CSRF_TRUSTED_ORIGINS or urlsplit(origin).netloc == request.get_host()


def _refused(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    response = render(request, "community/refused.html", {"message": message}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _target_url(target: Post | Section) -> str:
    if isinstance(target, Post):
        return reverse("blog:post", kwargs={"slug": target.slug})
    return reverse("blog:section", kwargs={"slug": target.slug})


def _target_key(target: Post | Section) -> str:
    return f"{'post' if isinstance(target, Post) else 'board'}:{target.pk}"


def _resolve_target(request: HttpRequest, kind: str, slug: str) -> Post | Section:
    if kind not in ("post", "board"):
        raise Http404(_("Nothing to comment on here."))
    target = (
        selectors.post_for_comments(slug=slug, user=request.user) if kind == "post" else selectors.board_get(slug=slug)
    )
    if target is None:
        raise Http404(_("Nothing to comment on here."))
    return target


def _comment_page(
    request: HttpRequest, *, target: Post | Section, form: CommentForm, parent: Comment | None, status: int = 200
) -> HttpResponse:
    context = {
        "target": target,
        "target_url": _target_url(target),
        "is_board": isinstance(target, Section),
        "form": form,
        "parent": parent,
        "parent_author": selectors.comment_author_label(parent) if parent else "",
        "guests_allowed": settings.COMMUNITY_GUEST_COMMENTS,
        "signed_in": request.user.is_authenticated,
        "edit_minutes": settings.COMMUNITY_EDIT_MINUTES,
        "action": reverse("community:reply", args=[parent.pk]) if parent else request.path,
    }
    response = render(request, "community/comment_form.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _handle_post(request: HttpRequest, *, target: Post | Section, parent: Comment | None) -> HttpResponse:
    guest = not request.user.is_authenticated
    if guest and not settings.COMMUNITY_GUEST_COMMENTS:
        login = reverse("account_login")
        return redirect(f"{login}?next={_target_url(target)}%23comments")
    form = CommentForm(request.POST, guest=guest, target=_target_key(target))
    if not form.is_valid():
        return _comment_page(request, target=target, form=form, parent=parent, status=400)
    hit = services.comment_rate_hit(user=request.user, ip=client_ip(request))
    if not hit.allowed:
        form.add_error(None, _("You are commenting too often. Please wait a few minutes and try again."))
        response = _comment_page(request, target=target, form=form, parent=parent, status=429)
        response["Retry-After"] = str(hit.retry_after)
        return response
    data = form.cleaned_data
    try:
        comment = services.comment_create(
            user=request.user,
            target=target,
            body=data["body"],
            parent=parent,
            guest_name=data.get("name", ""),
            guest_email=data.get("email", ""),
            notify_replies=data.get("notify", True),
            ip=client_ip(request),
            language=get_language(),
        )
    except ValidationError as error:
        form.add_service_error(error)
        return _comment_page(request, target=target, form=form, parent=parent, status=400)
    except PermissionDenied as error:
        return _refused(request, str(error) or _("You cannot comment here."), status=403)
    if guest:
        # No message and no redirect to a cached page: the thanks page itself says what happens next.
        response = render(
            request, "community/comment_posted.html", {"comment": comment, "target_url": _target_url(target)}
        )
        response["Cache-Control"] = "no-store"
        return response
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, _("Your comment is published."))
    else:
        messages.info(request, _("Thank you! Your comment will appear once a moderator approves it."))
    return redirect(f"{_target_url(target)}#comment-{comment.pk}")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@_csrf_for_signed_in
def comment_new(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """GET: the comment form on a page of its own; POST: post a comment on a post or the board."""
    target = _resolve_target(request, kind, slug)
    if request.method == "POST":
        return _handle_post(request, target=target, parent=None)
    form = CommentForm(guest=not request.user.is_authenticated, target=_target_key(target))
    return _comment_page(request, target=target, form=form, parent=None)


def _parent_and_target(request: HttpRequest, pk: int) -> tuple[Comment, Post | Section]:
    parent = selectors.comment_get_visible(pk=pk, viewer=request.user)
    if parent is None or parent.status != Comment.Status.APPROVED or parent.deleted_at is not None:
        raise Http404(_("No such comment."))
    return parent, parent.post or parent.board


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@_csrf_for_signed_in
def comment_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the comment answered and a form; POST: post the reply."""
    parent, target = _parent_and_target(request, pk)
    if request.method == "POST":
        return _handle_post(request, target=target, parent=parent)
    form = CommentForm(guest=not request.user.is_authenticated, target=_target_key(target))
    return _comment_page(request, target=target, form=form, parent=parent)


def _own_comment(request: HttpRequest, pk: int) -> Comment:
    comment = selectors.comment_get_visible(pk=pk, viewer=request.user)
    if comment is None or comment.user_id != request.user.pk:
        raise Http404(_("No such comment."))
    return comment


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    target = comment.post or comment.board
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.comment_edit(comment=comment, by=request.user, body=form.cleaned_data["body"])
            except ValidationError as error:
                form.add_error("body" if not hasattr(error, "error_dict") else None, error)
            except PermissionDenied as error:
                return _refused(request, str(error), status=403)
            else:
                messages.success(request, _("Your comment is updated."))
                return redirect(f"{_target_url(target)}#comment-{comment.pk}")
        status = 400
    if not selectors.comment_can_edit(comment=comment, user=request.user):
        return _refused(request, _("This comment can no longer be changed."), status=403)
    context = {"comment": comment, "form": form, "target_url": _target_url(target), "target": target}
    return render(request, "community/comment_edit.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    target = comment.post or comment.board
    if request.method == "POST":
        try:
            services.comment_delete(comment=comment, by=request.user)
        except (PermissionDenied, ValidationError) as error:
            return _refused(request, " ".join(getattr(error, "messages", [str(error)])), status=403)
        messages.success(request, _("Your comment is deleted."))
        return redirect(f"{_target_url(target)}#comment-{comment.pk}")
    if not selectors.comment_can_edit(comment=comment, user=request.user):
        return _refused(request, _("This comment can no longer be changed."), status=403)
    context = {"comment": comment, "target_url": _target_url(target), "target": target}
    return render(request, "community/comment_delete.html", context)


def _post_or_404(request: HttpRequest, slug: str) -> Post:
    post = selectors.post_for_comments(slug=slug, user=request.user)
    if post is None:
        raise Http404(_("No such post."))
    return post


def _reaction(request: HttpRequest, slug: str, toggle: Callable[..., bool], done: tuple[str, str]) -> HttpResponse:
    hit = services.reaction_rate_hit(user=request.user)
    if not hit.allowed:
        response = _refused(request, _("Too many clicks. Please wait a few minutes."), status=429)
        response["Retry-After"] = str(hit.retry_after)
        return response
    post = _post_or_404(request, slug)
    try:
        on = toggle(user=request.user, post=post)
    except PermissionDenied as error:
        return _refused(request, str(error), status=403)
    messages.success(request, done[0] if on else done[1])
    return redirect(f"{_target_url(post)}#reactions")


@login_required
@require_POST
def like_toggle(request: HttpRequest, slug: str) -> HttpResponse:
    return _reaction(request, slug, services.like_toggle, (_("You like this post."), _("Like taken back.")))


@login_required
@require_POST
def bookmark_toggle(request: HttpRequest, slug: str) -> HttpResponse:
    done = (_("Bookmarked: find it under “My bookmarks”."), _("Bookmark removed."))
    return _reaction(request, slug, services.bookmark_toggle, done)


@never_cache
@login_required
@require_safe
def bookmark_list(request: HttpRequest) -> HttpResponse:
    from django.core.paginator import Paginator

    number = parse_whole_number(request.GET.get("page", "1"))
    paginator = Paginator(selectors.bookmark_list_own(user=request.user), 20)
    if number is None or number > paginator.num_pages:
        raise Http404(_("No such page."))
    return render(request, "community/bookmarks.html", {"page": paginator.page(number)})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    preference = selectors.notification_preference_get(user=request.user)
    form = NotificationPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.notification_preference_update(
            user=request.user,
            email_on_reply=form.cleaned_data["email_on_reply"],
            email_on_post_comment=form.cleaned_data["email_on_post_comment"],
        )
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect(request.POST.get("next") if _safe_next(request) else "community:notifications")
    return render(request, "community/notifications.html", {"form": form})


def _safe_next(request: HttpRequest) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})


@never_cache
@csrf_exempt  # the signed token is the credential; mail clients POST here without a session (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with a button (mail scanners follow links; only a POST unsubscribes). POST: done."""
    found = services.unsubscribe_resolve(token=token)
    if found is None:
        return _refused(request, _("This unsubscribe link is not valid."), status=404)
    done = request.method == "POST" and services.unsubscribe_apply(token=token)
    context = {"found": found, "done": done, "is_reply": found.reason == "reply"}
    return render(request, "community/unsubscribe.html", context)


def board_page_number(request: HttpRequest) -> int:
    """The board's `?page=` (ASCII digits only; anything else is the 404 page, as on every listing)."""
    number = parse_whole_number(request.GET.get("page", "1"))
    if number is None:
        raise Http404(_("No such page."))
    return number


# --- Friend links and the newsletter (reach) --------------------------------------------------------


def _friends_url() -> str:
    from apps.blog import selectors as blog_selectors

    section = blog_selectors.section_list_active(type=Section.Type.FRIENDS).first()
    return reverse("blog:section", kwargs={"slug": section.slug}) if section else reverse("blog:home")


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def friend_apply(request: HttpRequest) -> HttpResponse:
    """A signed-in user applies for a friend link (hidden until an editor approves it)."""
    form = FriendLinkApplyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            hit = services.friend_link_rate_hit(user=request.user)
            if not hit.allowed:
                response = _refused(request, _("Too many applications. Please try again tomorrow."), status=429)
                response["Retry-After"] = str(hit.retry_after)
                return response
            data = form.cleaned_data
            try:
                services.friend_link_apply(
                    user=request.user,
                    name=data["name"],
                    url=data["url"],
                    logo_url=data.get("logo_url") or "",
                    logo_file=data.get("logo"),
                    description_en=data.get("description_en") or "",
                    description_zh_hans=data.get("description_zh_hans") or "",
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field_name, errs in error.error_dict.items():
                        form.add_error(field_name if field_name in form.fields else None, errs)
                else:
                    form.add_error(None, error)
            except PermissionDenied as error:
                return _refused(request, str(error), status=403)
            else:
                context = {"done": True, "friends_url": _friends_url()}
                return render(request, "community/friend_apply.html", context)
    return render(request, "community/friend_apply.html", {"form": form}, status=status)


@never_cache
@csrf_exempt  # reader pages are cached: the footer form has no token; a same-origin check instead
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    """The footer form's target. The same thanks whatever the address (no enumeration)."""
    if request.method != "POST":
        return render(request, "community/subscribe.html", {"done": False})
    if not _same_origin(request):
        return _refused(request, _("This form was sent from another site."), status=403)
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        errors = [e for errs in form.errors.values() for e in errs]
        return render(request, "community/subscribe.html", {"done": False, "errors": errors}, status=400)
    if form.cleaned_data.get("website"):
        return render(request, "community/subscribe.html", {"done": True})  # a bot: thanked, ignored
    hit = services.subscribe_rate_hit(ip=client_ip(request))
    if not hit.allowed:
        response = _refused(request, _("Too many attempts. Please wait and try again."), status=429)
        response["Retry-After"] = str(hit.retry_after)
        return response
    try:
        services.subscriber_subscribe(
            email=form.cleaned_data["email"], language=form.cleaned_data.get("language") or get_language()
        )
    except ValidationError as error:
        return render(request, "community/subscribe.html", {"done": False, "errors": error.messages}, status=400)
    return render(request, "community/subscribe.html", {"done": True})


@never_cache
@csrf_exempt  # the signed token is the credential
@require_http_methods(["GET", "HEAD", "POST"])
def newsletter_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with a button (mail scanners follow links; GET never confirms). POST: confirmed."""
    if services.subscriber_from_confirm_token(token=token) is None:
        return _refused(request, _("This confirmation link is not valid or has expired."), status=404)
    done = request.method == "POST" and services.subscriber_confirm(token=token) is not None
    return render(request, "community/newsletter_confirm.html", {"done": done})


@never_cache
@csrf_exempt  # the signed token is the credential; mail clients POST here without a session (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
def newsletter_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with a button; POST (the button, or a mail client's one-click): unsubscribed."""
    if services.subscriber_from_unsubscribe_token(token=token) is None:
        return _refused(request, _("This unsubscribe link is not valid."), status=404)
    done = request.method == "POST" and services.subscriber_unsubscribe(token=token) is not None
    return render(request, "community/newsletter_unsubscribe.html", {"done": done})
