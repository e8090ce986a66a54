"""Base model mixins shared by every app."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Adds `created_at` and `updated_at`, maintained by the database layer."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class BackupRun(models.Model):
    """One backup, prune or restore run, whoever started it: the schedule (Celery beat), the admin's
    "Back up now" or a management command. What the admin's Backups page shows as progress and history.

    The backups themselves (and whether they verified) live in the backup storage, so they survive
    the loss of this database; this table records the runs.
    """

    class Action(models.TextChoices):
        BACKUP = "backup", _("Back up")
        PRUNE = "prune", _("Prune")
        RESTORE = "restore", _("Restore")

    class Origin(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        ADMIN = "admin", _("Admin")
        COMMAND = "command", _("Command line")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    action = models.CharField(_("action"), max_length=10, choices=Action.choices, default=Action.BACKUP)
    origin = models.CharField(_("started by"), max_length=10, choices=Origin.choices, default=Origin.SCHEDULE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    phase = models.CharField(_("phase"), max_length=100, blank=True)
    backup_name = models.CharField(_("backup name"), max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        # The admin index links "Backups" to this model's page, which lists the backups themselves.
        verbose_name = _("backup")
        verbose_name_plural = _("backups")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.get_status_display()} · {self.created_at:%Y-%m-%d %H:%M}"
