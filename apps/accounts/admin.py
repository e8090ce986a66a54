from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import User
from .roles import ADMINS, EDITORS, READERS


def _for_each(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User], fn, done: str) -> None:
    count = 0
    for user in queryset:
        try:
            fn(user)
        except ValidationError as exc:
            modeladmin.message_user(request, f"{user}: {exc.messages[0]}", messages.ERROR)
        else:
            count += 1
    modeladmin.message_user(request, done % {"count": count}, messages.SUCCESS)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("-date_joined",)
    list_display = ("email", "display_name", "is_active", "is_staff", "is_superuser", "date_joined", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups", "preferred_language")
    search_fields = ("email", "display_name")
    raw_id_fields = ("avatar",)
    readonly_fields = ("last_login", "date_joined", "welcome_sent_at")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "bio", "avatar", "preferred_language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "welcome_sent_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ("disable_users", "enable_users", "make_readers", "make_editors", "make_admins")

    @admin.action(description=_("Disable the selected users (their tokens stop at once)"), permissions=["change"])
    def disable_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        _for_each(
            self,
            request,
            queryset,
            lambda u: services.user_set_active(user=u, active=False, by=request.user),
            "%(count)d disabled.",
        )

    @admin.action(description=_("Enable the selected users"), permissions=["change"])
    def enable_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        _for_each(
            self,
            request,
            queryset,
            lambda u: services.user_set_active(user=u, active=True, by=request.user),
            "%(count)d enabled.",
        )

    def _set_role(self, request: HttpRequest, queryset: QuerySet[User], role: str) -> None:
        _for_each(
            self,
            request,
            queryset,
            lambda u: services.user_set_role(user=u, role=role, by=request.user),
            f"%(count)d → {role}.",
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
