"""Find the line of a key path in TOML text, so that errors can say where they are."""

from __future__ import annotations

import re

Key = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")


def _split_dotted(name: str) -> list[str]:
    parts = re.findall(r'"[^"]*"|\'[^\']*\'|[^.\s]+', name)
    return [p.strip("\"'") for p in parts]


def key_lines(text: str, wanted: set[Key] | None = None) -> dict[Key, int]:
    """Map each table header and `key =` line to its 1-based line number, reading no further
    than needed to find every key in `wanted` (if given).

    Arrays of tables get their index in the key path (`cluster.supernodes[1]` is
    ("cluster", "supernodes", 1)), matching the path of the parsed data.
    """
    missing = set(wanted) if wanted is not None else None
    lines: dict[Key, int] = {}
    aot_index: dict[tuple[str, ...], int] = {}
    table: Key = ()

    def concrete(names: list[str]) -> list[str | int]:
        out: list[str | int] = []
        for j, name in enumerate(names):
            out.append(name)
            if tuple(names[: j + 1]) in aot_index:
                out.append(aot_index[tuple(names[: j + 1])])
        return out

    for number, line in enumerate(text.splitlines(), start=1):
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
            key: Key = table
        elif m := _KEY.match(line):
            key = (*table, m.group(1).strip("\"'"))
        else:
            continue
        lines.setdefault(key, number)
        if missing is not None:
            missing.discard(key)
            if not missing:
                break
    return lines


def find_line(lines: dict[Key, int], key: Key) -> int | None:
    """The line of the longest prefix of `key` that the text has, or None."""
    for end in range(len(key), 0, -1):
        if key[:end] in lines:
            return lines[key[:end]]
    return None
