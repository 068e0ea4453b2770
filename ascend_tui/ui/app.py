"""The ascend-tui app: edit a design tree and watch its figures move.

Every edit goes through the model's Session (checked, undoable); evaluation runs in a thread
worker tagged with the design version, and results an edit has overtaken are dropped.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path as FilePath

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel

from ascend_tui.engine.evaluate import Evaluation
from ascend_tui.engine.live import Job, LiveEvaluator
from ascend_tui.engine.planning import check_targets
from ascend_tui.engine.results import Results
from ascend_tui.model import files, presets
from ascend_tui.model.autosave import Autosave, Orphan, Slot
from ascend_tui.model.catalog import load_catalog
from ascend_tui.model.design import (
    ALLOWED_BLOCKS,
    FORMAT_VERSION,
    HOLDS_PARTS,
    Block,
    Design,
    FloorLayout,
    NodePath,
    PartCount,
    children,
    describe_path,
    node_at,
)
from ascend_tui.model.fabrics import ScaleoutFabric, ScaleupFabric
from ascend_tui.model.facility import Facility
from ascend_tui.model.problems import DesignError
from ascend_tui.model.session import Change, Session
from ascend_tui.model.text import visible
from ascend_tui.model.toml_format import KEEP_LAYOUT_MAX_BYTES, format_of, save_design
from ascend_tui.model.validate import catalog_note
from ascend_tui.report import target_goal, target_margin
from ascend_tui.ui.commands import DesignCommands
from ascend_tui.ui.dialogs import Confirm, CustomPartDialog, HelpScreen, PartPicker, PathPrompt, PresetPicker
from ascend_tui.ui.main_screen import MainScreen
from ascend_tui.ui.messages import EvaluationFailed, EvaluationFinished
from ascend_tui.ui.network import NetworkScreen
from ascend_tui.ui.views import (
    ChartScreen,
    CompareScreen,
    FacilityDialog,
    FloorScreen,
    ScaleDialog,
    TargetsDialog,
    chart_for,
)
from ascend_tui.ui.widgets import CostPanel, DesignTree, MetricsPanel, NodeEditor, TargetRow

AUTOSAVE_DELAY = 1.0  # seconds after the last edit


def _own_text(file: FilePath) -> tuple[str | None, int | None, bool]:
    """What a save over the design's own file needs of it: its text, to keep its comments (None
    when it cannot be read, or is too large to keep them: then `too_large`), and the format its
    first lines declare."""
    try:
        text: str | None = files.read_text(file, "design file", KEEP_LAYOUT_MAX_BYTES)
    except DesignError:
        text = None
    try:
        head = text if text is not None else files.read_head(file, 64 * 1024)
    except DesignError:
        return None, None, False
    return text, format_of(head), text is None


class AscendApp(App[None]):
    """Design AI compute clusters from the chip up."""

    CSS_PATH = "app.tcss"
    TITLE = "ascend-tui"
    COMMANDS = App.COMMANDS | {DesignCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding(
            "ctrl+s",
            "save",
            "Save",
            tooltip="Save to the design's file (asks where for a preset)",
            id="file.save",
        ),
        Binding(
            "S",
            "save_as",
            "Save as",
            show=False,
            key_display="S",
            tooltip="Save to a new file",
            id="file.save_as",
        ),
        Binding(
            "o", "open_preset", "Presets", tooltip="Load a preset (shows headline figures)", id="file.presets"
        ),
        Binding("ctrl+o", "open_file", "Open", show=False, tooltip="Open a design file", id="file.open"),
        Binding("question_mark,f1", "help", "Help", key_display="?", tooltip="This list", id="app.help"),
        Binding(
            "q,ctrl+q",
            "quit",
            "Quit",
            tooltip="Quit (asks first if there are unsaved changes)",
            id="app.quit",
        ),
    ]

    def __init__(self, target: str | None = None, autosave: Autosave | None = None) -> None:
        super().__init__()
        self.catalog = load_catalog()
        name = target or presets.DEFAULT_PRESET
        file = presets.resolve(name)
        is_preset = file.parent == presets.presets_dir()
        self.session = Session(
            presets.load_file(file, self.catalog), self.catalog, None if is_preset else file
        )
        self.source_label = f"preset {file.stem}" if is_preset else str(file)
        self.autosave = autosave or Autosave()
        self.slot: Slot | None = None  # this instance's autosave slot, claimed at the first autosave
        self.loads = 0  # designs replaced (opened, restored): a save of an earlier one marks nothing
        self.quitting = False
        self._autosave_running = False
        self._autosave_again = False
        self._save_running = False
        self._queued_save: tuple[FilePath, str | None, Callable[[], None] | None] | None = None
        self._restored = False
        self._unanswered: list[Orphan] = []  # orphans found, locked, not yet answered
        self._chores: list[Callable[[], None]] = []
        self._chores_guard = threading.Lock()
        self.live: LiveEvaluator | None = None  # set on mount
        self.evaluation: Evaluation | None = None
        self.evaluated_version = -1
        self.saved_totals: Results | None = None
        self.baseline_version = self.session.version
        self.selected: NodePath = ()
        self.last_error = ""
        self._autosave_timer: object | None = None

    # --- start-up ------------------------------------------------------------------------------

    async def on_mount(self) -> None:
        await self.push_screen(MainScreen())
        self.metrics_panel.loading = True
        self.update_title()
        self.note_catalog()
        self.live = LiveEvaluator(self.catalog)
        self.request_evaluation(Change("start"))
        self.find_orphans()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Show a notification. Messages carry names and paths from files, so they are never
        markup (whatever `markup` says) and their control characters are shown, not sent."""
        super().notify(
            visible(message, multiline=True),
            title=visible(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # --- autosaves left by apps that are gone ---------------------------------------------------

    @work(thread=True, group="recover", description="look for autosaves to recover")
    def find_orphans(self) -> None:
        """Read the autosaves whose apps are gone (off the UI thread: one may be huge)."""
        try:
            orphans = self.autosave.orphans(self.catalog)
        except OSError as error:
            self.call_from_thread(self.notify, f"Could not look for autosaves: {error}", severity="warning")
            return
        self.call_from_thread(self.offer, orphans)

    def offer(self, orphans: list[Orphan]) -> None:
        """Offer each orphaned autosave back in turn, saying where it came from."""
        self._unanswered = list(orphans)
        if not orphans:
            return
        orphan, rest = orphans[0], orphans[1:]
        if orphan.design is None:
            self.set_aside(orphan, f"An autosave could not be read ({orphan.problem})")
            self.offer(rest)
            return
        if orphan.design == self.session.design and orphan.note.file == self.session.file:
            self.in_background(lambda: orphan.slot.release(keep=False))  # nothing to recover
            self.offer(rest)
            return
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(orphan.note.saved_at))
        about = (
            f"An autosaved design '{orphan.design.name}' from {when} was found ({orphan.note.describe()})."
        )
        can_restore = not self._restored and not self.session.dirty
        choices = [("keep", "Keep for later"), ("discard", "Discard")]
        if can_restore:
            ask = " Restore it, keep it aside as a file for later, or discard it?"
            choices.insert(0, ("restore", "Restore"))
        else:  # one design at a time: the others wait in files of their own
            ask = " Keep it aside as a file for later (open it with ctrl+o), or discard it?"

        def answered(choice: str | None) -> None:
            self.recover(orphan, choice)
            self.offer(rest)

        self.push_screen(Confirm("Recover unsaved work?", about + ask, choices), answered)

    def recover(self, orphan: Orphan, choice: str | None) -> None:
        """Act on the answer to the recovery question; anything but Discard loses nothing."""
        if choice == "restore" and orphan.design is not None:
            self._restored = True
            previous, self.slot = self.slot, orphan.slot  # its slot is this instance's now
            if previous is not None:
                self.in_background(lambda: previous.release(keep=False))
            self.session.replace(orphan.design, orphan.note.file)
            self.session.mark_unsaved()  # restored work is unsaved until the user saves it
            self.source_label = str(orphan.note.file) if orphan.note.file else "recovered design"
            self.loads += 1
            self.design_replaced()
            self.schedule_autosave()
        elif choice == "discard":
            self.in_background(lambda: orphan.slot.release(keep=False))
        else:  # kept, or the question dismissed: a file of its own that no autosave overwrites
            self.set_aside(orphan, "The autosaved design")

    def set_aside(self, orphan: Orphan, what: str) -> None:
        def move() -> None:
            try:
                kept = orphan.slot.set_aside(self.autosave.data)
            except OSError as error:
                orphan.slot.release(keep=True)
                message = f"{what}: could not keep it aside ({error}); it is offered again next time"
                self.call_from_thread(self.notify, message, severity="error")
                return
            self.call_from_thread(self.notify, f"{what} is kept at {kept}", title="Kept", timeout=10)

        self.in_background(move)

    def in_background(self, chore: Callable[[], None]) -> None:
        """Run a small piece of file work (deleting, moving, unlocking) off the UI thread; what
        is left when the app ends is done before it ends (see keep_work)."""
        with self._chores_guard:
            self._chores.append(chore)
        self.do_chores()

    @work(thread=True, group="files", description="file housekeeping")
    def do_chores(self) -> None:
        while chore := self._next_chore():
            chore()

    def _next_chore(self) -> Callable[[], None] | None:
        with self._chores_guard:
            return self._chores.pop(0) if self._chores else None

    @work(thread=True, exclusive=True, group="warm-up", description="compile the kernels")
    def warm_up(self) -> None:
        """Compile (or load from Numba's cache) the kernels off the UI thread, so that edits of
        large designs are quick; until then small designs evaluate as plain Python."""
        from ascend_tui.engine import kernels
        from ascend_tui.engine.jit import compile_all

        compile_all(kernels.accumulate, kernels.recompute, kernels.block_rows, kernels.cabinet_powers)

    # --- evaluation ----------------------------------------------------------------------------

    def request_evaluation(self, change: Change) -> None:
        if self.live is None:
            return  # the warm-up evaluates the design as it is when the engine is ready
        session = self.session
        count = 0
        if change.count_only is not None:
            count = node_at(session.design, change.count_only).count
        self.run_job(Job(session.version, session.design, change.count_only, count))

    # A description, because Textual otherwise reprs the arguments: a whole design on big layouts.
    @work(thread=True, exclusive=True, group="evaluate", description="evaluate the design")
    def run_job(self, job: Job) -> None:
        assert self.live is not None
        try:
            evaluation = self.live.run(job)
        except DesignError as error:
            self.post_message(EvaluationFailed(job.version, str(error)))
            return
        self.post_message(EvaluationFinished(job.version, evaluation))

    def on_evaluation_finished(self, message: EvaluationFinished) -> None:
        if message.version != self.session.version or self.live is None:
            return  # an edit overtook this result
        self.evaluation = message.evaluation
        self.evaluated_version = message.version
        if self.baseline_version == message.version:
            self.saved_totals = message.evaluation.totals()
        if self.metrics_panel.loading:  # the first figures are up: now compile for later edits
            self.metrics_panel.loading = False
            self.warm_up()
        self.show_metrics()
        if isinstance(self.screen, NetworkScreen):
            self.screen.show()

    def on_evaluation_failed(self, message: EvaluationFailed) -> None:
        """The last edit made a design the evaluator refuses (totals too large): take it back."""
        if message.version != self.session.version:
            return
        change = self.session.drop_last()
        self.notify(message.error, title="Edit refused", severity="error")
        if change is not None:
            self.after_change(change, self.selected)

    # --- views ---------------------------------------------------------------------------------

    @property
    def metrics_panel(self) -> MetricsPanel:
        return self.main_screen.query_one(MetricsPanel)

    @property
    def main_screen(self) -> MainScreen:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("no main screen")

    def show_metrics(self) -> None:
        """Show the latest result; node figures and targets only if the result is current."""
        evaluation = self.evaluation
        if evaluation is None:
            return
        design = self.session.design
        current = self.evaluated_version == self.session.version
        node = node_at(design, self.selected)
        targets: list[TargetRow] = []
        flagged: set[NodePath] = set()
        over_limit: list[str] = []
        if current:
            hot = evaluation.cabinets_over_limit()
            flagged.update(hot)
            over_limit = [describe_path(design, p).split(" > ")[-1] for p in hot]
            for check in check_targets(evaluation, design):
                responsible = describe_path(design, check.responsible).split(" > ")[-1]
                targets.append(TargetRow(target_goal(check), check.met, target_margin(check), responsible))
                if not check.met:
                    flagged.add(check.responsible)
            self.main_screen.query_one(DesignTree).flag(design, self.session.parts(), flagged)
        totals = evaluation.totals()
        self.main_screen.query_one(CostPanel).show_costs(totals, self.saved_totals, design.pue is not None)
        self.metrics_panel.show_metrics(
            totals,
            self.saved_totals,
            targets,
            over_limit,
            evaluation.node(self.selected) if current else None,
            node.label,
            evaluation.packed.multiplicity(self.selected) if current and self.selected else 1,
        )

    def update_title(self) -> None:
        mark = " ●" if self.session.dirty else ""
        self.sub_title = visible(f"{self.session.design.name} — {self.source_label}{mark}")

    def redraw(self, select: NodePath) -> None:
        screen = self.main_screen
        parts = self.session.parts()
        self.select(screen.query_one(DesignTree).rebuild(self.session.design, parts, select))

    def select(self, path: NodePath) -> None:
        self.selected = path
        screen = self.main_screen
        screen.query_one(NodeEditor).show_node(self.session.design, path, self.session.parts(), self.catalog)
        self.show_metrics()

    def sync_selection(self) -> None:
        """Follow the tree's cursor before acting on the selection: a key pressed (or a palette
        command run) right after a cursor move may arrive before the tree's highlight message.
        Every method that acts on the selection calls this first."""
        node = self.main_screen.query_one(DesignTree).cursor_node
        if node is not None and node.data is not None and node.data != self.selected:
            self.select(node.data)

    def focus_field(self, name: str) -> None:
        self.sync_selection()
        for field in self.main_screen.query(f"#field-{name}"):
            field.focus()

    # --- edits ---------------------------------------------------------------------------------

    def apply(self, edit: Callable[[], Change], select: NodePath | None = None) -> bool:
        """Run a session edit; on refusal say why in place and change nothing."""
        try:
            change = edit()
        except DesignError as error:
            message = "; ".join(p.message for p in error.problems[:3])
            if len(error.problems) > 3:
                message += f"; and {len(error.problems) - 3:,} more"
            self.last_error = message
            self.main_screen.query_one(NodeEditor).refused(message)
            self.notify(message, title="Edit refused", severity="error")
            return False
        self.last_error = ""
        self.after_change(change, self.selected if select is None else select)
        return True

    def after_change(self, change: Change, select: NodePath) -> None:
        tree = self.main_screen.query_one(DesignTree)
        if change.count_only is not None:
            tree.relabel(self.session.design, self.session.parts(), change.count_only)
            self.select(self.selected)
        else:
            self.redraw(select)
        self.update_title()
        self.request_evaluation(change)
        self.schedule_autosave()

    def edit_field(self, path: NodePath, field: str, text: str) -> None:
        """Apply what was typed in one of the editor's fields; typing the value it has is no edit."""
        session = self.session
        try:
            node = node_at(session.design, path)
        except IndexError:
            return  # the node went away (undo, load) before the field reported
        text = text.strip()
        if field == "count":
            try:
                count = int(text.replace(",", "").replace("_", ""))
            except ValueError:
                self.apply(lambda: self._refuse(f"count must be a whole number, got {text!r}"))
                return
            if count != node.count:
                self.apply(lambda: session.set_count(path, count))
        elif field == "name":
            name = getattr(node, "name", text)
            if text not in (name, visible(name)):  # the field shows control characters as escapes
                self.apply(lambda: session.rename(path, text))
        elif field in ("role", "cooling"):
            if getattr(node, field) != text:
                self.apply(lambda: session.set_field(path, field, text))
        elif field == "scaleup":
            if isinstance(node, Block) and node.scaleup != (text == "yes"):
                self.apply(lambda: session.set_field(path, "scaleup", text == "yes"))
        elif field == "pue":
            try:
                pue = float(text) if text.strip() else None
            except ValueError:
                self.apply(
                    lambda: self._refuse(f"PUE must be a number (or blank for the plant's), got {text!r}")
                )
                return
            if pue != session.design.pue:
                self.apply(lambda: session.set_pue(pue))
        elif field in ("footprint_m2", "power_overhead", "price_usd", "weight_kg"):
            optional = field in ("price_usd", "weight_kg")  # blank: the catalog's default
            try:
                value = None if optional and not text.strip() else float(text)
            except ValueError:
                self.apply(lambda: self._refuse(f"{field} must be a number, got {text!r}"))
                return
            if value != getattr(node, field):
                self.apply(lambda: session.set_field(path, field, value))

    @staticmethod
    def _refuse(message: str) -> Change:
        from ascend_tui.model.problems import Problem

        raise DesignError([Problem("", message)])

    def step_count(self, step: int) -> None:
        self.sync_selection()
        node = node_at(self.session.design, self.selected)
        self.apply(lambda: self.session.set_count(self.selected, node.count + step))

    def scale_count(self, factor: float) -> None:
        self.sync_selection()
        node = node_at(self.session.design, self.selected)
        self.apply(lambda: self.session.set_count(self.selected, max(1, round(node.count * factor))))

    def add_child(self) -> None:
        """Ask what to add under the selected block (a part entry's block): a block of a kind it
        may hold, or a part from the catalog."""
        self.sync_selection()
        node = node_at(self.session.design, self.selected)
        path = self.selected if isinstance(node, Block) else self.selected[:-1]
        block = node_at(self.session.design, path)
        assert isinstance(block, Block)
        choices = [(kind, kind) for kind in ALLOWED_BLOCKS[block.kind]]
        if block.kind in HOLDS_PARTS:
            choices.append(("part", "part from the catalog"))

        def add_part(part: str | None) -> None:
            if part:
                self.apply(lambda: self.session.add_part(path, part)[0], select=(*path, len(children(block))))

        def chosen(what: str | None) -> None:
            if what == "part":
                self.push_screen(PartPicker(self.session.parts(), f"Add a part to {block.label}"), add_part)
            elif what in ALLOWED_BLOCKS[block.kind]:
                self.apply_add_block(path, what)

        if len(choices) == 1:
            chosen(choices[0][0])
            return
        self.push_screen(Confirm(f"Add to {block.label}", "What to add?", choices), chosen)

    def apply_add_block(self, path: NodePath, kind: str) -> None:
        """Add a block of `kind` under the block at `path` and select it."""
        selected: list[NodePath] = []

        def add() -> Change:
            change, new_path = self.session.add_block(path, kind)
            selected.append(new_path)
            return change

        if self.apply(add):
            self.redraw(selected[0])

    def duplicate(self) -> None:
        self.sync_selection()
        path = self.selected
        self.apply(lambda: self.session.duplicate(path)[0], select=(*path[:-1], path[-1] + 1) if path else ())

    def remove(self) -> None:
        self.sync_selection()
        path = self.selected
        self.apply(lambda: self.session.remove(path), select=path[:-1] if path else ())

    def pick_part(self) -> None:
        """Replace the selected part entry with another part, or add a part to the selected
        cabinet or server."""
        self.sync_selection()
        node = node_at(self.session.design, self.selected)
        path = self.selected
        if isinstance(node, PartCount):

            def chosen(part: str | None) -> None:
                if part:
                    self.apply(lambda: self.session.set_part(path, part))

            self.push_screen(PartPicker(self.session.parts(), f"Replace {node.label}"), chosen)
            return
        if node.kind not in HOLDS_PARTS:
            self.notify(
                f"A {node.kind} holds blocks, not parts: select a cabinet or server.", severity="warning"
            )
            return

        def add_part(part: str | None) -> None:
            if part:
                self.apply(lambda: self.session.add_part(path, part)[0], select=(*path, len(children(node))))

        self.push_screen(PartPicker(self.session.parts(), f"Add a part to {node.label}"), add_part)

    def swap_part(self) -> None:
        used = sorted({n.part for n in self._part_entries()})
        parts = self.session.parts()
        if not used:
            self.notify("No block holds a part yet.", severity="warning")
            return

        def chosen_old(old: str | None) -> None:
            if not old:
                return
            self.push_screen(PartPicker(parts, f"Swap {old} for…", (parts[old].kind,)), chosen_new(old))

        def chosen_new(old: str) -> Callable[[str | None], None]:
            def swap(new: str | None) -> None:
                if new and self.apply(lambda: self.session.swap_part(old, new)[0]):
                    self.notify(f"Swapped {old} for {new} across the design.")

            return swap

        self.push_screen(
            PartPicker({p: parts[p] for p in used}, "Swap which part, across the whole design?"), chosen_old
        )

    def _part_entries(self) -> list[PartCount]:
        from ascend_tui.model.design import walk

        return [n for _, n in walk(self.session.design) if isinstance(n, PartCount)]

    def new_part(self) -> None:
        self.sync_selection()
        parts = self.session.parts()
        node = node_at(self.session.design, self.selected)
        base_id = node.part if isinstance(node, PartCount) else "ascend-950dt"

        def define(custom: object) -> None:
            from ascend_tui.model.design import CustomPart

            if isinstance(custom, CustomPart) and self.apply(lambda: self.session.define_part(custom)):
                self.notify(f"Defined part {custom.id!r}; pick it with p.")

        self.push_screen(CustomPartDialog(parts[base_id], set(parts)), define)

    def undo(self) -> None:
        change = self.session.undo()
        if change is None:
            self.notify("Nothing to undo.")
        else:
            self.after_change(change, self.selected)

    def redo(self) -> None:
        change = self.session.redo()
        if change is None:
            self.notify("Nothing to redo.")
        else:
            self.after_change(change, self.selected)

    # --- planning views ------------------------------------------------------------------------

    def current_evaluation(self) -> Evaluation | None:
        """The evaluation of the design as it now is, or None (with a note) while one is running."""
        if self.evaluation is None or self.evaluated_version != self.session.version:
            self.notify("The figures are being worked out; try again in a moment.")
            return None
        return self.evaluation

    def preset_rows(self) -> list[tuple[str, str, Results]]:
        """Each preset's name, design name and totals, for the pickers."""
        from ascend_tui.engine.evaluate import preset_results

        return preset_results(self.catalog)

    def open_compare(self) -> None:
        from ascend_tui.compare import compare_designs

        if self.current_evaluation() is None:
            return
        current = self.session.design  # designs are never changed in place: no copy needed

        def chosen(name: str | None) -> None:
            if name:
                comparison = compare_designs(
                    [current, presets.load(name, self.catalog)], ["this design", name]
                )
                self.push_screen(CompareScreen(comparison, self.compare_add))

        self.push_screen(PresetPicker(self.preset_rows(), "Compare this design with"), chosen)

    def compare_add(self, screen: CompareScreen, from_file: bool) -> None:
        """Add a preset or a file to an open comparison (read and evaluated in a worker)."""

        def file_chosen(file: FilePath | None) -> None:
            if file is not None:
                self.add_to_comparison(screen, str(file), file)

        def preset_chosen(name: str | None) -> None:
            if name is not None:
                self.add_to_comparison(screen, name, presets.resolve(name))

        if from_file:
            self.push_screen(PathPrompt("Add a design file", must_exist=True), file_chosen)
        else:
            self.push_screen(
                PresetPicker(self.preset_rows(), "Add a preset to the comparison"), preset_chosen
            )

    @work(thread=True, group="compare", description="read a design to compare")
    def add_to_comparison(self, screen: CompareScreen, label: str, file: FilePath) -> None:
        from ascend_tui.compare import Comparison
        from ascend_tui.engine.evaluate import evaluate

        try:
            design = presets.load_file(file, self.catalog)
            metrics = evaluate(design, self.catalog).totals()
        except DesignError as error:
            self.call_from_thread(
                self.notify, str(error.located(label)), title="Cannot compare", severity="error", timeout=12
            )
            return

        def add() -> None:
            c = screen.comparison
            screen.replace(
                Comparison([*c.labels, label], [*c.names, design.name], [*c.metrics, metrics], c.baseline)
            )

        self.call_from_thread(add)

    def edit_targets(self) -> None:
        def chosen(targets: dict[str, float] | None) -> None:
            if targets is not None:
                self.apply(lambda: self.session.set_targets(targets))

        self.push_screen(TargetsDialog(dict(self.session.design.targets)), chosen)

    def open_network(self) -> None:
        """The fabrics drawn and the bill of materials, for the selected block's design."""
        self.sync_selection()
        path = self.selected
        if isinstance(node_at(self.session.design, path), PartCount):
            path = path[:-1]
        self.push_screen(NetworkScreen(path))

    def apply_fabric(self, path: NodePath, fabric: ScaleupFabric | ScaleoutFabric, scaleout: bool) -> None:
        self.apply(lambda: self.session.set_fabric(path, fabric, scaleout), select=path)

    @work(thread=True, group="files", description="export a file")
    def export_text(self, path: FilePath, text: str, what: str, replace: bool = False) -> None:
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
            self.call_from_thread(self.push_screen, question, answered)
            return
        try:
            written = files.write_text(path, text, what)
        except DesignError as error:
            self.call_from_thread(
                self.notify, f"Could not export: {error}", title="Not exported", severity="error"
            )
            return
        self.call_from_thread(self.notify, f"Exported the {what} to {written}", title="Exported")

    def edit_facility(self) -> None:
        def chosen(facility: Facility | None) -> None:
            if facility is not None and facility != self.session.design.facility:
                self.apply(lambda: self.session.set_facility(facility))

        self.push_screen(FacilityDialog(self.session.design.facility, self.catalog.site), chosen)

    def scale_to_target(self) -> None:
        self.sync_selection()
        path = self.selected
        node = node_at(self.session.design, path)
        if isinstance(node, PartCount):
            self.notify("Select a supernode or a cabinet: the block to scale.", severity="warning")
            return

        def chosen(count: int | None) -> None:
            if count is not None:
                self.apply(lambda: self.session.set_count(path, count))

        self.push_screen(ScaleDialog(self.session.design, path, self.catalog), chosen)

    def open_chart(self) -> None:
        self.sync_selection()
        evaluation = self.current_evaluation()
        node = node_at(self.session.design, self.selected)
        if evaluation is None:
            return
        if isinstance(node, PartCount) or self.selected == ():
            self.notify("Select a supernode or a cabinet to chart against its count.", severity="warning")
            return
        try:
            chart = chart_for(evaluation, self.selected, node.label, node.count)
        except DesignError as error:  # twice the count is more than the evaluator can count
            self.notify(str(error), title="Cannot chart", severity="error")
            return
        self.push_screen(chart)

    def open_floor(self) -> None:
        evaluation = self.current_evaluation()
        if evaluation is None:
            return

        def set_layout(layout: FloorLayout) -> bool:
            return self.apply(lambda: self.session.set_floor(layout))

        self.push_screen(FloorScreen(self.session.design, evaluation, self.catalog, set_layout))

    # --- files ---------------------------------------------------------------------------------

    def schedule_autosave(self) -> None:
        timer = self._autosave_timer
        if timer is not None:
            timer.stop()  # type: ignore[attr-defined]
        self._autosave_timer = self.set_timer(AUTOSAVE_DELAY, self.autosave_now)

    def autosave_now(self) -> None:
        """Write (or clear) this instance's autosave in a worker; one write at a time, and one
        more afterwards if the design changed meanwhile."""
        if self._autosave_running:
            self._autosave_again = True
            return
        session = self.session
        if session.dirty and self.slot is None:
            try:
                self.slot = self.autosave.claim(session.file)
            except OSError as error:
                self.notify(f"Autosave failed: {error}", severity="warning")
                return
        if self.slot is None:
            return
        self._autosave_running = True
        self.write_autosave(self.slot, session.design, session.file, session.version, session.dirty)

    @work(thread=True, group="autosave", description="autosave the design")
    def write_autosave(
        self, slot: Slot, design: Design, file: FilePath | None, version: int, dirty: bool
    ) -> None:
        try:
            if dirty:
                slot.write(design, file, self.source_label, version)
            else:
                slot.clear()
        except (DesignError, OSError) as error:
            self.call_from_thread(self.notify, f"Autosave failed: {error}", severity="warning")
        finally:
            self.call_from_thread(self._autosave_finished)

    def _autosave_finished(self) -> None:
        self._autosave_running = False
        if self._autosave_again:
            self._autosave_again = False
            self.autosave_now()

    def save_checked(self, file: FilePath, then: Callable[[], None] | None = None) -> None:
        """Save to `file`, then run `then`. Saving over the design's own file keeps its comments
        and layout; if that file is in an older format, it is rewritten in the current one, which
        older versions of ascend-tui cannot read, so the user is asked first. Another file chosen
        with Save as is replaced whole. The file is read, and written, in workers."""
        own = self.session.file is not None and file.resolve() == self.session.file.resolve()
        if own:
            self.read_own(file, then)
        else:
            self.save_to(file, None, then)

    @work(thread=True, group="save", description="read the file a save replaces")
    def read_own(self, file: FilePath, then: Callable[[], None] | None) -> None:
        original, found, too_large = _own_text(file)
        self.call_from_thread(self.own_read, file, original, found, too_large, then)

    def own_read(
        self,
        file: FilePath,
        original: str | None,
        found: int | None,
        too_large: bool,
        then: Callable[[], None] | None,
    ) -> None:
        if too_large:
            self.notify(
                f"{file} is over {KEEP_LAYOUT_MAX_BYTES // 1000} kB, so it is written afresh, "
                "without comments it had.",
                severity="warning",
            )
        if found is None or found >= FORMAT_VERSION:
            self.save_to(file, original, then)
            return

        def answered(choice: str | None) -> None:
            if choice == "rewrite":
                self.save_to(file, original, then)

        self.push_screen(
            Confirm(
                "Rewrite in the current format?",
                f"{file} is a format {found} design file. Saving rewrites it as format "
                f"{FORMAT_VERSION}, which versions of ascend-tui before it cannot open, and "
                "without its comments.",
                [("rewrite", f"Save as format {FORMAT_VERSION}"), ("cancel", "Cancel")],
            ),
            answered,
        )

    def save_to(
        self, file: FilePath, original: str | None = None, then: Callable[[], None] | None = None
    ) -> None:
        """Save the design as it is now to `file`, in a worker; `original`, the text it replaces,
        keeps its comments, and `then` runs once it is saved. Edits made while the save runs stay
        in the session, unsaved."""
        if self._save_running:
            self._queued_save = (file, original, then)
            return
        self._save_running = True
        session = self.session
        current = self.evaluation is not None and self.evaluated_version == session.version
        totals = self.evaluation.totals() if current and self.evaluation is not None else None
        self.write_design(
            session.design, file, original, session.position, session.version, self.loads, totals, then
        )

    @work(thread=True, group="save", description="save the design")
    def write_design(
        self,
        design: Design,
        file: FilePath,
        original: str | None,
        position: int,
        version: int,
        loads: int,
        totals: Results | None,
        then: Callable[[], None] | None,
    ) -> None:
        try:
            resolver = presets.use_resolver(file, self.catalog)
            written = save_design(design, file, original, resolver)
        except DesignError as error:
            self.call_from_thread(self.save_failed, error)
            return
        self.call_from_thread(self.saved, written, position, version, loads, totals, then)

    def saved(
        self,
        written: FilePath,
        position: int,
        version: int,
        loads: int,
        totals: Results | None,
        then: Callable[[], None] | None,
    ) -> None:
        self._save_running = False
        self.notify(f"Saved to {written}", title="Saved")
        if loads == self.loads:  # still the design that was saved (no other opened meanwhile)
            before = self.session.file
            self.session.mark_saved(written, position)
            self.source_label = str(written)
            self.saved_totals = totals
            self.baseline_version = version
            slot = self.slot
            if slot is not None and (before is None or before.resolve() != written):
                self.slot = None  # the autosave follows the design to its new file
                self.in_background(lambda: slot.release(keep=False))
            elif slot is not None:
                self.in_background(lambda: slot.clear(upto=version))
            if self.session.dirty:
                self.schedule_autosave()
            self.update_title()
            if self.evaluation is not None:
                self.show_metrics()
        if then is not None:
            then()
        self._next_save()

    def save_failed(self, error: DesignError) -> None:
        self._save_running = False
        self.notify(f"Could not save: {error}", title="Save failed", severity="error")
        self._next_save()

    def _next_save(self) -> None:
        if self._queued_save is not None:
            (file, original, then), self._queued_save = self._queued_save, None
            self.save_to(file, original, then)

    def action_save(self) -> None:
        if self.session.file is None:
            self.action_save_as()
        else:
            self.save_checked(self.session.file)

    def action_save_as(self, then: Callable[[], None] | None = None) -> None:
        initial = str(self.session.file or f"{self.session.design.name.lower().replace(' ', '-')}.toml")

        def chosen(file: FilePath | None) -> None:
            if file is None:
                return
            own = self.session.file is not None and file.resolve() == self.session.file.resolve()
            if own or not os.path.isfile(file):
                self.save_checked(file, then)
                return

            def answered(choice: str | None) -> None:
                if choice == "replace":
                    self.save_checked(file, then)

            self.push_screen(
                Confirm(
                    "Replace the file?",
                    f"{file} already exists. Replace it with this design?",
                    [("cancel", "Cancel"), ("replace", "Replace")],  # the first, the default, keeps it
                ),
                answered,
            )

        self.push_screen(PathPrompt("Save design as", visible(initial)), chosen)

    def confirm_discard(self, then: Callable[[], None]) -> None:
        """Run `then` now if nothing is unsaved, or after the user saves or discards."""
        if not self.session.dirty:
            then()
            return

        def answered(choice: str | None) -> None:
            if choice == "save":
                if self.session.file is None:
                    self.action_save_as(then)
                else:
                    self.save_checked(self.session.file, then)
            elif choice == "discard":
                then()

        self.push_screen(
            Confirm(
                "Unsaved changes",
                f"'{self.session.design.name}' has unsaved changes.",
                [("save", "Save"), ("discard", "Discard"), ("cancel", "Cancel")],
            ),
            answered,
        )

    def load(self, file: FilePath, label: str, as_file: bool) -> None:
        """Open a design file or preset in a worker; the current design stays until it is read."""
        self.read_design(file, label, as_file, self.session.version)

    @work(thread=True, exclusive=True, group="open", description="open a design")
    def read_design(self, file: FilePath, label: str, as_file: bool, version: int) -> None:
        try:
            design = presets.load_file(file, self.catalog)
        except DesignError as error:
            self.call_from_thread(self.notify, str(error), title="Cannot open", severity="error", timeout=12)
            return
        self.call_from_thread(self.opened, design, file if as_file else None, label, version)

    def opened(self, design: Design, file: FilePath | None, label: str, version: int) -> None:
        """Put a design read in the background in place, asking again if the user edited the
        one before while it was read."""

        def replace() -> None:
            self.session.replace(design, file)
            self.source_label = label
            self.loads += 1
            slot, self.slot = self.slot, None  # the work on the design before was saved or discarded
            if slot is not None:
                self.in_background(lambda: slot.release(keep=False))
            self.design_replaced()
            self.note_catalog()

        if self.session.version != version:
            self.confirm_discard(replace)
        else:
            replace()

    def note_catalog(self) -> None:
        """Say so when the design was saved with another catalog version, and what changed."""
        note = catalog_note(self.session.design, self.catalog)
        if note:
            self.notify(note, title="Another catalog version", timeout=15)

    def design_replaced(self) -> None:
        self.baseline_version = self.session.version
        self.saved_totals = None
        self.redraw(select=())
        self.update_title()
        self.request_evaluation(Change("load"))

    def action_open_preset(self) -> None:
        rows = self.preset_rows()

        def chosen(name: str | None) -> None:
            if name:
                self.confirm_discard(lambda: self.load(presets.resolve(name), f"preset {name}", False))

        self.push_screen(PresetPicker(rows), chosen)

    def action_open_file(self) -> None:
        def chosen(file: FilePath | None) -> None:
            if file is not None:
                self.confirm_discard(lambda: self.load(file, str(file), True))

        self.push_screen(PathPrompt("Open design file", must_exist=True), chosen)

    def action_help(self) -> None:
        """Every binding: the main screen's and the app's, then those of the other views."""
        rows = []
        sections = [
            ("", [*MainScreen.BINDINGS, *self.BINDINGS]),
            ("Compare view: ", CompareScreen.BINDINGS),
            ("Floor plan: ", FloorScreen.BINDINGS),
            ("Chart: ", ChartScreen.BINDINGS),
        ]
        for where, bindings in sections:
            for binding in bindings:
                assert isinstance(binding, Binding)
                if binding.description:
                    keys = binding.key_display or binding.key.replace(",", ", ")
                    rows.append((keys, where + (binding.tooltip or binding.description)))
        self.push_screen(HelpScreen(rows))

    async def action_quit(self) -> None:
        def leave() -> None:
            self.quitting = True
            slot, self.slot = self.slot, None
            if slot is not None:
                slot.release(keep=False)  # waits for a write in progress; the dump itself is not awaited
            self.exit()

        self.confirm_discard(leave)

    def on_unmount(self) -> None:
        self.keep_work()

    def keep_work(self) -> None:
        """When the app ends any way but a clean quit (a crash, a closed terminal), autosave what
        the last autosave missed and leave it for the next start to offer."""
        while chore := self._next_chore():
            chore()
        for orphan in self._unanswered:  # offered again at the next start
            orphan.slot.release(keep=True)
        self._unanswered = []
        slot, self.slot = self.slot, None
        if self.quitting:
            return
        if self.session.dirty:
            try:
                slot = slot or self.autosave.claim(self.session.file)
                slot.write(self.session.design, self.session.file, self.source_label, self.session.version)
            except (DesignError, OSError):
                pass  # the last autosave, if any, stays
        if slot is not None:
            slot.release(keep=True)
