"""How the screens look at a fixed terminal size (pytest-textual-snapshot).

Update after an intended change with `pytest tests/test_snapshots.py --snapshot-update`, and
look at the report before committing the new SVGs.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from ascend_tui.model.autosave import Autosave
from ascend_tui.ui.app import AscendApp
from tests.test_app import settled


def app_for(tmp_path: Path, target: str | None = None) -> AscendApp:
    return AscendApp(target, autosave=Autosave(tmp_path / "data"))


async def no_blink(pilot: Pilot[None]) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


# The screens issue 10 names, at 80×24 and at 120×40.
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@SIZES
def test_main_screen_with_unsaved_changes(snap_compare, tmp_path, size):
    async def run_before(pilot: Pilot[None]) -> None:
        await settled(pilot)
        await pilot.press("down", "plus", "plus")  # 130 compute cabinets, unsaved (● in the title)
        await settled(pilot)
        await no_blink(pilot)

    assert snap_compare(app_for(tmp_path), terminal_size=size, run_before=run_before)


@SIZES
def test_catalog_browser(snap_compare, tmp_path, size):
    async def run_before(pilot: Pilot[None]) -> None:
        await settled(pilot)
        await pilot.press("down", "down", "p")
        await pilot.pause()
        pilot.app.screen.query_one("#filter", Input).value = "ascend"
        await pilot.pause()
        await no_blink(pilot)

    assert snap_compare(app_for(tmp_path), terminal_size=size, run_before=run_before)


@SIZES
def test_compare_view(snap_compare, tmp_path, size):
    async def run_before(pilot: Pilot[None]) -> None:
        await settled(pilot)
        await pilot.press("m")
        await settled(pilot)  # the presets' figures, worked out in a worker
        for _ in range(5):  # gb200-nvl72 is the sixth preset
            await pilot.press("down")
        await pilot.press("enter")
        await settled(pilot)

    assert snap_compare(app_for(tmp_path, "cloudmatrix-384"), terminal_size=size, run_before=run_before)


@SIZES
def test_floor_plan_of_a_million_chips(snap_compare, tmp_path, size):
    async def run_before(pilot: Pilot[None]) -> None:
        await settled(pilot)
        await pilot.press("f")
        await pilot.pause()

    assert snap_compare(
        app_for(tmp_path, "atlas-960-supercluster"), terminal_size=size, run_before=run_before
    )


def test_preset_picker(snap_compare, tmp_path):
    async def run_before(pilot: Pilot[None]) -> None:
        await settled(pilot)
        await pilot.press("o")
        await settled(pilot)  # the presets' figures, worked out in a worker

    assert snap_compare(app_for(tmp_path), terminal_size=(120, 32), run_before=run_before)


def test_help_screen(snap_compare, tmp_path):
    async def run_before(pilot: Pilot[None]) -> None:
        await settled(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app_for(tmp_path), terminal_size=(100, 40), run_before=run_before)


def test_targets_panel(snap_compare, tmp_path):
    app = app_for(tmp_path)
    targets = {"min_fp8_ef": 10.0, "max_floor_area_m2": 1200.0, "max_cabinet_kw": 50.0}
    app.session.design = replace(app.session.design, targets=targets)

    async def run_before(pilot: Pilot[None]) -> None:
        await settled(pilot)
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def test_chart(snap_compare, tmp_path):
    async def run_before(pilot: Pilot[None]) -> None:
        await settled(pilot)
        await pilot.press("down", "g")
        await pilot.pause()

    assert snap_compare(app_for(tmp_path), terminal_size=(120, 36), run_before=run_before)


def test_targets_dialog_at_80_by_24(snap_compare, tmp_path):
    async def run_before(pilot: Pilot[None]) -> None:
        await settled(pilot)
        await pilot.press("t")
        await pilot.pause()
        await no_blink(pilot)

    assert snap_compare(app_for(tmp_path), terminal_size=(80, 24), run_before=run_before)
