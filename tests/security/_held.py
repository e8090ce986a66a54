"""Helpers of the held-attack replays (`test_held_*.py`): hostile payloads, what "inert" means, sign-ins."""

import base64
import json
from typing import Any

from django.test import Client

APP = "/_allauth/app/v1"
PASSWORD = "correct horse battery"  # the password of the personas in /conftest.py


def payload(mark: str) -> str:
    """Markup that breaks out of an attribute and runs script if anything prints it unescaped.

    `mark` (a few letters) tells the fields apart, so a test knows which one reached the page; it is
    prefixed with "q" so it never matches ordinary words of a page. At most 60 characters for a mark
    of 4 (tag names are the shortest field).
    """
    mark = "q" + mark
    return f'{mark}"><script>x{mark}()</script><img src=x onerror=x{mark}()>'


def assert_inert(text: str, mark: str) -> None:
    """No element of the payload survives as markup: no script element, no image with a handler."""
    mark = "q" + mark
    lowered = text.lower()
    assert f"<script>x{mark}" not in lowered, f"raw <script> of {mark!r} in the response"
    assert f"<img src=x onerror=x{mark}" not in lowered, f"raw <img onerror> of {mark!r} in the response"
    assert f'{mark}"><' not in lowered, f"{mark!r} broke out of an attribute"


def assert_escaped(text: str, mark: str) -> None:
    """The field is shown (as text), and inert: proves the surface really prints this field."""
    assert_inert(text, mark)
    mark = "q" + mark
    shown = (f"&lt;script&gt;x{mark}()", f"\\u003Cscript\\u003Ex{mark}()", f"\\u003cscript\\u003ex{mark}()")
    assert any(form in text for form in shown), f"{mark!r} is not shown on this surface"


def text_of(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def app_sign_in(client: Client, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Sign in through allauth's headless app client: `{"access_token", "refresh_token", ...}`.

    The address is marked verified first (the personas of /conftest.py are created without allauth).
    """
    verified(email)
    response = client.post(f"{APP}/auth/login", {"email": email, "password": password}, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["meta"]


def verified(email: str) -> None:
    """Mark the address verified, as allauth would after the e-mailed code (sign-in needs it)."""
    from allauth.account.models import EmailAddress

    from apps.accounts.models import User

    user = User.objects.get(email=email)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"primary": True, "verified": True})


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def browser_sign_in(email: str, password: str = PASSWORD) -> Client:
    """A browser that signed in on the site's page (session + HttpOnly JWT cookies), CSRF enforced."""
    verified(email)
    browser = Client(enforce_csrf_checks=True)
    token = browser.get("/en/accounts/login/").cookies["csrftoken"].value
    response = browser.post("/en/accounts/login/", {"login": email, "password": password, "csrfmiddlewaretoken": token})
    assert response.status_code == 302, response.content
    return browser


def _b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwt_parts(token: str) -> tuple[dict, dict, str]:
    header, claims, signature = token.split(".")
    decode = lambda s: json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))  # noqa: E731
    return decode(header), decode(claims), signature


def jwt_forge(header: dict, claims: dict, signature: str = "") -> str:
    return f"{_b64(header)}.{_b64(claims)}.{signature}"
