"""Speech providers (`apps/media/speech.py`): espeak-ng runs for real; Azure is met at its SDK's boundary.

espeak-ng, ffmpeg and sox are Debian packages installed on every machine of this project and in CI
(`.ci/run`). The Azure Speech SDK cannot reach Azure offline: it is pointed at a local port that
refuses connections (it fails in milliseconds) or at a local server that answers the WebSocket upgrade
with a refusal — never at a port that accepts and stays silent (the SDK would wait 80 s).
"""

import socket
import socketserver
import subprocess
import threading
import time
import wave
from pathlib import Path

import pytest

from apps.media import speech
from apps.media.errors import SpeechNotConfigured, SpeechRefused, SpeechUnavailable

ENGLISH = ["Hello, and welcome to Inkwell.", "This post is read aloud by a synthetic voice. It has three sentences."]
CHINESE = ["你好，欢迎来到墨水瓶。", "这篇文章由合成语音朗读。它有三个句子。"]


def ffprobe_duration(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


def closed_port() -> int:
    """A local port nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- espeak-ng ---------------------------------------------------------------------------------------


def test_espeak_speaks_english_into_an_mp3_of_plausible_duration(settings, tmp_path):
    settings.NARRATION_AUDIO_FORMAT = "mp3"
    chunks = speech.chunk_text(ENGLISH, limit=60)
    assert len(chunks) > 1  # several requests, joined into one file
    progress = []
    audio = speech.EspeakSpeech().synthesize(
        chunks=chunks, language="en", workdir=tmp_path, progress=lambda done, total: progress.append((done, total))
    )
    assert (audio.mime_type, audio.extension, audio.provider, audio.voice) == ("audio/mpeg", "mp3", "espeak-ng", "en")
    assert audio.path.read_bytes()[:3] in (b"ID3", b"\xff\xfb", b"\xff\xf3")
    # ~20 words at espeak's 175 words a minute: several seconds, not a fraction and not minutes.
    assert 4 < audio.duration < 20
    assert ffprobe_duration(audio.path) == pytest.approx(audio.duration, abs=0.2)
    assert progress[-1] == (len(chunks), len(chunks))


def test_espeak_speaks_chinese_with_the_mandarin_voice_into_opus(settings, tmp_path):
    settings.NARRATION_AUDIO_FORMAT = "opus"
    audio = speech.EspeakSpeech().synthesize(
        chunks=speech.chunk_text(CHINESE, limit=200), language="zh-hans", workdir=tmp_path
    )
    assert (audio.mime_type, audio.extension, audio.voice) == ("audio/ogg", "opus", "cmn")
    assert audio.path.read_bytes()[:4] == b"OggS"
    assert 2 < audio.duration < 20
    assert ffprobe_duration(audio.path) == pytest.approx(audio.duration, abs=0.2)


def test_without_ffmpeg_or_a_sox_that_writes_mp3_the_narration_stays_wav(settings, tmp_path):
    settings.MEDIA_FFMPEG_BINARY = "ffmpeg-not-installed"
    settings.SPEECH_SOX_BINARY = "sox-not-installed"
    audio = speech.EspeakSpeech().synthesize(chunks=ENGLISH, language="en", workdir=tmp_path)
    assert (audio.mime_type, audio.extension) == ("audio/x-wav", "wav")
    with wave.open(str(audio.path)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert seconds == pytest.approx(audio.duration, abs=0.01)
    assert 4 < seconds < 20


def test_a_chunk_starting_with_a_dash_is_spoken_not_taken_for_an_option(tmp_path):
    audio = speech.EspeakSpeech().synthesize(chunks=["-v is a flag. --help too."], language="en", workdir=tmp_path)
    assert audio.duration > 1


def test_with_no_speech_engine_at_all_narration_is_unavailable_and_says_why(settings, tmp_path):
    settings.SPEECH_ESPEAK_BINARY = "/nonexistent/espeak-ng"
    provider = speech.EspeakSpeech()
    assert "espeak-ng" in provider.unavailable_reason()
    assert "AZURE_SPEECH_KEY" in provider.unavailable_reason()
    with pytest.raises(SpeechNotConfigured) as caught:
        provider.synthesize(chunks=ENGLISH, language="en", workdir=tmp_path)
    assert caught.value.retryable is False
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_language_is_refused_for_good():
    with pytest.raises(SpeechRefused) as caught:
        speech.EspeakSpeech().voice("fr")
    assert caught.value.retryable is False


# --- Sentences and chunks ------------------------------------------------------------------------------


def test_sentences_end_at_english_and_chinese_punctuation():
    text = 'He said "Hi." Then he left! Really? Pi is 3.14 today. 你好。今天天气很好！是吗？好的；再见'
    assert speech.split_sentences(text) == [
        'He said "Hi."',
        "Then he left!",
        "Really?",
        "Pi is 3.14 today.",
        "你好。",
        "今天天气很好！",
        "是吗？",
        "好的；",
        "再见",
    ]


def test_chunks_stay_under_the_limit_cut_at_sentence_ends_and_lose_nothing():
    sentences = [f"Sentence number {n} is here." for n in range(40)]
    paragraphs = [" ".join(sentences[:20]), " ".join(sentences[20:])]
    chunks = speech.chunk_text(paragraphs, limit=100)
    assert all(len(chunk) <= 100 for chunk in chunks)
    assert all(chunk.endswith(".") for chunk in chunks)  # every cut is at a sentence end
    assert " ".join(chunks).split() == " ".join(paragraphs).split()


def test_chinese_text_without_spaces_is_chunked_at_its_full_stops():
    paragraph = "这是第一句话。" * 30  # 210 characters, no spaces
    chunks = speech.chunk_text([paragraph], limit=50)
    assert all(len(chunk) <= 50 and chunk.endswith("。") for chunk in chunks)
    assert "".join(chunks) == paragraph


def test_a_sentence_longer_than_the_limit_is_cut_at_commas_then_spaces():
    long_sentence = ", ".join(f"item {n}" for n in range(60)) + "."
    chunks = speech.chunk_text([long_sentence], limit=80)
    assert all(len(chunk) <= 80 for chunk in chunks)
    assert all(chunk.endswith((",", ".")) for chunk in chunks)
    assert " ".join(chunks).split() == long_sentence.split()
    unbroken = "x" * 250
    assert speech.chunk_text([unbroken], limit=100) == ["x" * 100, "x" * 100, "x" * 50]


# --- Azure Speech, at the SDK boundary -----------------------------------------------------------------


@pytest.fixture
def azure(settings):
    settings.AZURE_SPEECH_KEY = "test-key"
    settings.AZURE_SPEECH_REGION = ""
    settings.NARRATION_AUDIO_FORMAT = "mp3"
    return settings


def test_azure_fails_fast_with_a_retryable_error_on_a_refused_endpoint_and_leaves_no_file(azure, tmp_path):
    azure.AZURE_SPEECH_ENDPOINT = f"ws://127.0.0.1:{closed_port()}"
    provider = speech.AzureSpeech()
    assert provider.unavailable_reason() == ""
    started = time.monotonic()
    with pytest.raises(SpeechUnavailable) as caught:
        provider.synthesize(chunks=ENGLISH, language="en", workdir=tmp_path)
    assert time.monotonic() - started < 5
    assert caught.value.retryable is True
    assert "ConnectionFailure" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


class _RefusingUpgrade(socketserver.StreamRequestHandler):
    """Answers the SDK's WebSocket upgrade with an HTTP error, as Azure does for a bad key."""

    status = "401 Unauthorized"

    def handle(self) -> None:
        while self.rfile.readline() not in (b"\r\n", b""):
            pass
        self.wfile.write(f"HTTP/1.1 {self.status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())


@pytest.fixture
def refusing_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _RefusingUpgrade)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_azure_refusing_the_key_is_not_retried(azure, tmp_path, refusing_server):
    azure.AZURE_SPEECH_ENDPOINT = f"ws://127.0.0.1:{refusing_server.server_address[1]}"
    started = time.monotonic()
    with pytest.raises(SpeechRefused) as caught:
        speech.AzureSpeech().synthesize(chunks=ENGLISH, language="en", workdir=tmp_path)
    assert time.monotonic() - started < 10
    assert caught.value.retryable is False
    assert "AuthenticationFailure" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_azure_without_a_key_or_region_says_what_is_missing(settings):
    settings.AZURE_SPEECH_KEY = ""
    assert "AZURE_SPEECH_KEY" in speech.AzureSpeech().unavailable_reason()
    settings.AZURE_SPEECH_KEY = "k"
    settings.AZURE_SPEECH_REGION = ""
    settings.AZURE_SPEECH_ENDPOINT = ""
    assert "AZURE_SPEECH_REGION" in speech.AzureSpeech().unavailable_reason()


def test_azure_ssml_names_the_configured_voice_and_language_and_escapes_the_text(azure):
    azure.AZURE_SPEECH_VOICES = {"en": "en-GB-SoniaNeural", "zh-hans": "zh-CN-YunxiNeural"}
    provider = speech.AzureSpeech()
    ssml = provider.ssml("Fish & chips <b>.\nSecond paragraph.", "en")
    assert 'xml:lang="en-US"' in ssml
    assert '<voice name="en-GB-SoniaNeural">' in ssml
    assert "<p>Fish &amp; chips &lt;b&gt;.</p><p>Second paragraph.</p>" in ssml
    assert '<voice name="zh-CN-YunxiNeural"><lang xml:lang="zh-CN">' in provider.ssml("你好。", "zh-hans")


def test_the_provider_setting_chooses_the_engine(settings):
    settings.SPEECH_PROVIDER = "apps.media.speech.AzureSpeech"
    assert isinstance(speech.speech_provider(), speech.AzureSpeech)
    settings.SPEECH_PROVIDER = "apps.media.speech.EspeakSpeech"
    assert isinstance(speech.speech_provider(), speech.EspeakSpeech)
