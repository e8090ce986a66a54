"""Key points: 3 to 5 per language, reviewable, standing in for a summary the editor has not written."""

# ruff: noqa: RUF001 - Chinese text has Chinese punctuation

import json
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from apps.blog import extractive, selectors, services
from apps.blog.errors import AssistantUnavailable
from apps.blog.models import KeyPoints

from .factories import PostFactory

pytestmark = pytest.mark.django_db

ENGLISH = (
    "Vector databases store embeddings so that similar items can be found quickly. "
    "An embedding is a list of numbers produced by a model.\n\n"
    "When you search, the query is turned into an embedding too, and the database returns the nearest neighbours. "
    "Most vector databases use approximate nearest neighbour indexes such as HNSW.\n\n"
    "Choosing a vector database depends on the size of your data, your latency budget and filtering. "
    "The weather was nice yesterday.\n"
)
CHINESE = (
    "向量数据库用来存储嵌入向量，以便快速找到相似的内容。嵌入向量是模型生成的一串数字。\n\n"
    "搜索时，查询也会被转换成嵌入向量，数据库返回最近的邻居。大多数向量数据库使用近似最近邻索引。\n\n"
    "选择向量数据库取决于数据规模、延迟要求以及是否需要过滤。昨天天气很好。\n"
)


def test_the_extractive_summarizer_picks_representative_sentences_in_english_and_chinese():
    english = extractive.key_points(ENGLISH)
    chinese = extractive.key_points(CHINESE)
    assert len(english) == 3
    assert len(chinese) == 3
    assert all(point in ENGLISH for point in english)
    assert all(point in CHINESE for point in chinese)
    assert "The weather was nice yesterday." not in english  # off-topic sentences lose
    assert "昨天天气很好。" not in chinese
    assert english == sorted(english, key=ENGLISH.index)  # in reading order
    assert extractive.split_sentences("第一句。第二句！Third one? Fourth.") == [
        "第一句。",
        "第二句！",
        "Third one?",
        "Fourth.",
    ]
    assert extractive.key_points("Too short.") == []


def _write(post, editor, capture, language):
    with capture(execute=True):
        job = services.key_points_request(post=post, by=editor, language=language)
    job.refresh_from_db()
    return job


def test_without_a_key_key_points_are_extracted_in_both_languages(
    no_ai_key, editor, django_capture_on_commit_callbacks
):
    post = PostFactory(body_en=ENGLISH, body_zh_hans=CHINESE)
    for language, body in (("en", ENGLISH), ("zh-hans", CHINESE)):
        job = _write(post, editor, django_capture_on_commit_callbacks, language)
        assert (job.status, job.provider) == ("done", "local"), job.error
        points = KeyPoints.objects.get(post=post, language=language)
        assert 3 <= len(points.points) <= 5
        assert all(point in body for point in points.points)
        assert (points.provider, points.model_name, points.state) == ("local", "extractive", "machine_draft")
        assert points.generated_at is not None


def test_without_a_key_points_in_a_language_the_post_lacks_are_unavailable(no_ai_key, editor):
    post = PostFactory(source_language="zh-hans", body_en="", title_en="", body_zh_hans=CHINESE)
    with pytest.raises(AssistantUnavailable, match="QWEN_API_KEY"):
        services.key_points_request(post=post, by=editor, language="en")


def test_writing_key_points_again_for_an_unchanged_body_asks_nobody(qwen, editor, django_capture_on_commit_callbacks):
    post = PostFactory(body_en=ENGLISH)
    _write(post, editor, django_capture_on_commit_callbacks, "en")
    sent = len(qwen.requests)
    job = _write(post, editor, django_capture_on_commit_callbacks, "en")
    assert job.status == "done"
    assert len(qwen.requests) == sent
    services.post_update(post=post, by=editor, data={"body_en": ENGLISH + "\nOne more sentence about indexes here."})
    states = {s.language: s.state for s in selectors.key_points_states(post=post)}
    assert states["en"] == "stale"
    _write(post, editor, django_capture_on_commit_callbacks, "en")
    assert len(qwen.requests) == sent + 1


def _reviewed_points(post, editor, capture, points=None):
    _write(post, editor, capture, "en")
    record = KeyPoints.objects.get(post=post, language="en")
    return services.key_points_accept(key_points=record, by=editor, points=points)


def test_reviewed_key_points_describe_a_post_without_a_summary(
    no_ai_key, editor, client, django_capture_on_commit_callbacks
):
    post = PostFactory(summary_en="", summary_zh_hans="", seo_description_en="", body_en=ENGLISH)
    _reviewed_points(
        post, editor, django_capture_on_commit_callbacks, points=["Vectors find neighbours", "HNSW is fast"]
    )
    page = client.get(f"/en/posts/{post.slug}/").content.decode()
    expected = "Vectors find neighbours. HNSW is fast."
    assert f'<meta name="description" content="{expected}">' in page
    assert f'<meta property="og:description" content="{expected}">' in page
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    posting = next(item for item in ld if item.get("@type") == "BlogPosting")
    assert posting["abstract"] == expected
    assert '<section class="key-points"' in page
    assert "<li>HNSW is fast</li>" in page
    assert selectors.post_summary_text(post=post, language="en") == expected


def test_an_editors_summary_wins_over_key_points(no_ai_key, editor, client, django_capture_on_commit_callbacks):
    post = PostFactory(summary_en="The editor's own words.", seo_description_en="", body_en=ENGLISH)
    _reviewed_points(post, editor, django_capture_on_commit_callbacks)
    assert selectors.post_summary_text(post=post, language="en") == "The editor's own words."
    page = client.get(f"/en/posts/{post.slug}/").content.decode()
    assert '<meta name="description" content="The editor&#x27;s own words.">' in page


def test_summary_text_falls_back_to_the_source_language_as_pages_do(
    no_ai_key, editor, django_capture_on_commit_callbacks
):
    post = PostFactory(source_language="zh-hans", summary_zh_hans="", summary_en="", body_en="", body_zh_hans=CHINESE)
    assert selectors.post_summary_text(post=post, language="en") == ""
    _write(post, editor, django_capture_on_commit_callbacks, "zh-hans")
    services.key_points_accept(key_points=KeyPoints.objects.get(post=post), by=editor, points=["要点一", "要点二。"])
    assert selectors.post_summary_text(post=post, language="zh-hans") == "要点一。要点二。"
    assert selectors.post_summary_text(post=post, language="en") == "要点一。要点二。"


def test_unreviewed_key_points_of_a_premium_post_are_never_shown(
    no_ai_key, editor, client, settings, django_capture_on_commit_callbacks
):
    settings.AI_SHOW_MACHINE_DRAFTS = True
    post = PostFactory(is_premium=True, summary_en="", seo_description_en="", body_en=ENGLISH)
    _write(post, editor, django_capture_on_commit_callbacks, "en")
    secrets = KeyPoints.objects.get(post=post).points  # sentences of the locked body
    assert secrets
    for url in (f"/en/posts/{post.slug}/", "/en/feed/rss.xml", "/en/feed/atom.xml"):
        content = client.get(url).content.decode()
        assert not any(secret in content for secret in secrets), url
    assert selectors.post_summary_text(post=post, language="en") == ""
    # Reviewed, they are public text: the feed's teaser of the premium post uses them (the cached feed
    # is dropped when they are accepted).
    with django_capture_on_commit_callbacks(execute=True):
        services.key_points_accept(key_points=KeyPoints.objects.get(post=post), by=editor, points=["A reviewed teaser"])
    assert "A reviewed teaser" in client.get("/en/feed/rss.xml").content.decode()


def test_unreviewed_key_points_of_a_free_post_show_only_with_AI_SHOW_MACHINE_DRAFTS(
    no_ai_key, editor, client, settings, django_capture_on_commit_callbacks
):
    post = PostFactory(body_en=ENGLISH)
    _write(post, editor, django_capture_on_commit_callbacks, "en")
    assert '<section class="key-points"' not in client.get(f"/en/posts/{post.slug}/").content.decode()
    settings.AI_SHOW_MACHINE_DRAFTS = True
    cache.clear()  # the anonymous page above is cached; a changed setting takes effect on a restart
    page = client.get(f"/en/posts/{post.slug}/").content.decode()
    assert '<section class="key-points"' in page
    assert "Summarized automatically; not reviewed yet." in page


def test_a_new_draft_never_replaces_published_points_until_accepted(
    no_ai_key, editor, django_capture_on_commit_callbacks
):
    post = PostFactory(body_en=ENGLISH)
    _reviewed_points(post, editor, django_capture_on_commit_callbacks, points=["Accepted point"])
    with django_capture_on_commit_callbacks(execute=True):
        services.key_points_request(post=post, by=editor, language="en", force=True)
    record = KeyPoints.objects.get(post=post)
    assert record.state == "machine_draft"
    assert selectors.post_key_points(post=post, language="en") == ["Accepted point"]
    services.key_points_reject(key_points=record, by=editor)
    assert selectors.post_key_points(post=post, language="en") == ["Accepted point"]


def test_edited_key_points_are_checked(no_ai_key, editor, django_capture_on_commit_callbacks):
    post = PostFactory(body_en=ENGLISH)
    _write(post, editor, django_capture_on_commit_callbacks, "en")
    record = KeyPoints.objects.get(post=post)
    for points in ([], ["  ", ""], [f"point {i}" for i in range(6)], ["x" * 301]):
        with pytest.raises(ValidationError) as caught:
            services.key_points_accept(key_points=record, by=editor, points=points)
        assert "points" in caught.value.message_dict
    record.refresh_from_db()
    assert record.published_points == []


def test_a_feed_reads_key_points_in_one_query_whatever_its_length(no_ai_key, client, django_assert_max_num_queries):
    for _ in range(8):
        post = PostFactory(is_premium=True, summary_en="")
        KeyPoints.objects.create(post=post, language="en", points=["p"], published_points=["p"], state="reviewed")
    with django_assert_max_num_queries(8):
        response = client.get("/en/feed/rss.xml")
    assert response.status_code == 200
