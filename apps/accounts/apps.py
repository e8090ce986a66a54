from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.account import signals as account_signals
        from django.contrib.auth import signals as auth_signals

        from . import receivers, schema  # noqa: F401 - schema registers the OpenAPI auth extension

        # Runs after every app's migrations, when all permissions exist.
        post_migrate.connect(receivers.sync_role_permissions, dispatch_uid="accounts.sync_role_permissions")
        auth_signals.user_logged_in.connect(receivers.on_user_logged_in, dispatch_uid="accounts.jwt_cookies_in")
        auth_signals.user_logged_out.connect(receivers.on_user_logged_out, dispatch_uid="accounts.jwt_cookies_out")
        account_signals.user_signed_up.connect(receivers.on_user_signed_up, dispatch_uid="accounts.signed_up")
        account_signals.email_confirmed.connect(receivers.on_email_confirmed, dispatch_uid="accounts.email_confirmed")
        # A password change or reset revokes the user's other sessions and tokens (any other path that
        # sets a password, e.g. the admin or `changepassword`, is covered by User.save()).
        for signal, name in ((account_signals.password_changed, "changed"), (account_signals.password_set, "set")):
            signal.connect(receivers.on_password_changed, dispatch_uid=f"accounts.password_{name}")
        account_signals.password_reset.connect(receivers.on_password_reset, dispatch_uid="accounts.password_reset")
