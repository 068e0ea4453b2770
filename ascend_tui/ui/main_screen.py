"""The main screen: the design tree, the node editor and the live figures side by side.

It shows the app's state (the design, the selection and the latest figures: reactive attributes
the app binds to it) and its keys edit the selected node through the editing session, which the
app listens to. Command keys are priority bindings, so that each acts, in the order typed, on the
node the cursor is on when it is pressed; while a text field has the focus they are letters.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, TextArea

from ascend_tui.model import library
from ascend_tui.model.catalog import Catalog
from ascend_tui.model.design import (
    ALLOWED_BLOCKS,
    BLOCK_KINDS,
    HOLDS_PARTS,
    Block,
    CustomPart,
    Design,
    FloorLayout,
    NodePath,
    PartCount,
    block_at,
    node_at,
    walk,
)
from ascend_tui.model.facility import Facility
from ascend_tui.model.metrics import BY_KEY
from ascend_tui.model.problems import DesignError, Problem
from ascend_tui.model.session import Change, Clip, Session
from ascend_tui.model.text import counted, quoted
from ascend_tui.model.validate import resolve_parts
from ascend_tui.ui.dialogs import Confirm, CustomPartDialog, NotesDialog, PartPicker
from ascend_tui.ui.entry import parse_count, parse_number
from ascend_tui.ui.messages import FieldLeft, NodeSelected
from ascend_tui.ui.network import NetworkScreen
from ascend_tui.ui.state import Figures
from ascend_tui.ui.views import (
    CompareScreen,
    FacilityDialog,
    FloorScreen,
    ScaleDialog,
    TargetsDialog,
    chart_for,
)
from ascend_tui.ui.widgets import CostPanel, DesignTree, MetricsPanel, NodeEditor


def _command(key: str, action: str, description: str, tooltip: str, show: bool = True, **kw: str) -> Binding:
    """A command of the main screen: a priority binding (see the module's docstring)."""
    return Binding(key, action, description, show=show, tooltip=tooltip, priority=True, **kw)  # type: ignore[arg-type]


# How a field's text becomes the value an edit sets: a parser (text -> value or why not) for the
# fields that are numbers; a blank optional field means "take the default".
NUMBER_FIELDS: dict[str, tuple[str, float, float]] = {  # field: (what, minimum, maximum)
    "pue": (BY_KEY["pue"].label, 0.0, float("inf")),
    "footprint_m2": ("footprint_m2", 0.0, float("inf")),
    "power_overhead": ("power_overhead", 0.0, float("inf")),
    "price_usd": ("price_usd", 0.0, float("inf")),
    "weight_kg": ("weight_kg", 0.0, float("inf")),
}
OPTIONAL_FIELDS = ("pue", "price_usd", "weight_kg")


class MainScreen(Screen[None]):
    """Tree, editor and figures side by side; its keys act on the selected node."""

    BINDINGS: ClassVar[list[BindingType]] = [
        _command("a", "add", "Add", "Add a block or a part under the selection", id="node.add"),
        _command(
            "d", "duplicate", "Duplicate", "Duplicate the selected block", show=False, id="node.duplicate"
        ),
        _command(
            "x,delete", "remove", "Remove", "Remove the selected node", id="node.remove", key_display="x"
        ),
        _command(
            "r",
            "rename",
            "Rename",
            "Rename the selected block (the top one names the design)",
            show=False,
            id="node.rename",
        ),
        _command(
            "plus,equals_sign", "count(1)", "+1", "Count +1", show=False, key_display="+", id="node.increment"
        ),
        _command("minus", "count(-1)", "−1", "Count −1", show=False, key_display="-", id="node.decrement"),
        _command(
            "asterisk",
            "scale_count(2)",
            "×2",
            "Double the count",
            show=False,
            key_display="*",
            id="node.double",
        ),
        _command(
            "slash", "scale_count(0.5)", "÷2", "Halve the count", show=False, key_display="/", id="node.halve"
        ),
        _command("c", "type_count", "Count", "Type a count (2,048, 1k and 1e3 are read)", id="node.count"),
        _command(
            "p",
            "pick_part",
            "Part",
            "Pick a part from the catalog: replace a part, or add one",
            id="node.part",
        ),
        _command(
            "w",
            "swap_part",
            "Swap part",
            "Swap one part for another across the whole design",
            show=False,
            id="design.swap",
        ),
        _command(
            "n",
            "new_part",
            "New part",
            "Define a part of the design's own from another part",
            show=False,
            id="design.new_part",
        ),
        _command(
            "k",
            "keep_part",
            "Keep part",
            "Keep the selected part of the design's own in your library",
            show=False,
            id="design.keep_part",
        ),
        _command(
            "ctrl+x",
            "cut",
            "Cut",
            "Cut the selected node (with the design's parts it uses)",
            show=False,
            id="node.cut",
        ),
        _command(
            "ctrl+c",
            "copy",
            "Copy",
            "Copy the selected node (with the design's parts it uses)",
            show=False,
            id="node.copy",
        ),
        _command(
            "ctrl+v",
            "paste",
            "Paste",
            "Paste into the selected block, or after the selected node",
            show=False,
            id="node.paste",
        ),
        _command("e", "notes", "Notes", "Edit the design's notes", show=False, id="design.notes"),
        _command("m", "compare", "Compare", "Compare the design with presets or files", id="view.compare"),
        _command(
            "t",
            "targets",
            "Targets",
            "Set targets and limits (FP8, power, area, money…)",
            show=False,
            id="design.targets",
        ),
        _command(
            "s",
            "scale",
            "Scale",
            "How many of the selected block reach a target or fit a budget",
            show=False,
            id="node.scale",
        ),
        _command(
            "g",
            "chart",
            "Chart",
            "Chart FP8, power and area against the selected count",
            show=False,
            id="view.chart",
        ),
        _command(
            "v",
            "sweep",
            "Sweep",
            "Sweep the selected block's count and parts: the Pareto front of two figures",
            show=False,
            id="view.sweep",
        ),
        _command(
            "f",
            "floor",
            "Floor",
            "Floor plan: cabinets by pod, coloured by power",
            show=False,
            id="view.floor",
        ),
        _command(
            "b",
            "network",
            "Network",
            "The fabrics drawn as their tiers, and the bill of materials with its export",
            show=False,
            id="view.network",
        ),
        _command(
            "F",
            "facility",
            "Site",
            "The site: electricity, redundancy, losses, cooling, lives…",
            show=False,
            id="design.facility",
        ),
        _command(
            "dollar_sign",
            "toggle_costs",
            "Costs",
            "Costs in place of the figures, or the figures again",
            key_display="$",
            id="view.costs",
        ),
        _command("u,ctrl+z", "undo", "Undo", "Undo the last edit", key_display="u", id="design.undo"),
        _command(
            "U,ctrl+y",
            "redo",
            "Redo",
            "Redo the last undone edit",
            show=False,
            key_display="U",
            id="design.redo",
        ),
    ]

    design: var[Design | None] = var(None, always_update=True, init=False)
    selected: var[NodePath] = var((), init=False)
    figures: var[Figures | None] = var(None, always_update=True, init=False)
    version: var[int] = var(0, init=False)

    def __init__(self, session: Session, catalog: Catalog, data: Path | None = None) -> None:
        super().__init__()
        self.session, self.catalog, self.data = session, catalog, data
        self.last_error = ""
        self.clip: Clip | None = None
        self.compared: list[tuple[str, Path]] = []  # the designs compared with last time

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield DesignTree(self.catalog, id="tree").data_bind(
                MainScreen.design, MainScreen.selected, MainScreen.figures, MainScreen.version
            )
            yield NodeEditor(self.catalog, self.apply_field, id="editor").data_bind(
                MainScreen.design, MainScreen.selected
            )
            yield MetricsPanel(self.catalog, id="metrics").data_bind(
                MainScreen.figures, MainScreen.version, MainScreen.selected
            )
            yield CostPanel(id="costs").data_bind(MainScreen.figures, MainScreen.version)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.design_tree.border_title = "Design"
        self.editor.border_title = "Selected"
        self.query_one(MetricsPanel).border_title = "Figures"
        self.query_one(CostPanel).border_title = "Costs"
        self.design_tree.focus()

    @property
    def design_tree(self) -> DesignTree:
        return self.query_one(DesignTree)

    @property
    def editor(self) -> NodeEditor:
        return self.query_one(NodeEditor)

    # --- keys ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Commands are letters while a text field has the focus, and ctrl+c copies text that the
        mouse selected."""
        if any(action == b.action for b in self._commands()):
            if isinstance(self.focused, (Input, TextArea)):
                return False
            if action == "copy" and self.selections:
                return False
        return True

    @classmethod
    def _commands(cls) -> list[Binding]:
        return [b for b in cls.BINDINGS if isinstance(b, Binding)]

    def on_field_left(self, message: FieldLeft) -> None:
        self.set_focus(self.design_tree)

    def on_node_selected(self, message: NodeSelected) -> None:
        self.session.select(message.path)

    def here(self) -> NodePath:
        """The node the cursor is on, which the session follows (the tree's message saying so may
        still be on its way)."""
        path = self.design_tree.selected_path
        self.session.select(path)
        return self.session.selected

    # --- edits ---------------------------------------------------------------------------------

    def apply(self, edit: Callable[[], object]) -> bool:
        """Run a session edit; on refusal say why in place and change nothing."""
        try:
            edit()
        except DesignError as error:
            message = "; ".join(p.message for p in error.problems[:3])
            if len(error.problems) > 3:
                message += f"; and {len(error.problems) - 3:,} more"
            self.last_error = message
            if self.app.screen is self:  # said once: under the form, or over a view that hides it
                self.editor.refused(message)
            else:
                self.notify(message, title="Edit refused", severity="error")
            return False
        self.last_error = ""
        return True

    def refuse(self, message: str) -> bool:
        return self.apply(lambda: _raise(message))

    def apply_field(self, path: NodePath, field: str, text: str) -> bool:
        """Apply what was typed in one of the editor's fields; the value it has already is no
        edit. Whether it was taken."""
        session = self.session
        try:
            node = node_at(session.design, path)
        except IndexError:
            return False  # the node went away (undo, load) before the field reported
        text = text.strip()
        value: object
        if field == "count":
            count = parse_count(text)
            if isinstance(count, str):
                return self.refuse(count)
            return count == node.count or self.apply(lambda: session.set_count(path, count))
        if field == "name":
            return text == getattr(node, "name", text) or self.apply(lambda: session.rename(path, text))
        if field in NUMBER_FIELDS:
            what, low, high = NUMBER_FIELDS[field]
            if not text and field in OPTIONAL_FIELDS:
                value = None
            else:
                parsed = parse_number(text, what, low, high)
                if isinstance(parsed, str):
                    return self.refuse(parsed)
                value = parsed
            if field == "pue":
                return value == session.design.pue or self.apply(lambda: session.set_pue(value))  # type: ignore[arg-type]
        elif field == "scaleup":
            value = text == "yes"
        else:
            value = text
        if getattr(node, field) == value:
            return True
        return self.apply(lambda: session.set_field(path, field, value))

    def action_rename(self) -> None:
        if isinstance(node_at(self.session.design, self.here()), PartCount):
            self.refuse("a part entry has no name of its own: pick another part with p")
            return
        self.set_focus(self.query_one("#field-name", Input))  # now: the keys typed next go to it

    def action_type_count(self) -> None:
        self.here()
        self.set_focus(self.query_one("#field-count", Input))  # now: the keys typed next go to it

    def action_count(self, step: int) -> None:
        path = self.here()
        count = node_at(self.session.design, path).count + step
        self.apply(lambda: self.session.set_count(path, count))

    def action_scale_count(self, factor: float) -> None:
        path = self.here()
        count = max(1, round(node_at(self.session.design, path).count * factor))
        self.apply(lambda: self.session.set_count(path, count))

    def action_add(self) -> None:
        """Ask what to add under the selected block (a part entry's block): a block of a kind it
        may hold, or a part from the catalog."""
        path = self.here()
        design = self.session.design
        block = block_at(design, path)
        path = path if isinstance(node_at(design, path), Block) else path[:-1]
        choices = [(kind, kind) for kind in ALLOWED_BLOCKS[block.kind]]
        if block.kind in HOLDS_PARTS:
            choices.append(("part", "part from the catalog"))

        def chosen(what: str | None) -> None:
            if what == "part":
                self.pick_part(
                    f"Add a part to {block.label}", lambda pid, bring: self.session.add_part(path, pid, bring)
                )
            elif what in ALLOWED_BLOCKS[block.kind]:
                self.apply(lambda: self.session.add_block(path, what))

        if len(choices) == 1:
            chosen(choices[0][0])
            return
        below = BLOCK_KINDS[BLOCK_KINDS.index(block.kind) + 1]  # what a block most often holds
        default = below if below in ALLOWED_BLOCKS[block.kind] else None
        self.app.push_screen(Confirm(f"Add to {block.label}", "What to add?", choices, default), chosen)

    def action_duplicate(self) -> None:
        path = self.here()
        self.apply(lambda: self.session.duplicate(path))

    def action_remove(self) -> None:
        path = self.here()
        self.apply(lambda: self.session.remove(path))

    def action_cut(self) -> None:
        path = self.here()
        clip = self.session.copy(path)
        if self.apply(lambda: self.session.remove(path)):
            self.clip = clip
            self.notify(f"Cut {clip.node.label}; paste it with ctrl+v.")

    def action_copy(self) -> None:
        self.clip = self.session.copy(self.here())
        self.notify(f"Copied {self.clip.node.label}; paste it with ctrl+v, in this design or another.")

    def action_paste(self) -> None:
        clip = self.clip
        if clip is None:
            self.refuse("nothing to paste: copy a node with ctrl+c or cut one with ctrl+x first")
            return
        path = self.here()
        self.apply(lambda: self.session.paste(path, clip))

    def action_undo(self) -> None:
        if self.session.undo() is None:
            self.notify("Nothing to undo.")

    def action_redo(self) -> None:
        if self.session.redo() is None:
            self.notify("Nothing to redo.")

    # --- parts ---------------------------------------------------------------------------------

    def library(self) -> dict[str, CustomPart]:
        """The user's own parts (none, with a note, if the library cannot be read)."""
        try:
            return library.load_library(self.catalog, self.data)
        except DesignError as error:
            self.notify(f"Your part library could not be read: {error}", severity="warning")
            return {}

    def pick_part(
        self,
        title: str,
        use: Callable[[str, dict[str, CustomPart]], object],
        kinds: tuple[str, ...] = (),
        only: set[str] | None = None,
        current: str | None = None,
    ) -> None:
        """Open the catalog browser (the catalog, the design's own parts and the user's library)
        and `use(part, parts to bring from the library)` with the one picked."""
        design = self.session.design
        mine = self.library()
        with_library = resolve_parts(
            Design(design.name, design.root, parts={**mine, **design.parts}), self.catalog
        )[0]
        offered = {pid: p for pid, p in with_library.items() if only is None or pid in only}
        origin = {pid: "design" for pid in design.parts} | {
            pid: "yours" for pid in mine if pid not in design.parts
        }

        def chosen(pid: str | None) -> None:
            if pid:
                self.apply(lambda: use(pid, library.bring(self.session.design, mine, pid)))

        self.app.push_screen(PartPicker(offered, title, kinds, origin, current), chosen)

    def action_pick_part(self) -> None:
        """Replace the selected part entry with another part, or add a part to the selected
        cabinet or server."""
        path = self.here()
        node = node_at(self.session.design, path)
        if isinstance(node, PartCount):
            self.pick_part(
                f"Replace {node.label}",
                lambda pid, bring: self.session.set_part(path, pid, bring),
                current=node.part,
            )
        elif node.kind in HOLDS_PARTS:
            self.pick_part(
                f"Add a part to {node.label}", lambda pid, bring: self.session.add_part(path, pid, bring)
            )
        else:
            self.refuse(f"a {node.kind} holds blocks, not parts: select a cabinet or server")

    def action_swap_part(self) -> None:
        used = {n.part for _, n in walk(self.session.design) if isinstance(n, PartCount)}
        if not used:
            self.refuse("no block holds a part yet")
            return
        parts = self.session.parts()

        def swap_for(old: str, new: str, bring: dict[str, CustomPart]) -> Change:
            change, places = self.session.swap_part(old, new, bring)
            self.notify(f"Swapped {old} for {new} in {counted(places, 'block')}.")
            return change

        def chosen_old(old: str, bring: dict[str, CustomPart]) -> None:
            self.pick_part(f"Swap {old} for…", lambda new, more: swap_for(old, new, more), (parts[old].kind,))

        self.pick_part("Swap which part, across the whole design?", chosen_old, only=used)

    def action_new_part(self) -> None:
        path = self.here()
        node = node_at(self.session.design, path)
        parts = self.session.parts()
        base_id = node.part if isinstance(node, PartCount) else "ascend-950dt"

        def define(custom: CustomPart | None) -> None:
            if custom is not None and self.apply(lambda: self.session.define_part(custom)):
                self.notify(f"Defined part {custom.id!r}: pick it with p, keep it in your library with k.")

        self.app.push_screen(CustomPartDialog(parts[base_id], set(parts)), define)

    def action_keep_part(self) -> None:
        node = node_at(self.session.design, self.here())
        if not isinstance(node, PartCount) or node.part not in self.session.design.parts:
            self.refuse("select a part entry of the design's own (defined with n) to keep it in your library")
            return
        self.keep_in_library(node.part, self.session.design)

    @work(thread=True, group="library", description="keep a part in the library")
    def keep_in_library(self, part_id: str, design: Design) -> None:
        try:
            file = library.keep(part_id, design, self.catalog, self.data)
        except (DesignError, OSError) as error:
            self.app.call_from_thread(self.notify, f"Could not keep {part_id}: {error}", severity="error")
            return
        message = f"Kept {quoted(part_id)} in your part library ({file}); p offers it in every design."
        self.app.call_from_thread(self.notify, message, title="Kept")

    # --- the design as a whole -----------------------------------------------------------------

    def action_notes(self) -> None:
        def chosen(notes: str | None) -> None:
            if notes is not None and notes != self.session.design.notes:
                self.apply(lambda: self.session.set_notes(notes))

        self.app.push_screen(NotesDialog(self.session.design.notes), chosen)

    def action_targets(self) -> None:
        def chosen(targets: dict[str, float] | None) -> None:
            if targets is not None:
                self.apply(lambda: self.session.set_targets(targets))

        self.app.push_screen(TargetsDialog(dict(self.session.design.targets)), chosen)

    def action_facility(self) -> None:
        def chosen(facility: Facility | None) -> None:
            if facility is not None and facility != self.session.design.facility:
                self.apply(lambda: self.session.set_facility(facility))

        self.app.push_screen(FacilityDialog(self.session.design.facility, self.catalog.site), chosen)

    def action_toggle_costs(self) -> None:
        """Show the costs in place of the figures, or the figures again."""
        costs, metrics = self.query_one(CostPanel), self.query_one(MetricsPanel)
        costs.display = not costs.display
        metrics.display = not costs.display
        (costs if costs.display else metrics).redraw()  # a hidden panel skips the edits' redraws

    # --- planning views ------------------------------------------------------------------------

    def current(self) -> Figures | None:
        """The figures of the design as it now is, or None (with a note) while they are worked out."""
        figures = self.figures
        if figures is None or not figures.current(self.session.version):
            self.notify("The figures are being worked out; try again in a moment.")
            return None
        return figures

    def action_compare(self) -> None:
        if self.current() is None:
            return

        def closed(kept: list[tuple[str, Path]] | None) -> None:
            self.compared = kept or []

        screen = CompareScreen(self.session.design, self.session.file, self.compared, self.catalog)
        self.app.push_screen(screen, closed)

    def action_scale(self) -> None:
        path = self.here()
        if isinstance(node_at(self.session.design, path), PartCount):
            self.refuse("select a block to scale (a supernode, a cabinet…), not a part entry")
            return

        def chosen(count: int | None) -> None:
            if count is not None:
                self.apply(lambda: self.session.set_count(path, count))

        self.app.push_screen(ScaleDialog(self.session.design, path, self.catalog), chosen)

    def action_chart(self) -> None:
        path = self.here()
        node = node_at(self.session.design, path)
        figures = self.current()
        if figures is None:
            return
        if isinstance(node, PartCount) or path == ():
            self.refuse("select a block below the top (a supernode, a cabinet…) to chart against its count")
            return
        try:
            chart = chart_for(figures.evaluation, path, node.label, node.count, self.session.design.targets)
        except DesignError as error:  # twice the count is more than the evaluator can count
            self.notify(str(error), title="Cannot chart", severity="error")
            return
        self.app.push_screen(chart)

    def action_sweep(self) -> None:
        """The Pareto front of the selected block's count and its parts' counts."""
        from ascend_tui.ui.sweep_view import SweepScreen  # plotting and the sweep engine load on first use

        path = self.here()
        if not isinstance(node_at(self.session.design, path), Block):
            self.refuse("select a block (not a part entry) to sweep its counts")
            return
        self.app.push_screen(SweepScreen(self.session, self.catalog, path, self.apply))

    def action_network(self) -> None:
        """The fabrics drawn and the bill of materials; e and o edit the selected block's fabrics."""
        path = self.here()
        if isinstance(node_at(self.session.design, path), PartCount):
            path = path[:-1]  # a part entry: its cabinet or server
        self.app.push_screen(NetworkScreen(self.session, self.catalog, path, self.apply))

    def action_floor(self) -> None:
        if self.current() is None:
            return

        def set_layout(layout: FloorLayout) -> bool:
            return self.apply(lambda: self.session.set_floor(layout))

        self.app.push_screen(FloorScreen(self.catalog, set_layout))


def _raise(message: str) -> Change:
    raise DesignError([Problem("", message)])
