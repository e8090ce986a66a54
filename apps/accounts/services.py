"""Writes about users: tokens, profile, roles, enable/disable, deletion, welcome e-mail."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from apps.core.queue import enqueue_on_commit
from apps.media import services as media_services

from . import selectors
from .errors import TokenRefused, TokenReused
from .models import User
from .roles import ADMINS, EDITORS, READERS, ROLE_GROUPS

TOKEN_VERSION_CLAIM = "ver"  # noqa: S105 - a claim name
TOKEN_FAMILY_CLAIM = "fam"  # noqa: S105 - a claim name


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    expires_in: int

    def as_meta(self) -> dict[str, Any]:
        """The pair as allauth's headless app client receives it (`meta` of an auth response)."""
        return {"access_token": self.access, "refresh_token": self.refresh, "expires_in": self.expires_in}


class _RefreshTokenUnlisted(RefreshToken):
    """Signature, expiry and type are verified; the blacklist is read by `token_pair_refresh` itself,
    under a row lock, so that a blacklisted (rotated) token is told apart from a forged one."""

    def check_blacklist(self) -> None:
        return None


# --- tokens ---------------------------------------------------------------------------------------


def token_pair_issue(*, user: User, family: str | None = None) -> TokenPair:
    """A new pair. A sign-in starts a family; each rotation carries it on (`family`)."""
    refresh = RefreshToken.for_user(user)  # recorded as an OutstandingToken of the user
    refresh[TOKEN_VERSION_CLAIM] = user.token_version  # copied into every access token made from it
    refresh[TOKEN_FAMILY_CLAIM] = family or uuid.uuid4().hex
    # for_user() recorded the token before these claims: record it as issued, family included.
    OutstandingToken.objects.filter(jti=refresh["jti"]).update(token=str(refresh))
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]
    return TokenPair(str(refresh.access_token), str(refresh), int(lifetime.total_seconds()))


def token_pair_refresh(*, refresh: str) -> TokenPair:
    """Rotate: the old refresh token is blacklisted, a new pair of the same family is issued.

    Reuse detection: a refresh token presented again after its rotation (or its log-out) means two
    parties hold the family, the owner and a thief, and we cannot tell which is which: the family is
    revoked (its live refresh token blacklisted, its access tokens refused at once), both sign in again.
    """
    token = _RefreshTokenUnlisted(refresh)  # raises TokenError when malformed, forged or expired
    family = token.payload.get(TOKEN_FAMILY_CLAIM)
    with transaction.atomic():
        user = User.objects.filter(pk=token.payload.get("user_id"), is_active=True).first()
        if user is None or token.payload.get(TOKEN_VERSION_CLAIM) != user.token_version:
            raise TokenRefused
        # Lock the outstanding row so two concurrent refreshes of one token cannot both succeed.
        # order_by("pk"): the model's default ordering joins the (nullable) user, and PostgreSQL
        # refuses FOR UPDATE on the nullable side of an outer join.
        outstanding = OutstandingToken.objects.select_for_update().filter(jti=token["jti"]).order_by("pk").first()
        if outstanding is None:
            raise TokenRefused
        reused = BlacklistedToken.objects.filter(token=outstanding).exists()
        if not reused and not selectors.token_family_is_revoked(family=family):
            BlacklistedToken.objects.create(token=outstanding)
            return token_pair_issue(user=user, family=family)
        if reused:
            tokens_revoke_family(user=user, family=family)
    raise TokenReused if reused else TokenRefused  # after the commit: the revocation stays


def tokens_revoke_family(*, user: User, family: str | None) -> int:
    """Blacklist the family's live refresh tokens and refuse its access tokens from now on. A token
    from before families existed names none: then every token of the user is revoked."""
    import jwt
    from django.core.cache import cache

    if not family:
        return tokens_revoke_all(user=user)
    live = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now()).exclude(
        blacklistedtoken__isnull=False
    )
    # Our own recorded tokens, read only to find their family (they were verified when issued).
    rows = [
        BlacklistedToken(token=t)
        for t in live
        if jwt.decode(t.token, options={"verify_signature": False}).get(TOKEN_FAMILY_CLAIM) == family
    ]
    BlacklistedToken.objects.bulk_create(rows, ignore_conflicts=True)
    lifetime = settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"]  # no token of the family outlives it
    cache.set(selectors.token_family_key(family), True, timeout=int(lifetime.total_seconds()))
    return len(rows)


def token_blacklist(*, refresh: str, user: User | None = None) -> bool:
    """Log out one device: its refresh token stops working. False if the token is not usable."""
    from rest_framework_simplejwt.exceptions import TokenError

    try:
        token = RefreshToken(refresh)
    except TokenError:
        return False
    if user is not None and str(token.payload.get("user_id")) != str(user.pk):
        return False
    token.blacklist()
    return True


def tokens_revoke_all(*, user: User) -> int:
    """Every token issued so far stops working: access tokens at once (their version claim no longer
    matches), refresh tokens are also blacklisted. Returns how many refresh tokens were still live."""
    User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
    user.refresh_from_db(fields=["token_version"])
    live = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now()).exclude(
        blacklistedtoken__isnull=False
    )
    rows = [BlacklistedToken(token=t) for t in live]
    BlacklistedToken.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def user_logout_everywhere(*, user: User, except_session_key: str | None = None) -> int:
    """Revoke every token and end every browser/app session of the user, but `except_session_key`
    (the session that changed the password keeps going). Returns how many refresh tokens were live."""
    from allauth.usersessions.models import UserSession

    revoked = tokens_revoke_all(user=user)
    for session in UserSession.objects.filter(user=user).exclude(session_key=except_session_key or ""):
        session.end()
    return revoked


# --- profile ----------------------------------------------------------------------------------------

PROFILE_FIELDS = ("display_name", "bio", "preferred_language")


def user_update_profile(*, user: User, data: dict[str, Any]) -> User:
    changed = [name for name in PROFILE_FIELDS if name in data]
    for name in changed:
        setattr(user, name, data[name])
    user.full_clean(exclude=["password", "email", "avatar"])
    user.save(update_fields=changed or None)
    return user


MAX_AVATAR_BYTES = 5 * 1024 * 1024


def user_set_avatar(*, user: User, uploaded_file: UploadedFile) -> User:
    """Store the image in the media library (owned by the user) and point the avatar at it.

    Refusals are errors of the field `file` (the uploaded image), with the media library's codes.
    """
    if uploaded_file.size and uploaded_file.size > MAX_AVATAR_BYTES:
        raise ValidationError({"file": ValidationError("The image is larger than 5 MB.", code="too_large")})
    alt = str(user.public_name)
    with transaction.atomic():
        try:
            asset = media_services.asset_create(owner=user, uploaded_file=uploaded_file, alt_text=alt, title=alt)
        except ValidationError as exc:
            raise ValidationError({"file": exc.error_list}) from exc
        if asset.kind != asset.Kind.IMAGE:
            raise ValidationError({"file": ValidationError("The avatar must be an image.", code="invalid_image")})
        user.avatar = asset
        user.save(update_fields=["avatar"])
    return user


def user_profile_save(
    *, user: User, data: dict[str, Any], avatar_file: UploadedFile | None = None, remove_avatar: bool = False
) -> User:
    """The profile page's one write: fields, then the avatar change, all or nothing."""
    with transaction.atomic():
        user_update_profile(user=user, data=data)
        if remove_avatar:
            user_remove_avatar(user=user)
        elif avatar_file is not None:
            user_set_avatar(user=user, uploaded_file=avatar_file)
    return user


def user_remove_avatar(*, user: User) -> User:
    user.avatar = None
    user.save(update_fields=["avatar"])
    return user


# --- administration -----------------------------------------------------------------------------


def user_set_active_validate(*, user: User, active: bool, by: User) -> None:
    """What `user_set_active` refuses; a form calls it first to show the refusal next to its field."""
    if user.pk == by.pk and not active:
        raise ValidationError("You cannot disable your own account.", code="self_disable")


def user_set_active(*, user: User, active: bool, by: User) -> User:
    """Disable or enable. A disabled user's access tokens fail at once (checked on each request)."""
    user_set_active_validate(user=user, active=active, by=by)
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            user_logout_everywhere(user=user)
    return user


def user_set_role_validate(*, user: User, role: str, by: User) -> None:
    """What `user_set_role` refuses; a form calls it first to show the refusal next to its field."""
    if role not in ROLE_GROUPS:
        raise ValidationError(f"Unknown role {role!r}.", code="invalid_role")
    if user.pk == by.pk and role != ADMINS:
        raise ValidationError("You cannot remove your own admin role.", code="self_demote")


def user_set_role(*, user: User, role: str, by: User) -> User:
    """One role per user: Readers, Editors (staff) or Admins (superusers). The only writer of a user's
    groups and of `is_staff`/`is_superuser` (the admin's user form has no other control for them)."""
    user_set_role_validate(user=user, role=role, by=by)
    with transaction.atomic():
        user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS))
        user.groups.add(Group.objects.get(name=role))
        user.is_staff = role in (EDITORS, ADMINS)
        user.is_superuser = role == ADMINS
        user.save(update_fields=["is_staff", "is_superuser"])
    return user


def user_role(*, user: User) -> str:
    if user.is_superuser:
        return ADMINS
    names = {g.name for g in user.groups.all()}
    return EDITORS if EDITORS in names else READERS


def user_delete(*, user: User) -> None:
    """Delete the account. Its assets cascade; the media app removes their files after commit."""
    with transaction.atomic():
        user_logout_everywhere(user=user)
        user.delete()


def user_signed_up(*, user: User, language: str | None) -> None:
    """New account: Readers role and the language the visitor was using."""
    user.groups.add(Group.objects.get(name=READERS))
    if language and language in dict(settings.LANGUAGES) and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


# --- e-mail ---------------------------------------------------------------------------------------


def email_render_and_send(*, template: str, to: str, language: str, context: dict[str, Any]) -> None:
    """Send `<template>_subject.txt` / `_body.txt` / `_body.html` in `language`."""
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string

    ctx = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", ctx).split())
        text = render_to_string(f"{template}_body.txt", ctx)
        html = render_to_string(f"{template}_body.html", ctx)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()


def user_send_welcome(*, user_id: int) -> bool:
    """Idempotent: sends once per user, marks it inside the same row lock."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None or user.welcome_sent_at is not None:
            return False
        email_render_and_send(
            template="accounts/email/welcome",
            to=user.email,
            language=user.preferred_language,
            context={"user": user, "profile_url": f"{settings.SITE_URL}/{user.preferred_language}/accounts/profile/"},
        )
        user.welcome_sent_at = timezone.now()
        user.save(update_fields=["welcome_sent_at"])
    return True


def user_queue_welcome(*, user: User) -> None:
    if user.welcome_sent_at is None:
        enqueue_on_commit("apps.accounts.tasks.user_send_welcome_task", user.pk)


# --- confirming account deletion by code (for accounts without a password) -----------------------

DELETION_CODE_TIMEOUT = 600
DELETION_CODE_MAX_TRIES = 5


def _deletion_key(user: User) -> str:
    return f"accounts:deletion-code:{user.pk}"


def account_deletion_code_send(*, user: User) -> None:
    """E-mail a 6-digit code (10 minutes, 5 tries, single use). A new request replaces the old code."""
    import secrets

    from django.contrib.auth.hashers import make_password
    from django.core.cache import cache

    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(_deletion_key(user), {"hash": make_password(code), "tries": 0}, DELETION_CODE_TIMEOUT)
    email_render_and_send(
        template="accounts/email/deletion_code",
        to=user.email,
        language=user.preferred_language,
        context={"user": user, "code": code, "minutes": DELETION_CODE_TIMEOUT // 60},
    )


def account_deletion_code_check(*, user: User, code: str) -> bool:
    from django.contrib.auth.hashers import check_password
    from django.core.cache import cache

    key = _deletion_key(user)
    state = cache.get(key)
    if not state or not code:
        return False
    if check_password(code.strip(), state["hash"]):
        cache.delete(key)  # single use
        return True
    state["tries"] += 1
    if state["tries"] >= DELETION_CODE_MAX_TRIES:
        cache.delete(key)  # dead after 5 wrong tries
    else:
        cache.set(key, state, DELETION_CODE_TIMEOUT)
    return False


def account_delete_confirmed(*, user: User, password: str = "", code: str = "") -> None:
    """Delete own account after the password (or, without one, an e-mailed code) is confirmed."""
    if password and user.has_usable_password() and user.check_password(password):
        user_delete(user=user)
        return
    if code and account_deletion_code_check(user=user, code=code):
        user_delete(user=user)
        return
    raise ValidationError("The password or code is not correct.", code="confirmation_failed")


def tokens_flush_expired() -> int:
    """Expired refresh tokens can never be used again: forget them (their blacklist rows cascade)."""
    deleted, _ = OutstandingToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


# --- moving in from another site (the legacy importer) --------------------------------------------

# Django's Argon2PasswordHasher stores argon2-cffi's own string behind this prefix.
ARGON2_PREFIX = "argon2"


def carried_password(password_hash: str | None) -> str | None:
    """An argon2-cffi hash (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) as Django stores it, so the same
    password signs in; None when there is none or it is not an Argon2 hash."""
    value = (password_hash or "").strip()
    if value.startswith("$argon2"):
        return ARGON2_PREFIX + value
    return None


@transaction.atomic
def user_import(
    *,
    user: User | None,
    email: str,
    display_name: str,
    bio: str,
    password_hash: str | None,
    role: str,
    is_active: bool,
    verified: bool,
    date_joined: Any,
) -> User:
    """Create (or bring up to date) an account moved from another site, with its hashed password as it
    was (an unknown hash format leaves an unusable password: the user resets it). No welcome e-mail,
    no tokens; the role is one of ROLE_GROUPS; the e-mail address is recorded verified or not. An existing
    account keeps its password."""
    from allauth.account.models import EmailAddress

    if role not in ROLE_GROUPS:
        raise ValidationError(f"Unknown role {role!r}.", code="invalid_role")
    user = user or User(email=email)
    user.email = email
    user.display_name = (display_name or "")[:80]
    user.bio = (bio or "")[:300]
    user.is_active = is_active
    if date_joined is not None:
        user.date_joined = date_joined
    if user._state.adding:
        # Only a new account takes the old hash: a later run never undoes a password changed here since.
        carried = carried_password(password_hash)
        if carried:
            user.password = carried
        else:
            user.set_unusable_password()
    user.is_staff = role in (EDITORS, ADMINS)
    user.is_superuser = role == ADMINS
    user.full_clean(exclude=["password", "avatar"], validate_unique=False)
    # Saved with the fields named: a carried hash is not "a new password" (tokens are not bumped).
    if user._state.adding:
        user.save()
    else:
        user.save(
            update_fields=["email", "display_name", "bio", "is_active", "date_joined", "is_staff", "is_superuser"]
        )  # fmt: skip
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS).exclude(name=role))
    user.groups.add(Group.objects.get(name=role))
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": verified}
    )
    if address.verified != verified:
        address.verified = verified
        address.save(update_fields=["verified"])
    return user


def social_account_link(*, user: User, provider: str, uid: str) -> Any:
    """Attach a sign-in provider account (allauth's SocialAccount) to `user`; idempotent. Another user
    holding the same provider account is refused."""
    from allauth.socialaccount.models import SocialAccount

    account = SocialAccount.objects.filter(provider=provider, uid=uid).first()
    if account is not None and account.user_id != user.pk:
        raise ValidationError("This provider account belongs to another user.", code="taken")
    if account is None:
        account = SocialAccount.objects.create(user=user, provider=provider, uid=uid)
    return account


def user_set_avatar_asset(*, user: User, asset: Any) -> User:
    """Point the avatar at an image already in the media library (e.g. one moved in from another site)."""
    if asset is not None and asset.kind != asset.Kind.IMAGE:
        raise ValidationError({"avatar": ValidationError("The avatar must be an image.", code="invalid_image")})
    user.avatar = asset
    user.save(update_fields=["avatar"])
    return user
