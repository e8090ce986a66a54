"""The accounts API (DRF): users, public profiles and token refresh/log-out under /api/v1/."""
