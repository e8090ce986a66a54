"""Query-string filters shared by every app's API (django-filter).

`IsoDateTimeFilter`: django-filter's ISO 8601 date-time filter, refusing values that exist in their own
UTC offset but not in UTC (`0001-01-01T00:07:30+15:00`, `9999-12-31T23:59:59-14:00`): the database
adapter converts filter values to UTC and would raise `OverflowError` (a 500). They are a 400 naming
the parameter instead, like any other invalid value. Use it for every date-time filter.

`StrictFilterBackend` (the API's default filter backend) answers what the schema promises: see there.
"""

import re
from datetime import UTC, datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import utils
from django_filters.fields import IsoDateTimeField as BaseIsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions


class IsoDateTimeField(BaseIsoDateTimeField):
    # The code DRF's own DateTimeField gives the same mistake in a request body.
    default_error_messages = {
        "overflow": _("Enter a date and time between 0001-01-01 and 9999-12-31 in UTC."),
    }

    def to_python(self, value: Any) -> datetime | None:
        result = super().to_python(value)
        if result is not None and timezone.is_aware(result):
            try:
                result.astimezone(UTC)
            except OverflowError as exc:
                raise forms.ValidationError(self.error_messages["overflow"], code="overflow") from exc
        return result


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = IsoDateTimeField


# Filters whose documented type is not a free string (integer, boolean, date, date-time, an enum, an id):
# an empty value is not one of theirs.
_TYPED_FILTERS = (
    django_filters.NumberFilter,
    django_filters.BooleanFilter,
    django_filters.DateFilter,
    django_filters.DateTimeFilter,
    django_filters.IsoDateTimeFilter,
    django_filters.ChoiceFilter,
)
_BOOLEANS = ("true", "false")
_INTEGER = re.compile(r"[+-]?[0-9]+")


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend (DEFAULT_FILTER_BACKENDS), holding every query parameter to its schema.

    django-filter quietly ignores what it cannot read: `?featured=null`, `?created_before=` and
    `?status=` list everything, as if the filter had not been asked for. Here they are a 400 naming the
    parameter, as the schema promises (a boolean is `true` or `false`; a date, a number or an enum is
    never empty). And a filter naming an object that does not exist (`?section=no-such-slug`,
    `?owner=<an id no one has>`) matches nothing (an empty list) instead of django-filter's 400
    "Select a valid choice": the schema cannot list today's slugs, and a list filtered by a tag nobody
    uses is simply empty.
    """

    def filter_queryset(self, request: Any, queryset: QuerySet, view: Any) -> QuerySet:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        errors = _unreadable(filterset, request.query_params)
        if errors:
            raise exceptions.ValidationError(errors, code="invalid")
        if not filterset.is_valid():
            if _only_unknown_objects(filterset):
                return queryset.none()
            raise utils.translate_validation(filterset.errors)
        return filterset.qs


def _unreadable(filterset: Any, params: Any) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, filter_ in filterset.filters.items():
        values = params.getlist(name)
        if not values:
            continue
        typed = isinstance(filter_, _TYPED_FILTERS)
        by_id = False
        if isinstance(filter_, django_filters.ModelChoiceFilter):  # a ChoiceFilter too
            # A slug is a free string; an id is not (django-filter names `id` for a plain foreign key).
            typed = by_id = filter_.extra.get("to_field_name") in (None, "", "id", "pk")
        if typed and any(value == "" for value in values):
            errors[name] = [str(_("Enter a value, or leave the parameter out."))]
        elif by_id and any(not _INTEGER.fullmatch(value) for value in values):
            # The schema documents an integer id: `?owner=null` is a mistake to name, not "no such owner".
            errors[name] = [str(_("Enter a whole number."))]
        elif isinstance(filter_, django_filters.BooleanFilter) and any(v not in _BOOLEANS for v in values):
            errors[name] = [str(_("Enter true or false."))]
    return errors


def _only_unknown_objects(filterset: Any) -> bool:
    """True if every error is a ModelChoiceFilter's "Select a valid choice" (no such object)."""
    form_errors = filterset.form.errors.as_data()
    return bool(form_errors) and all(
        isinstance(filterset.filters.get(name), django_filters.ModelChoiceFilter)
        and all(error.code == "invalid_choice" for error in errors)
        for name, errors in form_errors.items()
    )
