"""The admin's AppConfig: Django's admin with Inkwell's site (grouped index, dashboard, language switch)."""

from django.contrib.admin.apps import AdminConfig


class InkwellAdminConfig(AdminConfig):
    default_site = "blog_site.admin_site.InkwellAdminSite"

    def ready(self) -> None:
        super().ready()
        from django.contrib.admin.templatetags import admin_list

        from . import third_party_admin
        from .admin_site import boolean_icon

        third_party_admin.register()

        # Django writes the yes/no icons' alt text as "True"/"False" in every language; ours is translated.
        # Every caller imports `_boolean_icon` from this module when it runs, so the replacement is seen.
        admin_list._boolean_icon = boolean_icon
