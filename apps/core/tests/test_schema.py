"""The OpenAPI schema names operations by resource: one tag each, readable ids and summaries."""

import pytest
import yaml

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _operations(schema):
    return {
        (method.upper(), path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }


def test_operations_are_grouped_by_resource_under_readable_tags(schema):
    operations = _operations(schema)
    assert operations["GET", "/api/v1/posts/"]["tags"] == ["Posts"]
    assert operations["POST", "/api/v1/auth/logout/"]["tags"] == ["Auth"]
    assert operations["GET", "/api/v1/users/me/"]["tags"] == ["Users"]
    tags = {tag for operation in operations.values() for tag in operation["tags"]}
    assert "v1" not in tags
    assert [tag["name"] for tag in schema["tags"]] == sorted(tags)
    posts = next(tag for tag in schema["tags"] if tag["name"] == "Posts")
    assert posts["description"].startswith("Posts.")


def test_operation_ids_and_summaries_read_as_what_they_do(schema):
    operations = _operations(schema)
    expected = {
        ("GET", "/api/v1/posts/"): ("posts_list", "List posts"),
        ("POST", "/api/v1/posts/"): ("posts_create", "Create a post"),
        ("PATCH", "/api/v1/posts/{slug}/"): ("posts_partial_update", "Update a post"),
        ("POST", "/api/v1/posts/{slug}/publish/"): ("posts_publish", "Publish now"),
        ("POST", "/api/v1/auth/logout/"): ("auth_logout", "Log out this device"),
        ("GET", "/api/v1/users/me/"): ("users_me_retrieve", "Get your account"),
        ("DELETE", "/api/v1/users/me/"): ("users_me_destroy", "Delete your account"),
    }
    for key, (operation_id, summary) in expected.items():
        assert (operations[key]["operationId"], operations[key]["summary"]) == (operation_id, summary), key
    ids = [operation["operationId"] for operation in operations.values()]
    assert len(ids) == len(set(ids))
    assert not [i for i in ids if i.startswith("v1_")]
    assert all(operation.get("summary") for operation in operations.values())


def test_the_title_names_the_api_and_its_document_version(schema, settings):
    assert schema["info"]["title"] == "Inkwell API"
    assert schema["info"]["version"] == settings.INKWELL_VERSION
