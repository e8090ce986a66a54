"""Factories and real test files (Pillow images, WAV, video by ffmpeg) for the media tests."""

import io
import shutil
import struct
import subprocess
import wave
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(
    size: tuple[int, int] = (1600, 1200),
    fmt: str = "JPEG",
    color: tuple[int, ...] = (30, 90, 160),
    exif: Image.Exif | None = None,
    mode: str = "RGB",
) -> bytes:
    """A real image: a colour with a light band across the top, so watermarks and corners differ."""
    image = Image.new(mode, size, color)
    image.paste((240, 240, 240) if mode == "RGB" else (240, 240, 240, 255), (0, 0, size[0], max(1, size[1] // 8)))
    buffer = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def upload(content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def jpeg_with_gps_and_rotation(size: tuple[int, int] = (1600, 1000)) -> bytes:
    """Landscape pixels whose EXIF says "rotate 90°" (orientation 6), with GPS coordinates."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "TestCam"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (48.0, 51.0, 24.0)
    return image_bytes(size=size, exif=exif)


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (400, 300), c) for c in ((200, 0, 0), (0, 200, 0), (0, 0, 200))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def wav_bytes(seconds: float = 1.5, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(struct.pack("<h", 0) * int(seconds * rate))
    return buffer.getvalue()


def mp4_bytes(tmp_path: Path) -> bytes:
    """A real two-second MP4 made by ffmpeg (the Debian package is on every machine of this project)."""
    target = tmp_path / "clip.mp4"
    source = ("-f", "lavfi", "-i", "testsrc=size=320x240:rate=10")
    clip = ("-t", "2", "-pix_fmt", "yuv420p", str(target))
    subprocess.run(
        [shutil.which("ffmpeg") or "ffmpeg", "-v", "error", "-y", *source, *clip],
        check=True,
        timeout=60,
    )
    return target.read_bytes()
