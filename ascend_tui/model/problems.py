"""Problems found in a design, reported together with where they are."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from ascend_tui.model.text import quoted


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


MAX_SHOWN = 20  # problems listed in a message; a file with more says how many more


class DesignError(Exception):
    """A design that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        """The first MAX_SHOWN problems, one a line, then how many more there are."""
        lines = [p.describe(self.source) for p in self.problems[:MAX_SHOWN]]
        if len(self.problems) == 1:
            return lines[0]
        head = f"{len(self.problems):,} problems in {self.source or 'the design'}:"
        more = len(self.problems) - len(lines)
        tail = [f"  … and {more:,} more problem{'s' if more > 1 else ''}"] if more else []
        return "\n".join([head, *(f"  {line}" for line in lines), *tail])

    def located(self, source: str) -> DesignError:
        """The same problems, said to be in `source` unless they already name a file."""
        return self if self.source else DesignError(self.problems, source)


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
        return "did you mean " + " or ".join(quoted(c) for c in near) + "?"
    return fallback


class Hints:
    """`did_you_mean` for many words against one list of names. Each word is looked up once (a
    part id misspelt in 100,000 cabinets costs one lookup), and after `budget` distinct words the
    fallback is given instead, so that a file of a million different wrong names costs no more
    than one of fifty."""

    def __init__(self, choices: Iterable[str], fallback: str = "check the spelling", budget: int = 50):
        self.choices = list(choices)
        self.fallback = fallback
        self.budget = budget
        self.found: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        if word not in self.found:
            if len(self.found) >= self.budget:
                return self.fallback
            self.found[word] = did_you_mean(word, self.choices, self.fallback)
        return self.found[word]
