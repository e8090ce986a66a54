"""Whole numbers typed into URLs: page numbers, page sizes, years and months.

ASCII digits only. `str.isdigit()` is true for "²" (and then `int()` refuses it: a 500), and `int()`
itself takes "٣", fullwidth digits, " 3" and "3_0"; none of them is a page number. At most 18 digits, so the value
always fits a database integer.
"""

import re

_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")
MAX_WHOLE_NUMBER = 10**18 - 1  # the largest number read (the schema's `maximum` where one is read)


def parse_whole_number(value: str | None, *, minimum: int = 1) -> int | None:
    """`value` as an int when it is ASCII digits only and at least `minimum`; None for anything else."""
    if value is None or not _WHOLE_NUMBER.fullmatch(value):
        return None
    number = int(value)
    return number if number >= minimum else None
