"""Layers import one way: the model knows neither Textual nor Numba; the engine knows no Textual."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("ascend_tui.model.toml_format", ("textual", "numba", "numpy")),
        ("ascend_tui.model.presets", ("textual", "numba", "numpy")),
        ("ascend_tui.model.metrics", ("textual", "numba", "numpy", "rich")),
        ("ascend_tui.model.autosave", ("textual", "numba", "numpy", "rich")),
        ("ascend_tui.model.files", ("textual", "numba", "numpy", "rich")),
        ("ascend_tui.engine.evaluate", ("textual", "rich")),
    ],
)
def test_a_layer_does_not_import_what_is_above_it(module, forbidden):
    probe = f"import sys, {module}\nprint(sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r}))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_app_starts_without_what_its_first_figures_do_not_need():
    # Start-up time (issue 13): Numba loads after the first figures, tomlkit only for a save
    # over a person's file, plotext with a chart, Dask with a sweep on a cluster.
    forbidden = ("numba", "tomlkit", "plotext", "textual_plotext", "dask", "distributed")
    probe = (
        "import sys, ascend_tui.ui.app, ascend_tui.model.autosave\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({forbidden!r})))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
