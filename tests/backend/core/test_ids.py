import pytest

from backend.core.ids import MAX_ID, parse_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (12, 12), (str(MAX_ID), MAX_ID), ("1", 1)],
)
def test_it_reads_an_id(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    "value", ["", None, "0", "-1", "abc", "²", "١٢", "1.5", " 1", str(MAX_ID + 1), "9" * 30]
)
def test_anything_that_cannot_name_a_row_is_none(value):
    # "²" and "١٢" pass str.isdigit() but int() refuses the first: that was a 500 on pages.
    assert parse_id(value) is None
