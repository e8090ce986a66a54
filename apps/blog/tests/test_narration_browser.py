"""Narration end to end in a real browser (headless Debian chromium): an editor generates the narration of a
bilingual post from the admin, readers on both sites get a player that loads and plays under the site's
Content-Security-Policy, and the podcast feed lists the episode.

Set NARRATION_SCREENSHOTS=<dir> to keep the screenshots of the post pages.
"""

import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from apps.blog.models import AIJob, PostNarration
from apps.blog.tests.factories import PostFactory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_LISTEN = """document.addEventListener("securitypolicyviolation", (e) => window.__cspViolation(
  JSON.stringify({directive: e.effectiveDirective, blocked: e.blockedURI})));"""
# Load the player's metadata (it is preload="none"), then play it muted for a moment (headless Chromium
# lets muted audio play without a gesture): the duration the browser found and how far it played.
_PLAY = """async () => {
  const audio = document.querySelector("audio.narration-player");
  await new Promise((resolve, reject) => {
    audio.addEventListener("loadedmetadata", resolve, {once: true});
    const failed = () => reject(new Error("media error " + (audio.error && audio.error.code)));
    audio.addEventListener("error", failed, {once: true});
    setTimeout(() => reject(new Error("no metadata after 15 s")), 15000);
    audio.preload = "metadata";
    audio.load();
  });
  audio.muted = true;
  await audio.play();
  await new Promise((resolve) => setTimeout(resolve, 700));
  audio.pause();
  return {duration: audio.duration, played: audio.currentTime, label: audio.getAttribute("aria-labelledby")};
}"""

pytestmark = [
    pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium"),
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def media_root(settings, tmp_path):
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


def test_an_editor_narrates_a_bilingual_post_and_readers_on_both_sites_play_it(live_server, editor, media_root):
    from playwright.sync_api import sync_playwright

    post = PostFactory(
        slug="narrated",
        title_en="A narrated post",
        title_zh_hans="一篇有朗读的文章",
        body_en="## Why listen\n\nSome readers prefer to listen. This post can be heard.\n\n```python\nprint(1)\n```\n",
        body_zh_hans="## 为什么要听\n\n有些读者更喜欢听。这篇文章可以收听。\n",
    )
    change_url = f"{live_server.url}/admin/blog/post/{post.pk}/change/"
    shots = Path(os.environ.get("NARRATION_SCREENSHOTS") or media_root)
    shots.mkdir(parents=True, exist_ok=True)
    violations: list[dict[str, str]] = []
    results, messages = {}, []
    # Everything touching the database happens before and after: Playwright's sync API runs an event loop.
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        admin = browser.new_page()
        admin.goto(f"{live_server.url}/admin/login/?next={change_url}")
        admin.fill("#id_username", editor.email)
        admin.fill("#id_password", "correct horse battery")
        admin.click("input[type=submit]")
        admin.wait_for_url(change_url)
        for name in ("English", "Simplified Chinese"):
            admin.click(f"button:has-text('Generate narration: {name}')")
            admin.wait_for_url(change_url)
            messages.append(admin.locator("ul.messagelist").inner_text())
        admin.locator("#narration-panel").scroll_into_view_if_needed()
        admin.screenshot(path=str(shots / "narration-admin.png"), full_page=True)

        reader = browser.new_context(viewport={"width": 1000, "height": 900})
        reader.expose_binding("__cspViolation", lambda _source, data: violations.append(json.loads(data)))
        reader.add_init_script(_LISTEN)
        page = reader.new_page()
        for language in ("en", "zh-hans"):
            page.goto(f"{live_server.url}/{language}/posts/{post.slug}/")
            results[language] = page.evaluate(_PLAY)
            page.locator("section.narration").screenshot(path=str(shots / f"narration-player-{language}.png"))
            page.screenshot(path=str(shots / f"narration-page-{language}.png"))
        feed = page.request.get(f"{live_server.url}/en/feed/podcast.xml")
        feed_xml = feed.body()
        browser.close()

    assert all("Done" in message for message in messages), messages
    assert set(AIJob.objects.filter(post=post).values_list("language", "status")) == {
        ("en", "done"),
        ("zh-hans", "done"),
    }
    narrations = {n.language: n for n in PostNarration.objects.filter(post=post)}
    for language, result in results.items():
        assert result["duration"] == pytest.approx(narrations[language].duration, abs=0.5), result
        assert result["duration"] > 2
        assert result["played"] > 0.1  # it actually played
        assert result["label"] == "narration-heading"
    assert violations == []
    channel = ET.fromstring(feed_xml).find("channel")  # noqa: S314 - our own response
    (item,) = channel.findall("item")
    assert item.find("title").text == "A narrated post"
    assert item.find("enclosure").get("url").endswith(narrations["en"].asset.file.url)


def test_a_premium_narration_plays_for_a_reader_with_access_and_no_one_else(
    live_server, editor, reader, media_root, client, django_capture_on_commit_callbacks
):
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    from apps.blog import services
    from apps.blog.tests.factories import AccessGrantFactory

    post = PostFactory(slug="paid-audio", is_premium=True, body_en="Only for members. They can listen too.")
    services.post_narration_request(post=post, language="en", by=editor)  # autocommit here: runs at once
    AccessGrantFactory(user=reader, post=post)
    client.force_login(reader)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    url = f"{live_server.url}/en/posts/{post.slug}/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        anonymous = browser.new_page()
        anonymous.goto(url)
        anonymous_players = anonymous.locator("audio").count()
        member = browser.new_context()
        host = live_server.url.split("//", 1)[1].split(":")[0]
        member.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/"}])
        page = member.new_page()
        page.goto(url)
        played = page.evaluate(_PLAY)
        source = page.locator("audio.narration-player source").get_attribute("src")
        # The signed link is the reader's own: another browser (signed out) is refused.
        stranger = anonymous.request.get(f"{live_server.url}{source}")
        browser.close()
    assert anonymous_players == 0
    assert source.startswith("/files/private/")
    assert played["duration"] > 1
    assert played["played"] > 0.1
    assert stranger.status == 401
