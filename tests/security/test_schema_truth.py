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
