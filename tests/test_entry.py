"""What people type into the app's fields, read as they meant it or refused with the reason."""

from __future__ import annotations

import pytest

from ascend_tui.ui.entry import parse_count, parse_number


@pytest.mark.parametrize(
    ("typed", "count"),
    [
        ("128", 128),
        ("2,048", 2048),
        ("2_048", 2048),
        ("1k", 1000),
        ("1.5k", 1500),
        ("1e3", 1000),
        ("2M", 2_000_000),
    ],
)
def test_counts_are_read_as_people_write_them(typed, count):
    assert parse_count(typed) == count


@pytest.mark.parametrize("typed", ["2.5", "abc", "", "1e400", "nan", "inf", "1.0001k", "12x"])
def test_anything_else_is_refused_with_what_was_typed(typed):
    assert parse_count(typed) == f"count must be a whole number, got {typed!r}"


def test_numbers_say_their_bounds():
    assert parse_number("1.5", "PUE", 1.0, 5.0) == 1.5
    assert parse_number("3.5M", "price") == 3_500_000.0
    assert parse_number("0.5", "PUE", 1.0, 5.0) == "PUE must be at least 1, got 0.5"
    assert parse_number("6", "PUE", 1.0, 5.0) == "PUE must be at most 5, got 6"
    assert parse_number("ten", "PUE") == "PUE must be a number, got 'ten'"
