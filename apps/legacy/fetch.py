"""Getting the old site's files: from their absolute URL, or from `--media-base` (a URL prefix or a
local directory holding a copy of the bucket), which takes the URL's path."""

import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings


class FetchError(Exception):
    """The file could not be fetched; the message says why (for the import report)."""


class MediaFetcher:
    def __init__(self, *, base: str = "", timeout: float = 20.0, limit: int | None = None) -> None:
        self.base = (base or "").strip()
        self.timeout = timeout
        self.limit = limit or max(settings.MEDIA_MAX_VIDEO_SIZE, settings.MEDIA_MAX_OTHER_SIZE)

    def location(self, url: str) -> str:
        """Where the file of `url` is read from (a URL or a local path)."""
        if not self.base:
            return url
        path = urlsplit(url).path if "://" in url else url
        if "://" in self.base:
            return self.base.rstrip("/") + "/" + path.lstrip("/")
        return str(Path(self.base) / unquote(path).lstrip("/"))

    def fetch(self, url: str) -> bytes:
        where = self.location(url)
        if "://" not in where:
            return self._read_file(where)
        if urlsplit(where).scheme not in ("http", "https"):
            raise FetchError(f"not an http(s) URL: {where}")
        request = urllib.request.Request(where, headers={"User-Agent": "Inkwell-import/1"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - checked above
                data = response.read(self.limit + 1)
        except urllib.error.HTTPError as exc:
            raise FetchError(f"{where}: HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise FetchError(f"{where}: {getattr(exc, 'reason', exc)}") from exc
        return self._checked(data, where)

    def _read_file(self, where: str) -> bytes:
        path = Path(where)
        base = Path(self.base).resolve()
        if not path.resolve().is_relative_to(base):
            raise FetchError(f"{where}: outside the media directory")
        try:
            with path.open("rb") as handle:
                data = handle.read(self.limit + 1)
        except OSError as exc:
            raise FetchError(f"{where}: {exc.strerror or exc}") from exc
        return self._checked(data, where)

    def _checked(self, data: bytes, where: str) -> bytes:
        if len(data) > self.limit:
            raise FetchError(f"{where}: larger than {self.limit // (1024 * 1024)} MB")
        if not data:
            raise FetchError(f"{where}: empty file")
        return data
