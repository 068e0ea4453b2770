"""Command palette: what the user can do where they are."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from ascend_tui.model.design import PartCount, node_at
from ascend_tui.model.text import visible

if TYPE_CHECKING:
    from ascend_tui.ui.app import AscendApp


class DesignCommands(Provider):
    """Edits for the selected node, file actions and presets."""

    def commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app: AscendApp = self.app  # type: ignore[assignment]
        node = node_at(app.session.design, app.selected)
        out: list[tuple[str, str, Callable[[], object]]] = []
        if isinstance(node, PartCount):
            out.append(("Replace this part", node.label, app.pick_part))
            out.append(("Define a custom part from this one", node.label, app.new_part))
        else:
            out.append(("Add a block or part", f"to {node.label}", app.add_child))
        if app.selected:
            out.append(("Duplicate", node.label, app.duplicate))
            out.append(("Remove", node.label, app.remove))
        out += [
            ("Double the count", node.label, lambda: app.scale_count(2)),
            ("Halve the count", node.label, lambda: app.scale_count(0.5)),
            ("Swap a chip type across the design", "e.g. 910C to 950DT", app.swap_part),
            ("Define a custom part", "based on a catalog part", app.new_part),
            ("Undo", "the last edit", app.undo),
            ("Redo", "the last undone edit", app.redo),
            ("Save", "to the design's file", app.action_save),
            ("Save as…", "a new file", app.action_save_as),
            ("Load a preset…", "with headline figures", app.action_open_preset),
            ("Open a design file…", "TOML", app.action_open_file),
            ("Keys", "every binding", app.action_help),
        ]
        return out

    async def discover(self) -> Hits:
        for name, help_text, callback in self.commands():
            yield DiscoveryHit(name, callback, help=_help(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = matcher.match(f"{name} {help_text}")
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=_help(help_text))


def _help(text: str) -> str:
    """Help text for the palette, which reads it as markup: node names escaped and made visible."""
    return escape(visible(text))
