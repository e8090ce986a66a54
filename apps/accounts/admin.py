"""Users in the admin. A user's role (its group and the staff/superuser flags that follow) and whether
the account is active are changed only through `services.user_set_role` / `user_set_active`, like the
API: the forms carry a "role" and an "active" field, never `is_staff`, `is_superuser` or groups."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import services
from .models import User
from .roles import ADMINS, EDITORS, READERS


def _for_each(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User], fn, done: str, **names: str
) -> None:
    count = 0
    for user in queryset:
        try:
            fn(user)
        except ValidationError as exc:
            modeladmin.message_user(request, f"{user}: {exc.messages[0]}", messages.ERROR)
        else:
            count += 1
    modeladmin.message_user(request, done % {"count": count, **names}, messages.SUCCESS)


def _role_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Role"),
        choices=[(READERS, _("Readers")), (EDITORS, _("Editors")), (ADMINS, _("Admins"))],
        initial=READERS,
        help_text=_(
            "Readers read; Editors write in the admin (staff); Admins may do everything (superusers). "
            "Sets the user's group and staff and superuser status."
        ),
    )


class UserRoleForm(UserChangeForm):
    """The change form: profile fields, plus the role and the active flag, applied by the services."""

    role = _role_field()
    active = forms.BooleanField(
        label=_("Active"), required=False, help_text=_("A disabled user is logged out everywhere at once.")
    )
    by: Any = None  # the admin acting; set per request by UserAdmin.get_form

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = services.user_role(user=self.instance)
        self.fields["active"].initial = self.instance.is_active

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # The services' own checks (e.g. not demoting or disabling yourself), shown next to the field.
        checks = (
            ("role", lambda value: services.user_set_role_validate(user=self.instance, role=value, by=self.by)),
            ("active", lambda value: services.user_set_active_validate(user=self.instance, active=value, by=self.by)),
        )
        for name, check in checks:
            if name in self.changed_data and name in cleaned:
                try:
                    check(cleaned[name])
                except ValidationError as exc:
                    self.add_error(name, exc)
        return cleaned


class UserAddForm(AdminUserCreationForm):
    role = _role_field()


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserRoleForm
    add_form = UserAddForm
    ordering = ("-date_joined",)
    list_display = ("email", "display_name", "is_active", "is_staff", "is_superuser", "date_joined", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups", "preferred_language")
    search_fields = ("email", "display_name")
    raw_id_fields = ("avatar",)
    readonly_fields = ("last_login", "date_joined", "welcome_sent_at")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "bio", "avatar", "preferred_language")}),
        (_("Role and access"), {"fields": ("role", "active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "welcome_sent_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2", "role")}),)
    actions = ("disable_users", "enable_users", "make_readers", "make_editors", "make_admins")

    def get_form(self, request: HttpRequest, obj: User | None = None, **kwargs: Any) -> Any:
        base = super().get_form(request, obj, **kwargs)

        class Form(base):  # a class per request: the acting admin never sits on the shared ModelAdmin
            by = request.user

        return Form

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)  # the e-mail, password and profile fields
        data = form.cleaned_data
        if not change or "role" in form.changed_data:
            services.user_set_role(user=obj, role=data["role"], by=request.user)
        if change and "active" in form.changed_data:
            services.user_set_active(user=obj, active=data["active"], by=request.user)

    # Shown instead of the form's "role" and "active" fields to staff who may only view users.
    @admin.display(description=_("Role"))
    def role(self, user: User) -> str:
        return gettext(services.user_role(user=user))

    @admin.display(description=_("Active"), boolean=True)
    def active(self, user: User) -> bool:
        return user.is_active

    @admin.action(description=_("Disable the selected users (their tokens stop at once)"), permissions=["change"])
    def disable_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        _for_each(
            self,
            request,
            queryset,
            lambda u: services.user_set_active(user=u, active=False, by=request.user),
            _("%(count)d disabled."),
        )

    @admin.action(description=_("Enable the selected users"), permissions=["change"])
    def enable_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        _for_each(
            self,
            request,
            queryset,
            lambda u: services.user_set_active(user=u, active=True, by=request.user),
            _("%(count)d enabled."),
        )

    def _set_role(self, request: HttpRequest, queryset: QuerySet[User], role: str) -> None:
        _for_each(
            self,
            request,
            queryset,
            lambda u: services.user_set_role(user=u, role=role, by=request.user),
            _("%(count)d → %(role)s."),
            role=gettext(role),
        )

    @admin.action(description=_("Make the selected users Readers"), permissions=["change"])
    def make_readers(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._set_role(request, queryset, READERS)

    @admin.action(description=_("Make the selected users Editors"), permissions=["change"])
    def make_editors(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._set_role(request, queryset, EDITORS)

    @admin.action(description=_("Make the selected users Admins"), permissions=["change"])
    def make_admins(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._set_role(request, queryset, ADMINS)

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        services.user_delete(user=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_delete(user=user)
