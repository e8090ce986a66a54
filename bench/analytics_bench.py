"""Analytics benchmark: what capture costs a post page, how fast the flush stores views, how fast the
Analytics page answers over a million raw views.

Run with `make bench` (or `.venv/bin/python bench/analytics_bench.py`). Three parts:

1. Capture cost. A scratch SQLite site (`seed_demo` + `seed_bulk_posts`) is served by two gunicorns at
   once (2 sync workers each), identical but for `ANALYTICS_ENABLED`, both with Redis as the cache and
   the buffer (a `redis-server` of its own on an ephemeral port unless `REDIS_URL` is set). `wrk -t2
   -c16` with a browser's User-Agent loads the same post page from each in turn, off/on/off/on...
   (`BENCH_ROUNDS` pairs, `BENCH_SECONDS` each), page cache on (most readers) and off (every request
   renders). It prints the median requests/s of each and the cost of capture, and checks that the
   views captured equal the requests the "on" server answered.
2. Flush rate: `BENCH_FLUSH_EVENTS` (200,000) synthetic views flushed from the in-process buffer and
   from a Redis list into MariaDB (`BENCH_MYSQL_URL`, default a scratch database
   `inkwell_analytics_bench` on 127.0.0.1:3306; SQLite when MariaDB is not reachable).
3. Dashboard: `BENCH_RAW_EVENTS` (1,000,000) raw views over 90 days in the same database, rolled up;
   then the Analytics page (the whole admin request, as an editor) and `dashboard_get` for 7, 30, 90 and
   365 days: milliseconds (best of 3) and queries.

Other options: BENCH_WORKDIR (keep and reuse the seeded scratch site), BENCH_PARTS ("capture,flush").
"""

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
POSTS = int(os.environ.get("BENCH_POSTS", "200"))
FLUSH_EVENTS = int(os.environ.get("BENCH_FLUSH_EVENTS", "200000"))
RAW_EVENTS = int(os.environ.get("BENCH_RAW_EVENTS", "1000000"))
MYSQL_URL = os.environ.get("BENCH_MYSQL_URL", "mysql://root@127.0.0.1:3306/inkwell_analytics_bench")
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
POST_PATH = "/en/posts/bench-post-100/"
CAPTURE_TARGET = 0.05
# Two sections and the bench posts only: the demo's images take minutes to process on a busy 2-core machine.
SEED = f"""
from apps.blog.demo import seed_bulk_posts
from apps.blog.models import Section
blog, _ = Section.objects.get_or_create(slug="blog", defaults={{"name_en": "Blog", "name_zh_hans": "博客"}})
notes = {{"name_en": "Dev notes", "name_zh_hans": "开发笔记", "parent": blog}}
Section.objects.get_or_create(slug="dev-notes", defaults=notes)
seed_bulk_posts({POSTS})
"""
FLUSH_TARGET = 20_000
DASHBOARD_TARGET_MS = 500


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(workdir: Path, redis_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchsite.settings",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "THROTTLE_ANON": "1000000/s",
        "THROTTLE_USER": "1000000/s",
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "analytics-bench",
    }
    env.pop("CELERY_BROKER_URL", None)
    return env


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    """Run a management command; with `capture`, the last line it printed (a shell prints a banner first)."""
    result = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=capture, text=True
    )
    if result.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{(result.stderr or '')[-3000:]}")
    return result.stdout.strip().splitlines()[-1] if capture else ""


def start_redis() -> tuple[subprocess.Popen | None, str]:
    if os.environ.get("REDIS_URL"):
        return None, os.environ["REDIS_URL"]
    if not shutil.which("redis-server"):
        raise SystemExit("redis-server is not installed and REDIS_URL is not set.")
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, f"redis://127.0.0.1:{port}/1"
        except OSError:
            time.sleep(0.1)
    raise SystemExit("redis-server did not start")


def serve(env: dict[str, str], **extra: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [PYTHON, "-m", "gunicorn", "blog_site.wsgi:application", "--workers", "2", "--worker-class", "sync"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--pythonpath", f"{ROOT},{ROOT / 'bench'}"]
    process = subprocess.Popen(command, env={**env, **extra}, cwd=ROOT, start_new_session=True)
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


def wrk(url: str, seconds: int) -> dict[str, float]:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-H", f"User-Agent: {CHROME}", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": requests,
        "errors": int(errors.group(1)) if errors else 0,
    }


BUFFER_LENGTH = """
from django_redis import get_redis_connection
from django.core.cache import cache
print(get_redis_connection("default").llen(cache.make_key("analytics:buffer")))
"""

CLEAR_BUFFER = """
from django_redis import get_redis_connection
from django.core.cache import cache
get_redis_connection("default").delete(cache.make_key("analytics:buffer"))
"""


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of processes (all their threads), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def workers_of(master: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def measure(base: str, workers: list[int]) -> dict[str, float]:
    before = cpu_seconds(workers)
    result = wrk(base + POST_PATH, SECONDS)
    result["cpu"] = cpu_seconds(workers) - before
    return result


def capture_cost(env: dict[str, str]) -> None:
    load = os.getloadavg()[0]
    print(f"\n1. Capture cost on {POST_PATH} (gunicorn 2 sync workers each, Redis cache and buffer, wrk -t2 -c16)")
    print(f"   load average when it started: {load:.1f} on {os.cpu_count()} cores")
    for page_cache in (True, False):
        extra = {"BENCH_PAGE_CACHE": "1" if page_cache else "0"}
        off, off_base = serve(env, ANALYTICS_ENABLED="false", **extra)
        on, on_base = serve(env, ANALYTICS_ENABLED="true", **extra)
        results: dict[str, list[dict[str, float]]] = {"off": [], "on": []}
        try:
            for base in (off_base, on_base):
                wrk(base + POST_PATH, 1)  # warm up: fills the page cache, loads the workers
            time.sleep(1.5)
            manage(env, "shell", "-c", CLEAR_BUFFER)
            workers = {"off": workers_of(off), "on": workers_of(on)}
            for _round in range(ROUNDS):
                results["off"].append(measure(off_base, workers["off"]))
                results["on"].append(measure(on_base, workers["on"]))
            time.sleep(2)  # each worker's pusher hands over its last batch within a second
            captured = int(manage(env, "shell", "-c", BUFFER_LENGTH, capture=True))
        finally:
            stop(off)
            stop(on)
        answered = sum(r["requests"] - r["errors"] for r in results["on"])
        off_rps = statistics.median(r["rps"] for r in results["off"])
        on_rps = statistics.median(r["rps"] for r in results["on"])
        # CPU per request of the web workers (pusher thread included): load on the machine barely moves it.
        cpu = {k: sum(r["cpu"] for r in v) / sum(r["requests"] for r in v) * 1e6 for k, v in results.items()}
        cost = 1 - on_rps / off_rps
        cpu_cost = cpu["on"] / cpu["off"] - 1
        label = "page cache ON " if page_cache else "page cache OFF"
        rounds = " / ".join(
            f"{a['rps']:.0f}:{b['rps']:.0f}" for a, b in zip(results["off"], results["on"], strict=True)
        )
        print(
            f"  {label}: throughput off {off_rps:,.0f} req/s, on {on_rps:,.0f} req/s (median of {ROUNDS}; "
            f"off:on per round {rounds}): cost {cost:+.1%}"
        )
        print(
            f"    worker CPU per request: off {cpu['off']:,.0f} us, on {cpu['on']:,.0f} us: cost {cpu_cost:+.1%} "
            f"(target < {CAPTURE_TARGET:.0%}: {'ok' if cpu_cost < CAPTURE_TARGET else 'MISS'})"
        )
        print(
            f"    views captured: {captured:,}; requests wrk saw answered: {answered:,} "
            "(wrk does not count the ones in flight when it stops)"
        )


FLUSH = """
import random, time
from django.conf import settings
from django.core.cache import cache
from django_redis import get_redis_connection
from apps.analytics import buffer, services
from apps.analytics.models import PageView

N = {n}
SERVER = {server}
def cpu():
    # This process's CPU seconds plus the database server's (SQLite runs in this process).
    total = time.process_time()
    if SERVER:
        import os
        fields = open(f"/proc/{{SERVER}}/stat").read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total
now = time.time()
paths = [f"/en/posts/bench-post-{{i}}/" for i in range(200)]
def events():
    rng = random.Random(7)
    for i in range(N):
        p = rng.randrange(200)
        yield (now - rng.random() * 3600, paths[p], p + 1, None, "en", rng.choice(["", "news.example.com", "t.co"]),
               "", "", "", f"{{rng.getrandbits(64):016x}}", False, "Chrome", "Windows", "desktop", "page")
PageView.objects.all().delete()
settings.ANALYTICS_BUFFER = "memory"
settings.ANALYTICS_BUFFER_MAX = N + 1
buffer._forget_current()  # plain assignments send no setting_changed
mem = buffer.get_buffer()
mem.clear()
for e in events():
    mem.append(e)
c = cpu(); t = time.perf_counter(); written = services.events_flush(); memory_s = time.perf_counter() - t
memory_cpu = cpu() - c
assert written == N == PageView.objects.count(), (written, PageView.objects.count())
PageView.objects.all().delete()
settings.ANALYTICS_BUFFER = "redis"
settings.ANALYTICS_PUSH_INTERVAL = 0
buffer._forget_current()
red = buffer.get_buffer()
red.clear()
batch = []
for e in events():
    batch.append(e)
    if len(batch) == 5000:
        red._client().rpush(red.key, *[buffer._dumps(x) for x in batch]); batch = []
c = cpu(); t = time.perf_counter(); written = services.events_flush(); redis_s = time.perf_counter() - t
redis_cpu = cpu() - c
assert written == N == PageView.objects.count()
PageView.objects.all().delete()
print(f"{{N / memory_s:.0f}} {{N / redis_s:.0f}} {{N / memory_cpu:.0f}} {{N / redis_cpu:.0f}}")
"""

RAW = """
import random, time
from datetime import timedelta
from django.db import connection
from django.utils import timezone
from apps.analytics import services, selectors
from apps.analytics.models import DailyStat, PageView, RollupDay, ContentTotal
from apps.blog.models import Post

N = {n}
DAYS = 90
PageView.objects.all().delete(); DailyStat.objects.all().delete(); RollupDay.objects.all().delete()
ContentTotal.objects.all().delete()
post_ids = list(Post.objects.values_list("pk", flat=True))
rng = random.Random(11)
weights = [1 / (rank + 1) for rank in range(len(post_ids))]  # a few popular posts, a long tail
hosts = ["", "", "", "news.ycombinator.com", "google.com", "t.co", "github.com", "reddit.com"]
browsers = [("Chrome", "Windows", "desktop"), ("Safari", "iOS", "mobile"), ("Firefox", "Linux", "desktop"),
            ("Chrome", "Android", "mobile"), ("Safari", "macOS", "desktop"), ("Edge", "Windows", "desktop")]
today = timezone.localdate()
t = time.perf_counter()
chunk = []
inserted = 0
for i in range(N):
    day = today - timedelta(days=i * DAYS // N)
    start = services.day_start(day).timestamp()
    span = min(86399, time.time() - start - 1) if day == today else 86399
    post = rng.choices(post_ids, weights)[0] if rng.random() < 0.85 else None
    b, o, d = rng.choice(browsers)
    campaign = ("newsletter", "email", "weekly") if rng.random() < 0.05 else ("", "", "")
    chunk.append((start + rng.random() * span, f"/en/posts/p{{post}}/" if post else "/en/", post, None,
                  rng.choice(["en", "en", "zh-hans"]), rng.choice(hosts), *campaign,
                  f"{{rng.getrandbits(40):016x}}", rng.random() < 0.05, b, o, d, "page"))
    if len(chunk) == 20000:
        services._insert(chunk); inserted += len(chunk); chunk = []
if chunk:
    services._insert(chunk); inserted += len(chunk)
insert_s = time.perf_counter() - t
t = time.perf_counter(); built = services.rollups_build_pending(); rollup_s = time.perf_counter() - t
today_raw = PageView.objects.filter(time__gte=services.day_start(today)).count()
print(f"{{inserted}} {{insert_s:.1f}} {{len(built)}} {{rollup_s:.1f}} {{today_raw}}")
"""

DASHBOARD = """
import time
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from apps.accounts.models import User
from apps.analytics import selectors, services
from apps.analytics.models import PageView

editor = User.objects.filter(email="bench-editor@example.com").first() or User.objects.create_superuser(
    email="bench-editor@example.com", password="bench-password-123")
client = Client(SERVER_NAME="127.0.0.1")
client.force_login(editor)
for days in (7, 30, 90, 365):
    timings = []
    for _ in range(3):
        services.views_map_clear()
        t = time.perf_counter(); response = client.get(f"/admin/analytics/pageview/?days={{days}}")
        timings.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/admin/analytics/pageview/?days={{days}}")
    selector_ms = []
    for _ in range(3):
        t = time.perf_counter(); selectors.dashboard_get(period=selectors.Period.last(days))
        selector_ms.append((time.perf_counter() - t) * 1000)
    print(f"page {{days}} {{min(timings):.0f}} {{len(queries)}} {{min(selector_ms):.0f}}")
services.views_map_clear()
t = time.perf_counter(); m = selectors.content_views_map(); views_ms = (time.perf_counter() - t) * 1000
post = max(m, key=m.get)
t = time.perf_counter(); selectors.post_stats_get(post_id=int(post.split(":")[1]), period=selectors.Period.last(30))
print(f"extra {{views_ms:.0f}} {{(time.perf_counter() - t) * 1000:.0f}}")
"""


def mysql_env(env: dict[str, str]) -> tuple[dict[str, str], str]:
    """The bench's MariaDB database (created if missing), or SQLite when MariaDB is not reachable."""
    try:
        import MySQLdb

        match = re.match(
            r"mysql://(?P<user>[^@:]+)(:(?P<pw>[^@]*))?@(?P<host>[^:/]+):?(?P<port>\d*)/(?P<db>\w+)", MYSQL_URL
        )
        connection = MySQLdb.connect(
            host=match["host"], port=int(match["port"] or 3306), user=match["user"], passwd=match["pw"] or ""
        )
        connection.cursor().execute(
            f"CREATE DATABASE IF NOT EXISTS `{match['db']}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )
        connection.close()
        return {**env, "DATABASE_URL": MYSQL_URL}, "MariaDB"
    except Exception as exc:  # noqa: BLE001 - no MariaDB here: measure on SQLite and say so
        print(f"  (MariaDB not reachable at {MYSQL_URL}: {exc}; using SQLite)")
        return env, "SQLite"


def database_server_pid() -> int:
    for name in ("mariadbd", "mysqld"):
        found = subprocess.run(["pidof", name], capture_output=True, text=True).stdout.split()
        if found:
            return int(found[0])
    return 0


def flush_and_dashboard(env: dict[str, str]) -> None:
    db_env, name = mysql_env(env)
    if name == "MariaDB":
        manage(db_env, "migrate", "--noinput", "-v0")
        manage(
            db_env,
            "shell",
            "-c",
            f"from apps.blog.demo import seed_demo, seed_bulk_posts; seed_demo(); seed_bulk_posts({POSTS})",
        )
    print(f"\n2. Flush rate into {name} ({FLUSH_EVENTS:,} views; multi-row INSERTs of 1,000, a transaction per 5,000)")
    server = database_server_pid() if name == "MariaDB" else 0
    code = FLUSH.format(n=FLUSH_EVENTS, server=server)
    numbers = manage(db_env, "shell", "-c", code, capture=True).split()
    memory_rate, redis_rate, memory_cpu, redis_cpu = (float(x) for x in numbers)
    print(f"   load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for label, rate, per_cpu in (
        ("from the in-process buffer", memory_rate, memory_cpu),
        ("from the Redis list (LRANGE/LTRIM + JSON)", redis_rate, redis_cpu),
    ):
        verdict = "ok" if rate >= FLUSH_TARGET else "MISS"
        print(
            f"  {label}: {rate:,.0f} views/s wall clock (target {FLUSH_TARGET:,}/s: {verdict}); "
            f"{per_cpu:,.0f} views per CPU-second of flush + database server"
        )
    print(f"\n3. Analytics page over {RAW_EVENTS:,} raw views (90 days, {POSTS} posts) in {name}")
    inserted, insert_s, days, rollup_s, today_raw = manage(
        db_env, "shell", "-c", RAW.format(n=RAW_EVENTS), capture=True
    ).split()
    print(
        f"  inserted {int(inserted):,} raw views in {insert_s} s ({int(inserted) / float(insert_s):,.0f}/s); "
        f"rolled up {days} days in {rollup_s} s; {int(today_raw):,} of them today (read raw)"
    )
    out = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "shell", "-c", DASHBOARD.format()],
        env=db_env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    print(f"  {'range':<10} {'admin page ms':>14} {'queries':>8} {'dashboard_get ms':>17} {'target':>10}")
    for line in out.splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "page":
            days, page_ms, queries, selector_ms = parts[1:]
            verdict = "ok" if float(page_ms) < DASHBOARD_TARGET_MS else "MISS"
            target = f"<{DASHBOARD_TARGET_MS} {verdict}"
            print(f"  {days + ' days':<10} {page_ms:>14} {queries:>8} {selector_ms:>17} {target:>10}")
        elif parts[0] == "extra":
            print(
                f'  views map rebuilt (all posts, for "N views") in {parts[1]} ms; '
                f"one post's 30-day stats in {parts[2]} ms"
            )


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian package `wrk`).")
    redis, redis_url = start_redis()
    keep = os.environ.get("BENCH_WORKDIR")  # reuse a seeded scratch directory between runs
    workdir = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="inkwell-analytics-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        env = base_env(workdir, redis_url)
        if not (keep and (workdir / "bench.sqlite3").exists()):
            started = time.perf_counter()
            manage(env, "migrate", "--noinput", "-v0")
            manage(env, "collectstatic", "--noinput", "-v0")
            manage(env, "shell", "-c", SEED)
            print(f"seeded a scratch site with {POSTS} bench posts in {time.perf_counter() - started:.1f}s")
        parts = os.environ.get("BENCH_PARTS", "capture,flush").split(",")
        if "capture" in parts:
            capture_cost(env)
        if "flush" in parts:
            flush_and_dashboard(env)
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
        if redis is not None:
            os.killpg(redis.pid, signal.SIGTERM)
            redis.wait(timeout=10)


if __name__ == "__main__":
    main()
