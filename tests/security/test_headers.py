"""Replay of issue 10, item 7: no Content-Security-Policy and no Permissions-Policy on any response.

The probe fetched every surface anonymously and as an editor and found neither header. Each surface
must now answer with an enforcing policy that refuses inline and foreign script, plugins, framing
and foreign <base>/form targets, and a Permissions-Policy that switches off what the site never uses.
"""

import pytest

from apps.blog.tests.factories import PostFactory, TagFactory

pytestmark = pytest.mark.django_db

# Script sources that would let injected or foreign code run.
UNSAFE_SCRIPT_SOURCES = {
    "'unsafe-inline'",
    "'unsafe-eval'",
    "'unsafe-hashes'",
    "*",
    "data:",
    "blob:",
    "http:",
    "https:",
}
NEVER_USED = ("camera", "microphone", "geolocation", "payment", "usb", "display-capture")


def _policy(response) -> dict[str, list[str]]:
    assert "Content-Security-Policy-Report-Only" not in response
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def _assert_locked_down(response) -> None:
    policy = _policy(response)
    script = policy.get("script-src", policy["default-src"])
    assert not UNSAFE_SCRIPT_SOURCES & set(script), script
    assert policy.get("object-src", policy["default-src"]) == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    features = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
    assert all(features[name] == "()" for name in NEVER_USED)


@pytest.fixture
def site():
    tag = TagFactory(slug="hostile")
    post = PostFactory(
        slug="hostile",
        body_en='<script>alert(1)</script><img src=x onerror=alert(2)><base href="https://evil.example/">',
    )
    post.tags.add(tag)
    return post


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/zh-hans/",
        "/en/posts/hostile/",
        "/zh-hans/posts/hostile/",
        "/en/search/?q=%3Cscript%3E",
        "/en/tags/hostile/",
        "/en/archive/",
        "/en/about/",
        "/en/accounts/login/",
        "/zh-hans/accounts/signup/",
        "/en/no-such-page/",
    ],
)
def test_every_reader_page_refuses_inline_script_framing_and_foreign_forms(client, site, path):
    response = client.get(path)
    _assert_locked_down(response)
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]


def test_a_page_cache_hit_is_as_locked_down_as_the_page_it_replays(client, site):
    client.get("/en/posts/hostile/")
    hit = client.get("/en/posts/hostile/")
    assert hit["X-Page-Cache"] == "hit"
    _assert_locked_down(hit)


def test_the_hostile_post_body_is_sanitized_and_the_policy_would_refuse_it_anyway(client, site):
    response = client.get("/en/posts/hostile/")
    html = response.content.decode()
    assert "alert(" not in html
    assert "evil.example" not in html
    assert _policy(response)["script-src"] == ["'self'"]


def test_the_admin_sign_in_page_refuses_inline_script_and_framing(client):
    _assert_locked_down(client.get("/admin/login/"))


@pytest.mark.parametrize("path", ["/admin/", "/admin/blog/post/add/", "/admin/media/asset/"])
def test_the_admin_refuses_inline_script_and_framing(client, editor, path):
    client.force_login(editor)
    response = client.get(path)
    assert response.status_code == 200
    _assert_locked_down(response)


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/v1/posts/", 200), ("/api/v1/users/me/", 401), ("/api/v1/posts/no-such-post/", 404)],
)
def test_api_answers_may_load_nothing_and_be_framed_by_nobody(client, path, status):
    response = client.get(path, HTTP_ACCEPT="application/json")
    assert response.status_code == status
    assert _policy(response) == {"default-src": ["'none'"], "frame-ancestors": ["'none'"]}


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/", "/_allauth/openapi.html", "/api/v1/"])
def test_the_api_docs_refuse_inline_script_and_framing(client, path):
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    _assert_locked_down(response)


def test_a_docs_nonce_is_never_reused(client):
    policies = {client.get("/api/redoc/")["Content-Security-Policy"] for _ in range(3)}
    assert len(policies) == 3
