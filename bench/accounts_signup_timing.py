"""Accounts: does sign-up tell a taken e-mail apart by its answer time? (run by `make bench`)

Signs up through allauth's headless app client (`POST /_allauth/app/v1/auth/signup`) alternately with
a new address and with one that already has an account, with the production password hasher (Argon2,
as `blog_site.settings` orders it outside pytest), on a throwaway SQLite database (or
BENCH_DATABASE_URL, e.g. mysql://root@127.0.0.1:3306/inkwell_bench, created and dropped). Prints the
median and spread of each; the two must be within noise of each other.

    .venv/bin/python bench/accounts_signup_timing.py          # BENCH_SIGNUP_RUNS=30
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blog_site.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ["AUTH_RATE_IP"] = os.environ["AUTH_RATE_EMAIL"] = "1000000/min"  # measure sign-up, not the limiter

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()  # e-mails go to a local outbox
if connection.vendor != "sqlite":
    connection.creation.create_test_db(verbosity=0, autoclobber=True)  # a scratch test_<name> database
call_command("migrate", verbosity=0)

from apps.accounts.models import User  # noqa: E402

RUNS = int(os.environ.get("BENCH_SIGNUP_RUNS", "30"))
PASSWORD = "purple tiger 42 lamp"  # noqa: S105 - a throwaway account on a scratch database
hasher = settings.PASSWORD_HASHERS[0].rsplit(".", 1)[-1]
if hasher != "Argon2PasswordHasher":
    sys.exit(f"bench: needs the production hasher (Argon2), got {hasher}")

User.objects.create_user(email="taken@example.com", password=PASSWORD)
client = Client()


def signup(email: str, n: int) -> float:
    start = time.perf_counter()
    response = client.post(
        "/_allauth/app/v1/auth/signup",
        {"email": email, "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR=f"10.9.{n // 250}.{n % 250}",
    )
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 401:
        sys.exit(f"bench: sign-up answered {response.status_code}: {response.content[:200]!r}")
    return elapsed


signup("warm-up@example.com", 0)
signup("taken@example.com", 1)
times: dict[str, list[float]] = {"new": [], "taken": []}
for i in range(RUNS):  # interleaved, so drift in machine load hits both alike
    times["new"].append(signup(f"new{i}@example.com", 2 * i + 2))
    times["taken"].append(signup("taken@example.com", 2 * i + 3))

print(f"sign-up answer time with {hasher}, {RUNS} runs each")
for label, values in times.items():
    q = statistics.quantiles(values, n=10)
    print(
        f"  {label + ' e-mail':<12} median {statistics.median(values):7.1f} ms"
        f"   p10 {q[0]:7.1f}   p90 {q[-1]:7.1f}   min {min(values):7.1f}   max {max(values):7.1f}"
    )
gap = statistics.median(times["new"]) - statistics.median(times["taken"])
print(f"  median gap (new - taken): {gap:+.1f} ms")
if connection.vendor != "sqlite":
    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
