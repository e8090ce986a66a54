"""Third-party models in Inkwell's admin, in the editor's language: loaded by `InkwellAdminConfig.ready()`
once every app's `admin.py` has registered its own.

Strings a package passes through gettext are translated in our `locale/` (LOCALE_PATHS comes before the
packages' catalogs). What a package hard-codes in English (a field without a verbose name, a model
property shown as a column, the name Django derives for a many-to-many table) gets a translatable name
here. Only `field.verbose_name` is replaced, never the `_verbose_name` that migrations read, so no
package sees a migration change.
"""

from typing import Any

from allauth.socialaccount.admin import SocialAppAdmin, SocialAppForm, SocialTokenAdmin
from allauth.socialaccount.models import SocialApp
from allauth.usersessions.admin import UserSessionAdmin
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import ManyToManyField
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# (app_label.Model, field): its name, where the package gives none (Django then shows "Ip", "Jti"...).
FIELD_NAMES = {
    ("usersessions.UserSession", "user"): _("user"),
    ("usersessions.UserSession", "created_at"): _("created at"),
    ("usersessions.UserSession", "ip"): _("IP address"),
    ("usersessions.UserSession", "last_seen_at"): _("last seen at"),
    ("usersessions.UserSession", "user_agent"): _("user agent"),
    ("usersessions.UserSession", "data"): _("data"),
    ("token_blacklist.OutstandingToken", "id"): _("ID"),
    ("token_blacklist.OutstandingToken", "user"): _("user"),
    ("token_blacklist.OutstandingToken", "jti"): _("token ID (jti)"),
    ("token_blacklist.OutstandingToken", "token"): _("token"),
    ("token_blacklist.OutstandingToken", "created_at"): _("created at"),
    ("token_blacklist.OutstandingToken", "expires_at"): _("expires at"),
    ("token_blacklist.BlacklistedToken", "id"): _("ID"),
    ("token_blacklist.BlacklistedToken", "token"): _("token"),
    ("token_blacklist.BlacklistedToken", "blacklisted_at"): _("blacklisted at"),
    ("socialaccount.SocialToken", "app"): _("social application"),
    ("socialaccount.SocialToken", "account"): _("social account"),
    ("socialaccount.SocialApp", "settings"): _("settings"),
    ("socialaccount.SocialApp", "sites"): _("sites"),
    ("socialaccount.SocialAccount", "user"): _("user"),
    ("django_celery_beat.PeriodicTask", "task"): _("task name"),
}
# Models whose name Django derives from the class name (untranslatable): (singular, plural).
MODEL_NAMES = {
    "usersessions.UserSession": (_("user session"), _("user sessions")),
}
# Model properties the packages list as columns, with the name Django would derive from the attribute.
PROPERTY_NAMES = {
    ("django_celery_beat.PeriodicTask", "scheduler"): _("schedule"),
    ("django_celery_beat.CrontabSchedule", "human_readable"): _("in words"),
}
# Permission actions Django creates for every model ("Can add post"), by codename prefix.
PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    """ "博客 | 文章 | 可以添加文章" for a default permission; a custom one's name through gettext."""
    model = permission.content_type.model_class()
    action, _sep, _rest = permission.codename.partition("_")
    if model is None:
        return str(permission)
    opts = model._meta
    app = apps.get_app_config(opts.app_label).verbose_name
    if action in PERMISSION_ACTIONS and permission.codename == f"{action}_{opts.model_name}":
        name = PERMISSION_ACTIONS[action] % {"model": opts.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{app} | {opts.verbose_name} | {name}"


class _PermissionField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Permission) -> str:
        return permission_label(obj)


class InkwellGroupAdmin(GroupAdmin):
    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "permissions":
            kwargs["form_class"] = _PermissionField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class InkwellSocialAppForm(SocialAppForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].label = _("provider")  # allauth adds the field without a label


class InkwellSocialAppAdmin(SocialAppAdmin):
    form = InkwellSocialAppForm


class InkwellUserSessionAdmin(UserSessionAdmin):
    # allauth searches `user__username`, which our e-mail-only user does not have (the search failed).
    search_fields = ("user__email", "ip")


def _group_str(group: Group) -> str:
    # Our role groups are named in English in the database ("Editors"); shown in the reader's language.
    return gettext(group.name)


def _cron_description(expression: str, options: Any = None) -> str:
    """django-celery-beat's crontab in words, in the active language (cron-descriptor has zh_CN)."""
    from cron_descriptor import Options, get_description

    options = options or Options()
    options.locale_code = "zh_CN" if (translation.get_language() or "").startswith("zh") else "en_US"
    options.use_24hour_time_format = True
    return get_description(expression, options)


def _through_str(row: Any) -> str:
    left, right = (f for f in row._meta.fields if f.is_relation)
    return f"{getattr(row, left.name)} — {getattr(row, right.name)}"


def _name_many_to_many_tables() -> None:
    """Django names a many-to-many table "Post-tag relationship" and its rows "Post_tags object (1)",
    in English once at startup: give them the two models' translated names instead."""
    for model in apps.get_models():
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if not isinstance(field, ManyToManyField) or not through._meta.auto_created:
                continue
            names = (model._meta.verbose_name, field.related_model._meta.verbose_name)
            through._meta.verbose_name = format_lazy("{} — {}", *names)
            through._meta.verbose_name_plural = format_lazy("{} — {}", *names)
            through.__str__ = _through_str


def register() -> None:
    import django_celery_beat.admin
    import django_celery_beat.models

    for (label, name), verbose_name in FIELD_NAMES.items():
        apps.get_model(label)._meta.get_field(name).verbose_name = verbose_name
    for label, (singular, plural) in MODEL_NAMES.items():
        opts = apps.get_model(label)._meta
        opts.verbose_name, opts.verbose_name_plural = singular, plural
    for (label, name), description in PROPERTY_NAMES.items():
        getattr(apps.get_model(label), name).fget.short_description = description
    django_celery_beat.admin.PeriodicTaskAdmin.crontab_translation.short_description = _("crontab in words")
    SocialTokenAdmin.truncated_token.short_description = _("token")  # allauth: "Token", not translatable
    django_celery_beat.models.get_description = _cron_description
    Group.__str__ = _group_str
    _name_many_to_many_tables()
    replaced = ((UserSession, InkwellUserSessionAdmin), (Group, InkwellGroupAdmin), (SocialApp, InkwellSocialAppAdmin))
    for model, model_admin in replaced:
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, model_admin)
