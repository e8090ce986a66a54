"""The one DRF router for /api/v1/. Each app's viewsets are registered here."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

# --- core / health have plain views; apps register below ---
# media
from apps.media.api.viewsets import AssetViewSet  # noqa: E402 - kept under its app line for clean merges

router.register("media", AssetViewSet, basename="media-asset")
# accounts
from apps.accounts.api.viewsets import AuthViewSet, ProfileViewSet, UserViewSet  # noqa: E402

router.register("users", UserViewSet, basename="user")
router.register("profiles", ProfileViewSet, basename="profile")
router.register("auth", AuthViewSet, basename="auth")
# blog
from apps.blog.api.viewsets import AIJobViewSet, PostViewSet, ProjectViewSet, SectionViewSet, TagViewSet  # noqa: E402

router.register("posts", PostViewSet, basename="post")
router.register("sections", SectionViewSet, basename="section")
router.register("tags", TagViewSet, basename="tag")
router.register("projects", ProjectViewSet, basename="project")
router.register("ai-jobs", AIJobViewSet, basename="ai-job")  # translation, key points, narration jobs (editors)
# community
from apps.community.api.viewsets import (  # noqa: E402
    BookmarkViewSet,
    CommentViewSet,
    FriendLinkViewSet,
    LikeViewSet,
    NotificationPreferenceViewSet,
    ReactionViewSet,
    SubscriberViewSet,
)

router.register("comments", CommentViewSet, basename="comment")
router.register("likes", LikeViewSet, basename="like")
router.register("bookmarks", BookmarkViewSet, basename="bookmark")
router.register("reactions", ReactionViewSet, basename="reaction")
router.register("notification-preferences", NotificationPreferenceViewSet, basename="notification-preference")
router.register("friends", FriendLinkViewSet, basename="friend-link")
router.register("subscribers", SubscriberViewSet, basename="subscriber")
# payments
from apps.payments.api.viewsets import CheckoutViewSet, DownloadViewSet, OrderViewSet  # noqa: E402

router.register("payments/checkout", CheckoutViewSet, basename="payment-checkout")
router.register("payments/orders", OrderViewSet, basename="payment-order")
router.register("payments/downloads", DownloadViewSet, basename="payment-download")
# analytics
from apps.analytics.api.viewsets import AnalyticsViewSet  # noqa: E402

router.register("analytics", AnalyticsViewSet, basename="analytics")

urlpatterns = router.urls
