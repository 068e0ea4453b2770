"""The main screen's widgets: the design tree, the node editor and the metrics panel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Select, Static, Tree
from textual.widgets.tree import TreeNode

from ascend_tui.engine.results import Results
from ascend_tui.model.catalog import Catalog, Part
from ascend_tui.model.design import (
    CABINET_ROLES,
    HOLDS_PARTS,
    Block,
    Design,
    Node,
    NodePath,
    PartCount,
    children,
    node_at,
)
from ascend_tui.model.metrics import BY_KEY, HEADLINE
from ascend_tui.model.text import visible
from ascend_tui.report import change, format_range, part_specs, show
from ascend_tui.ui.messages import EditRequested, NodeSelected

ICONS = {"cluster": "◆", "pod": "◈", "supernode": "◇", "cabinet": "▤", "server": "▭", "part": "·"}
# How many lines the tree fills in before it leaves branches collapsed (filled in on expanding),
# so that huge explicit layouts stay quick to draw.
EXPAND_LIMIT = 400


def node_label(node: Node, parts: dict[str, Part]) -> Text:
    """A tree line: icon, name and count (names as text with control characters shown); a
    scale-up domain is marked ⇄."""
    if isinstance(node, PartCount):
        part = parts.get(node.part)
        name = part.name if part else node.part
        return Text.assemble(f"{ICONS['part']} ", (f"{node.count:,}", "bold"), " × ", visible(name))
    domain = " ⇄" if node.scaleup else ""
    name = visible(node.name)
    return Text.assemble(f"{ICONS[node.kind]} ", name, (domain, "cyan"), (f"  ×{node.count:,}", "bold"))


class DesignTree(Tree[NodePath]):
    """The design's blocks and parts, each line with its count.

    Branches are filled in when first expanded, and only small ones start expanded, so that a
    design laid out cabinet by cabinet opens as quickly as a compressed one.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__("design", data=(), **kwargs)  # type: ignore[arg-type]
        self.show_root = True
        self.guide_depth = 2
        self._by_path: dict[NodePath, TreeNode[NodePath]] = {}
        self._unfilled: set[NodePath] = set()
        self.flagged: set[NodePath] = set()
        self.design: Design | None = None
        self.parts: dict[str, Part] = {}
        self._budget = EXPAND_LIMIT

    def rebuild(self, design: Design, parts: dict[str, Part], select: NodePath) -> NodePath:
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

    def _fill(self, path: NodePath) -> None:
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

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodePath]) -> None:
        event.stop()
        if event.node.data in self._unfilled:
            self._budget = EXPAND_LIMIT
            self._fill(event.node.data)

    def relabel(self, design: Design, parts: dict[str, Part], path: NodePath) -> None:
        """Redraw one line (after a count change)."""
        if path in self._by_path:
            label = node_label(node_at(design, path), parts)
            if path in self.flagged:
                label = Text.assemble(("⚠ ", "bold red"), label)
            self._by_path[path].set_label(label)

    def flag(self, design: Design, parts: dict[str, Part], paths: set[NodePath]) -> None:
        """Mark the nodes responsible for unmet targets (and unmark the others)."""
        before, self.flagged = self.flagged, set(paths)
        for path in before ^ self.flagged:
            self.relabel(design, parts, path)

    def select_path(self, path: NodePath) -> NodePath:
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
    def selected_path(self) -> NodePath:
        node = self.cursor_node
        return node.data if node is not None and node.data is not None else ()

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[NodePath]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(NodeSelected(event.node.data))


class NodeEditor(VerticalScroll):
    """The selected node's fields (Enter applies a field) and, for parts, their specs and sources."""

    def show_node(self, design: Design, path: NodePath, parts: dict[str, Part], catalog: Catalog) -> None:
        """Show the form for the node at `path` (recomposed on the next refresh)."""
        self.path = path
        self._form = list(self._widgets(design, path, parts, catalog))
        self.refresh(recompose=True)

    def compose(self) -> ComposeResult:
        yield from getattr(self, "_form", [])

    def _widgets(
        self, design: Design, path: NodePath, parts: dict[str, Part], catalog: Catalog
    ) -> list[Static | Horizontal | Label]:
        node = node_at(design, path)
        widgets: list[Static | Horizontal | Label] = [
            Static(Text(visible(node.label[:1].upper() + node.label[1:]), "bold"), id="node-title")
        ]
        if isinstance(node, Block):
            widgets.append(self._field("Name", "name", visible(node.name)))
        widgets.append(self._field("Count", "count", str(node.count), integer=True))
        if not path:
            stated = "" if design.pue is None else f"{design.pue:g}"
            widgets.append(
                self._field(BY_KEY["pue"].label, "pue", stated, number=True, placeholder="the plant's")
            )
        if isinstance(node, Block):
            choices = [("yes: a scale-up domain", "yes"), ("no", "no")]
            widgets.append(
                Horizontal(
                    Label("Scale-up", classes="field-label"),
                    Select(
                        choices,
                        value="yes" if node.scaleup else "no",
                        allow_blank=False,
                        id="field-scaleup",
                        compact=True,
                    ),
                    classes="field",
                )
            )
        if isinstance(node, Block) and node.kind == "server":
            widgets.append(self._field("Overhead", "power_overhead", f"{node.power_overhead:g}", number=True))
        if isinstance(node, Block) and node.is_cabinet:
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
        if isinstance(node, Block) and node.kind in HOLDS_PARTS:
            for name, label, unit in (("price_usd", "Price", "US$"), ("weight_kg", "Weight", "kg")):
                value = getattr(node, name)
                widgets.append(
                    self._field(
                        label,
                        name,
                        "" if value is None else f"{value:g}",
                        number=True,
                        placeholder=f"{unit}; blank: the catalog's",
                    )
                )
        if isinstance(node, Block) and node.source:
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
        self,
        label: str,
        name: str,
        value: str,
        integer: bool = False,
        number: bool = False,
        placeholder: str = "",
    ) -> Horizontal:
        kind: Literal["integer", "number", "text"] = "integer" if integer else "number" if number else "text"
        return Horizontal(
            Label(label, classes="field-label"),
            Input(value, placeholder, id=f"field-{name}", type=kind, compact=True, select_on_focus=True),
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


# Figures the panel shows under the headline ones, and those it shows for the selected node.
PANEL_MORE = ("cabinet_power_max_kw", "fp8_pflops_per_kw", "hbm_capacity_tb_binary")
# The cost panel's figures whose range it shows (on a line of their own).
RANGED = ("capex_usd", "system_capex_usd", "tco_usd", "cost_per_accelerator_hour_usd")
# The cost panel's figures, in groups: what it costs to build, to run, per unit of work, and the
# site behind it. Indented keys are a breakdown of the one above them.
COST_FIGURES: tuple[tuple[str, ...], ...] = (
    (
        "capex_usd",
        "  capex_accelerators_usd",
        "  capex_cpus_servers_usd",
        "  capex_network_usd",
        "  capex_cooling_usd",
        "  capex_cabinets_usd",
        "  capex_facility_usd",
        "system_capex_usd",
    ),
    ("opex_usd_per_year", "  energy_cost_usd_per_year", "cost_usd_per_year", "tco_usd"),
    ("cost_per_accelerator_hour_usd", "cost_per_fp8_pflop_year_usd", "fp8_pflops_per_musd_tco"),
    (
        "facility_power_kw",
        "pue",
        "installed_power_kw",
        "cooling_power_kw",
        "heat_rejected_tons",
        "plant_cdus",
        "energy_mwh_per_year",
        "co2_t_per_year",
        "water_m3_per_year",
        "weight_kg",
        "floor_load_max_kg_per_m2",
    ),
)
NODE_FIGURES = ("chips", "fp8_pflops", "hbm_capacity_tb", "it_power_kw", "floor_area_m2")


@dataclass(frozen=True)
class TargetRow:
    """One target as the panel shows it: the goal, met or not, the margin, and the node to look at."""

    goal: str
    met: bool
    margin: str
    responsible: str


class MetricsPanel(Static):
    """Live figures for the design, the change since the last save, and the selected node."""

    def show_metrics(
        self,
        totals: Results,
        saved: Results | None,
        targets: list[TargetRow],
        over_limit: list[str],
        node: Results | None,
        node_label: str,
        times: int,
    ) -> None:
        """Figures with their change since the last save, targets, cabinets over their cooling
        limit, and the selected node's own figures when current."""
        table = Table(box=None, expand=True, show_header=False, pad_edge=False)
        table.add_column("metric", style="bold", no_wrap=True, overflow="ellipsis", ratio=1)
        table.add_column("value", justify="right", no_wrap=True)
        table.add_column("change", justify="right", no_wrap=True)
        self.shown: dict[str, str] = {}
        self.changes: dict[str, str] = {}
        narrow = self.screen.has_class("-narrow")  # the app's width breakpoint, see app.tcss
        for metric in HEADLINE:
            value = show(totals, metric.key)
            self.shown[metric.key] = value
            delta = ""
            if saved is not None and not (metric.precision and not totals.supported(metric.precision)):
                delta = change(metric, float(totals[metric.key]), float(saved[metric.key]))
            self.changes[metric.key] = delta
            style = "green" if delta.startswith("+") else "red" if delta else ""
            table.add_row(metric.short_label if narrow else metric.label, value, Text(delta, style))
        table.add_row("", "", "")
        for key in PANEL_MORE:
            metric = BY_KEY[key]
            self.shown[key] = show(totals, key)
            table.add_row(metric.short_label if narrow else metric.label, self.shown[key], "")
        if totals["cabinets_over_cooling_limit"]:
            table.add_row(
                Text("⚠ over cooling limit", "bold yellow"),
                Text(f"{totals.count('cabinets_over_cooling_limit'):,} cabinets", "yellow"),
                "",
            )
            for label in over_limit[:3]:
                table.add_row(Text(visible(f"  look at {label}"), "dim"), "", "")
        if targets:
            table.add_row("", "", "")
        for row in targets:
            table.add_row(
                Text(("✔ " if row.met else "✘ ") + row.goal, "green" if row.met else "bold red"), "", ""
            )
            table.add_row(Text(f"  {row.margin}", "green" if row.met else "red"), "", "")
            if not row.met:
                table.add_row(Text(visible(f"  look at {row.responsible}"), "dim"), "", "")
        if node is not None:
            table.add_row("", "", "")
            table.add_row(
                Text(visible(node_label) + (f" ×{times:,}" if times > 1 else ""), "bold underline"), "", ""
            )
            for key in NODE_FIGURES:
                table.add_row(f"  {BY_KEY[key].short_label} each", show(node, key), "")
        legend = Text("\n~ rests on an estimate · changes since the last save", "dim")
        self.update(Group(table, legend))


class CostPanel(VerticalScroll):
    """What the design costs to build and run, the site behind it, and the change since the last
    save; shown in place of the figures with `$`."""

    def compose(self) -> ComposeResult:
        yield Static(id="cost-table")

    def show_costs(self, totals: Results, saved: Results | None, pue_stated: bool) -> None:
        table = Table(box=None, expand=True, show_header=False, pad_edge=False)
        table.add_column("metric", no_wrap=True, overflow="ellipsis", ratio=1)
        table.add_column("value", justify="right", no_wrap=True)
        table.add_column("change", justify="right", no_wrap=True)
        self.shown: dict[str, str] = {}
        self.changes: dict[str, str] = {}
        narrow = self.screen.has_class("-narrow")
        for group in COST_FIGURES:
            if self.shown:
                table.add_row("", "", "")
            for entry in group:
                key = entry.strip()
                metric = BY_KEY[key]
                value = show(totals, key, ranges=False)
                if key == "pue":
                    value += " stated" if pue_stated else " plant"
                self.shown[key] = value
                delta = ""
                if saved is not None and not (metric.precision and not totals.supported(metric.precision)):
                    delta = change(metric, float(totals[key]), float(saved[key]))
                self.changes[key] = delta
                label = metric.short_label if narrow else metric.label
                if entry != key:  # a share of the row above, named by its category alone
                    label = "  " + label.removeprefix("Capex: ").removeprefix("Capex ")
                table.add_row(Text(label, "" if entry != key else "bold"), value, Text(delta, "dim"))
                span = totals.range(key)
                if key in RANGED and span is not None and key in totals.estimated:  # on a line of its own
                    table.add_row("", Text(format_range(metric, *span), "dim"), "")
        notes = []
        if pue_stated:
            notes.append(f"PUE is the design's own; the plant's is {show(totals, 'pue_plant', ranges=False)}")
        if totals["unpriced_parts"]:
            notes.append(f"{totals.count('unpriced_parts'):,} parts have no price and are left out")
        if totals["cabinets_over_floor_rating"]:
            notes.append(f"⚠ {totals.count('cabinets_over_floor_rating'):,} cabinets over the floor rating")
        notes.append("~ rests on an estimate · $ back to the figures")
        self.query_one("#cost-table", Static).update(Group(table, Text("\n" + "\n".join(notes), "dim")))
