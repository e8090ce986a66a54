"""Permissions of the accounts API."""

from rest_framework import permissions
from rest_framework.request import Request


class IsAdmin(permissions.BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_superuser)
