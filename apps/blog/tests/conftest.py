"""Fixtures of the blog's tests: the DashScope stand-in the real `dashscope` SDK talks to."""

import pytest

from apps.blog.qwen_standin import QwenStandIn


@pytest.fixture
def qwen(settings):
    """A local DashScope stand-in, with the site configured to translate through it (Qwen adapter,
    a key, no backoff wait, a short timeout)."""
    with QwenStandIn(timeout_sleep=1.5) as standin:
        settings.QWEN_API_KEY = "test-key"
        settings.QWEN_API_BASE_URL = standin.url
        settings.AI_ASSISTANT_CLASS = "apps.blog.assistant.QwenAssistant"
        settings.QWEN_API_RETRY_BACKOFF = 0.0
        settings.QWEN_API_MAX_RETRIES = 3
        settings.QWEN_API_TIMEOUT = 0.5
        yield standin


@pytest.fixture
def no_ai_key(settings):
    """No key configured: the local assistant (no translation, extractive key points)."""
    settings.QWEN_API_KEY = ""
    settings.AI_ASSISTANT_CLASS = "apps.blog.assistant.LocalAssistant"
