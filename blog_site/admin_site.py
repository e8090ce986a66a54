"""Inkwell's admin site: the index grouped for editors (plumbing under one "System" group that only
superusers see), the editor's dashboard on the index, and a language switch for the admin.

It sits in `blog_site` because the dashboard reads from every app (blog, community, analytics): only
the project package may import all of them.
"""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

# Apps whose models an editor never needs: shown in one "System" group, to superusers only.
SYSTEM_APPS = frozenset(
    {
        "core",
        "django_celery_beat",
        "sites",
        "socialaccount",
        "token_blacklist",
        "usersessions",
        "sessions",
        "headless",
    }
)
# Apps folded into another app's group (allauth's e-mail addresses and Django's groups join accounts).
MERGED_APPS = {"account": "accounts", "auth": "accounts"}
# The editors' groups, in this order; any other app follows, by name.
GROUP_ORDER = ("blog", "media", "community", "accounts", "payments", "analytics")


class InkwellAdminSite(admin.AdminSite):
    index_template = "admin/index.html"

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        return regroup(apps, show_system=bool(request.user.is_active and request.user.is_superuser))

    def get_urls(self) -> list[URLResolver | URLPattern]:
        return [path("language/", self.admin_view(self.language_view), name="language"), *super().get_urls()]

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        context["admin_languages"] = settings.LANGUAGES
        return context

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        from .dashboard import dashboard_get  # reads every app; imported when the index is shown

        extra_context = {**(extra_context or {}), "dashboard": dashboard_get(user=request.user)}
        return super().index(request, extra_context)

    def language_view(self, request: HttpRequest) -> HttpResponse:
        """POST `language` (+ `next`): the admin (and the signed-in user's profile) switch to it."""
        from apps.accounts import services as account_services

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        language = request.POST.get("language", "")
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index")
        response = HttpResponseRedirect(target)
        if language not in dict(settings.LANGUAGES):
            return response
        if getattr(request.user, "preferred_language", language) != language:
            account_services.user_update_profile(user=request.user, data={"preferred_language": language})
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response


def regroup(apps: list[dict[str, Any]], *, show_system: bool) -> list[dict[str, Any]]:
    """Fold the apps of `MERGED_APPS` into their group and `SYSTEM_APPS` into "System"; order for editors."""
    by_label = {app["app_label"]: app for app in apps}
    groups: dict[str, dict[str, Any]] = {}
    system: list[dict[str, Any]] = []
    for app in apps:
        label = app["app_label"]
        if label in SYSTEM_APPS:
            system.extend(app["models"])
            continue
        home = MERGED_APPS.get(label, label)
        if home not in groups:
            base = by_label.get(home, app)
            groups[home] = {**base, "models": []}
        groups[home]["models"].extend(app["models"])
    ordered = sorted(
        groups.values(),
        key=lambda g: (
            GROUP_ORDER.index(g["app_label"]) if g["app_label"] in GROUP_ORDER else len(GROUP_ORDER),
            str(g["name"]),
        ),
    )
    for group in ordered:
        group["models"].sort(key=lambda m: str(m["name"]))
    if show_system and system:
        system.sort(key=lambda m: str(m["name"]))
        ordered.append(
            {
                "name": _("System"),
                "app_label": "system",
                "app_url": reverse("admin:index") + "#system",
                "has_module_perms": True,
                "models": system,
            }
        )
    return ordered


def boolean_icon(value: bool | None) -> str:
    """Django's yes/no/unknown icon with a translated alt text ("是" / "否" / "未知")."""
    from django.templatetags.static import static
    from django.utils.html import format_html
    from django.utils.translation import gettext

    name = {True: "yes", False: "no", None: "unknown"}[value]
    label = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), label)
