import pytest

pytestmark = pytest.mark.django_db


def test_allauths_auth_api_spec_is_served_and_linked_from_our_docs(client):
    spec = client.get("/_allauth/openapi.json")
    assert spec.status_code == 200
    assert "/_allauth/app/v1/auth/login" in spec.content.decode() or "/auth/login" in spec.content.decode()
    page = client.get("/_allauth/openapi.html").content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    ours = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/_allauth/openapi.html" in ours["info"]["description"]
    assert {"jwtAuth", "jwtCookieAuth"} <= set(ours["components"]["securitySchemes"])
    assert "/api/v1/users/me/" in ours["paths"]


def test_the_schema_says_either_token_scheme_and_lets_public_operations_be_anonymous(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    either = [{"jwtAuth": []}, {"jwtCookieAuth": []}]
    assert paths["/api/v1/users/me/"]["get"]["security"] == either  # signed in only, by either scheme
    assert paths["/api/v1/posts/"]["post"]["security"] == either  # editors write
    assert paths["/api/v1/posts/"]["get"]["security"] == [*either, {}]  # anyone reads
    assert paths["/api/v1/profiles/{id}/"]["get"]["security"] == [*either, {}]
    assert paths["/api/v1/auth/refresh/"]["post"]["security"] == [{}]
