"""The planning views driven by keys: compare, targets, scale to target, chart and floor plan."""

from __future__ import annotations

import io

from rich.console import Console
from textual.widget import Widget
from textual.widgets import Input, Select, Static
from textual_plotext import PlotextPlot

from ascend_tui.ui.dialogs import PresetPicker
from ascend_tui.ui.views import ChartScreen, CompareScreen, FloorScreen, ScaleDialog, TargetsDialog
from tests.test_app import SIZE, make_app, settled


def plain(widget: Widget, width: int = 120) -> str:
    """What a Static (or the Statics a panel shows, top down) shows, as plain text."""
    statics = [widget] if isinstance(widget, Static) else [s for s in widget.query(Static) if s.display]
    console = Console(width=width, file=io.StringIO(), record=True)
    for static in statics:
        console.print(static.content)
    return console.export_text()


async def choose_preset(pilot, name: str) -> None:  # type: ignore[no-untyped-def]
    picker = pilot.app.screen
    assert isinstance(picker, PresetPicker)
    names = [str(r.value) for r in picker.query_one("DataTable").rows]
    for _ in range(names.index(name)):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


async def test_compare_the_design_with_a_preset_and_change_the_baseline(tmp_path):
    async with make_app(tmp_path, "cloudmatrix-384").run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("m")
        await pilot.pause()
        await choose_preset(pilot, "gb200-nvl72")
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        c = screen.comparison
        assert c.labels == ["this design", "preset gb200-nvl72"] and c.baseline == 0
        assert c.ratio(1, "chips") == 72 / 384
        await pilot.press("b")
        assert screen.comparison.baseline == 1
        assert screen.comparison.ratio(0, "chips") == 384 / 72
        await pilot.press("a")
        await pilot.pause()
        await choose_preset(pilot, "h100-8gpu-server")
        assert screen.comparison.labels[-1] == "preset h100-8gpu-server"
        assert "H100 8-GPU server" in plain(screen.query_one("#compare-table", Static), 200)
        await pilot.press("escape")
        assert app.screen is app.main_screen


async def test_targets_show_met_or_not_and_flag_the_node_responsible(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("t")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TargetsDialog)
        dialog.query_one("#form-min_fp8_ef", Input).value = "10"
        dialog.query_one("#form-max_floor_area_m2", Input).value = "1200"
        await pilot.click("#form-ok")
        app = await settled(pilot)
        assert app.session.design.targets == {"min_fp8_ef": 10.0, "max_floor_area_m2": 1200.0}
        panel = app.metrics_panel
        text = plain(panel, 60)
        assert "✘ FP8 compute ≥ 10.0 EF" in text and "short by 1.81 EF" in text
        assert "look at cabinet 'compute'" in text
        assert "✔ Floor area ≤ 1,200 m²" in text and "margin 200 m²" in text
        assert (0,) in app.main_screen.query_one("DesignTree").flagged  # type: ignore[attr-defined]
        await pilot.press("u")  # targets are an edit like any other
        app = await settled(pilot)
        assert app.session.design.targets == {}


async def test_scale_the_compute_cabinets_to_8_ef_and_apply(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ScaleDialog)
        assert dialog.query_one("#scale-key", Select).value == "min_fp8_ef"
        await pilot.press("1", "0", "enter")  # the value field has the focus
        await settled(pilot)
        # 157 cabinets would reach 10 EF, but the UB fabric connects 128 at most
        assert dialog.plan is not None and dialog.plan.count is None and dialog.plan.would == 157
        assert "ub-switch-960" in plain(dialog.query_one("#scale-result", Static))
        await pilot.press("backspace", "backspace", "8", "enter")
        await settled(pilot)
        assert dialog.plan is not None and dialog.plan.count == 125
        await pilot.click("#apply")
        app = await settled(pilot)
        assert app.session.design.root.blocks[0].count == 125
        assert app.metrics_panel.shown["fp8_pflops"] == "8.00 EF"


async def test_a_fabric_that_cannot_connect_is_flagged_in_the_figures_and_the_tree(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        assert "cannot connect" not in plain(app.metrics_panel)
        await pilot.press("down", "plus")  # 129 compute cabinets: past the UB fabric's 128
        app = await settled(pilot)
        text = plain(app.metrics_panel)
        assert "⚠ a fabric cannot connect" in text
        assert "scale-up fabric of supernode 'Atlas 950 SuperPoD'" in text
        assert "165,120 chip links; 163,840 at most" in text
        assert () in app.main_screen.query_one("DesignTree").flagged  # type: ignore[attr-defined]
        # its bandwidth is what it would carry if it connected, and says so
        assert app.metrics_panel.shown["scaleup_bandwidth_tbps"].endswith("⚠ fabric cannot connect")


async def test_chart_of_figures_against_a_count(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "g")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChartScreen)
        assert screen.counts[0] == 1 and screen.counts[-1] == 256 and 128 in screen.counts
        fp8 = [m["fp8_pflops"] for m in screen.points]
        assert fp8[screen.counts.index(128)] == 8192.0
        assert fp8[0] == 64.0  # one compute cabinet
        assert len(screen.query(PlotextPlot)) == 3


async def test_floor_plan_and_a_row_layout_that_sets_the_area(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FloorScreen)
        await pilot.press("l")
        await pilot.pause()
        app.screen.query_one("#form-cabinets_per_row", Input).value = "20"
        await pilot.click("#form-ok")
        app = await settled(pilot)
        assert app.session.design.floor is not None and app.session.design.floor.cabinets_per_row == 20
        # 160 cabinets in 8 rows of 20 x 0.6 m, each 1.2 m deep with a 1.2 m aisle
        assert app.metrics_panel.shown["floor_area_m2"] == "230 m²"
        assert app.figures is not None and app.figures.totals["floor_area_m2"] == 8 * 12.0 * 2.4
