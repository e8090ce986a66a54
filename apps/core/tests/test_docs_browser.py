"""The API docs in a real browser (headless chromium): every request stays on this site."""

import shutil

import pytest

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

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")


@pytest.mark.django_db(transaction=True)
def test_redoc_and_swagger_load_every_asset_from_this_site(live_server):
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page()
        page.on("request", lambda request: requested.append(request.url))
        # Anything else is recorded, then refused, so the test never waits on the network.
        page.route(
            "**/*",
            lambda route: route.continue_() if route.request.url.startswith(live_server.url + "/") else route.abort(),
        )
        page.goto(f"{live_server.url}/api/redoc/")
        page.get_by_role("heading", name="Inkwell API (", exact=False).first.wait_for(timeout=60_000)
        page.locator("h2", has_text="Log out this device").wait_for(timeout=30_000)
        page.wait_for_load_state("networkidle")
        redoc_title = page.get_by_role("heading", level=1).first.inner_text()
        sidebar = page.locator(".menu-content").inner_text()
        page.goto(f"{live_server.url}/api/docs/")
        page.locator(".swagger-ui .info .title").wait_for(timeout=60_000)
        page.wait_for_load_state("networkidle")
        browser.close()

    assert f"{live_server.url}/api/schema/" in requested
    assert [url for url in requested if not url.startswith(live_server.url + "/")] == []
    assert redoc_title.startswith("Inkwell API (0.")
    assert "POSTS" in sidebar.upper()
    assert "V1" not in sidebar.upper().split()
