"""The network view: the design's fabrics drawn as their tiers, the selected block's fabric to
edit (every change is evaluated at once), and the bill of materials, with its export."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from ascend_tui.model import files
from ascend_tui.model.catalog import Catalog, Part
from ascend_tui.model.design import Block, Design, NodePath, PartCount, block_at, replace_block, walk
from ascend_tui.model.fabrics import NetworkCabinets, ScaleoutFabric, ScaleupFabric
from ascend_tui.model.metrics import BY_KEY
from ascend_tui.model.problems import DesignError
from ascend_tui.model.session import Session
from ascend_tui.model.text import visible
from ascend_tui.model.validate import check_subtree
from ascend_tui.report import bill_csv, bill_total, fabric_drawing, format_value
from ascend_tui.ui.dialogs import Confirm, FormDialog, PathPrompt
from ascend_tui.ui.state import Figures

Fabric = ScaleupFabric | ScaleoutFabric


class NetworkScreen(Screen[None]):
    """Fabrics and bill of materials of the design the app is editing. It follows the app's
    figures, so an edit of a fabric redraws it; `apply` runs an edit of the session (or says why
    it was refused)."""

    BINDINGS = [
        Binding("escape,b", "app.pop_screen", "Back", id="network.back"),
        # Short, so that the footer fits 80 columns; the tooltips say the rest.
        Binding("e", "edit(False)", "Scale-up", id="network.scaleup", tooltip="Edit the scale-up fabric"),
        Binding("o", "edit(True)", "Scale-out", id="network.scaleout", tooltip="Edit the scale-out network"),
        Binding("x", "export", "Export bill", id="network.export", tooltip="Export the bill as CSV"),
    ]

    def __init__(
        self,
        session: Session,
        catalog: Catalog,
        path: NodePath,
        apply: Callable[[Callable[[], object]], bool],
    ) -> None:
        super().__init__()
        self.session, self.catalog, self.apply = session, catalog, apply
        self.path = path  # the block whose fabrics `e` and `o` edit
        self.figures: Figures | None = None
        self.lines: list[Any] = []
        self.drawn = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="fabric-drawings"):
            yield Static(id="fabrics")
        yield DataTable(id="bill", zebra_stripes=True, cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in ("part", "count", "power", "cost", "kind", "from"):
            table.add_column(label, key=label)
        self.watch(self.app, "figures", self.follow)

    def follow(self, figures: Figures | None) -> None:
        self.figures = figures
        self.show()

    def show(self) -> None:
        """Draw the fabrics and fill the bill from the app's latest evaluation."""
        if self.figures is None:
            return
        evaluation, design = self.figures.evaluation, self.figures.design
        block = block_at(design, self.path)
        head = Text(f"Editing the fabrics of {visible(block.label)}", "bold")
        head.append("  (e: scale-up fabric, o: scale-out network, x: export the bill)\n", "dim")
        drawings: list[Text] = [head]
        for fabric in evaluation.fabrics():
            times = evaluation.packed.multiplicity(fabric.block)
            drawing = fabric_drawing(design, fabric)
            if times > 1:
                drawing.append(f"\n  (each of {times:,} instances)", "dim")
            drawings += [drawing, Text("")]
        if len(drawings) == 1:
            drawings.append(Text("The design states no fabric yet: select a block and press e or o.", "dim"))
        self.drawn = "\n".join(t.plain for t in drawings)  # what the drawings say, as plain text
        self.query_one("#fabrics", Static).update(Group(*drawings))
        self.lines = evaluation.bill()
        table = self.query_one(DataTable)
        table.clear()
        power, cost = BY_KEY["it_power_kw"], BY_KEY["capex_usd"]
        total = bill_total(self.lines)
        table.add_row(
            Text("total", "bold"),
            "",
            Text(_amount(total["power_kw"], total["power_low_kw"], total["power_high_kw"], power), "bold"),
            Text(_amount(total["price_usd"], total["price_low_usd"], total["price_high_usd"], cost), "bold"),
            "",
            Text("the equipment and the CDUs the plant adds", "dim"),
        )
        for line in self.lines:
            table.add_row(
                Text(visible(line.part)),
                Text(f"{line.count:,}", justify="right"),
                Text(
                    "in overheads"
                    if line.kind in ("cabinet", "server")
                    else _amount(line.power_kw, line.power_low_kw, line.power_high_kw, power),
                    justify="right",
                ),
                Text(_amount(line.price_usd, line.price_low_usd, line.price_high_usd, cost), justify="right"),
                line.kind,
                Text(visible(line.derived_by or "typed")),
            )

    def action_edit(self, scaleout: bool) -> None:
        design = self.session.design
        block = block_at(design, self.path)
        current = block.scaleout_fabric if scaleout else block.scaleup_fabric
        path = self.path

        def chosen(fabric: Fabric | None) -> None:
            if fabric is not None and fabric != current:
                self.apply(lambda: self.session.set_fabric(path, fabric, scaleout))

        parts = self.session.parts()

        def check(fabric: Fabric) -> str | None:
            name = "scaleout_fabric" if scaleout else "scaleup_fabric"
            changed = {name: fabric}
            candidate = replace_block(design, path, lambda b: dataclasses.replace(b, **changed))  # type: ignore[arg-type]
            problems = check_subtree(candidate, path, self.catalog, parts)
            found = "; ".join(p.message for p in problems[:3])
            if (
                not found
                and isinstance(fabric, ScaleoutFabric)
                and not fabric.nic
                and not typed_nics(block, parts)
            ):
                found = (
                    "the network would connect no NIC port: name a `nic` with `nics per chip` of at least 1, "
                    f"or put NICs in the servers of {block.label}"
                )
            return found or None

        self.app.push_screen(FabricDialog(block, scaleout, check, parts), chosen)

    def action_export(self) -> None:
        text = bill_csv(self.lines)

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.export_text(path, text, "bill of materials")

        self.app.push_screen(
            PathPrompt("Export the bill of materials as CSV", "bill.csv", suffix=".csv"), chosen
        )

    @work(thread=True, group="files", description="export a file")
    def export_text(self, path: Path, text: str, what: str, replace: bool = False) -> None:
        """Write an export (a bill of materials) off the UI thread, and say where it went; a file
        already there is replaced only after the user says so (the default answer keeps it)."""
        if not replace and path.exists():

            def answered(choice: str | None) -> None:
                if choice == "replace":
                    self.export_text(path, text, what, replace=True)

            question = Confirm(
                "Replace the file?",
                f"{path} exists. Replace it with the {what}?",
                [("cancel", "Keep the file"), ("replace", "Replace it")],
            )
            self.app.call_from_thread(self.app.push_screen, question, answered)
            return
        try:
            written = files.write_text(path, text, what)
        except DesignError as error:
            self.app.call_from_thread(
                self.notify, f"Could not export: {error}", title="Not exported", severity="error"
            )
            return
        self.app.call_from_thread(self.notify, f"Exported the {what} to {written}", title="Exported")


def typed_nics(block: Block, parts: Mapping[str, Part]) -> bool:
    """Whether NICs are typed anywhere in the block (then a network need not derive them)."""
    return any(
        isinstance(node, PartCount) and node.part in parts and parts[node.part].kind == "nic"
        for _, node in walk(Design("", block))
    )


def _amount(value: float | None, low: float | None, high: float | None, metric: Any) -> str:
    """A bill line's power or cost, `~` where it rests on a range (the export has the range)."""
    if value is None or low is None or high is None:
        return "not published"
    return ("" if low == high else "~") + format_value(metric, value)


# What a new scale-out network starts with: the parts of the shipped Atlas 950 SuperCluster
# preset's network (presets/atlas-950-supercluster.toml), one NIC per chip.
SUGGESTED = {"switch": "nvidia-sn5600", "nic": "nic-400g", "transceiver": "optic-400g-lpo"}


def suggested_network(parts: Mapping[str, Part]) -> tuple[ScaleoutFabric, list[str]]:
    """A new scale-out network with the suggested parts the design can use, and those settings
    (as `switch nvidia-sn5600`)."""
    chosen: dict[str, Any] = {name: pid for name, pid in SUGGESTED.items() if pid in parts}
    if "nic" in chosen:
        chosen["nics_per_chip"] = 1
    said = [f"{name} {pid}" for name, pid in chosen.items() if name in SUGGESTED]
    return ScaleoutFabric(**chosen), said


# Labels that say how to write a setting where its name does not.
HINTS = {
    "oversubscription": "oversubscription (down:up as 3:1 or 3; a scale-out network lists one per "
    "tier boundary below the top, leaves first)",
    "tier1_in": "tier 1 in (server, cabinet or network)",
    "leaf_in": "leaves in (cabinet or network)",
    "topology": "topology (switched or mesh; fat-tree)",
}


def _ratio(text: str) -> float:
    """A number, or a ratio written `3:1`."""
    down, _, up = text.partition(":")
    return float(down) / float(up) if up else float(down)


class FabricDialog(FormDialog[Fabric]):
    """A block's scale-up fabric or scale-out network, a field per setting (the README's Fabrics
    section says what each means); the network cabinets keep what they were."""

    WIDE = True
    OK = "Apply"

    def __init__(
        self,
        block: Block,
        scaleout: bool,
        check: Callable[[Fabric], str | None],
        parts: Mapping[str, Part] | None = None,
    ) -> None:
        super().__init__()
        self.check = check  # why the design could not take a fabric, or None
        self.kind: type[ScaleupFabric] | type[ScaleoutFabric] = ScaleoutFabric if scaleout else ScaleupFabric
        current = block.scaleout_fabric if scaleout else block.scaleup_fabric
        self.current: Fabric = current if current is not None else self.kind()
        if current is None and scaleout and parts is not None:
            self.current, suggested = suggested_network(parts)
            if suggested:
                self.NOTE = (
                    f"A new network, with the Atlas 950 SuperCluster preset's parts as defaults "
                    f"({', '.join(suggested)}, 1 NIC per chip): change them as you need."
                )
        what = "scale-out network" if scaleout else "scale-up fabric"
        self.TITLE_TEXT = f"The {what} of {block.label}"

    def fields(self) -> list[tuple[str, str, str]]:
        out = []
        for f in dataclasses.fields(self.current):
            value = getattr(self.current, f.name)
            if isinstance(value, NetworkCabinets):
                continue
            if isinstance(value, tuple):
                text = ", ".join(f"{v:g}" for v in value)
            elif isinstance(value, bool):
                text = "yes" if value else "no"
            elif isinstance(value, float):
                text = f"{value:g}"
            else:
                text = str(value)
            out.append((f.name, HINTS.get(f.name, f.name.replace("_", " ")), text))
        return out

    def parse(self, texts: dict[str, str]) -> Fabric | str:
        values: dict[str, Any] = {}
        default = self.kind()
        for name, text in texts.items():
            like = getattr(default, name)
            try:
                if isinstance(like, bool):
                    if text not in ("yes", "no"):
                        return f"{name.replace('_', ' ')}: type yes or no."
                    values[name] = text == "yes"
                elif isinstance(like, int):
                    values[name] = int(text)
                elif isinstance(like, float):
                    values[name] = _ratio(text)
                elif isinstance(like, tuple):
                    values[name] = tuple(_ratio(v) for v in text.replace(",", " ").split())
                else:
                    values[name] = text
            except (ValueError, ZeroDivisionError):
                kind = "a whole number" if isinstance(like, int) else "a number"
                return f"{name.replace('_', ' ')} must be {kind}, not {text!r}."
        fabric = dataclasses.replace(self.current, **values)
        return self.check(fabric) or fabric
