"""Is a friend's site still there? One HTTP HEAD (then a GET when HEAD is refused), a short timeout,
redirects followed up to `MAX_REDIRECTS` hops.

Safe against SSRF: each hop's host is resolved once, every address it resolves to must be public
(not loopback, private, link-local, multicast or reserved) unless FRIEND_LINK_CHECK_ALLOW_PRIVATE is
on (tests), and the connection goes to that vetted address (no second lookup a DNS rebinding could
change). Only http and https, only the default ports or ports above 1023.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 5
USER_AGENT = "InkwellLinkCheck/1.0 (+friend links)"


@dataclass(frozen=True)
class CheckResult:
    alive: bool
    note: str  # "200", "404", "timeout", "refused: private address"...
    final_url: str = ""


class Refused(Exception):
    """The address may not be fetched (a private address, an odd scheme or port)."""


def _vetted_address(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OSError(f"cannot resolve {host}") from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise OSError(f"cannot resolve {host}")
    if not settings.FRIEND_LINK_CHECK_ALLOW_PRIVATE:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if not ip.is_global or ip.is_multicast:
                raise Refused("private address")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _request(url: str, method: str, timeout: float) -> tuple[int, str]:
    """(status, Location header) of one request to `url`."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("not an http(s) address")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if port not in (80, 443) and port < 1024:
        raise Refused("odd port")
    address = _vetted_address(parts.hostname, port)
    cls = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = cls(parts.hostname, port, address=address, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request(method, path, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        response = connection.getresponse()
        if method == "GET":
            response.read(1024)
        return response.status, response.getheader("Location", "") or ""
    finally:
        connection.close()


def _follow(url: str, method: str, timeout: float) -> tuple[int, str]:
    for _hop in range(MAX_REDIRECTS + 1):
        status, location = _request(url, method, timeout)
        if status in (301, 302, 303, 307, 308) and location:
            url = urljoin(url, location)
            continue
        return status, url
    return 310, url  # too many redirects


def link_check(url: str, *, timeout: float | None = None) -> CheckResult:
    """HEAD the address (GET when HEAD is refused or fails); alive when the answer is below 400."""
    timeout = settings.FRIEND_LINK_CHECK_TIMEOUT if timeout is None else timeout
    try:
        try:
            status, final = _follow(url, "HEAD", timeout)
        except (OSError, http.client.HTTPException):
            status, final = 0, url
        if status == 0 or status >= 400:
            status, final = _follow(url, "GET", timeout)
    except Refused as exc:
        return CheckResult(False, f"refused: {exc}"[:200])
    except TimeoutError:
        return CheckResult(False, "timeout")
    except (OSError, http.client.HTTPException) as exc:
        return CheckResult(False, (f"error: {exc}" if str(exc) else "error: " + type(exc).__name__)[:200])
    note = "too many redirects" if status == 310 else str(status)
    return CheckResult(status < 400, note, final)
