"""Journey 5: keyboard only, axe-core and the Nu HTML Checker on home, post, search and sign-in, both languages."""

import json
import os
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

TOOLS = Path(os.environ.get("AUDIT_TOOLS", "/tmp/audit"))
AXE = TOOLS / "node_modules/axe-core/axe.min.js"
VNU = TOOLS / "node_modules/vnu-jar/build/dist/vnu.jar"
PAGES = {
    "home": "/{lang}/",
    "post": "/{lang}/posts/markdown-pipeline/",
    "search": "/{lang}/search/?q={query}",
    "sign-in": "/{lang}/accounts/login/",
}
QUERIES = {"en": "python", "zh-hans": "%E6%B8%B2%E6%9F%93"}


def _focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
        const text = (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 60);
        return {tag: e.tagName, text,
                href: e.getAttribute('href') || '', outline: s.outlineStyle !== 'none' && s.outlineWidth !== '0px',
                shadow: s.boxShadow !== 'none'}; }"""
    )


def test_the_home_page_a_post_and_the_comment_form_work_with_the_keyboard_alone(site, new_page, shot, reader):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
    page = new_page()
    page.goto("/en/")
    # Tab reaches a post link with a visible focus ring, and Enter follows it.
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = _focused(page)
        assert focused["outline"] or focused["shadow"], f"no visible focus on {focused}"
        if focused["href"].startswith("/en/posts/"):
            break
    else:
        pytest.fail("Tab never reached a post link on the home page")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/posts/**")
    assert page.locator("h1").first.inner_text().startswith("Post number")

    # Signed in, the comment form is reachable and sent with the keyboard.
    post_path = urlparse(page.url).path
    page.goto(f"/en/accounts/login/?next={post_path}")
    page.fill("#id_login", reader.email)
    page.focus("#id_password")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "TEXTAREA":
            break
    else:
        pytest.fail("Tab never reached the comment box")
    page.keyboard.type("Typed and sent with the keyboard alone.")
    page.wait_for_timeout(1200)
    for _ in range(5):
        page.keyboard.press("Tab")
        if _focused(page)["text"] == "Send comment":
            break
    else:
        pytest.fail(f"Tab never reached the send button after the comment box: {_focused(page)}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    from apps.community.models import Comment

    assert Comment.objects.filter(body__contains="keyboard alone").exists()
    shot(page, "5-keyboard-comment")


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_axe_and_the_nu_checker_find_nothing_on_the_reader_pages(site, new_page, lang, tmp_path):
    if not AXE.is_file() or not VNU.is_file():
        pytest.fail(f"audit tools missing in {TOOLS}: run scripts/audit_tools.sh (make e2e does)")
    violations, errors = {}, {}
    for name, pattern in PAGES.items():
        path = pattern.format(lang=lang, query=QUERIES[lang])
        for scheme in ("light", "dark"):
            page = new_page(locale="zh-CN" if lang == "zh-hans" else "en-US", bypass_csp=True)
            page.emulate_media(color_scheme=scheme)
            page.goto(path)
            page.add_script_tag(path=str(AXE))
            found = page.evaluate("axe.run().then(r => r.violations.map(v => v.id + ': ' + v.nodes.length))")
            if found:
                violations[f"{name} ({scheme})"] = found
        html = tmp_path / f"{name}.html"
        html.write_text(_raw(page, path), encoding="utf-8")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", *map(str, tmp_path.glob("*.html"))],
        capture_output=True,
        text=True,
        check=True,
    )
    for message in json.loads(result.stderr or result.stdout)["messages"]:
        if message["type"] == "error":
            errors.setdefault(Path(message["url"]).name, []).append(message["message"])
    assert violations == {}
    assert errors == {}


def _raw(page, path: str) -> str:
    """The page's HTML as the server sent it (what the Nu checker should judge, not the live DOM)."""
    return page.request.get(path).text()
