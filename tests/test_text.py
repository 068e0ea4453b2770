"""Text from a file made safe to show: every control or invisible format character escaped."""

from __future__ import annotations

import pytest

from ascend_tui.model.text import number, people, plain, quoted, visible


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain [b]name[/b] é 🚀", "plain [b]name[/b] é 🚀"),  # markup is not this function's business
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),  # C0: ESC, BEL
        ("a\x00b\x7fc", "a\\x00b\\x7fc"),  # NUL, DEL
        ("\x9b2J\x85", "\\x9b2J\\x85"),  # C1: CSI, NEL
        ("abc\u202edcba\u2066x\u2069", "abc\\u202edcba\\u2066x\\u2069"),  # bidi override and isolates
        ("zero\u200bwidth\ufeff\u00ad\U000e0041", "zero\\u200bwidth\\ufeff\\xad\\U000e0041"),  # invisible
        ("line\u2028para\u2029", "line\\u2028para\\u2029"),  # separators that break lines
        ("a\nb\tc\r", "a\\nb\\tc\\r"),  # one line: newline and tab shown too
        ("کتاب\u200cها 👩\u200d💻", "کتاب\u200cها 👩\u200d💻"),  # joiners that scripts and emoji need
    ],
)
def test_visible_escapes_what_a_terminal_would_obey_or_hide(raw, shown):
    assert visible(raw) == shown


def test_multiline_text_keeps_its_newlines_and_tabs():
    assert visible("one\r\ntwo\tthree\n\x1b[2J\rfour", multiline=True) == "one\ntwo\tthree\n\\x1b[2J\\rfour"


def test_long_values_are_cut_in_messages():
    assert quoted("x" * 1000) == repr("x" * 60) + "… (1,000 characters)"
    assert quoted(list(range(1000))).endswith("…") and len(quoted(list(range(1000)))) == 61
    assert quoted(10**5000) == "<5,001-digit number>" == number(10**5000)
    assert number(10**400 - 1) == "<400-digit number>" and number(2_000_000_000) == "2,000,000,000"


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (20000.0, 4, "20,000"),
        (1.808, 4, "1.808"),
        (23809.5, 3, "23,800"),
        (0.000042, 4, "0.000042"),
        (1_170_000_000.0, 4, "1,170,000,000"),
        (200.0, 4, "200"),
        (0.0, 4, "0"),
        (-1234.5, 3, "-1,230"),
        (2.5e-9, 2, "2.5e-09"),  # too small to read without an exponent
    ],
)
def test_numbers_for_people_have_no_exponent(value, digits, expected):
    assert people(value, digits) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(11_700_000.0, "11,700,000"), (0.081, "0.081"), (1.44, "1.44"), (128.0, "128"), (2.5e-5, "0.000025")],
)
def test_a_value_as_typed_is_exact_and_has_no_exponent(value, expected):
    assert plain(value) == expected
