"""Every failure is one clear line, a non-zero exit, and the live database as it was."""

import io
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.accounts.tests.factories import UserFactory
from apps.core.backups import selectors
from apps.core.backups.engines import MySQLEngine
from apps.core.backups.errors import BackupError

from .factories import AssetFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]


def _backup(name: str = "nightly", *extra: str) -> None:
    call_command("backup_db", "--to", name, *extra, stdout=io.StringIO())


def _fails(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=io.StringIO())
    message = str(caught.value)
    assert "\n" not in message
    return message


def _edit_manifest(backup_env: Path, name: str, **changes) -> None:
    path = backup_env / "backups" / name / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest.update(changes)
    path.write_text(json.dumps(manifest))


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_corrupted_dump_fails_verification_and_restore_leaving_the_database_untouched(backup_env, snapshot):
    UserFactory.create_batch(2)
    _backup()
    UserFactory(email="after@example.com")
    [dump] = (backup_env / "backups" / "nightly").glob("database.*")
    _flip_a_byte(dump)
    before = snapshot()

    assert _fails("verify_backup", "nightly") == (
        f"Corrupt archive: nightly/{dump.name} does not match its SHA-256 in the manifest."
    )
    assert _fails("restore_db", "nightly", "--yes").startswith("Corrupt archive")

    assert snapshot() == before
    [info] = selectors.backup_list()
    assert info.verified is False
    assert "Corrupt archive" in info.verification_message


def test_a_corrupted_media_archive_stops_the_restore_before_anything_changes(backup_env, snapshot):
    AssetFactory()
    _backup("with-media", "--include-media")
    AssetFactory()
    _flip_a_byte(backup_env / "backups" / "with-media" / "media-default.tar.gz")
    before = snapshot()

    assert "media-default.tar.gz does not match its SHA-256" in _fails("restore_db", "with-media", "--yes")

    assert snapshot() == before


def test_a_backup_of_another_engine_is_refused(backup_env, snapshot):
    _backup()
    other = "postgresql" if connection.vendor != "postgresql" else "mysql"
    _edit_manifest(backup_env, "nightly", engine=other)
    before = snapshot()

    message = _fails("restore_db", "nightly", "--yes")

    assert message == f"Wrong engine: backup 'nightly' is a {other} dump but this site runs on {connection.vendor}."
    assert _fails("verify_backup", "nightly").startswith("Wrong engine")
    assert snapshot() == before


def test_a_backup_whose_migrations_are_ahead_of_the_code_is_refused(backup_env, snapshot):
    _backup()
    manifest = selectors.backup_manifest(name="nightly")
    manifest["migrations"]["accounts"].append("0999_from_the_future")
    _edit_manifest(backup_env, "nightly", migrations=manifest["migrations"])
    before = snapshot()

    message = _fails("restore_db", "nightly", "--yes")

    assert message.startswith("The backup's migrations are ahead of this code (accounts.0999_from_the_future)")
    assert snapshot() == before


def test_an_unknown_backup_name_says_so():
    assert _fails("restore_db", "no-such-backup", "--yes").startswith("No backup named 'no-such-backup'")


def test_a_missing_dump_tool_is_one_line_and_leaves_no_backup_behind(backup_env, settings):
    settings.BACKUP_MYSQLDUMP = "/nonexistent/mariadb-dump"
    engine = MySQLEngine(connection)

    with pytest.raises(BackupError, match=r"^Dump tool not found: '/nonexistent/mariadb-dump'"):
        engine.dump(write=lambda chunk: None)
    if connection.vendor == "mysql":
        assert _fails("backup_db").startswith("Dump tool not found: '/nonexistent/mariadb-dump'")
        assert selectors.backup_list() == []


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite restores without a client program")
def test_a_missing_database_client_fails_the_restore_and_the_database_is_untouched(backup_env, settings, snapshot):
    UserFactory()
    _backup()
    UserFactory(email="after@example.com")
    before = snapshot()
    settings.BACKUP_MYSQL = settings.BACKUP_PSQL = "/nonexistent/client"

    assert _fails("restore_db", "nightly", "--yes").startswith("Database client not found: '/nonexistent/client'")

    assert snapshot() == before
    prefix = f"{connection.settings_dict['NAME'][:40]}_%"
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("SHOW DATABASES LIKE %s", [prefix])
        else:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix])
        assert list(cursor.fetchall()) == []  # no scratch database left behind


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _s3_backups(settings, endpoint: str, bucket: str) -> None:
    from botocore.config import Config

    settings.STORAGES = {
        **settings.STORAGES,
        "backups": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "location": "backups",
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "querystring_auth": True,
                "querystring_expire": 60,
                "default_acl": None,
                "file_overwrite": True,
                "client_config": Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=5),
            },
        },
    }


def test_an_unreachable_backup_storage_is_one_line_and_non_zero(backup_env, settings, snapshot):
    _s3_backups(settings, f"http://127.0.0.1:{_closed_port()}", "backups")
    before = snapshot()

    assert "Backup storage 'backups' is unreachable" in _fails("backup_db")
    assert "Backup storage 'backups' is unreachable" in _fails("list_backups")
    assert snapshot() == before


def test_backups_round_trip_through_s3_with_signed_download_links(
    backup_env, settings, s3_endpoint, client, admin_user, snapshot
):
    import urllib.request

    import boto3
    from django.core.files.storage import storages

    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket="inkwell-backups")
    s3.create_bucket(Bucket="inkwell-media")
    _s3_backups(settings, s3_endpoint, "inkwell-backups")
    settings.STORAGES = {  # public media on S3 too: archived and restored through the S3 API
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "inkwell-media", "endpoint_url": s3_endpoint, "querystring_auth": False},
        },
    }
    asset = AssetFactory(owner=UserFactory(display_name="云端 cloud"))
    before = snapshot()
    _backup("in-s3", "--include-media")

    call_command("verify_backup", "in-s3", stdout=io.StringIO())
    [info] = selectors.backup_list()
    assert info.name == "in-s3"
    assert info.verified is True
    assert s3.list_objects_v2(Bucket="inkwell-backups", Prefix="backups/in-s3/")["KeyCount"] == 5

    client.force_login(admin_user)
    url = selectors.backup_download_path(name="in-s3", part="manifest.json")
    response = client.get(url)
    assert response.status_code == 302
    query = parse_qs(urlparse(response["Location"]).query)
    assert query["Signature"]
    assert 0 < int(query["Expires"][0]) - time.time() <= 60  # short-lived
    with urllib.request.urlopen(response["Location"]) as signed:  # noqa: S310 - the local moto server
        assert json.loads(signed.read())["name"] == "in-s3"

    storages["default"].delete(asset.file.name)
    asset.delete()
    call_command("restore_db", "in-s3", "--yes", stdout=io.StringIO())

    assert snapshot() == before


def test_commands_exit_non_zero_with_one_line_on_stderr():
    result = subprocess.run(
        [sys.executable, "manage.py", "restore_db", "nothing-here", "--yes"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "BACKUP_ROOT": "/nonexistent-backups-root"},
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "CommandError: No backup named 'nothing-here' in the backup storage (see list_backups)."
    )
    assert "Traceback" not in result.stderr


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KB tmpfs: a real "No space left on device" (needs root, as on CI; skipped otherwise)."""
    mountpoint = tmp_path / "tiny"
    mountpoint.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mountpoint)], capture_output=True)
    if mounted.returncode:
        pytest.skip("cannot mount a small tmpfs here")
    yield mountpoint
    subprocess.run(["umount", str(mountpoint)], check=False)


def test_a_full_disk_stops_backup_and_restore_with_one_line_and_no_damage(backup_env, settings, snapshot, tiny_disk):
    for i in range(3):  # incompressible: the archive cannot fit whatever the engine
        AssetFactory(file=ContentFile(os.urandom(30_000), name=f"noise-{i}.bin"))
    _backup("before-the-disk-filled", "--include-media")
    settings.BACKUP_TEMP_DIR = str(tiny_disk)
    (tiny_disk / "filler").write_bytes(b"\0" * 40_000)
    before = snapshot()

    assert _fails("backup_db", "--include-media").startswith("Disk full while")
    assert _fails("restore_db", "before-the-disk-filled", "--yes").startswith("Disk full while")

    assert snapshot() == before
    assert [info.name for info in selectors.backup_list()] == ["before-the-disk-filled"]
    assert [p.name for p in tiny_disk.iterdir()] == ["filler"]  # no half-written temporary files left
