# PYTHON_ARGCOMPLETE_OK  (shell completion with the optional `completion` extra)
"""The command line: open the app, or evaluate, list, export and compare designs headlessly.

Heavy modules (numba, textual) are imported inside the commands that need them, so that
`ascend-tui --help` answers at once.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ascend_tui.model.problems import DesignError, Problem
from ascend_tui.model.text import visible

if TYPE_CHECKING:
    from rich.console import Console

    from ascend_tui.model.design import Design
    from ascend_tui.model.figures import Figure
    from ascend_tui.model.metrics import Metric

COMMANDS = ("eval", "presets", "parts", "bom", "fabrics", "export", "compare", "scale", "sweep", "metrics")
EXIT_OK, EXIT_BUG, EXIT_BAD_INPUT, EXIT_TARGETS_MISSED = 0, 1, 2, 3
# The version of every JSON output's shape; raise it when a key changes meaning or goes away.
JSON_SCHEMA = 1


def version() -> str:
    """The installed package's version (one place: pyproject.toml)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("ascend-tui")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown (not installed)"


def _example(*lines: str) -> str:
    return "example:\n" + "\n".join(f"  {line}" for line in lines)


def _app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ascend-tui",
        description="Design AI compute clusters from the chip up. With no command, opens the app "
        "on FILE (a design or preset name), or on the Atlas 950 SuperPoD.",
        epilog="commands: "
        + ", ".join(COMMANDS)
        + " (`ascend-tui COMMAND --help` for each)\n\n"
        + _example("ascend-tui cloudmatrix-384"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", help="design file or preset name to open")
    parser.add_argument("--version", action="version", version=f"ascend-tui {version()}")
    return parser


def _command_parser() -> argparse.ArgumentParser:
    from ascend_tui.model.metrics import TARGETS, scalable

    parser = argparse.ArgumentParser(prog="ascend-tui")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help: str, *example: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help,
            description=help[:1].upper() + help[1:] + ".",
            epilog=_example(*example),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = command("eval", "evaluate a design or preset", "ascend-tui eval atlas-950-superpod --json")
    _designs(p.add_argument("design", help="design file or preset name"))
    p.add_argument("--json", action="store_true", help="print JSON (decimal units) instead of a table")
    p.add_argument(
        "--check",
        action="store_true",
        help="exit with status 3 if any of the design's targets or limits is missed",
    )
    p = command("presets", "list presets with their headline figures", "ascend-tui presets --json")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command(
        "parts",
        "list the part catalog, or one part's figures with their sources",
        "ascend-tui parts ascend-910c",
    )
    p.add_argument("part", nargs="?", help="a part id: show its figures, each with its source")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command(
        "bom",
        "the bill of materials: every part, typed or derived by a fabric, with counts and power",
        "ascend-tui bom cloudmatrix-384 --csv",
    )
    _designs(p.add_argument("design", help="design file or preset name"))
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--csv", action="store_true", help="print CSV (one line per part)")
    p = command(
        "fabrics",
        "each fabric drawn as its tiers: switches, where they stand, links and what they are made of",
        "ascend-tui fabrics cloudmatrix-384",
    )
    _designs(p.add_argument("design", help="design file or preset name"))
    p.add_argument("--json", action="store_true", help="print JSON (what each fabric derives per instance)")
    p = command(
        "export",
        "write a preset or design as an editable TOML design",
        "ascend-tui export gb200-nvl72 -o nvl72.toml",
    )
    _designs(p.add_argument("design", help="preset name or design file"))
    p.add_argument("-o", "--output", required=True, help="file to write (.toml)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p = command(
        "compare",
        "compare designs side by side, with ratios to a baseline",
        "ascend-tui compare gb200-nvl72 cloudmatrix-384 --baseline 1",
    )
    _designs(p.add_argument("designs", nargs="+", help="two or more design files or preset names"))
    p.add_argument("--baseline", type=int, default=1, help="which design is the baseline (1-based)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command(
        "scale",
        "how many of a block reach a target or fit a budget",
        "ascend-tui scale atlas-950-superpod compute min_fp8_ef=10",
    )
    _designs(p.add_argument("design", help="design file or preset name"))
    p.add_argument(
        "block",
        help="the block to scale: its name, or the names on its path joined with / (the last ones "
        "suffice, e.g. pod/compute); a name that contains / matches whole, or write its / as \\/",
    )
    keys = ", ".join(k for k, t in TARGETS.items() if scalable(t))
    p.add_argument("goal", help=f"KEY=VALUE with KEY one of {keys}")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command(
        "sweep",
        "evaluate every variant a sweep spec describes and print the Pareto front",
        "ascend-tui sweep examples/sweep-atlas-950-superpod.toml --json",
    )
    p.add_argument("spec", help="a sweep spec (TOML; see examples/sweep-atlas-950-superpod.toml)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--csv", action="store_true", help="print CSV (one line per variant on the front)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", help="run on the Dask cluster at ADDRESS")
    where.add_argument("--workers", type=int, metavar="N", help="run on a local Dask cluster of N processes")
    p = command(
        "metrics",
        "list every metric: key (as in JSON), label, unit, targets and meaning",
        "ascend-tui metrics --json",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--markdown", action="store_true", help="print the README's table of metrics")
    return parser


def _designs(action: argparse.Action) -> None:
    """Let shell completion offer preset names and .toml files for a design argument."""

    def complete(prefix: str, **_: object) -> list[str]:
        from ascend_tui.model.presets import preset_names

        folder, _slash, start = prefix.rpartition("/")
        files = Path(folder or ".").glob(f"{start}*")
        found = [str(f) + ("/" if f.is_dir() else "") for f in files if f.is_dir() or f.suffix == ".toml"]
        return [n for n in preset_names() if n.startswith(prefix)] + sorted(found)

    action.completer = complete  # type: ignore[attr-defined]


def shell_completion(**options: Any) -> None:
    """Answer a shell's completion request and exit (argcomplete, from the optional `completion`
    extra); does nothing when no shell asked or argcomplete is not installed. Completes commands,
    options, and preset names and .toml files where a command takes a design."""
    if "_ARGCOMPLETE" not in os.environ:
        return
    try:
        import argcomplete
    except ImportError:
        return
    argcomplete.autocomplete(_command_parser(), **options)


def _print_json(payload: dict[str, Any]) -> None:
    """JSON on stdout, headed by the schema version and the version of the catalog it used."""
    from ascend_tui.model.catalog import load_catalog

    out = {"schema": JSON_SCHEMA, "catalog_version": load_catalog().version, **payload}
    print(json.dumps(out, indent=2))


class _Trimmed(io.StringIO):
    """Standard output without the spaces a console pads its lines with to its width."""

    def write(self, text: str) -> int:
        sys.stdout.write(re.sub(r" +$", "", text, flags=re.MULTILINE))
        return len(text)

    def flush(self) -> None:
        sys.stdout.flush()


def _console() -> Console:
    """A console as wide as the terminal, or, piped, wide enough for every table, with no line
    padded to that width."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=200, file=_Trimmed())


def _note_catalog(design: Design) -> None:
    """Say on stderr when the design was made with another catalog version, and what changed."""
    from ascend_tui.model.catalog import load_catalog
    from ascend_tui.model.validate import catalog_note

    note = catalog_note(design, load_catalog())
    if note:
        print(f"ascend-tui: note: {note}", file=sys.stderr)


def cmd_eval(args: argparse.Namespace) -> int:
    from ascend_tui.engine import companion
    from ascend_tui.engine.evaluate import evaluate, run
    from ascend_tui.engine.planning import check_published, check_targets
    from ascend_tui.model import presets
    from ascend_tui.model.catalog import load_catalog
    from ascend_tui.model.design import describe_path

    opened = companion.load(args.design, load_catalog())  # a large design through its companion
    design = opened.design
    if opened.note:
        print(f"ascend-tui: note: {visible(opened.note)}", file=sys.stderr)
    _note_catalog(design)
    try:
        evaluation = evaluate(design) if opened.packed is None else run(opened.packed)
    except DesignError as error:
        raise error.located(str(presets.resolve(args.design))) from None
    results = evaluation.totals()
    checks = check_targets(evaluation, design)
    published = check_published(results, design)
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
        fabrics = [
            {
                "name": f.name,
                "block": describe_path(design, f.block),
                "kind": "scale-out" if f.scaleout else "scale-up",
                "per_instance": f.derived,
                "problem": f.problem or None,
            }
            for f in evaluation.fabrics()
        ]
        claims = [
            {
                "key": p.key,
                "published": p.published.value,
                "published_low": p.published.ends[0],
                "published_high": p.published.ends[1],
                "source": p.published.basis,
                "design": p.value,
                "design_low": p.low,
                "design_high": p.high,
                "agrees": p.agrees,
            }
            for p in published
        ]
        _print_json(
            {
                "design": design.name,
                **results.as_dict(),
                "targets": targets,
                "published": claims,
                "fabrics": fabrics,
            }
        )
        return code
    from rich.text import Text

    from ascend_tui.report import ESTIMATE_NOTE, metrics_table, published_line, target_line

    console = _console()
    console.print(metrics_table(results, title=design.name))
    for c in checks:
        console.print(target_line(c, describe_path(design, c.responsible)))
    for p in published:
        console.print(published_line(p))
    for fabric in evaluation.fabrics():
        if fabric.problem:
            console.print(Text.assemble(("warning: ", "yellow"), visible(fabric.problem)))
    if design.pue is not None:
        console.print(
            f"PUE {design.pue:g} is the design's own; the facility's plant gives "
            f"{results['pue_plant']:.2f} (remove `pue` to use it)"
        )
    if results["unpriced_parts"]:
        console.print(
            f"[yellow]note:[/] the capital cost leaves out {results.count('unpriced_parts'):,} parts "
            "that have no price (`ascend-tui bom` shows which)"
        )
    if results["cabinets_over_floor_rating"]:
        console.print(
            f"[yellow]warning:[/] {results.count('cabinets_over_floor_rating'):,} cabinets weigh more per m² "
            "than the floor's rating"
        )
    if results["cabinets_over_cooling_limit"]:
        console.print(
            f"[yellow]warning:[/] {results.count('cabinets_over_cooling_limit'):,} cabinets draw more "
            "than their cooling kind can take (see `ascend-tui parts` for the limits)"
        )
    console.print(f"[dim]{ESTIMATE_NOTE}[/]")
    return code


def cmd_presets(args: argparse.Namespace) -> int:
    from rich.table import Table

    from ascend_tui.engine.evaluate import preset_results
    from ascend_tui.report import preset_cells, preset_headers

    rows = preset_results()
    if args.json:
        _print_json({"presets": [{"preset": n, "design": d, **r.as_dict()} for n, d, r in rows]})
        return EXIT_OK
    table = Table(title="Presets")
    for i, header in enumerate(preset_headers()):
        table.add_column(header, justify="left" if i == 0 else "right")
    for name, _, results in rows:
        table.add_row(*preset_cells(name, results))
    _console().print(table)
    return EXIT_OK


def _figure_json(f: Figure) -> dict[str, object]:
    """A figure for JSON: its value (null where it has none), its range, and where it comes from."""
    out: dict[str, object] = {
        "value": f.value if f.counts else None,
        "supported": f.supported,
        "published": f.published,
        "estimate": f.estimate,
        "basis": f.basis,
    }
    if f.ranged:
        out["low"] = f.low if f.low is not None else f.value
        out["high"] = f.high if f.high is not None else f.value
    if f.direction:
        out["direction"] = f.direction
    if f.year is not None:
        out["year"] = f.year
    return out


def cmd_parts(args: argparse.Namespace) -> int:
    from rich.table import Table

    from ascend_tui.model.catalog import FIGURES, PART_KINDS, load_catalog

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
                "figures": {k: _figure_json(f) for k, f in p.figures.items()},
            }
            for pid, p in catalog.parts.items()
        }
        cooling = {
            cid: {
                "name": k.name,
                "liquid": k.liquid,
                **{
                    name: _figure_json(getattr(k, name))
                    for name in ("max_cabinet_kw", "cabinet_price_usd", "cabinet_weight_kg")
                },
            }
            for cid, k in catalog.cooling.items()
        }
        server = {name: _figure_json(getattr(catalog.server, name)) for name in ("price_usd", "weight_kg")}
        site = catalog.site
        facility = {
            "redundancy": site.redundancy,
            "cdu": site.cdu,
            **{name: _figure_json(f) for name, f in site.figures.items()},
        }
        _print_json({"parts": out, "cooling": cooling, "server": server, "facility": facility})
        return EXIT_OK
    from ascend_tui.report import FIGURE_LEGEND, figure_cell

    console = _console()
    for kind in PART_KINDS:  # one table per kind, with the figures that kind has
        parts = {pid: p for pid, p in catalog.parts.items() if p.kind == kind}
        if not parts:
            continue
        figures = [spec for spec in FIGURES.values() if kind in spec.kinds]
        table = Table(title=f"{kind} parts", title_justify="left")
        table.add_column("id", no_wrap=True)
        for spec in figures:
            table.add_column(f"{spec.label}\n{spec.unit}", justify="right")
        for pid, part in parts.items():
            table.add_row(pid, *(figure_cell(part.figures.get(spec.name)) for spec in figures))
        console.print(table)
    console.print(FIGURE_LEGEND)
    for cid, kind_ in catalog.cooling.items():
        console.print(
            f"cooling {cid!r}: at most {kind_.max_cabinet_kw.value:g} kW per cabinet "
            f"({kind_.max_cabinet_kw.basis}); an empty cabinet ~${kind_.cabinet_price_usd.value:,.0f}, "
            f"~{kind_.cabinet_weight_kg.value:,.0f} kg"
        )
    defaults = catalog.server
    console.print(
        f"a server beyond its parts: ~${defaults.price_usd.value:,.0f} ({defaults.price_usd.basis}), "
        f"~{defaults.weight_kg.value:g} kg"
    )
    from ascend_tui.model.facility import Facility, site_of
    from ascend_tui.report import facility_table

    console.print(facility_table(site_of(Facility(), catalog.site), "Facility defaults"))
    console.print(
        "[dim]Sources and rationales: `ascend-tui parts --json`, or the part browser in the app.[/]"
    )
    return EXIT_OK


def cmd_bom(args: argparse.Namespace) -> int:
    import dataclasses

    from ascend_tui.engine.evaluate import BillLine, evaluate
    from ascend_tui.model import presets
    from ascend_tui.model.metrics import BY_KEY
    from ascend_tui.report import bill_total

    design = presets.load(args.design)
    try:
        lines = evaluate(design).bill()
    except DesignError as error:
        raise error.located(str(presets.resolve(args.design))) from None
    fields = tuple(f.name for f in dataclasses.fields(BillLine))
    if args.json:
        _print_json(
            {
                "design": design.name,
                "parts": [{f: getattr(line, f) for f in fields} for line in lines],
                "total": bill_total(lines),
            }
        )
        return EXIT_OK
    if args.csv:
        from ascend_tui.report import bill_csv

        sys.stdout.write(bill_csv(lines))
        return EXIT_OK
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(visible(f"Bill of materials: {design.name}"), style="table.title"))
    for header, right in (
        ("part", False),
        ("kind", False),
        ("from", False),
        ("count", True),
        ("power", True),
        ("cost", True),
    ):
        table.add_column(header, justify="right" if right else "left")
    power_metric, cost_metric = BY_KEY["it_power_kw"], BY_KEY["capex_usd"]
    for line in lines:
        power = _amount(line.power_kw, line.power_low_kw, line.power_high_kw, power_metric)
        if line.kind in ("cabinet", "server"):
            power = "in the overheads"  # a block's own draw is its overhead on what it holds
        cost = _amount(line.price_usd, line.price_low_usd, line.price_high_usd, cost_metric)
        table.add_row(
            Text(visible(line.name)),
            line.kind,
            Text(visible(line.derived_by or "typed")),
            f"{line.count:,.0f}",
            power,
            cost,
        )
    total = bill_total(lines)
    table.add_section()
    table.add_row(
        Text("total: the equipment and the CDUs the plant adds (power: the parts at their maximum)", "bold"),
        "",
        "",
        "",
        _amount(total["power_kw"], total["power_low_kw"], total["power_high_kw"], power_metric),
        _amount(total["price_usd"], total["price_low_usd"], total["price_high_usd"], cost_metric),
    )
    _console().print(table)
    return EXIT_OK


def _amount(value: float | None, low: float | None, high: float | None, metric: Metric) -> str:
    """A bill line's power or cost as a metric would show it: `~$2.5 M ($2.2–2.9 M)`."""
    from ascend_tui.report import format_range, format_value

    if value is None or low is None or high is None:
        return "not published"
    if low == high:
        return format_value(metric, value)
    return f"~{format_value(metric, value)} ({format_range(metric, low, high)})"


def cmd_export(args: argparse.Namespace) -> int:
    from ascend_tui.model import presets
    from ascend_tui.model.problems import Problem
    from ascend_tui.model.toml_format import save_design

    design = presets.load(args.design)
    output = Path(args.output)
    if os.path.isfile(output) and not args.force:  # anything but a file is refused by the save itself
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
        _print_json(comparison.as_dict())
    else:
        _console().print(compare_table(comparison))
    return EXIT_OK


def cmd_scale(args: argparse.Namespace) -> int:
    from ascend_tui.engine.planning import plan_count
    from ascend_tui.model import presets
    from ascend_tui.model.design import describe_path, find_block
    from ascend_tui.model.metrics import TARGETS, metric_of, scalable

    design = presets.load(args.design)
    key, _, value = args.goal.partition("=")
    if key not in TARGETS or not scalable(TARGETS[key]):
        options = ", ".join(k for k, t in TARGETS.items() if scalable(t))
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
    from ascend_tui.report import plan_reason

    if args.json:
        out = {
            "block": where,
            "goal": {key: goal},
            "count": plan.count,
            "reason": plan_reason(plan) if plan.count is None else None,
            "before": plan.before.as_dict(),
            "after": plan.after.as_dict() if plan.after else None,
        }
        _print_json(out)
        return EXIT_OK
    from rich.text import Text

    from ascend_tui.report import describe_plan, goal_text

    console = _console()
    target = TARGETS[key]
    sign = "≥" if target.at_least else "≤"
    console.print(
        Text(visible(f"Scaling {where} to {metric_of(target).label} {sign} {goal_text(key, goal)}"))
    )
    console.print(describe_plan(plan))
    return EXIT_OK


def cmd_sweep(args: argparse.Namespace) -> int:
    from ascend_tui.engine.sweep import dask_chunk, dask_client, prepare, run_sweep
    from ascend_tui.model import presets
    from ascend_tui.model.sweep import load_spec

    spec = load_spec(args.spec)
    if args.workers is not None and args.workers < 1:
        raise DesignError([Problem("", "--workers must be at least 1")])
    design = presets.load(spec.design_path())
    try:
        plan = prepare(spec, design)
    except DesignError as error:
        raise error.located(args.spec) from None
    if args.scheduler or args.workers:
        with dask_client(args.scheduler, args.workers) as client:
            workers = len(client.scheduler_info().get("workers", {})) or 1
            result = run_sweep(plan, client, dask_chunk(plan.variants, workers))
    else:
        result = run_sweep(plan)
    if args.json:
        _print_json(
            {"design": design.name, "spec": args.spec, "limits": dict(spec.limits), **result.as_dict()}
        )
        return EXIT_OK
    if args.csv:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["variant", *result.axes, *(key for key, _ in result.objectives)])
        for point in result.front:
            parameters = [visible(v) if isinstance(v, str) else v for v in point.parameters.values()]
            writer.writerow([point.variant, *parameters, *point.objectives.values()])
        return EXIT_OK
    from ascend_tui.report import sweep_table

    console = _console()
    console.print(sweep_table(result, design.name, [axis.heading for axis in spec.axes]))
    console.print(f"[dim]{result.seconds:.2f} s (the first sweep after installing compiles its kernel)[/]")
    return EXIT_OK


def cmd_metrics(args: argparse.Namespace) -> int:
    from ascend_tui.model.metrics import METRICS
    from ascend_tui.report import metrics_markdown, metrics_reference

    if args.markdown:
        print(metrics_markdown(), end="")
    elif args.json:
        entries = [
            {
                "key": m.key,
                "label": m.label,
                "short_label": m.short_label,
                "units": list(m.unit.symbols),
                "whole": m.unit.whole,
                "headline": m.headline,
                "description": m.description,
                "targets": [{"key": t.key, "unit": t.unit, "factor": t.factor} for t in m.targets],
            }
            for m in METRICS
        ]
        _print_json({"metrics": entries})
    else:
        _console().print(metrics_reference())
    return EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    from ascend_tui.model import presets

    target = args.file or presets.DEFAULT_PRESET
    presets.resolve(target)  # a bad name is reported before the screen opens
    from ascend_tui.ui.app import AscendApp

    app = AscendApp(target)
    app.run()
    return app.return_code or EXIT_OK


def cmd_fabrics(args: argparse.Namespace) -> int:
    from ascend_tui.engine.evaluate import evaluate
    from ascend_tui.model import presets
    from ascend_tui.model.design import describe_path

    design = presets.load(args.design)
    try:
        evaluation = evaluate(design)
    except DesignError as error:
        raise error.located(str(presets.resolve(args.design))) from None
    fabrics = evaluation.fabrics()
    if args.json:
        _print_json(
            {
                "design": design.name,
                "fabrics": [
                    {
                        "name": f.name,
                        "block": describe_path(design, f.block),
                        "kind": "scale-out" if f.scaleout else "scale-up",
                        "per_instance": f.derived,
                        "instances": evaluation.packed.multiplicity(f.block),
                        "problem": f.problem or None,
                    }
                    for f in fabrics
                ],
            }
        )
        return EXIT_OK
    from ascend_tui.report import fabric_drawing

    console = _console()
    if not fabrics:
        console.print("The design states no fabric (see the README's Fabrics section).")
    for f in fabrics:
        times = evaluation.packed.multiplicity(f.block)
        console.print(fabric_drawing(design, f))
        if times > 1:
            console.print(f"  (each of {times:,} instances)", style="dim")
        console.print()
    return EXIT_OK


HANDLERS = {
    "bom": cmd_bom,
    "fabrics": cmd_fabrics,
    "eval": cmd_eval,
    "presets": cmd_presets,
    "parts": cmd_parts,
    "export": cmd_export,
    "compare": cmd_compare,
    "scale": cmd_scale,
    "sweep": cmd_sweep,
    "metrics": cmd_metrics,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 2 bad input, 3 a target missed with
    `eval --check`, 1 a bug)."""
    shell_completion()
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
