"""What a key press redraws: only what changed, laid out again only when a height changes, and
the figures of the design before an edit kept until the edit's own arrive."""

from __future__ import annotations

from textual.screen import Screen

from ascend_tui.ui.widgets import STALE_AFTER, MetricsPanel
from tests.test_app import SIZE, make_app, settled, shown
from tests.test_app_planning import plain


def count_layouts(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """Count the times a screen is laid out from now on."""
    layouts = [0]
    lay_out = Screen._refresh_layout

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        layouts[0] += 1
        return lay_out(self, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    return layouts


async def test_a_count_edit_repaints_the_figures_without_laying_the_screen_out(tmp_path, monkeypatch):
    async with make_app(tmp_path, "atlas-950-superpod").run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "down", "plus")  # the first edit adds the changes column
        await settled(pilot)
        before = shown(app, "fp8_pflops")
        layouts = count_layouts(monkeypatch)
        for _ in range(3):
            await pilot.press("plus")
            await settled(pilot)
        assert shown(app, "fp8_pflops") != before
        assert layouts[0] == 0


async def test_the_figures_before_an_edit_stay_until_its_own_arrive(tmp_path, monkeypatch):
    async with make_app(tmp_path, "atlas-950-superpod").run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down")
        await settled(pilot)
        panel = app.main_screen.query_one(MetricsPanel)
        assert "Published figures" in plain(panel)
        monkeypatch.setattr(type(app), "run_job", lambda self, job: None)  # the evaluation is slow
        await pilot.press("plus")
        await pilot.pause()
        assert app.evaluated_version < app.session.version
        assert "Published figures" in plain(panel)  # kept for now: no flicker
        await pilot.pause(STALE_AFTER + 0.1)
        assert "Published figures" not in plain(panel)  # dropped: they may no longer hold
