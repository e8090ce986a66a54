# ruff: noqa: T201 - a command-line script: it prints what it did
"""Screenshots of the reader pages (`make screenshots`): desktop 1366x900 and phone 390x844, English and
Chinese, light and dark, of home, a post, search, the archive, a tag page and sign-in (plus the phone
menu opened), and of the admin as an editor sees it (dashboard, post list, post editor), as full-page
PNGs in SCREENSHOTS_OUT (default `.artifacts/screenshots/`, git-ignored; CI keeps the folder as an
artifact).

Without SCREENSHOTS_URL it seeds the demo content into a scratch SQLite database, adds an editor per
language (the admin follows the profile's language) and serves it with gunicorn (DEBUG off, as
bench/audit does); with SCREENSHOTS_URL=http://127.0.0.1:8000 it shoots a site that is already running
(e.g. `make run`, after `seed_demo`), reader pages only. Debian's chromium drives the pages through
Playwright (`executable_path=/usr/bin/chromium`): no browser is downloaded.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

OUT = Path(os.environ.get("SCREENSHOTS_OUT", ROOT / ".artifacts" / "screenshots"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
DEVICES = {
    "desktop": {"viewport": {"width": 1366, "height": 900}, "device_scale_factor": 1},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
QUERIES = {"en": "django", "zh-hans": "%E7%BC%93%E5%AD%98"}  # 缓存
PAGES = {
    "home": "/{lang}/",
    "post": "/{lang}/posts/markdown-pipeline/",
    "search": "/{lang}/search/?q={query}",
    "archive": "/{lang}/archive/",
    "tag": "/{lang}/tags/django/",
    "signin": "/{lang}/accounts/login/",
}
LANGUAGES = ("en", "zh-hans")
SCHEMES = ("light", "dark")
ADMIN_PAGES = {
    "admin-dashboard": "/admin/",
    "admin-post-list": "/admin/blog/post/",
    "admin-post-editor": "/admin/blog/post/{post}/change/",
}
# The editor the admin shots sign in as (scratch mode makes one per language; the profile's language wins).
EDITOR_PASSWORD = "screenshots-editor-password"  # noqa: S105 - a scratch database's throwaway account
EDITOR_CODE = """
from django.contrib.auth import get_user_model
from apps.accounts import services
from apps.accounts.roles import ADMINS, EDITORS
from apps.blog.models import Post
User = get_user_model()
admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
    email="admin@shots.test", password=PASSWORD)
for language in ("en", "zh-hans"):
    user, _ = User.objects.get_or_create(email=f"editor-{language}@shots.test",
        defaults={"display_name": "编辑" if language != "en" else "Editor", "preferred_language": language})
    user.set_password(PASSWORD); user.save()
    services.user_set_role(user=user, role=EDITORS, by=admin)
print(Post.objects.get(slug="markdown-pipeline").pk)
"""
# Phone shots are long: full pages, but cut at this many CSS pixels.
MAX_HEIGHT = int(os.environ.get("SCREENSHOTS_MAX_HEIGHT", "4000"))


def shoot(base: str, post_id: int | None = None) -> list[Path]:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    taken = []
    only = set(filter(None, os.environ.get("SCREENSHOTS_PAGES", "").split(",")))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for device, options in DEVICES.items():
            for scheme in SCHEMES:
                context = browser.new_context(color_scheme=scheme, **options)
                page = context.new_page()
                for lang in LANGUAGES:
                    for name, path in PAGES.items():
                        if only and name not in only:
                            continue
                        url = base + path.format(lang=lang, query=QUERIES[lang])
                        response = page.goto(url, wait_until="load")
                        if response is None or response.status >= 400:
                            raise SystemExit(f"{url}: HTTP {response.status if response else '?'}")
                        taken.append(_save(page, f"{name}-{lang}-{device}-{scheme}.png", options))
                        if name == "home" and device == "phone":
                            page.click("details.menu summary")
                            taken.append(_save(page, f"menu-{lang}-{device}-{scheme}.png", options, full=False))
                context.close()
        if post_id is not None:
            taken += _shoot_admin(browser, base, post_id)
        browser.close()
    return taken


def _shoot_admin(browser, base: str, post_id: int) -> list[Path]:
    """The admin at both sizes and schemes, signed in as the editor whose profile language is `lang`."""
    taken = []
    for device, options in DEVICES.items():
        for scheme in SCHEMES:
            for lang in LANGUAGES:
                context = browser.new_context(color_scheme=scheme, **options)
                page = context.new_page()
                page.goto(f"{base}/admin/login/")
                page.fill("#id_username", f"editor-{lang}@shots.test")
                page.fill("#id_password", EDITOR_PASSWORD)
                page.click("input[type=submit]")
                page.wait_for_load_state("load")
                for name, path in ADMIN_PAGES.items():
                    response = page.goto(base + path.format(post=post_id), wait_until="load")
                    if response is None or response.status >= 400:
                        raise SystemExit(f"{path}: HTTP {response.status if response else '?'}")
                    taken.append(_save(page, f"{name}-{lang}-{device}-{scheme}.png", options))
                context.close()
    return taken


_LOAD_LAZY = """async () => {
  for (const img of document.querySelectorAll('img[loading="lazy"]')) img.loading = "eager";
  const waits = [...document.images].filter(img => !img.complete)
    .map(img => new Promise(done => { img.onload = img.onerror = done; }));
  await Promise.all(waits);
}"""


def _save(page, filename: str, options: dict, full: bool = True) -> Path:
    path = OUT / filename
    if full:  # bring every lazy image in (a full-page shot does not scroll), then wait for them
        page.evaluate(_LOAD_LAZY)
    page.evaluate("document.fonts.ready")
    height = page.evaluate("document.documentElement.scrollHeight") if full else options["viewport"]["height"]
    width = options["viewport"]["width"]
    clip = {"x": 0, "y": 0, "width": width, "height": min(height, MAX_HEIGHT)}
    page.screenshot(path=str(path), full_page=full, clip=clip if full else None)
    return path


def main() -> int:
    started = time.perf_counter()
    base = os.environ.get("SCREENSHOTS_URL", "").rstrip("/")
    if base:
        taken = shoot(base)
    else:
        import blog_bench

        workdir = Path(tempfile.mkdtemp(prefix="inkwell-shots-"))
        env = blog_bench.base_env(workdir)
        env["BENCH_SERVE_MEDIA"] = "1"
        blog_bench.manage(env, "migrate", "--noinput", "-v0")
        blog_bench.manage(env, "collectstatic", "--noinput", "-v0")
        blog_bench.manage(env, "compilemessages", "--ignore=.venv", "-v0")
        blog_bench.manage(env, "seed_demo")
        code = EDITOR_CODE.replace("PASSWORD", repr(EDITOR_PASSWORD))
        post_id = int(blog_bench.manage(env, "shell", "-c", code).strip().splitlines()[-1])
        process, base = blog_bench.serve({**env, "BENCH_PAGE_CACHE": "1"})
        try:
            taken = shoot(base, post_id)
        finally:
            blog_bench.stop(process)
    print(f"{len(taken)} screenshots in {OUT} ({time.perf_counter() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
