"""Back up, damage, restore: everything comes back, on whichever database the suite runs on
(SQLite by default, MariaDB when DATABASE_URL is mysql)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection

from apps.accounts.tests.factories import UserFactory
from apps.core.backups import selectors
from apps.media.models import Asset

from .factories import AssetFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _make_content() -> None:
    UserFactory(email="lin@example.com", display_name="林小雨", preferred_language="zh-hans", bio="写作者 · writer")
    UserFactory(email="ada@example.com", display_name="Ada Lovelace")
    AssetFactory.create_batch(2)
    storages["private"].save("invoices/2026/发票-1.pdf", ContentFile(b"%PDF-1.7 private invoice " * 100))
    Site.objects.filter(pk=1).update(domain="blog.example.com", name="墨水 Inkwell")


def test_restore_brings_back_every_row_and_media_file_byte_for_byte(backup_env, snapshot):
    _make_content()
    before = snapshot()
    assert before["media"], "the test needs media files in both storages"

    output = _run("backup_db", "--include-media", "--to", "nightly")
    assert output.startswith("nightly ")
    assert output.strip().endswith("KB")

    # A disaster: data changed and deleted, files overwritten and lost, a stranger added.
    User = get_user_model()
    User.objects.filter(email="lin@example.com").update(display_name="vandal")
    asset = Asset.objects.first()
    asset_file = asset.file.name
    asset.delete()
    storages["default"].delete(asset_file)
    storages["private"].delete("invoices/2026/发票-1.pdf")
    storages["private"].save("invoices/2026/发票-1.pdf", ContentFile(b"garbage"))
    UserFactory(email="intruder@example.com")
    assert snapshot() != before

    output = _run("restore_db", "nightly", "--yes")

    assert "Restored nightly" in output
    assert "Restored 2 file(s) to the 'default' storage." in output
    assert "Restored 1 file(s) to the 'private' storage." in output
    after = snapshot()
    assert after["data"] == before["data"]
    assert after["media"] == before["media"]
    assert not User.objects.filter(email="intruder@example.com").exists()
    assert User.objects.get(email="lin@example.com").display_name == "林小雨"


def test_verify_restores_into_scratch_and_marks_the_backup_verified(backup_env, snapshot):
    _make_content()
    _run("backup_db", "--to", "plain")
    before = snapshot()

    output = _run("verify_backup", "plain")

    assert output.startswith("plain verified: 1 part(s) match their SHA-256")
    [info] = selectors.backup_list()
    assert info.verified is True
    assert info.engine == connection.vendor
    assert not info.include_media
    assert snapshot() == before  # verification never touches the live database
    listing = _run("list_backups")
    assert "plain" in listing
    assert listing.splitlines()[1].rstrip().endswith("yes")


def test_manifest_records_versions_migrations_row_counts_and_checksums(backup_env):
    _make_content()
    _run("backup_db", "--include-media", "--to", "full")

    manifest = selectors.backup_manifest(name="full")

    assert manifest["engine"] == connection.vendor
    assert manifest["server_version"]
    assert "0001_initial" in manifest["migrations"]["accounts"]
    assert manifest["tables"][get_user_model()._meta.db_table] == get_user_model().objects.count() == 4
    assert {p["name"] for p in manifest["parts"]} >= {"media-default.tar.gz", "media-private.tar.gz"}
    assert all(len(p["sha256"]) == 64 and p["size"] > 0 for p in manifest["parts"])
    assert manifest["size"] == sum(p["size"] for p in manifest["parts"])


def test_restore_asks_for_confirmation_and_a_no_changes_nothing(backup_env, snapshot, monkeypatch):
    from django.core.management.base import CommandError

    _make_content()
    _run("backup_db", "--to", "asked")
    UserFactory(email="later@example.com")
    before = snapshot()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match=r"Restore cancelled; nothing was changed\."):
        call_command("restore_db", "asked")

    assert snapshot() == before


def test_no_progress_bar_without_a_terminal(backup_env, capsys):
    _run("backup_db", "--to", "quiet")

    captured = capsys.readouterr()
    assert captured.err == ""


@pytest.mark.slow
def test_a_terminal_gets_a_progress_bar_and_the_name_and_size_at_the_end(tmp_path):
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "BACKUP_ROOT": str(tmp_path / "backups"),
        "BACKUP_TEMP_DIR": str(tmp_path),
        "REDIS_URL": "",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=root, env=env, check=True, timeout=120)
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # a real terminal's size
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "backup_db", "--to", "on-a-tty"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    chunks = []
    while True:  # read the terminal until the command closes it
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    stdout = proc.communicate(timeout=120)[0].decode()
    terminal = b"".join(chunks).decode(errors="replace")

    assert "database" in terminal  # tqdm's bar, drawn on the terminal
    assert proc.returncode == 0
    assert stdout.startswith("on-a-tty ")
