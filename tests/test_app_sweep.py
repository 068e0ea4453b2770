"""The sweep view driven by keys: the front of the selected block's variants, and loading one."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import DataTable, Static

from ascend_tui.engine.evaluate import evaluate
from ascend_tui.model.metrics import BY_KEY
from ascend_tui.report import format_value, tick_labels
from ascend_tui.ui.sweep_view import SweepScreen, block_axes
from tests.test_app import SIZE, make_app, settled
from tests.test_app_planning import plain


async def front_shown(pilot) -> SweepScreen:  # type: ignore[no-untyped-def]
    screen = pilot.app.screen
    assert isinstance(screen, SweepScreen)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert screen.result is not None
    return screen


async def test_sweep_the_compute_cabinets_and_load_a_point_of_the_front(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "v")  # the compute cabinets of the Atlas 950 SuperPoD
        screen = await front_shown(pilot)
        result = screen.result
        assert result is not None
        axes = block_axes(app.session.design, (0,))
        assert [a.axis.label for a in axes] == [
            "compute.count",
            "compute.parts.ascend-950dt",
            "compute.parts.kunpeng-920",
        ]
        assert 128.0 in axes[0].axis.values and len(axes[0].axis.values) <= 48
        assert result.tried == len(axes[0].axis.values) * 4 * 4 and result.objectives == (
            ("fp8_pflops", "max"),
            ("tco_usd", "min"),
        )
        table = screen.query_one("#sweep-front", DataTable)
        assert table.row_count == len(result.front) > 1
        assert [str(c.label) for c in table.columns.values()] == [
            "FP8",
            "TCO",
            "compute count",
            "ascend-950dt per compute",
            "kunpeng-920 per compute",
        ]
        await pilot.press("down", "enter")  # the second point of the front
        app = await settled(pilot)
        point = result.front[1]
        cabinet = app.session.design.root.blocks[0]
        assert cabinet.count == point.parameters["compute.count"]
        assert {pc.part: pc.count for pc in cabinet.parts} == {
            "ascend-950dt": point.parameters["compute.parts.ascend-950dt"],
            "kunpeng-920": point.parameters["compute.parts.kunpeng-920"],
        }
        totals = evaluate(app.session.design).totals()
        assert (totals["fp8_pflops"], totals["tco_usd"]) == (
            point.objectives["fp8_pflops"],
            point.objectives["tco_usd"],
        )
        await pilot.press("u")  # one edit: one undo gives the design back
        app = await settled(pilot)
        assert app.session.design.root.blocks[0].count == 128


async def test_other_objectives_and_a_part_entry_refused(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "v")
        screen = await front_shown(pilot)
        await pilot.press("o")
        screen = await front_shown(pilot)
        assert screen.result is not None and screen.result.objectives[1] == ("capex_usd", "min")
        await pilot.press("escape", "right", "down", "v")  # a part entry of the cabinet
        await pilot.pause()
        assert not isinstance(app.screen, SweepScreen)


async def test_the_sweep_names_the_design_s_one_limit(tmp_path):
    app = make_app(tmp_path)
    app.session.design = replace(app.session.design, targets={"max_it_power_kw": 15000.0})
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("down", "v")
        screen = await front_shown(pilot)
        title = plain(screen.query_one("#sweep-title", Static))
        assert "feasible within the design's limit on IT power," in title


def test_tick_labels_of_a_narrow_range_are_told_apart():
    ticks = [10_900.0, 10_925.0, 10_950.0, 10_975.0, 11_000.0]
    assert [format_value(BY_KEY["fp8_pflops"], t) for t in ticks][:2] == ["10.9 EF", "10.9 EF"]
    labels = tick_labels(BY_KEY["fp8_pflops"], ticks)
    assert len(set(labels)) == 5 and (labels[0], labels[2], labels[4]) == ("10.90 EF", "10.95 EF", "11.00 EF")
    assert tick_labels(BY_KEY["fp8_pflops"], [1_000.0, 5_000.0]) == ["1.00 EF", "5.00 EF"]
