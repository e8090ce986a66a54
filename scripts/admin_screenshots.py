"""Screenshots of the admin as an editor sees it: dashboard, post list, post editor (top and scrolled),
the media picker, a revision diff and the media library, at 1366x900 in English and Chinese.

Serve the site first (`make run`, or `manage.py runserver 127.0.0.1:PORT`), then:

    .venv/bin/python scripts/admin_screenshots.py --base http://127.0.0.1:8000 \\
        --email editor@example.com --password '...' --post 14 --out screenshots/admin

Debian's chromium is driven by Playwright (no `playwright install`). It also prints the measurements
the issue asked about: the post list's table width against its area, and where the save bar sits.
"""

import argparse
import json
import sys
from pathlib import Path

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TABLE_WIDTH = """() => { const t = document.querySelector('#result_list');
  return {table: t.scrollWidth, area: t.parentElement.clientWidth}; }"""
SAVE_BAR = """() => { const r = document.querySelector('.submit-row').getBoundingClientRect();
  return {save_bar_bottom: Math.round(r.bottom), window: innerHeight}; }"""


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--post", type=int, required=True, help="the id of a post with two revisions")
    parser.add_argument("--out", default="screenshots/admin")
    options = parser.parse_args()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    base, post = options.base.rstrip("/"), options.post
    pages = [
        ("dashboard", "/admin/"),
        ("post-list", "/admin/blog/post/"),
        ("post-editor", f"/admin/blog/post/{post}/change/"),
        ("revisions", f"/admin/blog/post/{post}/revisions/"),
        ("media", "/admin/media/asset/"),
    ]
    facts: dict[str, object] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        for language in ("en", "zh-hans"):
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            page = context.new_page()
            page.goto(f"{base}/admin/login/")
            page.fill("#id_username", options.email)
            page.fill("#id_password", options.password)
            page.click("input[type=submit]")
            context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            for name, path in pages:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                if name == "post-list":
                    facts[f"{name}-{language}"] = page.evaluate(TABLE_WIDTH)
                if name == "post-editor":
                    facts[f"{name}-{language}"] = page.evaluate(SAVE_BAR)
                if name == "revisions":
                    page.click("button.default")  # compare the two latest revisions
                    page.wait_for_load_state("networkidle")
                page.screenshot(path=str(out / f"{name}-{language}.png"))
            page.goto(f"{base}/admin/blog/post/{post}/change/")
            page.wait_for_load_state("networkidle")
            page.evaluate("window.scrollTo(0, 1500)")
            page.screenshot(path=str(out / f"post-editor-scrolled-{language}.png"))
            page.click(".ink-editor-bar__insert")
            page.locator(".ink-picker__item").first.wait_for(timeout=5000)
            page.screenshot(path=str(out / f"image-picker-{language}.png"))
            context.close()
        browser.close()
    sys.stdout.write(json.dumps(facts, indent=2) + "\n")


if __name__ == "__main__":
    main()
