"""Command palette: every action of the screen it was opened on and of the app, the same actions
as the keys (named after their bindings, each once, with its key), matched on their names."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.markup import escape


def palette_name(binding: Binding) -> str:
    """What the palette calls a binding's action: its description, or where that is only a sign
    (+1, ×2), its tooltip."""
    description = binding.description
    if any(c.isalpha() for c in description) or not binding.tooltip:
        return description
    return binding.tooltip


class DesignCommands(Provider):
    """The actions of the screen the palette was opened on and of the app, from their bindings."""

    def commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        """(name, help, run) for each action the user can take here, each once."""
        seen: set[str] = set()
        for node in (self.screen, self.app):
            for binding in type(node).BINDINGS:
                if not isinstance(binding, Binding) or not binding.description or binding.action in seen:
                    continue
                seen.add(binding.action)
                if node.check_action(binding.action.partition("(")[0], ()) is False:
                    continue
                key = binding.key_display or binding.key.split(",")[0]
                help_text = f"{key} · {binding.tooltip}" if binding.tooltip else key
                yield palette_name(binding), help_text, partial(self._run, binding.action, node)

    async def _run(self, action: str, node: DOMNode) -> None:
        await self.app.run_action(action, node)

    async def discover(self) -> Hits:
        for name, help_text, run in self.commands():
            yield DiscoveryHit(name, run, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        """Hits on the names alone, so that what matches is what is highlighted."""
        matcher = self.matcher(query)
        for name, help_text, run in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=escape(help_text))
