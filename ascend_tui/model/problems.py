"""Problems found in a design, reported together with where they are."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a design: where (design path, TOML key path, line) and what."""

    where: str
    message: str
    key: tuple[str | int, ...] = ()
    line: int | None = None

    def describe(self, source: str | None = None) -> str:
        """One line: `file:line: where: message`."""
        place = source or ""
        if self.line is not None:
            place = f"{place}:{self.line}" if place else f"line {self.line}"
        head = ": ".join(p for p in (place, self.where) if p)
        return f"{head}: {self.message}" if head else self.message


class DesignError(Exception):
    """A design that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [p.describe(self.source) for p in self.problems]
        if len(lines) == 1:
            return lines[0]
        head = f"{len(lines)} problems in {self.source or 'the design'}:"
        return "\n".join([head, *(f"  {line}" for line in lines)])


def closest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The known names nearest to a misspelt one, best first."""
    choices = list(choices)
    found = difflib.get_close_matches(word, choices, n=n, cutoff=0.5)
    if not found:
        found = [c for c in choices if word.lower() in c.lower() or c.lower() in word.lower()][:n]
    return found


def did_you_mean(word: str, choices: Iterable[str], fallback: str = "check the spelling") -> str:
    """A hint such as `did you mean 'ascend-950dt'?`, or the fallback when nothing is near."""
    near = closest(word, choices)
    if near:
        return "did you mean " + " or ".join(repr(c) for c in near) + "?"
    return fallback
