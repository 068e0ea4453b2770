"""Hand-made hostile files: each one broke the tool once (issue 11). A file from anyone may not
crash it, take over the terminal or flood it; it gets a clear error and exit status 2."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from ascend_tui.cli import main
from ascend_tui.engine.evaluate import evaluate
from ascend_tui.engine.planning import plan_count
from ascend_tui.model.catalog import Figure
from ascend_tui.model.design import CustomPart, Design, find_block
from ascend_tui.model.problems import DesignError
from ascend_tui.model.toml_format import load_design, parse_design


def design(
    name: str = "pod",
    cabinet: str = "compute",
    notes: str = "",
    top: str = "",
    parts: str = "ascend-950dt = 8\nkunpeng-920 = 2",
    count: int = 4,
) -> str:
    """A small valid design with the given (TOML-escaped) texts."""
    return (
        f'format = 1\nname = "{name}"\nnotes = "{notes}"\n{top}\n'
        f'[cluster]\nname = "{name}"\ncount = 1\n\n'
        f'[[cluster.supernodes]]\nname = "{name} sn"\ncount = 2\n\n'
        f'[[cluster.supernodes.cabinets]]\nname = "{cabinet}"\ncount = {count}\n'
        'role = "compute"\ncooling = "liquid"\nfootprint_m2 = 2.0\n\n'
        f"[cluster.supernodes.cabinets.parts]\n{parts}\n"
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, text: str, name: str = "d.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- crashes that are now clear errors ----------------------------------------------------------


def test_deeply_nested_arrays_exit_2_with_the_place(tmp_path, capsys):
    path = write(tmp_path, design(top="junk = " + "[" * 5000 + "]" * 5000))
    code, out, err = run(capsys, "eval", path)
    assert (code, out) == (2, "")
    assert err == (
        f"ascend-tui: {path}:4: nested more than 64 levels deep "
        "(arrays, inline tables and dotted keys); no design needs that many\n"
    )


def chain(n: int, loop: bool) -> str:
    """n custom parts, each based on the next; the last on a catalog part, or on the first."""
    last = "p0" if loop else "ascend-950dt"
    return "".join(f'[parts.p{i}]\nbase = "{f"p{i + 1}" if i < n - 1 else last}"\n' for i in range(n))


def test_a_long_chain_of_base_parts_resolves(tmp_path):
    loaded = load_design(write(tmp_path, design(top=chain(1000, loop=False), parts="p0 = 8")))
    assert evaluate(loaded).totals()["fp8_pflops"] == 2 * 4 * 8 * 1000 / 1000
    from ascend_tui.model.catalog import load_catalog
    from ascend_tui.model.validate import resolve_parts

    parts, _ = resolve_parts(loaded, load_catalog())
    assert parts["p0"].name == "Ascend 950DT (custom p0)"  # not a name 1,000 suffixes long


def test_a_loop_of_base_parts_is_one_problem_that_names_it(tmp_path, capsys):
    path = write(tmp_path, design(top=chain(3000, loop=True), parts="p0 = 8"))
    code, _, err = run(capsys, "eval", path)
    assert code == 2
    assert err.splitlines() == [
        f"ascend-tui: {path}:5: part 'p0': `base` references loop: 'p0' -> 'p1' -> 'p2' -> 'p3' -> … "
        "-> 'p2999' -> 'p0' (3,000 parts); make one of them a full part"
    ]


def test_a_top_level_parts_that_is_not_a_table_is_a_clear_error(capsys, tmp_path):
    path = write(tmp_path, design(top="parts = 5"))
    code, _, err = run(capsys, "eval", path)
    assert code == 2
    assert err == f"ascend-tui: {path}:4: parts: expected a table, got int\n"


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        (
            "pue = 1" + "0" * 400,
            "design: `pue` must be a number no larger than 1e308, got <401-digit number>",
        ),
        ("[floor]\naisle_m = 1" + "0" * 400, "floor: `aisle_m` must be a number no larger than 1e308"),
        ("[targets]\nmin_fp8_ef = 1" + "0" * 400, "targets: `min_fp8_ef` must be a number no larger"),
        ("[parts.x]\nbase = 'ascend-950dt'\nhbm_gb = 1" + "0" * 400, "`value` must be a finite number >= 0"),
        ("format = 0x" + "f" * 4000, "format <4,817-digit number> is newer than this ascend-tui understands"),
        ("pue = " + "1" * 5000, "4: TOML syntax error: a number of 5,000 digits is too long to read"),
    ],
    ids=["pue", "floor", "target", "figure", "format", "digits"],
)
def test_numbers_too_large_for_a_float_are_clear_errors(tmp_path, capsys, top, expected):
    text = design(top=top)
    if top.startswith("format"):
        text = text.replace("format = 1\n", "")
    code, _, err = run(capsys, "eval", write(tmp_path, text))
    assert code == 2 and expected in err, err


def with_figure(figure: str, value: float) -> Design:
    """The small design with its chips swapped for a custom part whose `figure` is `value`, built
    in code as the app's part dialog would (a file is held to plausible figures before this)."""
    loaded = parse_design(design(parts="x = 8", top="[parts.x]\nbase = 'ascend-950dt'\n"))
    return replace(loaded, parts={"x": CustomPart("x", base="ascend-950dt", figures={figure: Figure(value)})})


def test_an_absurd_figure_in_a_file_is_refused_at_load(tmp_path, capsys):
    path = write(
        tmp_path, design(top="[parts.x]\nbase = 'ascend-950dt'\nfp8_tflops = 1e300\n", parts="x = 8")
    )
    for argv in (["eval", path], ["scale", path, "compute", "min_fp8_ef=10"]):
        code, _, err = run(capsys, *argv)
        assert code == 2 and "is not plausible for one part" in err, err


def test_scale_with_absurd_figures_gives_an_answer_or_a_reason_not_a_crash():
    assert plan_count(with_figure("fp8_tflops", 1e300), (0, 0), "min_fp8_ef", 10.0).count == 1
    plan = plan_count(with_figure("fp8_tflops", 1e-310), (0, 0), "min_fp8_ef", 10.0)
    assert (plan.count, plan.reason) == (None, "no count up to 10^9 reaches it")


def test_totals_that_overflow_are_refused():
    with pytest.raises(DesignError, match="too large to compute"):
        evaluate(with_figure("power_w", 1e308))
    with pytest.raises(DesignError, match="too large to compute"):
        plan_count(with_figure("power_w", 1e308), (0, 0), "min_fp8_ef", 10.0)


def test_the_exact_count_limit_names_the_file(tmp_path, capsys):
    path = write(tmp_path, design(count=1_000_000_000, parts="ascend-950dt = 1000000000"))
    for argv in (
        ["eval", path],
        ["compare", path, "gb200-nvl72"],
        ["scale", path, "compute", "min_fp8_ef=1"],
    ):
        code, _, err = run(capsys, *argv)
        assert code == 2
        assert err.startswith(f"ascend-tui: {path}: design: the design totals 2e+18 chips, more than"), err


# --- errors that help ------------------------------------------------------------------------


def test_at_most_twenty_problems_are_listed_then_how_many_more(tmp_path, capsys):
    cabinet = '[[cluster.supernodes.cabinets]]\nname = "c{}"\n'
    cabinet += "[cluster.supernodes.cabinets.parts]\nkunpeng-92O = 1\n"
    cabinets = "".join(cabinet.format(i) for i in range(500))
    text = design().split("[[cluster.supernodes.cabinets]]")[0] + cabinets
    code, _, err = run(capsys, "eval", write(tmp_path, text))
    lines = err.splitlines()
    assert code == 2 and len(lines) == 22
    assert lines[0] == f"ascend-tui: 500 problems in {tmp_path / 'd.toml'}:"
    assert lines[1].endswith(
        "cabinet 'c0' > part 'kunpeng-92O': unknown part id 'kunpeng-92O'; did you mean 'kunpeng-920'?"
    )
    assert lines[20].endswith(
        "cabinet 'c19' > part 'kunpeng-92O': unknown part id 'kunpeng-92O'; did you mean 'kunpeng-920'?"
    )
    assert lines[21] == "  … and 480 more problems"


def test_a_huge_name_is_cut_in_messages(tmp_path, capsys):
    path = write(tmp_path, design(cabinet="x" * 1_000_000, count=0))
    code, _, err = run(capsys, "eval", path)
    assert code == 2 and len(err) < 600
    assert "cabinet 'xxxxxxxxxx" in err and "… (1,000,000 characters)" in err


# --- names are data: never markup, never a control sequence ------------------------------------

MARKUP = "[/] [/red] [link=https://evil.example]click[/link] [bold red]loud"
CONTROL = r"t\u001b]0;pwned\u0007 \u001b[31mred \u202egnp.exe \u009b2J \u200bz"
SHOWN_CONTROL = r"t\x1b]0;pwned\x07 \x1b[31mred \u202egnp.exe \x9b2J \u200bz"
# Control characters (C0 but newline, DEL, C1), bidi controls and other invisible format
# characters, written out from their definitions.
FORBIDDEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)


def test_markup_in_names_is_shown_as_written_everywhere_on_the_command_line(tmp_path, capsys):
    path = write(tmp_path, design(name=MARKUP, cabinet=MARKUP, top="[targets]\nmin_fp8_ef = 1000.0\n"))
    code, out, err = run(capsys, "eval", path)
    assert code == 0, err
    assert MARKUP in out  # the table's title
    words = " ".join(out.split())  # lines wrapped at 200 columns, joined again
    assert f"look at cluster '{MARKUP}' > supernode '{MARKUP} sn' > cabinet '{MARKUP}'" in words
    code, out, err = run(capsys, "compare", path, "gb200-nvl72", "--baseline", "1")
    assert code == 0, err
    assert MARKUP in out.replace("\n", "").replace("│", "")  # a column header and the title
    escaped = MARKUP.replace("/", "\\/")
    code, out, err = run(capsys, "scale", path, f"{escaped} sn/{escaped}", "min_fp8_ef=1")
    assert code == 0, err
    scaling = f"Scaling cluster '{MARKUP}' > supernode '{MARKUP} sn' > cabinet '{MARKUP}'"
    assert scaling in " ".join(out.split())


@pytest.mark.parametrize("terminal", [False, True])
def test_control_characters_in_names_and_notes_never_reach_the_terminal(
    tmp_path, capsys, monkeypatch, terminal
):
    if terminal:
        monkeypatch.setenv("FORCE_COLOR", "1")  # as on a terminal: Rich's own colours are allowed
    text = design(name=CONTROL, cabinet="compute", notes=CONTROL, top="[targets]\nmin_fp8_ef = 1e3\n")
    path = write(tmp_path, text)
    outputs = []
    for argv in (
        ["eval", path],
        ["compare", path, "gb200-nvl72"],
        ["scale", path, "compute", "min_fp8_ef=1"],
    ):
        code, out, err = run(capsys, *argv)
        assert code == 0, err
        outputs.append(out)
    for out in outputs:
        styling_removed = re.sub(r"\x1b\[[0-9;]*m", "", out) if terminal else out
        assert not FORBIDDEN.search(styling_removed), repr(FORBIDDEN.search(styling_removed))
    assert SHOWN_CONTROL in outputs[0].replace("\n", "")


def test_control_characters_in_error_messages_and_file_names_are_shown_visibly(tmp_path, capsys):
    path = write(tmp_path, design(cabinet=CONTROL, count=0), name="evil\x1b]0;pwned\x07.toml")
    code, _, err = run(capsys, "eval", path)
    assert code == 2
    assert not FORBIDDEN.search(err)
    assert "evil\\x1b]0;pwned\\x07.toml" in err


def test_the_json_output_escapes_control_characters(tmp_path, capsys):
    code, out, _ = run(capsys, "eval", write(tmp_path, design(name=CONTROL)), "--json")
    assert code == 0 and not FORBIDDEN.search(out)
    assert json.loads(out)["design"].startswith("t\x1b]0;pwned\x07")  # the data itself is kept


# --- addressing a node whose name contains / ------------------------------------------------------


def test_scale_finds_a_node_whose_name_contains_a_slash():
    parts = "[cluster.supernodes.cabinets.parts]\nascend-950dt = 8"
    text = design(name="pod", cabinet="compute/a").replace(
        parts, f'{parts}\n\n[[cluster.supernodes.cabinets]]\nname = "a"\n{parts}'
    )
    d = parse_design(text)
    assert find_block(d, "compute/a") == (0, 0)  # matched whole: no cabinet 'a' under a 'compute'
    assert find_block(d, r"compute\/a") == (0, 0)  # or with the / escaped
    assert find_block(d, "pod sn/compute\\/a") == (0, 0)
    assert find_block(d, "a") == (0, 1)
    with pytest.raises(DesignError) as caught:
        find_block(d, "comp")
    assert str(caught.value) == (
        "'comp' names no block; use one of: pod, pod/pod sn, pod/pod sn/a, pod/pod sn/compute\\/a"
    )


def test_a_slash_path_that_also_matches_a_whole_name_is_ambiguous():
    text = design(name="pod", cabinet="sn/x").replace('name = "pod sn"', 'name = "sn"')
    text += '\n[[cluster.supernodes]]\nname = "sn"\n[[cluster.supernodes.cabinets]]\nname = "x"\n'
    d = parse_design(text)
    with pytest.raises(
        DesignError, match=r"'sn/x' matches more than one block; write a / inside a name as \\/"
    ):
        find_block(d, "sn/x")
    assert find_block(d, r"sn\/x") == (0, 0)
    assert find_block(d, r"sn/sn\/x") == (0, 0)
    assert find_block(d, "pod/sn/x") == (1, 0)


def test_names_too_long_for_the_file_system_are_clear_errors(tmp_path, capsys):
    code, _, err = run(capsys, "eval", "x" * 300)
    assert code == 2 and "no preset or file named 'xxxxx" in err
    text = design().replace(
        '[[cluster.supernodes]]\nname = "pod sn"', f'[[cluster.supernodes]]\nuse = "{"y" * 300}"'
    )
    code, _, err = run(capsys, "eval", write(tmp_path, text))
    assert code == 2 and "no preset named 'yyyy" in err, err


def test_a_nul_character_in_a_path_is_a_clear_error(tmp_path, capsys):
    text = design().replace(
        '[[cluster.supernodes]]\nname = "pod sn"', '[[cluster.supernodes]]\nuse = "a/\\u0000"'
    )
    code, _, err = run(capsys, "eval", write(tmp_path, text))
    assert code == 2 and "cannot hold a NUL character" in err, err
    code, _, err = run(capsys, "eval", "a\0.toml")
    assert code == 2 and "a file name cannot hold a NUL character" in err, err
