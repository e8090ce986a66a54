"""allauth adapters: client IP, e-mails in the recipient's language, signup defaults, OAuth linking."""

import json
from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.utils import translation
from django.utils.crypto import get_random_string

from apps.core.net import client_ip

from .models import User, normalize_email


def _email_from_request(request: HttpRequest | None) -> str:
    if request is None or request.content_type != "application/json":
        return ""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return ""
    email = data.get("email") if isinstance(data, dict) else None
    return normalize_email(email) if isinstance(email, str) else ""


@dataclass(frozen=True)
class SiteInfo:
    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)

    def clean_email(self, email: str) -> str:
        return normalize_email(super().clean_email(email))

    def clean_password(self, password: str, user: User | None = None) -> str:
        """allauth's headless sign-up validates the password without a user, so the "not similar to
        the e-mail" rule would be skipped; rebuild the would-be user from the request body."""
        if user is None:
            email = _email_from_request(context.request)
            if email:
                user = User(email=email)
        return super().clean_password(password, user=user)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Every allauth e-mail goes out in the recipient's preferred language (if we know them)."""
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email=normalize_email(email)).first()
        language = user.preferred_language if user else translation.get_language() or settings.LANGUAGE_CODE
        # The e-mails name the site from our settings, not from the django.contrib.sites row.
        context = {**context, "current_site": SiteInfo(settings.SITE_NAME, settings.SITE_URL.split("://", 1)[-1])}
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def send_account_already_exists_mail(self, email: str) -> None:
        """A sign-up with a taken address creates nothing and sends this e-mail instead. Hash a
        throwaway password with the production hasher first, as creating the account does: the hash
        is most of a new sign-up's time, and without it the quick answer tells the address is taken."""
        make_password(get_random_string(32))
        super().send_account_already_exists_mail(email)

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.SITE_NAME}] {subject}"

    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=False)
        language = translation.get_language_from_request(request) if request else None
        if getattr(request, "LANGUAGE_CODE", None):
            language = request.LANGUAGE_CODE
        if language in dict(settings.LANGUAGES):
            user.preferred_language = language
        if commit:
            user.save()
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return True

    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict[str, Any]) -> User:
        user = super().populate_user(request, sociallogin, data)
        extra = sociallogin.account.extra_data or {}
        parts = [data.get("first_name"), data.get("last_name")]
        name = str(extra.get("name") or data.get("name") or " ".join(filter(None, parts))).strip()
        if name and not user.display_name:
            user.display_name = name[:80]
        if getattr(request, "LANGUAGE_CODE", None) in dict(settings.LANGUAGES):
            user.preferred_language = request.LANGUAGE_CODE
        return user
