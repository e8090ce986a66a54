"""One engine per database vendor: dump to a byte stream, load into a scratch database, swap.

A restore never writes into the live database until a complete copy has been loaded and counted
in a scratch database (SQLite: a temporary file; MariaDB/MySQL/PostgreSQL: a temporary database
on the same server, with the same credentials). Only then is the live database replaced in one
atomic step:

- SQLite: the online backup API copies the scratch file into the live connection in one write
  transaction (a failure rolls it back).
- MariaDB/MySQL: one `RENAME TABLE live.a TO old.a, ..., scratch.a TO live.a, ...` statement,
  which the server applies atomically (all renames or none).
- PostgreSQL: the verified dump is replayed into the live database by `psql --single-transaction`
  after `DROP SCHEMA public CASCADE`; PostgreSQL's DDL is transactional, so an error rolls back to
  the database as it was.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

from .errors import BackupError

CHUNK = 1024 * 1024
Writer = Callable[[bytes], None]


@dataclass
class Scratch:
    """A complete copy of a dump loaded somewhere other than the live database."""

    name: str  # a file path (SQLite) or a database name (servers)
    row_counts: dict[str, int]


def engine_for(connection: BaseDatabaseWrapper) -> Engine:
    engines: dict[str, type[Engine]] = {"sqlite": SQLiteEngine, "mysql": MySQLEngine, "postgresql": PostgresEngine}
    try:
        return engines[connection.vendor](connection)
    except KeyError:
        raise BackupError(f"Backups do not support the {connection.vendor!r} database engine.") from None


def temp_dir() -> str:
    return settings.BACKUP_TEMP_DIR or tempfile.gettempdir()


def _read_chunks(path: Path) -> Iterator[bytes]:
    """The decompressed bytes of a gzip file, one chunk at a time."""
    with gzip.open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


class Engine:
    vendor: ClassVar[str]
    dump_name: ClassVar[str]

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.settings_dict = connection.settings_dict

    @property
    def database_name(self) -> str:
        return str(self.settings_dict["NAME"])

    def server_version(self) -> str:
        raise NotImplementedError

    def dump(self, *, write: Writer) -> dict[str, int]:
        """Write the uncompressed dump through `write`; return the rows per table it contains."""
        raise NotImplementedError

    def load_scratch(self, *, dump_path: Path) -> Scratch:
        raise NotImplementedError

    def swap(self, *, scratch: Scratch, dump_path: Path) -> None:
        raise NotImplementedError

    def drop_scratch(self, *, scratch: Scratch) -> None:
        raise NotImplementedError

    # Helpers for the server engines ------------------------------------------------------------
    def _run_tool(self, args: list[str], *, env: dict[str, str], stdin_chunks: Iterator[bytes]) -> None:
        """Run a client tool feeding it `stdin_chunks`; raise BackupError with its last error line."""
        with tempfile.TemporaryFile(dir=temp_dir()) as errors:
            try:
                proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors, env=env)  # noqa: S603
            except FileNotFoundError:
                raise BackupError(
                    f"Database client not found: {args[0]!r} (install it or set its BACKUP_* setting)."
                ) from None
            try:
                for chunk in stdin_chunks:
                    proc.stdin.write(chunk)
            except BrokenPipeError:
                pass  # the tool stopped early: its exit status and stderr say why
            finally:
                with contextlib.suppress(BrokenPipeError):
                    proc.stdin.close()
                proc.wait()
            if proc.returncode != 0:
                raise BackupError(f"{Path(args[0]).name} failed: {_last_line(errors)}")

    def _stream_tool(self, args: list[str], *, env: dict[str, str]) -> Iterator[bytes]:
        """Run a dump tool and yield its stdout in chunks; raise BackupError when it fails."""
        with tempfile.TemporaryFile(dir=temp_dir()) as errors:
            try:
                proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errors, env=env)  # noqa: S603
            except FileNotFoundError:
                raise BackupError(
                    f"Dump tool not found: {args[0]!r} (install it or set its BACKUP_* setting)."
                ) from None
            try:
                while chunk := proc.stdout.read(CHUNK):
                    yield chunk
            finally:
                proc.stdout.close()
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
            if proc.returncode != 0:
                raise BackupError(f"{Path(args[0]).name} failed: {_last_line(errors)}")


def _last_line(fh: Any) -> str:
    fh.seek(0)
    lines = [line.strip() for line in fh.read().decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1] if lines else "no error output"


def _lines(chunks: Iterator[bytes], write: Writer) -> Iterator[bytes]:
    """Pass every chunk to `write` and yield the complete lines (for counting rows)."""
    rest = b""
    for chunk in chunks:
        write(chunk)
        data = rest + chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            rest = data
            continue
        rest = data[cut + 1 :]
        yield from data[: cut + 1].splitlines()
    if rest:
        yield rest


# --- SQLite ---------------------------------------------------------------------------------------
class SQLiteEngine(Engine):
    vendor = "sqlite"
    dump_name = "database.sqlite3.gz"

    def server_version(self) -> str:
        return sqlite3.sqlite_version

    def _live(self) -> sqlite3.Connection:
        self.connection.ensure_connection()
        return self.connection.connection

    def dump(self, *, write: Writer) -> dict[str, int]:
        fd, name = tempfile.mkstemp(suffix=".sqlite3", dir=temp_dir())
        os.close(fd)
        path = Path(name)
        try:
            target = sqlite3.connect(path)
            try:
                # The online backup API copies a consistent snapshot while others keep writing.
                self._live().backup(target)
            except sqlite3.OperationalError as exc:
                if "full" in str(exc):  # SQLITE_FULL: the temporary directory ran out of space
                    raise OSError(errno.ENOSPC, str(exc)) from exc
                raise
            finally:
                target.close()
            counts = _sqlite_counts(path)
            with path.open("rb") as fh:
                while chunk := fh.read(CHUNK):
                    write(chunk)
            return counts
        finally:
            path.unlink(missing_ok=True)

    def load_scratch(self, *, dump_path: Path) -> Scratch:
        fd, name = tempfile.mkstemp(suffix=".sqlite3", dir=temp_dir())
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in _read_chunks(dump_path):
                    out.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        try:
            check = sqlite3.connect(path)
            try:
                result = check.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                check.close()
        except sqlite3.DatabaseError as exc:
            path.unlink(missing_ok=True)
            raise BackupError(f"The SQLite dump is not a valid database: {exc}") from exc
        if result != "ok":
            path.unlink(missing_ok=True)
            raise BackupError(f"The SQLite dump fails its integrity check: {result}")
        return Scratch(name=str(path), row_counts=_sqlite_counts(path))

    def swap(self, *, scratch: Scratch, dump_path: Path) -> None:
        source = sqlite3.connect(scratch.name)
        try:
            # One write transaction on the live database: it has the new content or the old.
            source.backup(self._live())
        except sqlite3.Error as exc:
            raise BackupError(f"Could not replace the SQLite database: {exc}") from exc
        finally:
            source.close()

    def drop_scratch(self, *, scratch: Scratch) -> None:
        Path(scratch.name).unlink(missing_ok=True)


def _sqlite_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        ]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    finally:
        conn.close()


# --- MariaDB / MySQL ------------------------------------------------------------------------------
# A quoted string in mysqldump output ('' never appears: quotes inside strings are escaped as \').
_MYSQL_STRING = re.compile(rb"'(?:[^'\\]|\\.)*'", re.DOTALL)
_MYSQL_INSERT = re.compile(rb"^INSERT INTO `((?:[^`]|``)+)` VALUES ?")


def mysql_dump_row_counts(lines: Iterator[bytes]) -> Counter[str]:
    """Rows per table in mysqldump/mariadb-dump output, counted as it streams past.

    Inside an INSERT, mariadb-dump writes one row per line (counted without parsing) and mysqldump
    all rows on one line (counted by "),(" outside quoted strings, which escape quotes as \\').
    """
    counts: Counter[str] = Counter()
    table, one_per_line = None, False
    for line in lines:
        if table is None:
            match = _MYSQL_INSERT.match(line)
            if not match:
                continue
            table = match.group(1).replace(b"``", b"`").decode()
            line = line[match.end() :]
            one_per_line = not line.strip()
            if one_per_line:
                continue
        if one_per_line:
            counts[table] += 1
            # A row line ends with "),", the statement's last with ");" (a string's quote comes before).
            if line.endswith(b");"):
                table = None
            continue
        values = _MYSQL_STRING.sub(b"''", line).strip()
        if values.startswith(b"("):
            counts[table] += values.count(b"),(") + 1
        if values.endswith(b";"):
            table = None
    return counts


class MySQLEngine(Engine):
    vendor = "mysql"
    dump_name = "database.sql.gz"

    def server_version(self) -> str:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT VERSION()")
            return cursor.fetchone()[0]

    def _client_args(self) -> tuple[list[str], dict[str, str]]:
        s = self.settings_dict
        options = s.get("OPTIONS") or {}
        args = [f"--user={s.get('USER') or 'root'}", "--default-character-set=utf8mb4"]
        if options.get("unix_socket"):
            args.append(f"--socket={options['unix_socket']}")
        else:
            args += [f"--host={s.get('HOST') or '127.0.0.1'}", f"--port={s.get('PORT') or 3306}", "--protocol=TCP"]
        env = dict(os.environ)
        if s.get("PASSWORD"):
            env["MYSQL_PWD"] = str(s["PASSWORD"])  # never on the command line, where `ps` shows it
        return args, env

    def dump(self, *, write: Writer) -> dict[str, int]:
        conn_args, env = self._client_args()
        tool = settings.BACKUP_MYSQLDUMP
        if not os.path.isabs(tool) and not shutil.which(tool) and shutil.which("mysqldump") and tool == "mariadb-dump":
            tool = "mysqldump"  # older clients only ship the old name
        args = [
            tool,
            *conn_args,
            "--single-transaction",  # a consistent InnoDB snapshot without locking the site out
            "--routines",
            "--triggers",
            "--events",
            "--hex-blob",
            "--no-tablespaces",
            "--skip-comments",
            self.database_name,
        ]
        counts = mysql_dump_row_counts(_lines(self._stream_tool(args, env=env), write))
        with self.connection.cursor() as cursor:
            for table in self.connection.introspection.table_names(cursor):
                counts.setdefault(table, 0)
        return dict(counts)

    def _create_database(self, name: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")

    def _drop_database(self, name: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")

    def _tables(self, database: str) -> list[str]:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = %s AND table_type = 'BASE TABLE'",
                [database],
            )
            return [row[0] for row in cursor.fetchall()]

    def _counts(self, database: str) -> dict[str, int]:
        counts = {}
        with self.connection.cursor() as cursor:
            for table in self._tables(database):
                cursor.execute(f"SELECT COUNT(*) FROM `{database}`.`{table}`")  # noqa: S608 - names from the server
                counts[table] = cursor.fetchone()[0]
        return counts

    def _scratch_name(self, label: str) -> str:
        return f"{self.database_name[:40]}_{label}_{secrets.token_hex(4)}"

    def load_scratch(self, *, dump_path: Path) -> Scratch:
        name = self._scratch_name("restore")
        self._create_database(name)
        try:
            conn_args, env = self._client_args()
            self._run_tool([settings.BACKUP_MYSQL, *conn_args, name], env=env, stdin_chunks=_read_chunks(dump_path))
            return Scratch(name=name, row_counts=self._counts(name))
        except BaseException:
            self._drop_database(name)
            raise

    def swap(self, *, scratch: Scratch, dump_path: Path) -> None:
        live, old = self.database_name, self._scratch_name("old")
        self._create_database(old)
        renames = [f"`{live}`.`{t}` TO `{old}`.`{t}`" for t in self._tables(live)]
        renames += [f"`{scratch.name}`.`{t}` TO `{live}`.`{t}`" for t in self._tables(scratch.name)]
        try:
            with self.connection.cursor() as cursor:
                # One statement: the server renames every table or none of them.
                cursor.execute("RENAME TABLE " + ", ".join(renames))
        except Exception as exc:
            self._drop_database(old)
            raise BackupError(f"Could not swap the restored tables in: {exc}") from exc
        self._drop_database(old)

    def drop_scratch(self, *, scratch: Scratch) -> None:
        self._drop_database(scratch.name)


# --- PostgreSQL -----------------------------------------------------------------------------------
_PG_COPY = re.compile(rb"^COPY (\S+) ")


class PostgresEngine(Engine):
    vendor = "postgresql"
    dump_name = "database.sql.gz"

    def server_version(self) -> str:
        with self.connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]

    def _client_args(self) -> tuple[list[str], dict[str, str]]:
        s = self.settings_dict
        args = [f"--host={s.get('HOST') or '127.0.0.1'}", f"--port={s.get('PORT') or 5432}"]
        if s.get("USER"):
            args.append(f"--username={s['USER']}")
        env = dict(os.environ)
        if s.get("PASSWORD"):
            env["PGPASSWORD"] = str(s["PASSWORD"])
        return args, env

    def dump(self, *, write: Writer) -> dict[str, int]:
        conn_args, env = self._client_args()
        args = [
            settings.BACKUP_PG_DUMP,
            *conn_args,
            "--no-owner",
            "--no-privileges",
            "--format=plain",
            self.database_name,
        ]
        counts: Counter[str] = Counter()
        table = None
        for line in _lines(self._stream_tool(args, env=env), write):
            if table is None:
                match = _PG_COPY.match(line)
                if match:
                    table = match.group(1).decode().split(".")[-1].strip('"')
                    counts[table] += 0
            elif line == b"\\.":
                table = None
            else:
                counts[table] += 1
        return dict(counts)

    def _admin_execute(self, sql: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql)

    def _psql(self, database: str, chunks: Iterator[bytes]) -> None:
        conn_args, env = self._client_args()
        args = [settings.BACKUP_PSQL, *conn_args, "--quiet", "--no-psqlrc", "--single-transaction"]
        args += ["--set=ON_ERROR_STOP=1", f"--dbname={database}"]
        self._run_tool(args, env=env, stdin_chunks=chunks)

    def load_scratch(self, *, dump_path: Path) -> Scratch:
        name = self._scratch_name()
        self._admin_execute(f'CREATE DATABASE "{name}"')
        try:
            self._psql(name, _read_chunks(dump_path))
            return Scratch(name=name, row_counts=self._counts(name))
        except BaseException:
            self._admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            raise

    def _scratch_name(self) -> str:
        return f"{self.database_name[:40]}_restore_{secrets.token_hex(4)}"

    def _counts(self, database: str) -> dict[str, int]:
        import psycopg

        s = self.settings_dict
        params = {"host": s.get("HOST") or "127.0.0.1", "port": s.get("PORT") or 5432, "dbname": database}
        if s.get("USER"):
            params["user"] = s["USER"]
        if s.get("PASSWORD"):
            params["password"] = s["PASSWORD"]
        with psycopg.connect(**params) as conn:
            tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            return {t: conn.execute(f'SELECT COUNT(*) FROM public."{t}"').fetchone()[0] for t in tables}  # noqa: S608

    def swap(self, *, scratch: Scratch, dump_path: Path) -> None:
        self.connection.close()  # our own open transaction must not hold locks on the tables

        def chunks() -> Iterator[bytes]:
            yield b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n"
            yield from _read_chunks(dump_path)

        # One transaction: the old schema comes back if anything in the dump fails.
        self._psql(self.database_name, chunks())

    def drop_scratch(self, *, scratch: Scratch) -> None:
        self._admin_execute(f'DROP DATABASE IF EXISTS "{scratch.name}" WITH (FORCE)')
