"""The custom user: the e-mail address is the login."""

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def normalize_email(email: str) -> str:
    """E-mail logins are case-insensitive: the whole address is stored in lower case."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email=normalize_email(username))


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    bio = models.TextField(_("bio"), max_length=300, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    avatar = models.ForeignKey(
        "media.Asset", verbose_name=_("avatar"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    welcome_sent_at = models.DateTimeField(_("welcome e-mail sent at"), null=True, blank=True, editable=False)
    # Stamped into every JWT; bumping it ("log out everywhere", disabling) kills all issued tokens at once.
    token_version = models.PositiveIntegerField(default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ("-date_joined",)

    def __str__(self) -> str:
        return self.display_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        self._password_removed = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalize_email(self.email)
        # A new (or removed) password voids every token issued under the old one, whichever path set
        # it: allauth, the admin, `manage.py changepassword`. `_password` is Django's mark of a real
        # change: it stays None when a sign-in re-hashes the same password with a newer hasher.
        changed = self._password is not None or getattr(self, "_password_removed", False)
        if not changed or self._state.adding:
            super().save(*args, **kwargs)
            return
        self.token_version = models.F("token_version") + 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "token_version"}
        super().save(*args, **kwargs)
        self._password_removed = False
        self.refresh_from_db(fields=["token_version"])

    @property
    def public_name(self) -> str:
        """What other people see: never the e-mail address."""
        return self.display_name or _("Anonymous")
