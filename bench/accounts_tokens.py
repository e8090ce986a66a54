"""Accounts: cost of the API's authentication (run by `make bench`).

Issues simplejwt pairs, rotates them, and calls GET /api/v1/users/me/ with a Bearer token through the
Django test client on a throwaway SQLite database. Prints per-operation times; no thresholds.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blog_site.settings")
os.environ["THROTTLE_ANON"] = os.environ["THROTTLE_USER"] = "1000000/min"  # measure the view, not the throttle
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()
call_command("migrate", verbosity=0)

from apps.accounts import services  # noqa: E402
from apps.accounts.models import User  # noqa: E402


def timed(label: str, n: int, fn) -> None:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    ms = (time.perf_counter() - start) * 1000 / n
    print(f"{label:<44} {ms:7.2f} ms/op  ({n} runs)")


user = User.objects.create_user(email="bench@example.com", password=None)
pair = services.token_pair_issue(user=user)
client = Client()
headers = {"HTTP_AUTHORIZATION": f"Bearer {pair.access}"}
if client.get("/api/v1/users/me/", **headers).status_code != 200:
    sys.exit("bench: the Bearer token was refused")

timed("token pair issue (+ outstanding row)", 300, lambda: services.token_pair_issue(user=user))
state = {"refresh": services.token_pair_issue(user=user).refresh}


def rotate() -> None:
    state["refresh"] = services.token_pair_refresh(refresh=state["refresh"]).refresh


timed("refresh rotation (+ blacklist row)", 300, rotate)
timed("GET /api/v1/users/me/ with Bearer", 500, lambda: client.get("/api/v1/users/me/", **headers))
timed("GET /api/v1/profiles/{id}/ anonymous", 500, lambda: client.get(f"/api/v1/profiles/{user.pk}/"))
