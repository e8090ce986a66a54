from typing import Any

from rest_framework.permissions import BasePermission


class CanViewAnalytics(BasePermission):
    """Editors and admins: whoever holds `analytics.view_pageview` (the Editors role has it)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.has_perm("analytics.view_pageview"))
