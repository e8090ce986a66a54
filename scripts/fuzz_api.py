# ruff: noqa: T201, S603 - a command-line script: it prints progress and runs our own tools
"""Schemathesis over every operation of `/api/schema/`: anonymous, as a reader and as an editor.

    .venv/bin/python scripts/fuzz_api.py                    # bounded (CI): ~1 minute per persona
    FUZZ_MAX_TIME=600 .venv/bin/python scripts/fuzz_api.py  # longer (`make fuzz`)

It builds a scratch SQLite database in a temporary directory (migrate, the demo site,
a reader, an editor, a public and a private upload each), serves it with gunicorn (2 sync workers,
`DEBUG=false`, a real-looking `SECRET_KEY`, `ALLOWED_HOSTS`, 127.0.0.1 on a free port, the API
throttles and auth limits raised so the run is not answered 429), signs the reader and the editor
in through the API's token endpoint (allauth's `/_allauth/app/v1/auth/login`) and runs
`st run <url>/api/schema/ --checks all` once per persona with `Authorization: Bearer <access>`.
It exits non-zero if any persona's run fails (a 5xx, a response that breaks the schema, ...) and
always stops the server.

Environment: FUZZ_MAX_TIME (seconds per persona, default 60; at most 840, as an access token lives
15 minutes), FUZZ_MAX_EXAMPLES (cases per operation and phase, default 30), FUZZ_PERSONAS
(comma-separated, default `anonymous,reader,editor`), FUZZ_WORKERS (schemathesis workers, default 1),
FUZZ_SEED (reproduce a run), FUZZ_WORKDIR (keep the scratch directory and reuse its database; the
gunicorn log and the schemathesis reports are written there), FUZZ_CHECKS (default `all`).
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "fuzzing is fun " + secrets.token_hex(4)
PERSONAS = {"reader": ("fuzz-reader@example.com", "Readers"), "editor": ("fuzz-editor@example.com", "Editors")}
# Operations that would end the persona's own run: "log out everywhere" revokes the very token the
# fuzzer uses. They are covered by the test suite (apps/accounts/tests, tests/security).
SIGNED_IN_EXCLUDES = ("--exclude-path", "/api/v1/users/me/logout-all/")
RAISED = "1000000/s"  # effectively unthrottled; per second so DRF's per-window history stays short


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The production settings, but static files unhashed: the manifest needs `collectstatic`, which takes
# minutes on a busy machine, and the API under test serves no static files.
SETTINGS = """from blog_site.settings import *  # noqa: F403
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
"""


def server_env(workdir: Path, port: int) -> dict[str, str]:
    (workdir / "fuzzsettings.py").write_text(SETTINGS)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fuzzsettings",
        "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT)]),
        # Two gunicorn workers write to one SQLite file: wait for the lock instead of failing at once.
        "DATABASE_URL": f"sqlite:///{workdir / 'fuzz.sqlite3'}?timeout=30&transaction_mode=IMMEDIATE",
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private_media"),
        "BACKUP_ROOT": str(workdir / "backups"),
        "DEBUG": "false",
        "SECRET_KEY": "fuzz-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        # Plain HTTP on loopback: no redirect to HTTPS (every other production default stays).
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "THROTTLE_ANON": RAISED,
        "THROTTLE_USER": RAISED,
        "THROTTLE_AUTH": RAISED,
        "THROTTLE_UPLOAD": RAISED,
        "THROTTLE_WRITE": RAISED,
        "AUTH_RATE_IP": RAISED,
        "AUTH_RATE_EMAIL": RAISED,
        "COMMUNITY_COMMENT_RATE_USER": RAISED,
        "COMMUNITY_COMMENT_RATE_IP": RAISED,
        "COMMUNITY_REACTION_RATE": RAISED,
        "LOG_LEVEL": "ERROR",  # the server log then holds only 5xx tracebacks
    }
    # Self-contained: an in-process cache and eager tasks, whatever the calling shell points at.
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "AWS_STORAGE_BUCKET_NAME", "EMAIL_HOST"):
        env.pop(name, None)
    return env


SEED = """
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from allauth.account.models import EmailAddress
from apps.accounts.models import User
import io
from PIL import Image
from apps.blog.demo import seed_demo
from apps.media import services as media

seed_demo()
for email, group in {personas!r}.values():
    user, _ = User.objects.get_or_create(email=email, defaults={{"display_name": group[:-1] + " under test"}})
    user.set_password({password!r})
    user.is_staff = group == "Editors"
    user.save()
    user.groups.add(Group.objects.get(name=group))
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={{"primary": True, "verified": True}})
    for i, visibility in enumerate(("public", "private")):
        png = io.BytesIO()
        Image.new("RGB", (64, 48), (40 * i, len(email), 90)).save(png, "PNG")
        upload = SimpleUploadedFile(f"{{visibility}}.png", png.getvalue(), content_type="image/png")
        media.asset_create(owner=user, uploaded_file=upload, visibility=visibility)
"""


def prepare(env: dict[str, str], fresh: bool) -> None:
    manage = [sys.executable, str(ROOT / "manage.py")]
    steps = [["migrate", "--noinput", "-v0"]]
    if fresh:
        steps.append(["shell", "-c", SEED.format(personas=PERSONAS, password=PASSWORD)])
    for step in steps:
        started = time.perf_counter()
        subprocess.run([*manage, *step], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        print(f"== {step[0]}: {time.perf_counter() - started:.1f}s", flush=True)


def serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    command = [str(BIN / "gunicorn"), "blog_site.wsgi:application", "--workers", "2", "--worker-class", "sync"]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning"]
    # No request-line limit: long generated URLs reach the app (a proxy's 414 is not the app's answer).
    command += ["--limit-request-line", "0"]
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True, stdout=out, stderr=out)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    stop(process)
    raise SystemExit(f"gunicorn did not start; see {log}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def sign_in(base: str, email: str) -> str:
    """An access token from the API's token endpoint, as any client gets one."""
    body = json.dumps({"email": email, "password": PASSWORD}).encode()
    request = urllib.request.Request(  # noqa: S310 - our own server
        f"{base}/_allauth/app/v1/auth/login", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.load(response)["meta"]["access_token"]


def fuzz(base: str, persona: str, token: str | None, workdir: Path) -> int:
    max_time = min(int(os.environ.get("FUZZ_MAX_TIME", "60")), 840)
    config = Path(__file__).with_suffix(".toml")  # the few documented exceptions to `--checks all`
    command = [str(BIN / "st"), "--no-color", "--config-file", str(config), "run", f"{base}/api/schema/"]
    command += ["--checks", os.environ.get("FUZZ_CHECKS", "all")]
    command += ["--max-examples", os.environ.get("FUZZ_MAX_EXAMPLES", "30"), "--max-time", str(max_time)]
    # One worker: schemathesis' generator is not thread-safe on Python 3.11 (hypothesis' ast.parse).
    command += ["--workers", os.environ.get("FUZZ_WORKERS", "1"), "--request-timeout", "30"]
    command += ["--generation-database", "none", "--suppress-health-check", "all"]
    command += ["--report", "junit", "--report-dir", str(workdir / "reports" / persona)]
    if os.environ.get("FUZZ_SEED"):
        command += ["--seed", os.environ["FUZZ_SEED"]]
    if token:
        command += ["--header", f"Authorization: Bearer {token}", *SIGNED_IN_EXCLUDES]
    print(f"\n== schemathesis as {persona} ({max_time}s at most)", flush=True)
    return subprocess.run(command, cwd=workdir, check=False).returncode


def main() -> int:
    personas = [p.strip() for p in os.environ.get("FUZZ_PERSONAS", "anonymous,reader,editor").split(",") if p.strip()]
    unknown = set(personas) - {"anonymous", *PERSONAS}
    if unknown:
        raise SystemExit(f"FUZZ_PERSONAS: unknown {', '.join(sorted(unknown))} (anonymous, reader, editor)")
    keep = os.environ.get("FUZZ_WORKDIR")
    workdir = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="inkwell-fuzz-"))
    workdir.mkdir(parents=True, exist_ok=True)
    fresh = not (workdir / "fuzz.sqlite3").exists()
    port = free_port()
    env = server_env(workdir, port)
    if not fresh:  # a kept database: its personas keep the password they were created with
        global PASSWORD
        PASSWORD = (workdir / "password").read_text()
    (workdir / "password").write_text(PASSWORD)
    failed: list[str] = []
    # Payments on, against Stripe's local stand-in (stdlib only): without keys the checkout answers its
    # documented 503 "not configured", which the fuzz run's "no server error" check cannot tell apart.
    # The same for AI translation and key points, against DashScope's stand-in.
    sys.path.insert(0, str(ROOT))
    from apps.blog.qwen_standin import QwenStandIn
    from apps.payments.stripe_standin import StripeStandIn

    standin = StripeStandIn(webhook_url=f"http://127.0.0.1:{port}/payments/stripe/webhook/").start()
    qwen = QwenStandIn().start()
    env.update(
        STRIPE_SECRET_KEY="sk_test_standin",  # noqa: S106 - the stand-in's test key
        STRIPE_WEBHOOK_SECRET=standin.webhook_secret,
        STRIPE_API_BASE=standin.url,
        QWEN_API_KEY="standin-key",
        QWEN_API_BASE_URL=qwen.url,
        QWEN_API_TIMEOUT="10",
    )
    prepare(env, fresh)
    log = workdir / "gunicorn.log"
    process = serve(env, port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        for persona in personas:
            token = None if persona == "anonymous" else sign_in(base, PERSONAS[persona][0])
            if fuzz(base, persona, token, workdir) != 0:
                failed.append(persona)
    finally:
        stop(process)
        standin.stop()
        qwen.stop()
        server_errors = log.read_text(errors="replace").count("Internal Server Error") if log.exists() else 0
        if not keep:
            reports = ROOT / ".artifacts" / "fuzz"
            shutil.rmtree(reports, ignore_errors=True)
            reports.mkdir(parents=True)
            if (workdir / "reports").exists():
                shutil.copytree(workdir / "reports", reports, dirs_exist_ok=True)
            if log.exists():
                shutil.copy(log, reports / "gunicorn.log")
            shutil.rmtree(workdir, ignore_errors=True)
    where = keep or ".artifacts/fuzz"
    print(f"\n== fuzz: the server logged {server_errors} internal server error(s) (5xx tracebacks in {where})")
    if failed:
        print(f"\n== fuzz: FAILED for {', '.join(failed)} (JUnit reports and the server log in {where})")
        return 1
    print(f"\n== fuzz: no failures for {', '.join(personas)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
