"""The ascend-tui app: edit a design tree and watch its figures move.

The app holds the editing session (model/session.py) and mirrors it in reactive state: the
design, its version, the selected node and the latest figures, which the main screen and its
panels bind to. Every edit goes through the session (checked, undoable), which tells the app;
evaluation runs in a thread worker tagged with the design version, and results an edit has
overtaken are dropped. Files (open, save, autosave, recovery) are read and written in workers.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path as FilePath

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import Screen

from ascend_tui.engine import companion
from ascend_tui.engine.evaluate import Evaluation
from ascend_tui.engine.live import Job, LiveEvaluator
from ascend_tui.engine.pack import PackedDesign
from ascend_tui.engine.results import Results
from ascend_tui.model import files, presets, templates
from ascend_tui.model.autosave import Autosave, Orphan, Slot
from ascend_tui.model.catalog import load_catalog
from ascend_tui.model.design import FORMAT_VERSION, Design, NodePath, node_at
from ascend_tui.model.problems import DesignError
from ascend_tui.model.session import Change, Session
from ascend_tui.model.text import visible
from ascend_tui.model.toml_format import KEEP_LAYOUT_MAX_BYTES, format_of, save_design
from ascend_tui.model.validate import catalog_note
from ascend_tui.ui.commands import DesignCommands
from ascend_tui.ui.dialogs import Confirm, HelpScreen, PathPrompt, PresetPicker
from ascend_tui.ui.main_screen import MainScreen
from ascend_tui.ui.messages import EvaluationFailed, EvaluationFinished
from ascend_tui.ui.network import NetworkScreen
from ascend_tui.ui.state import Figures, work_out
from ascend_tui.ui.views import ChartScreen, CompareScreen, FloorScreen
from ascend_tui.ui.widgets import FiguresPanel, MetricsPanel

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

    # The state the screens show, mirrored from the editing session (see session_changed).
    design: var[Design | None] = var(None, always_update=True, init=False)
    version: var[int] = var(0, init=False)
    selected: var[NodePath] = var((), init=False)
    figures: var[Figures | None] = var(None, always_update=True, init=False)

    CSS_PATH = "app.tcss"
    TITLE = "ascend-tui"
    COMMANDS = App.COMMANDS | {DesignCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding(
            "ctrl+s",
            "save",
            "Save",
            show=False,
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
            "o",
            "open_preset",
            "Presets",
            show=False,
            tooltip="Load a preset (shows headline figures)",
            id="file.presets",
        ),
        Binding("ctrl+o", "open_file", "Open", show=False, tooltip="Open a design file", id="file.open"),
        Binding(
            "ctrl+n",
            "new_design",
            "New",
            show=False,
            tooltip="Start a new design from a template (empty cluster, one supernode, one rack)",
            id="file.new",
        ),
        Binding("question_mark,f1", "help", "Help", key_display="?", tooltip="This list", id="app.help"),
        Binding(
            "q,ctrl+q",
            "quit",
            "Quit",
            key_display="q",
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
        opened = companion.load(str(file), self.catalog)
        self.session = Session(opened.design, self.catalog, None if is_preset else file)
        # A large design read through its companion file comes packed: its first evaluation
        # starts from those arrays.
        self.packed: PackedDesign | None = opened.packed
        self.open_note = opened.note
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
        self.live: LiveEvaluator | None = LiveEvaluator(self.catalog)
        self.saved_totals: Results | None = None  # the totals at the last save or load
        self.baseline_version = self.session.version
        self._autosave_timer: object | None = None
        self.set_reactive(AscendApp.design, self.session.design)
        self.set_reactive(AscendApp.version, self.session.version)
        self.session.listen(self.session_changed)
        # The first evaluation starts now, in a thread of its own, while Textual starts up: its
        # figures are in the first frame if it is done by then, else they follow when it is.
        self._first: Future[EvaluationFinished | EvaluationFailed] = Future()
        first = Job(self.session.version, self.session.design, packed=self.packed)
        self.packed = None
        threading.Thread(
            target=self._evaluate_first, args=(first,), name="first evaluation", daemon=True
        ).start()

    def _evaluate_first(self, job: Job) -> None:
        assert self.live is not None
        try:
            with self.live.lock:
                figures = work_out(job.version, job.design, self.live.run(job), None)
            self._first.set_result(EvaluationFinished(figures))
        except DesignError as error:
            self._first.set_result(EvaluationFailed(job.version, str(error)))
        except BaseException as error:  # a bug: raised again on the UI thread, as a worker's would be
            self._first.set_exception(error)

    # --- start-up ------------------------------------------------------------------------------

    async def on_mount(self) -> None:
        screen = MainScreen(self.session, self.catalog, self.autosave.data)
        await self.push_screen(
            screen.data_bind(AscendApp.design, AscendApp.selected, AscendApp.figures, AscendApp.version)
        )
        self.metrics_panel.loading = True
        self.update_title()
        self.note_catalog()
        if self.open_note:
            self.notify(self.open_note, title="Companion file", severity="warning", timeout=12)
        if self._first.done():
            self.first_figures(self._first.result())
        else:
            self._first.add_done_callback(
                lambda done: self.call_from_thread(self.first_figures, done.result())
            )
        self.find_orphans()

    def first_figures(self, message: EvaluationFinished | EvaluationFailed) -> None:
        """Show the first evaluation, or evaluate again if the design was replaced while it ran."""
        if isinstance(message, EvaluationFinished) and message.figures.design is not self.session.design:
            self.request_evaluation(Change("start"))
        elif isinstance(message, EvaluationFinished):
            self.on_evaluation_finished(message)
        else:
            self.on_evaluation_failed(message)

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
            self.source_label = str(orphan.note.file) if orphan.note.file else "recovered design"
            self.loads += 1
            self.session.replace(orphan.design, orphan.note.file)
            self.session.mark_unsaved()  # restored work is unsaved until the user saves it
            self.update_title()
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

    # --- the state the screens show ------------------------------------------------------------

    def session_changed(self, change: Change) -> None:
        """Mirror the session after any change: the design, its figures, where the user is."""
        session = self.session
        if change.edited:
            if change.label == "load":  # changes are measured from the design as opened
                self.baseline_version = session.version
                self.saved_totals = None
            self.version = session.version
            self.design = session.design
            self.request_evaluation(change)
            self.schedule_autosave()
            self.update_title()
        self.selected = session.selected

    @property
    def main_screen(self) -> MainScreen:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("no main screen")

    @property
    def metrics_panel(self) -> MetricsPanel:
        return self.main_screen.query_one(MetricsPanel)

    @property
    def evaluation(self) -> Evaluation | None:
        """The latest evaluation (of the design at `evaluated_version`)."""
        return None if self.figures is None else self.figures.evaluation

    @property
    def evaluated_version(self) -> int:
        """The design version the figures shown are of (-1: none yet)."""
        return -1 if self.figures is None else self.figures.version

    def update_title(self) -> None:
        mark = " ●" if self.session.dirty else ""
        self.sub_title = visible(f"{self.session.design.name} — {self.source_label}{mark}")

    # --- evaluation ----------------------------------------------------------------------------

    def request_evaluation(self, change: Change) -> None:
        if self.live is None:
            return  # the warm-up evaluates the design as it is when the engine is ready
        session = self.session
        count = 0
        if change.count_only is not None:
            count = node_at(session.design, change.count_only).count
        packed, self.packed = self.packed, None
        self.run_job(Job(session.version, session.design, change.count_only, count, packed))

    # A description, because Textual otherwise reprs the arguments: a whole design on big layouts.
    @work(thread=True, exclusive=True, group="evaluate", description="evaluate the design")
    def run_job(self, job: Job) -> None:
        assert self.live is not None
        try:
            with self.live.lock:  # the figures read the arrays the next job may write
                figures = work_out(job.version, job.design, self.live.run(job), None)
        except DesignError as error:
            self.post_message(EvaluationFailed(job.version, str(error)))
            return
        self.post_message(EvaluationFinished(figures))

    def on_evaluation_finished(self, message: EvaluationFinished) -> None:
        figures = message.figures
        if figures.version != self.session.version or self.live is None:
            return  # an edit overtook this result
        if self.baseline_version == figures.version:
            self.saved_totals = figures.totals
        if self.metrics_panel.loading:  # the first figures are up: now compile for later edits
            self.metrics_panel.loading = False
            self.warm_up()
        self.figures = replace(figures, saved=self.saved_totals)

    def on_evaluation_failed(self, message: EvaluationFailed) -> None:
        """The last edit made a design the evaluator refuses (totals too large): take it back."""
        if message.version != self.session.version:
            return
        self.session.drop_last()
        self.notify(message.error, title="Edit refused", severity="error")

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
        figures = self.figures
        totals = figures.totals if figures is not None and figures.current(session.version) else None
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
        companion.write_beside(written, design, self.catalog)
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
            if self.figures is not None:
                self.figures = replace(self.figures, saved=totals)
            slot = self.slot
            if slot is not None and (before is None or before.resolve() != written):
                self.slot = None  # the autosave follows the design to its new file
                self.in_background(lambda: slot.release(keep=False))
            elif slot is not None:
                self.in_background(lambda: slot.clear(upto=version))
            if self.session.dirty:
                self.schedule_autosave()
            self.update_title()
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
                default="cancel",  # a stray Enter loses nothing and overwrites nothing
            ),
            answered,
        )

    def load(self, file: FilePath, label: str, as_file: bool) -> None:
        """Open a design file or preset in a worker; the current design stays until it is read."""
        self.read_design(file, label, as_file, self.session.version)

    @work(thread=True, exclusive=True, group="open", description="open a design")
    def read_design(self, file: FilePath, label: str, as_file: bool, version: int) -> None:
        try:
            opened = companion.load(str(file), self.catalog)
        except DesignError as error:
            self.call_from_thread(self.notify, str(error), title="Cannot open", severity="error", timeout=12)
            return
        if opened.note:
            self.call_from_thread(self.notify, opened.note, title="Companion file", severity="warning")
        self.call_from_thread(
            self.opened, opened.design, file if as_file else None, label, version, opened.packed
        )

    def opened(
        self,
        design: Design,
        file: FilePath | None,
        label: str,
        version: int,
        packed: PackedDesign | None = None,
    ) -> None:
        """Put a design read in the background in place, asking again if the user edited the
        one before while it was read."""

        def start() -> None:
            self.packed = packed  # the evaluation the replacement asks for starts from these arrays
            self.start_on(design, file, label)
            self.note_catalog()

        if self.session.version != version:
            self.confirm_discard(start)
        else:
            start()

    def start_on(self, design: Design, file: FilePath | None, label: str) -> None:
        """Make `design` the one being edited; the work on the one before was saved or discarded."""
        self.source_label = label
        self.loads += 1
        slot, self.slot = self.slot, None
        if slot is not None:
            self.in_background(lambda: slot.release(keep=False))
        self.session.replace(design, file)
        for panel in self.main_screen.query(FiguresPanel):  # another design's figures from their top
            panel.scroll_home(animate=False)
        self.update_title()

    def note_catalog(self) -> None:
        """Say so when the design was saved with another catalog version, and what changed."""
        note = catalog_note(self.session.design, self.catalog)
        if note:
            self.notify(note, title="Another catalog version", timeout=15)

    def action_open_preset(self) -> None:
        def chosen(name: str | None) -> None:
            if name:
                self.confirm_discard(lambda: self.load(presets.resolve(name), f"preset {name}", False))

        self.push_screen(PresetPicker(self.catalog), chosen)

    def action_new_design(self) -> None:
        """Start a new design from a template, once the one open is saved or discarded."""

        def chosen(name: str | None) -> None:
            if name in templates.TEMPLATES:
                self.start_on(templates.make(name), None, "new design")

        choices = [(name, label) for name, (label, _) in templates.TEMPLATES.items()]
        ask = Confirm("New design", "Start from:", [*choices, ("cancel", "Cancel")], default="cancel")

        def ask_which() -> None:
            self.push_screen(ask, chosen)

        self.confirm_discard(ask_which)

    def action_open_file(self) -> None:
        def chosen(file: FilePath | None) -> None:
            if file is not None:
                self.confirm_discard(lambda: self.load(file, str(file), True))

        self.push_screen(PathPrompt("Open design file", must_exist=True), chosen)

    def action_help(self) -> None:
        """Every binding: the main screen's and the app's, then those of the other views."""
        rows = []
        sections: list[tuple[str, Iterable[object]]] = [
            ("", [*MainScreen.BINDINGS, *self.BINDINGS]),
            ("Tree: ", TREE_KEYS),
            ("Compare view: ", CompareScreen.BINDINGS),
            ("Floor plan: ", FloorScreen.BINDINGS),
            ("Chart: ", ChartScreen.BINDINGS),
            ("Network: ", NetworkScreen.BINDINGS),
        ]
        for where, bindings in sections:
            for binding in bindings:
                assert isinstance(binding, Binding)
                if binding.description:
                    keys = ", ".join(
                        self.get_key_display(replace(binding, key=key, key_display=None))
                        for key in binding.key.split(",")
                    )
                    rows.append((keys, where + (binding.tooltip or binding.description)))
        self.push_screen(HelpScreen(rows))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own commands, less those the palette lists from the app's keys (Quit, Keys)."""
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Keys"):
                yield command

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


# The tree's own keys, for the help screen.
TREE_KEYS = (
    Binding("up,down", "", "Move", tooltip="Move up and down the tree"),
    Binding("left", "", "Collapse", tooltip="Collapse an open branch, or go to the parent"),
    Binding("right", "", "Expand", tooltip="Open a closed branch, or go to its first child"),
    Binding("space", "", "Toggle", tooltip="Open or close a branch"),
    Binding("tab", "", "Next", tooltip="Next panel (the editor, the figures); Escape in a field comes back"),
)
