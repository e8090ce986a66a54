"""Reader-page and API benchmark: 2,000 posts, gunicorn (2 sync workers), wrk, beside a bare Django view.

Run with `make bench` (or `.venv/bin/python bench/blog_bench.py`). It builds a scratch SQLite
database in a temporary directory, seeds it with `apps.blog.demo.seed_bulk_posts` and a signed-in
reader's session, then serves the site three times with gunicorn on 127.0.0.1 (an ephemeral port):

1. page cache on, local-memory cache per worker: the bare view and each reader page (cache hits);
2. page cache on, Redis (`REDIS_URL`, as in production; skipped when it is not set): the same pages;
3. page cache off (`BENCH_PAGE_CACHE=0`): each reader page rendered on every request, the post page
   for a signed-in reader (session cookie), the posts API list (20) and a post's API detail;
4. page cache and fragment cache off (`BLOG_FRAGMENT_CACHE_TIMEOUT=0`): home and post, as the first
   reader after a change gets them (no cached card or post links);
5. `cpu`: CPU time per request in one process (`time.process_time`) for every page, with fragments
   and without: steady on a shared machine, where requests/s drift with other jobs.

Each row is measured with `wrk -t2 -c16`, the bare 10 KB view again right before it (this machine's
load drifts), and shows requests/s, p50/p99 latency, its share of that bare view, the target and
whether it is met. Then each gunicorn worker's RSS after the uncached run, and the cProfile (top 15 by
cumulative time) of the slowest uncached page, in-process.

Environment: BENCH_WORKDIR (keep and reuse the seeded scratch directory), BENCH_SECONDS (per URL,
default 5), BENCH_POSTS (default 2000), REDIS_URL (the Redis for the second run; its keys get their
own prefix), BENCH_ONLY (comma-separated run names to run: locmem, redis, uncached, cold, cpu).
"""

import os
import re
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
PYTHON = sys.executable
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
POSTS = int(os.environ.get("BENCH_POSTS", "2000"))
RSS_TARGET_MIB = 130
CACHED_P99_MS = 5.0

# kind: (share of the bare view, p99 limit in ms or None)
TARGETS = {
    "cached": (0.90, CACHED_P99_MS),
    "post": (0.15, None),
    "page": (0.10, None),
    "signed-in": (0.10, None),
    "api-list": (0.10, None),
    "api-detail": (0.15, None),
}
BARE = ("bare view (10 KB)", "/bench/bare/")
READER_PAGES = [
    ("home", "/en/", "page"),
    ("post", "/en/posts/bench-post-1000/", "post"),
    ("tag", "/en/tags/bench-0/", "page"),
    ("section", "/en/sections/dev-notes/", "page"),
    ("search", "/en/search/?q=benchmark", "page"),
]
UNCACHED_EXTRA = [
    ("post, signed in", "/en/posts/bench-post-1000/", "signed-in"),
    ("posts API list (20)", "/api/v1/posts/", "api-list"),
    ("post API detail", "/api/v1/posts/bench-post-1000/", "api-detail"),
]
SESSION_FILE = "reader-session.txt"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(workdir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchsite.settings",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1:8000",  # required with DEBUG off
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        # Effectively unthrottled. Per second, not per minute: DRF keeps every request's time of the
        # window in the cache, and a minute of wrk traffic makes that list thousands long. The user
        # rate counts too: UserRateThrottle also limits anonymous clients, by IP.
        "THROTTLE_ANON": "1000000/s",
        "THROTTLE_USER": "1000000/s",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("REDIS_URL", None)  # only the Redis run uses it
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        # Show why (a traceback), not just the command line.
        raise SystemExit(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


SESSION_CODE = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
user, _ = get_user_model().objects.get_or_create(email="reader@bench.test")
user.set_password("bench-reader-password"); user.save()
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.set_expiry(7 * 86400)
session.save()
print(session.session_key)
"""


def prepare(env: dict[str, str], workdir: Path) -> None:
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    code = f"from apps.blog.demo import seed_demo, seed_bulk_posts; seed_demo(); print(seed_bulk_posts({POSTS}))"
    manage(env, "shell", "-c", code)
    session_key = manage(env, "shell", "-c", SESSION_CODE).strip().splitlines()[-1]
    (workdir / SESSION_FILE).write_text(session_key)
    print(f"seeded {POSTS} posts in {time.perf_counter() - started:.1f}s")


def serve(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [PYTHON, "-m", "gunicorn", "blog_site.wsgi:application", "--workers", "2", "--worker-class", "sync"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--pythonpath", f"{ROOT},{ROOT / 'bench'}"]
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310 - our own local server
            return process, base
        except OSError:
            time.sleep(0.1)
    stop(process)
    raise SystemExit("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=15)


def worker_rss_mib(process: subprocess.Popen) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children)."""
    out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(process.pid)], capture_output=True, text=True).stdout
    return [int(line) / 1024 for line in out.split()]


def status_of(url: str, headers: dict[str, str]) -> int:
    try:
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own local server
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, headers: dict[str, str] | None = None) -> dict[str, float]:
    extra = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    subprocess.run(["wrk", "-t2", "-c16", "-d1s", *extra, url], capture_output=True, check=True)  # warm up
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{SECONDS}s", "--latency", *extra, url], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": rps,
        "p50": _ms(*p50.groups()),
        "p99": _ms(*p99.groups()),
        "errors": int(errors.group(1)) if errors else 0,
    }


def run(env: dict[str, str], pages: list[tuple[str, str, str]], headers_for: dict[str, dict]) -> tuple[list, list]:
    """Measure each page after the bare view; returns the rows and the workers' RSS after the run."""
    process, base = serve(env)
    rows = []
    try:
        for label, path, kind in pages:
            headers = headers_for.get(kind, {})
            status = status_of(base + path, headers)
            if status != 200:
                print(f"  {label}: {path} answered {status}; not measured")
                rows.append((label, kind, None))
                continue
            bare = wrk(base + BARE[1])
            result = wrk(base + path, headers)
            result["bare_rps"] = bare["rps"]
            result["bare_p99"] = bare["p99"]
            rows.append((label, kind, result))
        rss = worker_rss_mib(process)
    finally:
        stop(process)
    return rows, rss


def verdict(kind: str, result: dict[str, float]) -> tuple[str, bool]:
    share, p99_limit = TARGETS[kind]
    met = result["rps"] / result["bare_rps"] >= share and (p99_limit is None or result["p99"] <= p99_limit)
    text = f"≥{share:.2f}" + (f", p99≤{p99_limit:g}ms" if p99_limit else "")
    return text, met


def report(title: str, rows: list) -> list[str]:
    print(f"\n{title}")
    print(
        f"  {'page':<22} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'bare r/s':>8} {'bare p99':>8} {'share':>6}  "
        f"{'target':<17} met"
    )
    misses = []
    for label, kind, result in rows:
        if result is None:
            print(f"  {label:<22} {'n/a':>8}")
            misses.append(label)
            continue
        share = result["rps"] / result["bare_rps"]
        target, met = verdict(kind, result)
        errors = f"  ({result['errors']} non-2xx)" if result["errors"] else ""
        print(
            f"  {label:<22} {result['rps']:>8.0f} {result['p50']:>7.2f} {result['p99']:>7.2f} "
            f"{result['bare_rps']:>8.0f} {result['bare_p99']:>8.2f} {share:>6.3f}  {target:<17} "
            f"{'met' if met else 'NOT MET'}{errors}"
        )
        if not met:
            misses.append(label)
    return misses


PROFILE = """
import cProfile, pstats
from django.test import Client
client = Client(SERVER_NAME="127.0.0.1")
client.get(PATH)
profile = cProfile.Profile()
profile.enable()
for _ in range(200):
    client.get(PATH)
profile.disable()
stats = pstats.Stats(profile)
print(f"cProfile of 200 uncached GETs of {PATH} (in-process, DEBUG off), top 15 by cumulative time")
print("(below the middleware chain: the test client, handlers and middleware wrappers are left out):")
stats.sort_stats("cumulative").print_stats(WRAPPERS, 15)
"""
# Every request passes through these; leaving them out shows where a page's own time goes.
WRAPPERS = (
    r"^(?!.*(middleware|handlers/|test/client|deprecation|security_headers|api_errors|decorators/http"
    r"|page_cache.py:\d+\(wrapper\)|cached_page|\{built-in method builtins.exec\}|<string>)).*"
)


CPU = """
import time
from django.test import Client
anon, signed = Client(SERVER_NAME="127.0.0.1"), Client(SERVER_NAME="127.0.0.1")
signed.cookies["sessionid"] = SESSION
for label, path, who in URLS:
    client = signed if who == "signed-in" else anon
    assert client.get(path).status_code == 200, path
    best = None
    for _round in range(3):
        started = time.process_time()
        for _ in range(N):
            client.get(path)
        ms = (time.process_time() - started) * 1000 / N
        best = ms if best is None else min(best, ms)
    print(f"{label}\t{best:.3f}")
"""


def cpu_times(env: dict[str, str], session: str, fragments: bool) -> dict[str, float]:
    """CPU ms per request in one process (best of 3 x 15): steady on a busy machine, unlike req/s."""
    env = {**env, "BENCH_PAGE_CACHE": "0", "BLOG_FRAGMENT_CACHE_TIMEOUT": "600" if fragments else "0"}
    urls = [("bare view (10 KB)", BARE[1], "")] + [(label, path, "") for label, path, _k in READER_PAGES]
    urls += [(label, path, kind) for label, path, kind in UNCACHED_EXTRA]
    code = f"URLS = {urls!r}\nSESSION = {session!r}\nN = 15\n" + CPU
    out = manage(env, "shell", "-c", code)
    return {label: float(ms) for label, ms in (line.split("\t") for line in out.splitlines() if "\t" in line)}


def report_cpu(with_fragments: dict[str, float], without: dict[str, float]) -> None:
    bare = with_fragments[BARE[0]]
    print("\nCPU time per request, in-process (page cache off; share = bare ms ÷ page ms)")
    print(f"  {'page':<22} {'ms':>7} {'share':>6} {'ms, no fragments':>17} {'share':>6}")
    for label, ms in with_fragments.items():
        cold = without.get(label, 0.0)
        cold_share = bare / cold if cold else 0.0
        print(f"  {label:<22} {ms:>7.2f} {bare / ms:>6.3f} {cold:>17.2f} {cold_share:>6.3f}")


def profile(env: dict[str, str], path: str) -> None:
    env = {**env, "BENCH_PAGE_CACHE": "0"}
    code = f"PATH = {path!r}\nWRAPPERS = {WRAPPERS!r}\n" + PROFILE
    result = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "shell", "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    print("\n" + "\n".join(line[:160] for line in lines[:30]))


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian package `wrk`).")
    keep = os.environ.get("BENCH_WORKDIR")  # reuse a seeded scratch directory between runs
    workdir = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="inkwell-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    only = set(filter(None, os.environ.get("BENCH_ONLY", "locmem,redis,uncached,cold,cpu").split(",")))
    redis_url = os.environ.get("REDIS_URL", "")
    try:
        env = base_env(workdir)
        if not (keep and (workdir / "bench.sqlite3").exists() and (workdir / SESSION_FILE).exists()):
            prepare(env, workdir)
        else:
            manage(env, "migrate", "--noinput", "-v0")  # a reused database follows the code's migrations
            # Static files live in the tree, not the workdir: a workdir seeded from another checkout
            # would otherwise fail on the first page ("Missing staticfiles manifest entry").
            manage(env, "collectstatic", "--noinput", "-v0")
        signed_in = {"Cookie": f"sessionid={(workdir / SESSION_FILE).read_text().strip()}"}
        cached_pages = [(f"{label}, cached", path, "cached") for label, path, _kind in READER_PAGES]
        uncached_pages = [(f"{label}, uncached", path, kind) for label, path, kind in READER_PAGES] + UNCACHED_EXTRA
        sections, rss = [], []
        if "locmem" in only:
            rows, _rss = run({**env, "BENCH_PAGE_CACHE": "1"}, cached_pages, {})
            sections.append(("Page cache ON, local memory per worker", rows))
        if "redis" in only and redis_url:
            redis_env = {**env, "BENCH_PAGE_CACHE": "1", "REDIS_URL": redis_url}
            redis_env["CACHE_KEY_PREFIX"] = f"bench{os.getpid()}"
            rows, _rss = run(redis_env, cached_pages, {})
            sections.append((f"Page cache ON, Redis ({redis_url}; each worker's own copy for 1 s)", rows))
        elif "redis" in only:
            print("REDIS_URL is not set: the Redis run is skipped.")
        if "uncached" in only:
            rows, rss = run({**env, "BENCH_PAGE_CACHE": "0"}, uncached_pages, {"signed-in": signed_in})
            sections.append(("Page cache OFF (every request renders; the API is never page-cached)", rows))
        if "cold" in only:
            # What the first reader after a change gets: no cached page, no cached card or post links.
            cold_env = {**env, "BENCH_PAGE_CACHE": "0", "BLOG_FRAGMENT_CACHE_TIMEOUT": "0"}
            pages = [(f"{label}, nothing cached", path, kind) for label, path, kind in READER_PAGES[:2]]
            rows, _rss = run(cold_env, pages, {})
            sections.append(("Page cache and fragment cache OFF (the first reader after a change)", rows))
        cpu = {}
        if "cpu" in only:
            session = (workdir / SESSION_FILE).read_text().strip()
            cpu = {True: cpu_times(env, session, True), False: cpu_times(env, session, False)}
        print(f"\nSQLite, {POSTS} posts; gunicorn 2 sync workers; wrk -t2 -c16 -d{SECONDS}s")
        print("share = the page's req/s ÷ the bare view's, measured right before it")
        misses = []
        for title, rows in sections:
            misses += report(title, rows)
        if rss:
            rss_met = max(rss) <= RSS_TARGET_MIB
            shown = ", ".join(f"{value:.0f}" for value in rss)
            print(
                f"\n  worker RSS after the uncached run: {shown} MiB (target ≤ {RSS_TARGET_MIB} MiB: "
                f"{'met' if rss_met else 'NOT MET'})"
            )
            if not rss_met:
                misses.append("worker RSS")
        print(f"\n  targets not met: {', '.join(misses) if misses else 'none'}")
        if cpu:
            report_cpu(cpu[True], cpu[False])
        uncached = [row for title, rows in sections if title.startswith("Page cache OFF") for row in rows]
        measured = [(label, kind, r) for label, kind, r in uncached if r and kind in ("post", "page")]
        if measured:
            slowest = min(measured, key=lambda row: row[2]["rps"] / row[2]["bare_rps"])
            path = next(path for label, path, _kind in uncached_pages if label == slowest[0])
            profile(env, path)
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
