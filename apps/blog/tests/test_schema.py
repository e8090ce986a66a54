"""The OpenAPI schema tells the truth about the blog API: real answers validate against it.

Each answer below is checked against the response schema `/api/schema/` documents for its operation,
strictly: a field the schema does not name, a null where it says non-nullable, a missing required
field, or a wrong type fails the test.
"""

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from django.core.files.base import ContentFile
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker

from apps.blog.models import Post, Project, Section
from apps.blog.services import TRANSLATED_FIELDS
from apps.media import services as media_services
from apps.media.tests.factories import image_bytes

from .factories import AccessGrantFactory, PostFactory, ProjectFactory, SectionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


def _strict(node: Any) -> Any:
    """OpenAPI 3.0 schema → JSON Schema: `nullable` becomes a null alternative; objects allow only the
    properties they list."""
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _strict(value) for key, value in node.items() if key != "nullable"}
    if out.get("type") == "object" and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


@pytest.fixture
def schema(client) -> dict[str, Any]:
    return yaml.safe_load(client.get("/api/schema/").content)


FORMATS = FormatChecker()  # date-time is checked (rfc3339-validator); uri by hand (no rfc3987 here)


@FORMATS.checks("uri")
def _is_uri(value: Any) -> bool:
    return not isinstance(value, str) or bool(urlsplit(value).scheme and urlsplit(value).netloc)


def _check(schema: dict[str, Any], method: str, path: str, response: Any) -> None:
    operation = schema["paths"][path][method]
    documented = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
    root = {**_strict(documented), "components": _strict(schema["components"])}
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in Draft202012Validator(root, format_checker=FORMATS).iter_errors(response.json())
    ]
    assert not errors, f"{method.upper()} {path} ({response.status_code}):\n" + "\n".join(errors)


def _asset(owner: Any, visibility: str = "public") -> Any:
    upload = ContentFile(image_bytes((64, 48)), "cover.jpg")
    return media_services.asset_create(owner=owner, uploaded_file=upload, visibility=visibility)


@pytest.fixture
def content(settings, tmp_path, editor):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    parent = SectionFactory(name_en="Blog")
    child = SectionFactory(parent=parent)
    SectionFactory(type=Section.Type.ABOUT, description_en="")
    tag = TagFactory()
    # Optional text left empty the way a database can hold it: NULL in every language.
    empty = PostFactory(cover=_asset(editor, visibility="private"))
    Post.objects.filter(pk=empty.pk).update(
        **{f"{name}_{code}": None for name in ("summary", "seo_title", "seo_keywords") for code in ("en", "zh_hans")}
    )
    project = ProjectFactory(section=None, demo_url="", cover=_asset(editor))
    Project.objects.filter(pk=project.pk).update(description_en=None, description_zh_hans=None)
    return {
        "full": PostFactory(section=child, tags=[tag], is_featured=True, cover=_asset(editor)),
        "empty": empty,
        "bare": PostFactory(section=None, author=None, summary_en="", summary_zh_hans="", tags=[]),
        "anonymous": PostFactory(author=UserFactory(display_name="")),
        "premium": PostFactory(is_premium=True, section=None),
        "zh_only": PostFactory(source_language="zh-hans", title_en="", summary_en="", body_en=""),
        "draft": PostFactory(draft=True, section=None),
        "scheduled": PostFactory(scheduled=True),
        "tag": tag,
        "parent": parent,
        "child": child,
        "project": project,
        "project_in_section": ProjectFactory(section=parent),
    }


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_public_read_answers_match_the_schema(api_client, schema, content, lang):
    def get(path: str, url: str) -> None:
        response = api_client.get(url, {"lang": lang})
        assert response.status_code == 200, url
        _check(schema, "get", path, response)

    get("/api/v1/posts/", "/api/v1/posts/")
    for name in ("full", "empty", "bare", "anonymous", "premium", "zh_only"):
        get("/api/v1/posts/{slug}/", f"/api/v1/posts/{content[name].slug}/")
    get("/api/v1/sections/", "/api/v1/sections/")
    for name in ("parent", "child"):
        get("/api/v1/sections/{slug}/", f"/api/v1/sections/{content[name].slug}/")
    get("/api/v1/tags/", "/api/v1/tags/")
    get("/api/v1/tags/{slug}/", f"/api/v1/tags/{content['tag'].slug}/")
    get("/api/v1/projects/", "/api/v1/projects/")
    for name in ("project", "project_in_section"):
        get("/api/v1/projects/{slug}/", f"/api/v1/projects/{content[name].slug}/")


def test_a_grant_holders_answers_match_the_schema(api_client, schema, content, reader):
    AccessGrantFactory(user=reader, post=content["premium"])
    api_client.force_authenticate(reader)
    response = api_client.get(f"/api/v1/posts/{content['premium'].slug}/")
    assert response.json()["locked"] is False
    _check(schema, "get", "/api/v1/posts/{slug}/", response)


def test_editor_answers_match_the_schema(api_client, schema, content, editor):
    api_client.force_authenticate(editor)
    detail = "/api/v1/posts/{slug}/"

    _check(schema, "get", "/api/v1/posts/", api_client.get("/api/v1/posts/"))
    for name in ("full", "empty", "bare", "draft", "scheduled", "zh_only"):
        _check(schema, "get", detail, api_client.get(f"/api/v1/posts/{content[name].slug}/"))

    created = api_client.post("/api/v1/posts/", {"title_en": "New", "body_en": "Text."})
    assert created.status_code == 201
    _check(schema, "post", "/api/v1/posts/", created)
    slug = created.json()["slug"]
    url = f"/api/v1/posts/{slug}/"
    _check(schema, "patch", detail, api_client.patch(url, {"summary_en": "Now with a summary."}))
    _check(schema, "put", detail, api_client.put(url, {"title_en": "New", "body_en": "Text again."}))
    at = (timezone.now() + timedelta(days=1)).isoformat()
    _check(schema, "post", detail + "schedule/", api_client.post(url + "schedule/", {"at": at}))
    _check(schema, "post", detail + "publish/", api_client.post(url + "publish/", {}))
    _check(schema, "post", detail + "unpublish/", api_client.post(url + "unpublish/"))
    revisions = api_client.get(url + "revisions/")
    _check(schema, "get", detail + "revisions/", revisions)
    first = revisions.json()["results"][-1]["id"]
    _check(schema, "post", detail + "restore/", api_client.post(url + "restore/", {"revision": first}))
    _check(schema, "get", "/api/v1/projects/", api_client.get("/api/v1/projects/"))


READ_COMPONENTS = (
    "PostList",
    "PostDetailResponse",
    "PostEditor",
    "PostRevision",
    "Section",
    "SectionBrief",
    "Tag",
    "TagBrief",
    "ProjectList",
    "ProjectDetail",
    "Cover",
    "TranslationStatus",
    "PaginatedPostListList",
    "PaginatedTagList",
    "PaginatedProjectListList",
)


def test_every_field_of_an_answer_is_required_in_the_schema_except_the_editor_only_ones(schema):
    """Answers always carry every field (null where nullable): the schema must not call one optional."""
    components = schema["components"]["schemas"]
    for name in READ_COMPONENTS:
        component = components[name]
        optional = set(component["properties"]) - set(component.get("required", []))
        if name == "PostDetailResponse":
            assert optional == {f"{field}_{code}" for field in TRANSLATED_FIELDS for code in ("en", "zh_hans")}
            assert set(component["properties"]) == set(components["PostEditor"]["properties"])
        else:
            assert not optional, (name, optional)


def test_list_parameters_are_documented_with_their_real_types_and_bounds(schema):
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/posts/"]["get"]["parameters"]}
    assert parameters["year"] == {"type": "integer", "minimum": 1970, "maximum": 9998}
    assert parameters["month"] == {"type": "integer", "minimum": 1, "maximum": 12}
    assert parameters["page"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"] == {"type": "integer", "minimum": 1}
    assert "search" in parameters
