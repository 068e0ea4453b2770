"""Modal screens: pickers for parts and presets, prompts, confirmations and help."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, TypeVar

from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Static, TextArea

from ascend_tui.engine.results import Results
from ascend_tui.model import presets
from ascend_tui.model.catalog import FIGURES, Catalog, Part
from ascend_tui.model.design import CustomPart
from ascend_tui.model.figures import Figure
from ascend_tui.model.files import file_problem
from ascend_tui.model.text import visible
from ascend_tui.report import (
    FIGURE_LEGEND,
    PRESET_COLUMNS,
    PRESET_COLUMNS_NARROW,
    figure_cell,
    part_specs,
    preset_cells,
    preset_headers,
)
from ascend_tui.ui.entry import parse_number

T = TypeVar("T")
# The presets' figures that fit 120 columns (all of them from 150, fewer at 80: report.py).
PRESET_COLUMNS_MIDDLE = ("fp8_pflops", "hbm_capacity_tb", "it_power_kw", "floor_area_m2", "chips", "cabinets")


class Confirm(ModalScreen[str]):
    """A question with a few answers; the default (the first unless said) has the focus and
    Enter picks it; Escape answers 'cancel'. Title and message may hold names from files: never
    markup."""

    BINDINGS = [
        Binding("escape", "dismiss('cancel')", "Cancel", id="dialog.cancel"),
        Binding("left", "app.focus_previous", "Previous", show=False),
        Binding("right", "app.focus_next", "Next", show=False),
    ]

    def __init__(
        self, title: str, message: str, choices: list[tuple[str, str]], default: str | None = None
    ) -> None:
        super().__init__()
        self.title_text, self.message, self.choices = title, message, choices
        self.default = default or choices[0][0]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(visible(self.title_text)), classes="dialog-title")
            yield Static(Text(visible(self.message, multiline=True)))
            with Horizontal(classes="buttons"):
                for key, label in self.choices:
                    yield Button(
                        label, id=f"choice-{key}", variant="primary" if key == self.default else "default"
                    )

    def on_mount(self) -> None:
        # A question answered at once (Escape as it opens) may be gone before it mounts: no button.
        for button in self.query(f"#choice-{self.default}"):
            button.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.dismiss(event.button.id.removeprefix("choice-"))


class PathPrompt(ModalScreen[Path | None]):
    """Ask for a file path (Open, Save As, an export), which gets `suffix` unless it has one."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel")]

    def __init__(
        self, title: str, initial: str = "", must_exist: bool = False, suffix: str = ".toml"
    ) -> None:
        super().__init__()
        self.title_text, self.initial, self.must_exist, self.suffix = title, initial, must_exist, suffix

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(self.initial, placeholder=f"path/to/file{self.suffix}", id="path")
            yield Label("", id="path-error", classes="error")
            yield Static(Text("Enter to accept, Escape to cancel", "dim"))

    @on(Input.Submitted, "#path")
    def accept(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        error = self.query_one("#path-error", Label)
        if not text:
            error.update("Type a file name.")
            return
        path = Path(text).expanduser()
        why = file_problem(path) if self.must_exist else None
        if why:
            error.update(Text(visible(f"{path}: {why}")))
            return
        if not self.must_exist and path.suffix != self.suffix:
            path = (
                path.with_suffix(path.suffix + self.suffix) if path.suffix else path.with_suffix(self.suffix)
            )
        self.dismiss(path)


def _matches(part: Part, words: list[str], origin: str) -> bool:
    haystack = f"{part.id} {part.name} {part.vendor} {part.kind} {part.status} {origin}".lower()
    return all(w in haystack for w in words)


class PartPicker(ModalScreen[str | None]):
    """The catalog, the design's own parts and the user's library: filter as you type, see the
    highlighted part's figures and sources, Enter picks. `origin` says where a part comes from
    ("design", "yours"), for parts not from the catalog."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel"),
        Binding("down", "move(1)", "Next part", show=False),
        Binding("up", "move(-1)", "Previous part", show=False),
    ]

    def __init__(
        self,
        parts: dict[str, Part],
        title: str = "Pick a part",
        kinds: tuple[str, ...] = (),
        origin: dict[str, str] | None = None,
        current: str | None = None,
    ) -> None:
        super().__init__()
        self.parts = {pid: p for pid, p in parts.items() if not kinds or p.kind in kinds}
        self.title_text = title
        self.origin = origin or {}
        self.current = current  # the part being replaced: the list starts on it

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(Text(visible(self.title_text)), classes="dialog-title")
            yield Input(
                placeholder="filter: type part of an id, name, vendor or kind", id="filter", compact=True
            )
            with Horizontal(id="picker-body"):
                yield DataTable(id="part-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="part-detail")
            yield Static(Text(f"↑ ↓ Enter picks · {FIGURE_LEGEND}", "dim"), id="picker-legend")

    def on_mount(self) -> None:
        table = self.query_one("#part-table", DataTable)
        table.add_columns("id", "from", "kind", "FP8 TF", "HBM GB", "W")
        self.refill("")
        if self.current in self.parts:
            table.move_cursor(row=table.get_row_index(self.current))
            self.show_detail()

    def refill(self, text: str) -> None:
        table = self.query_one("#part-table", DataTable)
        table.clear()
        words = text.lower().split()
        for pid, part in self.parts.items():
            origin = self.origin.get(pid, "catalog")
            if _matches(part, words, origin):
                table.add_row(
                    escape(visible(pid)),  # a design's own part ids come from its file: never markup
                    origin,
                    part.kind,
                    *(figure_cell(part.figures.get(name)) for name in ("fp8_tflops", "hbm_gb", "power_w")),
                    key=pid,
                )
        self.show_detail()

    def show_detail(self) -> None:
        table = self.query_one("#part-table", DataTable)
        detail = self.query_one("#part-detail", Static)
        if table.row_count == 0:
            detail.update("No part matches.")
            return
        pid = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        where = {"design": "this design's own part", "yours": "a part of your library"}.get(
            self.origin.get(pid, "")
        )
        specs = part_specs(self.parts[pid])
        detail.update(Group(Text(where, "bold magenta"), specs) if where else specs)

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.refill(event.value)

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.pick()

    @on(DataTable.RowHighlighted, "#part-table")
    def highlighted(self) -> None:
        self.show_detail()

    @on(DataTable.RowSelected, "#part-table")
    def selected(self) -> None:
        self.pick()

    def pick(self) -> None:
        table = self.query_one("#part-table", DataTable)
        if table.row_count:
            self.dismiss(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def action_move(self, by: int) -> None:
        """↑ and ↓ choose a part while typing goes on filtering (the filter keeps the focus)."""
        table = self.query_one("#part-table", DataTable)
        table.move_cursor(row=table.cursor_row + by)

    def on_key(self, event: events.Key) -> None:
        """Letters typed in the list go to the filter: typing always filters."""
        field = self.query_one("#filter", Input)
        if event.is_printable and event.character and self.focused is not field:
            field.focus()
            field.insert_text_at_cursor(event.character)
            event.stop()


class PresetPicker(ModalScreen[str | None]):
    """Presets with their headline figures; Enter picks one. The presets are evaluated once, in
    a worker, while the list of their names is already there to pick from."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel")]
    # Each preset's name, design name and totals, by catalog: worked out once per app.
    evaluated: ClassVar[dict[int, tuple[Catalog, list[tuple[str, str, Results]]]]] = {}

    def __init__(self, catalog: Catalog, title: str = "Load a preset") -> None:
        super().__init__()
        self.catalog, self.title_text = catalog, title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.title_text, classes="dialog-title")
            yield DataTable(id="preset-table", cursor_type="row", zebra_stripes=True)
            yield Static(Text("Enter picks · Escape cancels · ~ estimate", "dim"), id="preset-note")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.focus()
        width = self.app.size.width
        self.columns = (
            PRESET_COLUMNS
            if width >= 150
            else PRESET_COLUMNS_MIDDLE
            if width >= 110
            else PRESET_COLUMNS_NARROW
        )
        table.add_columns(*preset_headers(self.columns))
        known = self.evaluated.get(id(self.catalog))
        if known is not None:
            self.fill(known[1])
            return
        for name in presets.preset_names():
            table.add_row(name, *("…" for _ in self.columns), key=name)
        self.query_one("#preset-note", Static).update(Text("Working out their figures…", "dim"))
        self.evaluate()

    @work(thread=True, exclusive=True, description="evaluate the presets")
    def evaluate(self) -> None:
        from ascend_tui.engine.evaluate import preset_results

        rows = preset_results(self.catalog)
        self.evaluated[id(self.catalog)] = (self.catalog, rows)
        self.app.call_from_thread(self.fill, rows)

    def fill(self, rows: list[tuple[str, str, Results]]) -> None:
        """The presets with their figures (at 80 columns, fewer of them and no ranges)."""
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for name, _, results in rows:  # ~ marks an estimate; its range is in compare and `eval`
            table.add_row(*preset_cells(name, results, self.columns, ranges=False), key=name)
        table.move_cursor(row=row)
        self.query_one("#preset-note", Static).update(
            Text("Enter picks · Escape cancels · ~ estimate", "dim")
        )

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        self.dismiss(str(event.row_key.value))


class HelpScreen(ModalScreen[None]):
    """Every key binding of the main screen and the app."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss(None)", "Close", id="dialog.close")]

    def __init__(self, bindings: list[tuple[str, str]]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold")
        table.add_column("key", no_wrap=True, style="bold")
        table.add_column("action", ratio=1)
        for key, description in self.bindings:
            table.add_row(key, description)
        with Vertical(classes="dialog wide"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll(id="help-table"):
                yield Static(table)
            yield Static(Text("Escape closes · ↑ ↓ scroll · ctrl+p opens the command palette", "dim"))

    def on_mount(self) -> None:
        self.query_one("#help-table").focus()


class FormDialog(ModalScreen[T | None]):
    """A titled form of labelled text fields with an OK button; subclasses turn the texts into a
    result, or say what is wrong, which is shown under the form until it is put right."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel")]
    AUTO_FOCUS = "Input"  # the first field: type, and Enter accepts the form
    TITLE_TEXT = ""
    OK = "Set"
    WIDE = False
    NOTE = ""  # a line under the title: what the form starts from

    def fields(self) -> list[tuple[str, str, str]]:
        """(key, label, initial text) for each field."""
        raise NotImplementedError

    def parse(self, texts: dict[str, str]) -> T | str:
        """The result from the texts typed, or why they will not do."""
        raise NotImplementedError

    def placeholder(self, key: str) -> str:
        """What an empty field stands for (shown faint in it)."""
        return ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form wide" if self.WIDE else "dialog form"):
            yield Label(Text(visible(self.TITLE_TEXT)), classes="dialog-title")
            if self.NOTE:
                yield Label(Text(visible(self.NOTE), "italic"), classes="dialog-note")
            with VerticalScroll(classes="form-fields"):
                for key, label, text in self.fields():
                    with Horizontal(classes="field"):
                        yield Label(label, classes="field-label wide-label")
                        yield Input(
                            visible(text), visible(self.placeholder(key)), id=f"form-{key}", compact=True
                        )
            yield Label("", id="form-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(self.OK, id="form-ok", variant="primary")
                yield Button("Cancel", id="form-cancel")

    @on(Button.Pressed, "#form-cancel")
    def cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#form-ok")
    @on(Input.Submitted)
    def accept(self) -> None:
        texts = {key: self.query_one(f"#form-{key}", Input).value.strip() for key, _, _ in self.fields()}
        result = self.parse(texts)
        if isinstance(result, str):
            self.query_one("#form-error", Label).update(Text(visible(result)))
        else:
            self.dismiss(result)


class CustomPartDialog(FormDialog[CustomPart]):
    """Define the design's own part, starting from a catalog part's figures."""

    OK = "Define"
    WIDE = True
    EDITABLE = ("fp8_tflops", "fp4_tflops", "bf16_tflops", "hbm_gb", "hbm_tbps", "scaleup_gbps", "power_w")

    def __init__(self, base: Part, taken: set[str]) -> None:
        super().__init__()
        self.base, self.taken = base, taken
        self.TITLE_TEXT = f"New part based on {base.name}"

    def fields(self) -> list[tuple[str, str, str]]:
        out = [("id", "id", f"{self.base.id}-custom"), ("name", "name", f"{self.base.name} (custom)")]
        for name in self.EDITABLE:
            if name in self.base.figures and self.base.figures[name].supported:
                figure = FIGURES[name]
                out.append((name, f"{figure.label} ({figure.unit})", f"{self.base.value(name):g}"))
        return out

    def parse(self, texts: dict[str, str]) -> CustomPart | str:
        pid = texts["id"]
        if not pid or " " in pid:
            return "The id must be one word, e.g. my-chip."
        if pid in self.taken:
            return f"{pid!r} is taken; choose another id."
        figures: dict[str, Figure] = {}
        for name in self.EDITABLE:
            if name in texts:
                value = parse_number(texts[name], FIGURES[name].label)
                if isinstance(value, str):
                    return value
                if value != self.base.value(name):
                    figures[name] = Figure(value)
        return CustomPart(pid, base=self.base.id, name=texts["name"] or None, figures=figures)


class NotesDialog(ModalScreen[str | None]):
    """Edit the design's notes: its assumptions and sources, free text kept in the file."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel"),
        Binding("ctrl+s", "done", "Keep", id="dialog.ok", priority=True),
    ]

    def __init__(self, notes: str) -> None:
        super().__init__()
        self.notes = notes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("The design's notes", classes="dialog-title")
            yield TextArea(self.notes, id="notes", soft_wrap=True, show_line_numbers=False)
            with Horizontal(classes="buttons"):
                yield Button("Keep (ctrl+s)", id="notes-ok", variant="primary")
                yield Button("Cancel", id="notes-cancel")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @on(Button.Pressed, "#notes-ok")
    def action_done(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    @on(Button.Pressed, "#notes-cancel")
    def cancel(self) -> None:
        self.dismiss(None)
