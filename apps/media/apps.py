from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "apps.media"
    label = "media"
    verbose_name = _("Media library")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from . import receivers
        from .models import Asset, Rendition

        post_delete.connect(receivers.asset_deleted, sender=Asset, dispatch_uid="media_asset_deleted")
        post_delete.connect(receivers.rendition_deleted, sender=Rendition, dispatch_uid="media_rendition_deleted")
