"""Who may do what: anyone reads live content; editors write and see everything."""

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission

from apps.blog import selectors


class IsEditorOrReadOnly(BasePermission):
    """Reads are open (the queryset already hides what a caller may not see); writes need an editor."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return request.method in SAFE_METHODS or selectors.user_is_editor(request.user)


class IsEditor(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return selectors.user_is_editor(request.user)
