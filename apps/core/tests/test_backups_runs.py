"""Backups, prunes and restores from the command line run through the same locked path as the
schedule and the admin, and are recorded as `BackupRun`s (so they show on the admin's Backups page)."""

import io
import json

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.core.backups import selectors, services
from apps.core.backups.selectors import LOCK_KEY
from apps.core.models import BackupRun
from apps.core.tasks import backup_prune_task, backup_run_task

from .factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
PAGE = "/admin/core/backuprun/"
BUSY = "Another backup, prune or restore is running."


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _fails(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=io.StringIO())
    return str(caught.value)


def test_a_command_line_backup_is_recorded_and_shows_on_the_backups_page(backup_env, client, admin_user):
    output = _run("backup_db", "--to", "by-hand")

    run = BackupRun.objects.get()
    assert output.startswith("by-hand ")
    assert (run.action, run.origin, run.status, run.backup_name) == ("backup", "command", "succeeded", "by-hand")
    assert run.message.startswith("by-hand: ")
    assert run.finished_at is not None
    client.force_login(admin_user)
    page = client.get(PAGE).content.decode()
    assert "Command line" in page
    assert "by-hand: " in page


def test_a_command_line_backup_can_verify_like_the_scheduled_one(backup_env):
    _run("backup_db", "--to", "checked", "--verify")

    [info] = selectors.backup_list()
    assert info.verified is True
    assert "restored in scratch" in BackupRun.objects.get().message


def test_the_admin_button_the_schedule_and_the_command_line_each_say_where_a_run_came_from(
    backup_env, client, admin_user
):
    client.force_login(admin_user)
    client.post("/admin/core/backuprun/run/")
    backup_run_task.delay(force=True).get()
    _run("backup_db")

    origins = list(BackupRun.objects.order_by("pk").values_list("origin", "requested_by", "status"))
    assert origins == [
        ("admin", admin_user.pk, "succeeded"),
        ("schedule", None, "succeeded"),
        ("command", None, "succeeded"),
    ]
    page = client.get(PAGE).content.decode()
    assert f"Admin ({admin_user})" in page
    assert "Schedule" in page


def test_a_command_line_backup_holds_the_lock_the_scheduled_one_waits_for(backup_env, monkeypatch):
    seen = []
    real_create = services.backup_create

    def create_while_the_schedule_fires(**kwargs):
        seen.append(backup_run_task.delay(force=True).get())
        seen.append(backup_prune_task.delay().get())
        return real_create(**kwargs)

    monkeypatch.setattr(services, "backup_create", create_while_the_schedule_fires)

    _run("backup_db", "--to", "first")

    assert seen == ["skipped", "skipped"]
    skipped = BackupRun.objects.filter(origin="schedule")
    assert set(skipped.values_list("status", "message")) == {("skipped", BUSY)}
    assert BackupRun.objects.get(origin="command").status == "succeeded"
    assert cache.get(LOCK_KEY) is None  # released afterwards


@pytest.mark.parametrize(
    "command", [("backup_db",), ("prune_backups",), ("restore_db", "nightly", "--yes")], ids=lambda c: c[0]
)
def test_the_command_line_never_runs_while_another_run_holds_the_lock(backup_env, command):
    _run("backup_db", "--to", "nightly")
    cache.set(LOCK_KEY, "a-worker", 60)

    assert _fails(*command) == BUSY

    run = BackupRun.objects.order_by("-pk").first()
    assert (run.origin, run.status, run.message) == ("command", "skipped", BUSY)
    assert [info.name for info in selectors.backup_list()] == ["nightly"]
    assert cache.get(LOCK_KEY) == "a-worker"


def test_a_failed_command_line_backup_is_recorded_and_emailed_like_a_scheduled_one(backup_env, settings):
    settings.ADMINS = [("Ops", "ops@example.com")]
    settings.STORAGES = {**settings.STORAGES, "backups": {"BACKEND": "no.such.Storage"}}

    message = _fails("backup_db")
    backup_run_task.delay(force=True).get()

    by_command, by_schedule = BackupRun.objects.order_by("pk")
    assert by_command.status == by_schedule.status == "failed"
    assert by_command.message == by_schedule.message == message
    assert message.startswith("Backup storage 'backups' is not configured")
    assert [m.subject.endswith("backup failed") for m in mail.outbox] == [True, True]


def test_a_command_line_prune_is_recorded_and_prints_what_it_deleted(backup_env):
    _run("backup_db", "--to", "older")
    manifest = backup_env / "backups" / "older" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["created_at"] = "2020-01-01T02:00:00+00:00"
    manifest.write_text(json.dumps(data))
    _run("backup_db", "--to", "newer")

    output = _run("prune_backups", "--keep-daily", "1", "--keep-weekly", "0", "--keep-monthly", "0")

    assert output.splitlines() == ["Deleted older", "Deleted 1 backup(s), kept 1."]
    run = BackupRun.objects.get(action="prune")
    assert (run.origin, run.status, run.message) == ("command", "succeeded", "Deleted 1 backup(s), kept 1.")


def test_a_dry_run_prune_changes_nothing_and_is_not_a_run(backup_env):
    _run("backup_db", "--to", "only")

    _run("prune_backups", "--dry-run", "--keep-daily", "0", "--keep-weekly", "0", "--keep-monthly", "0")

    assert not BackupRun.objects.filter(action="prune").exists()


def test_a_command_line_restore_is_recorded_in_the_restored_database(backup_env, client, admin_user):
    UserFactory(email="kept@example.com")
    _run("backup_db", "--to", "nightly")
    UserFactory(email="gone@example.com")

    output = _run("restore_db", "nightly", "--yes")

    run = BackupRun.objects.get(action="restore")
    assert (run.origin, run.status, run.backup_name) == ("command", "succeeded", "nightly")
    assert run.message == output.strip()
    assert output.startswith("Restored nightly: ")
    client.force_login(admin_user)
    page = client.get(PAGE).content.decode()
    assert "Restore" in page
    assert "Restored nightly: " in page


def test_a_failed_restore_is_recorded_and_the_database_is_untouched(backup_env, settings):
    settings.ADMINS = [("Ops", "ops@example.com")]
    UserFactory(email="kept@example.com")
    _run("backup_db", "--to", "nightly")
    [dump] = (backup_env / "backups" / "nightly").glob("database.*")
    dump.write_bytes(dump.read_bytes()[:-10])
    UserFactory(email="after@example.com")

    message = _fails("restore_db", "nightly", "--yes")

    run = BackupRun.objects.get(action="restore")
    assert (run.status, run.message) == ("failed", message)
    assert message.startswith("Corrupt archive")
    assert UserFactory._meta.model.objects.filter(email="after@example.com").exists()
    assert [m.subject.endswith("restore failed") for m in mail.outbox] == [True]
