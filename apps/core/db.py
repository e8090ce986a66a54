"""Database helpers shared by the apps' services."""

from __future__ import annotations

from typing import TypeVar

from django.db import connection
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def lock_rows(queryset: QuerySet[M]) -> QuerySet[M]:
    """`select_for_update()` that locks only the queried table's rows.

    PostgreSQL refuses FOR UPDATE on the nullable side of an outer join (a `select_related` of a
    nullable foreign key), so it gets `OF (self)`; MariaDB has no `FOR UPDATE OF` and locks the joined
    rows too, which is harmless here.
    """
    if connection.features.has_select_for_update_of:
        return queryset.select_for_update(of=("self",))
    return queryset.select_for_update()
