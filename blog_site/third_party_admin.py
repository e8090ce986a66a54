"""Third-party models' admins, adjusted for Inkwell: loaded by `InkwellAdminConfig.ready()` once every
app's `admin.py` has registered its own.

Their labels are translated through our `locale/` (LOCALE_PATHS comes before the packages' catalogs);
what a package hard-codes, or gets wrong for our user model, is fixed here.
"""

from allauth.usersessions.admin import UserSessionAdmin
from allauth.usersessions.models import UserSession
from django.contrib import admin


class InkwellUserSessionAdmin(UserSessionAdmin):
    # allauth searches `user__username`, which our e-mail-only user does not have (the search failed).
    search_fields = ("user__email", "ip")


def register() -> None:
    for model, model_admin in ((UserSession, InkwellUserSessionAdmin),):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, model_admin)
