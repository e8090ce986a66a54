from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib import admin

        # Brand the admin once, from settings, for every app's pages.
        admin.site.site_header = f"{settings.SITE_NAME} administration"
        admin.site.site_title = settings.SITE_NAME
        admin.site.index_title = f"{settings.SITE_NAME} back office"
