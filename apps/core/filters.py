"""Query-string filters shared by every app's API (django-filter).

`IsoDateTimeFilter`: django-filter's ISO 8601 date-time filter, refusing values that exist in their own
UTC offset but not in UTC (`0001-01-01T00:07:30+15:00`, `9999-12-31T23:59:59-14:00`): the database
adapter converts filter values to UTC and would raise `OverflowError` (a 500). They are a 400 naming
the parameter instead, like any other invalid value. Use it for every date-time filter.
"""

from datetime import UTC, datetime
from typing import Any

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField as BaseIsoDateTimeField


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
