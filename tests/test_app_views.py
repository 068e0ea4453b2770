"""80×24 and long names, and the views finished: compare, scale to target, floor plan, charts,
and a terminal without colour (issue 10)."""

from __future__ import annotations

import re
import threading
from dataclasses import replace

import pytest
from textual.widgets import Input, Select

from ascend_tui.compare import times
from ascend_tui.engine import planning
from ascend_tui.model.metrics import HEADLINE
from ascend_tui.ui.dialogs import PartPicker, PresetPicker
from ascend_tui.ui.views import BANDS, ChartScreen, CompareScreen, FloorScreen, ScaleDialog, heat
from tests.test_app import make_app, settled
from tests.test_app_keys import field, screen_text
from tests.test_app_planning import choose_preset, plain

SMALL = (80, 24)
LARGE = (120, 40)


async def test_at_80_by_24_labels_counts_fields_and_the_footer_are_whole(tmp_path):
    async with make_app(tmp_path, "atlas-950-supercluster").run_test(size=SMALL) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "c", *"195", "enter")  # 195 SuperPoDs
        app = await settled(pilot)
        text = screen_text(app)
        assert "195 × Atlas" in text  # the count before the name, never cut
        for metric in HEADLINE:
            assert f" {metric.short_label} " in text, metric.short_label
        footer = text.splitlines()[-1]
        for key in ("a Add", "c Count", "m Compare", "? Help", "q Quit", "^p palette"):
            assert key in footer
        await pilot.press("down")  # the compute cabinets: their fields with their units
        app = await settled(pilot)
        text = screen_text(app)
        for label in ("Name", "Count", "Cooling", "Footprint m² ~", "Overhead ~", "Price $", "Weight kg"):
            assert label in text, label


async def test_at_80_by_24_a_target_and_the_node_behind_it_are_whole(tmp_path):
    app = make_app(tmp_path)
    app.session.design = replace(app.session.design, targets={"min_fp8_ef": 10.0, "max_cabinet_kw": 50.0})
    async with app.run_test(size=SMALL) as pilot:
        app = await settled(pilot)
        width = app.metrics_panel.scrollable_content_region.width
        lines = [line.rstrip() for line in plain(app.metrics_panel, width).splitlines()]
        assert "✘ FP8 compute ≥ 10.0 EF" in lines
        assert "  short by 1.81 EF" in lines
        assert "✘ Max cabinet power ≤ 50.0 kW" in lines


async def test_the_published_figures_a_design_records_are_set_beside_its_own(tmp_path):
    async with make_app(tmp_path, "cloudmatrix-384").run_test(size=LARGE) as pilot:
        app = await settled(pilot)
        width = app.metrics_panel.scrollable_content_region.width
        text = " ".join(plain(app.metrics_panel, width).split())  # as read, however it wraps
        assert "Published figures" in text
        assert "✔ BF16: 300 PF published, 300 PF here" in text  # SemiAnalysis' figure, met exactly
        assert "≠ Cabinets: 16 published, 17 here (1.06×) SemiAnalysis (Apr 2025): 12 compute" in text
        await pilot.press("down", "x")  # the figures follow the design: a removed block moves them
        app = await settled(pilot)
        text = " ".join(plain(app.metrics_panel, width).split())
        assert "Cabinets: 16 published, 17 here" not in text and "Cabinets: 16 published" in text


async def test_at_80_by_24_the_catalog_browser_shows_the_part_beside_the_list(tmp_path):
    async with make_app(tmp_path).run_test(size=SMALL) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "down", "p")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PartPicker)
        assert picker.query_one("#part-detail").size.width >= 30
        assert "Ascend 950DT (accelerator, " in screen_text(app)  # the part being replaced, its figures


async def test_at_80_by_24_the_preset_picker_shows_its_figures_whole(tmp_path):
    async with make_app(tmp_path).run_test(size=SMALL) as pilot:
        app = await settled(pilot)
        await pilot.press("o")
        app = await settled(pilot)  # the figures are worked out in a worker
        assert isinstance(app.screen, PresetPicker)
        text = screen_text(app)
        for header in ("preset", "FP8", "HBM", "IT power", "Chips"):
            assert header in text
        [cloudmatrix] = [line for line in text.splitlines() if "cloudmatrix-384" in line]
        assert "no FP8 units" in cloudmatrix and "~501 kW" in cloudmatrix
        assert "1,006,720" in text  # the Atlas 960 SuperCluster's chips


async def test_at_120_columns_no_count_hides_behind_a_long_name(tmp_path):
    async with make_app(tmp_path, "atlas-960-supercluster").run_test(size=LARGE) as pilot:
        app = await settled(pilot)
        assert "65 × Atlas 960 Super" in screen_text(app)


async def test_figures_say_each_only_when_they_are_per_part_or_per_block(tmp_path):
    async with make_app(tmp_path).run_test(size=LARGE) as pilot:
        app = await settled(pilot)
        await pilot.press("down")
        app = await settled(pilot)
        text = plain(app.metrics_panel, 60)
        assert "cabinet 'compute' ×128" in text and "FP8 compute each" in text
        await pilot.press("down")  # 64 × 950DT in a cabinet: the entry's figures, not one chip's
        app = await settled(pilot)
        text = plain(app.metrics_panel, 60)
        assert "64 × Ascend 950DT in one cabinet (of 128)" in text
        assert "each" not in text.split("in one cabinet")[1]
        assert "FP8 compute" in text and "64.0 PF" in text


# --- compare ---------------------------------------------------------------------------------


async def test_compare_tells_same_named_designs_apart_and_keeps_its_set(tmp_path):
    async with make_app(tmp_path).run_test(size=LARGE) as pilot:
        app = await settled(pilot)
        await pilot.press("m")
        await pilot.pause()
        await choose_preset(pilot, "atlas-950-superpod")  # the design beside its own preset
        app = await settled(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.comparison is not None
        assert screen.comparison.names == ["Atlas 950 SuperPoD", "Atlas 950 SuperPoD"]
        table = plain(screen.query_one("#compare-table"), 200)
        assert "this design" in table and "preset atlas-950-superpod" in table
        assert "FP8 compute per chip" in table and "1.00 PF" in table  # absolute, not only ratios
        await pilot.press("escape")
        await pilot.press("m")  # reopened: the same set, nothing to pick again
        app = await settled(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.comparison is not None
        assert screen.comparison.labels == ["this design", "preset atlas-950-superpod"]


async def test_escape_in_the_first_picker_stays_in_compare(tmp_path):
    async with make_app(tmp_path).run_test(size=LARGE) as pilot:
        app = await settled(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, PresetPicker)
        await pilot.press("escape")
        app = await settled(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert "a adds a preset, f a design file" in plain(app.screen.query_one("#compare-table"), 200)
        await pilot.press("a")  # the picker again, from compare
        await pilot.pause()
        assert isinstance(app.screen, PresetPicker)


@pytest.mark.parametrize(
    ("ratio", "said"),
    [
        (0.000042, "1/23,800×"),
        (0.048, "1/20.8×"),
        (0.48, "0.48×"),
        (6.7, "6.70×"),
        (25.0, "25.0×"),
        (1340.0, "1,340×"),
    ],
)
def test_ratios_are_never_written_with_an_exponent(ratio, said):
    assert times(ratio) == said


# --- scale to target ---------------------------------------------------------------------------


async def test_scale_starts_from_the_design_s_targets_and_works_in_a_worker(tmp_path, monkeypatch):
    threads = []
    real = planning.plan_count

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr("ascend_tui.ui.views.plan_count", watched)
    app = make_app(tmp_path)
    targets = {"max_floor_area_m2": 1200.0, "min_fp8_ef": 10.0}
    app.session.design = replace(app.session.design, targets=targets)
    async with app.run_test(size=LARGE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "s")
        app = await settled(pilot)
        dialog = app.screen
        assert isinstance(dialog, ScaleDialog)
        assert dialog.query_one("#scale-key", Select).value == "min_fp8_ef"  # the target, then limits
        assert dialog.query_one("#scale-goal", Input).value == "10"
        assert dialog.plan is not None and dialog.plan.count is None  # 10 EF needs more floor than 1,200 m²
        assert dialog.plan.limited_by == "max_floor_area_m2"
        assert threads and threading.main_thread() not in threads


# --- floor plan ---------------------------------------------------------------------------------


def test_each_power_band_has_its_own_colour_and_glyph():
    limit = 100.0
    drawn = [heat(kw, limit) for kw in (40.0, 60.0, 90.0, 120.0)]
    assert len({style for style, _ in drawn}) == 4 and len({glyph for _, glyph in drawn}) == 4
    assert [d[0] for d in drawn] == [band[1] for band in BANDS]


async def test_the_floor_plan_of_a_million_chips_fits_the_screen_pod_by_pod(tmp_path):
    async with make_app(tmp_path, "atlas-960-supercluster").run_test(size=LARGE) as pilot:
        app = await settled(pilot)
        await pilot.press("f")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FloorScreen)
        text = plain(screen.query_one("#floor-plan"), 118)
        assert "supernode 'Atlas 960 SuperPoD' ×65: 176 compute + 44 network each" in text
        assert "outside the pods: 2,458 network" in text
        # Cells stand for several cabinets here, so the drawn rows are not the layout's rows.
        per_cell = int(re.search(r"one cell = (\d+) cabinets", text)[1])  # type: ignore[index]
        assert per_cell > 1 and f"a drawn row stands for {per_cell} rows" in " ".join(text.split())
        assert len(text.splitlines()) <= LARGE[1] - 4  # with the header and footer, it fits


async def test_l_in_the_floor_plan_lays_out_rows_and_redraws_it(tmp_path):
    async with make_app(tmp_path).run_test(size=LARGE) as pilot:
        app = await settled(pilot)
        await pilot.press("f")
        await pilot.pause()
        floor = app.screen
        await pilot.press("l")
        await pilot.pause()
        app.screen.query_one("#form-cabinets_per_row", Input).value = "20"
        await pilot.click("#form-ok")
        app = await settled(pilot)
        assert app.screen is floor  # still the floor plan, redrawn
        assert "160 cabinets in 8 rows of 20" in plain(floor.query_one("#floor-plan"), 118)


# --- charts and colour ---------------------------------------------------------------------------


async def test_a_chart_draws_the_design_s_target(tmp_path):
    app = make_app(tmp_path)
    app.session.design = replace(app.session.design, targets={"min_fp8_ef": 10.0, "max_it_power_kw": 20000.0})
    async with app.run_test(size=LARGE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "g")
        await pilot.pause()
        chart = app.screen
        assert isinstance(chart, ChartScreen)
        assert chart.goals == {"fp8_pflops": ("≥ 10.0 EF", 10.0), "it_power_kw": ("≤ 20.0 MW", 20.0)}


async def test_at_80_by_24_the_chart_shows_one_figure_at_a_time(tmp_path):
    """Trial 2: three charts of two rows each at 80×24, their axes unreadable. On a short screen
    one chart fills the room and n goes to the next."""
    from textual_plotext import PlotextPlot

    async with make_app(tmp_path).run_test(size=SMALL) as pilot:
        await settled(pilot)
        await pilot.press("down", "g")
        await pilot.pause()
        chart = pilot.app.screen
        assert isinstance(chart, ChartScreen)
        shown = [p for p in chart.query(PlotextPlot) if p.display]
        assert [p.id for p in shown] == ["chart-fp8_pflops"] and shown[0].size.height >= 14
        await pilot.press("n")
        await pilot.pause()
        assert [p.id for p in chart.query(PlotextPlot) if p.display] == ["chart-it_power_kw"]
    async with make_app(tmp_path).run_test(size=LARGE) as pilot:
        await settled(pilot)
        await pilot.press("down", "g")
        await pilot.pause()
        assert all(p.display for p in pilot.app.screen.query(PlotextPlot))  # room for all three


async def test_without_colour_the_fields_and_the_focus_are_still_seen(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    async with make_app(tmp_path).run_test(size=LARGE) as pilot:
        app = await settled(pilot)
        count = field(app, "count")
        assert any(s.style is not None and s.style.underline for s in count.render_line(0))
        await pilot.press("c")
        await pilot.pause()
        assert any(s.style is not None and s.style.reverse for s in count.render_line(0))


async def test_at_80_by_24_a_form_takes_the_keyboard_from_its_first_field(tmp_path):
    async with make_app(tmp_path).run_test(size=SMALL) as pilot:
        app = await settled(pilot)
        await pilot.press("f", "l")  # the row layout's form is taller than the screen
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "form-cabinets_per_row"
        await pilot.press("backspace", "backspace", "2", "0", "enter")
        app = await settled(pilot)
        assert app.session.design.floor is not None and app.session.design.floor.cabinets_per_row == 20


async def test_the_figures_of_another_design_start_at_their_top(tmp_path):
    """Trial 2: after loading another preset the figures panel kept its scroll position, so FP8
    and the other headline figures started out of view."""
    async with make_app(tmp_path).run_test(size=SMALL) as pilot:
        app = await settled(pilot)
        app.metrics_panel.scroll_end(animate=False)
        await pilot.pause()
        assert app.metrics_panel.scroll_y > 0
        await pilot.press("o")
        await pilot.pause()
        await choose_preset(pilot, "cloudmatrix-384")
        app = await settled(pilot)
        assert app.source_label == "preset cloudmatrix-384"
        assert app.metrics_panel.scroll_y == 0
