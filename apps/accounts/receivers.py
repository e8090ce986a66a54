"""Reactions to allauth's, Django's auth and post_migrate signals (connected in AccountsConfig.ready)."""

from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.http import HttpRequest

from . import services
from .models import User
from .roles import EDITOR_APPS, EDITOR_EXTRA_PERMISSIONS, EDITORS, ROLE_GROUPS


def _is_app_client(request: HttpRequest | None) -> bool:
    # The headless "app" client gets its tokens in the response body, not in cookies.
    return request is not None and request.path.startswith("/_allauth/app/")


def on_user_logged_in(sender: Any, request: HttpRequest | None = None, user: User | None = None, **kwargs: Any) -> None:
    if request is None or user is None or _is_app_client(request):
        return
    request._jwt_cookie_pair = services.token_pair_issue(user=user)


def on_user_logged_out(
    sender: Any, request: HttpRequest | None = None, user: User | None = None, **kwargs: Any
) -> None:
    if request is None:
        return
    refresh = request.COOKIES.get(settings.JWT_COOKIE_REFRESH)
    if refresh:
        services.token_blacklist(refresh=refresh, user=user)
    request._jwt_cookie_clear = True


def on_password_changed(
    sender: Any, request: HttpRequest | None = None, user: User | None = None, **kwargs: Any
) -> None:
    """A password changed or first set (pages, headless API): every other session and token of the
    user is revoked; the session making the change stays signed in (allauth moved it to the new
    password) and gets a fresh token pair, in its cookies or, for the app client, in the answer."""
    if user is None:
        return
    current = _own_session_key(request, user)
    services.user_logout_everywhere(user=user, except_session_key=current)
    if request is None or current is None:
        return
    pair = services.token_pair_issue(user=user)
    if _is_app_client(request):
        request._jwt_body_pair = pair
    else:
        request._jwt_cookie_pair = pair


def on_password_reset(sender: Any, request: HttpRequest | None = None, user: User | None = None, **kwargs: Any) -> None:
    """A password reset (pages, headless API): every token and session of the user is revoked.

    The request's own session is not ended here: if it is the user's, Django signs it out on its next
    request (its password hash no longer matches), and ending it under the running request would make
    Django refuse to save it at the end.
    """
    if user is None:
        return
    session = getattr(request, "session", None)
    services.user_logout_everywhere(user=user, except_session_key=getattr(session, "session_key", None))
    if request is not None and not _is_app_client(request):
        request._jwt_cookie_clear = True


def _own_session_key(request: HttpRequest | None, user: User) -> str | None:
    if request is None or not request.user.is_authenticated or request.user.pk != user.pk:
        return None
    return request.session.session_key


def on_user_signed_up(sender: Any, request: HttpRequest | None = None, user: User | None = None, **kwargs: Any) -> None:
    if user is None:
        return
    services.user_signed_up(user=user, language=getattr(request, "LANGUAGE_CODE", None))
    if EmailAddress.objects.filter(user=user, verified=True).exists():  # e.g. OAuth with a verified e-mail
        services.user_queue_welcome(user=user)


def on_email_confirmed(
    sender: Any, request: HttpRequest | None = None, email_address: Any = None, **kwargs: Any
) -> None:
    if email_address is not None:
        services.user_queue_welcome(user=email_address.user)


def sync_role_permissions(**kwargs: Any) -> None:
    """Keep the Editors group's permissions in step with the models that exist after each migrate."""
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)
    editors = Group.objects.get(name=EDITORS)
    wanted = Q(content_type__app_label__in=EDITOR_APPS)
    for app_label, codename in EDITOR_EXTRA_PERMISSIONS:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    editors.permissions.add(*Permission.objects.filter(wanted))
