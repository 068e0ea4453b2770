"""The app: start-up to first figures, and a key press to updated figures, on real presets."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from common import table
from layouts import explicit_layout

from ascend_tui.model.autosave import Autosave
from ascend_tui.model.toml_format import load_design, save_design
from ascend_tui.ui.app import AscendApp


async def wait_current(pilot, app: AscendApp) -> None:  # type: ignore[no-untyped-def]
    while app.evaluated_version != app.session.version:
        await pilot.pause(0.0005)


async def startup(preset: str, folder: Path) -> float:
    start = time.perf_counter()
    app = AscendApp(preset, autosave=Autosave(folder))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_current(pilot, app)
        elapsed = time.perf_counter() - start
        await pilot.press("q")
    return elapsed


async def key_to_figures(preset: str, folder: Path, presses: int = 40) -> tuple[float, float, float, float]:
    """For + on a cabinet: the median time from the key's action starting to the new figures being
    in the metrics panel, the same through Pilot (press, wait, repaint), and Pilot's own cost for a
    key that does nothing (the baseline)."""
    opened = time.perf_counter()
    app = AscendApp(preset, autosave=Autosave(folder))
    marks: dict[str, float] = {}
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_current(pilot, app)
        first = time.perf_counter() - opened
        await pilot.press("down", "down")  # a cabinet node
        show = app.show_metrics
        step = app.step_count

        def timed_step(n: int) -> None:
            marks["key"] = time.perf_counter()
            step(n)

        def timed_show() -> None:
            show()
            if app.evaluated_version == app.session.version:
                marks["shown"] = time.perf_counter()

        app.step_count = timed_step  # type: ignore[method-assign]
        app.show_metrics = timed_show  # type: ignore[method-assign]
        inside, through, idle = [], [], []
        for _ in range(presses):
            start = time.perf_counter()
            await pilot.press("plus")
            await wait_current(pilot, app)
            through.append(time.perf_counter() - start)
            inside.append(marks["shown"] - marks["key"])
        for _ in range(presses):
            start = time.perf_counter()
            await pilot.press("ctrl+l")  # not bound: the cost of a press and a frame alone
            await pilot.pause()
            idle.append(time.perf_counter() - start)
        app.session.mark_saved()
        await pilot.press("q")
    return statistics.median(inside), statistics.median(through), statistics.median(idle), first


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        asyncio.run(startup("atlas-950-superpod", data))  # compile or load the kernels once
        starts = [asyncio.run(startup("atlas-950-superpod", data)) for _ in range(5)]
        inside, through, idle, _ = asyncio.run(key_to_figures("atlas-960-supercluster", data))
        big = data / "explicit.toml"
        save_design(explicit_layout(100_000), big)
        opened = time.perf_counter()
        load_design(big)
        read = time.perf_counter() - opened
        big_inside, _, _, big_first = asyncio.run(key_to_figures(str(big), data, presses=10))
    rows = [
        ("Pilot: unbound key press and one frame (baseline)", idle, ""),
        ("Atlas 960 SuperCluster: + action to new figures in the panel", inside, "< 50 ms"),
        ("Atlas 960 SuperCluster: Pilot press + to new figures", through, ""),
        ("start-up to first figures, Atlas 950 SuperPoD (warm cache)", statistics.median(starts), "< 1.5 s"),
        ("100,000 distinct cabinets: + action to new figures in the panel", big_inside, ""),
        ("100,000 distinct cabinets: reading and checking the TOML file", read, ""),
        ("100,000 distinct cabinets: opening to first figures (reading included)", big_first, ""),
    ]
    table("App (Textual headless, Pilot)", rows, "Pilot: unbound key press and one frame (baseline)")


if __name__ == "__main__":
    main()
