"""A local stand-in for DashScope's text-generation API, for tests and for showing translation offline.

It answers `POST …/services/aigc/text-generation/generation` in DashScope's response shape, so the
real `dashscope` SDK talks to it through `QWEN_API_BASE_URL`. It "translates" mechanically, keeping
every `<xN/>` placeholder and `<xN>…</xN>` pair as a careful model would:

- into English: Chinese characters become pinyin (spaced words) and Chinese punctuation Western;
- into Chinese: each piece is prefixed with 【译】;
- glossary lines of the system prompt (`- term => translation`) are applied first, so they show.

Key points are the sentences the local extractive summarizer picks, as "- " lines. Failures on
demand: `fail("429" | "500" | "400" | "401" | "timeout" | "damaged", times=n)`. Every request is kept
in `requests` (headers and JSON body). Run it with `python manage.py qwen_standin`.
"""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_TAG = re.compile(r"(</?x\d+/?>)")
_UNIT_START = re.compile(r"(^|\n\n)(<x\d+>)")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_PUNCTUATION = str.maketrans(
    {"，": ", ", "。": ". ", "！": "! ", "？": "? ", "：": ": ", "；": "; ", "、": ", ", "（": " (", "）": ") "}  # noqa: RUF001
)


def _pinyin(run: str) -> str:
    try:
        from pypinyin import lazy_pinyin  # 55 MB of dictionaries: only the stand-in ever loads them
    except ImportError:  # pragma: no cover - pypinyin is a dependency of the slugs
        return run
    return " ".join(lazy_pinyin(run))


def _to_english(text: str) -> str:
    def segment(piece: str) -> str:
        if _TAG.fullmatch(piece):
            return piece
        piece = _HAN.sub(lambda m: " " + _pinyin(m.group(0)) + " ", piece).translate(_PUNCTUATION)
        piece = re.sub(r"[ \t]+([.,!?;:)\]])", r"\1", re.sub(r"[ \t]{2,}", " ", piece))
        piece = re.sub(r"([(\[])[ \t]+", r"\1", piece)
        # A capital at the start of each sentence, as a translation would have.
        return re.sub(r"(^\s*|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), piece)

    pieces = _TAG.split(text)
    out = []
    for index, piece in enumerate(pieces):
        piece = segment(piece)
        if index and _TAG.fullmatch(pieces[index - 1]) and not pieces[index - 1].endswith("/>"):
            piece = piece.lstrip(" ")  # no space just inside an opening pair
        if index + 1 < len(pieces) and pieces[index + 1].startswith("</"):
            piece = piece.rstrip(" ")  # nor just inside its closing tag
        out.append(piece)
    return "".join(out).replace("\n ", "\n")


def _to_chinese(text: str) -> str:
    return _UNIT_START.sub(lambda m: m.group(1) + m.group(2) + "【译】", text)


def _glossary(system: str) -> list[tuple[str, str]]:
    pairs = []
    for line in system.splitlines():
        if line.startswith("- ") and " => " in line:
            term, translation = line[2:].split(" => ", 1)
            pairs.append((term.strip(), translation.strip()))
    return pairs


def _field(system: str, name: str) -> str:
    match = re.search(rf"^{name}: (.+)$", system, re.M)
    return match.group(1).strip() if match else ""


def translate(system: str, text: str) -> str:
    """What the stand-in answers to a translation request."""
    for term, translation in sorted(_glossary(system), key=lambda p: -len(p[0])):
        text = re.sub(re.escape(term), translation, text, flags=re.I)
    if _field(system, "Target language") == "English":
        return _to_english(text)
    return _to_chinese(text)


def key_points(system: str, text: str) -> str:
    """What the stand-in answers to a key-points request."""
    from .extractive import key_points as pick

    text = re.sub(r"\ATitle: [^\n]*\n", "", text)  # the article's title line is not a point
    points = pick(text) or [text.strip()[:120]]
    if _field(system, "Target language") != _field(system, "Source language"):
        if _field(system, "Target language") == "English":
            points = [" ".join(_to_english(p).split()) for p in points]
        else:
            points = ["【译】" + p for p in points]
    return "\n".join(f"- {p}" for p in points)


class QwenStandIn:
    """`with QwenStandIn() as standin: settings.QWEN_API_BASE_URL = standin.url`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, delay: float = 0.0, timeout_sleep: float = 2.0):
        self.requests: list[dict[str, Any]] = []
        self.delay = delay
        self.timeout_sleep = timeout_sleep
        self._failures: list[str] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/api/v1"

    def fail(self, kind: str, times: int = 1) -> None:
        """The next `times` requests fail with `kind`: "429", "500", "400", "401", "timeout" (answer
        after `timeout_sleep` seconds) or "damaged" (an answer that drops its placeholders)."""
        with self._lock:
            self._failures.extend([kind] * times)

    def _next_failure(self) -> str:
        with self._lock:
            return self._failures.pop(0) if self._failures else ""

    def start(self) -> "QwenStandIn":
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True, name="qwen-standin")
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "QwenStandIn":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        messages = (body.get("input") or {}).get("messages") or []
        system = next((m.get("content", "") for m in messages if m.get("role") == "system"), "")
        user = next((m.get("content", "") for m in reversed(messages) if m.get("role") == "user"), "")
        failure = self._next_failure()
        if failure == "timeout":
            time.sleep(self.timeout_sleep)
        elif failure in ("429", "500", "400", "401"):
            codes = {
                "429": "Throttling.RateQuota",
                "500": "InternalError",
                "400": "InvalidParameter",
                "401": "InvalidApiKey",
            }
            return int(failure), {"request_id": "standin", "code": codes[failure], "message": f"stand-in {failure}"}
        if self.delay:
            time.sleep(self.delay)
        if system.startswith("Task: translate"):
            content = translate(system, user)
        elif system.startswith("Task: key points"):
            content = key_points(system, user)
        else:
            content = user
        if failure == "damaged":
            content = re.sub(r"<x\d+/>", "", content)
        used_in, used_out = max(1, len(system + user) // 4), max(1, len(content) // 4)
        return 200, {
            "request_id": "standin",
            "output": {"choices": [{"finish_reason": "stop", "message": {"role": "assistant", "content": content}}]},
            "usage": {"input_tokens": used_in, "output_tokens": used_out, "total_tokens": used_in + used_out},
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = {}
                standin.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if not self.path.rstrip("/").endswith("/generation"):
                    status, data = 404, {"code": "NotFound", "message": "not a generation endpoint"}
                elif not (self.headers.get("Authorization") or "").startswith("Bearer "):
                    status, data = 401, {"code": "InvalidApiKey", "message": "no API key"}
                else:
                    status, data = standin.answer(body)
                payload = json.dumps(data, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout on purpose)

        return Handler
