from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "apps.analytics"
    label = "analytics"
    verbose_name = _("Analytics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import atexit

        from django.core.signals import request_finished, request_started

        from . import buffer, receivers

        request_started.connect(receivers.on_request_started, dispatch_uid="analytics.request_started")
        request_finished.connect(receivers.on_request_finished, dispatch_uid="analytics.request_finished")
        atexit.register(buffer.push_all_pending)  # a stopping web process hands over what it gathered
