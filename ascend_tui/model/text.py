"""Text for people: text that came from a file made safe to show (control characters visible,
long values cut), and numbers written as people write them.

A design file is data from anyone. Its names, notes, part names and sources must never reach a
terminal as control sequences (an ESC sequence can set the window title, recolour the screen or
hide text; bidi controls reorder what is shown), so everything the tool shows from a file passes
through `visible` first. Markup is the showing layer's business: it builds text objects that are
never parsed as markup (see README, "Safe with any file").
"""

from __future__ import annotations

import math
import unicodedata
from decimal import Decimal

# Categories shown as escapes: control characters (C0, DEL, C1), invisible format characters
# (bidi embeddings, overrides and isolates, zero-width space, soft hyphen, tag characters, BOM),
# lone surrogates, and the line and paragraph separators.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Joiners are format characters too, but scripts (Persian, Indic) and emoji need them to render
# correctly, and they can neither move nor hide text.
_JOINERS = frozenset({"\u200c", "\u200d"})
_MULTILINE = frozenset({"\n", "\t"})
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}  # escapes everyone reads


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str, multiline: bool = False) -> str:
    """`text` with every control or invisible format character shown as an escape (ESC as
    `\\x1b`, RIGHT-TO-LEFT OVERRIDE as `\\u202e`); with `multiline`, newlines and tabs stay (and a
    CRLF line end becomes a newline)."""
    if text.isprintable():
        return text
    if multiline:
        text = text.replace("\r\n", "\n")
    keep = _MULTILINE if multiline else frozenset()
    return "".join(
        _escape(ch) if ch not in keep and ch not in _JOINERS and unicodedata.category(ch) in _HIDDEN else ch
        for ch in text
    )


def number(value: int) -> str:
    """A whole number with thousands separators, or `<4,817-digit number>` when it is too long to
    write out (Python refuses to print one of more than 4,300 digits)."""
    if value.bit_length() <= 256:
        return f"{value:,}"
    digits = int(value.bit_length() * math.log10(2)) + 1
    if abs(value) < 10 ** (digits - 1):
        digits -= 1
    return f"<{digits:,}-digit number>"


def quoted(value: object, limit: int = 60) -> str:
    """A value as it appears in a message: its repr, cut to about `limit` characters, so that a
    100 MB name or a million-element array cannot make a message of the same size."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    if isinstance(value, int) and value.bit_length() > 256:
        return number(value)
    shown = repr(value)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def counted(n: int, noun: str) -> str:
    """`1 chip`, `2 chips`, `1,024 blocks`: a whole count with its noun in the number it takes."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def people(value: float, digits: int = 4) -> str:
    """A number as people write it: at most `digits` significant digits, thousands separators,
    no trailing zeros, and no exponent (20,000 rather than 2e+04; 0.000042 rather than 4.2e-05)
    unless it is too small for that to be readable (below 1e-6)."""
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    if exponent < -6:
        return f"{value:.{digits - 1}e}"
    decimals = digits - 1 - exponent
    rounded = round(value, decimals)
    text = f"{rounded:,.{max(0, decimals)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def plain(value: float) -> str:
    """A value as a person types it into a field, in full and never with an exponent:
    11,700,000, 0.081, 1.44."""
    if not math.isfinite(value) or value != value:
        return str(value)
    if float(value).is_integer():
        return f"{value:,.0f}" if abs(value) >= 10_000 else f"{value:.0f}"
    text = format(Decimal(repr(float(value))), "f")
    whole, _, fraction = text.partition(".")
    return (f"{int(whole):,}" if abs(value) >= 10_000 else whole) + ("." + fraction if fraction else "")
