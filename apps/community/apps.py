from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "apps.community"
    label = "community"
    verbose_name = _("Community")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.blog import selectors as blog_selectors

        from . import moderation, receivers, selectors

        receivers.connect()
        # Post cards (home, section, tag, archive) show their comment counts: one query per page.
        if selectors.load_card_comment_counts not in blog_selectors.CARD_LOADERS:
            blog_selectors.CARD_LOADERS.append(selectors.load_card_comment_counts)
        # The moderation queue's sources (friend-link applications register here too).
        moderation.register(moderation.CommentSource())
        moderation.register(moderation.FriendLinkSource())
