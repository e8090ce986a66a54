from django.apps import AppConfig
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("System")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib import admin

        from . import json_types

        # JSON bodies hold the types the schema names ("0" is no boolean, 0 no string): see json_types.
        json_types.install()

        # Brand the admin once, from settings, for every app's pages.
        admin.site.site_header = format_lazy(_("{site} administration"), site=settings.SITE_NAME)
        admin.site.site_title = settings.SITE_NAME
        admin.site.index_title = format_lazy(_("{site} back office"), site=settings.SITE_NAME)
