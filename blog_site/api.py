"""The one DRF router for /api/v1/. Each app's viewsets are registered here."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

# --- core / health have plain views; apps register below ---
# media
# accounts
# blog
# community
# payments
# analytics

urlpatterns = router.urls
