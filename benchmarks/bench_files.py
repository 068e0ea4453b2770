"""Reading a design file of 100,000 cabinets, good and bad, against the TOML parser alone.

The bad file misspells one part id in every cabinet (100,000 problems): the error path used to
look up a spelling hint and a line for every problem and print them all.
"""

from __future__ import annotations

import tomllib

from common import median_seconds, table

from ascend_tui.model.files import too_deep
from ascend_tui.model.problems import DesignError
from ascend_tui.model.toml_format import parse_design

CABINETS = 100_000


def layout(cabinets: int, part: str) -> str:
    """A cluster of `cabinets` distinct cabinets, 100 to a supernode, each holding `part`."""
    out = ['format = 1\nname = "big"\n\n[cluster]\nname = "big"\ncount = 1']
    for s in range(cabinets // 100):
        out.append(f'\n[[cluster.supernodes]]\nname = "pod {s}"\ncount = 1')
        for c in range(100):
            out.append(
                f'\n[[cluster.supernodes.cabinets]]\nname = "cab {s}-{c}"\ncount = 1\nrole = "compute"\n'
                'cooling = "liquid"\nfootprint_m2 = 2.0\n\n[cluster.supernodes.cabinets.parts]\n'
                f"ascend-950dt = 64\n{part} = 16"
            )
    return "\n".join(out) + "\n"


def main() -> None:
    good, bad = layout(CABINETS, "kunpeng-920"), layout(CABINETS, "kunpeng-92O")

    def refused() -> str:
        try:
            parse_design(bad, "bad.toml")
        except DesignError as error:
            return str(error)
        raise AssertionError("the misspelt part was not found")

    message = refused()
    rows = [
        ("tomllib.loads of the good file (baseline)", median_seconds(lambda: tomllib.loads(good), 3, 1), ""),
        ("depth check before parsing (good file)", median_seconds(lambda: too_deep(good), 3, 1), ""),
        (
            "parse_design: the good file to a checked design",
            median_seconds(lambda: parse_design(good), 3, 1),
            "",
        ),
        ("parse_design: the bad file to its error message", median_seconds(refused, 3, 1), ""),
    ]
    table(
        f"A design file of {CABINETS:,} cabinets ({len(good) / 1e6:.1f} MB)",
        rows,
        "tomllib.loads of the good file (baseline)",
    )
    lines = message.splitlines()
    print(f"\nthe error message: {len(lines)} lines; its last: {lines[-1].strip()}")


if __name__ == "__main__":
    main()
