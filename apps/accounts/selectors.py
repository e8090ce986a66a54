"""Reads about users."""

from django.db.models import Q, QuerySet

from .models import User
from .roles import ADMINS, EDITORS, READERS


def user_list_for_admin(*, role: str | None = None) -> QuerySet[User]:
    qs = User.objects.select_related("avatar").prefetch_related("groups").order_by("-date_joined")
    if role == ADMINS:
        qs = qs.filter(is_superuser=True)
    elif role == EDITORS:
        qs = qs.filter(is_superuser=False, groups__name=EDITORS)
    elif role == READERS:
        qs = qs.filter(is_superuser=False).exclude(groups__name=EDITORS)
    return qs.distinct() if role else qs


def user_list_public() -> QuerySet[User]:
    """Only active accounts are visible to others."""
    return User.objects.filter(is_active=True).select_related("avatar")


def user_search_filter(*, qs: QuerySet[User], query: str) -> QuerySet[User]:
    return qs.filter(Q(email__icontains=query) | Q(display_name__icontains=query)) if query else qs


def token_family_key(family: str) -> str:
    return f"accounts:token-family-revoked:{family}"


def token_family_is_revoked(*, family: str | None) -> bool:
    """A refresh token of this family was replayed after its rotation (see `token_pair_refresh`)."""
    from django.core.cache import cache

    return bool(family) and bool(cache.get(token_family_key(family)))
