"""The command's refusals: one line, non-zero exit, nothing written."""

import pytest
from django.core.management import CommandError, call_command

from apps.legacy.importer import basis_points, minor_units


@pytest.mark.parametrize(
    "url",
    ["not a url", "postgres://u@h/db", "mysql://host-only", "mysql://root@127.0.0.1:notaport/db"],
)
def test_a_bad_database_url_is_one_line(url):
    with pytest.raises(CommandError, match="bad database URL") as caught:
        call_command("import_legacy", "--database-url", url)
    assert "\n" not in str(caught.value)


def test_an_unreachable_database_is_one_line():
    with pytest.raises(CommandError, match=r"cannot read|driver") as caught:
        call_command("import_legacy", "--database-url", "mysql://root@127.0.0.1:1/old")
    assert "\n" not in str(caught.value)


def test_an_unknown_part_is_refused():
    with pytest.raises(CommandError, match="unknown --only"):
        call_command("import_legacy", "--database-url", "mysql://root@127.0.0.1:1/old", "--only", "users,nope")


@pytest.mark.parametrize(
    ("price", "minor"),
    [(19.995, 2000), (10.005, 1001), (0.285, 29), (0.284, 28), (0, 0), (None, 0), (12.0, 1200), ("4.5", 450)],
)
def test_prices_become_minor_units_rounded_half_up(price, minor):
    assert minor_units(price) == minor


def test_float32_prices_read_back_from_mysql_round_as_written():
    import struct

    as_float32 = struct.unpack("f", struct.pack("f", 0.285))[0]  # 0.28499999642…
    assert minor_units(as_float32) == 29
    assert basis_points(struct.unpack("f", struct.pack("f", 0.15))[0]) == 1500
