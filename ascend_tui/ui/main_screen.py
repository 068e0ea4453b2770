"""The main screen: the design tree, the node editor and the live figures side by side.

Its key bindings act on the selected node; the work is done by the app (AscendApp), which owns
the editing session and the evaluator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header

from ascend_tui.ui.messages import EditRequested, NodeSelected
from ascend_tui.ui.widgets import CostPanel, DesignTree, MetricsPanel, NodeEditor

if TYPE_CHECKING:
    from ascend_tui.ui.app import AscendApp


class MainScreen(Screen[None]):
    """Tree, editor and metrics side by side."""

    BINDINGS = [
        Binding(
            "a", "add", "Add", tooltip="Add a supernode, cabinet or part under the selection", id="node.add"
        ),
        Binding("d", "duplicate", "Duplicate", tooltip="Duplicate the selected node", id="node.duplicate"),
        Binding("x,delete", "remove", "Remove", tooltip="Remove the selected node", id="node.remove"),
        Binding("r", "rename", "Rename", show=False, tooltip="Rename the selected node", id="node.rename"),
        Binding(
            "plus,equals_sign", "count(1)", "+1", key_display="+", tooltip="Count +1", id="node.increment"
        ),
        Binding("minus", "count(-1)", "−1", key_display="-", tooltip="Count −1", id="node.decrement"),
        Binding(
            "asterisk",
            "scale_count(2)",
            "×2",
            show=False,
            key_display="*",
            tooltip="Double the count",
            id="node.double",
        ),
        Binding(
            "slash",
            "scale_count(0.5)",
            "÷2",
            show=False,
            key_display="/",
            tooltip="Halve the count",
            id="node.halve",
        ),
        Binding("c", "type_count", "Count", show=False, tooltip="Type a count", id="node.count"),
        Binding(
            "p", "pick_part", "Part", tooltip="Pick a part from the catalog (replace or add)", id="node.part"
        ),
        Binding(
            "w",
            "swap_part",
            "Swap chip",
            tooltip="Swap one part for another across the whole design",
            id="design.swap",
        ),
        Binding(
            "n",
            "new_part",
            "New part",
            show=False,
            tooltip="Define a custom part from a catalog part",
            id="design.new_part",
        ),
        Binding(
            "m", "compare", "Compare", tooltip="Compare the design with presets or files", id="view.compare"
        ),
        Binding(
            "t",
            "targets",
            "Targets",
            show=False,
            tooltip="Set targets and limits (FP8, power, area…)",
            id="design.targets",
        ),
        Binding(
            "s",
            "scale",
            "Scale",
            show=False,
            tooltip="How many of the selected block reach a target or fit a budget",
            id="node.scale",
        ),
        Binding(
            "g",
            "chart",
            "Chart",
            show=False,
            tooltip="Chart FP8, power and area against the selected count",
            id="view.chart",
        ),
        Binding(
            "f",
            "floor",
            "Floor",
            show=False,
            tooltip="Floor plan: cabinets in rows, coloured by power",
            id="view.floor",
        ),
        Binding(
            "b",
            "network",
            "Network",
            show=False,
            tooltip="The fabrics drawn as their tiers, and the bill of materials with its export",
            id="view.network",
        ),
        Binding(
            "F",
            "facility",
            "Site",
            show=False,
            tooltip="The site: electricity price, redundancy, losses, cooling, lives, floor rating…",
            id="design.facility",
        ),
        Binding(
            "dollar_sign",
            "toggle_costs",
            "Costs",
            key_display="$",
            tooltip="Show what the design costs to build and run, or its figures again",
            id="view.costs",
        ),
        Binding("u,ctrl+z", "undo", "Undo", tooltip="Undo the last edit", id="design.undo"),
        Binding(
            "U,ctrl+y", "redo", "Redo", key_display="U", tooltip="Redo the last undone edit", id="design.redo"
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield DesignTree(id="tree")
            yield NodeEditor(id="editor")
            yield MetricsPanel(id="metrics")
            yield CostPanel(id="costs")
        yield Footer()

    @property
    def ascend(self) -> AscendApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.ascend.redraw(select=())
        self.query_one(DesignTree).focus()

    def action_toggle_costs(self) -> None:
        """Show the costs in place of the figures, or the figures again."""
        costs = self.query_one(CostPanel)
        costs.display = not costs.display
        self.query_one(MetricsPanel).display = not costs.display

    def on_node_selected(self, message: NodeSelected) -> None:
        self.ascend.select(message.path)

    def on_edit_requested(self, message: EditRequested) -> None:
        self.ascend.edit_field(message.path, message.field, message.value)

    # Actions on the selected node
    def action_add(self) -> None:
        self.ascend.add_child()

    def action_duplicate(self) -> None:
        self.ascend.duplicate()

    def action_remove(self) -> None:
        self.ascend.remove()

    def action_rename(self) -> None:
        self.ascend.focus_field("name")

    def action_type_count(self) -> None:
        self.ascend.focus_field("count")

    def action_count(self, step: int) -> None:
        self.ascend.step_count(step)

    def action_scale_count(self, factor: float) -> None:
        self.ascend.scale_count(factor)

    def action_pick_part(self) -> None:
        self.ascend.pick_part()

    def action_swap_part(self) -> None:
        self.ascend.swap_part()

    def action_new_part(self) -> None:
        self.ascend.new_part()

    def action_compare(self) -> None:
        self.ascend.open_compare()

    def action_network(self) -> None:
        self.ascend.open_network()

    def action_facility(self) -> None:
        self.ascend.edit_facility()

    def action_targets(self) -> None:
        self.ascend.edit_targets()

    def action_scale(self) -> None:
        self.ascend.scale_to_target()

    def action_chart(self) -> None:
        self.ascend.open_chart()

    def action_floor(self) -> None:
        self.ascend.open_floor()

    def action_undo(self) -> None:
        self.ascend.undo()

    def action_redo(self) -> None:
        self.ascend.redo()
