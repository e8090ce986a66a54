"""Issue 10, "schemathesis in CI with 0 failures": the schema and the API's answers agree.

One test per class of mismatch the fuzz run (`make fuzz-ci`) found, each asserting both sides: what the
schema at `/api/schema/` promises and what the API answers. The fixes are shared defaults
(`apps.core.schema.AutoSchema`, `apps.core.filters.StrictFilterBackend`, `apps.core.api`, the parser
setting), so new endpoints inherit them.
"""

import pytest
import yaml

from apps.blog.tests.factories import PostFactory, SectionFactory
from apps.community import services as community
from apps.media.tests.factories import image_bytes, upload

pytestmark = pytest.mark.django_db

ERROR_REF = "#/components/schemas/Error"
SHAPE = {"detail", "code", "errors"}


@pytest.fixture
def schema(client):
    return yaml.safe_load(client.get("/api/schema/").content)


def _operation(schema, method: str, path: str) -> dict:
    return schema["paths"][path][method.lower()]


def _parameter(operation: dict, name: str) -> dict:
    return next(p for p in operation["parameters"] if p["name"] == name)


# --- Error responses documented where they happen ---------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/v1/likes/"), ("POST", "/api/v1/likes/toggle/"), ("POST", "/api/v1/bookmarks/toggle/")],
)
def test_a_body_naming_a_post_the_caller_cannot_see_is_a_documented_404(schema, api_client, reader, method, path):
    responses = _operation(schema, method, path)["responses"]
    assert responses["404"]["content"]["application/json"]["schema"] == {"$ref": ERROR_REF}
    api_client.force_authenticate(reader)
    answer = api_client.post(path, {"post": "no-such-post"}, format="json")
    assert answer.status_code == 404
    assert set(answer.json()) == SHAPE


def test_every_operation_with_a_body_documents_the_413_of_a_body_too_large(schema):
    with_body = [
        (method, path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    ]
    assert with_body
    for method, path, operation in with_body:
        assert operation["responses"]["413"]["content"]["application/json"]["schema"] == {"$ref": ERROR_REF}, (
            method,
            path,
        )


def test_every_documented_error_is_in_the_one_error_shape(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for code, response in operation["responses"].items():
                if int(code) >= 400:
                    body = response["content"]["application/json"]["schema"]
                    assert body == {"$ref": ERROR_REF}, (method, path, code)


def test_removing_the_avatar_answers_the_account_as_documented(schema, api_client, reader):
    assert set(_operation(schema, "DELETE", "/api/v1/users/me/avatar/")["responses"]) >= {"200"}
    assert "204" not in _operation(schema, "DELETE", "/api/v1/users/me/avatar/")["responses"]
    api_client.force_authenticate(reader)
    answer = api_client.delete("/api/v1/users/me/avatar/")
    assert answer.status_code == 200
    assert answer.json()["avatar_url"] is None


@pytest.mark.parametrize("path", ["/api/v1/auth/refresh/", "/api/v1/auth/logout/"])
def test_no_refresh_token_at_all_is_the_documented_401_not_a_400(schema, api_client, path):
    # `refresh` is optional in the body (browsers send it in a cookie): a body without it is valid, and
    # having no token anywhere is "not signed in".
    body = _operation(schema, "POST", path)["requestBody"]["content"]["application/json"]["schema"]
    assert "required" not in schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    answer = api_client.post(path, {}, format="json")
    assert answer.status_code == 401
    assert answer.json()["code"] == "not_authenticated"


# --- Query parameters held to their schema ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/posts/?featured=null", "featured"),
        ("/api/v1/posts/?featured=1", "featured"),
        ("/api/v1/posts/?status=", "status"),
        ("/api/v1/posts/?year=", "year"),
        ("/api/v1/media/?created_before=", "created_before"),
        ("/api/v1/media/?kind=", "kind"),
        ("/api/v1/media/?owner=null&owner=null", "owner"),  # an id is an integer, not "no such owner"
        ("/api/v1/media/?owner=1.5", "owner"),
    ],
)
def test_a_query_value_the_schema_refuses_is_a_400_naming_it_not_ignored(api_client, editor, url, name):
    api_client.force_authenticate(editor)
    answer = api_client.get(url)
    assert answer.status_code == 400, url
    assert set(answer.json()) == SHAPE
    assert list(answer.json()["errors"]) == [name]


def test_a_filter_naming_an_object_that_does_not_exist_matches_nothing(api_client, editor):
    PostFactory(section=SectionFactory(slug="dev-notes"))
    assert api_client.get("/api/v1/posts/?section=dev-notes").json()["count"] == 1
    assert api_client.get("/api/v1/posts/?section=&tag=").json()["count"] == 1  # free strings: "" is no filter
    for url in ("/api/v1/posts/?section=no-such-section", "/api/v1/posts/?tag=no-such-tag"):
        answer = api_client.get(url)
        assert answer.status_code == 200, url
        assert answer.json()["count"] == 0
    api_client.force_authenticate(editor)
    assert api_client.get("/api/v1/media/?owner=987654").json()["count"] == 0
    assert api_client.get("/api/v1/posts/?featured=true").status_code == 200


def test_the_popular_lists_limits_are_in_the_schema(schema, api_client):
    operation = _operation(schema, "GET", "/api/v1/analytics/popular/")
    assert _parameter(operation, "days")["schema"] == {"type": "integer", "minimum": 1, "maximum": 90}
    assert _parameter(operation, "limit")["schema"] == {"type": "integer", "minimum": 1, "maximum": 50}
    assert api_client.get("/api/v1/analytics/popular/?days=0").status_code == 400
    assert api_client.get("/api/v1/analytics/popular/?days=90&limit=50").status_code == 200


# --- Request bodies -------------------------------------------------------------------------------------


def test_an_empty_patch_of_ones_own_comment_changes_nothing_and_is_a_200(api_client, reader):
    comment = community.comment_create(user=reader, target=PostFactory(), body="Original")
    api_client.force_authenticate(reader)
    answer = api_client.patch(f"/api/v1/comments/{comment.pk}/", {}, format="json")
    assert answer.status_code == 200
    assert (answer.json()["body"], answer.json()["edited_at"]) == ("Original", None)


def test_bodies_are_json_only_where_the_schema_says_so(schema, api_client, reader):
    # A form sends booleans as "0"/"1", which the schema's `boolean` is not; uploads keep multipart.
    patch = _operation(schema, "PATCH", "/api/v1/notification-preferences/me/")["requestBody"]["content"]
    assert list(patch) == ["application/json"]
    assert "multipart/form-data" in _operation(schema, "POST", "/api/v1/media/")["requestBody"]["content"]
    api_client.force_authenticate(reader)
    answer = api_client.patch("/api/v1/notification-preferences/me/", {"email_on_reply": "0"}, format="multipart")
    assert answer.status_code == 415
    assert set(answer.json()) == SHAPE


# --- Methods -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/analytics/overview/", "/api/v1/analytics/popular/"])
def test_an_undocumented_method_is_a_405_and_allow_lists_only_the_documented_ones(schema, api_client, editor, path):
    assert set(schema["paths"][path]) == {"get"}
    api_client.force_authenticate(editor)
    answer = api_client.post(path, {}, format="json")
    assert answer.status_code == 405
    assert set(answer.json()) == SHAPE
    assert "POST" not in answer["Allow"]


@pytest.mark.parametrize("query", ["end=", "start=", "days=", "limit=", "start=2026-01-01&end="])
def test_an_empty_analytics_parameter_is_a_400_naming_it(api_client, admin_user, query):
    api_client.force_authenticate(admin_user)
    answer = api_client.get(f"/api/v1/analytics/referrers/?{query}")
    assert answer.status_code == 400, query
    assert set(answer.json()) == SHAPE
    assert query.split("&")[-1].rstrip("=") in answer.json()["errors"]


# --- Issue 10 again, after the friend links, payments and legacy merges ------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/sections/?lang=",
        "/api/v1/tags/?lang=",
        "/api/v1/tags/?lang=en&lang=zh-hans",
        "/api/v1/posts/?lang=",
    ],
)
def test_an_empty_or_repeated_lang_is_a_400_like_an_unknown_one(schema, api_client, url):
    assert _parameter(_operation(schema, "GET", "/api/v1/tags/"), "lang")["schema"]["enum"] == ["en", "zh-hans"]
    answer = api_client.get(url)
    assert answer.status_code == 400, url
    assert list(answer.json()["errors"]) == ["lang"]
    assert api_client.get("/api/v1/sections/?lang=zh-hans")["Content-Language"] == "zh-hans"


@pytest.mark.parametrize(
    ("query", "status"),
    [("page=", 404), ("page=1&page=1", 404), ("page_size=", 400), ("page_size=5&page_size=6", 400)],
)
def test_an_empty_or_repeated_page_is_refused_not_read_as_the_first(schema, api_client, query, status):
    assert _parameter(_operation(schema, "GET", "/api/v1/tags/"), "page")["schema"]["type"] == "integer"
    answer = api_client.get(f"/api/v1/tags/?{query}")
    assert answer.status_code == status, query
    assert set(answer.json()) == SHAPE
    assert api_client.get("/api/v1/tags/?page=1&page_size=5").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"bio": 0}, "bio"),
        ({"display_name": True}, "display_name"),
        ({"bio": "fine", "preferred_language": 1}, "preferred_language"),
    ],
)
def test_a_json_body_value_of_another_type_is_refused_not_coerced(schema, api_client, reader, body, field):
    ref = _operation(schema, "PATCH", "/api/v1/users/me/")["requestBody"]["content"]["application/json"]["schema"]
    request = schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]["properties"]
    assert request["bio"]["type"] == "string"
    api_client.force_authenticate(reader)
    answer = api_client.patch("/api/v1/users/me/", body, format="json")
    assert answer.status_code == 400, body
    assert list(answer.json()["errors"]) == [field]
    assert api_client.patch("/api/v1/users/me/", {"bio": "0"}, format="json").json()["bio"] == "0"


def test_a_json_boolean_is_true_or_false_only(api_client, reader):
    api_client.force_authenticate(reader)
    for value in (0, 1, "true", "yes"):
        answer = api_client.patch("/api/v1/notification-preferences/me/", {"email_on_reply": value}, format="json")
        assert answer.status_code == 400, value
        assert list(answer.json()["errors"]) == ["email_on_reply"]
    answer = api_client.patch("/api/v1/notification-preferences/me/", {"email_on_reply": False}, format="json")
    assert answer.status_code == 200
    assert answer.json()["email_on_reply"] is False


def test_a_refresh_token_of_another_type_is_refused_and_a_blank_one_is_no_token(api_client):
    assert api_client.post("/api/v1/auth/logout/", {"refresh": 0}, format="json").status_code == 400
    for body, fmt in (({"refresh": ""}, "json"), ({"refresh": " "}, None)):
        answer = api_client.post("/api/v1/auth/refresh/", body, format=fmt)
        assert answer.status_code == 401, body  # the documented "no token at all"


def test_a_newsletter_token_that_names_nothing_is_a_documented_404(schema, api_client):
    for path in ("/api/v1/subscribers/confirm/", "/api/v1/subscribers/unsubscribe/"):
        assert "404" in _operation(schema, "POST", path)["responses"]
        for token in ("nope", " "):
            answer = api_client.post(path, {"token": token}, format="json")
            assert answer.status_code == 404, (path, token)
            assert answer.json()["detail"] == "This link is not valid or has expired."


def test_a_blank_post_slug_names_no_post(api_client, reader):
    api_client.force_authenticate(reader)
    assert api_client.post("/api/v1/bookmarks/", {"post": "\r"}, format="json").status_code == 404


def test_friend_link_schemes_are_in_the_schema(schema, api_client, reader):
    body = schema["components"]["schemas"]["FriendLinkApplyRequest"]["properties"]
    assert body["url"]["pattern"] == "^[Hh][Tt][Tt][Pp][Ss]?://"
    api_client.force_authenticate(reader)
    link = {"name": "Site", "url": "ftp://site.example.org/", "description_en": "Hi"}
    answer = api_client.post("/api/v1/friends/", link, format="json")
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["url"]
    answer = api_client.post("/api/v1/friends/", {**link, "description_en": 0}, format="json")
    assert list(answer.json()["errors"]) == ["url", "description_en"] or "description_en" in answer.json()["errors"]


def test_a_value_over_max_length_is_refused_even_if_trimming_would_shorten_it(api_client, reader):
    api_client.force_authenticate(reader)
    limit = next(
        f.max_length
        for f in __import__("apps.accounts.models", fromlist=["User"]).User._meta.fields
        if f.name == "display_name"
    )
    answer = api_client.patch("/api/v1/users/me/", {"display_name": "\x1c" + "x" * limit}, format="json")
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["display_name"]
    assert (
        api_client.patch("/api/v1/users/me/", {"display_name": " " + "x" * (limit - 1)}, format="json").status_code
        == 200
    )


def test_media_edits_take_json_only_and_uploads_multipart(schema, api_client, reader):
    for method in ("put", "patch"):
        assert list(_operation(schema, method, "/api/v1/media/{id}/")["requestBody"]["content"]) == ["application/json"]
    assert "multipart/form-data" in _operation(schema, "post", "/api/v1/media/")["requestBody"]["content"]
    api_client.force_authenticate(reader)
    uploaded = api_client.post("/api/v1/media/", {"files": [upload(image_bytes((8, 8)), "a.jpg")]}, format="multipart")
    asset = uploaded.json()["results"][0]["id"]
    answer = api_client.patch(f"/api/v1/media/{asset}/", b"[]", content_type="multipart/form-data; boundary=x")
    assert answer.status_code == 415
    assert api_client.patch(f"/api/v1/media/{asset}/", {"title_en": "A"}, format="json").status_code == 200
