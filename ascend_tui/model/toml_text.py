"""TOML text written directly, for the few value types a design holds: strings, whole numbers,
floats, booleans, arrays of them, tables and arrays of tables.

Large designs are written with it a block at a time (toml_format.design_chunks), rather than by
building the whole tree as data for a general writer first. It is exact: a string is a basic
string with the escapes TOML defines (quote, backslash, and every control character but tab),
other characters as they are; a float is Python's shortest text that reads back as the same
float (`0.1`, `1e-300`, `-0.0`; TOML's `inf` and `nan` for those); keys are bare where TOML
allows and quoted otherwise. The tests read what it writes with two TOML readers and compare.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# What a basic string may not hold as it is: the quote, the backslash, and control characters
# (U+0000 to U+001F, and U+007F) other than tab.
_ESCAPED = re.compile(r'[\x00-\x08\x0a-\x1f"\\\x7f]')
_SHORT_ESCAPES = {"\b": "\\b", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04X}"


def string(text: str) -> str:
    """A TOML basic string that reads back as `text`."""
    if _ESCAPED.search(text) is None:
        return f'"{text}"'
    return '"' + _ESCAPED.sub(_escape, text) + '"'


@lru_cache(maxsize=4096)  # a design's keys are few, and written once per block
def key(name: str) -> str:
    """A key as TOML writes it: bare when it can be, else quoted."""
    return name if _BARE_KEY.fullmatch(name) else string(name)


def floating(value: float) -> str:
    """A float that reads back as the same float, bit for bit (its sign too)."""
    if math.isfinite(value):
        return repr(value)  # the shortest text that rounds back to it, always with `.` or `e`
    if math.isnan(value):
        return "nan"
    return "inf" if value > 0 else "-inf"


def boolean(item: bool) -> str:
    return "true" if item else "false"


def array(items: list[Any] | tuple[Any, ...]) -> str:
    return "[" + ", ".join(value(v) for v in items) + "]"


# By exact type: a bool is not written as the int it also is.
_SCALARS: dict[type, Callable[[Any], str]] = {str: string, bool: boolean, int: int.__repr__, float: floating}


def value(item: Any) -> str:
    """A string, whole number, float, boolean or array of them as TOML text."""
    write = _SCALARS.get(type(item))
    if write is not None:
        return write(item)
    if type(item) in (list, tuple):
        return array(item)
    raise TypeError(f"no TOML text for a {type(item).__name__}")


def _array_of_tables(item: Any) -> bool:
    return type(item) is list and bool(item) and all(isinstance(v, Mapping) for v in item)


def table(lines: list[str], header: str, data: Mapping[str, Any], array: bool = False) -> None:
    """Append a table's lines: its header (`[[header]]` for an element of an array of tables),
    its values, then its tables and arrays of tables, each under its own header."""
    add, scalar = lines.append, _SCALARS.get
    add(f"\n[[{header}]]\n" if array else f"\n[{header}]\n")
    below: list[tuple[str, Any]] = []
    for name, item in data.items():
        write = scalar(type(item))
        if write is not None:  # the common case first
            add(f"{key(name)} = {write(item)}\n")
        elif type(item) is dict or isinstance(item, Mapping) or _array_of_tables(item):
            below.append((name, item))
        else:
            add(f"{key(name)} = {value(item)}\n")
    for name, item in below:
        inner = f"{header}.{key(name)}"
        if type(item) is dict or isinstance(item, Mapping):
            table(lines, inner, item)
        else:
            for element in item:
                table(lines, inner, element, array=True)
