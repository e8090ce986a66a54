"""Writes of the media library. Other apps call these; nothing else writes assets or their files.

- `asset_upload_validate(*, owner, uploaded_file, pending_bytes=0) -> UploadFacts`: every check an upload
  must pass (size per kind, type sniffed from the content, SVG, then `sanitize.upload_check`: images
  re-encoded under the decompression-bomb limit, PDFs and archives read; quota), before anything reaches
  storage. Raises `django.core.exceptions.ValidationError` with a code.
- `asset_create(*, owner, uploaded_file, visibility, alt_text, title, ...) -> Asset`: validates, returns the
  owner's existing asset when the same bytes were stored before (owner + SHA-256 of the stored bytes),
  stores the checked file (a re-encoded image replaces the upload) under a random key with its sniffed
  type, and queues processing when the transaction commits.
- `asset_create_many(*, owner, files, visibility, alt_text, title, ...) -> list[Asset]`: a batch upload: every
  file is checked first (one bad file refuses the batch, naming each bad file), then all are stored in one
  transaction; a failure part-way leaves no rows and no files.
- `asset_update(*, asset, data) -> Asset`: alt text and title, in both languages.
- `asset_reprocess(*, asset) -> Asset`: queue processing again (watermark settings changed, ffmpeg installed).
- `asset_set_visibility(*, asset, visibility) -> Asset`: public ↔ private; the file and renditions move storage.
- `asset_delete(*, asset) -> None`: deletes the row; files and renditions leave storage after commit
  (handlers.py), which is also what happens when a cascade (a deleted user) removes assets.
- `asset_process(*, asset_id) -> Asset | None`: renditions, watermarks, posters, durations. Safe to run twice.
- `media_files_delete(*, storage_alias, names) -> None`: removes stored files; missing ones are fine.
"""

import contextlib
import dataclasses
import hashlib
import io
import json
import logging
import shutil
import subprocess
import tempfile
import unicodedata
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, ImageOps, ImageStat

from apps.core.queue import enqueue_on_commit

from . import sanitize, signals
from .errors import ProcessingRetryable
from .models import Asset, Rendition, asset_upload_to
from .selectors import asset_user_is_manager

logger = logging.getLogger(__name__)

# Sniffed MIME type -> kind. Anything else is refused (SVG included: it can carry scripts).
ALLOWED_TYPES: dict[str, str] = {
    "image/jpeg": Asset.Kind.IMAGE,
    "image/png": Asset.Kind.IMAGE,
    "image/gif": Asset.Kind.IMAGE,
    "image/webp": Asset.Kind.IMAGE,
    "audio/mpeg": Asset.Kind.AUDIO,
    "audio/ogg": Asset.Kind.AUDIO,
    "audio/x-wav": Asset.Kind.AUDIO,
    "audio/x-flac": Asset.Kind.AUDIO,
    "audio/mp4": Asset.Kind.AUDIO,
    "video/mp4": Asset.Kind.VIDEO,
    "video/webm": Asset.Kind.VIDEO,
    "video/quicktime": Asset.Kind.VIDEO,
    "application/pdf": Asset.Kind.DOCUMENT,
    "application/epub+zip": Asset.Kind.DOCUMENT,
    "application/zip": Asset.Kind.OTHER,
}
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/x-wav": "wav",
    "audio/x-flac": "flac",
    "audio/mp4": "m4a",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "video/quicktime": "mov",
    "application/pdf": "pdf",
    "application/epub+zip": "epub",
    "application/zip": "zip",
}
PREVIEW_X264 = ("-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-movflags", "+faststart")
TRANSLATED_FIELDS = ("alt_text_en", "alt_text_zh_hans", "title_en", "title_zh_hans")


@dataclass(frozen=True)
class UploadFacts:
    name: str
    mime_type: str
    kind: str
    extension: str
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None
    # The bytes to store instead of the upload (re-encoded images); None stores the upload itself.
    content: bytes | None = dataclasses.field(default=None, repr=False)


def _display_name(raw: str) -> str:
    """Only the last path part, without control or format characters: a name to show, never a path."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    return name[:255] or "upload"


def _size_limit(kind: str) -> int:
    if kind == Asset.Kind.IMAGE:
        return settings.MEDIA_MAX_IMAGE_SIZE
    if kind == Asset.Kind.VIDEO:
        return settings.MEDIA_MAX_VIDEO_SIZE
    return settings.MEDIA_MAX_OTHER_SIZE


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def asset_upload_validate(*, owner: Any, uploaded_file: Any, pending_bytes: int = 0) -> UploadFacts:
    """Every check an upload must pass, made on the upload itself before anything is stored.

    `pending_bytes` counts files of the same batch that are not saved yet, for the quota.
    """
    name = _display_name(getattr(uploaded_file, "name", ""))
    size = uploaded_file.size
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    if b"<svg" in head[:1024].lower():
        raise ValidationError(_("SVG files are not accepted; upload a PNG or WebP instead."), code="svg")
    guess = filetype.guess(head)
    mime = guess.mime if guess else ""
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("This kind of file is not accepted (its content is not a supported image, audio, video or document)."),
            code="unsupported_type",
        )
    kind = ALLOWED_TYPES[mime]
    limit = _size_limit(kind)
    if size > limit:
        raise ValidationError(
            _("This file is too large: at most %(limit)s for this kind of file.") % {"limit": _mb(limit)},
            code="too_large",
        )
    # Images come back re-encoded (their bytes are what is stored); PDFs and archives are read.
    checked = sanitize.upload_check(uploaded_file=uploaded_file, mime=mime, size=size)
    if checked.content is not None:
        size, sha256 = len(checked.content), hashlib.sha256(checked.content).hexdigest()
    else:
        digest = hashlib.sha256()
        for chunk in uploaded_file.chunks():
            digest.update(chunk)
        uploaded_file.seek(0)
        sha256 = digest.hexdigest()
    duplicate = Asset.objects.filter(owner=owner, sha256=sha256).exists()
    if not duplicate and not asset_user_is_manager(owner):
        used = Asset.objects.filter(owner=owner).aggregate(total=Sum("size"))["total"] or 0
        if used + pending_bytes + size > settings.MEDIA_USER_QUOTA:
            raise ValidationError(
                _("This upload would exceed your storage quota of %(quota)s.")
                % {"quota": _mb(settings.MEDIA_USER_QUOTA)},
                code="quota_exceeded",
            )
    return UploadFacts(name, mime, kind, EXTENSIONS[mime], size, sha256, checked.width, checked.height, checked.content)


def asset_create(
    *,
    owner: Any,
    uploaded_file: Any,
    visibility: str = Asset.Visibility.PUBLIC,
    alt_text: str = "",
    title: str = "",
    alt_text_zh_hans: str = "",
    title_zh_hans: str = "",
    facts: UploadFacts | None = None,
) -> Asset:
    """Validate, dedupe (owner + SHA-256), store under a random key, queue processing on commit.

    `alt_text`/`title` are the English texts; `*_zh_hans` the Chinese ones. `facts` skips a second
    validation when the caller (a form or serializer) already ran `asset_upload_validate`.
    """
    facts = facts or asset_upload_validate(owner=owner, uploaded_file=uploaded_file)
    existing = Asset.objects.filter(owner=owner, sha256=facts.sha256).first()
    if existing is not None:
        return existing
    needs_processing = facts.kind in (Asset.Kind.IMAGE, Asset.Kind.VIDEO, Asset.Kind.AUDIO)
    asset = Asset(
        owner=owner,
        kind=facts.kind,
        original_name=facts.name,
        mime_type=facts.mime_type,
        size=facts.size,
        sha256=facts.sha256,
        width=facts.width,
        height=facts.height,
        visibility=visibility,
        status=Asset.Status.PENDING if needs_processing else Asset.Status.READY,
        alt_text_en=alt_text,
        title_en=title,
        alt_text_zh_hans=alt_text_zh_hans,
        title_zh_hans=title_zh_hans,
    )
    storage = asset.storage
    uploaded_file.seek(0)
    stored_name = storage.save(asset_upload_to(asset, f"x.{facts.extension}"), _stored_content(uploaded_file, facts))
    try:
        with transaction.atomic():
            asset.file.name = stored_name
            asset.save()
    except IntegrityError:
        # The same owner uploaded the same bytes concurrently: keep theirs, drop our copy.
        storage.delete(stored_name)
        return Asset.objects.get(owner=owner, sha256=facts.sha256)
    except BaseException:
        storage.delete(stored_name)
        raise
    if needs_processing:
        enqueue_on_commit("apps.media.tasks.asset_process_task", asset.pk)
    return asset


def asset_create_many(
    *,
    owner: Any,
    files: list[Any],
    visibility: str = Asset.Visibility.PUBLIC,
    alt_text: str = "",
    title: str = "",
    alt_text_zh_hans: str = "",
    title_zh_hans: str = "",
) -> list[Asset]:
    """Upload a batch: all or nothing. Returns the assets in the order of `files`.

    Every file is checked before any is stored, counting the batch's earlier files against the quota;
    one bad file refuses the whole batch with a `files` error per bad file ("name: reason"), coded like
    `asset_upload_validate`. The rows are made in one transaction, and files stored for a batch that
    fails part-way are removed again.
    """
    errors: list[ValidationError] = []
    checked: list[UploadFacts] = []
    pending = 0
    for uploaded in files:
        try:
            facts = asset_upload_validate(owner=owner, uploaded_file=uploaded, pending_bytes=pending)
        except ValidationError as exc:
            name = _display_name(getattr(uploaded, "name", ""))
            errors += [ValidationError(f"{name}: {message}", code=exc.code) for message in exc.messages]
            continue
        pending += facts.size
        checked.append(facts)
    if errors:
        raise ValidationError({"files": errors})
    assets: list[Asset] = []
    try:
        with transaction.atomic():
            for uploaded, facts in zip(files, checked, strict=True):
                assets.append(
                    asset_create(
                        owner=owner,
                        uploaded_file=uploaded,
                        visibility=visibility,
                        alt_text=alt_text,
                        title=title,
                        alt_text_zh_hans=alt_text_zh_hans,
                        title_zh_hans=title_zh_hans,
                        facts=facts,
                    )
                )
    except BaseException:
        # The rows rolled back: take the files stored for this batch with them (an earlier asset that
        # was only returned again, as a duplicate, still exists and keeps its file).
        for asset in assets:
            if not Asset.objects.filter(pk=asset.pk).exists():
                asset.storage.delete(asset.file.name)
        raise
    return assets


def _stored_content(uploaded_file: Any, facts: UploadFacts) -> File:
    """What goes to storage: the re-encoded image, or the upload itself; with the sniffed type (S3 would
    otherwise take the type the client claimed) and, for files that are not images, audio or video, a
    download disposition (see `storage.S3Storage`)."""
    content = ContentFile(facts.content) if facts.content is not None else File(uploaded_file)
    content.content_type = facts.mime_type
    if facts.kind in (Asset.Kind.DOCUMENT, Asset.Kind.OTHER):
        content.content_disposition = content_disposition_header(as_attachment=True, filename=facts.name)
    return content


def asset_update(*, asset: Asset, data: dict[str, str]) -> Asset:
    """Change alt text and title (the `*_en` / `*_zh_hans` fields); other keys are ignored."""
    changed = [field for field in TRANSLATED_FIELDS if field in data]
    for field in changed:
        setattr(asset, field, data[field] or "")
    if changed:
        asset.save(update_fields=[*changed, "updated_at"])
    return asset


def asset_reprocess(*, asset: Asset) -> Asset:
    """Make the renditions again (after a watermark change, or once ffmpeg is installed), on commit."""
    asset.set_status(Asset.Status.PENDING)
    enqueue_on_commit("apps.media.tasks.asset_process_task", asset.pk)
    return asset


def asset_set_visibility(*, asset: Asset, visibility: str) -> Asset:
    """Make an asset public or private: its file and renditions move to that visibility's storage (a private
    file must not stay reachable at its public URL). The old copies leave storage after the commit."""
    if visibility not in Asset.Visibility.values:
        raise ValidationError(_("Unknown visibility."), code="unknown_visibility")
    if asset.visibility == visibility:
        return asset
    old_alias = asset.storage_alias
    target_alias = "private" if visibility == Asset.Visibility.PRIVATE else "default"
    target = storages[target_alias]
    items: list[Any] = [asset, *asset.renditions.all()]
    moved: list[tuple[Any, str, str]] = []  # (row, old name, new name)
    try:
        for item in items:
            with item.storage.open(item.file.name, "rb") as fh:
                content = File(fh)
                content.content_type = item.mime_type
                moved.append((item, item.file.name, target.save(item.file.name, content)))
        with transaction.atomic():
            Asset.objects.filter(pk=asset.pk).update(visibility=visibility, file=moved[0][2])
            for rendition, _old, new in moved[1:]:
                Rendition.objects.filter(pk=rendition.pk).update(file=new, storage_alias=target_alias)
    except BaseException:
        for _item, _old, new in moved:
            target.delete(new)
        raise
    enqueue_on_commit("apps.media.tasks.media_files_delete_task", old_alias, [old for _item, old, _new in moved])
    return Asset.objects.get(pk=asset.pk)


def asset_delete(*, asset: Asset) -> None:
    """Delete the asset; its file and renditions leave storage once the transaction commits."""
    asset.delete()


def media_files_delete(*, storage_alias: str, names: list[str]) -> None:
    """Remove stored files. Idempotent: a file already gone is not an error."""
    storage = storages[storage_alias]
    for name in names:
        if name:
            storage.delete(name)


# --- Processing ------------------------------------------------------------------------------------


def asset_process(*, asset_id: int) -> Asset | None:
    """Make the renditions of one asset. Returns early when it is already done or gone."""
    asset = Asset.objects.filter(pk=asset_id).select_related("owner").first()
    if asset is None or asset.status in (Asset.Status.READY, Asset.Status.NOT_PROCESSED):
        return asset
    asset.set_status(Asset.Status.PROCESSING)
    try:
        if asset.kind == Asset.Kind.IMAGE:
            outcome = _process_image(asset)
        elif asset.kind == Asset.Kind.VIDEO:
            outcome = _process_video(asset)
        elif asset.kind == Asset.Kind.AUDIO:
            outcome = _process_audio(asset)
        else:
            outcome = Asset.Status.READY
    except ProcessingRetryable:
        asset.set_status(Asset.Status.PENDING)
        raise
    except (OSError, ValueError, SyntaxError, subprocess.SubprocessError, Image.DecompressionBombError) as exc:
        logger.warning("media: processing asset %s failed: %s", asset.pk, exc)
        asset.set_status(Asset.Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        return asset
    asset.set_status(outcome)
    signals.asset_processed.send(sender=Asset, asset=asset)
    return asset


def _rendition_key(asset: Asset) -> str:
    return Path(asset.file.name).stem


def _save_rendition(asset: Asset, spec: str, content: bytes, mime: str, size: tuple[int, int] | None) -> Rendition:
    """Write one derived file at a name fixed by asset and spec, so a second run replaces it."""
    storage = asset.storage
    name = f"renditions/{_rendition_key(asset)[:2]}/{_rendition_key(asset)}/{spec}"
    if storage.exists(name):
        storage.delete(name)
    derived = ContentFile(content)
    derived.content_type = mime
    stored = storage.save(name, derived)
    rendition, _created = Rendition.objects.update_or_create(
        asset=asset,
        spec=spec,
        defaults={
            "file": stored,
            "storage_alias": asset.storage_alias,
            "mime_type": mime,
            "size": len(content),
            "width": size[0] if size else None,
            "height": size[1] if size else None,
        },
    )
    return rendition


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    # No `exif=` is passed, so EXIF (and GPS) never reaches a derived file.
    if fmt == "WEBP":
        image.save(buffer, "WEBP", quality=80, method=3)
    elif fmt == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=82, progressive=True)
    else:
        image.save(buffer, "PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def _watermark(image: Image.Image) -> Image.Image:
    """The site name, top right, sized to the image, dark or light for contrast with that corner."""
    base = image.convert("RGBA")
    width, height = base.size
    font_size = max(10, round(width * 0.045))
    font = ImageFont.load_default(size=font_size)
    text = settings.MEDIA_WATERMARK_TEXT
    left, top, right, bottom = ImageDraw.Draw(base).textbbox((0, 0), text, font=font)
    margin = max(4, font_size // 2)
    x = max(0, width - (right - left) - margin - left)
    y = max(0, margin - top)
    corner = base.crop((x, 0, width, min(height, y + bottom + margin))).convert("L")
    bright = ImageStat.Stat(corner).mean[0] > 140
    alpha = round(255 * max(0.0, min(1.0, settings.MEDIA_WATERMARK_OPACITY)))
    dark, light = (20, 20, 20), (255, 255, 255)
    ink, halo = (dark, light) if bright else (light, dark)
    fill, shadow = (*ink, alpha), (*halo, alpha // 3)
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    offset = max(1, font_size // 20)
    draw.text((x + offset, y + offset), text, font=font, fill=shadow)
    draw.text((x, y), text, font=font, fill=fill)
    return Image.alpha_composite(base, overlay)


def _rendition_widths(width: int) -> list[int]:
    """The configured widths that do not upscale, plus the image's own width when it is smaller than the largest."""
    widths = [w for w in settings.MEDIA_RENDITION_WIDTHS if w <= width]
    if width < max(settings.MEDIA_RENDITION_WIDTHS) and width not in widths:
        widths.append(width)
    return sorted(widths)


def _process_image(asset: Asset) -> str:
    Image.MAX_IMAGE_PIXELS = settings.MEDIA_MAX_IMAGE_PIXELS
    largest = max(settings.MEDIA_RENDITION_WIDTHS)
    with _open_stored(asset) as fh, Image.open(fh) as source:
        original_format = source.format
        if getattr(source, "is_animated", False):
            source.seek(0)  # animated GIF/WebP: a still first frame
        elif original_format == "JPEG":
            # Decode at the smallest JPEG scale still at least as large as the biggest rendition: far
            # less memory and time for a 12-megapixel photo.
            source.draft("RGB", (largest, largest))
        orientation = source.getexif().get(0x0112, 1)
        image = ImageOps.exif_transpose(source)
        image.load()
    full_w, full_h = asset.width or image.width, asset.height or image.height
    if orientation in (5, 6, 7, 8) and asset.width and asset.height:
        full_w, full_h = asset.height, asset.width
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    png, jpeg = ("PNG", "png", "image/png"), ("JPEG", "jpg", "image/jpeg")
    fallback_fmt, fallback_ext, fallback_mime = png if has_alpha else jpeg
    watermark = settings.MEDIA_WATERMARK_ENABLED and asset.is_public_image
    keep: set[str] = set()
    current = image
    for width in sorted(_rendition_widths(full_w), reverse=True):
        height = max(1, round(full_h * width / full_w))
        current = current.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        variants = [("", current)]
        if watermark:
            variants.append(("wm-", _watermark(current)))
        for prefix, picture in variants:
            for fmt, ext, mime in (("WEBP", "webp", "image/webp"), (fallback_fmt, fallback_ext, fallback_mime)):
                spec = f"{prefix}w{width}.{ext}"
                _save_rendition(asset, spec, _encode(picture, fmt), mime, (width, height))
                keep.add(spec)
    for stale in asset.renditions.exclude(spec__in=keep):
        stale.delete()  # files follow through the post_delete handler
    asset.width, asset.height = full_w, full_h
    asset.save(update_fields=["width", "height", "updated_at"])
    logger.info("media: asset %s (%s) has %d renditions", asset.pk, original_format, len(keep))
    return Asset.Status.READY


@contextlib.contextmanager
def _open_stored(asset: Asset) -> Iterator[Any]:
    try:
        fh = asset.storage.open(asset.file.name, "rb")
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ProcessingRetryable(str(exc)) from exc
    except Exception as exc:  # botocore's connection errors do not derive from OSError
        if "Connect" in type(exc).__name__ or "Timeout" in type(exc).__name__:
            raise ProcessingRetryable(str(exc)) from exc
        raise
    try:
        yield fh
    finally:
        fh.close()


@contextlib.contextmanager
def _local_path(asset: Asset) -> Iterator[str]:
    """A path ffmpeg can read: the file itself on local storage, a temporary copy otherwise."""
    try:
        local = asset.storage.path(asset.file.name)
    except NotImplementedError:  # remote storage (S3): work on a temporary copy
        local = None
    if local is not None:
        yield local
        return
    with tempfile.NamedTemporaryFile(suffix=Path(asset.file.name).suffix) as tmp, _open_stored(asset) as fh:
        shutil.copyfileobj(fh, tmp)
        tmp.flush()
        yield tmp.name


def _probe_duration(path: str) -> float | None:
    binary = shutil.which(settings.MEDIA_FFPROBE_BINARY)
    if not binary:
        return None
    out = subprocess.run(  # noqa: S603 - fixed argument list
        [binary, "-v", "error", "-show_entries", "format=duration", "-of", "json", path],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    value = json.loads(out.stdout or "{}").get("format", {}).get("duration")
    return round(float(value), 3) if value not in (None, "N/A") else None


def _process_video(asset: Asset) -> str:
    ffmpeg = shutil.which(settings.MEDIA_FFMPEG_BINARY)
    if not ffmpeg:
        return Asset.Status.NOT_PROCESSED  # kept as uploaded; a later run with ffmpeg can finish it
    with _local_path(asset) as path, tempfile.TemporaryDirectory() as tmp:
        duration = _probe_duration(path)
        poster, preview = Path(tmp) / "poster.jpg", Path(tmp) / "preview.mp4"
        seek = f"{min(1.0, (duration or 0) / 2):.2f}"
        base = [ffmpeg, "-v", "error", "-y", "-nostdin"]
        subprocess.run(  # noqa: S603 - fixed argument list
            [*base, "-ss", seek, "-i", path, "-frames:v", "1", "-vf", "scale='min(1280,iw)':-2", str(poster)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(  # noqa: S603 - fixed argument list
            [*base, "-i", path, "-t", "4", "-an", "-vf", "scale='min(480,iw)':-2", *PREVIEW_X264, str(preview)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        with Image.open(poster) as im:
            poster_size = im.size
        _save_rendition(asset, "poster.jpg", poster.read_bytes(), "image/jpeg", poster_size)
        _save_rendition(asset, "preview.mp4", preview.read_bytes(), "video/mp4", None)
    asset.width, asset.height = poster_size
    asset.duration = duration
    asset.save(update_fields=["width", "height", "duration", "updated_at"])
    return Asset.Status.READY


def _process_audio(asset: Asset) -> str:
    """Read the duration; nothing is re-encoded."""
    duration = None
    if asset.mime_type == "audio/x-wav":
        with _open_stored(asset) as fh, wave.open(fh) as wav:
            duration = round(wav.getnframes() / float(wav.getframerate()), 3)
    else:
        if not shutil.which(settings.MEDIA_FFPROBE_BINARY):
            return Asset.Status.NOT_PROCESSED
        with _local_path(asset) as path:
            duration = _probe_duration(path)
    asset.duration = duration
    asset.save(update_fields=["duration", "updated_at"])
    return Asset.Status.READY


def media_storage_repair(*, report: Any) -> None:
    """Act on a `selectors.media_storage_audit()`: delete orphan files and the assets whose file is gone."""
    from django.core.files.storage import storages

    for alias, name in report.orphan_files:
        storages[alias].delete(name)
    for asset in report.missing_assets:
        asset_delete(asset=asset)
