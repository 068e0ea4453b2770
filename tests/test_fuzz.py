"""A fuzzer: the presets' TOML, mutated as a careless or hostile hand would, run through load,
evaluate, compare, scale, save and reload in-process.

For every mutation: only the project's own DesignError escapes (as exit status 2 on the
command line); every figure is finite and non-negative (a ratio may be n/a); a design saved
and loaded again is the same design with the same figures; and nothing printed holds a control
character from the input. On CI the cases are the same every run (the "ci" profile in
conftest.py); set ASCEND_TUI_FUZZ_EXAMPLES to run more locally.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ascend_tui.cli import main
from ascend_tui.engine.evaluate import evaluate
from ascend_tui.engine.results import Results
from ascend_tui.model import presets
from ascend_tui.model.design import Block, Node, children, walk
from ascend_tui.model.metrics import METRICS
from ascend_tui.model.problems import DesignError
from ascend_tui.model.toml_format import save_design
from tests.test_hostile import FORBIDDEN

EXAMPLES = int(os.environ.get("ASCEND_TUI_FUZZ_EXAMPLES", "300"))
TEXTS = {
    name: (presets.presets_dir() / f"{name}.toml").read_text(encoding="utf-8")
    for name in presets.preset_names()
}
# The registry's metrics that are ratios (a numerator over a denominator): n/a (NaN) where the
# quantity they divide by is zero. Every other figure must be a finite number, at least 0.
RATIOS = {m.key for m in METRICS if m.formula.denominator is not None}

NUMBERS = ["0", "-1", "1.5", "1e300", "1e308", "1e-310", "inf", "-inf", "nan", "999999999999", "1" + "0" * 30]
NUMBERS += ["0x7fffffffffffffff", "1_000", '"7"', "[]", "{}", "true", "1979-05-27", "2" * 5000]
TEXT_BITS = ["[/]", "[/red]", "[link=https://evil.example]x[/link]", "[bold]", "\\u001b]0;pwned\\u0007"]
TEXT_BITS += ["\\u001b[2J", "\\u202e", "\\u2066", "\\u200b", "\\u0000", "\\u009b", "\\u007f", "\\r\\n", "\\t"]
TEXT_BITS += ["/", "a/b", "\\\\", "é", "🚀", "x" * 300, " ", ""]
LINES = [
    "junk = " + "[" * 100 + "]" * 100,
    "deep = " + "{a = " * 40 + "1" + "}" * 40,
    "a" + ".b" * 80 + " = 1",
    "[parts.x]\nbase = 'ascend-950dt'\nfp8_tflops = 1e300",
    "[parts.y]\nbase = 'y'",
    "[parts.z]\nkind = 'accelerator'",
    "parts = 5",
    "[targets]\nmin_fp8_ef = 1e300\nmax_it_power_kw = 0.001",
    "[floor]\ncabinets_per_row = 0",
    "[floor]\ncabinets_per_row = 1",
    "format = 2",
    "count = 1000000000",
    "estimated = ['power_overhead', 'nope']",
    '[[supernode.cabinets]]\nname = "n"\n[supernode.cabinets.parts]\noptic-800g = 1000000000',
    "\ufeff",
    "\x00",
]
NUMBER = re.compile(r"(?<=[=\s\[,])-?\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?(?=\s*(?:[\],#\n]|$))")
STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
NAME = re.compile(r'(?m)(?<=^name = )"[^"\n]*"')


@st.composite
def mutations(draw: st.DrawFn, texts: dict[str, str] = TEXTS) -> str:
    """A preset's text (or one of `texts`) with one to four mutations."""
    text = texts[draw(st.sampled_from(sorted(texts)))]
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3, 4]))):
        kind = draw(
            st.sampled_from(
                [
                    "string",
                    "string",
                    "string",
                    "number",
                    "number",
                    "line",
                    "delete",
                    "duplicate",
                    "swap",
                    "char",
                ]
            )
        )
        lines = text.split("\n")
        if kind in ("number", "string", "name"):
            found = list({"number": NUMBER, "string": STRING, "name": NAME}[kind].finditer(text))
            if not found:
                continue
            m = draw(st.sampled_from(found))
            if kind == "number":
                new = draw(st.sampled_from(NUMBERS))
            else:
                new = '"' + "".join(draw(st.lists(st.sampled_from(TEXT_BITS), min_size=1, max_size=3))) + '"'
            text = text[: m.start()] + new + text[m.end() :]
        elif kind == "line":
            at = draw(st.integers(0, len(lines)))
            text = "\n".join([*lines[:at], draw(st.sampled_from(LINES)), *lines[at:]])
        elif kind == "delete":
            at = draw(st.integers(0, len(lines) - 1))
            text = "\n".join(lines[:at] + lines[at + 1 :])
        elif kind == "duplicate":
            at = draw(st.integers(0, len(lines) - 1))
            text = "\n".join([*lines[: at + 1], lines[at], *lines[at + 1 :]])
        elif kind == "swap":
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        else:
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(list("[]{}\"'=.,#\\\n x1"))) + text[at:]
    return text


def cli(*argv: str) -> tuple[int, str]:
    """Run the command line in-process: its exit status and everything it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    printed = out.getvalue() + err.getvalue()
    assert not FORBIDDEN.search(printed), f"{argv}: {FORBIDDEN.search(printed)!r} in {printed[:2000]!r}"
    return code, printed


def block_argument(names: list[str]) -> str:
    """A block's path for `scale`, each / and backslash inside a name escaped (see --help)."""
    return "/".join(n.replace("\\", "\\\\").replace("/", "\\/") for n in names)


def check_figures(results: Results) -> None:
    for key, value in [*results.values.items(), *results.low.items(), *results.high.items()]:
        if math.isnan(value):
            assert key in RATIOS, key
        else:
            assert math.isfinite(value) and value >= 0, (key, value)


def run_through_everything(text: str, folder: Path) -> None:
    path = folder / "mutated.toml"
    path.write_text(text, encoding="utf-8")
    code, _ = cli("eval", str(path))
    try:
        design = presets.load_file(path)
        evaluation = evaluate(design)
    except DesignError:
        event("refused with a clear error")
        assert code == 2
        return
    event("loaded and evaluated")
    assert code == 0
    totals = evaluation.totals()
    check_figures(totals)
    assert cli("eval", str(path), "--json")[0] == 0
    assert cli("compare", str(path), "gb200-nvl72", "--baseline", "2")[0] == 0
    blocks = [p for p, n in walk(design) if isinstance(n, Block)]
    if blocks:
        names = [design.root.name]
        node: Node = design.root
        for i in blocks[-1]:
            node = children(node)[i]
            names.append(node.name)  # type: ignore[union-attr]
        for goal in ("min_fp8_ef=10", "max_it_power_kw=5000"):
            assert cli("scale", str(path), block_argument(names), goal)[0] in (0, 2)  # 2: e.g. a name twice
    saved = save_design(design, folder / "saved.toml")
    again = presets.load_file(saved)
    assert again == design
    assert evaluate(again).totals().as_dict() == totals.as_dict()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(mutations())
def test_mutated_presets_only_ever_give_clear_errors_and_sound_figures(tmp_path, text):
    run_through_everything(text, tmp_path)


def test_the_mutations_reach_every_path():
    """The fuzzer is only worth its cases if some mutations load and some are refused."""
    from hypothesis import find

    find(mutations(), lambda t: _loads(t) and "[/" in t, settings=settings(database=None, max_examples=2000))
    find(mutations(), lambda t: not _loads(t), settings=settings(database=None, max_examples=2000))


def _loads(text: str) -> bool:
    from ascend_tui.model.toml_format import parse_design

    try:
        evaluate(parse_design(text))
    except DesignError:
        return False
    return True
