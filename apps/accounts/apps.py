from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .signals import sync_role_permissions

        # Runs after every app's migrations, when all permissions exist.
        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts.sync_role_permissions")
