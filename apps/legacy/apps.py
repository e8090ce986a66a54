from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegacyConfig(AppConfig):
    """The importer of the old FastAPI + MySQL backend (`manage.py import_legacy`) and its old URLs.

    It sits above every other app and writes only through their services; nothing imports it.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.legacy"
    label = "legacy"
    verbose_name = _("Moving in")
