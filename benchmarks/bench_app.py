"""The app under Pilot (headless): a key press to the updated screen, for `+` (a count edit to new
figures) and for a cursor move in the tree, each minus the same run's press of a key nothing is
bound to (Pilot's own cost of a press and a frame); and opening a 100,000-cabinet layout.

    python benchmarks/bench_app.py
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from layouts import explicit_layout

from ascend_tui.engine import companion
from ascend_tui.model.autosave import Autosave
from ascend_tui.model.catalog import load_catalog
from ascend_tui.model.toml_format import save_design
from ascend_tui.ui.app import AscendApp

PRESSES = 40


async def current(pilot, app: AscendApp) -> None:  # type: ignore[no-untyped-def]
    while app.evaluated_version != app.session.version:
        await pilot.pause(0.0005)
    await pilot.pause()  # and the frame that shows them


async def presses(target: str, folder: Path, n: int = PRESSES) -> dict[str, list[float]]:
    """Seconds per press: `+` to new figures, a cursor move to the new node's editor and
    figures, and an unbound key to its frame."""
    out: dict[str, list[float]] = {"plus": [], "move": [], "idle": [], "open": []}
    opened = time.perf_counter()
    app = AscendApp(target, autosave=Autosave(folder))
    async with app.run_test(size=(120, 36)) as pilot:
        await current(pilot, app)
        out["open"].append(time.perf_counter() - opened)
        await pilot.press("down", "down")  # a cabinet of the presets
        await current(pilot, app)
        for i in range(n):
            start = time.perf_counter()
            await pilot.press("plus")
            await current(pilot, app)
            out["plus"].append(time.perf_counter() - start)
            start = time.perf_counter()
            await pilot.press("up" if i % 2 else "down")
            await current(pilot, app)
            out["move"].append(time.perf_counter() - start)
            start = time.perf_counter()
            await pilot.press("ctrl+l")  # bound to nothing
            await pilot.pause()
            out["idle"].append(time.perf_counter() - start)
        app.session.mark_saved()
        await pilot.press("q")
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        asyncio.run(presses("atlas-950-superpod", data, 2))  # compile or load the kernels once
        title = "key press to updated screen, minus an unbound key press"
        print(f"\n{title:72} {'median':>10} {'worst':>10}  goal")
        for target in ("atlas-950-superpod", "atlas-960-supercluster"):
            times = asyncio.run(presses(target, data))
            idle = statistics.median(times["idle"])
            for key, what in (("plus", "+ to new figures"), ("move", "cursor move to the next node")):
                extra = [t - idle for t in times[key]]
                name = f"{target}: {what}"
                goal = "< 50 ms median, < 100 ms worst"
                print(
                    f"{name:72} {statistics.median(extra) * 1e3:7.1f} ms {max(extra) * 1e3:7.1f} ms  {goal}"
                )
        print(f"{'(Pilot: an unbound key press and a frame, the baseline)':72} {idle * 1e3:7.1f} ms")
        big = data / "layout.toml"
        save_design(explicit_layout(100_000), big)
        companion.load(str(big), load_catalog())  # writes the companion
        times = asyncio.run(presses(str(big), data, 10))
        idle = statistics.median(times["idle"])
        print(f"\n{'100,000 distinct cabinets (through the companion file)':72} {'median':>10} {'worst':>10}")
        print(
            f"{'opening to first figures (app object to figures in the panel)':72} {times['open'][0]:8.2f} s"
        )
        for key, what in (("plus", "+ to new figures"), ("move", "cursor move")):
            extra = [t - idle for t in times[key]]
            print(f"{what:72} {statistics.median(extra) * 1e3:7.1f} ms {max(extra) * 1e3:7.1f} ms")


if __name__ == "__main__":
    main()
