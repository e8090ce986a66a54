# ruff: noqa: RUF001 - Chinese text uses full-width punctuation on purpose.
"""Narration of posts (issue 13): text extraction, generation through espeak-ng for real, regeneration only
when the spoken text changes, premium access, the player, the podcast feed, the admin and the API."""

import re
import socket
import xml.etree.ElementTree as ET

import pytest
from django.core.files.storage import storages
from django.test import Client
from django.urls import reverse

from apps.blog import selectors, services
from apps.blog.models import AIJob, Post, PostNarration
from apps.blog.narration import body_paragraphs, narration_text
from apps.blog.rendering import render_markdown
from apps.media.errors import SpeechNotConfigured, SpeechUnavailable
from apps.media.models import Asset

from .factories import AccessGrantFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
BODY_EN = """## Getting started

Install the package. Then run it once; it prints a greeting.

```python
print("this code is never read aloud")
```

- First, read the guide.
- Second, try the demo

| Name | Value |
|------|-------|
| a    | 1     |
| b    | 2     |

A footnote reference[^1] is not read either.

[^1]: The footnote text is skipped.
"""
BODY_ZH = "## 开始\n\n先安装软件包。然后运行一次！它会打印问候语。\n\n```bash\necho 不朗读\n```\n"


@pytest.fixture(autouse=True)
def media_dirs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "public"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    settings.SPEECH_PROVIDER = "apps.media.speech.EspeakSpeech"
    settings.NARRATION_AUDIO_FORMAT = "mp3"
    return tmp_path


@pytest.fixture
def narrate(django_capture_on_commit_callbacks):
    """`post_narration_request` with the queued task run, as without a broker; returns the job, reloaded."""

    def _narrate(post, language="en", by=None):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.post_narration_request(post=post, language=language, by=by)
        job.refresh_from_db()
        return job

    return _narrate


@pytest.fixture
def bilingual(editor):
    return PostFactory(title_en="Hello narration", title_zh_hans="你好朗读", body_en=BODY_EN, body_zh_hans=BODY_ZH)


def _xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own responses, not untrusted input


# --- What is read -------------------------------------------------------------------------------------


def test_the_spoken_text_keeps_headings_and_lists_and_announces_code_and_tables():
    paragraphs = body_paragraphs(render_markdown(BODY_EN).html, language="en")
    assert paragraphs == [
        "Getting started.",
        "Install the package. Then run it once; it prints a greeting.",
        "Code sample omitted.",
        "First, read the guide.",
        "Second, try the demo.",
        "A table of 3 rows is not read aloud.",
        "A footnote reference is not read either.",
    ]


def test_chinese_text_is_read_with_chinese_announcements_and_punctuation():
    paragraphs = body_paragraphs(render_markdown(BODY_ZH).html, language="zh-hans")
    assert paragraphs == ["开始。", "先安装软件包。然后运行一次！它会打印问候语。", "此处省略了代码示例。"]


def test_the_narration_starts_with_the_title_and_reads_only_its_own_language(bilingual):
    english = narration_text(post=bilingual, language="en")
    assert english.paragraphs[0] == "Hello narration."
    assert "开始" not in english.text
    untranslated = PostFactory(body_zh_hans="")
    assert narration_text(post=untranslated, language="zh-hans").paragraphs == ()


# --- Generating -------------------------------------------------------------------------------------------


def test_an_editor_narrates_both_languages_with_espeak_into_audio_of_plausible_length(bilingual, editor, narrate):
    for language in ("en", "zh-hans"):
        job = narrate(bilingual, language, by=editor)
        assert (job.status, job.progress, job.error) == (AIJob.Status.DONE, 100, "")
        assert (job.kind, job.provider, job.requested_by) == ("narrate", "espeak-ng", editor)
    english, chinese = (PostNarration.objects.get(post=bilingual, language=code) for code in ("en", "zh-hans"))
    assert (english.voice, chinese.voice) == ("en", "cmn")
    assert 5 < english.duration < 60
    assert 2 < chinese.duration < 60
    for narration in (english, chinese):
        asset = narration.asset
        assert (asset.kind, asset.mime_type, asset.visibility, asset.owner) == ("audio", "audio/mpeg", "public", editor)
        assert asset.duration == pytest.approx(narration.duration, abs=0.3)  # the media library measured it too
        assert storages["default"].exists(asset.file.name)
        assert narration.text_hash == narration_text(post=bilingual, language=narration.language).text_hash


def test_the_task_run_twice_makes_one_asset_and_changes_nothing(bilingual, editor, narrate):
    from apps.blog.tasks import post_narration_generate_task

    narrate(bilingual, "en", by=editor)
    first = PostNarration.objects.get()
    post_narration_generate_task(bilingual.pk, "en")
    post_narration_generate_task(bilingual.pk, "en")
    assert Asset.objects.count() == 1
    again = PostNarration.objects.get()
    assert (again.asset_id, again.updated_at) == (first.asset_id, first.updated_at)


def test_editing_what_is_not_read_keeps_the_narration_and_editing_the_text_replaces_it(
    bilingual, editor, narrate, django_capture_on_commit_callbacks
):
    narrate(bilingual, "en", by=editor)
    first = PostNarration.objects.select_related("asset").get()
    services.post_update(post=bilingual, by=editor, data={"seo_title_en": "SEO only", "summary_en": "New summary."})
    narrate(bilingual, "en", by=editor)
    assert PostNarration.objects.get().asset_id == first.asset_id
    services.post_update(post=bilingual, by=editor, data={"body_en": BODY_EN + "\nOne more sentence.\n"})
    with django_capture_on_commit_callbacks(execute=True):
        narrate(bilingual, "en", by=editor)
    replaced = PostNarration.objects.get()
    assert replaced.asset_id != first.asset_id
    assert replaced.duration > first.duration
    assert not Asset.objects.filter(pk=first.asset_id).exists()  # the old audio is gone from the library
    assert not storages["default"].exists(first.asset.file.name)


def test_asking_while_a_narration_waits_returns_the_same_job(bilingual, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = services.post_narration_request(post=bilingual, language="en", by=editor)
        again = services.post_narration_request(post=bilingual, language="en", by=editor)
    assert again.pk == first.pk
    assert len(queued) == 1  # one task, not two


def test_a_post_without_text_in_a_language_or_an_unknown_language_is_refused_before_any_job(editor):
    from django.core.exceptions import ValidationError

    post = PostFactory(body_zh_hans="")
    with pytest.raises(ValidationError) as caught:
        services.post_narration_request(post=post, language="zh-hans", by=editor)
    assert caught.value.message_dict["language"]
    with pytest.raises(ValidationError):
        services.post_narration_request(post=post, language="fr", by=editor)
    assert not AIJob.objects.exists()


def test_with_no_speech_engine_narration_is_refused_with_the_reason(bilingual, editor, settings):
    settings.SPEECH_ESPEAK_BINARY = "/nonexistent/espeak-ng"
    with pytest.raises(SpeechNotConfigured) as caught:
        services.post_narration_request(post=bilingual, language="en", by=editor)
    assert "espeak-ng" in str(caught.value)
    assert not AIJob.objects.exists()


@pytest.fixture
def unreachable_azure(settings):
    """The real Azure SDK pointed at a local port that refuses connections: it fails in milliseconds."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.SPEECH_PROVIDER = "apps.media.speech.AzureSpeech"
    settings.AZURE_SPEECH_KEY = "test-key"
    settings.AZURE_SPEECH_ENDPOINT = f"ws://127.0.0.1:{port}"


def test_an_engine_out_of_reach_fails_the_job_with_its_reason_when_nothing_will_retry(
    bilingual, editor, narrate, unreachable_azure
):
    job = narrate(bilingual, "en", by=editor)  # without a broker there is no "later"
    assert (job.status, job.attempts, job.provider) == (AIJob.Status.FAILED, 1, "azure")
    assert "ConnectionFailure" in job.error
    assert not PostNarration.objects.exists()
    assert not Asset.objects.exists()


def test_an_engine_out_of_reach_puts_the_job_back_in_the_queue_for_the_worker_to_retry(
    bilingual, editor, unreachable_azure
):
    job = services.aijob_queue(post=bilingual, kind=AIJob.Kind.NARRATE, language="en", by=editor)
    with pytest.raises(SpeechUnavailable) as caught:
        services.post_narration_generate(post_id=bilingual.pk, language="en", can_retry=True)
    assert caught.value.retryable is True
    job.refresh_from_db()
    assert (job.status, job.attempts) == (AIJob.Status.QUEUED, 1)
    assert "ConnectionFailure" in job.error
    assert "trying again" in job.error
    # The retry claims the same job; the last one fails it.
    assert services.post_narration_generate(post_id=bilingual.pk, language="en", can_retry=False) is None
    job.refresh_from_db()
    assert (job.status, job.attempts) == (AIJob.Status.FAILED, 2)
    assert AIJob.objects.count() == 1


# --- Premium posts ----------------------------------------------------------------------------------------


def test_premium_narration_is_private_and_plays_only_for_readers_who_may_read_the_post(client, reader, editor, narrate):
    post = PostFactory(is_premium=True, body_en=BODY_EN)
    narrate(post, "en", by=editor)
    narration = PostNarration.objects.get()
    assert narration.asset.visibility == Asset.Visibility.PRIVATE
    assert not storages["default"].exists(narration.asset.file.name)
    assert storages["private"].exists(narration.asset.file.name)
    page = reverse("blog:post", args=[post.slug])

    assert b"<audio" not in client.get(page).content  # anonymous
    client.force_login(reader)
    assert b"<audio" not in client.get(page).content  # signed in, no access
    assert selectors.post_narration_for_reader(post=post, language="en", user=reader) is None

    AccessGrantFactory(user=reader, post=post)
    assert selectors.post_narration_for_reader(post=post, language="en", user=reader) is not None
    source = re.search(r'<source src="([^"]+)" type="audio/mpeg">', client.get(page).content.decode()).group(1)
    assert source.startswith("/files/private/")
    audio = client.get(source)
    assert (audio.status_code, audio["Content-Type"]) == (200, "audio/mpeg")
    client.logout()
    assert client.get(source).status_code == 401  # the link is the reader's, not anyone's


def test_a_post_turning_premium_moves_its_narration_out_of_public_storage(
    editor, narrate, django_capture_on_commit_callbacks
):
    post = PostFactory(body_en=BODY_EN)
    narrate(post, "en", by=editor)
    public_name = PostNarration.objects.get().asset.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(post=post, by=editor, data={"is_premium": True})
    narration = PostNarration.objects.get()
    assert narration.asset.visibility == Asset.Visibility.PRIVATE
    assert not storages["default"].exists(public_name)
    assert Asset.objects.count() == 1  # moved, not spoken again


# --- The player ---------------------------------------------------------------------------------------


def test_the_post_page_shows_an_accessible_player_only_when_a_narration_exists(client, bilingual, editor, narrate):
    page = reverse("blog:post", args=[bilingual.slug])
    assert b"<audio" not in client.get(page).content
    narrate(bilingual, "en", by=editor)
    html = client.get(page).content.decode()  # the page cache was dropped by the new narration
    narration = PostNarration.objects.get()
    url = narration.asset.file.url
    assert '<audio class="narration-player" controls preload="none" aria-labelledby="narration-heading"' in html
    assert f'<source src="{url}" type="audio/mpeg">' in html
    assert f'<a href="{url}" download>' in html
    assert "Listen to this post" in html
    assert "<time datetime=" in html
    # Only English is narrated: the Chinese page has no player.
    with_zh = client.get(reverse("blog:post", args=[bilingual.slug]).replace("/en/", "/zh-hans/"))
    assert b"<audio" not in with_zh.content


def test_the_chinese_page_plays_the_chinese_narration_with_chinese_labels(client, bilingual, editor, narrate):
    narrate(bilingual, "zh-hans", by=editor)
    html = client.get(f"/zh-hans/posts/{bilingual.slug}/").content.decode()
    assert "<audio" in html
    assert "收听本文" in html
    assert PostNarration.objects.get().asset.file.url in html


# --- The podcast feed -----------------------------------------------------------------------------------


def test_the_podcast_feed_lists_narrated_public_posts_with_enclosures_and_nothing_else(
    client, editor, narrate, django_assert_max_num_queries
):
    author = UserFactory(display_name="Pat Writer", email="pat@example.com")
    public = PostFactory(title_en="Public narrated", body_en=BODY_EN, author=author)
    other = PostFactory(title_en="Also narrated", body_en="Short text.")
    premium = PostFactory(title_en="Premium narrated", body_en=BODY_EN, is_premium=True)
    draft = PostFactory(title_en="Draft narrated", body_en=BODY_EN, draft=True)
    PostFactory(title_en="Not narrated")
    for post in (public, other, premium, draft):
        narrate(post, "en", by=editor)

    with django_assert_max_num_queries(3):
        response = client.get("/en/feed/podcast.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = _xml(response.content).find("channel")
    assert channel.find(f"{ITUNES}author").text == "Inkwell"
    assert channel.find(f"{ITUNES}image").get("href").endswith("/static/img/podcast.png")
    assert channel.find("language").text == "en"
    items = channel.findall("item")
    assert [i.find("title").text for i in items] == ["Also narrated", "Public narrated"]
    item = items[1]
    narration = PostNarration.objects.get(post=public)
    enclosure = item.find("enclosure")
    assert enclosure.get("url") == f"http://127.0.0.1:8000{narration.asset.file.url}"
    assert enclosure.get("length") == str(narration.asset.size)
    assert enclosure.get("type") == "audio/mpeg"
    seconds = round(narration.duration)
    assert item.find(f"{ITUNES}duration").text == f"0:{seconds // 60:02d}:{seconds % 60:02d}"
    assert item.find("guid").text.endswith(f"/en/posts/{public.slug}/#narration-en")
    assert item.find("guid").get("isPermaLink") == "false"
    assert item.find(f"{ITUNES}author").text == "Pat Writer"
    body = response.content.decode()
    assert "pat@example.com" not in body
    assert "Premium narrated" not in body
    assert "Draft narrated" not in body
    # Premium audio never appears, not even as a link.
    assert PostNarration.objects.get(post=premium).asset.file.name not in body


def test_each_language_has_its_own_podcast_linked_from_every_page(client, bilingual, editor, narrate):
    narrate(bilingual, "zh-hans", by=editor)
    assert _xml(client.get("/en/feed/podcast.xml").content).find("channel").findall("item") == []
    chinese = _xml(client.get("/zh-hans/feed/podcast.xml").content).find("channel")
    assert [i.find("title").text for i in chinese.findall("item")] == ["你好朗读"]
    assert chinese.find("language").text == "zh-cn"
    home = client.get("/zh-hans/").content.decode()
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Inkwell（播客）" href="/zh-hans/feed/podcast.xml">'
        in home
    )


# --- Triggers: admin, API, publishing ---------------------------------------------------------------------


def test_the_admin_button_narrates_and_the_post_page_shows_the_result(
    client, admin_user, bilingual, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    change = reverse("admin:blog_post_change", args=[bilingual.pk])
    assert "Generate narration: English" in client.get(change).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:blog_post_narrate", args=[bilingual.pk, "en"]))
    assert response.status_code == 302
    assert PostNarration.objects.filter(post=bilingual, language="en").exists()
    html = client.get(change).content.decode()
    assert "Narration of “Hello narration” (en): Queued." in html  # the message (the task ran after it)
    assert "espeak-ng (en)" in html  # the panel lists the narration
    assert "<audio controls" in html
    assert "Done" in html  # ... and its job


def test_the_admin_action_says_narration_is_unavailable_and_why(client, admin_user, bilingual, settings):
    settings.SPEECH_ESPEAK_BINARY = "/nonexistent/espeak-ng"
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:blog_post_changelist"),
        {"action": "narrate_en", "_selected_action": [bilingual.pk]},
        follow=True,
    )
    assert "Narration is unavailable" in response.content.decode()
    assert not AIJob.objects.exists()
    change = client.get(reverse("admin:blog_post_change", args=[bilingual.pk])).content.decode()
    assert "Narration is unavailable" in change


def test_editors_narrate_through_the_api_and_get_the_job(
    api_client, editor, reader, bilingual, django_capture_on_commit_callbacks
):
    url = f"/api/v1/posts/{bilingual.slug}/narrate/"
    api_client.force_authenticate(reader)
    assert api_client.post(url, {"language": "en"}, format="json").status_code == 403
    api_client.force_authenticate(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(url, {"language": "zh-hans"}, format="json")
    assert response.status_code == 202
    data = response.json()
    assert (data["kind"], data["post"], data["language"], data["status"]) == (
        "narrate",
        bilingual.slug,
        "zh-hans",
        "queued",
    )
    job = AIJob.objects.get(pk=data["id"])
    assert (job.status, job.provider, job.requested_by) == (AIJob.Status.DONE, "espeak-ng", editor)
    bad = api_client.post(url, {"language": "fr"}, format="json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_choice")
    assert "language" in bad.json()["errors"]


def test_the_api_answers_503_with_the_reason_when_nothing_can_speak(api_client, editor, bilingual, settings):
    settings.SPEECH_ESPEAK_BINARY = "/nonexistent/espeak-ng"
    api_client.force_authenticate(editor)
    response = api_client.post(f"/api/v1/posts/{bilingual.slug}/narrate/", {}, format="json")
    assert response.status_code == 503
    assert response.json()["code"] == "narration_unavailable"
    assert "espeak-ng" in response.json()["detail"]


def test_the_api_lists_narrations_a_caller_may_play(api_client, editor, reader, narrate):
    free = PostFactory(body_en=BODY_EN)
    premium = PostFactory(body_en=BODY_EN, is_premium=True)
    narrate(free, "en", by=editor)
    narrate(premium, "en", by=editor)
    listed = api_client.get(f"/api/v1/posts/{free.slug}/narrations/").json()
    assert [(n["language"], n["mime_type"]) for n in listed] == [("en", "audio/mpeg")]
    assert listed[0]["url"].startswith("http://testserver/media/assets/")
    assert api_client.get(f"/api/v1/posts/{premium.slug}/narrations/").json() == []
    api_client.force_authenticate(editor)
    assert "/files/private/" in api_client.get(f"/api/v1/posts/{premium.slug}/narrations/").json()[0]["url"]


def test_publishing_narrates_every_language_when_the_setting_is_on(
    editor, settings, django_capture_on_commit_callbacks
):
    post = PostFactory(draft=True, body_en=BODY_EN, body_zh_hans=BODY_ZH)
    settings.AI_NARRATE_ON_PUBLISH = False
    with django_capture_on_commit_callbacks(execute=True):
        services.post_publish(post=post, by=editor)
    assert not PostNarration.objects.exists()
    services.post_unpublish(post=post, by=editor)
    settings.AI_NARRATE_ON_PUBLISH = True
    with django_capture_on_commit_callbacks(execute=True):
        services.post_publish(post=Post.objects.get(pk=post.pk), by=editor)
    assert sorted(PostNarration.objects.values_list("language", flat=True)) == ["en", "zh-hans"]


def test_deleting_a_post_takes_its_narration_audio_out_of_the_library(
    editor, narrate, django_capture_on_commit_callbacks
):
    post = PostFactory(body_en=BODY_EN)
    narrate(post, "en", by=editor)
    name = PostNarration.objects.get().asset.file.name
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert not Asset.objects.exists()
    assert not storages["default"].exists(name)


def test_a_failed_narration_job_is_retried_by_its_own_task(
    bilingual, editor, settings, narrate, unreachable_azure, django_capture_on_commit_callbacks
):
    job = narrate(bilingual, "en", by=editor)
    assert job.status == AIJob.Status.FAILED
    settings.SPEECH_PROVIDER = "apps.media.speech.EspeakSpeech"  # the engine is back
    with django_capture_on_commit_callbacks(execute=True):
        services.post_narration_job_retry(job=job, by=editor)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.provider) == (AIJob.Status.DONE, 2, "espeak-ng")
    assert PostNarration.objects.filter(post=bilingual, language="en").exists()


def _wait_for(predicate, seconds: float = 30):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_an_engine_out_of_reach_and_finishes_when_it_is_back(
    celery_worker_on_redis, settings, unreachable_azure
):
    editor = UserFactory(is_staff=True, is_superuser=True)
    post = PostFactory(body_en=BODY_EN)
    job = services.post_narration_request(post=post, language="en", by=editor)  # autocommit: sent at once

    def retrying() -> bool:
        job.refresh_from_db()
        return job.status == AIJob.Status.QUEUED and "trying again" in job.error

    assert _wait_for(retrying), (job.status, job.error)
    assert "ConnectionFailure" in job.error
    settings.SPEECH_PROVIDER = "apps.media.speech.EspeakSpeech"  # the engine is back before the next try

    def done() -> bool:
        job.refresh_from_db()
        return job.status in (AIJob.Status.DONE, AIJob.Status.FAILED)

    assert _wait_for(done), (job.status, job.error)
    assert (job.status, job.provider, job.error) == (AIJob.Status.DONE, "espeak-ng", "")
    assert job.attempts >= 2
    assert PostNarration.objects.filter(post=post, language="en").count() == 1


def test_deleting_the_audio_in_the_media_library_removes_the_player_from_the_cached_page(
    client, bilingual, editor, narrate, django_capture_on_commit_callbacks
):
    from apps.media import services as media_services

    narrate(bilingual, "en", by=editor)
    page = f"/en/posts/{bilingual.slug}/"
    assert b"<audio" in client.get(page).content
    assert client.get(page)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        media_services.asset_delete(asset=PostNarration.objects.get().asset)
    assert not PostNarration.objects.exists()
    assert b"<audio" not in client.get(page).content


def test_with_the_article_cached_each_reader_still_gets_their_own_signed_link(
    client, reader, editor, narrate, settings
):
    settings.BLOG_FRAGMENT_CACHE_TIMEOUT = 600  # the narration's facts are kept with the article
    post = PostFactory(is_premium=True, body_en=BODY_EN)
    narrate(post, "en", by=editor)
    AccessGrantFactory(user=reader, post=post)
    page = reverse("blog:post", args=[post.slug])
    client.force_login(reader)
    pattern = r'<source src="([^"]+)" type="audio/mpeg">'
    mine = re.search(pattern, client.get(page).content.decode()).group(1)
    other = Client()
    other.force_login(editor)
    theirs = re.search(pattern, other.get(page).content.decode()).group(1)
    assert mine != theirs  # signed per reader, from the cached ids
    assert client.get(mine).status_code == 200
    assert b"<audio" not in Client().get(page).content  # anonymous: the teaser, no player


def test_a_narration_deleted_on_its_own_leaves_no_player_behind(client, bilingual, editor, narrate, settings):
    settings.BLOG_FRAGMENT_CACHE_TIMEOUT = 600
    narrate(bilingual, "en", by=editor)
    page = reverse("blog:post", args=[bilingual.slug])
    assert b"<audio" in client.get(page).content
    PostNarration.objects.get().delete()
    assert b"<audio" not in client.get(page).content
