"""The writing assistant: translates Markdown and writes key points (STYLE.md, "External services").

- `Assistant`, the small Protocol the services use;
- `QwenAssistant`, DashScope's Qwen through the `dashscope` SDK (imported inside the class), on with
  `QWEN_API_KEY`: model `QWEN_MODEL`, base URL `QWEN_API_BASE_URL` (regional endpoints, the local
  stand-in of `manage.py qwen_standin`), `QWEN_API_MAX_RETRIES` retries with exponential backoff on
  retryable failures only (429, 5xx, timeouts and refused connections; never a 400 or a bad key);
- `LocalAssistant`, the default without a key: no translation (it says why), key points by the
  local extractive summarizer (`extractive.py`).

`get_assistant()` builds the class named by `AI_ASSISTANT_CLASS`. The services never see the SDK:
they send a chunk of placeholder-protected Markdown (`mdsplit.py`) and get its translation back.
"""

import logging
import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from . import extractive
from .errors import AssistantError, AssistantUnavailable

logger = logging.getLogger(__name__)

LANGUAGE_NAMES = {"en": "English", "zh-hans": "Simplified Chinese"}
KEY_POINTS_MIN, KEY_POINTS_MAX = 3, 5


@dataclass(frozen=True)
class Completion:
    text: str
    tokens: int = 0


@dataclass(frozen=True)
class KeyPointsResult:
    points: list[str]
    tokens: int = 0


class Assistant(Protocol):
    provider: str  # recorded on jobs and drafts ("dashscope", "local")
    model: str
    max_concurrency: int  # requests one job may have in flight

    def translation_unavailable_reason(self) -> str:
        """Why this assistant cannot translate ("" when it can)."""

    def translate(
        self, wire: str, *, source: str, target: str, glossary: Sequence[tuple[str, str]], strict: bool = False
    ) -> Completion:
        """Translate placeholder-protected Markdown (`mdsplit.chunk_wire`) from `source` to `target`.

        `glossary`: (term, its translation) pairs to follow. `strict`: a second try after an answer that
        lost placeholders. Raises AssistantError (retryable or not)."""

    def key_points(self, text: str, *, language: str, source_language: str, title: str = "") -> KeyPointsResult:
        """3 to 5 key points, written in `language`, of `text` (written in `source_language`, titled `title`)."""


def get_assistant() -> Assistant:
    """The assistant configured by `AI_ASSISTANT_CLASS`."""
    return import_string(settings.AI_ASSISTANT_CLASS)()


def translation_unavailable_reason() -> str:
    """Why translation is unavailable here, or "" (the admin and the API say this)."""
    return get_assistant().translation_unavailable_reason()


# --- the prompts --------------------------------------------------------------------------------


def translate_prompt(*, source: str, target: str, glossary: Sequence[tuple[str, str]], strict: bool) -> str:
    source_name, target_name = LANGUAGE_NAMES.get(source, source), LANGUAGE_NAMES.get(target, target)
    lines = [
        "Task: translate",
        f"Source language: {source_name}",
        f"Target language: {target_name}",
        f"Translate the Markdown the user sends from {source_name} to {target_name}.",
        "- Answer with the translation only: no notes, no explanations, no code fences around it.",
        "- A tag like <x12/> stands for code, a link target or Markdown structure: copy every one exactly "
        "once, unchanged, where it belongs in the translated sentence.",
        "- Paired tags like <x3>...</x3> enclose text: translate that text and keep it inside the same pair. "
        "Every piece of the message is wrapped in its own pair; answer with every pair, in the same order.",
        "- Keep line breaks, emphasis markers (*, **, _) and the tone of the original.",
    ]
    if strict:
        lines.append(
            "- Your previous answer lost or changed some tags. Every tag of the message must appear in "
            "your answer exactly as many times as in the message."
        )
    if glossary:
        lines.append("Glossary (always translate these terms this way):")
        lines.extend(f"- {term} => {translation}" for term, translation in glossary)
    return "\n".join(lines)


def key_points_prompt(*, language: str, source_language: str) -> str:
    source_name = LANGUAGE_NAMES.get(source_language, source_language)
    target_name = LANGUAGE_NAMES.get(language, language)
    return "\n".join(
        [
            "Task: key points",
            f"Source language: {source_name}",
            f"Target language: {target_name}",
            f"Read the article the user sends (written in {source_name}) and write its "
            f"{KEY_POINTS_MIN} to {KEY_POINTS_MAX} key points in {target_name}. Its first line is its title.",
            '- One point per line, each line starting with "- ".',
            "- Each point is one plain sentence of at most 30 words; no Markdown, no numbering, nothing else.",
        ]
    )


_POINT = re.compile(r"^\s*(?:[-*\u2022\u00b7]|\d{1,2}[.)\u3001])\s*(.+?)\s*$")


def parse_points(text: str) -> list[str]:
    """The points of a model's answer: lines starting with "- ", "•", "1." or "1、"."""
    points = []
    for line in text.splitlines():
        match = _POINT.match(line)
        if match and match.group(1).strip("*_ "):
            points.append(match.group(1).strip("*_ "))
    return points[:KEY_POINTS_MAX]


# --- DashScope (Qwen) ---------------------------------------------------------------------------


class QwenAssistant:
    """Qwen through DashScope's `Generation.call`. Every request is retried on its own, so one failed
    chunk of a long post costs one request again, not the whole post."""

    provider = "dashscope"

    def __init__(self) -> None:
        self.api_key = settings.QWEN_API_KEY
        self.model = settings.QWEN_MODEL
        self.base_url = settings.QWEN_API_BASE_URL or None
        self.max_retries = max(0, settings.QWEN_API_MAX_RETRIES)
        self.backoff = max(0.0, settings.QWEN_API_RETRY_BACKOFF)
        self.timeout = settings.QWEN_API_TIMEOUT
        self.max_concurrency = max(1, settings.AI_TRANSLATE_CONCURRENCY)

    def translation_unavailable_reason(self) -> str:
        if not self.api_key:
            return _("Translation is unavailable: QWEN_API_KEY is not set.")
        return ""

    def translate(
        self, wire: str, *, source: str, target: str, glossary: Sequence[tuple[str, str]], strict: bool = False
    ) -> Completion:
        if not self.api_key:
            raise AssistantUnavailable(self.translation_unavailable_reason(), provider=self.provider)
        system = translate_prompt(source=source, target=target, glossary=glossary, strict=strict)
        return self.complete([{"role": "system", "content": system}, {"role": "user", "content": wire}])

    def key_points(self, text: str, *, language: str, source_language: str, title: str = "") -> KeyPointsResult:
        if not self.api_key:
            return LocalAssistant().key_points(text, language=language, source_language=source_language)
        system = key_points_prompt(language=language, source_language=source_language)
        article = f"Title: {title}\n\n{text}" if title else text
        answer = self.complete([{"role": "system", "content": system}, {"role": "user", "content": article}])
        points = parse_points(answer.text)
        if not points:
            raise AssistantError(_("The model answered without any key points."), provider=self.provider)
        return KeyPointsResult(points=points, tokens=answer.tokens)

    def complete(self, messages: list[dict[str, str]]) -> Completion:
        """One chat completion, retried with backoff while the failure is retryable."""
        attempt = 0
        while True:
            try:
                return self._call(messages)
            except AssistantError as exc:
                if not exc.retryable or attempt >= self.max_retries:
                    raise
                delay = self.backoff * (2**attempt) * (1 + random.random() / 4)  # noqa: S311 - jitter, not crypto
                logger.warning("DashScope: %s; retry %d of %d in %.1fs", exc, attempt + 1, self.max_retries, delay)
                time.sleep(delay)
                attempt += 1

    def _call(self, messages: list[dict[str, str]]) -> Completion:
        import dashscope
        import requests

        try:
            response = dashscope.Generation.call(
                model=self.model,
                messages=messages,
                api_key=self.api_key,
                result_format="message",
                base_address=self.base_url,
                request_timeout=self.timeout,
            )
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise AssistantError(
                _("DashScope did not answer in time (%(error)s).") % {"error": type(exc).__name__},
                retryable=True,
                provider=self.provider,
            ) from exc
        except Exception as exc:
            raise AssistantError(
                _("DashScope request failed: %(error)s") % {"error": exc}, provider=self.provider
            ) from exc
        status = int(getattr(response, "status_code", 0) or 0)
        if status != 200:
            code = getattr(response, "code", "") or ""
            message = getattr(response, "message", "") or ""
            raise AssistantError(
                _("DashScope answered %(status)d %(code)s: %(message)s")
                % {"status": status, "code": code, "message": message},
                retryable=status == 429 or status >= 500,
                provider=self.provider,
            )
        return Completion(text=_content(response), tokens=_tokens(response))


def _content(response: Any) -> str:
    try:
        choice = response.output["choices"][0]
        content = choice["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise AssistantError(_("DashScope's answer has no message."), provider="dashscope") from exc
    if choice.get("finish_reason") == "length":
        raise AssistantError(
            _("The model's answer was cut off at its length limit; lower AI_TRANSLATE_CHUNK_CHARS."),
            provider="dashscope",
        )
    if isinstance(content, list):  # multimodal-style answers: [{"text": ...}]
        content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")


def _tokens(response: Any) -> int:
    usage = getattr(response, "usage", None) or {}
    try:
        total = usage.get("total_tokens") or (usage.get("input_tokens", 0) + usage.get("output_tokens", 0))
    except AttributeError:
        return 0
    return int(total or 0)


# --- the local default --------------------------------------------------------------------------


class LocalAssistant:
    """No key, no network: translation is unavailable (and says why); key points are extracted."""

    provider = "local"
    model = "extractive"
    max_concurrency = 1

    def translation_unavailable_reason(self) -> str:
        return _("Translation is unavailable: set QWEN_API_KEY to translate with Qwen (DashScope).")

    def translate(
        self, wire: str, *, source: str, target: str, glossary: Sequence[tuple[str, str]], strict: bool = False
    ) -> Completion:
        raise AssistantUnavailable(self.translation_unavailable_reason(), provider=self.provider)

    def key_points(self, text: str, *, language: str, source_language: str, title: str = "") -> KeyPointsResult:
        if language != source_language:
            raise AssistantUnavailable(
                _("The local summarizer only picks sentences of the text itself: there is no text in this language."),
                provider=self.provider,
            )
        points = extractive.key_points(text, minimum=KEY_POINTS_MIN, maximum=KEY_POINTS_MAX)
        if not points:
            raise AssistantError(_("The text is too short to pick key points from."), provider=self.provider)
        return KeyPointsResult(points=points)
