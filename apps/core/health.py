"""Readiness checks: each returns None when healthy, or a short reason."""

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connections


def check_database() -> str | None:
    try:
        for alias in connections:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; the reason is reported
        return f"{type(exc).__name__}: {exc}"
    return None


def check_cache() -> str | None:
    try:
        cache.set("readyz:probe", "ok", timeout=5)
        if cache.get("readyz:probe") != "ok":
            return "cache did not return the value it was given"
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"
    return None


def check_broker() -> str | None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"
    return None


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def readiness() -> dict[str, str]:
    """Map of check name to "ok", "not configured", or the failure reason."""
    result = {}
    for name, check in CHECKS.items():
        if name == "broker" and settings.CELERY_TASK_ALWAYS_EAGER:
            result[name] = "not configured"
            continue
        result[name] = check() or "ok"
    return result
