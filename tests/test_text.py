"""Text from a file made safe to show: every control or invisible format character escaped."""

from __future__ import annotations

import pytest

from ascend_tui.model.text import number, quoted, visible


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
