"""API plumbing shared by every app: pagination and the one error shape.

Every 4xx body is `{"detail": str, "code": str, "errors": {field: [messages]}}`. A Django
`ValidationError` raised by a service becomes a 400 in that shape here, in `exception_handler`.
"""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.fields import get_error_detail
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .numbers import parse_whole_number


def _odd_single_value(request: Any, name: str) -> bool:
    """True if the query parameter is there but is not one value: empty, or repeated."""
    values = request.query_params.getlist(name)
    return bool(values) and (len(values) > 1 or values[0] == "")


class StandardPagination(PageNumberPagination):
    """`?page=` and `?page_size=` (capped at 100); body has count, next, previous, results.

    Both are read as the reader pages read `?page=` (`parse_whole_number`: ASCII digits only): an odd
    page is a 404 "Invalid page.", an odd page size a 400 naming `page_size` (DRF would ignore it).
    The schema says each is one integer: an empty value (`?page=`) or a repeated one (`?page=1&page=2`)
    is odd too (DRF would read the first page, or the last value).
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        if _odd_single_value(request, self.page_query_param):
            raise exceptions.NotFound(self.invalid_page_message)
        value = super().get_page_number(request, paginator)
        if value in self.last_page_strings:
            return value
        number = parse_whole_number(str(value))
        if number is None:
            raise exceptions.NotFound(self.invalid_page_message)
        return number

    def get_page_size(self, request: Any) -> int:
        value = request.query_params.get(self.page_size_query_param, "")
        odd = _odd_single_value(request, self.page_size_query_param)
        if not value and not odd:
            return self.page_size
        size = None if odd else parse_whole_number(value)
        if size is None and not odd and value.isascii() and value.isdigit() and value.strip("0"):
            size = self.max_page_size  # more digits than any count: as large as a page gets
        if size is None:
            message = _("Enter a whole number from 1 to %(max)d (larger sizes count as %(max)d).")
            raise exceptions.ValidationError(
                {self.page_size_query_param: [message % {"max": self.max_page_size}]}, code="invalid"
            )
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["count", "next", "previous", "results"]  # always present (null at the ends)
        return paginated


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [f"{k}: {m}" for k, v in detail.items() for m in _flatten(v)]
    if isinstance(detail, list):
        return [m for item in detail for m in _flatten(item)]
    return [str(detail)]


def _field_errors(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(field): _flatten(messages) for field, messages in detail.items()}
    return {"non_field_errors": _flatten(detail)}


def _first_code(exc: exceptions.APIException) -> str:
    default = exc.default_code
    codes = exc.get_codes()
    while isinstance(codes, dict | list):
        if not codes:
            return default
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return str(codes)


def _service_error_detail(exc: DjangoValidationError) -> Any:
    """A service's (or model's) error as DRF detail: field errors stay per field, with their codes;
    Django's `__all__` becomes the API's `non_field_errors`."""
    detail = get_error_detail(exc)
    if isinstance(detail, dict):
        return {(api_settings.NON_FIELD_ERRORS_KEY if k == NON_FIELD_ERRORS else k): v for k, v in detail.items()}
    return detail


def error_body(detail: str, code: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "code": code, "errors": errors or {}}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        # The one place a service's ValidationError (model rules, illegal status moves, quotas) becomes a
        # 400: views and viewsets call services without a try/except of their own.
        exc = exceptions.ValidationError(detail=_service_error_detail(exc))
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        first = next(iter(errors.items()), ("", ["Invalid input."]))
        label = "" if first[0] == "non_field_errors" else f"{first[0]}: "
        response.data = error_body(f"Invalid input. {label}{first[1][0]}", _first_code(exc), errors)
    else:
        detail = exc.detail
        message = str(detail) if not isinstance(detail, dict | list) else "; ".join(_flatten(detail))
        response.data = error_body(message, _first_code(exc))
    return response
