"""The sweep view driven by keys: the front of the selected block's variants, and loading one."""

from __future__ import annotations

from textual.widgets import DataTable

from ascend_tui.engine.evaluate import evaluate
from ascend_tui.ui.sweep_view import SweepScreen, block_axes
from tests.test_app import SIZE, make_app, settled


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
