"""Find the line of a key path in TOML text, so that errors can say where they are."""

from __future__ import annotations

import re

Key = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")


def _split_dotted(name: str) -> list[str]:
    parts = re.findall(r'"[^"]*"|\'[^\']*\'|[^.\s]+', name)
    return [p.strip("\"'") for p in parts]


def _string_state(line: str, inside: str) -> str:
    """Whether a multi-line string is open at the end of `line` ('' or its delimiter), given
    whether one was open at its start."""
    i = 0
    while i < len(line):
        if inside:
            end = line.find(inside, i)
            while inside == '"""' and end > 0 and _escaped(line, end):
                end = line.find(inside, end + 1)
            if end < 0:
                return inside
            i, inside = end + 3, ""
            continue
        ch = line[i]
        if ch == "#":
            return ""
        if line.startswith('"""', i) or line.startswith("'''", i):
            inside, i = line[i : i + 3], i + 3
        elif ch in "\"'":  # a one-line string: skip to its end
            i += 1
            while i < len(line) and line[i] != ch:
                i += 2 if ch == '"' and line[i] == "\\" else 1
            i += 1
        else:
            i += 1
    return inside


def _escaped(line: str, at: int) -> bool:
    """Whether the character at `at` follows an odd number of backslashes."""
    slashes = 0
    while at - slashes - 1 >= 0 and line[at - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1


def key_lines(text: str, wanted: set[Key] | None = None) -> dict[Key, int]:
    """Map each table header and `key =` line to its 1-based line number, reading no further
    than needed to find every key in `wanted` (if given).

    Arrays of tables get their index in the key path (`cluster.supernodes[1]` is
    ("cluster", "supernodes", 1)), matching the path of the parsed data. Lines inside multi-line
    strings are text, not keys.
    """
    lines: dict[Key, int] = {}
    aot_index: dict[tuple[str, ...], int] = {}
    table: Key = ()
    inside = ""
    missing = set(wanted) if wanted is not None else None

    def concrete(names: list[str]) -> list[str | int]:
        out: list[str | int] = []
        for j, name in enumerate(names):
            out.append(name)
            if tuple(names[: j + 1]) in aot_index:
                out.append(aot_index[tuple(names[: j + 1])])
        return out

    for number, line in enumerate(text.splitlines(), start=1):
        was_inside, inside = inside, _string_state(line, inside)
        if was_inside:
            continue
        if m := _HEADER.match(line):
            names = _split_dotted(m.group(2))
            if m.group(1) == "[[":
                abstract = tuple(names)
                aot_index[abstract] = aot_index.get(abstract, -1) + 1
                for deeper in [
                    k for k in aot_index if len(k) > len(abstract) and k[: len(abstract)] == abstract
                ]:
                    del aot_index[deeper]
            table = tuple(concrete(names))
            found: list[Key] = [table]
            if m.group(1) == "[[":  # the array itself is where its first table is
                found.append(table[:-1])
        elif m := _KEY.match(line):
            found = [(*table, m.group(1).strip("\"'"))]
        else:
            continue
        for key in found:
            lines.setdefault(key, number)
            if missing is not None:
                missing.discard(key)
        if missing is not None and not missing:
            break
    return lines


def find_line(lines: dict[Key, int], key: Key) -> int | None:
    """The line of the longest prefix of `key` that the text has, or None."""
    for end in range(len(key), 0, -1):
        if key[:end] in lines:
            return lines[key[:end]]
    return None
