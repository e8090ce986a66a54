"""The command against a real old database: the old schema built in MariaDB from old_schema.sql, filled
with the fixture, imported with `manage.py import_legacy` (files through `--media-base`), twice."""

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from apps.blog.models import Post
from apps.community.models import Comment
from apps.legacy.source import connection_params

from . import fixture

SOURCE_DB = "legacy_src_legacy"
SCHEMA = Path(__file__).with_name("old_schema.sql")

needs_mariadb = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.mysql",
    reason="needs DATABASE_URL=mysql://… (the real-services run)",
)


def _server_url() -> str:
    return os.environ["DATABASE_URL"].rsplit("/", 1)[0]


@pytest.fixture
def old_database(file_server):
    import MySQLdb

    params = connection_params(f"{_server_url()}/mysql")
    params.pop("database")
    connection = MySQLdb.connect(**params)
    cursor = connection.cursor()
    cursor.execute(f"DROP DATABASE IF EXISTS `{SOURCE_DB}`")
    cursor.execute(f"CREATE DATABASE `{SOURCE_DB}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    cursor.execute(f"USE `{SOURCE_DB}`")
    for statement in SCHEMA.read_text().split(";"):
        lines = [line for line in statement.splitlines() if not line.strip().startswith("--")]
        if "".join(lines).strip():
            cursor.execute("\n".join(lines))
    cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
    # The files live on an "old CDN" that no longer answers: --media-base points at a copy.
    for table, rows in fixture.rows("https://old-cdn.invalid").items():
        for row in rows:
            values = [json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for v in row.values()]
            columns = ", ".join(f"`{c}`" for c in row)
            marks = ", ".join(["%s"] * len(row))
            cursor.execute(f"INSERT INTO `{table}` ({columns}) VALUES ({marks})", values)  # noqa: S608
    connection.commit()
    yield f"{_server_url()}/{SOURCE_DB}"
    cursor.execute(f"DROP DATABASE IF EXISTS `{SOURCE_DB}`")
    connection.close()


@pytest.mark.services
@needs_mariadb
@pytest.mark.django_db
def test_an_old_mariadb_site_imports_with_one_command_and_a_second_run_changes_nothing(
    old_database, file_server, client, capsys
):
    call_command("import_legacy", "--database-url", old_database, "--media-base", file_server.url, verbosity=0)
    out = capsys.readouterr().out
    assert "FAILED media#5" in out
    assert "HTTP 404" in out
    assert Post.objects.count() == 3
    assert Comment.objects.count() == 8
    post = Post.objects.get(slug="start-writing")
    assert "<table>" in post.body_html_zh_hans
    assert post.published_at == datetime.fromisoformat("2024-03-10T09:00:00+00:00")
    assert post.cover is not None
    alice = get_user_model().objects.get(email="alice@example.com")
    assert alice.check_password(fixture.OLD_PASSWORD)
    assert "payment_records" in out

    call_command("import_legacy", "--database-url", old_database, "--media-base", file_server.url, verbosity=0)
    again = capsys.readouterr().out
    tables = ("users", "media", "sections", "tags", "blogs", "projects", "blog_comment", "board_comments")
    table_lines = [line.split() for line in again.splitlines() if line.split()[:1] and line.split()[0] in tables]
    assert table_lines
    for name, created, updated, *_rest in table_lines:
        assert (created, updated) == ("0", "0"), name

    response = client.get("/dev-notes/start-writing", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 301
    assert response["Location"] == "/en/posts/start-writing/"
