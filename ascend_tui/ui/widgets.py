"""The main screen's widgets: the design tree, the node editor and the metrics panel."""

from __future__ import annotations

from typing import Literal

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Select, Static, Tree
from textual.widgets.tree import TreeNode

from ascend_tui.engine.metrics import Metrics
from ascend_tui.model.catalog import Catalog, Part
from ascend_tui.model.design import (
    CABINET_ROLES,
    Cabinet,
    Cluster,
    Design,
    Node,
    PartCount,
    Path,
    Supernode,
    children,
    node_at,
)
from ascend_tui.model.text import visible
from ascend_tui.report import BY_KEY, HEADLINE, change, part_specs, show
from ascend_tui.ui.messages import EditRequested, NodeSelected

ICONS = {Cluster: "◆", Supernode: "◇", Cabinet: "▤", PartCount: "·"}
# How many lines the tree fills in before it leaves branches collapsed (filled in on expanding),
# so that huge explicit layouts stay quick to draw.
EXPAND_LIMIT = 400


def node_label(node: Node, parts: dict[str, Part]) -> Text:
    """A tree line: icon, name and count (names as text with control characters shown)."""
    icon = ICONS[type(node)]
    if isinstance(node, PartCount):
        part = parts.get(node.part)
        name = part.name if part else node.part
        return Text.assemble(f"{icon} ", (f"{node.count:,}", "bold"), " × ", visible(name))
    return Text.assemble(f"{icon} ", visible(node.name), (f"  ×{node.count:,}", "bold"))


class DesignTree(Tree[Path]):
    """cluster > supernodes > cabinets > parts, each line with its count.

    Branches are filled in when first expanded, and only small ones start expanded, so that a
    design laid out cabinet by cabinet opens as quickly as a compressed one.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__("design", data=(), **kwargs)  # type: ignore[arg-type]
        self.show_root = True
        self.guide_depth = 2
        self._by_path: dict[Path, TreeNode[Path]] = {}
        self._unfilled: set[Path] = set()
        self.flagged: set[Path] = set()
        self.design: Design | None = None
        self.parts: dict[str, Part] = {}
        self._budget = EXPAND_LIMIT

    def rebuild(self, design: Design, parts: dict[str, Part], select: Path) -> Path:
        """Redraw the whole tree and put the cursor on `select` (or its nearest ancestor, returned)."""
        self.design, self.parts = design, parts
        self.clear()
        self.flagged = set()
        self._unfilled = set()
        self._by_path = {(): self.root}
        self.root.set_label(node_label(design.root, parts))
        self.root.data = ()
        self._budget = EXPAND_LIMIT
        self._fill(())
        self.root.expand()
        return self.select_path(select)

    def _fill(self, path: Path) -> None:
        """Add the children of the node at `path`; expand the small ones while the budget lasts."""
        assert self.design is not None
        self._unfilled.discard(path)
        tree_node = self._by_path[path]
        for i, kid in enumerate(children(node_at(self.design, path))):
            kid_path = (*path, i)
            label = node_label(kid, self.parts)
            if kid_path in self.flagged:
                label = Text.assemble(("⚠ ", "bold red"), label)
            if isinstance(kid, PartCount):
                self._by_path[kid_path] = tree_node.add_leaf(label, data=kid_path)
                continue
            size = len(children(kid))
            expand = size <= self._budget
            self._by_path[kid_path] = tree_node.add(
                label, data=kid_path, expand=expand, allow_expand=size > 0
            )
            self._unfilled.add(kid_path)
            if expand:
                self._budget -= size
                self._fill(kid_path)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Path]) -> None:
        event.stop()
        if event.node.data in self._unfilled:
            self._budget = EXPAND_LIMIT
            self._fill(event.node.data)

    def relabel(self, design: Design, parts: dict[str, Part], path: Path) -> None:
        """Redraw one line (after a count change)."""
        if path in self._by_path:
            label = node_label(node_at(design, path), parts)
            if path in self.flagged:
                label = Text.assemble(("⚠ ", "bold red"), label)
            self._by_path[path].set_label(label)

    def flag(self, design: Design, parts: dict[str, Part], paths: set[Path]) -> None:
        """Mark the nodes responsible for unmet targets (and unmark the others)."""
        before, self.flagged = self.flagged, set(paths)
        for path in before ^ self.flagged:
            self.relabel(design, parts, path)

    def select_path(self, path: Path) -> Path:
        """Move the cursor to `path` (filling in and expanding its ancestors) once the lines are
        laid out; a path that no longer exists falls back to its nearest ancestor, returned."""
        assert self.design is not None
        try:
            node_at(self.design, path)
        except IndexError:
            path = path[:-1]
            return self.select_path(path)
        for end in range(len(path)):
            if path[:end] in self._unfilled:
                self._budget = 0
                self._fill(path[:end])
            self._by_path[path[:end]].expand()
        node = self._by_path[path]
        self.call_after_refresh(self.move_cursor, node)
        return path

    @property
    def selected_path(self) -> Path:
        node = self.cursor_node
        return node.data if node is not None and node.data is not None else ()

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Path]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(NodeSelected(event.node.data))


class NodeEditor(VerticalScroll):
    """The selected node's fields (Enter applies a field) and, for parts, their specs and sources."""

    def show_node(self, design: Design, path: Path, parts: dict[str, Part], catalog: Catalog) -> None:
        """Show the form for the node at `path` (recomposed on the next refresh)."""
        self.path = path
        self._form = list(self._widgets(design, path, parts, catalog))
        self.refresh(recompose=True)

    def compose(self) -> ComposeResult:
        yield from getattr(self, "_form", [])

    def _widgets(
        self, design: Design, path: Path, parts: dict[str, Part], catalog: Catalog
    ) -> list[Static | Horizontal | Label]:
        node = node_at(design, path)
        widgets: list[Static | Horizontal | Label] = [
            Static(Text(visible(node.label[:1].upper() + node.label[1:]), "bold"), id="node-title")
        ]
        if not isinstance(node, PartCount):
            widgets.append(self._field("Name", "name", visible(node.name)))
        widgets.append(self._field("Count", "count", str(node.count), integer=True))
        if not path:
            widgets.append(self._field("PUE", "pue", f"{design.pue:g}", number=True))
        if isinstance(node, Cabinet):
            roles = [(r, r) for r in CABINET_ROLES]
            kinds = [(k.name, cid) for cid, k in catalog.cooling.items()]
            widgets += [
                Horizontal(
                    Label("Role", classes="field-label"),
                    Select(roles, value=node.role, allow_blank=False, id="field-role", compact=True),
                    classes="field",
                ),
                Horizontal(
                    Label("Cooling", classes="field-label"),
                    Select(kinds, value=node.cooling, allow_blank=False, id="field-cooling", compact=True),
                    classes="field",
                ),
                self._field("Footprint m²", "footprint_m2", f"{node.footprint_m2:g}", number=True),
                self._field("Overhead", "power_overhead", f"{node.power_overhead:g}", number=True),
            ]
            if node.source:
                widgets.append(Static(Text(visible(node.source), "dim"), classes="source"))
        if isinstance(node, PartCount) and node.part in parts:
            widgets.append(Static(part_specs(parts[node.part]), id="part-specs"))
        if not path and design.notes.strip():
            # Notes are wrapped by hand in the file; let paragraphs flow to the editor's width.
            paragraphs = [" ".join(p.split()) for p in design.notes.strip().split("\n\n")]
            notes = visible("\n\n".join(paragraphs), multiline=True)
            widgets.append(Static(Text(notes, "dim"), id="design-notes", classes="source"))
        widgets.append(Label("", id="editor-error"))
        return widgets

    def _field(
        self, label: str, name: str, value: str, integer: bool = False, number: bool = False
    ) -> Horizontal:
        kind: Literal["integer", "number", "text"] = "integer" if integer else "number" if number else "text"
        return Horizontal(
            Label(label, classes="field-label"),
            Input(value, id=f"field-{name}", type=kind, compact=True, select_on_focus=True),
            classes="field",
        )

    def refused(self, message: str) -> None:
        """Show why an edit was refused, under the form."""
        self.query_one("#editor-error", Label).update(Text(visible(message), "bold red"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        assert event.input.id is not None
        self.post_message(EditRequested(self.path, event.input.id.removeprefix("field-"), event.value))

    def on_input_blurred(self, event: Input.Blurred) -> None:
        """Leaving a field applies what was typed in it, so that no edit is silently dropped."""
        event.stop()
        if event.input.id is not None and event.input.is_attached:
            self.post_message(EditRequested(self.path, event.input.id.removeprefix("field-"), event.value))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id is not None and event.value is not Select.NULL:
            self.post_message(
                EditRequested(self.path, event.select.id.removeprefix("field-"), str(event.value))
            )


class MetricsPanel(Static):
    """Live figures for the design, the change since the last save, and the selected node."""

    def show_metrics(
        self,
        totals: Metrics,
        saved: Metrics | None,
        targets: list[tuple[str, bool, str, str]],
        over_limit: list[str],
        node: Metrics | None,
        node_label: str,
        times: int,
    ) -> None:
        """Figures with their change since the last save, targets (label, met, margin, node),
        cabinets over their cooling limit, and the selected node's own figures when current."""
        table = Table(box=None, expand=True, show_header=False, pad_edge=False)
        table.add_column("metric", style="bold", no_wrap=True, overflow="ellipsis", ratio=1)
        table.add_column("value", justify="right", no_wrap=True)
        table.add_column("change", justify="right", no_wrap=True)
        self.shown: dict[str, str] = {}
        self.changes: dict[str, str] = {}
        narrow = self.screen.has_class("-narrow")  # the app's width breakpoint, see app.tcss
        for spec in HEADLINE:
            value = show(totals, spec.key)
            self.shown[spec.key] = value
            delta = ""
            if saved is not None and not (spec.precision and not totals.supported(spec.precision)):
                delta = change(spec, float(getattr(totals, spec.key)), float(getattr(saved, spec.key)))
            self.changes[spec.key] = delta
            style = "green" if delta.startswith("+") else "red" if delta else ""
            table.add_row(spec.short if narrow and spec.short else spec.label, value, Text(delta, style))
        table.add_row("", "", "")
        table.add_row("Max cabinet" if narrow else "Cabinet, max", show(totals, "cabinet_power_max_kw"), "")
        table.add_row("FP8 per kW", show(totals, "fp8_pflops_per_kw"), "")
        table.add_row(
            "HBM binary" if narrow else "HBM, binary TB", show(totals, "hbm_capacity_tb_binary"), ""
        )
        if totals.cabinets_over_cooling_limit:
            table.add_row(
                Text("⚠ over cooling limit", "bold yellow"),
                Text(f"{totals.cabinets_over_cooling_limit:,} cabinets", "yellow"),
                "",
            )
            for label in over_limit[:3]:
                table.add_row(Text(visible(f"  look at {label}"), "dim"), "", "")
        if targets:
            table.add_row("", "", "")
        for label, met, margin, responsible in targets:
            table.add_row(Text(("✔ " if met else "✘ ") + label, "green" if met else "bold red"), "", "")
            table.add_row(Text(f"  {margin}", "green" if met else "red"), "", "")
            if not met:
                table.add_row(Text(visible(f"  look at {responsible}"), "dim"), "", "")
        if node is not None:
            table.add_row("", "", "")
            table.add_row(
                Text(visible(node_label) + (f" ×{times:,}" if times > 1 else ""), "bold underline"), "", ""
            )
            for key in ("chips", "fp8_pflops", "hbm_capacity_tb", "it_power_kw", "floor_area_m2"):
                spec = BY_KEY[key]
                table.add_row(f"  {spec.label} each", show(node, key), "")
        legend = Text("\n~ rests on an estimate · changes since the last save", "dim")
        self.update(Group(table, legend))
