"""The app with files from anyone and work that must not be lost: autosave slots per file and per
instance, orphans offered back, overwrite confirmation, saves off the UI thread, names that are
neither markup nor control sequences, and exit status 1 after a crash."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Button, Input

from ascend_tui.model import presets
from ascend_tui.model import toml_format as toml_format_module
from ascend_tui.model.autosave import Autosave
from ascend_tui.model.toml_format import load_design, save_design
from ascend_tui.ui.app import AscendApp
from ascend_tui.ui.dialogs import Confirm, PathPrompt
from ascend_tui.ui.main_screen import MainScreen
from ascend_tui.ui.widgets import DesignTree
from tests.test_app import SIZE, make_app, settled
from tests.test_hostile import FORBIDDEN, design

HOSTILE = r"[/red] [link=https://evil.example]x[/link] \u001b]0;pwned\u0007 \u202eevil"
SHOWN = r"[/red] [link=https://evil.example]x[/link] \x1b]0;pwned\x07 \u202eevil"


async def until(pilot: Pilot[None], event: threading.Event) -> None:
    """Let the app run until a worker sets `event`."""
    for _ in range(1000):
        if event.is_set():
            return
        await pilot.pause(0.01)
    raise AssertionError("the worker did not start")


def slots(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "data" / "autosave").glob("*.toml"))


async def edit_and_autosave(pilot: Pilot[None]) -> AscendApp:
    app = await settled(pilot)
    await pilot.press("down", "plus")
    app = await settled(pilot)
    app.autosave_now()
    return await settled(pilot)


async def asked(pilot: Pilot[None]) -> Confirm:
    """The question the app asks (the recovery question once the start-up scan has found the
    orphans), when its buttons are laid out: a click before that lands nowhere."""
    for _ in range(300):
        await pilot.pause(0.01)
        screen = pilot.app.screen
        if isinstance(screen, Confirm) and all(b.region.width for b in screen.query(Button)):
            return screen
    raise AssertionError("no recovery question")


def text_of(screen: Confirm) -> str:
    return " ".join(str(w.render()) for w in screen.query("Label, Static"))


# --- autosave slots -------------------------------------------------------------------------


HOLDER = """
import sys, time
from pathlib import Path
from ascend_tui.model import presets
from ascend_tui.model.autosave import Autosave
slot = Autosave(Path(sys.argv[1])).claim(None)
slot.write(presets.load("gb200-nvl72"), None, "preset gb200-nvl72", 1)
print("ready", flush=True)
time.sleep(120)
"""


async def test_another_running_instance_keeps_its_autosave_and_a_crashed_one_is_offered(tmp_path):
    other = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / "data")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdout.readline() == "ready\n"
        [theirs] = slots(tmp_path)
        async with make_app(tmp_path).run_test(size=SIZE) as pilot:
            app = await edit_and_autosave(pilot)
            assert not isinstance(app.screen, Confirm)  # a running instance's autosave is not offered
            assert len(slots(tmp_path)) == 2  # each instance has its own slot
            await pilot.press("q")
            await asked(pilot)
            await pilot.click("#choice-discard")  # a clean quit: clears its own slot only
            await pilot.pause()
        assert slots(tmp_path) == [theirs]
    finally:
        other.kill()  # the other instance crashes
        other.wait()
        assert other.stdout is not None
        other.stdout.close()
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        question = await asked(pilot)
        assert "'GB200 NVL72'" in text_of(question)
        assert "unsaved, from preset gb200-nvl72" in text_of(question)
        await pilot.click("#choice-restore")
        app = await settled(pilot)
        assert app.session.design == presets.load("gb200-nvl72") and app.session.dirty


async def test_work_on_a_file_is_autosaved_to_its_own_slot_and_offered_with_the_file(tmp_path):
    target = tmp_path / "pod.toml"
    save_design(presets.load("atlas-950-superpod"), target)
    async with make_app(tmp_path, str(target)).run_test(size=SIZE) as pilot:
        app = await edit_and_autosave(pilot)
        edited = app.session.design
        [slot] = slots(tmp_path)
        assert slot.startswith("file-")
        app.exit()  # not a clean quit: the work stays for the next start
    async with make_app(tmp_path, str(target)).run_test(size=SIZE) as pilot:
        question = await asked(pilot)
        assert str(target) in text_of(question)
        await pilot.click("#choice-restore")
        app = await settled(pilot)
        assert app.session.design == edited and app.session.file == target and app.session.dirty
        assert slots(tmp_path) == [slot]  # the restored slot is this instance's now
        await pilot.press("ctrl+s")
        app = await settled(pilot)
        assert not app.session.dirty and load_design(target) == edited
    assert slots(tmp_path) == []


async def test_every_orphan_is_offered_and_kept_ones_never_overwrite_each_other(tmp_path):
    for name in ("gb200-nvl72", "cloudmatrix-384"):
        slot = Autosave(tmp_path / "data").claim(None)
        slot.write(presets.load(name), None, f"preset {name}", 1)
        slot.release(keep=True)
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        for _ in range(2):
            await asked(pilot)
            await pilot.click("#choice-keep")
            await pilot.pause()
    kept = sorted((tmp_path / "data").glob("recovered-*.toml"))
    assert sorted(load_design(k).name for k in kept) == ["CloudMatrix 384", "GB200 NVL72"]
    assert slots(tmp_path) == []


async def test_an_unreadable_autosave_is_kept_aside_and_reported(tmp_path):
    slot = Autosave(tmp_path / "data").claim(None)
    slot.design_file.write_text("format = 1\n[cabinet\n")
    slot.release(keep=True)
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        for _ in range(100):
            await pilot.pause(0.01)
            if app._notifications:
                break
        [note] = list(app._notifications)
        assert "could not be read" in note.message and "kept at" in note.message
    [kept] = (tmp_path / "data").glob("recovered-*.toml")
    assert kept.read_text() == "format = 1\n[cabinet\n"


async def test_an_autosave_from_an_earlier_version_is_offered(tmp_path):
    (tmp_path / "data").mkdir()
    save_design(presets.load("gb200-nvl72"), tmp_path / "data" / "autosave.toml")
    (tmp_path / "data" / "autosave.json").write_text('{"file": null}')
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        question = await asked(pilot)
        assert "'GB200 NVL72'" in text_of(question)


# --- saving --------------------------------------------------------------------------------


async def save_as(pilot: Pilot[None], target: Path) -> None:
    await pilot.press("S")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PathPrompt)
    pilot.app.screen.query_one(Input).value = str(target)
    await pilot.press("enter")
    await pilot.pause()


async def test_save_as_onto_an_existing_file_asks_and_the_default_keeps_the_file(tmp_path):
    target = tmp_path / "mine.toml"
    target.write_text("my work")
    async with make_app(tmp_path, "gb200-nvl72").run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await save_as(pilot, target)
        assert isinstance(app.screen, Confirm) and "already exists" in text_of(app.screen)
        await pilot.press("enter")  # the default answer: do not replace
        app = await settled(pilot)
        assert target.read_text() == "my work" and app.session.file is None
        await save_as(pilot, target)
        await asked(pilot)
        await pilot.click("#choice-replace")
        app = await settled(pilot)
        assert load_design(target) == presets.load("gb200-nvl72") and app.session.file == target


async def test_saving_runs_in_a_worker_and_edits_made_meanwhile_are_kept_and_unsaved(tmp_path, monkeypatch):
    target = tmp_path / "pod.toml"
    started, release = threading.Event(), threading.Event()
    real_dumps = toml_format_module.dumps_design

    def slow_dumps(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.set()
        assert release.wait(10)
        return real_dumps(*args, **kwargs)

    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "plus")
        app = await settled(pilot)
        saving = app.session.design
        monkeypatch.setattr(toml_format_module, "dumps_design", slow_dumps)
        await save_as(pilot, target)
        await until(pilot, started)
        await pilot.press("plus", "plus")  # the UI answers while the save runs
        await pilot.pause()
        assert app.session.design.root.blocks[0].count == 131  # type: ignore[union-attr]
        release.set()
        app = await settled(pilot)
        assert load_design(target) == saving  # the design as it was when Save was pressed
        assert app.session.dirty and app.session.file == target  # the two later edits are not in it
        assert app.session.design.root.blocks[0].count == 131  # type: ignore[union-attr]
        await pilot.press("u", "u")
        app = await settled(pilot)
        assert not app.session.dirty  # back to what was saved


async def test_autosave_runs_in_a_worker(tmp_path, monkeypatch):
    started, release = threading.Event(), threading.Event()
    real_dumps = toml_format_module.dumps_design

    def slow_dumps(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.set()
        assert release.wait(10)
        return real_dumps(*args, **kwargs)

    import ascend_tui.model.autosave as autosave_module

    monkeypatch.setattr(autosave_module, "dumps_design", slow_dumps)
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "plus")
        await settled(pilot)
        app.autosave_now()
        await until(pilot, started)
        await pilot.press("plus")
        await pilot.pause()
        assert app.session.design.root.blocks[0].count == 130  # type: ignore[union-attr]
        release.set()
        await settled(pilot)
        app.autosave_now()
        await settled(pilot)
        [slot] = (tmp_path / "data" / "autosave").glob("*.toml")
        assert load_design(slot) == app.session.design  # the later edit is autosaved too


# --- names are data ----------------------------------------------------------------------------


def hostile_file(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.toml"
    path.write_text(design(name=HOSTILE, cabinet=HOSTILE, notes=HOSTILE), encoding="utf-8")
    return path


def assert_clean(app: AscendApp) -> str:
    """The screen as drawn has no control character from the file; returns its text."""
    svg = app.export_screenshot()
    assert not FORBIDDEN.search(svg.replace("\n", "")), repr(FORBIDDEN.search(svg))
    return svg


async def test_names_with_markup_and_escape_sequences_are_shown_as_text_everywhere(tmp_path):
    path = hostile_file(tmp_path)
    async with make_app(tmp_path, str(path)).run_test(size=(160, 40)) as pilot:
        app = await settled(pilot)
        tree = app.screen.query_one(DesignTree)
        assert SHOWN in str(tree.root.label)
        assert SHOWN in app.sub_title
        assert_clean(app)
        await pilot.press("down", "down")  # the cabinet: its name in the editor
        app = await settled(pilot)
        assert app.screen.query_one("#field-name", Input).value == SHOWN
        assert_clean(app)
        await pilot.press("plus", "q")  # the unsaved-changes dialog names the design
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and SHOWN in text_of(app.screen)
        assert_clean(app)
        await pilot.press("escape")
        from textual.content import Content
        from textual.markup import escape

        from ascend_tui.ui.commands import DesignCommands

        # The palette reads its help as markup; it shows the keys' help, escaped, and nothing from the file.
        for _, help_text, _ in DesignCommands(app.screen).commands():
            assert Content.from_markup(escape(help_text)).plain == help_text
        app.notify(f"about {app.session.design.name}")
        await pilot.pause()
        assert SHOWN in list(app._notifications)[-1].message
        await pilot.press("m")  # the compare picker, then the comparison's header
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert_clean(app)


async def test_leaving_the_field_of_a_name_shown_with_escapes_changes_nothing(tmp_path):
    async with make_app(tmp_path, str(hostile_file(tmp_path))).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "down", "r")
        await pilot.pause()
        await pilot.press("tab")
        app = await settled(pilot)
        assert not app.session.dirty


async def test_the_recovery_dialog_shows_a_hostile_name_and_the_app_starts(tmp_path):
    async with make_app(tmp_path, str(hostile_file(tmp_path))).run_test(size=SIZE) as pilot:
        app = await edit_and_autosave(pilot)
        app.exit()
    for _ in range(2):  # the question is asked again at each start until it is answered
        async with make_app(tmp_path).run_test(size=(160, 40)) as pilot:
            question = await asked(pilot)
            assert SHOWN in text_of(question)
            assert_clean(pilot.app)  # type: ignore[arg-type]
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        await asked(pilot)
        await pilot.click("#choice-restore")
        app = await settled(pilot)
        assert SHOWN in app.sub_title


# --- exit status ------------------------------------------------------------------------------


async def test_an_unhandled_error_ends_the_app_with_status_1_and_keeps_the_work(tmp_path, monkeypatch):
    def broken(self: MainScreen) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(MainScreen, "action_duplicate", broken)
    app = make_app(tmp_path)
    with pytest.raises(RuntimeError, match="a bug"):
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            await pilot.press("down", "plus")
            await settled(pilot)
            await pilot.press("d")
            await pilot.pause()
    assert app.return_code == 1
    [slot] = (tmp_path / "data" / "autosave").glob("*.toml")
    assert load_design(slot).root.blocks[0].count == 129  # type: ignore[union-attr]


def test_the_command_line_exits_1_after_an_unhandled_error_in_the_app(tmp_path, monkeypatch):
    from ascend_tui.cli import main

    def broken(self: MainScreen) -> None:
        raise RuntimeError("a bug")

    async def press_d(pilot: Pilot[None]) -> None:
        await pilot.pause(0.2)
        await pilot.press("down", "d")

    def headless(self: AscendApp) -> None:
        App.run(self, headless=True, size=SIZE, auto_pilot=press_d)

    monkeypatch.setenv("ASCEND_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(MainScreen, "action_duplicate", broken)
    monkeypatch.setattr(AscendApp, "run", headless)
    assert main(["gb200-nvl72"]) == 1


async def test_an_edit_made_while_a_file_opens_is_not_lost(tmp_path, monkeypatch):
    started, release = threading.Event(), threading.Event()
    real_load = presets.load_file

    def slow_load(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.set()
        assert release.wait(10)
        return real_load(*args, **kwargs)

    app = make_app(tmp_path)
    monkeypatch.setattr(presets, "load_file", slow_load)
    async with app.run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        app.load(presets.presets_dir() / "gb200-nvl72.toml", "preset gb200-nvl72", False)
        await until(pilot, started)
        await pilot.press("down", "plus")  # edits the design still open
        release.set()
        for _ in range(200):
            await pilot.pause(0.01)
            if isinstance(app.screen, Confirm) and text_of(app.screen):  # shown, not only pushed
                break
        assert isinstance(app.screen, Confirm) and "unsaved changes" in text_of(app.screen)
        await pilot.press("escape")  # keep the edit
        app = await settled(pilot)
        assert app.session.design.name == "Atlas 950 SuperPoD" and app.session.dirty
