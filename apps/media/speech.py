"""Speech synthesis: text chunks in a language → one audio file. Knows nothing about posts.

- `SpeechProvider`: the Protocol every engine follows (`name`, `max_chunk_chars`, `unavailable_reason()`,
  `voice(language)`, `synthesize(chunks=..., language=..., workdir=..., progress=...)`).
- `AzureSpeech`: Azure neural voices (`AZURE_SPEECH_KEY` + `AZURE_SPEECH_REGION`, or `AZURE_SPEECH_ENDPOINT`),
  MP3 or Ogg Opus straight from the service; the SDK is imported inside the class.
- `EspeakSpeech`: the local default, espeak-ng (`-v en` / `-v cmn`); its WAV is encoded to MP3 or Opus by
  ffmpeg (or sox, when sox can write that format), else kept as WAV.
- `speech_provider()`: the engine named by `settings.SPEECH_PROVIDER` (Azure when a key is set, else espeak-ng).
- `chunk_text(paragraphs, limit=...)`: text split at sentence ends (English and Chinese punctuation) into
  pieces no longer than an engine's request limit.
- `audio_join`, `wav_duration`, `audio_duration`: joining parts into one file and measuring it.

Errors (`errors.py`) carry `retryable`: `SpeechUnavailable` (could not reach the engine: try again later),
`SpeechRefused` (the request itself was refused), `SpeechNotConfigured` (nothing can speak here).
Languages are the site's codes ("en", "zh-hans").
"""

import json
import re
import shutil
import subprocess
import wave
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .errors import SpeechNotConfigured, SpeechRefused, SpeechUnavailable

Progress = Callable[[int, int], None]  # (chunks done, chunks in all)

# Audio formats a narration may be stored in: extension and MIME type (what the media library sniffs).
FORMATS = {"mp3": ("mp3", "audio/mpeg"), "opus": ("opus", "audio/ogg"), "wav": ("wav", "audio/x-wav")}
LOCALES = {"en": "en-US", "zh-hans": "zh-CN"}


@dataclass(frozen=True)
class SpeechAudio:
    """One finished audio file (in the caller's work directory) and what made it."""

    path: Path
    mime_type: str
    extension: str
    duration: float  # seconds
    provider: str
    voice: str


class SpeechProvider(Protocol):
    name: str
    max_chunk_chars: int  # the longest text one request may carry

    def unavailable_reason(self) -> str:
        """Why this engine cannot speak here ("" when it can)."""
        ...

    def voice(self, language: str) -> str: ...

    def synthesize(
        self, *, chunks: list[str], language: str, workdir: Path, progress: Progress | None = None
    ) -> SpeechAudio:
        """Speak every chunk, in order, into one file inside `workdir`. Raises a `SpeechError`."""
        ...


def speech_provider() -> SpeechProvider:
    """The configured engine (`SPEECH_PROVIDER`, a dotted class path)."""
    return import_string(settings.SPEECH_PROVIDER)()


# --- Text: sentences and chunks ---------------------------------------------------------------------

# A sentence ends after . ! ? … followed by a space (closing quotes and brackets stay with it), or after
# Chinese 。！？； (no space follows those).
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|[。！？；]+[”’」』）】]*")
# Where a sentence too long for one request is cut next best: after a comma, colon or semicolon; then at spaces.
_CLAUSE_END = re.compile(r"[,;:，、：；]\s*")
_SPACES = re.compile(r"\s+")


def _pieces(text: str, pattern: re.Pattern[str]) -> list[str]:
    """`text` cut after each match of `pattern` (the match stays with the text before it)."""
    pieces, start = [], 0
    for match in pattern.finditer(text):
        pieces.append(text[start : match.end()])
        start = match.end()
    pieces.append(text[start:])
    return [p for p in pieces if p]


def split_sentences(text: str) -> list[str]:
    """The sentences of `text` (English and Chinese punctuation), whitespace trimmed, empty ones dropped."""
    return [s.strip() for s in _pieces(text, _SENTENCE_END) if s.strip()]


def _cut(piece: str, limit: int) -> list[str]:
    """A sentence longer than `limit`: cut at clauses, then at spaces, then anywhere."""
    if len(piece) <= limit:
        return [piece]
    for pattern in (_CLAUSE_END, _SPACES):
        pieces = _pieces(piece, pattern)
        if len(pieces) > 1:
            return [part for packed in _pack(pieces, limit) for part in _cut(packed.strip(), limit)]
    return [piece[i : i + limit] for i in range(0, len(piece), limit)]


def _pack(pieces: Iterable[str], limit: int) -> list[str]:
    """Consecutive pieces (which keep their own trailing spaces) joined while they fit in `limit`."""
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if current and len((current + piece).rstrip()) > limit:
            chunks.append(current)
            current = ""
        current += piece
    if current.strip():
        chunks.append(current)
    return chunks


def _joiner(previous: str) -> str:
    # No space after Chinese punctuation; one after anything else.
    return "" if previous and previous[-1] in "。！？；”’」』）】" else " "


def chunk_text(paragraphs: Iterable[str], *, limit: int) -> list[str]:
    """Pack sentences into chunks of at most `limit` characters, cutting only at sentence ends when it can.

    Paragraph breaks are kept as newlines inside a chunk (engines pause there).
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    chunks: list[str] = []
    current = ""
    for paragraph in paragraphs:
        first = True
        for sentence in split_sentences(paragraph):
            for piece in _cut(sentence, limit):
                if not current:
                    candidate = piece
                elif first:
                    candidate = f"{current}\n{piece}"
                else:
                    candidate = f"{current}{_joiner(current)}{piece}"
                if len(candidate) <= limit:
                    current = candidate
                else:
                    chunks.append(current)
                    current = piece
                first = False
    if current:
        chunks.append(current)
    return chunks


# --- Audio files ------------------------------------------------------------------------------------


def wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate())


def audio_duration(path: Path) -> float | None:
    """Seconds of audio: from the header of a WAV file, else by ffprobe (None without it)."""
    if path.suffix == ".wav":
        return round(wav_duration(path), 3)
    ffprobe = shutil.which(settings.MEDIA_FFPROBE_BINARY)
    if not ffprobe:
        return None
    out = subprocess.run(  # noqa: S603 - fixed argument list
        [ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    value = json.loads(out.stdout or "{}").get("format", {}).get("duration")
    return round(float(value), 3) if value not in (None, "N/A") else None


def _wav_join(parts: list[Path], out: Path) -> None:
    """Concatenate WAV files of the same format (one engine, one voice) into one."""
    with wave.open(str(out), "wb") as target:
        for index, part in enumerate(parts):
            with wave.open(str(part), "rb") as source:
                if index == 0:
                    target.setparams(source.getparams())
                target.writeframes(source.readframes(source.getnframes()))


def _ffmpeg() -> str | None:
    return shutil.which(settings.MEDIA_FFMPEG_BINARY)


def audio_join(parts: list[Path], out: Path) -> Path:
    """One file from parts of one format: WAV by its frames, others by ffmpeg's concat (stream copy),
    MP3 without ffmpeg by its frames (an MP3 stream is a run of frames)."""
    if not parts:
        raise ValueError("nothing to join")
    if len(parts) == 1:
        return parts[0].replace(out)
    if out.suffix == ".wav":
        _wav_join(parts, out)
        return out
    ffmpeg = _ffmpeg()
    if ffmpeg:
        listing = out.with_suffix(".txt")
        listing.write_text("".join(f"file '{p.resolve()}'\n" for p in parts))
        concat = ["-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(out)]
        _run([ffmpeg, "-v", "error", "-y", "-nostdin", *concat])
        return out
    if out.suffix == ".mp3":
        with out.open("wb") as target:
            for part in parts:
                target.write(part.read_bytes())
        return out
    raise SpeechRefused(_("Joining %(format)s audio needs ffmpeg.") % {"format": out.suffix})


def _run(command: list[str], **kwargs: object) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=600, **kwargs)  # noqa: S603 - fixed argv
    except subprocess.TimeoutExpired as exc:
        raise SpeechUnavailable(_("%(program)s took too long.") % {"program": Path(command[0]).name}) from exc
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip()[-300:]
        raise SpeechRefused(f"{Path(command[0]).name}: {detail or exc}") from exc


@lru_cache(maxsize=4)
def _sox_formats(sox: str) -> frozenset[str]:
    """The file formats this sox can write (Debian's sox writes MP3 only with libsox-fmt-mp3)."""
    try:
        out = subprocess.run([sox, "-h"], capture_output=True, text=True, timeout=10, check=False)  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("AUDIO FILE FORMATS:")), "")
    return frozenset(line.split(":", 1)[-1].split())


def encoder_available(fmt: str) -> str:
    """The program that can write `fmt` ("ffmpeg", "sox") or "" (WAV needs none)."""
    if fmt == "wav":
        return ""
    if _ffmpeg():
        return "ffmpeg"
    sox = shutil.which(settings.SPEECH_SOX_BINARY)
    if sox and fmt in _sox_formats(sox):
        return "sox"
    return ""


def wav_encode(source: Path, fmt: str) -> tuple[Path, str, str]:
    """`source` (WAV) as `fmt` ("mp3" or "opus") when ffmpeg or sox can write it, else the WAV itself.

    Returns (path, extension, MIME type).
    """
    program = encoder_available(fmt)
    if fmt not in FORMATS or fmt == "wav" or not program:
        return source, *FORMATS["wav"]
    extension, mime = FORMATS[fmt]
    out = source.with_name(f"{source.stem}-encoded.{extension}")
    if program == "ffmpeg":
        codec = ["-c:a", "libmp3lame", "-b:a", "64k"] if fmt == "mp3" else ["-c:a", "libopus", "-b:a", "32k"]
        _run([_ffmpeg() or "ffmpeg", "-v", "error", "-y", "-nostdin", "-i", str(source), "-ac", "1", *codec, str(out)])
    else:
        _run([shutil.which(settings.SPEECH_SOX_BINARY) or "sox", str(source), "-c", "1", str(out)])
    return out, extension, mime


# --- espeak-ng (local default) ---------------------------------------------------------------------


class EspeakSpeech:
    """espeak-ng, the Debian package: robotic but local, free, and about 0.03 s a sentence."""

    name = "espeak-ng"
    max_chunk_chars = 1500  # espeak has no limit; smaller chunks only make progress visible
    VOICES = {"en": "en", "zh-hans": "cmn"}

    def __init__(self) -> None:
        self.binary = settings.SPEECH_ESPEAK_BINARY
        self.format = settings.NARRATION_AUDIO_FORMAT

    def unavailable_reason(self) -> str:
        if shutil.which(self.binary):
            return ""
        return _(
            "Narration is unavailable: no Azure Speech key is set (AZURE_SPEECH_KEY) and espeak-ng is not "
            "installed (apt-get install espeak-ng)."
        )

    def voice(self, language: str) -> str:
        try:
            return self.VOICES[language]
        except KeyError:
            raise SpeechRefused(_("No voice for the language “%(language)s”.") % {"language": language}) from None

    def synthesize(
        self, *, chunks: list[str], language: str, workdir: Path, progress: Progress | None = None
    ) -> SpeechAudio:
        binary = shutil.which(self.binary)
        if not binary:
            raise SpeechNotConfigured(self.unavailable_reason())
        voice = self.voice(language)
        parts = []
        for index, chunk in enumerate(chunks):
            part = workdir / f"part-{index:04d}.wav"
            # The text goes in on stdin: a chunk starting with "-" is never read as an option.
            _run([binary, "-v", voice, "-w", str(part), "--stdin"], input=chunk.encode("utf-8"))
            parts.append(part)
            if progress:
                progress(index + 1, len(chunks))
        joined = audio_join(parts, workdir / "narration.wav")
        duration = round(wav_duration(joined), 3)
        path, extension, mime = wav_encode(joined, self.format)
        return SpeechAudio(path, mime, extension, duration, self.name, voice)


# --- Azure Speech ----------------------------------------------------------------------------------

# Error codes of a cancelled synthesis that may pass if tried again later.
_AZURE_RETRYABLE = {
    "ConnectionFailure",
    "ServiceTimeout",
    "ServiceError",
    "ServiceUnavailable",
    "TooManyRequests",
    "RuntimeError",
    "ServiceRedirectTemporary",
}


class AzureSpeech:
    """Azure AI Speech neural voices through the official SDK (azure-cognitiveservices-speech)."""

    name = "azure"
    # One request must stay under Azure's 10 minutes of audio: ~2,000 Chinese characters is ~7 minutes.
    max_chunk_chars = 2000

    def __init__(self) -> None:
        self.key = settings.AZURE_SPEECH_KEY
        self.region = settings.AZURE_SPEECH_REGION
        self.endpoint = settings.AZURE_SPEECH_ENDPOINT
        self.voices = settings.AZURE_SPEECH_VOICES
        self.format = settings.NARRATION_AUDIO_FORMAT

    def unavailable_reason(self) -> str:
        if not self.key:
            return _("Narration is unavailable: AZURE_SPEECH_KEY is not set.")
        if not (self.region or self.endpoint):
            return _("Narration is unavailable: set AZURE_SPEECH_REGION (e.g. eastus) with AZURE_SPEECH_KEY.")
        try:
            import azure.cognitiveservices.speech  # noqa: F401
        except (ImportError, OSError):  # not installed, or its native library (libssl, libasound) missing
            return _(
                "Narration is unavailable: the Azure Speech SDK (azure-cognitiveservices-speech) is not installed."
            )
        return ""

    def voice(self, language: str) -> str:
        voice = self.voices.get(language)
        if not voice:
            raise SpeechRefused(_("No voice for the language “%(language)s”.") % {"language": language})
        return voice

    def _format(self) -> str:
        # Ogg Opus parts can only be joined by ffmpeg; MP3 parts join without it.
        return "opus" if self.format == "opus" and _ffmpeg() else "mp3"

    def ssml(self, text: str, language: str) -> str:
        locale = LOCALES.get(language, language)
        paragraphs = "".join(f"<p>{escape(line)}</p>" for line in text.split("\n") if line.strip())
        return (
            f'<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="{locale}">'
            f'<voice name="{escape(self.voice(language))}">'
            f'<lang xml:lang="{locale}">{paragraphs}</lang></voice></speak>'
        )

    def _synthesizer(self, fmt: str) -> object:
        import azure.cognitiveservices.speech as speechsdk

        if self.endpoint:
            config = speechsdk.SpeechConfig(subscription=self.key, endpoint=self.endpoint)
        else:
            config = speechsdk.SpeechConfig(subscription=self.key, region=self.region)
        output = {
            "mp3": speechsdk.SpeechSynthesisOutputFormat.Audio24Khz48KBitRateMonoMp3,
            "opus": speechsdk.SpeechSynthesisOutputFormat.Ogg24Khz16BitMonoOpus,
        }[fmt]
        config.set_speech_synthesis_output_format(output)
        # audio_config=None: the audio comes back in memory, so a failed request leaves no file behind.
        return speechsdk.SpeechSynthesizer(speech_config=config, audio_config=None)

    def synthesize(
        self, *, chunks: list[str], language: str, workdir: Path, progress: Progress | None = None
    ) -> SpeechAudio:
        reason = self.unavailable_reason()
        if reason:
            raise SpeechNotConfigured(reason)
        import azure.cognitiveservices.speech as speechsdk

        fmt = self._format()
        extension, mime = FORMATS[fmt]
        voice = self.voice(language)
        synthesizer = self._synthesizer(fmt)
        parts, duration = [], 0.0
        for index, chunk in enumerate(chunks):
            result = synthesizer.speak_ssml_async(self.ssml(chunk, language)).get()  # type: ignore[attr-defined]
            if result.reason != speechsdk.ResultReason.SynthesizingAudioCompleted:
                self._raise(result, speechsdk)
            part = workdir / f"part-{index:04d}.{extension}"
            part.write_bytes(result.audio_data)
            parts.append(part)
            duration += result.audio_duration.total_seconds()
            if progress:
                progress(index + 1, len(chunks))
        joined = audio_join(parts, workdir / f"narration.{extension}")
        measured = audio_duration(joined) if fmt == "opus" else None
        return SpeechAudio(joined, mime, extension, round(measured or duration, 3), self.name, voice)

    @staticmethod
    def _raise(result: object, speechsdk: object) -> None:
        details = getattr(result, "cancellation_details", None)
        code = getattr(getattr(details, "error_code", None), "name", "") or "Unknown"
        text = (getattr(details, "error_details", "") or "").splitlines()
        message = f"Azure Speech: {code}" + (f": {text[0]}" if text else "")
        if code in _AZURE_RETRYABLE:
            raise SpeechUnavailable(message)
        raise SpeechRefused(message)
