"""Reading the old database: a `Source` gives the rows of one table as dicts, ordered by id.

`MySQLSource` reads a running MySQL/MariaDB (read-only: SELECTs in a read-only transaction); tests feed
`MemorySource` with rows, so the mapping logic runs on any database.
"""

from collections.abc import Iterable
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit


class SourceUnavailable(Exception):
    """The old database cannot be read (bad URL, unreachable, refused): one line for the operator."""


class Source(Protocol):
    def tables(self) -> set[str]: ...

    def rows(self, table: str) -> list[dict[str, Any]]: ...


class MemorySource:
    """Rows given in memory: {"users": [{"id": 1, ...}, ...], ...}."""

    def __init__(self, data: dict[str, Iterable[dict[str, Any]]]) -> None:
        self.data = {name: [dict(row) for row in rows] for name, rows in data.items()}

    def tables(self) -> set[str]:
        return set(self.data)

    def rows(self, table: str) -> list[dict[str, Any]]:
        return sorted((dict(r) for r in self.data.get(table, [])), key=lambda r: r.get("id") or 0)


def connection_params(url: str) -> dict[str, Any]:
    """`mysql://user:pass@host:port/db` → MySQLdb.connect() arguments; a bad URL raises SourceUnavailable."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise SourceUnavailable(f"bad database URL: {exc}") from exc
    if parts.scheme not in ("mysql", "mariadb", "mysql2") or not parts.hostname or not parts.path.strip("/"):
        raise SourceUnavailable("bad database URL: expected mysql://user:password@host[:port]/database")
    params: dict[str, Any] = {
        "host": parts.hostname,
        "user": unquote(parts.username or "root"),
        "password": unquote(parts.password or ""),
        "database": unquote(parts.path.strip("/")),
        "charset": "utf8mb4",
        "connect_timeout": 10,
    }
    if port:
        params["port"] = port
    return params


class MySQLSource:
    def __init__(self, url: str) -> None:
        params = connection_params(url)
        try:
            import MySQLdb
            import MySQLdb.cursors
        except ImportError as exc:
            raise SourceUnavailable("the MySQL driver is not installed: pip install -r requirements/mysql.txt") from exc
        self._errors = MySQLdb.Error
        try:
            self.connection = MySQLdb.connect(**params, cursorclass=MySQLdb.cursors.DictCursor)
            with self.connection.cursor() as cursor:
                cursor.execute("SET SESSION TRANSACTION READ ONLY")
                cursor.execute("SHOW TABLES")
                self._tables = {next(iter(row.values())) for row in cursor.fetchall()}
        except MySQLdb.Error as exc:
            raise SourceUnavailable(f"cannot read {params['host']}/{params['database']}: {exc.args[-1]}") from exc

    def tables(self) -> set[str]:
        return set(self._tables)

    def rows(self, table: str) -> list[dict[str, Any]]:
        if table not in self._tables:
            return []
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(f"SELECT * FROM `{table}` ORDER BY id")  # noqa: S608 - a fixed table name
                return list(cursor.fetchall())
        except self._errors as exc:
            raise SourceUnavailable(f"cannot read table {table}: {exc.args[-1]}") from exc

    def close(self) -> None:
        self.connection.close()
