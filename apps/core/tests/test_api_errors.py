"""API paths answer JSON errors in their documented shape; no JSON body can crash a view."""

import json
import time

import pytest
from django.http import HttpResponseBadRequest
from django.test import Client, RequestFactory

from apps.core.api_errors import MAX_JSON_DEPTH, ApiErrorMiddleware, json_depth_exceeds
from apps.core.views import server_error

pytestmark = pytest.mark.django_db

DEEP = b'{"a":' * 50_000 + b"1" + b"}" * 50_000  # ~600 KB, the probe's body
REST_SHAPE = {"detail", "code", "errors"}


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_json_depth_is_measured_without_parsing_and_strings_do_not_count():
    assert not json_depth_exceeds(_nested(MAX_JSON_DEPTH))
    assert json_depth_exceeds(_nested(MAX_JSON_DEPTH + 1))
    assert json_depth_exceeds(DEEP)
    assert not json_depth_exceeds(json.dumps({"a": "[" * 1000, "b": '\\"{{{{' * 100}).encode())
    assert not json_depth_exceeds(json.dumps([[1, 2], {"a": [3]}] * 50_000).encode())  # wide, shallow
    assert json_depth_exceeds(b"[" * 100)  # unclosed: a parser would recurse before noticing
    assert not json_depth_exceeds(b'"unterminated ' + b"[" * 100)  # a parser refuses it at once


def test_measuring_a_large_hostile_body_stays_linear():
    # 10 MB, the upload limit: each takes well under a second; a quadratic scan would take hours.
    bodies = [b"[" * 10_000_000, _nested(5_000_000), b'"\\"' * 3_000_000, b"[]," * 3_000_000, b'"[' * 5_000_000]
    for body in bodies:
        start = time.perf_counter()
        json_depth_exceeds(body)
        assert time.perf_counter() - start < 5, body[:10]


@pytest.mark.parametrize(
    ("path", "shape"),
    [
        ("/api/v1/auth/refresh/", "rest"),
        ("/_allauth/app/v1/auth/login", "allauth"),
        ("/_allauth/browser/v1/auth/login", "allauth"),
    ],
)
def test_json_nested_too_deep_is_a_400_in_the_documented_shape(path, shape):
    response = Client(raise_request_exception=False).post(path, DEEP, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    message = f"The JSON body is nested too deeply (at most {MAX_JSON_DEPTH} levels)."
    if shape == "rest":
        assert body == {"detail": message, "code": "json_too_deep", "errors": {}}
    else:
        assert body == {"status": 400, "errors": [{"message": message, "code": "json_too_deep"}]}


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_allauth_reads_any_body_as_json_so_its_depth_is_checked_whatever_the_content_type(content_type):
    client = Client(raise_request_exception=False)
    response = client.post("/_allauth/app/v1/auth/login", DEEP, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "json_too_deep"


def test_a_body_over_the_upload_limit_is_a_json_413(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    big = json.dumps({"refresh": "x" * 2000})
    client = Client(raise_request_exception=False)
    api = client.post("/api/v1/auth/refresh/", big, content_type="application/json")
    assert api.status_code == 413
    assert api.json() == {"detail": "The request body is larger than 1 KB.", "code": "too_large", "errors": {}}
    form = client.post(
        "/api/v1/auth/refresh/", f"refresh={'x' * 2000}", content_type="application/x-www-form-urlencoded"
    )
    assert form.status_code == 413
    allauth = client.post("/_allauth/app/v1/auth/login", big, content_type="application/json")
    assert allauth.status_code == 413
    assert allauth.json()["errors"][0]["code"] == "too_large"


def test_allauth_with_a_body_that_is_not_a_json_object_answers_a_json_400():
    client = Client()
    for body, content_type in (
        ("email=a@example.com&password=x", "application/x-www-form-urlencoded"),
        ("[1]", "application/json"),
    ):
        response = client.post("/_allauth/app/v1/auth/login", body, content_type=content_type)
        assert response.status_code == 400
        assert response.json() == {
            "status": 400,
            "errors": [{"message": "The request body must be a JSON object.", "code": "invalid_json"}],
        }


def test_djangos_own_404_405_and_csrf_403_on_api_paths_are_json():
    client = Client(enforce_csrf_checks=True)
    missing = client.get("/_allauth/app/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.json() == {"status": 404, "errors": [{"message": "Not found.", "code": "not_found"}]}
    not_allowed = client.get("/_allauth/app/v1/auth/login")
    assert not_allowed.status_code == 405
    assert not_allowed.json()["errors"][0]["code"] == "method_not_allowed"
    assert "POST" in not_allowed["Allow"]  # headers survive the rewrite
    csrf = client.post("/_allauth/browser/v1/auth/login", {"email": "a@example.com"}, content_type="application/json")
    assert csrf.status_code == 403
    assert csrf.json()["errors"][0]["code"] == "csrf_failed"


def test_pages_keep_their_html_errors():
    client = Client(enforce_csrf_checks=True)
    assert client.get("/en/no-such-page/").headers["Content-Type"].startswith("text/html")
    csrf = client.post("/en/accounts/login/", {"login": "a@example.com", "password": "x"})
    assert csrf.status_code == 403
    assert csrf.headers["Content-Type"].startswith("text/html")


def test_the_500_handler_answers_json_on_both_apis():
    factory = RequestFactory()
    rest = server_error(factory.get("/api/v1/posts/"))
    assert json.loads(rest.content) == {"detail": "Server error.", "code": "server_error", "errors": {}}
    allauth = server_error(factory.get("/_allauth/app/v1/auth/session"))
    assert json.loads(allauth.content) == {
        "status": 500,
        "errors": [{"message": "Server error.", "code": "server_error"}],
    }


def test_a_rewritten_error_keeps_its_content_length_true():
    # Django's HTML 400 for a multipart body without its boundary, its length set by CommonMiddleware: the
    # JSON put in its place must carry its own length, or the client reads a broken response
    # (schemathesis: "the server declared chunked encoding but sent an invalid chunk").
    page = HttpResponseBadRequest("<!doctype html><html><body><h1>Bad Request (400)</h1></body></html>")
    page["Content-Length"] = str(len(page.content))
    request = RequestFactory().post("/api/v1/users/me/deletion-code/", b"", content_type="multipart/form-data")
    response = ApiErrorMiddleware(lambda _request: page)(request)
    assert set(json.loads(response.content)) == REST_SHAPE
    assert int(response["Content-Length"]) == len(response.content)
