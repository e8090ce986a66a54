"""The schema documents the errors each operation can answer, in the body the API really sends."""

import jsonschema
import pytest

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_every_operation_documents_401_and_429_with_the_error_body(schema):
    for path, method, operation in _operations(schema):
        for code in ("401", "429"):
            body = operation["responses"][code]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/Error"}, (method, path, code)


def test_filters_bodies_and_object_paths_document_400_403_and_404(schema):
    posts = schema["paths"]["/api/v1/posts/"]
    assert {"400", "404"} <= set(posts["get"]["responses"])  # a bad filter, a page past the end
    assert {"400", "403"} <= set(posts["post"]["responses"])
    assert "404" in schema["paths"]["/api/v1/posts/{slug}/"]["get"]["responses"]
    me = schema["paths"]["/api/v1/users/me/"]["get"]["responses"]
    assert "400" not in me  # no body, no query: nothing to be invalid
    assert "403" not in me  # signed in is all it takes
    assert "400" in schema["paths"]["/api/v1/users/me/"]["delete"]["responses"]  # its body: password or code
    assert "400" not in schema["paths"]["/api/v1/media/{id}/"]["delete"]["responses"]


def test_a_declared_error_response_is_kept_not_replaced(schema):
    for _path, _method, operation in _operations(schema):
        assert operation["responses"], operation["operationId"]
        success = [c for c in operation["responses"] if c.startswith("2")]
        assert success, operation["operationId"]  # e.g. 200 and 201 both, for an idempotent create


def test_the_documented_error_body_is_what_the_api_sends(schema, api_client):
    error_schema = {**schema["components"]["schemas"]["Error"], "components": schema["components"]}
    for status, response in (
        (400, api_client.get("/api/v1/posts/", {"lang": "klingon"})),
        (401, api_client.get("/api/v1/users/me/")),
        (404, api_client.get("/api/v1/posts/no-such-post/")),
    ):
        assert response.status_code == status
        jsonschema.validate(response.json(), error_schema)
