"""The admin's "Backups" page: the backups in the storage, "Back up now", downloads, the last failure.

It is the changelist of `BackupRun` (so the admin index links to it under Core), for superusers only.
Admin branding is set in CoreConfig.ready().
"""

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.signing import BadSignature
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .backups import selectors as backup_selectors
from .backups import services as backup_services
from .backups import storage as backup_storage
from .backups.command import human_size
from .backups.errors import BackupError
from .models import BackupRun


@admin.register(BackupRun)
class BackupAdmin(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("run/", wrap(require_POST(self.run_view)), name="core_backups_run"),
            path("download/<path:token>", wrap(self.download_view), name="core_backups_download"),
            *super().get_urls(),
        ]

    def _check(self, request: HttpRequest) -> None:
        if not self.has_view_permission(request):
            raise PermissionDenied

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        self._check(request)
        error = ""
        backups: list[dict[str, Any]] = []
        try:
            for info in backup_selectors.backup_list():
                parts = [
                    {
                        "name": part["name"],
                        "size": human_size(part["size"]),
                        "url": backup_selectors.backup_download_path(name=info.name, part=part["name"]),
                    }
                    for part in info.parts
                ]
                backups.append({"info": info, "size": human_size(info.size), "parts": parts})
        except BackupError as exc:
            error = str(exc)
        runs = list(BackupRun.objects.select_related("requested_by")[:10])
        active = backup_selectors.backup_run_active()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Backups"),
            "opts": self.model._meta,
            "backups": backups,
            "storage_error": error,
            "runs": runs,
            "active_run": active,
            "last_failure": BackupRun.objects.filter(status=BackupRun.Status.FAILED).first(),
            "storage_alias": settings.BACKUP_STORAGE,
            "download_minutes": max(1, settings.BACKUP_DOWNLOAD_EXPIRE // 60),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/core/backups.html", context)

    def run_view(self, request: HttpRequest) -> HttpResponse:
        self._check(request)
        backup_services.backup_run_request(by=request.user)
        messages.success(request, _("Backup queued. This page refreshes until it has finished."))
        return HttpResponseRedirect(reverse("admin:core_backuprun_changelist"))

    def download_view(self, request: HttpRequest, token: str) -> HttpResponse:
        self._check(request)
        try:
            key, url = backup_selectors.backup_download_target(token=token, max_age=settings.BACKUP_DOWNLOAD_EXPIRE)
        except BadSignature:
            raise Http404(_("This download link is invalid or has expired.")) from None
        except BackupError as exc:
            raise Http404(str(exc)) from exc
        if url:
            return HttpResponseRedirect(url)
        storage = backup_storage.backup_storage()
        if not storage.exists(key):
            raise Http404(_("This backup file no longer exists."))
        return FileResponse(storage.open(key, "rb"), as_attachment=True, filename=key.replace("/", "_"))
