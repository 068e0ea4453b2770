"""The user's part library: parts of their own, kept in their data folder and offered in every
design's catalog browser beside the catalog's.

The library is a design file (`parts/library.toml`) whose `[parts]` table holds the parts, in the
same form as a design's own parts: each figure with its source, or marked an estimate with its
range and rationale. A person may edit it by hand; the app reads it with the same checks as any
design file and writes it atomically.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ascend_tui.model import locations
from ascend_tui.model.catalog import Catalog
from ascend_tui.model.design import Block, CustomPart, Design, own_parts_used
from ascend_tui.model.problems import DesignError, Problem
from ascend_tui.model.text import quoted
from ascend_tui.model.toml_format import load_design, save_design

LIBRARY_NAME = "My parts"


def library_file(data: Path | None = None) -> Path:
    return locations.part_library_dir(data) / "library.toml"


def load_library(catalog: Catalog, data: Path | None = None) -> dict[str, CustomPart]:
    """The user's own parts (none if the library does not exist yet); a library file that cannot
    be read is a DesignError that names it."""
    file = library_file(data)
    if not file.exists():
        return {}
    return dict(load_design(file, catalog).parts)


def keep(part_id: str, design: Design, catalog: Catalog, data: Path | None = None) -> Path:
    """Add one of the design's own parts (with the own parts it is based on) to the library, or
    replace the library's part of that id; returns the library file."""
    if part_id not in design.parts:
        raise DesignError([Problem(f"part {quoted(part_id)}", "only a design's own parts can be kept")])
    kept = load_library(catalog, data)
    kept.update(own_parts_used(design, {part_id}))
    file = library_file(data)
    file.parent.mkdir(parents=True, exist_ok=True)
    holder = Design(LIBRARY_NAME, Block("cabinet", "library"), parts=kept)
    return save_design(holder, file)


def bring(design: Design, library: dict[str, CustomPart], part_id: str) -> dict[str, CustomPart]:
    """The library parts a design needs to use `part_id` (nothing for a part it has already); a
    different part of the same id in the design is refused rather than replaced."""
    if part_id not in library or design.parts.get(part_id) == library[part_id]:
        return {}
    needed = own_parts_used(replace(design, parts=library), {part_id})
    clashes = sorted(pid for pid, p in needed.items() if pid in design.parts and design.parts[pid] != p)
    if clashes:
        ids = ", ".join(quoted(pid) for pid in clashes)
        raise DesignError([Problem("library", f"this design has its own, different part {ids}; rename one")])
    return {pid: p for pid, p in needed.items() if pid not in design.parts}
