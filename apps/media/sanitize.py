"""What an upload must be beyond its first bytes: images are re-encoded, PDFs and archives are read.

The type of an upload is sniffed from its first bytes, so a file can start like a JPEG, a PDF or a ZIP
and carry an HTML page after its end (a polyglot). Before anything is stored:

- `upload_check(*, uploaded_file, mime, size) -> Checked`: dispatches on the sniffed type.
  - Images are decoded and re-encoded in their own format (`Checked.content` holds the new bytes, which
    are what gets stored): trailing data, EXIF (GPS included), XMP, comments and text chunks are gone,
    the EXIF orientation is applied to the pixels, transparency and animation (GIF, WebP, APNG) are
    kept, the ICC colour profile is kept. The decompression-bomb limit counts every frame.
  - PDFs must parse (cross-reference table, trailer, a catalog with pages) and end with `%%EOF`
    followed by nothing but whitespace.
  - ZIP archives (and EPUBs) must open and list their entries, start with their first entry and end
    with their end record (and a comment without markup), and stay under the zip-bomb limits.
  Every refusal is a `django.core.exceptions.ValidationError` with a code.
"""

import io
import logging
import re
import struct
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence
from PIL.JpegImagePlugin import get_sampling

logger = logging.getLogger(__name__)

# Pillow's name of each accepted image type (MPO is a multi-picture JPEG from some cameras: its first
# picture is kept).
IMAGE_FORMATS = {"image/jpeg": ("JPEG", "MPO"), "image/png": ("PNG",), "image/gif": ("GIF",), "image/webp": ("WEBP",)}
ARCHIVE_TYPES = ("application/zip", "application/epub+zip")

# Zip-bomb limits: what the entries declare once unpacked. Nothing is ever unpacked on the server; the
# limits protect whoever downloads the file.
ARCHIVE_MAX_UNPACKED = 1024 * 1024 * 1024
ARCHIVE_MAX_RATIO = 100
ARCHIVE_MAX_ENTRIES = 10_000

_PDF_TAIL = 64 * 1024
_WHITESPACE = b" \t\r\n\f\x00"
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_LOCAL_HEADER = b"PK\x03\x04"
# Something a browser could take for the start of a tag.
_MARKUP = re.compile(rb"<\s*[!?/]?[a-zA-Z]")


@dataclass(frozen=True)
class Checked:
    """The outcome of a passed check: `content` replaces the upload when set (re-encoded images)."""

    content: bytes | None = None
    width: int | None = None
    height: int | None = None


def upload_check(*, uploaded_file: Any, mime: str, size: int) -> Checked:
    if mime in IMAGE_FORMATS:
        return _image_clean(uploaded_file, mime)
    if mime == "application/pdf":
        _pdf_check(uploaded_file, size)
    elif mime in ARCHIVE_TYPES:
        _archive_check(uploaded_file, size)
    return Checked()


# --- Images -----------------------------------------------------------------------------------------


def _too_many_pixels(limit: int) -> ValidationError:
    return ValidationError(
        # Every frame of an animation counts.
        _("This image has too many pixels (at most %(limit)s).") % {"limit": f"{limit:,}"},
        code="image_too_large",
    )


def _unreadable() -> ValidationError:
    return ValidationError(_("This image is damaged or cannot be read."), code="image_unreadable")


def _image_clean(uploaded_file: Any, mime: str) -> Checked:
    limit = settings.MEDIA_MAX_IMAGE_PIXELS
    uploaded_file.seek(0)
    data = uploaded_file.read()
    uploaded_file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as source:
                if source.format not in IMAGE_FORMATS[mime]:
                    raise _unreadable()
                frames = 1 if source.format in ("JPEG", "MPO") else getattr(source, "n_frames", 1)
                width, height = source.size
                if width * height * frames > limit:
                    raise _too_many_pixels(limit)
                if frames > 1:
                    content = _encode_animation(source, lossless=_webp_is_lossless(data))
                else:
                    content, (width, height) = _encode_still(source, lossless=_webp_is_lossless(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(limit) from exc
    except (OSError, SyntaxError, ValueError, EOFError, KeyError, IndexError, TypeError) as exc:
        # Pillow's decoders signal broken data with any of these.
        raise _unreadable() from exc
    return Checked(content=content, width=width, height=height)


def _webp_is_lossless(data: bytes) -> bool:
    """A WebP stays lossless when its (first) image is; other formats ignore this."""
    if data[8:12] != b"WEBP":
        return False
    lossless, lossy = data.find(b"VP8L", 12), data.find(b"VP8 ", 12)
    return lossless != -1 and (lossy == -1 or lossless < lossy)


def _encode_still(source: Image.Image, *, lossless: bool) -> tuple[bytes, tuple[int, int]]:
    fmt = "JPEG" if source.format == "MPO" else source.format
    icc = source.info.get("icc_profile")
    qtables = getattr(source, "quantization", None)
    sampling = get_sampling(source) if fmt == "JPEG" else -1
    source.load()
    orientation = source.getexif().get(0x0112, 1)
    image = ImageOps.exif_transpose(source) if orientation != 1 else source
    # Nothing of the original's metadata is carried over except what the pixels need.
    image.info = {key: image.info[key] for key in ("transparency",) if key in image.info}
    options: dict[str, Any] = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        options.update(qtables=qtables, **({"subsampling": sampling} if sampling != -1 else {}))
    elif fmt == "PNG":
        options.update(compress_level=6)
    elif fmt == "GIF":
        options.update(comment=b"")
    else:
        options.update(lossless=lossless, quality=80 if lossless else 90)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue(), image.size


def _encode_animation(source: Image.Image, *, lossless: bool) -> bytes:
    """Every frame with its duration; the loop count kept. (Animations are rarely rotated by EXIF and
    browsers ignore it for GIF, so frames are kept as they are.)"""
    fmt = source.format
    loop = source.info.get("loop", 0)
    durations = []
    for frame in ImageSequence.Iterator(source):
        frame.load()
        durations.append(int(frame.info.get("duration") or 0))
    source.seek(0)
    source.info = {key: source.info[key] for key in ("transparency", "background") if key in source.info}
    options: dict[str, Any] = {"save_all": True, "duration": durations, "loop": loop}
    if fmt == "GIF":
        options.update(comment=b"")
    elif fmt == "WEBP":
        options.update(lossless=lossless, quality=80 if lossless else 90)
    buffer = io.BytesIO()
    source.save(buffer, fmt, **options)
    return buffer.getvalue()


# --- PDF ---------------------------------------------------------------------------------------------


def _pdf_check(uploaded_file: Any, size: int) -> None:
    uploaded_file.seek(max(0, size - _PDF_TAIL))
    tail = uploaded_file.read()
    uploaded_file.seek(0)
    end = tail.rfind(b"%%EOF")
    if end == -1:
        raise ValidationError(_("This PDF is damaged or cut short: it has no end marker (%%EOF)."), code="pdf_invalid")
    if tail[end + 5 :].strip(_WHITESPACE):
        raise ValidationError(
            _("This PDF has data after its end marker (%%EOF); save it again from a PDF program."),
            code="pdf_trailing_data",
        )
    try:
        pages = _pdf_page_count(uploaded_file)
    except Exception as exc:  # noqa: BLE001 - a hostile file may raise anything inside the parser
        logger.info("media: PDF refused: %s: %s", type(exc).__name__, exc)
        pages = 0
    finally:
        uploaded_file.seek(0)
    if pages < 1:
        raise ValidationError(_("This PDF is damaged or cannot be read."), code="pdf_invalid")


def _pdf_page_count(uploaded_file: Any) -> int:
    """Parse the cross-reference data, the trailer, the catalog and the page tree (not the content)."""
    from pypdf import PdfReader  # imported here: only uploads of PDFs need it

    uploaded_file.seek(0)
    reader = PdfReader(uploaded_file, strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        # Password-protected: the structure parsed; the pages cannot be read without the password.
        return 1 if "/Root" in reader.trailer else 0
    catalog = reader.trailer["/Root"].get_object()
    if catalog.get("/Type") != "/Catalog":
        return 0
    return len(reader.pages)


# --- ZIP archives (and EPUB) ----------------------------------------------------------------------


def _archive_invalid() -> ValidationError:
    return ValidationError(_("This archive is damaged or is not a ZIP file."), code="archive_invalid")


def _archive_check(uploaded_file: Any, size: int) -> None:
    try:
        _archive_read(uploaded_file, size)
    finally:
        uploaded_file.seek(0)


def _archive_read(fh: Any, size: int) -> None:
    tail_size = min(size, _EOCD_SIZE + 0xFFFF)
    fh.seek(size - tail_size)
    tail = fh.read(tail_size)
    at = tail.rfind(_EOCD)
    if at == -1 or at + _EOCD_SIZE > len(tail):
        raise _archive_invalid()
    comment_size = int.from_bytes(tail[at + 20 : at + 22], "little")
    if at + _EOCD_SIZE + comment_size != len(tail) or _MARKUP.search(tail[at + _EOCD_SIZE :]):
        raise ValidationError(
            _("This archive has data after its end (or markup in its comment); create it again with a ZIP program."),
            code="archive_trailing_data",
        )
    directory = _central_directory(fh, end_at=size - tail_size + at, record=tail[at : at + _EOCD_SIZE])
    if directory is None:
        raise _archive_invalid()
    directory_offset, directory_size = directory
    # Count the entries on the raw bytes first: zipfile would build an object for each of a million.
    entries = _count_entries(fh, directory_offset, directory_size)
    if entries is None:
        raise _archive_invalid()
    if entries > ARCHIVE_MAX_ENTRIES:
        raise ValidationError(
            _("This archive has too many entries (at most %(limit)s).") % {"limit": f"{ARCHIVE_MAX_ENTRIES:,}"},
            code="archive_too_large",
        )
    try:
        fh.seek(0)
        with zipfile.ZipFile(fh) as archive:
            infos = archive.infolist()
            start_dir = archive.start_dir
        offsets = sorted(info.header_offset for info in infos)
        for offset in offsets:
            fh.seek(offset)
            if fh.read(4) != _LOCAL_HEADER:
                raise zipfile.BadZipFile(f"no local header at {offset}")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        logger.info("media: archive refused: %s: %s", type(exc).__name__, exc)
        raise _archive_invalid() from exc
    # Data before the first entry or between the entries and the central directory: something rides along.
    if not offsets or offsets[0] != 0 or start_dir != directory_offset:
        raise ValidationError(
            _("This archive has data outside its entries; create it again with a ZIP program."),
            code="archive_trailing_data",
        )
    unpacked = sum(info.file_size for info in infos)
    if unpacked > ARCHIVE_MAX_UNPACKED or unpacked > ARCHIVE_MAX_RATIO * size:
        raise ValidationError(
            _(
                "This archive would unpack to %(unpacked)s, more than %(limit)s or %(ratio)s times its own size "
                "(a zip bomb?)."
            )
            % {
                "unpacked": f"{unpacked / (1024 * 1024):,.0f} MB",
                "limit": f"{ARCHIVE_MAX_UNPACKED // (1024 * 1024):,} MB",
                "ratio": ARCHIVE_MAX_RATIO,
            },
            code="archive_too_large",
        )


def _central_directory(fh: Any, *, end_at: int, record: bytes) -> tuple[int, int] | None:
    """(offset, size) of the central directory, from the end record (or its ZIP64 version)."""
    size, offset = struct.unpack("<II", record[12:20])
    if offset != 0xFFFFFFFF and size != 0xFFFFFFFF:
        return offset, size
    if end_at < 20:
        return None
    fh.seek(end_at - 20)
    locator = fh.read(20)
    if locator[:4] != b"PK\x06\x07":
        return None
    fh.seek(struct.unpack("<Q", locator[8:16])[0])
    record64 = fh.read(56)
    if len(record64) < 56 or record64[:4] != b"PK\x06\x06":
        return None
    size, offset = struct.unpack("<QQ", record64[40:56])
    return offset, size


def _count_entries(fh: Any, offset: int, size: int) -> int | None:
    """Walk the central directory's records (stopping past the limit); None when they do not chain."""
    fh.seek(offset)
    directory = fh.read(size)
    if len(directory) != size:
        return None
    count = position = 0
    while position < size and count <= ARCHIVE_MAX_ENTRIES:
        if directory[position : position + 4] != b"PK\x01\x02" or position + 46 > size:
            return None
        name, extra, comment = struct.unpack("<HHH", directory[position + 28 : position + 34])
        position += 46 + name + extra + comment
        count += 1
    return count
