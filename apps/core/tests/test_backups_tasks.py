"""The daily task (idempotent, locked, e-mailing failures) and the admin's Backups page."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from apps.accounts.tests.factories import UserFactory
from apps.core.backups import selectors
from apps.core.backups.selectors import LOCK_KEY
from apps.core.models import BackupRun
from apps.core.tasks import backup_prune_task, backup_run_task

pytestmark = pytest.mark.django_db(transaction=True)
PAGE = "/admin/core/backuprun/"


def test_the_daily_task_backs_up_and_verifies_once_per_day(backup_env):
    UserFactory()

    assert backup_run_task.delay().get() == "succeeded"
    assert backup_run_task.delay().get() == "skipped"

    [info] = selectors.backup_list()
    assert info.verified is True
    assert info.include_media is True
    first, second = BackupRun.objects.order_by("pk")
    assert first.backup_name == info.name
    assert "restored in scratch" in first.message
    assert second.message == "Today already has a backup."


def test_a_backup_never_starts_while_another_holds_the_lock(backup_env):
    cache.set(LOCK_KEY, "someone-else", 60)

    assert backup_run_task.delay(force=True).get() == "skipped"
    assert backup_prune_task.delay().get() == "skipped"

    assert selectors.backup_list() == []
    assert cache.get(LOCK_KEY) == "someone-else"  # not released by the runs that did not take it


def test_a_failed_backup_emails_the_admins_and_shows_on_the_backups_page(backup_env, settings, client, admin_user):
    settings.ADMINS = [("Ops", "ops@example.com")]
    settings.BACKUP_MYSQLDUMP = settings.BACKUP_PG_DUMP = "/nonexistent/dump-tool"
    settings.STORAGES = {**settings.STORAGES, "backups": {"BACKEND": "no.such.Storage"}}

    assert backup_run_task.delay().get() == "failed"

    [email] = mail.outbox
    assert email.to == ["ops@example.com"]
    assert "backup failed" in email.subject
    assert "Backup storage 'backups' is not configured" in email.body
    assert cache.get(LOCK_KEY) is None
    client.force_login(admin_user)
    page = client.get(PAGE).content.decode()
    assert "Last failure" in page
    assert "Backup storage &#x27;backups&#x27; is not configured" in page


def test_prune_task_applies_the_keep_settings(backup_env, settings):
    settings.BACKUP_KEEP_DAILY = 1
    backup_run_task.delay(force=True).get()
    backup_run_task.delay(force=True).get()

    assert backup_prune_task.delay().get() == "succeeded"

    assert len(selectors.backup_list()) == 1
    assert BackupRun.objects.filter(action="prune").get().message == "Deleted 1 backup(s), kept 1."


def test_backups_page_lists_backups_with_sizes_and_verification_for_superusers(backup_env, client, admin_user):
    backup_run_task.delay().get()
    [info] = selectors.backup_list()
    client.force_login(admin_user)

    index = client.get(reverse("admin:index")).content.decode()
    page = client.get(PAGE).content.decode()

    assert f'href="{PAGE}"' in index
    assert ">Backups<" in index
    assert info.name in page
    assert "verified" in page
    assert "KB" in page
    assert "Back up now" in page


def test_back_up_now_queues_the_task_and_shows_the_result(backup_env, client, admin_user):
    client.force_login(admin_user)

    response = client.post(reverse("admin:core_backups_run"))

    assert response.status_code == 302
    run = BackupRun.objects.get()
    assert run.status == BackupRun.Status.SUCCEEDED
    assert run.requested_by == admin_user
    page = client.get(PAGE).content.decode()
    assert run.backup_name in page
    assert "Succeeded" in page


def test_a_running_backup_shows_progress_and_refreshes_the_page(backup_env, client, admin_user):
    BackupRun.objects.create(status=BackupRun.Status.RUNNING, phase="dumping the database")
    cache.set(LOCK_KEY, "worker-token", 60)
    client.force_login(admin_user)

    page = client.get(PAGE).content.decode()

    assert '<meta http-equiv="refresh"' in page
    assert "dumping the database" in page
    assert "<progress" in page
    assert reverse("admin:core_backups_run") not in page


def test_a_run_that_never_reached_a_worker_does_not_hide_back_up_now_forever(backup_env, client, admin_user):
    stale = BackupRun.objects.create(status=BackupRun.Status.QUEUED)
    BackupRun.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    client.force_login(admin_user)

    page = client.get(PAGE).content.decode()

    assert reverse("admin:core_backups_run") in page
    assert '<meta http-equiv="refresh"' not in page


def test_restoring_a_backup_marks_the_runs_it_caught_in_flight_finished_or_interrupted(backup_env):
    from django.core.management import call_command

    other = BackupRun.objects.create(status=BackupRun.Status.RUNNING, phase="dumping the database")
    call_command("backup_db", "--to", "mid-run", stdout=io.StringIO())
    maker = BackupRun.objects.get(backup_name="mid-run")
    BackupRun.objects.update(status=BackupRun.Status.SUCCEEDED)

    call_command("restore_db", "mid-run", "--yes", stdout=io.StringIO())

    other.refresh_from_db()
    assert other.status == BackupRun.Status.SKIPPED
    assert other.message == "Interrupted: the database was restored from mid-run."
    maker.refresh_from_db()  # the dump holds it "running": it made this very backup, so it finished
    assert (maker.status, maker.backup_name) == (BackupRun.Status.SUCCEEDED, "mid-run")
    restore = BackupRun.objects.get(action=BackupRun.Action.RESTORE)
    assert restore.status == BackupRun.Status.SUCCEEDED


def test_only_superusers_see_the_page_and_download(backup_env, client, editor, admin_user):
    backup_run_task.delay().get()
    [info] = selectors.backup_list()
    url = selectors.backup_download_path(name=info.name, part="manifest.json")

    client.force_login(editor)
    assert client.get(PAGE).status_code == 403
    assert client.get(url).status_code == 403
    assert client.post(reverse("admin:core_backups_run")).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the admin login

    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == (backup_env / "backups" / info.name / "manifest.json").read_bytes()
    assert response["Content-Disposition"].startswith("attachment")


def test_download_links_expire_and_cannot_be_forged(backup_env, client, admin_user, settings):
    backup_run_task.delay().get()
    [info] = selectors.backup_list()
    url = selectors.backup_download_path(name=info.name, part="manifest.json")
    client.force_login(admin_user)

    assert client.get(url.replace(info.name, "other-backup")).status_code == 404
    settings.BACKUP_DOWNLOAD_EXPIRE = -1
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_back_up_now_waits_for_the_commit_before_queueing(backup_env, admin_user, django_capture_on_commit_callbacks):
    from apps.core.backups.services import backup_run_request

    with django_capture_on_commit_callbacks() as callbacks:
        run = backup_run_request(by=admin_user)

    assert run.status == BackupRun.Status.QUEUED
    assert len(callbacks) == 1
