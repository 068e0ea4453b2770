"""The README's format example is a valid design, and its error example is what the tool says."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ascend_tui.cli import main
from ascend_tui.engine.evaluate import evaluate
from ascend_tui.model.sweep import load_spec, parse_spec
from ascend_tui.model.toml_format import parse_design

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def example(first_line: str = "format = 2") -> str:
    """The README's TOML example that starts with `first_line`."""
    [block] = [b for b in re.findall(r"```toml\n(.*?)```", README, re.S) if b.startswith(first_line)]
    return block


def test_the_format_example_loads_and_evaluates():
    design = parse_design(example())
    m = evaluate(design).totals()
    assert m["chips"] == 2 * 4 * 2 * 4  # pods, cabinets, servers, chips
    assert m["hbm_capacity_tb"] == 64 * 256 / 1000
    assert (m["scaleup_domains"], m["scaleup_domain_chips"]) == (2, 32)
    assert m["nics"] == 64 and m["switches"] == 2 + 1  # 64 NICs: two 32-port leaves and a spine
    assert design.targets["max_cabinet_kw"] == 60.0


def test_the_error_example_is_what_the_tool_prints(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    text = example().replace("count = 4\n", "count = 0\n", 1).replace("kunpeng-920 = 2", "kunpeng-92O = 2")
    bad.write_text(text)
    assert main(["eval", str(bad)]) == 2
    err = capsys.readouterr().err.replace(str(tmp_path) + "/", "")
    shown = re.search(r"```\n\$ ascend-tui eval bad.toml\n(.*?)```", README, re.S)
    assert shown is not None
    assert err == shown.group(1)


def test_the_presets_table_is_what_the_tool_prints(capsys):
    assert main(["presets"]) == 0
    printed = "\n".join(line.rstrip() for line in capsys.readouterr().out.splitlines()) + "\n"
    shown = re.search(r"```\n\$ ascend-tui presets\n(.*?)```", README, re.S)
    assert shown is not None
    assert printed == shown.group(1)


def test_the_app_s_keys_table_lists_every_key_of_the_main_screen_and_the_app():
    from textual.binding import Binding

    from ascend_tui.ui.app import AscendApp
    from ascend_tui.ui.main_screen import MainScreen

    section = README.split("## The app")[1].split("## The command line")[0]
    keys_column = " ".join(
        line.split("|")[1] for line in section.splitlines() if line.startswith("| ") and "---" not in line
    )
    for binding in [*MainScreen.BINDINGS, *AscendApp.BINDINGS]:
        assert isinstance(binding, Binding)
        key = binding.key_display or binding.key.split(",")[0]
        shown = {"plus": "+", "minus": "-", "asterisk": "*", "slash": "/", "dollar_sign": "$"}.get(key, key)
        assert shown in keys_column, f"{binding.action} ({shown}) is not in the README's keys table"


def test_the_sweep_example_is_the_shipped_spec_in_short():
    """The README shows the shipped example's objectives and limits and some of its axes, as they
    are in the file."""
    shown = parse_spec(tomllib.loads(example("sweep = 1")))
    shipped = load_spec(Path(__file__).parent.parent / "examples" / "sweep-atlas-950-superpod.toml")
    assert (shown.design, shown.objectives) == (shipped.design, shipped.objectives)
    assert shown.limits == shipped.limits
    assert len(shown.axes) == 4 and set(shown.axes) < set(shipped.axes)
    assert f"sweeps the Atlas 950 SuperPoD over {shipped.variants:,} variants" in " ".join(README.split())
