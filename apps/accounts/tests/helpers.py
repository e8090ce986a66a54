"""Small helpers for driving allauth's headless "app" client in tests."""

import re

from django.core import mail

APP = "/_allauth/app/v1"
CODE_RE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4}|[0-9]{6})\s*$", re.M)


def post(client, path: str, data: dict, token: str | None = None, **extra):
    headers = {"HTTP_X_SESSION_TOKEN": token} if token else {}
    return client.post(f"{APP}{path}", data, content_type="application/json", **headers, **extra)


def last_code(to: str | None = None) -> str:
    messages = [m for m in mail.outbox if to is None or to.lower() in m.to]
    match = CODE_RE.search(messages[-1].body)
    assert match, messages[-1].body
    return match.group(1)


def bearer(access: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {access}"}
