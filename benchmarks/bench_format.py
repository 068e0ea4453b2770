"""Saving a design: fresh text (tomli-w) against keeping a file's comments and layout (tomlkit),
on explicit layouts of growing size, to place toml_format.KEEP_LAYOUT_MAX_BYTES."""

from __future__ import annotations

from dataclasses import replace

from common import median_seconds
from layouts import explicit_layout

from ascend_tui.model import toml_format
from ascend_tui.model.design import replace_at
from ascend_tui.model.toml_format import design_text, dumps_design


def main() -> None:
    toml_format.KEEP_LAYOUT_MAX_BYTES = 10**12  # measure past the limit too
    print(
        f"\n{'cabinets':>9} {'file kB':>9} {'fresh ms':>10} {'keep layout ms':>15} {'× fresh':>8}  ms per kB"
    )
    for cabinets in (10, 100, 300, 1_000, 3_000, 10_000):
        design = explicit_layout(max(cabinets, 100))
        pods = design.root.blocks
        if cabinets < 100:  # a small hand-written file: one pod with some cabinets
            pods = (replace(pods[0], blocks=pods[0].blocks[:cabinets]),)
        else:
            pods = pods[: cabinets // 100]
        design = replace(design, root=replace(design.root, blocks=pods))
        original = dumps_design(design)
        changed = replace_at(design, (0, 0), lambda n: replace(n, count=2))  # one count edit
        repeats = 5 if cabinets <= 1_000 else 1
        fresh = median_seconds(lambda: design_text(changed), repeats, warmup=1)  # noqa: B023
        kept = median_seconds(lambda: design_text(changed, original), repeats, warmup=0)  # noqa: B023
        kb = len(original.encode()) / 1000
        print(
            f"{cabinets:>9,} {kb:>9,.0f} {fresh * 1e3:>10.1f} {kept * 1e3:>15.1f} "
            f"{kept / fresh:>7.0f}×  {kept * 1e3 / kb:.2f}"
        )


if __name__ == "__main__":
    main()
