"""The admin's AppConfig: Django's admin with Inkwell's site (grouped index, dashboard, language switch)."""

from django.contrib.admin.apps import AdminConfig


class InkwellAdminConfig(AdminConfig):
    default_site = "blog_site.admin_site.InkwellAdminSite"
