import pytest

from apps.core.numbers import parse_whole_number


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("42", 42), ("007", 7), ("9" * 18, int("9" * 18))])
def test_whole_numbers_in_ascii_digits_are_read(value, expected):
    assert parse_whole_number(value) == expected


@pytest.mark.parametrize(
    "value", [None, "", "0", "-1", "+1", " 1", "1 ", "1\n", "1.0", "1e3", "3_0", "²", "٣", "\uff13", "abc", "9" * 19]
)
def test_anything_else_is_not_a_whole_number(value):
    assert parse_whole_number(value) is None


def test_a_minimum_of_zero_accepts_zero():
    assert parse_whole_number("0", minimum=0) == 0
