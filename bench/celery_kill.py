"""Kill test: the Celery worker is killed (SIGKILL) mid-task and restarted; every queued task still
completes exactly once in effect (issue 17).

Against MariaDB and a Redis broker on this machine: seeds the demo posts, asks for narration of each
published post in both languages (real espeak-ng audio, a few seconds each: the tasks are long enough
to be caught running), starts a worker, kills its whole process group once jobs are running, starts
a new worker, and waits. The broker hands the killed worker's tasks out again after the visibility
timeout (short here, CELERY_BROKER_VISIBILITY_TIMEOUT=20). Checks: every job is done, one narration per
post and language, one audio file per narration (no duplicates from the re-run), no job left running.

Environment: KILL_DATABASE (default inkwell_kill, recreated), SOAK_REDIS (default redis://127.0.0.1:6379;
databases 13 and 14, flushed first). Needs the MySQL driver and espeak-ng.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = os.environ.get("KILL_DATABASE", "inkwell_kill")
REDIS = os.environ.get("SOAK_REDIS", "redis://127.0.0.1:6379").rstrip("/")
VISIBILITY = 20


def environment(workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"mysql://root@127.0.0.1:3306/{DATABASE}",
        "REDIS_URL": f"{REDIS}/13",
        "CELERY_BROKER_URL": f"{REDIS}/14",
        "CELERY_BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "CELERY_TASK_TIME_LIMIT": str(VISIBILITY - 5),
        "CELERY_TASK_SOFT_TIME_LIMIT": str(VISIBILITY - 8),
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
        "AI_NARRATE_ON_PUBLISH": "false",
    }


def run(env: dict[str, str], *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, cwd=ROOT, check=True, **kwargs)


def shell(env: dict[str, str], code: str) -> dict:
    out = run(env, PYTHON, "manage.py", "shell", "-c", code, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


STATE = (
    "import json; from django.db.models import Count; from apps.blog.models import AIJob, PostNarration;"
    "jobs = dict(AIJob.objects.filter(kind='narrate').values_list('status').annotate(n=Count('id')));"
    "dups = PostNarration.objects.values('post', 'language').annotate(n=Count('id')).filter(n__gt=1).count();"
    "from apps.media.models import Asset; assets = Asset.objects.filter(kind=Asset.Kind.AUDIO).count();"
    "narrations = PostNarration.objects.count();"
    "print(json.dumps({'jobs': jobs, 'narrations': narrations, 'duplicates': dups, 'assets': assets}))"
)


def worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [PYTHON, "-m", "celery", "-A", "blog_site", "worker", "-c", "2", "-l", "INFO"]
    out = open(log, "ab")  # noqa: SIM115 - lives as long as the process
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=out, start_new_session=True)


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="inkwell-kill-"))
    env = environment(workdir)
    sql = f"DROP DATABASE IF EXISTS {DATABASE}; CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4"
    run(env, "mariadb", "-h", "127.0.0.1", "-uroot", "-e", sql)
    for db in ("13", "14"):
        run(env, "redis-cli", "-u", f"{REDIS}/{db}", "flushdb", stdout=subprocess.DEVNULL)
    run(env, PYTHON, "manage.py", "migrate", "--noinput", "-v0")
    queued = shell(
        env,
        "import json; from django.db import transaction; from apps.blog.demo import seed_demo; seed_demo();"
        "from apps.blog.models import Post; from apps.blog import services;"
        "posts = list(Post.objects.filter(status='published', is_premium=False));"
        "jobs = [services.post_narration_request(post=p, language=l) for p in posts for l in ('en', 'zh-hans')];"
        "print(json.dumps({'jobs': len(jobs)}))",
    )["jobs"]
    print(f"kill test: {queued} narration tasks queued on the Redis broker")
    log = workdir / "worker.log"
    first = worker(env, log)
    started = time.time()
    while time.time() - started < 120:
        state = shell(env, STATE)
        if state["jobs"].get("running", 0) and state["jobs"].get("done", 0) >= 1:
            break
        time.sleep(0.5)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    killed_at = shell(env, STATE)
    print(f"killed the worker (SIGKILL) with jobs {killed_at['jobs']}")
    time.sleep(2)
    second = worker(env, log)
    deadline = time.time() + 600
    try:
        while time.time() < deadline:
            state = shell(env, STATE)
            if state["jobs"].get("done", 0) == queued:
                break
            time.sleep(2)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=60)
    waited = time.time() - started
    ok = state["jobs"].get("done", 0) == queued and state["duplicates"] == 0 and state["assets"] == state["narrations"]
    ok = ok and state["narrations"] == queued
    print(
        f"after {waited:.0f} s: jobs {state['jobs']}, {state['narrations']} narrations for {queued} tasks, "
        f"{state['duplicates']} duplicated, {state['assets']} audio files -> {'exactly once' if ok else 'FAILED'}"
    )
    print(f"worker log: {log}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
