"""Start the installed app headless on its default preset, wait for its first figures, and quit.

Run by .ci/run against the wheel installed outside the source tree.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import ascend_tui
from ascend_tui.model.autosave import Autosave
from ascend_tui.ui.app import AscendApp


async def start() -> str:
    app = AscendApp(None, autosave=Autosave(Path(tempfile.mkdtemp())))
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(6000):  # at most a minute: a cold start compiles the kernel
            await pilot.pause(0.01)
            if app.evaluated_version == app.session.version:
                break
        else:
            sys.exit("app smoke test: no figures within a minute")
        return f"{app.session.design.name}: FP8 {app.metrics_panel.shown['fp8_pflops']}"


shown = asyncio.run(start())
print(f"app started from {Path(ascend_tui.__file__).parent}; {shown}")
if shown != "Atlas 950 SuperPoD: FP8 8.19 EF":
    sys.exit(f"app smoke test: unexpected figures: {shown}")
