"""Content-Security-Policy and Permissions-Policy on every area of the site (apps/core/security_headers.py)."""

import re
from pathlib import Path

import pytest

from apps.blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
_TAIL = (
    "img-src 'self' data:; media-src 'self'; font-src 'self'; connect-src 'self'; frame-src 'none'; "
    "{worker}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
READER = "default-src 'self'; script-src 'self'; style-src 'self'; " + _TAIL.format(worker="worker-src 'none'")
ADMIN = READER
REDOC_HASHES = (
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' 'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='"
)
DOCS = f"default-src 'self'; script-src 'self'; style-src 'self' {REDOC_HASHES}; " + _TAIL.format(
    worker="worker-src blob:"
)
BROWSABLE_API = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " + _TAIL.format(
    worker="worker-src 'none'"
)
API = "default-src 'none'; frame-ancestors 'none'"
PERMISSIONS = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), serial=(), usb=(), xr-spatial-tracking=()"
)


@pytest.mark.parametrize("path", ["/en/", "/zh-hans/", "/en/search/?q=x", "/zh-hans/accounts/login/"])
def test_reader_pages_answer_with_the_strict_reader_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == READER
    assert response["Permissions-Policy"] == PERMISSIONS


def test_a_cached_reader_page_hit_carries_the_reader_policy(client):
    post = PostFactory()
    url = f"/en/posts/{post.slug}/"
    assert client.get(url)["X-Page-Cache"] == "miss"
    hit = client.get(url)
    assert hit["X-Page-Cache"] == "hit"
    assert hit["Content-Security-Policy"] == READER
    assert hit["Permissions-Policy"] == PERMISSIONS


def test_a_cached_page_is_served_with_todays_policy_not_the_one_it_was_stored_with(client, settings):
    client.get("/en/")
    settings.CSP_REPORT_URI = "https://reports.example.com/csp"
    hit = client.get("/en/")
    assert hit["X-Page-Cache"] == "hit"
    assert hit["Content-Security-Policy"] == READER + "; report-uri https://reports.example.com/csp"


def test_reader_pages_carry_no_nonce_and_no_inline_script(client):
    post = PostFactory(body_en="<script>alert(1)</script>\n\n```python\nprint('hi')\n```\n")
    html = client.get(f"/en/posts/{post.slug}/").content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    inline = [attrs for attrs in scripts if " src=" not in attrs]  # files from 'self' are allowed (comments.js)
    assert inline == [' type="application/ld+json"']  # data for search engines: never executed
    assert "nonce" not in html
    assert " style=" not in html


def test_the_admin_answers_with_the_admin_policy(client, editor):
    assert client.get("/admin/login/")["Content-Security-Policy"] == ADMIN
    client.force_login(editor)
    response = client.get("/admin/blog/post/add/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == ADMIN


def test_api_json_answers_with_a_policy_that_loads_nothing(client):
    response = client.get("/api/v1/posts/", HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Security-Policy"] == API
    assert response["Permissions-Policy"] == PERMISSIONS
    assert client.get("/_allauth/openapi.json")["Content-Security-Policy"] == API


def test_the_browsable_api_may_use_inline_styles_but_never_inline_script(client):
    response = client.get("/api/v1/posts/", HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Security-Policy"] == BROWSABLE_API


def test_swagger_ui_loads_its_init_script_from_a_url_rather_than_inline(client):
    response = client.get("/api/docs/")
    assert response["Content-Security-Policy"] == DOCS
    html = response.content.decode()
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []
    assert "<style" not in html
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"] == "application/javascript"
    assert "SwaggerUIBundle(" in script.content.decode()


def test_redoc_gets_a_fresh_nonce_per_answer_and_hands_it_to_its_styles(client):
    first, second = client.get("/api/redoc/"), client.get("/api/redoc/")
    nonces = []
    for response in (first, second):
        nonce = re.search(r'nonce="([^"]+)"', response.content.decode())[1]
        assert response["Content-Security-Policy"] == DOCS.replace(
            "style-src 'self'", f"style-src 'self' 'nonce-{nonce}'"
        )
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    assert "fonts.googleapis.com" not in first.content.decode()


def test_allauth_openapi_page_gets_the_docs_policy(client):
    response = client.get("/_allauth/openapi.html")
    assert response["Content-Security-Policy"] == DOCS
    assert " style=" not in response.content.decode()


def test_files_that_are_not_pages_get_no_policy(client):
    PostFactory()
    feed = client.get("/en/feed/rss.xml")
    assert feed.status_code == 200
    assert "Content-Security-Policy" not in feed
    assert feed["Permissions-Policy"] == PERMISSIONS


def test_report_only_mode_reports_without_blocking(client, settings):
    settings.CSP_REPORT_ONLY = True
    settings.CSP_REPORT_URI = "/csp-reports/"
    response = client.get("/en/")
    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"] == READER + "; report-uri /csp-reports/"


def test_media_on_s3_or_a_cdn_is_allowed_for_images_and_audio_on_every_page(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "inkwell-media", "custom_domain": "cdn.example.com", "querystring_auth": False},
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "inkwell-media", "endpoint_url": "https://s3.example.net:9000", "location": "p"},
        },
    }
    settings.CSP_IMG_HOSTS = ["https://images.example.org"]
    hosts = "https://cdn.example.com https://s3.example.net:9000 https://images.example.org"
    for path in ("/en/", "/admin/login/"):
        policy = client.get(path)["Content-Security-Policy"]
        assert f"img-src 'self' data: {hosts};" in policy
        assert f"media-src 'self' {hosts};" in policy
    assert client.get("/api/v1/posts/", HTTP_ACCEPT="application/json")["Content-Security-Policy"] == API


def test_a_configured_oauth_provider_may_receive_the_sign_in_form(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"github": {"APPS": [{"client_id": "id", "secret": "s", "key": ""}]}}
    assert "form-action 'self' https://github.com;" in client.get("/en/accounts/login/")["Content-Security-Policy"]
    assert "form-action 'self';" in client.get("/admin/login/")["Content-Security-Policy"]


def test_djangos_debug_pages_keep_their_inline_styles_in_development(client, settings):
    settings.DEBUG = True
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Content-Security-Policy" not in response


def test_no_template_has_inline_script_style_or_event_handlers():
    """Pages only load scripts and styles from files; JSON data blocks are fine (never executed)."""
    offenders = []
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("apps/*/templates/**/*.html")]
    for path in templates:
        if "/email/" in str(path):
            continue  # e-mails are not pages: mail clients need inline styles
        text = path.read_text()
        inline_scripts = re.findall(r"<script(?![^>]*\s(?:src=|type=\"application/(?:ld\+)?json\"))[^>]*>", text)
        if inline_scripts or "<style" in text or re.search(r"\sstyle=|\son[a-z]+=", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert len(templates) > 30
    assert offenders == []
