"""Soak: 10 minutes of mixed traffic against gunicorn + a Celery worker + MariaDB + Redis (issue 17).

Reads (pages in both languages, search, API list and detail) and writes (comments, likes, sign-ins,
newsletter subscriptions when that API exists) from 16 client threads, each owning its own users so
the final state of every write is known. At the end: requests and 5xx per endpoint, p50/p99 latency,
and lost writes (an accepted comment or like that is not in the database). Exits non-zero on any
5xx or lost write.

Environment: SOAK_SECONDS (default 600), SOAK_THREADS (16), SOAK_DATABASE (MariaDB database name,
default inkwell_soak, dropped and recreated), SOAK_REDIS (default redis://127.0.0.1:6379, using
databases 11 and 12, flushed first). Needs the MySQL driver (`make mysql-driver`).
"""

import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
THREADS = int(os.environ.get("SOAK_THREADS", "16"))
DATABASE = os.environ.get("SOAK_DATABASE", "inkwell_soak")
REDIS = os.environ.get("SOAK_REDIS", "redis://127.0.0.1:6379").rstrip("/")
USERS_PER_THREAD = 3
PASSWORD = "soak passphrase 12345"  # noqa: S105 - the scratch users of this run


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(workdir: Path, port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"mysql://root@127.0.0.1:3306/{DATABASE}",
        "REDIS_URL": f"{REDIS}/11",
        "CELERY_BROKER_URL": f"{REDIS}/12",
        "MEDIA_ROOT": str(workdir / "media"),
        "DEBUG": "false",
        "SECRET_KEY": "soak-only-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        # Every client comes from 127.0.0.1: the per-IP limits would refuse real traffic from one host.
        "THROTTLE_ANON": "1000000/s",
        "THROTTLE_USER": "1000000/s",
        "THROTTLE_WRITE": "1000000/s",
        "AUTH_RATE_IP": "1000000/10min",
        "AUTH_RATE_EMAIL": "1000000/10min",
        "COMMUNITY_COMMENT_RATE_USER": "1000000/10min",
        "COMMUNITY_COMMENT_RATE_IP": "1000000/10min",
        "COMMUNITY_REACTION_RATE": "1000000/10min",
        "COMMUNITY_HOLD_FIRST_COMMENT": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    for name in ("NEWSLETTER_SUBSCRIBE_RATE_IP", "NEWSLETTER_SUBSCRIBE_RATE_EMAIL"):
        env[name] = "1000000/10min"
    return env


def run(env: dict[str, str], *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, cwd=ROOT, check=True, **kwargs)


def prepare(env: dict[str, str]) -> list[str]:
    sql = f"DROP DATABASE IF EXISTS {DATABASE}; CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4"
    run(env, "mariadb", "-h", "127.0.0.1", "-uroot", "-e", sql)
    for db in ("11", "12"):
        run(env, "redis-cli", "-u", f"{REDIS}/{db}", "flushdb", stdout=subprocess.DEVNULL)
    run(env, PYTHON, "manage.py", "migrate", "--noinput", "-v0")
    run(env, PYTHON, "manage.py", "collectstatic", "--noinput", "-v0")
    code = (
        "from apps.blog.demo import seed_demo; seed_demo();"
        "from django.contrib.auth.models import Group; from apps.accounts.models import User;"
        "from allauth.account.models import EmailAddress;"
        f"readers = Group.objects.get(name='Readers'); n = {THREADS * USERS_PER_THREAD};"
        "users = [User.objects.create_user(email=f'soak{i}@example.com', password="
        + repr(PASSWORD)
        + ") for i in range(n)];"
        "[u.groups.add(readers) for u in users];"
        "EmailAddress.objects.bulk_create("
        "[EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]);"
        "from apps.blog.models import Post;"
        "slugs = Post.objects.filter(status='published', is_premium=False).values_list('slug', flat=True);"
        "print('SLUGS', *slugs)"
    )
    out = run(env, PYTHON, "manage.py", "shell", "-c", code, capture_output=True, text=True).stdout
    return next(line.split()[1:] for line in out.splitlines() if line.startswith("SLUGS "))


def start(env: dict[str, str], port: int, log: Path) -> list[subprocess.Popen]:
    gunicorn = [PYTHON, "-m", "gunicorn", "blog_site.wsgi:application", "--workers", "2", "--threads", "4"]
    gunicorn += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    worker = [PYTHON, "-m", "celery", "-A", "blog_site", "worker", "-c", "2", "-l", "WARNING"]
    out = open(log, "ab")  # noqa: SIM115 - lives as long as the processes
    processes = [
        subprocess.Popen(c, env=env, cwd=ROOT, stdout=out, stderr=out, start_new_session=True)
        for c in (gunicorn, worker)
    ]
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return processes
        except OSError:
            time.sleep(0.1)
    stop(processes)
    raise SystemExit("soak: gunicorn did not start")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        process.wait(timeout=30)


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener()

    def call(self, method: str, path: str, body: dict | None = None, token: str = "") -> tuple[int, dict | None]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310 - our own server
        request.add_header("Accept-Language", "en")
        request.add_header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36 soak")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with self.opener.open(request, timeout=30) as response:
                raw, status = response.read(), response.status
        except urllib.error.HTTPError as error:
            raw, status = error.read(), error.code
        try:
            return status, json.loads(raw) if raw and raw[:1] in (b"{", b"[") else None
        except ValueError:
            return status, None


class Soak:
    def __init__(self, base: str, slugs: list[str]) -> None:
        self.base, self.slugs = base, slugs
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.comments: list[int] = []
        self.likes: dict[tuple[str, str], bool] = {}
        self.subscribed: list[str] = []
        self.lock = threading.Lock()
        self.has_subscribe = Client(base).call("OPTIONS", "/api/v1/subscribers/")[0] != 404

    def timed(self, name: str, fn, *args) -> tuple[int, dict | None]:
        started = time.perf_counter()
        status, body = fn(*args)
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latency[name].append(elapsed)
            self.status[name][status] += 1
        return status, body

    def sign_in(self, client: Client, email: str) -> str:
        credentials = {"email": email, "password": PASSWORD}
        status, body = self.timed("POST sign-in", client.call, "POST", "/_allauth/app/v1/auth/login", credentials)
        return (body or {}).get("meta", {}).get("access_token", "") if status == 200 else ""

    def worker(self, index: int, until: float) -> None:
        rng = random.Random(index)
        client = Client(self.base)
        emails = [f"soak{index * USERS_PER_THREAD + i}@example.com" for i in range(USERS_PER_THREAD)]
        tokens = dict.fromkeys(emails, "")
        while time.time() < until:
            slug, email = rng.choice(self.slugs), rng.choice(emails)
            roll = rng.random()
            if roll < 0.65:
                name, path = self.read(rng, roll, slug)
                self.timed(name, client.call, "GET", path)
            elif roll < 0.71 or not tokens[email]:
                tokens[email] = self.sign_in(client, email) or tokens[email]
            elif roll < 0.83:
                body = {"post": slug, "body": f"Soak comment {index}-{time.time_ns()}"}
                path = "/api/v1/comments/"
                status, answer = self.timed(f"POST {path}", client.call, "POST", path, body, tokens[email])
                if status == 201 and answer:
                    with self.lock:
                        self.comments.append(answer["id"])
                elif status == 401:
                    tokens[email] = ""
            elif roll < 0.95:
                path = "/api/v1/likes/toggle/"
                status, answer = self.timed(f"POST {path}", client.call, "POST", path, {"post": slug}, tokens[email])
                if status in (200, 201) and answer and "liked" in answer:
                    self.likes[(email, slug)] = answer["liked"]  # this thread owns `email`: last answer wins
                elif status == 401:
                    tokens[email] = ""
            elif self.has_subscribe:
                body = {"email": f"sub{index}-{time.time_ns()}@example.com", "language": "en"}
                path = "/api/v1/subscribers/"
                status, _answer = self.timed(f"POST {path}", client.call, "POST", path, body)
                if status in (200, 201, 202):
                    with self.lock:
                        self.subscribed.append(body["email"])

    @staticmethod
    def read(rng: random.Random, roll: float, slug: str) -> tuple[str, str]:
        """(endpoint name, path) of a read, by where `roll` (0 to 0.65) falls."""
        if roll < 0.18:
            return "GET /en/posts/<slug>/", f"/en/posts/{slug}/"
        if roll < 0.28:
            return "GET /zh-hans/posts/<slug>/", f"/zh-hans/posts/{slug}/"
        if roll < 0.38:
            return "GET /en/", "/en/"
        if roll < 0.43:
            return "GET /en/search/?q=", f"/en/search/?q={rng.choice(['django', 'cache', 'rust'])}"
        if roll < 0.55:
            return "GET /api/v1/posts/", "/api/v1/posts/"
        return "GET /api/v1/posts/<slug>/", f"/api/v1/posts/{slug}/"

    def drive(self) -> float:
        until = time.time() + SECONDS
        threads = [threading.Thread(target=self.worker, args=(i, until)) for i in range(THREADS)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started


def lost_writes(env: dict[str, str], soak: Soak) -> dict[str, int]:
    check = {
        "comments": soak.comments,
        "likes": [[email, slug, on] for (email, slug), on in soak.likes.items()],
        "subscribers": soak.subscribed,
    }
    fd, path = tempfile.mkstemp(suffix=".json")
    with os.fdopen(fd, "w") as handle:
        json.dump(check, handle)
    code = (
        "import json; from apps.community.models import Comment, Like;"
        f"c = json.load(open({path!r}));"
        "have = set(Comment.objects.filter(pk__in=c['comments']).values_list('pk', flat=True));"
        "liked = set(Like.objects.values_list('user__email', 'post__slug'));"
        "lost_likes = sum(1 for e, s, on in c['likes'] if ((e, s) in liked) != on);"
        "lost_subs = 0\n"
        "try:\n"
        "    from apps.community.models import Subscriber\n"
        "    lost_subs = len(set(c['subscribers']) - set(Subscriber.objects.values_list('email', flat=True)))\n"
        "except ImportError:\n"
        "    pass\n"
        "print(json.dumps({'comments': len(set(c['comments']) - have), 'likes': lost_likes, 'subscribers': lost_subs}))"
    )
    out = run(env, PYTHON, "manage.py", "shell", "-c", code, capture_output=True, text=True).stdout
    os.unlink(path)
    return json.loads(out.strip().splitlines()[-1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="inkwell-soak-"))
    port = free_port()
    env = environment(workdir, port)
    slugs = prepare(env)
    processes = start(env, port, workdir / "server.log")
    try:
        soak = Soak(f"http://127.0.0.1:{port}", slugs)
        elapsed = soak.drive()
    finally:
        stop(processes)
    lost = lost_writes(env, soak)
    total = sum(sum(s.values()) for s in soak.status.values())
    errors = sum(n for s in soak.status.values() for code, n in s.items() if code >= 500)
    print(f"soak: {elapsed:.0f} s, {THREADS} clients, {total} requests ({total / elapsed:.0f}/s), 5xx: {errors}")
    print(f"{'endpoint':<30} {'requests':>9} {'5xx':>5} {'p50 ms':>8} {'p99 ms':>8}  statuses")
    for name in sorted(soak.latency):
        values, statuses = soak.latency[name], dict(sorted(soak.status[name].items()))
        fives = sum(n for code, n in statuses.items() if code >= 500)
        p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
        print(f"{name:<30} {len(values):>9} {fives:>5} {p50:>8.1f} {p99:>8.1f}  {statuses}")
    print(
        f"writes accepted: {len(soak.comments)} comments, {len(soak.likes)} like states, {len(soak.subscribed)} "
        f"subscriptions; lost: {lost}"
    )
    print(f"server log: {workdir / 'server.log'}")
    return 1 if errors or any(lost.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
