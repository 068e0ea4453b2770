"""The command line: open the app, or evaluate, list, export and compare designs headlessly.

Heavy modules (numba, textual) are imported inside the commands that need them, so that
`ascend-tui --help` answers at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ascend_tui import __version__
from ascend_tui.model.problems import DesignError, Problem
from ascend_tui.model.text import quoted, visible

if TYPE_CHECKING:
    from rich.console import Console

    from ascend_tui.model.design import Design
    from ascend_tui.model.design import Path as NodePath

COMMANDS = ("eval", "presets", "parts", "export", "compare", "scale")
EXIT_OK, EXIT_BUG, EXIT_BAD_INPUT, EXIT_TARGETS_MISSED = 0, 1, 2, 3


def _app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ascend-tui",
        description="Design AI compute clusters from the chip up. With no command, opens the app "
        "on FILE (a design or preset name), or on the Atlas 950 SuperPoD.",
        epilog="commands: " + ", ".join(COMMANDS) + " (`ascend-tui COMMAND --help` for each)",
    )
    parser.add_argument("file", nargs="?", help="design file or preset name to open")
    parser.add_argument("--version", action="version", version=f"ascend-tui {__version__}")
    return parser


def _command_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ascend-tui")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("eval", help="evaluate a design or preset")
    p.add_argument("design", help="design file or preset name")
    p.add_argument("--json", action="store_true", help="print JSON (decimal units) instead of a table")
    p.add_argument(
        "--check",
        action="store_true",
        help="exit with status 3 if any of the design's targets or limits is missed",
    )
    p = sub.add_parser("presets", help="list presets with their headline figures")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = sub.add_parser("parts", help="list the part catalog, or one part's figures with their sources")
    p.add_argument("part", nargs="?", help="a part id: show its figures, each with its source")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = sub.add_parser("export", help="write a preset or design as an editable TOML design")
    p.add_argument("design", help="preset name or design file")
    p.add_argument("-o", "--output", required=True, help="file to write (.toml)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p = sub.add_parser("compare", help="compare designs side by side, with ratios to a baseline")
    p.add_argument("designs", nargs="+", help="two or more design files or preset names")
    p.add_argument("--baseline", type=int, default=1, help="which design is the baseline (1-based)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = sub.add_parser("scale", help="how many of a block reach a target or fit a budget")
    p.add_argument("design", help="design file or preset name")
    p.add_argument(
        "block",
        help="the supernode or cabinet to scale: its name, or the names on its path joined with / "
        "(the last ones suffice, e.g. pod/compute); a name that contains / matches whole, or "
        "write its / as \\/",
    )
    p.add_argument(
        "goal", help="KEY=VALUE, e.g. min_fp8_ef=10 or max_it_power_kw=20000 (keys as in [targets])"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _console() -> Console:
    """A console as wide as the terminal, or wide enough for every table when piped."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=200)


def cmd_eval(args: argparse.Namespace) -> int:
    from ascend_tui.engine.evaluate import evaluate
    from ascend_tui.engine.planning import check_targets
    from ascend_tui.model import presets
    from ascend_tui.model.design import describe_path

    design = presets.load(args.design)
    try:
        evaluation = evaluate(design)
    except DesignError as error:
        raise error.located(str(presets.resolve(args.design))) from None
    metrics = evaluation.totals()
    checks = check_targets(evaluation, design)
    missed = [c for c in checks if not c.met]
    code = EXIT_TARGETS_MISSED if args.check and missed else EXIT_OK
    if args.json:
        targets = [
            {
                "key": c.key,
                "goal": c.goal,
                "value": c.value,
                "met": c.met,
                "margin": c.margin,
                "node": describe_path(design, c.responsible),
            }
            for c in checks
        ]
        print(json.dumps({"design": design.name, **metrics.as_dict(), "targets": targets}, indent=2))
        return code
    from rich.text import Text

    from ascend_tui.model.design import TARGETS
    from ascend_tui.report import ESTIMATE_NOTE, metrics_table

    console = _console()
    console.print(metrics_table(metrics, title=design.name))
    for c in checks:
        what, unit = TARGETS[c.key]
        sign = "≥" if c.key.startswith("min_") else "≤"
        mark, how = (("met", "green"), "margin") if c.met else (("missed", "bold red"), "short by")
        line = Text.assemble(
            f"Target: {what} {sign} {c.goal:,.4g} {unit}: ", mark, f", {how} {abs(c.margin):,.4g} {unit}"
        )
        if not c.met:  # names from the file: a Text, never markup
            line.append(f"; look at {visible(describe_path(design, c.responsible))}")
        console.print(line)
    if metrics.cabinets_over_cooling_limit:
        console.print(
            f"[yellow]warning:[/] {metrics.cabinets_over_cooling_limit:,} cabinets draw more "
            "than their cooling kind can take (see `ascend-tui parts` for the limits)"
        )
    console.print(f"[dim]{ESTIMATE_NOTE}[/]")
    return code


def cmd_presets(args: argparse.Namespace) -> int:
    from rich.table import Table

    from ascend_tui.engine.evaluate import evaluate
    from ascend_tui.model import presets
    from ascend_tui.report import HEADLINE, show

    rows = []
    for name in presets.preset_names():
        design = presets.load(name)
        rows.append((name, design.name, evaluate(design).totals()))
    if args.json:
        print(json.dumps([{"preset": n, "design": d, **m.as_dict()} for n, d, m in rows], indent=2))
        return EXIT_OK
    shown = [
        s
        for s in HEADLINE
        if s.key not in ("hbm_bandwidth_tbps", "scaleup_bandwidth_tbps", "facility_power_kw")
    ]
    table = Table(title="Presets")
    table.add_column("preset")
    for spec in shown:
        table.add_column(spec.label, justify="right")
    for name, _, m in rows:
        table.add_row(name, *(show(m, s.key) for s in shown))
    _console().print(table)
    return EXIT_OK


def cmd_parts(args: argparse.Namespace) -> int:
    from rich.table import Table

    from ascend_tui.model.catalog import FIGURE_LABELS, FIGURES, load_catalog

    catalog = load_catalog()
    if args.part is not None:
        from ascend_tui.model.problems import did_you_mean
        from ascend_tui.report import part_specs

        if args.part not in catalog.parts:
            hint = did_you_mean(args.part, catalog.parts, "`ascend-tui parts` lists them")
            raise DesignError([Problem("", f"no part {args.part!r} in the catalog; {hint}")])
        catalog = replace(catalog, parts={args.part: catalog.parts[args.part]})
        if not args.json:
            _console().print(part_specs(catalog.parts[args.part]))
            return EXIT_OK
    if args.json:
        out = {
            pid: {
                "kind": p.kind,
                "name": p.name,
                "vendor": p.vendor,
                "status": p.status,
                "figures": {
                    k: {"value": f.value, "supported": f.supported, "basis": f.basis}
                    for k, f in p.figures.items()
                },
            }
            for pid, p in catalog.parts.items()
        }
        cooling = {
            cid: {"name": k.name, "max_cabinet_kw": k.max_cabinet_kw.value, "basis": k.max_cabinet_kw.basis}
            for cid, k in catalog.cooling.items()
        }
        print(json.dumps({"parts": out, "cooling": cooling}, indent=2))
        return EXIT_OK
    table = Table(title="Part catalog (~ estimate, — no units for that precision)")
    table.add_column("id")
    table.add_column("kind")
    for figure, unit in FIGURES.items():
        table.add_column(f"{FIGURE_LABELS[figure]}\n{unit}", justify="right")
    for pid, part in catalog.parts.items():
        cells = []
        for figure in FIGURES:
            f = part.figures.get(figure)
            if f is None:
                cells.append("")
            elif not f.supported:
                cells.append("—")
            else:
                cells.append(("~" if f.estimate else "") + f"{f.value:g}")
        table.add_row(pid, part.kind, *cells)
    console = _console()
    console.print(table)
    for cid, kind in catalog.cooling.items():
        console.print(
            f"cooling {cid!r}: at most {kind.max_cabinet_kw.value:g} kW per cabinet "
            f"({kind.max_cabinet_kw.basis})"
        )
    console.print(
        "[dim]Sources and rationales: `ascend-tui parts --json`, or the part browser in the app.[/]"
    )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from ascend_tui.model import presets
    from ascend_tui.model.problems import Problem
    from ascend_tui.model.toml_format import save_design

    design = presets.load(args.design)
    output = Path(args.output)
    if output.is_file() and not args.force:  # anything but a file is refused by the save itself
        raise DesignError([Problem("", "the file exists; pass --force to overwrite it")], str(output))
    written = save_design(design, output)
    print(f"wrote {visible(str(written))}", file=sys.stderr)
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from ascend_tui.compare import compare_designs, compare_table
    from ascend_tui.model import presets
    from ascend_tui.model.problems import Problem

    if len(args.designs) < 2:
        raise DesignError([Problem("", "compare needs two or more designs")])
    if not 1 <= args.baseline <= len(args.designs):
        raise DesignError([Problem("", f"--baseline must be between 1 and {len(args.designs)}")])
    designs = [presets.load(d) for d in args.designs]
    comparison = compare_designs(designs, args.designs, baseline=args.baseline - 1)
    if args.json:
        print(json.dumps(comparison.as_dict(), indent=2))
    else:
        _console().print(compare_table(comparison))
    return EXIT_OK


def block_names(text: str) -> list[str]:
    """The names in a block argument: split at each `/`, where `\\/` is a `/` inside a name and
    `\\\\` a backslash."""
    names, name, chars = [], [], iter(text)
    for char in chars:
        if char == "\\":
            name.append(next(chars, "\\"))
        elif char == "/":
            names.append("".join(name))
            name = []
        else:
            name.append(char)
    return [*names, "".join(name)]


def _escaped(name: str) -> str:
    return name.replace("\\", "\\\\").replace("/", "\\/")


def find_block(design: Design, name: str) -> NodePath:
    """The path of the supernode or cabinet that `name` names: its own name, or the names on
    its path joined with / (the last ones suffice). A name containing / matches whole, or with
    each / written as \\/. DesignError lists the candidates when the name is missing or matches
    more than one node."""
    from ascend_tui.model.design import Cabinet, Supernode, children, walk

    wanted = block_names(name)
    blocks = [p for p, n in walk(design) if isinstance(n, (Supernode, Cabinet))]

    def names(path: NodePath) -> list[str]:
        node, out = design.root, [design.root.name]
        for i in path:
            node = children(node)[i]  # type: ignore[assignment]
            out.append(node.name)
        return out

    found = [p for p in blocks if names(p)[-len(wanted) :] == wanted or names(p)[-1] == name]
    if len(found) == 1:
        return found[0]
    known = sorted({"/".join(_escaped(n) for n in names(p)) for p in blocks})
    if found:
        why = "matches more than one node; write a / inside a name as \\/, or give more of its path"
    else:
        why = "names no supernode or cabinet"
    raise DesignError([Problem("", f"{quoted(name)} {why}; use one of: {', '.join(known[:12])}")])


def cmd_scale(args: argparse.Namespace) -> int:
    from ascend_tui.engine.planning import plan_count
    from ascend_tui.model import presets
    from ascend_tui.model.design import TARGETS, describe_path

    design = presets.load(args.design)
    key, _, value = args.goal.partition("=")
    if key not in TARGETS or key == "max_cabinet_kw":
        options = ", ".join(k for k in TARGETS if k != "max_cabinet_kw")
        raise DesignError([Problem("", f"the goal must be KEY=VALUE with KEY one of {options}")])
    try:
        goal = float(value)
    except ValueError:
        raise DesignError([Problem("", f"{value!r} is not a number")]) from None
    path = find_block(design, args.block)
    try:
        plan = plan_count(design, path, key, goal)
    except DesignError as error:
        raise error.located(str(presets.resolve(args.design))) from None
    where = describe_path(design, path)
    if args.json:
        out = {
            "block": where,
            "goal": {key: goal},
            "count": plan.count,
            "reason": plan.reason or None,
            "before": plan.before.as_dict(),
            "after": plan.after.as_dict() if plan.after else None,
        }
        print(json.dumps(out, indent=2))
        return EXIT_OK
    from rich.text import Text

    from ascend_tui.report import describe_plan

    console = _console()
    console.print(Text(f"Scaling {visible(where)} to {key} = {goal:g}"))
    console.print(describe_plan(plan))
    return EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    from ascend_tui.model import presets

    target = args.file or presets.DEFAULT_PRESET
    presets.resolve(target)  # a bad name is reported before the screen opens
    from ascend_tui.ui.app import AscendApp

    app = AscendApp(target)
    app.run()
    return app.return_code or EXIT_OK


HANDLERS = {
    "eval": cmd_eval,
    "presets": cmd_presets,
    "parts": cmd_parts,
    "export": cmd_export,
    "compare": cmd_compare,
    "scale": cmd_scale,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 2 bad input, 3 a target missed with
    `eval --check`, 1 a bug)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            args = _command_parser().parse_args(argv)
            return HANDLERS[args.command](args)
        return cmd_app(_app_parser().parse_args(argv))
    except DesignError as error:  # names and paths from files: shown, never obeyed by the terminal
        shown = "\n".join(visible(line) for line in str(error).split("\n"))
        print(f"ascend-tui: {shown}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except SystemExit as exit_:
        return int(exit_.code or 0) if isinstance(exit_.code, int) else EXIT_BAD_INPUT
