"""The main screen's widgets: the design tree, the node editor and the panels of figures.

Each binds to the app's state (the design, the selection, the latest figures: see ui/app.py and
ui/state.py) and redraws itself when that changes; none is told what to show by hand.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, replace

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.events import Blur, Resize
from textual.reactive import var
from textual.widgets import Input, Label, Select, Static, Tree
from textual.widgets.tree import TreeNode

from ascend_tui.model.catalog import Catalog, Part
from ascend_tui.model.design import (
    CABINET_ROLES,
    Block,
    Design,
    Node,
    NodePath,
    PartCount,
    children,
    new_block,
    node_at,
)
from ascend_tui.model.metrics import BY_KEY, HEADLINE, Metric
from ascend_tui.model.text import visible
from ascend_tui.model.validate import resolve_parts
from ascend_tui.report import (
    change,
    format_range,
    part_specs,
    published_brief,
    show,
    target_goal,
    target_margin,
)
from ascend_tui.ui.messages import FieldLeft, NodeSelected
from ascend_tui.ui.state import Figures

ICONS = {"cluster": "◆", "pod": "◈", "supernode": "◇", "cabinet": "▤", "server": "▭", "part": "·"}
# How many lines the tree fills in before it leaves branches collapsed (filled in on expanding),
# so that huge explicit layouts stay quick to draw.
EXPAND_LIMIT = 400
FLAG = ("⚠ ", "bold red")


def node_label(node: Node, parts: dict[str, Part]) -> Text:
    """A tree line: icon, count, name (as text, control characters shown) and ⇄ for a scale-up
    domain. The count comes before the name, so that a long name never hides it."""
    if isinstance(node, PartCount):
        part = parts.get(node.part)
        name = part.name if part else node.part
        return Text.assemble(f"{ICONS['part']} ", (f"{node.count:,}", "bold"), " × ", visible(name))
    count = (f"{node.count:,}", "bold") if node.count > 1 else ""
    domain = (" ⇄", "cyan") if node.scaleup else ""
    return Text.assemble(f"{ICONS[node.kind]} ", count, " × " if count else "", visible(node.name), domain)


class DesignTree(Tree[NodePath]):
    """The design's blocks and parts, each line with its count; ⚠ marks a node to look at.

    Branches are filled in when first expanded, and only small ones start expanded, so that a
    design laid out cabinet by cabinet opens as quickly as a compressed one. An edit redraws only
    the lines whose nodes it changed. Moving the cursor tells the app (NodeSelected).
    """

    # Priority, so that a move is made before the keys typed after it are looked at (the main
    # screen's commands act on the node the cursor is on).
    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False, priority=True),
        Binding("down", "cursor_down", "Down", show=False, priority=True),
        Binding("left", "collapse_or_parent", "Collapse or up", show=False, priority=True),
        Binding("right", "expand_or_child", "Expand or down", show=False, priority=True),
    ]

    design: var[Design | None] = var(None, always_update=True, init=False)
    selected: var[NodePath] = var((), init=False)
    figures: var[Figures | None] = var(None, always_update=True, init=False)
    version: var[int] = var(0, init=False)

    def __init__(self, catalog: Catalog, **kwargs: object) -> None:
        super().__init__("design", data=(), **kwargs)  # type: ignore[arg-type]
        self.catalog = catalog
        self.show_root = True
        self.guide_depth = 2
        self.parts: dict[str, Part] = dict(catalog.parts)
        self.flagged: set[NodePath] = set()
        self._by_path: dict[NodePath, TreeNode[NodePath]] = {}
        self._unfilled: set[NodePath] = set()
        self._budget = EXPAND_LIMIT
        self._shown: Design | None = None

    # --- following the app's state -------------------------------------------------------------

    def watch_design(self, design: Design | None) -> None:
        if design is None:
            return
        self.parts = resolve_parts(design, self.catalog)[0]
        before, self._shown = self._shown, design
        if before is None:
            self._rebuild()
        else:
            self._update(before.root, design.root, ())
        self.watch_selected(self.selected)

    def watch_selected(self, path: NodePath) -> None:
        if self._shown is not None and self.selected_path != path:
            self.select_path(path)

    def watch_figures(self) -> None:
        self._flag()

    def watch_version(self) -> None:
        self._flag()

    def _flag(self) -> None:
        """Mark the nodes responsible for unmet targets and the cabinets over their limit."""
        figures = self.figures
        flagged = figures.flagged() if figures is not None and figures.current(self.version) else set()
        before, self.flagged = self.flagged, flagged
        for path in before ^ flagged:
            self._relabel(path)

    # --- drawing -------------------------------------------------------------------------------

    def _label(self, path: NodePath, node: Node) -> Text:
        label = node_label(node, self.parts)
        return Text.assemble(FLAG, label) if path in self.flagged else label

    def _rebuild(self) -> None:
        assert self._shown is not None
        self.clear()
        self._unfilled = set()
        self._by_path = {(): self.root}
        self.root.set_label(self._label((), self._shown.root))
        self.root.data = ()
        self._budget = EXPAND_LIMIT
        self._fill(())
        self.root.expand()

    def _fill(self, path: NodePath) -> None:
        """Add the children of the node at `path`; expand the small ones while the budget lasts."""
        assert self._shown is not None
        self._unfilled.discard(path)
        tree_node = self._by_path[path]
        for i, kid in enumerate(children(node_at(self._shown, path))):
            kid_path = (*path, i)
            label = self._label(kid_path, kid)
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

    def _update(self, old: Node, new: Node, path: NodePath) -> None:
        """Redraw what changed from `old` to `new` (the node at `path`): designs share every node
        an edit did not touch, so identical nodes are skipped."""
        tree_node = self._by_path.get(path)
        if old is new or tree_node is None:
            return
        _set_label(tree_node, self._label(path, new))
        if path in self._unfilled:  # filled in from the design as it is when expanded
            tree_node.allow_expand = bool(children(new))
            return
        before, after = children(old), children(new)
        if len(before) == len(after) and all(a.kind == b.kind for a, b in zip(before, after, strict=True)):
            for i, (a, b) in enumerate(zip(before, after, strict=True)):
                self._update(a, b, (*path, i))
            return
        for below in [p for p in self._by_path if len(p) > len(path) and p[: len(path)] == path]:
            del self._by_path[below]
            self._unfilled.discard(below)
        tree_node.remove_children()
        self._budget = EXPAND_LIMIT
        self._fill(path)
        tree_node.allow_expand = bool(after)

    def _relabel(self, path: NodePath) -> None:
        if self._shown is not None and path in self._by_path:
            with contextlib.suppress(IndexError):  # gone: the next redraw removes its line
                _set_label(self._by_path[path], self._label(path, node_at(self._shown, path)))

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodePath]) -> None:
        event.stop()
        if event.node.data in self._unfilled:
            self._budget = EXPAND_LIMIT
            self._fill(event.node.data)

    def select_path(self, path: NodePath) -> None:
        """Move the cursor to `path` now, filling in and expanding its ancestors."""
        assert self._shown is not None
        for end in range(len(path)):
            if path[:end] in self._unfilled:
                self._budget = 0
                self._fill(path[:end])
            self._by_path[path[:end]].expand()
        node = self._by_path.get(path)
        if node is None:
            return
        _ = self.last_line  # lays the lines out, so that the node has its line
        self.move_cursor(node)

    @property
    def selected_path(self) -> NodePath:
        """The path of the node under the cursor."""
        node = self.cursor_node
        return node.data if node is not None and node.data is not None else ()

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[NodePath]) -> None:
        """Tell the app of a move the user made (a click, a page key). A highlight the cursor
        has moved on from, or one that only follows the state (a redraw, a move the app asked
        for), is not news."""
        event.stop()
        node = event.node
        if node is self.cursor_node and node.data is not None and node.data != self.selected:
            self.post_message(NodeSelected(node.data))

    # --- keys ----------------------------------------------------------------------------------

    def action_collapse_or_parent(self) -> None:
        """← collapses an open branch, or goes to the parent."""
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded and node.allow_expand:
            node.collapse()
        elif node.parent is not None:
            self.move_cursor(node.parent)

    def action_expand_or_child(self) -> None:
        """→ opens a closed branch, or goes to its first child."""
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if not node.is_expanded:
            node.expand()
        elif node.children:
            _ = self.last_line
            self.move_cursor(node.children[0])


def _set_label(tree_node: TreeNode[NodePath], label: Text) -> None:
    """Label a line unless it has that label: a new label repaints the line and every line under
    it, and an edit makes new ancestors whose labels are mostly the same."""
    if tree_node.label != label:
        tree_node.set_label(label)


# --- the node editor ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One field of the node editor: the node's attribute it edits, a label that fits 80 columns,
    its unit, what an empty field means (None: it must hold something), and what it is."""

    name: str
    label: str
    unit: str = ""
    blank: str | None = None
    help: str = ""


FIELDS = (
    FieldSpec("name", "Name", help="The block's name; the top block's is the design's"),
    FieldSpec("count", "Count", help="How many: 2,048, 2048, 2k and 2e3 are read alike"),
    FieldSpec(
        "pue",
        BY_KEY["pue"].label,
        blank="the plant's",
        help="Power usage effectiveness; blank: the facility's plant gives it",
    ),
    FieldSpec("scaleup", "Scale-up", help="Whether the block is one scale-up domain"),
    FieldSpec("role", "Role", help="What the cabinet holds: compute, network, storage, infrastructure"),
    FieldSpec("cooling", "Cooling", help="How the cabinet sheds its heat (sets its power limit)"),
    FieldSpec("footprint_m2", "Footprint", "m²", help="Floor per cabinet, with its share of the aisles"),
    FieldSpec(
        "power_overhead", "Overhead", help="On top of the power of what it holds: 0.1 is 10% (fans, PDUs…)"
    ),
    FieldSpec(
        "price_usd", "Price", "$", blank="the catalog's", help="Its own hardware beyond the parts it lists"
    ),
    FieldSpec("weight_kg", "Weight", "kg", blank="the catalog's", help="Installed, with everything in it"),
)
CHOICES = ("scaleup", "role", "cooling")
# The fields each kind of node has; the top block also has the design's PUE.
FIELDS_OF_KIND: dict[str, tuple[str, ...]] = {
    "cluster": ("name", "count", "scaleup"),
    "pod": ("name", "count", "scaleup"),
    "supernode": ("name", "count", "scaleup"),
    "cabinet": (
        "name",
        "count",
        "scaleup",
        "role",
        "cooling",
        "footprint_m2",
        "power_overhead",
        "price_usd",
        "weight_kg",
    ),
    "server": ("name", "count", "scaleup", "power_overhead", "price_usd", "weight_kg"),
    "part": ("count",),
}
SCALEUP_CHOICES = (("yes", "yes"), ("no", "no"))


def field_text(design: Design, node: Node, name: str) -> str:
    """What a field shows for a node: its value as the user would type it."""
    value = design.pue if name == "pue" else getattr(node, name)
    if name == "scaleup":
        return "yes" if value else "no"
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.12g}" if abs(value) >= 1e4 else f"{value:g}"
    if isinstance(value, int):  # a count, as the tree writes it (and read back alike)
        return f"{value:,}"
    return visible(str(value))


def update_if_changed(widget: Static, content: RenderableType) -> None:
    """Show `content` unless the widget shows it already, and lay the screen out again only if
    its height changes: most of the form and the figures keep their lines from one key press to
    the next, and a layout costs more than drawing the lines that changed."""
    if widget.content == content:
        return
    size = widget.size
    widget.update(content, layout=False)
    if not size.width or widget.get_content_height(size, size, size.width) != size.height:
        widget.refresh(layout=True)


class FieldInput(Input):
    """A field of the node editor. Enter applies what was typed and Escape puts back what the
    field held; both go back to the tree. Leaving the field another way applies it, so that
    nothing typed is silently dropped."""

    BINDINGS = [Binding("escape", "revert", "Revert", show=False)]

    def __init__(self, spec: FieldSpec, commit: Callable[[FieldInput], None]) -> None:
        super().__init__(
            placeholder=spec.blank or "", id=f"field-{spec.name}", compact=True, select_on_focus=True
        )
        self.spec = spec
        self.tooltip = spec.help
        self.commit = commit
        self.path: NodePath = ()
        self.shown = ""  # what the field holds for the node at `path`

    def load(self, path: NodePath, text: str) -> None:
        self.path, self.shown = path, text
        with self.prevent(Input.Changed):
            self.value = text

    @property
    def typed(self) -> bool:
        """Whether it holds something other than the node's value."""
        return self.value != self.shown

    async def action_submit(self) -> None:
        self.commit(self)
        self.post_message(FieldLeft())

    def action_revert(self) -> None:
        self.load(self.path, self.shown)
        self.post_message(FieldLeft())

    def on_blur(self, event: Blur) -> None:  # Input's own handler runs too (Textual calls each class's)
        if self.typed and self.is_attached:
            self.commit(self)


class FieldSelect(Select[str]):
    """A field of the node editor with a few choices; `shown` is the node's own (None until the
    form is filled in)."""

    def __init__(self, field: str, choices: tuple[tuple[str, str], ...]) -> None:
        super().__init__(choices, value=choices[0][1], allow_blank=False, id=f"field-{field}", compact=True)
        self.field = field
        self.shown: str | None = None

    def load(self, value: str) -> None:
        self.shown = value
        if self.value != value:
            self.value = value


class NodeEditor(VerticalScroll):
    """The selected node's fields, and for a part its figures and sources.

    The fields are made once; showing another node fills them in and hides those its kind does
    not have, so that a field is there to type into as soon as its node is selected.
    `apply_field(path, field, text)` applies what was typed and says whether it was taken.
    """

    design: var[Design | None] = var(None, always_update=True, init=False)
    selected: var[NodePath] = var((), init=False)

    def __init__(
        self, catalog: Catalog, apply_field: Callable[[NodePath, str, str], bool], id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.catalog = catalog
        self.apply_field = apply_field
        self.path: NodePath = ()
        self._specs_of: tuple[Part | None, int] | None = None  # the part whose figures show, at a width
        self._drawn_specs: dict[tuple[str, int], tuple[Part, Text]] = {}  # by part and width

    def compose(self) -> ComposeResult:
        yield Static(id="node-title")
        choices = {
            "scaleup": SCALEUP_CHOICES,
            "role": tuple((r, r) for r in CABINET_ROLES),
            "cooling": tuple((k.name, cid) for cid, k in self.catalog.cooling.items()),
        }
        for spec in FIELDS:
            with Horizontal(classes="field", id=f"row-{spec.name}"):
                yield Label(spec.label, classes="field-label", id=f"label-{spec.name}")
                if spec.name in CHOICES:
                    yield FieldSelect(spec.name, choices[spec.name])
                else:
                    yield FieldInput(spec, self._commit)
        yield Static(id="field-notes", classes="source")
        yield Label("", id="editor-error")
        yield Static(id="node-source", classes="source")
        yield Static(id="part-specs")
        yield Static(id="design-notes", classes="source")

    def on_mount(self) -> None:
        self.show_node()

    def watch_design(self) -> None:
        self.show_node()

    def watch_selected(self) -> None:
        self.show_node()

    def on_resize(self, event: Resize) -> None:
        self.show_node()

    def show_node(self) -> None:
        """Fill the form in for the selected node."""
        design, path = self.design, self.selected
        if design is None or not self.is_mounted:
            return
        try:
            node = node_at(design, path)
        except IndexError:  # the selection follows in a moment
            return
        moved, self.path = path != self.path, path
        title = node.label[:1].upper() + node.label[1:]
        if not path and design.name != design.root.name:
            title += visible(f" in design '{design.name}'")
        update_if_changed(self.query_one("#node-title", Static), Text(visible(title), "bold"))
        names = set(FIELDS_OF_KIND[node.kind]) | ({"pue"} if not path else set())
        estimated = set(node.estimated) if isinstance(node, Block) else set()
        for spec in FIELDS:
            row = self.query_one(f"#row-{spec.name}")
            row.display = spec.name in names
            if not row.display:
                continue
            text = field_text(design, node, spec.name)
            widget = self.query_one(f"#field-{spec.name}")
            if isinstance(widget, FieldInput):
                if moved or not (widget.has_focus and widget.typed):  # never overwrite typing
                    widget.load(path, text)
            elif isinstance(widget, FieldSelect):
                widget.load(text)
            label = Text(spec.label + (f" {spec.unit}" if spec.unit else ""))
            if spec.name in estimated:
                label.append(" ~", "bold")
            update_if_changed(self.query_one(f"#label-{spec.name}", Label), label)
        update_if_changed(self.query_one("#field-notes", Static), self._notes(node, estimated & names))
        if moved:
            update_if_changed(self.query_one("#editor-error", Label), "")
        source = node.source if isinstance(node, Block) else ""
        self._show(Static, "#node-source", Text(visible(source), "dim") if source else None)
        parts = resolve_parts(design, self.catalog)[0] if isinstance(node, PartCount) else {}
        narrow = self.size.width < 50  # at 80 columns: each figure on a line, its source under it
        part = parts.get(node.part) if isinstance(node, PartCount) else None
        width = max(10, self.scrollable_content_region.width)
        if (part, width) != self._specs_of:
            self._specs_of = (part, width)
            self._show(Static, "#part-specs", None if part is None else self._specs(part, width, narrow))
        notes = None
        if not path and design.notes.strip():
            # Notes are wrapped by hand in the file; let paragraphs flow to the editor's width.
            paragraphs = [" ".join(p.split()) for p in design.notes.strip().split("\n\n")]
            notes = Text(visible("\n\n".join(paragraphs), multiline=True), "dim")
        self._show(Static, "#design-notes", notes)

    def _specs(self, part: Part, width: int, narrow: bool) -> Text:
        """A part's figures drawn to `width` once, as text: the screen measures and draws text
        quickly, where a table is measured and drawn afresh each time the cursor comes by."""
        kept = self._drawn_specs.get((part.id, width))
        if kept is not None and kept[0] == part:
            return kept[1]
        console = self.app.console
        lines = console.render_lines(part_specs(part, narrow), console.options.update_width(width), pad=False)
        text = Text("\n").join(Text.assemble(*((s.text, s.style or "") for s in line)) for line in lines)
        self._drawn_specs[(part.id, width)] = (part, text)
        return text

    def _show(self, kind: type[Static], selector: str, content: RenderableType | None) -> None:
        widget = self.query_one(selector, kind)
        widget.display = content is not None
        update_if_changed(widget, "" if content is None else content)

    @staticmethod
    def _notes(node: Node, estimated: set[str]) -> Text:
        """Which shown figures are defaults or estimates, to be replaced by the user's own."""
        if not estimated or not isinstance(node, Block):
            return Text("")
        fresh = new_block(node.kind, node.name)
        labels = {spec.name: spec.label.lower() for spec in FIELDS}
        defaults = sorted(labels[e] for e in estimated if getattr(node, e) == getattr(fresh, e))
        others = sorted(labels[e] for e in estimated if getattr(node, e) != getattr(fresh, e))
        lines = []
        if defaults:
            lines.append(f"~ default{'s' if len(defaults) > 1 else ''}: {', '.join(defaults)}; type your own")
        if others:
            lines.append(f"~ estimate{'s' if len(others) > 1 else ''}: {', '.join(others)}")
        return Text("\n".join(lines), "dim")

    def _commit(self, field: FieldInput) -> None:
        """Apply what was typed in a field; a refused value does not stay in it."""
        if field.typed and not self.apply_field(field.path, field.spec.name, field.value):
            field.load(field.path, field.shown)
        elif field.typed:  # taken, or the same value written another way: show it as the node has it
            field.load(field.path, field.shown)
            self.show_node()

    def on_select_changed(self, event: Select.Changed) -> None:
        """A choice picked applies at once. Only a choice the user made applies: not one the
        form made filling itself in, nor one that filling in has since overtaken."""
        event.stop()
        select = event.select
        if not isinstance(select, FieldSelect) or select.shown is None or event.value != select.value:
            return
        if event.value != select.shown and not self.apply_field(self.path, select.field, str(event.value)):
            self.show_node()

    def refused(self, message: str) -> None:
        """Show why an edit was refused, under the form."""
        error = self.query_one("#editor-error", Label)
        error.update(Text(visible(message), "bold red"))
        self.call_after_refresh(error.scroll_visible)  # once it has its height, wrapped


# --- the panels of figures ---------------------------------------------------------------------

# Figures the panel shows under the headline ones, and those it shows for the selected node.
PANEL_MORE = ("cabinet_power_max_kw", "fp8_pflops_per_kw", "hbm_capacity_tb_binary")
NODE_FIGURES = ("chips", "fp8_pflops", "hbm_capacity_tb", "it_power_kw", "floor_area_m2")
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


@dataclass(frozen=True)
class Row:
    """One line of a panel: a label, a value, its change since the last save, and a second line
    under the value (a range); `indent` for a share of the row above."""

    label: str
    value: str = ""
    delta: str = ""
    under: str = ""
    style: str = "bold"


def _delta(metric: Metric, figures: Figures) -> str:
    saved, totals = figures.saved, figures.totals
    if saved is None or (metric.precision and not totals.supported(metric.precision)):
        return ""
    return change(metric, float(totals[metric.key]), float(saved[metric.key]))


def metric_row(metric: Metric, figures: Figures, label: str | None = None, ranged: bool = True) -> Row:
    """A metric as a panel shows it: the value (with ~ for an estimate), its range under it."""
    totals = figures.totals
    span = totals.range(metric.key)
    under = (
        format_range(metric, *span) if ranged and span is not None and metric.key in totals.estimated else ""
    )
    return Row(label or metric.label, show(totals, metric.key, ranges=False), _delta(metric, figures), under)


def _colour(delta: str) -> str:
    return "green" if delta.startswith("+") else "red" if delta else ""


def rows_table(rows: list[Row], width: int, short: dict[str, str]) -> Text:
    """Rows laid out to `width` columns with nothing cut: full labels where they fit, else the
    short ones; values right-aligned, each range under its value, and the change since the save
    beside the value where it fits, else in a section of its own below. A label too long for
    its line keeps its line and has its value on the next."""

    def widest(cells: list[str]) -> int:
        return max((len(c) for c in cells), default=0)

    # A value too long to share a line with its label (a note on chips without units) goes on
    # the next line rather than pushing every other value aside.
    values = widest([r.value for r in rows if len(r.value) <= width // 2])
    unders, deltas = widest([r.under for r in rows]), widest([r.delta for r in rows])

    def label(row: Row, use_short: bool) -> str:
        return short.get(row.label, row.label) if use_short and row.value else row.label

    def fits(use_short: bool, beside: bool) -> bool:
        right = values + (1 + deltas if beside else 0)
        labels = widest([label(r, use_short) for r in rows if r.value])
        return labels + 1 + right <= width and unders + (1 + deltas if beside else 0) <= width

    # The change beside its value matters more than a label's long form.
    options = [(False, True), (True, True), (False, False), (True, False)] if deltas else [(False, False)]
    use_short, beside = next((o for o in options if fits(*o)), (True, False))
    right = values + (1 + deltas if beside else 0)
    text = Text()
    for row in rows:
        name = label(row, use_short)
        text.append(name, row.style)
        if row.value:
            gap = width - len(name) - right - max(0, len(row.value) - values)
            if gap < 1:  # the label fills its line: the value on the next
                text.append("\n")
                gap = max(0, width - right - max(0, len(row.value) - values))
            text.append(" " * gap + row.value.rjust(values))
            if beside:
                if len(row.value) + 1 + deltas > width:  # a long value: its change on the next line
                    text.append("\n" + " " * (width - 1 - deltas))
                text.append(" ")
                text.append(row.delta.rjust(deltas), _colour(row.delta))
        text.append("\n")
        if row.under:
            end = width - (1 + deltas if beside else 0)
            text.append(row.under.rjust(end) + "\n", "dim")
    if deltas and not beside:
        text.append("\nSince the last save\n", "bold")
        for row in rows:
            if row.delta:
                name = short.get(row.label, row.label)
                text.append(name + " " * max(1, width - len(name) - len(row.delta)))
                text.append(row.delta + "\n", _colour(row.delta))
    text.rstrip()
    return text


STALE_AFTER = 0.25  # seconds an edit's figures may take before the panel drops what may not hold


class FiguresPanel(VerticalScroll):
    """A panel of figures bound to the app's state; `shown` and `changes` keep the text of each
    figure shown and of its change since the last save, by metric key.

    The panel is a column of `SECTIONS` texts, each redrawn only when its text changes and laid
    out again only when its height may have: a key press repaints the lines it changed.
    """

    SECTIONS = 1

    figures: var[Figures | None] = var(None, always_update=True, init=False)
    version: var[int] = var(0, init=False)
    selected: var[NodePath] = var((), init=False)

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shown: dict[str, str] = {}
        self.changes: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        for _ in range(self.SECTIONS):
            yield Static(classes="figures")

    def watch_figures(self) -> None:
        self.redraw()

    def watch_version(self) -> None:
        """The figures shown stay until the edit's own arrive, usually within milliseconds, so
        that an edit lays the panel out once; if they are slow, the panel drops what may no longer
        hold (targets, warnings, the selected node's figures) until they come."""
        version = self.version
        self.set_timer(STALE_AFTER, lambda: self.redraw_if_older(version))

    def redraw_if_older(self, version: int) -> None:
        """Redraw if the figures shown are still of a design older than `version`."""
        if self.figures is not None and self.figures.version < version:
            self.redraw()

    def watch_selected(self) -> None:
        self.redraw()

    def on_resize(self, event: Resize) -> None:
        self.redraw()

    def redraw(self) -> None:
        """Lay out the figures again; a hidden panel waits until it is shown."""
        if self.figures is None or not self.is_mounted or not self.display:
            return
        width = max(10, self.scrollable_content_region.width)
        sections = self.sections(self.figures, width)
        for static, section in zip(self.query(".figures").results(Static), sections, strict=True):
            static.display = section is not None
            if section is not None:
                update_if_changed(static, section)

    def sections(self, figures: Figures, width: int) -> list[Text | None]:
        """The texts of the panel, top down, laid out to `width` (None: not shown)."""
        raise NotImplementedError

    def keep(self, rows: list[Row], keys: list[str]) -> None:
        for row, key in zip(rows, keys, strict=True):
            self.shown[key] = row.value
            self.changes[key] = row.delta


class MetricsPanel(FiguresPanel):
    """Live figures for the design, the change since the last save, targets, cabinets over their
    cooling limit, fabrics that cannot connect, and the selected node's own figures."""

    SECTIONS = 6  # headline figures, more figures, notes, the selected node, published, the key

    def __init__(self, catalog: Catalog, id: str | None = None) -> None:
        super().__init__(id=id)
        self.catalog = catalog

    def sections(self, figures: Figures, width: int) -> list[Text | None]:
        totals = figures.totals
        current = figures.current(self.version)
        keys = [m.key for m in HEADLINE] + list(PANEL_MORE)
        rows = [metric_row(BY_KEY[k], figures) for k in keys]
        self.keep(rows, keys)
        short = {BY_KEY[k].label: BY_KEY[k].short_label for k in keys}
        headline = len(HEADLINE)
        notes = Text()
        if current and totals["cabinets_over_cooling_limit"]:
            notes.append("\n⚠ over cooling limit: ", "bold yellow")
            notes.append(f"{totals.count('cabinets_over_cooling_limit'):,} cabinets\n", "yellow")
            for path in figures.over_limit[:3]:
                notes.append(visible(f"  look at {_name(figures.design, path)}"), "dim")
                notes.append("\n")
        for fabric in figures.unconnected if current else ():
            what = "endpoints" if fabric.scaleout else "chip links"
            d = fabric.derived
            notes.append("\n⚠ a fabric cannot connect:\n", "bold yellow")
            notes.append(visible(f"  {fabric.name}"), "yellow")
            notes.append(f"\n  {d['endpoints']:,.0f} {what}; {d['max_endpoints']:,.0f} at most\n", "yellow")
            notes.append("  b shows the fixes\n", "dim")
        for check in figures.targets if current else ():
            notes.append(
                ("\n✔ " if check.met else "\n✘ ") + target_goal(check), "green" if check.met else "bold red"
            )
            notes.append(f"\n  {target_margin(check)}", "green" if check.met else "red")
            if not check.met:
                notes.append("\n")
                notes.append(visible(f"  look at {_name(figures.design, check.responsible)}"), "dim")
        published = None
        if current and figures.published:
            briefs = (published_brief(check) for check in figures.published)
            published = Text("\n").join([Text("\nPublished figures", "bold"), *briefs])
        return [
            rows_table(rows[:headline], width, short),
            Text("\n") + rows_table(rows[headline:], width, short),
            notes,
            self._node(figures, width) if current and self.selected else None,
            published,
            Text("\n~ rests on an estimate · changes since the last save", "dim"),
        ]

    def _node(self, figures: Figures, width: int) -> Text:
        """The selected node's own figures: one instance of a block, or a part entry's parts in
        one instance of the block holding them."""
        design, path = figures.design, self.selected
        try:
            node = node_at(design, path)
        except IndexError:
            return Text("")
        evaluation = figures.evaluation
        results = evaluation.node(path)
        if isinstance(node, PartCount):
            holder = node_at(design, path[:-1])
            times = evaluation.packed.multiplicity(path[:-1]) if path[:-1] else 1
            part = resolve_parts(design, self.catalog)[0].get(node.part)
            title = f"{node.count:,} × {part.name if part else node.part} in one {holder.kind}"
            if times > 1:
                title += f" (of {times:,})"
            each = ""
        else:
            times = evaluation.packed.multiplicity(path)
            title = node.label + (f" ×{times:,}" if times > 1 else "")
            each = " each" if times > 1 else ""
        rows = [
            Row(f"  {BY_KEY[k].label}{each}", show(results, k, ranges=False), style="") for k in NODE_FIGURES
        ]
        short = {f"  {BY_KEY[k].label}{each}": f"  {BY_KEY[k].short_label}{each}" for k in NODE_FIGURES}
        heading = Text("\n" + visible(title), "bold underline")
        return Text("\n").join([heading, rows_table(rows, width, short)])


def _name(design: Design, path: NodePath) -> str:
    try:
        return node_at(design, path).label
    except IndexError:
        return "?"


class CostPanel(FiguresPanel):
    """What the design costs to build and run, the site behind it, and the change since the last
    save; shown in place of the figures with `$`."""

    SECTIONS = len(COST_FIGURES) + 1  # a table for each group of figures, then the notes

    def sections(self, figures: Figures, width: int) -> list[Text | None]:
        totals = figures.totals
        pue_stated = figures.design.pue is not None
        shown: list[Text | None] = []
        for group in COST_FIGURES:
            keys = [entry.strip() for entry in group]
            rows = []
            for entry, key in zip(group, keys, strict=True):
                metric = BY_KEY[key]
                label = metric.label
                if entry != key:  # a share of the row above, named by its category alone
                    label = "  " + label.removeprefix("Capex: ").removeprefix("Capex ")
                row = metric_row(metric, figures, label, ranged=key in RANGED)
                if key == "pue":
                    row = replace(row, value=row.value + (" stated" if pue_stated else " plant"))
                rows.append(replace(row, style="" if entry != key else "bold"))
            self.keep(rows, keys)
            short = {r.label: (BY_KEY[k].short_label if not r.label.startswith("  ") else r.label)
                     for r, k in zip(rows, keys, strict=True)}  # fmt: skip
            table = rows_table(rows, width, short)
            shown.append(Text("\n") + table if shown else table)
        plant = figures.evaluation.packed.plant
        years, facility_years = plant.setting("depreciation_years"), plant.setting("facility_years")
        notes = [
            f"TCO spans the equipment's {years:g} years: the facility's build for {years:g} of its "
            f"{facility_years:g} years, where capex counts all of it"
        ]
        if pue_stated:
            notes.append(f"PUE is the design's own; the plant's is {show(totals, 'pue_plant', ranges=False)}")
        if totals["unpriced_parts"]:
            notes.append(f"{totals.count('unpriced_parts'):,} parts have no price and are left out")
        if totals["cabinets_over_floor_rating"]:
            notes.append(f"⚠ {totals.count('cabinets_over_floor_rating'):,} cabinets over the floor rating")
        notes.append("~ rests on an estimate · $ back to the figures")
        shown.append(Text("\n" + "\n".join(notes), "dim"))
        return shown
