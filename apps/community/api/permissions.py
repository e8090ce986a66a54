"""Rate limits of the community's write endpoints: the same atomic limiter and counters as the pages
(`apps.core.ratelimit` through `services.comment_rate_hit` / `reaction_rate_hit`), so a limit spent on
the page is spent on the API too."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.throttling import BaseThrottle

from apps.blog import selectors as blog_selectors
from apps.community import services
from apps.core.net import client_ip
from apps.core.ratelimit import Hit


class _LimiterThrottle(BaseThrottle):
    retry_after: int | None = None

    def hit(self, request: Any) -> Any:
        raise NotImplementedError

    def allow_request(self, request: Any, view: Any) -> bool:
        result = self.hit(request)
        self.retry_after = result.retry_after
        return result.allowed

    def wait(self) -> float | None:
        return self.retry_after


class CommentRateThrottle(_LimiterThrottle):
    """COMMUNITY_COMMENT_RATE_USER per account and COMMUNITY_COMMENT_RATE_IP per client IP."""

    def hit(self, request: Any) -> Any:
        return services.comment_rate_hit(user=request.user, ip=client_ip(request._request))


class ReactionRateThrottle(_LimiterThrottle):
    """COMMUNITY_REACTION_RATE likes and bookmarks per account."""

    def hit(self, request: Any) -> Any:
        return services.reaction_rate_hit(user=request.user)


class SubscribeRateThrottle(_LimiterThrottle):
    """NEWSLETTER_SUBSCRIBE_RATE_IP subscribe attempts per client IP."""

    def hit(self, request: Any) -> Any:
        return services.subscribe_rate_hit(ip=client_ip(request._request))


class FriendLinkApplyThrottle(_LimiterThrottle):
    """FRIEND_LINK_APPLY_RATE applications per account."""

    def hit(self, request: Any) -> Any:
        if not request.user.is_authenticated:
            return Hit(allowed=True, count=0, retry_after=0)
        return services.friend_link_rate_hit(user=request.user)


class IsEditor(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return blog_selectors.user_is_editor(request.user)
