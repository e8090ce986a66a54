"""Backup and restore time and peak memory for a large database, at two sizes.

Each size gets a scratch database (SQLite by default; MariaDB with
BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306/inkwell_bench), migrated, plus a bench-only table of
BENCH_ROWS rows of ~10 KB each (100,000 rows, about 1 GB, by default: the size of 100,000 posts) and
BENCH_MEDIA_FILES media files (1,000). `backup_db --include-media` and `restore_db --yes` run as
child processes, so their peak RSS is measured exactly (wait4). Memory must stay flat as the data
grows tenfold: the dump and the media are streamed.

    .venv/bin/python bench/backup_bench.py            # BENCH_ROWS=100000 BENCH_MEDIA_FILES=1000
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROW_BYTES = 5_000  # random bytes per row, stored as hex: 10 KB of text


def _timed(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    out, err = proc.stdout.read().decode(), proc.stderr.read().decode()
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"manage.py {' '.join(args)} failed: {(err.strip().splitlines() or ['?'])[-1]}")
    return elapsed, usage.ru_maxrss / 1024, out


def _fill_sqlite(path: Path, rows: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE bench_post (id INTEGER PRIMARY KEY, title TEXT, body TEXT)")
    conn.execute(
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?) "
        "INSERT INTO bench_post (title, body) SELECT 'Post ' || x || ' 文章', hex(randomblob(?)) FROM n",
        (rows, ROW_BYTES),
    )
    conn.commit()
    conn.close()


def _fill_mysql(url: str, rows: int) -> None:
    import MySQLdb
    from environ import Env

    cfg = Env.db_url_config(url)
    conn = MySQLdb.connect(
        host=cfg["HOST"] or "127.0.0.1", port=int(cfg["PORT"] or 3306), user=cfg["USER"], passwd=cfg["PASSWORD"] or ""
    )
    cur = conn.cursor()
    cur.execute(f"USE `{cfg['NAME']}`")
    cur.execute("CREATE TABLE bench_post (id BIGINT PRIMARY KEY AUTO_INCREMENT, title VARCHAR(200), body MEDIUMTEXT)")
    for start in range(0, rows, 10_000):
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM bench_post")
        last_id = cur.fetchone()[0]  # ids may have gaps (InnoDB reserves them in bulk)
        cur.execute(
            "INSERT INTO bench_post (title, body) SELECT CONCAT('Post ', seq, ' 文章'), HEX(RANDOM_BYTES(1024)) "  # noqa: S608
            f"FROM seq_1_to_{min(10_000, rows - start)}"
        )
        grow = (
            "UPDATE bench_post SET body = CONCAT(body, HEX(RANDOM_BYTES(1024)), HEX(RANDOM_BYTES(1024)), "
            "HEX(RANDOM_BYTES(1024)), HEX(RANDOM_BYTES(904))) WHERE id > %s"
        )
        cur.execute(grow, [last_id])
        conn.commit()
    conn.close()


def _mysql_reset(url: str) -> None:
    import MySQLdb
    from environ import Env

    cfg = Env.db_url_config(url)
    conn = MySQLdb.connect(
        host=cfg["HOST"] or "127.0.0.1", port=int(cfg["PORT"] or 3306), user=cfg["USER"], passwd=cfg["PASSWORD"] or ""
    )
    conn.cursor().execute(f"DROP DATABASE IF EXISTS `{cfg['NAME']}`")
    conn.cursor().execute(f"CREATE DATABASE `{cfg['NAME']}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    conn.close()


def bench(rows: int, media_files: int, work: Path) -> dict[str, float]:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{work / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "BACKUP_ROOT": str(work / "backups"),
        "BACKUP_TEMP_DIR": str(work),
        "MEDIA_ROOT": str(work / "media"),
        "PRIVATE_MEDIA_ROOT": str(work / "private"),
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
    }
    env.pop("BACKUP_S3_BUCKET", None)
    if db_url.startswith("mysql"):
        _mysql_reset(db_url)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    if db_url.startswith("mysql"):
        _fill_mysql(db_url, rows)
    else:
        _fill_sqlite(work / "bench.sqlite3", rows)
    for i in range(media_files):
        folder = work / "media" / "assets" / f"{i % 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"file-{i}.bin").write_bytes(os.urandom(20_000))
    data_mb = rows * ROW_BYTES * 2 / 1e6

    backup_s, backup_mb, _out = _timed(["backup_db", "--include-media", "--to", "bench"], env)
    restore_s, restore_mb, _ = _timed(["restore_db", "bench", "--yes"], env)
    archive_mb = sum(p.stat().st_size for p in (work / "backups" / "bench").iterdir()) / 1e6
    result = {
        "rows": rows,
        "data_mb": data_mb,
        "archive_mb": archive_mb,
        "backup_s": backup_s,
        "backup_peak_mb": backup_mb,
        "restore_s": restore_s,
        "restore_peak_mb": restore_mb,
    }
    print(
        f"{rows:>8} rows ({data_mb:7.0f} MB of rows, {media_files} media files) -> archive {archive_mb:6.0f} MB | "
        f"backup {backup_s:6.1f} s, peak {backup_mb:5.0f} MB | restore (verify + swap + media) {restore_s:6.1f} s, "
        f"peak {restore_mb:5.0f} MB"
    )
    shutil.rmtree(work, ignore_errors=True)
    return result


def main() -> None:
    rows = int(os.environ.get("BENCH_ROWS", "100000"))
    media = int(os.environ.get("BENCH_MEDIA_FILES", "1000"))
    base = Path(os.environ.get("BENCH_DIR") or tempfile.mkdtemp(prefix="inkwell-backup-bench-"))
    engine = "MariaDB" if os.environ.get("BENCH_DATABASE_URL", "").startswith("mysql") else "SQLite"
    print(f"backup/restore on {engine}, two sizes (memory must not grow with the data):")
    small = bench(max(rows // 10, 1), media, base / "small")
    large = bench(rows, media, base / "large")
    growth = large["backup_peak_mb"] - small["backup_peak_mb"], large["restore_peak_mb"] - small["restore_peak_mb"]
    print(
        f"peak memory growth for {rows / max(rows // 10, 1):.0f}x the data: backup {growth[0]:+.0f} MB, "
        f"restore {growth[1]:+.0f} MB"
    )
    if max(growth) > 50:
        sys.exit("FAIL: memory grows with the size of the data")


if __name__ == "__main__":
    main()
