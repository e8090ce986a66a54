import pytest
import yaml
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management import call_command
from openapi_spec_validator import validate
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from apps.core.api import StandardPagination


class _GroupSerializer(serializers.ModelSerializer):
    name = serializers.CharField(min_length=3)

    class Meta:
        model = Group
        fields = ("id", "name")


class _GroupList(generics.ListCreateAPIView):
    queryset = Group.objects.order_by("pk")
    serializer_class = _GroupSerializer
    pagination_class = StandardPagination
    permission_classes = (AllowAny,)
    authentication_classes = ()


class _Service(APIView):
    """A view that calls a "service" raising Django's ValidationError, with no try/except of its own."""

    permission_classes = (AllowAny,)
    authentication_classes = ()
    error = DjangoValidationError("unset")

    def post(self, request):
        raise self.error


def _service_error(error: DjangoValidationError):
    return _Service.as_view(error=error)(APIRequestFactory().post("/x/", {}, format="json"))


def test_a_service_validation_error_is_a_400_with_its_message_and_code():
    response = _service_error(DjangoValidationError("You cannot remove your own admin role.", code="self_demote"))

    assert response.status_code == 400
    assert response.data == {
        "detail": "Invalid input. You cannot remove your own admin role.",
        "code": "self_demote",
        "errors": {"non_field_errors": ["You cannot remove your own admin role."]},
    }


def test_a_service_validation_error_per_field_keeps_its_fields_and_codes():
    error = DjangoValidationError(
        {
            "body_en": DjangoValidationError("The body is too long.", code="too_long"),
            "__all__": DjangoValidationError("Give either a post or a project.", code="invalid"),
        }
    )

    response = _service_error(error)

    assert response.status_code == 400
    assert response.data["code"] == "too_long"
    assert response.data["detail"] == "Invalid input. body_en: The body is too long."
    assert response.data["errors"] == {
        "body_en": ["The body is too long."],
        "non_field_errors": ["Give either a post or a project."],
    }


@pytest.mark.django_db
def test_validation_errors_use_the_one_error_shape():
    request = APIRequestFactory().post("/x/", {"name": "ab"}, format="json")
    response = _GroupList.as_view()(request)
    assert response.status_code == 400
    assert set(response.data) == {"detail", "code", "errors"}
    assert response.data["code"] == "min_length"
    assert response.data["errors"]["name"] == ["Ensure this field has at least 3 characters."]
    assert "name" in response.data["detail"]


def test_an_unknown_api_url_is_a_json_404_in_the_error_shape(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": {}}


@pytest.mark.django_db
def test_pagination_caps_page_size_at_100():
    Group.objects.bulk_create([Group(name=f"group {i:03}") for i in range(130)])
    response = _GroupList.as_view()(APIRequestFactory().get("/x/", {"page_size": 500}))
    assert response.status_code == 200
    assert set(response.data) == {"count", "next", "previous", "results"}
    assert response.data["count"] == 133  # plus the three role groups
    assert len(response.data["results"]) == 100
    assert "page=2" in response.data["next"]


@pytest.mark.django_db
def test_a_page_past_the_end_is_a_404_in_the_error_shape():
    response = _GroupList.as_view()(APIRequestFactory().get("/x/", {"page": 99}))
    assert response.status_code == 404
    assert response.data["code"] == "not_found"
    assert response.data["errors"] == {}


@pytest.mark.django_db
def test_the_schema_is_valid_openapi_3(client, tmp_path):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate(schema)
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_api_docs_serve_their_assets_locally(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
    assert client.get("/api/redoc/").status_code == 200


class _RaisesDjangoValidationError(generics.GenericAPIView):
    permission_classes = (AllowAny,)
    authentication_classes = ()

    def post(self, request):
        from django.core.exceptions import ValidationError

        if request.data.get("field"):
            raise ValidationError({"slug": ValidationError("Bad slug.", code="bad_slug")})
        raise ValidationError("Cannot go from draft to draft.", code="illegal_transition")


def test_a_django_validation_error_from_a_service_is_a_400_in_the_error_shape():
    view = _RaisesDjangoValidationError.as_view()
    response = view(APIRequestFactory().post("/x/", {}, format="json"))
    assert response.status_code == 400
    assert response.data == {
        "detail": "Invalid input. Cannot go from draft to draft.",
        "code": "illegal_transition",
        "errors": {"non_field_errors": ["Cannot go from draft to draft."]},
    }
    response = view(APIRequestFactory().post("/x/", {"field": "1"}, format="json"))
    assert response.status_code == 400
    assert response.data["code"] == "bad_slug"
    assert response.data["errors"] == {"slug": ["Bad slug."]}


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["²", "٣", "0", "1.0", "9" * 5000])
def test_a_page_number_that_is_not_ascii_digits_is_a_404_in_the_error_shape(number):
    response = _GroupList.as_view()(APIRequestFactory().get("/x/", {"page": number}))
    assert response.status_code == 404
    assert response.data == {"detail": "Invalid page.", "code": "not_found", "errors": {}}


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["²", "٣", "0", "-5", "0" * 5000])
def test_a_page_size_that_is_not_a_whole_number_is_a_400_naming_it(size):
    response = _GroupList.as_view()(APIRequestFactory().get("/x/", {"page_size": size}))
    assert response.status_code == 400
    assert list(response.data["errors"]) == ["page_size"]


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["101", "2305843009213693952", "9" * 5000])
def test_a_page_size_over_the_maximum_counts_as_the_maximum_however_many_digits(size):
    # The schema says "an integer from 1" (larger sizes count as 100): a 19-digit size is one too.
    Group.objects.bulk_create(Group(name=f"g{i}") for i in range(101))
    response = _GroupList.as_view()(APIRequestFactory().get("/x/", {"page_size": size}))
    assert response.status_code == 200
    assert len(response.data["results"]) == 100
