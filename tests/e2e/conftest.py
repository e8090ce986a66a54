# ruff: noqa: RUF001 - the Chinese post uses full-width punctuation on purpose.
"""Browser journeys (issue 17): Playwright for Python driving Debian's Chromium against a live server.

Run with `make e2e` (E2E=1); the ordinary suite skips them. Each journey ends with a screenshot in
tests/e2e/artifacts/ (git-ignored; CI keeps it). The live server runs in a thread of this process
with the test database, so the test reads e-mails from `mail.outbox` and checks rows directly.
"""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).parent / "artifacts"
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
# A desktop Chrome: HeadlessChrome is (rightly) a bot to analytics.
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"
PASSWORD = "correct horse battery"

if os.environ.get("E2E") != "1":
    collect_ignore_glob = ["test_*.py"]  # `make e2e` runs them; `make test` stays quick
else:
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes between
    # page actions are ordinary synchronous code. Only for `make e2e`: the ordinary suite's
    # `check --deploy` subprocess would (rightly) refuse this variable.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, live_server):
    """new_page(locale="en-US", mobile=False) -> a page in a fresh context (its own cookies)."""
    contexts = []

    def make(*, locale: str = "en-US", mobile: bool = False, bypass_csp: bool = False):
        viewport = {"width": 390, "height": 844} if mobile else {"width": 1366, "height": 900}
        context = chromium.new_context(
            base_url=live_server.url,
            locale=locale,
            viewport=viewport,
            user_agent=USER_AGENT,
            bypass_csp=bypass_csp,
            extra_http_headers={"Accept-Language": f"{locale},{locale.split('-')[0]};q=0.9"},
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


MARKDOWN_PIPELINE_EN = """## Parse, then sanitize

Every post goes through one pipeline: Markdown, then highlighting, then a sanitizer.[^1]

| Step | Time |
|:-----|-----:|
| parse | 1 ms |

```python
def render(text: str) -> str:
    return sanitize(markdown(text))
```

[^1]: nh3, a Rust sanitizer with Python bindings.
"""
MARKDOWN_PIPELINE_ZH = """## 先解析，再清理

每篇文章都经过同一条渲染管线：Markdown、代码高亮，然后清理。

```python
def render(text: str) -> str:
    return sanitize(markdown(text))
```
"""


@pytest.fixture
def site(transactional_db, settings, editor):
    """A small bilingual site (seeding the whole demo with its covers takes a minute under load), with
    the comment form's spam timer short enough for a robot."""
    from allauth.account.models import EmailAddress

    from apps.blog.tests.factories import PostFactory, SectionFactory, TagFactory
    from apps.media import services as media_services
    from apps.media.tests.factories import image_bytes, upload

    settings.COMMUNITY_MIN_SUBMIT_SECONDS = 1
    settings.COMMUNITY_HOLD_FIRST_COMMENT = False
    EmailAddress.objects.create(user=editor, email=editor.email, verified=True, primary=True)
    notes = SectionFactory(slug="dev-notes", name_en="Dev notes", name_zh_hans="开发笔记")
    django, python = (
        TagFactory(slug="django", name_en="Django", name_zh_hans="Django"),
        TagFactory(slug="python", name_en="Python", name_zh_hans="Python"),
    )
    cover = media_services.asset_create(
        owner=editor,
        uploaded_file=upload(image_bytes((1200, 630))),
        alt_text="A blue cover",
        alt_text_zh_hans="蓝色封面",
    )
    PostFactory(
        slug="fast-django-pages",
        title_en="Fast Django pages without magic",
        title_zh_hans="不靠魔法的快速 Django 页面",
        summary_en="Caching, query counts and templates.",
        summary_zh_hans="缓存、查询次数和模板。",
        section=notes,
        author=editor,
        cover=cover,
        tags=[django, python],
    )
    PostFactory(
        slug="markdown-pipeline",
        title_en="A Markdown pipeline you can trust",
        title_zh_hans="值得信赖的 Markdown 渲染管线",
        body_en=MARKDOWN_PIPELINE_EN,
        body_zh_hans=MARKDOWN_PIPELINE_ZH,
        section=notes,
        author=editor,
        tags=[python],
    )
    for _ in range(3):
        PostFactory(section=notes, author=editor, tags=[django])
    return settings


def mail_code(message) -> str:
    """The sign-in / verification code in an allauth e-mail (six or more letters and digits)."""
    match = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4,})\s*$", message.body, re.MULTILINE)
    assert match, message.body
    return match.group(1)
