"""Keep the Editors group's permissions in step with the models that exist after each migrate."""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .roles import EDITOR_APPS, EDITOR_EXTRA_PERMISSIONS, EDITORS, ROLE_GROUPS


def sync_role_permissions(**kwargs: Any) -> None:
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)
    editors = Group.objects.get(name=EDITORS)
    wanted = Q(content_type__app_label__in=EDITOR_APPS)
    for app_label, codename in EDITOR_EXTRA_PERMISSIONS:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    editors.permissions.add(*Permission.objects.filter(wanted))
