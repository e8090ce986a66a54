"""Translation and key points through the real `dashscope` SDK, talking to a local DashScope stand-in
(`qwen` fixture, apps/blog/qwen_standin.py) that answers in DashScope's shape and fails on demand."""

# ruff: noqa: RUF001 - Chinese text has Chinese punctuation

import re

import pytest

from apps.blog import selectors, services
from apps.blog.models import AIJob, GlossaryTerm, KeyPoints, TranslationDraft

from .factories import PostFactory

pytestmark = pytest.mark.django_db

CHINESE_BODY = """向量数据库用来存储嵌入向量。

## 安装

用 `pip install vectordb` 安装，详见 [文档](https://example.com/docs?x=1)。

```python
client = vectordb.connect("localhost")  # 这行代码不翻译
```

| 名称 | 说明 |
|------|------|
| 索引 | 加速搜索 |

回到[安装](#安装)。
"""


def _chinese_post(**extra):
    fields = {
        "source_language": "zh-hans",
        "title_zh_hans": "向量数据库入门",
        "summary_zh_hans": "向量数据库简介。",
        "body_zh_hans": CHINESE_BODY,
        "title_en": "",
        "summary_en": "",
        "body_en": "",
        **extra,
    }
    return PostFactory(**fields)


def _translate(post, editor, capture, **kwargs) -> AIJob:
    with capture(execute=True):
        job = services.translation_request(post=post, by=editor, **kwargs)
    job.refresh_from_db()
    return job


def _drafts(post) -> dict[str, str]:
    return {d.field: d.text for d in TranslationDraft.objects.filter(post=post)}


def _sent_text(standin) -> str:
    return "\n".join(m["content"] for r in standin.requests for m in r["body"]["input"]["messages"])


def test_a_post_is_translated_through_the_sdk_with_code_and_urls_untouched(
    qwen, editor, django_capture_on_commit_callbacks
):
    post = _chinese_post()
    job = _translate(post, editor, django_capture_on_commit_callbacks)
    assert (job.status, job.progress, job.provider, job.model_name) == ("done", 100, "dashscope", "qwen-max")
    assert job.tokens_used > 0
    body = _drafts(post)["body"]
    assert '```python\nclient = vectordb.connect("localhost")  # 这行代码不翻译\n```' in body
    assert "`pip install vectordb`" in body
    assert "(https://example.com/docs?x=1)" in body
    assert "|------|------|" in body
    assert re.search(r"^## +An zhuang$", body, re.M)
    assert "(#an-zhuang)" in body  # the link to the heading follows its translated id
    # What is never translated is never sent either.
    sent = _sent_text(qwen)
    assert "vectordb.connect" not in sent
    assert "https://example.com/docs" not in sent
    # Every request went to DashScope's endpoint, with the key and the model.
    request = qwen.requests[0]
    assert request["path"] == "/api/v1/services/aigc/text-generation/generation"
    assert request["headers"]["Authorization"] == "Bearer test-key"
    assert request["body"]["model"] == "qwen-max"


def test_the_glossary_of_the_direction_is_sent_with_every_request(
    qwen, editor, settings, django_capture_on_commit_callbacks
):
    settings.AI_TRANSLATE_CHUNK_CHARS = 200  # several requests
    GlossaryTerm.objects.create(
        source_language="zh-hans", target_language="en", term="向量数据库", translation="vector database"
    )
    GlossaryTerm.objects.create(source_language="en", target_language="zh-hans", term="embedding", translation="嵌入")
    post = _chinese_post(body_zh_hans="\n\n".join(["向量数据库很快。" * 12] * 6))
    job = _translate(post, editor, django_capture_on_commit_callbacks)
    assert job.status == "done"
    assert len(qwen.requests) >= 4
    for request in qwen.requests:
        system = request["body"]["input"]["messages"][0]["content"]
        assert "- 向量数据库 => vector database" in system
        assert "embedding" not in system  # the other direction's terms are not
    assert "vector database" in _drafts(post)["body"].lower()
    assert _drafts(post)["title"].lower().startswith("vector database")


@pytest.mark.parametrize("failure", ["429", "500", "timeout"])
def test_rate_limits_server_errors_and_timeouts_are_retried(qwen, editor, failure, django_capture_on_commit_callbacks):
    post = _chinese_post(summary_zh_hans="", body_zh_hans="")  # one request: the title
    qwen.fail(failure, times=2)
    job = _translate(post, editor, django_capture_on_commit_callbacks)
    assert job.status == "done", job.error
    assert len(qwen.requests) == 3  # two failures, then the answer
    assert _drafts(post)["title"] == "Xiang liang shu ju ku ru men"


@pytest.mark.parametrize("failure", ["400", "401"])
def test_a_bad_request_or_a_refused_key_is_not_retried(qwen, editor, failure, django_capture_on_commit_callbacks):
    post = _chinese_post(summary_zh_hans="", body_zh_hans="")
    qwen.fail(failure, times=3)
    job = _translate(post, editor, django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert f"DashScope answered {failure}" in job.error
    assert len(qwen.requests) == 1
    assert not TranslationDraft.objects.filter(post=post).exists()


def test_retries_stop_after_QWEN_API_MAX_RETRIES(qwen, editor, settings, django_capture_on_commit_callbacks):
    settings.QWEN_API_MAX_RETRIES = 2
    post = _chinese_post(summary_zh_hans="", body_zh_hans="")
    qwen.fail("500", times=5)
    job = _translate(post, editor, django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert "500" in job.error
    assert len(qwen.requests) == 3  # the first try and two retries


def test_a_refused_connection_is_retried_then_reported(qwen, editor, settings, django_capture_on_commit_callbacks):
    qwen.stop()  # nothing listens there any more: connections are refused at once
    settings.QWEN_API_MAX_RETRIES = 1
    post = _chinese_post(summary_zh_hans="", body_zh_hans="")
    job = _translate(post, editor, django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert "did not answer" in job.error


def test_a_50000_character_post_comes_back_whole_and_in_order(
    qwen, editor, settings, django_capture_on_commit_callbacks
):
    settings.AI_TRANSLATE_CHUNK_CHARS = 3000
    paragraphs = []
    for number in range(1, 10_000):
        paragraphs.append(f"Paragraph {number:05d} explains one more detail of vector search, calmly.")
        if number % 40 == 0:
            paragraphs.append(f"```\ncode block {number:05d} stays as it is\n```")
        if sum(len(p) + 2 for p in paragraphs) > 50_000:
            break
    body = "\n\n".join(paragraphs) + "\n"
    assert len(body) > 50_000
    post = PostFactory(source_language="en", body_en=body, title_en="Long read", body_zh_hans="", title_zh_hans="")
    job = _translate(post, editor, django_capture_on_commit_callbacks, language="zh-hans")
    assert job.status == "done", job.error
    assert job.progress == 100
    translated = _drafts(post)["body"]
    numbers = [int(n) for n in re.findall(r"Paragraph (\d{5})", translated)]
    expected = [int(n) for n in re.findall(r"Paragraph (\d{5})", body)]
    assert numbers == expected  # every paragraph, once, in order
    assert translated.count("【译】") == len(expected)
    code = re.findall(r"```\ncode block \d{5} stays as it is\n```", translated)
    assert code == re.findall(r"```\ncode block \d{5} stays as it is\n```", body)
    assert len(qwen.requests) >= 17  # chunks of at most 3,000 characters (and the title, summary)
    assert all(len(r["body"]["input"]["messages"][1]["content"]) <= 3000 for r in qwen.requests)


def test_an_answer_that_drops_placeholders_is_asked_for_again_strictly(
    qwen, editor, django_capture_on_commit_callbacks
):
    post = _chinese_post(title_zh_hans="用 `pip` 安装", summary_zh_hans="", body_zh_hans="")
    qwen.fail("damaged")
    job = _translate(post, editor, django_capture_on_commit_callbacks)
    assert job.status == "done", job.error
    assert len(qwen.requests) == 2
    assert "previous answer lost" in qwen.requests[1]["body"]["input"]["messages"][0]["content"]
    assert "`pip`" in _drafts(post)["title"]


def test_an_answer_damaged_twice_fails_the_job_and_saves_nothing(qwen, editor, django_capture_on_commit_callbacks):
    post = _chinese_post(title_zh_hans="用 `pip` 安装", summary_zh_hans="", body_zh_hans="")
    qwen.fail("damaged", times=2)
    job = _translate(post, editor, django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert "came back damaged twice" in job.error
    assert not TranslationDraft.objects.filter(post=post).exists()


def test_key_points_are_written_by_qwen_when_it_is_configured(qwen, editor, django_capture_on_commit_callbacks):
    post = _chinese_post(body_zh_hans="向量数据库用来存储嵌入向量。嵌入向量是模型生成的一串数字。\n\n" * 3)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.key_points_request(post=post, by=editor, language="en")  # from the Chinese body
    job.refresh_from_db()
    assert job.status == "done", job.error
    points = KeyPoints.objects.get(post=post, language="en")
    assert (points.provider, points.model_name, points.source_language) == ("dashscope", "qwen-max", "zh-hans")
    assert 1 <= len(points.points) <= 5
    assert all(p.isascii() for p in points.points)
    assert points.state == "machine_draft"
    system = qwen.requests[-1]["body"]["input"]["messages"][0]["content"]
    assert system.startswith("Task: key points")
    assert "in English" in system
    assert selectors.post_key_points(post=post, language="en") == []  # not public before review
