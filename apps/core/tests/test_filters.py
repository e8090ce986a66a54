import pytest
from django import forms

from apps.core.filters import IsoDateTimeField, IsoDateTimeFilter


def test_a_date_time_that_leaves_the_calendar_once_in_utc_is_refused_with_a_clear_message():
    field = IsoDateTimeField()
    for value in ("0001-01-01T00:07:30+15:00", "9999-12-31T23:59:59-14:00"):
        with pytest.raises(forms.ValidationError) as caught:
            field.clean(value)
        assert caught.value.code == "overflow"
        assert caught.value.messages == ["Enter a date and time between 0001-01-01 and 9999-12-31 in UTC."]


def test_ordinary_and_edge_date_times_still_filter():
    field = IsoDateTimeField(required=False)
    assert field.clean("2026-12-03T09:30:00+08:00").isoformat() == "2026-12-03T09:30:00+08:00"
    assert field.clean("0001-01-01T15:00:00+15:00").year == 1
    assert field.clean("") is None


def test_the_filter_uses_the_checked_field():
    assert IsoDateTimeFilter.field_class is IsoDateTimeField
