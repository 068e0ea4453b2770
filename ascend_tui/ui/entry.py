"""What people type into fields, read as numbers: `2,048`, `1k`, `1e3`, `3.5M`; anything else is
refused with the reason, never read as something else (`2.5` is not 25, `1e3` is not 13)."""

from __future__ import annotations

import math

# Suffixes people write for thousands and millions.
SUFFIXES = {"k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}


def _read(text: str) -> float | None:
    """The number in `text`, or None: separators (`,` `_` and spaces) allowed, a k/M/G suffix,
    and the forms Python's float reads (`1e3`, `0.5`)."""
    text = text.strip().replace(",", "").replace("_", "").replace(" ", "")
    factor = 1.0
    if text and text[-1] in SUFFIXES:
        text, factor = text[:-1], SUFFIXES[text[-1]]
    if not text:
        return None
    try:
        value = float(text) * factor
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_count(text: str, what: str = "count") -> int | str:
    """A whole number from typed text, or why not (the range is the design's checks to say)."""
    value = _read(text)
    if value is None or value != math.floor(value) or abs(value) > 1e18:
        return f"{what} must be a whole number, got {text.strip()!r}"
    return int(value)


def parse_number(text: str, what: str, minimum: float = 0.0, maximum: float = math.inf) -> float | str:
    """A finite number from `minimum` to `maximum` from typed text, or why not."""
    value = _read(text)
    if value is None or not math.isfinite(value):
        return f"{what} must be a number, got {text.strip()!r}"
    if value < minimum:
        return f"{what} must be at least {minimum:g}, got {text.strip()}"
    if value > maximum:
        return f"{what} must be at most {maximum:g}, got {text.strip()}"
    return value
