"""Real documents and archives, and the polyglots of the security probe (issue 10, item 8)."""

import io
import zipfile

from pypdf import PdfWriter

from .factories import image_bytes

HTML = b"<html><body><script>alert(document.domain)</script></body></html>\n"


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_bytes(files: dict[str, bytes] | None = None, comment: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in (files or {"notes.txt": b"Field notes\n" * 20}).items():
            archive.writestr(name, content)
        archive.comment = comment
    return buffer.getvalue()


def jpeg_with_html_tail() -> bytes:
    """A real JPEG followed by an HTML page: browsers that sniff would run it."""
    return image_bytes(size=(64, 48)) + HTML


def pdf_header_then_html() -> bytes:
    return b"%PDF-1.7\n" + HTML


def pdf_with_html_tail() -> bytes:
    return pdf_bytes() + HTML


def zip_header_then_html() -> bytes:
    return b"PK\x03\x04" + HTML


def zip_with_html_tail() -> bytes:
    return zip_bytes() + HTML


def zip_bomb(unpacked_mb: int = 20) -> bytes:
    """Megabytes of zeros that deflate to almost nothing (a ratio of about 1000:1)."""
    return zip_bytes({"zeros.bin": b"\0" * (unpacked_mb * 1024 * 1024)})
