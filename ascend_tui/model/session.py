"""An editing session: the working design, edits that are checked before they stay, undo/redo.

Every edit runs on the design in place; if the result has any problem the design is put back
as it was and DesignError says why, so the design is never left invalid.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path as FilePath

from ascend_tui.model.catalog import Catalog, Part
from ascend_tui.model.design import (
    Cabinet,
    Cluster,
    CustomPart,
    Design,
    FloorLayout,
    PartCount,
    Path,
    Supernode,
    child_list,
    children,
    describe_path,
    node_at,
    walk,
)
from ascend_tui.model.problems import DesignError, Problem
from ascend_tui.model.validate import check_count, check_design, resolve_parts


@dataclass
class Change:
    """What an edit did, so that a view can update only what it must."""

    label: str
    count_only: Path | None = None  # set when only one node's count changed


@dataclass
class Snapshot:
    """An undo step that swaps whole designs (structural edits)."""

    label: str
    design: Design
    serial: int


@dataclass
class CountEdit:
    """An undo step for a count change: cheap to keep and to replay, even on a huge design."""

    label: str
    path: Path
    old: int
    new: int
    serial: int


Step = Snapshot | CountEdit


@dataclass
class Session:
    """The design being edited, where it lives on disk, and its history."""

    design: Design
    catalog: Catalog
    file: FilePath | None = None
    undo_stack: list[Step] = field(default_factory=list)
    redo_stack: list[Step] = field(default_factory=list)
    version: int = 0
    _serials: int = 0
    saved_at: int = 0  # the serial of the last step applied when the design was saved or loaded

    @property
    def position(self) -> int:
        """Which step of the history the design is at (0: as loaded)."""
        return self.undo_stack[-1].serial if self.undo_stack else 0

    @property
    def dirty(self) -> bool:
        """Whether the design differs from the last saved (or loaded) state; undoing back to it
        makes it clean again."""
        return self.position != self.saved_at

    def _serial(self) -> int:
        self._serials += 1
        return self._serials

    def parts(self) -> dict[str, Part]:
        """Every part the design may use: the catalog's and its own."""
        return resolve_parts(self.design, self.catalog)[0]

    def mark_saved(self, file: FilePath | None = None) -> None:
        if file is not None:
            self.file = file
        self.saved_at = self.position

    def mark_unsaved(self) -> None:
        """Treat the design as not saved anywhere (work recovered from an autosave)."""
        self.saved_at = -1

    def apply(self, label: str, edit: Callable[[Design], None], count_only: Path | None = None) -> Change:
        """Run an edit on a copy; keep the copy if it is valid, otherwise raise and change nothing.

        The design a reader was given is never changed structurally afterwards, so an evaluator
        may pack it in another thread without copying it first.
        """
        after = copy.deepcopy(self.design)
        try:
            edit(after)
            problems = check_design(after, self.catalog)
        except (IndexError, KeyError, ValueError, TypeError) as error:
            problems = [Problem("", str(error))]
        if problems:
            raise DesignError(problems)
        before, self.design = self.design, after
        self.undo_stack.append(Snapshot(label, before, self._serial()))
        self.redo_stack.clear()
        self.version += 1
        return Change(label, count_only)

    def _replay(self, step: Step, backwards: bool) -> Step:
        """Apply a step one way and return the step that takes it back."""
        if isinstance(step, CountEdit):
            node_at(self.design, step.path).count = step.old if backwards else step.new
            return step
        current, self.design = self.design, step.design
        return Snapshot(step.label, current, step.serial)

    def undo(self) -> Change | None:
        if not self.undo_stack:
            return None
        step = self.undo_stack.pop()
        self.redo_stack.append(self._replay(step, backwards=True))
        self.version += 1
        return Change(f"undo {step.label}", step.path if isinstance(step, CountEdit) else None)

    def redo(self) -> Change | None:
        if not self.redo_stack:
            return None
        step = self.redo_stack.pop()
        self.undo_stack.append(self._replay(step, backwards=False))
        self.version += 1
        return Change(f"redo {step.label}", step.path if isinstance(step, CountEdit) else None)

    def drop_last(self) -> Change | None:
        """Undo the last edit and forget it (for an edit the evaluator refused afterwards)."""
        change = self.undo()
        if change is not None:
            self.redo_stack.pop()
        return change

    def replace(self, design: Design, file: FilePath | None) -> None:
        """Start over on another design (a loaded file or preset): history begins anew."""
        self.design = design
        self.file = file
        self.undo_stack.clear()
        self.redo_stack.clear()
        self.saved_at = 0
        self.version += 1

    # --- edits -------------------------------------------------------------------------------

    def set_count(self, path: Path, count: int) -> Change:
        """Change one count. Only the count can be wrong, so only it is checked and no copy of
        the design is kept; totals too large to count are the evaluator's to refuse."""
        why = check_count(count)
        if why:
            raise DesignError([Problem(describe_path(self.design, path), why)])
        node = node_at(self.design, path)
        label = f"count of {node.label} to {count:,}"
        self.undo_stack.append(CountEdit(label, path, node.count, count, self._serial()))
        self.redo_stack.clear()
        node.count = count
        self.version += 1
        return Change(label, count_only=path)

    def rename(self, path: Path, name: str) -> Change:
        node = node_at(self.design, path)
        if isinstance(node, PartCount):
            raise DesignError([Problem(node.label, "a part entry has no name; pick another part instead")])
        return self.apply(
            f"rename {node.label} to {name!r}", lambda d: setattr(node_at(d, path), "name", name)
        )

    def set_cabinet(self, path: Path, field_name: str, value: object) -> Change:
        """Set one cabinet property (role, cooling, footprint_m2, power_overhead)."""
        if field_name not in ("role", "cooling", "footprint_m2", "power_overhead"):
            raise ValueError(field_name)
        node = node_at(self.design, path)
        if not isinstance(node, Cabinet):
            raise DesignError([Problem(node.label, "only cabinets have that property")])
        return self.apply(
            f"{field_name} of {node.label}", lambda d: setattr(node_at(d, path), field_name, value)
        )

    def add_child(self, path: Path, part: str | None = None) -> tuple[Change, Path]:
        """Add a new child under a node: a supernode, a cabinet, or a part (`part` id)."""
        node = node_at(self.design, path)
        new_path = (*path, len(children(node)))
        if isinstance(node, Cabinet):
            if part is None:
                raise DesignError([Problem(node.label, "say which part to add")])

            def add(d: Design) -> None:
                cab = node_at(d, path)
                assert isinstance(cab, Cabinet)
                if any(pc.part == part for pc in cab.parts):
                    raise ValueError(f"{part!r} is already in {cab.label}; change its count instead")
                cab.parts.append(PartCount(part, 1))

            return self.apply(f"add part {part!r}", add), new_path
        if isinstance(node, PartCount):
            raise DesignError([Problem(node.label, "a part has no children; select its cabinet")])
        if isinstance(node, Cluster):
            fresh: Supernode | Cabinet = Supernode(f"supernode {len(node.supernodes) + 1}", 1, [])
        else:
            fresh = Cabinet(f"cabinet {len(node.cabinets) + 1}", 1)

        def add_node(d: Design) -> None:
            child_list(node_at(d, path)).append(copy.deepcopy(fresh))  # type: ignore[arg-type]

        return self.apply(f"add {fresh.label}", add_node), new_path

    def remove(self, path: Path) -> Change:
        if not path:
            raise DesignError([Problem(self.design.root.label, "the top of the design cannot be removed")])
        node = node_at(self.design, path)

        def remove(d: Design) -> None:
            del child_list(node_at(d, path[:-1]))[path[-1]]

        return self.apply(f"remove {node.label}", remove)

    def duplicate(self, path: Path) -> tuple[Change, Path]:
        if not path:
            raise DesignError(
                [
                    Problem(
                        self.design.root.label,
                        "the top of the design cannot be duplicated; raise its count instead",
                    )
                ]
            )
        node = node_at(self.design, path)
        if isinstance(node, PartCount):
            raise DesignError(
                [Problem(node.label, "a part appears once per cabinet; raise its count instead")]
            )

        def duplicate(d: Design) -> None:
            siblings = child_list(node_at(d, path[:-1]))
            twin = copy.deepcopy(siblings[path[-1]])
            twin.name = f"{twin.name} (copy)"  # type: ignore[union-attr]
            siblings.insert(path[-1] + 1, twin)  # type: ignore[arg-type]

        return self.apply(f"duplicate {node.label}", duplicate), (*path[:-1], path[-1] + 1)

    def set_part(self, path: Path, part: str) -> Change:
        """Make a part entry another part."""
        node = node_at(self.design, path)
        if not isinstance(node, PartCount):
            raise DesignError([Problem(node.label, "select a part entry to change its part")])

        def change(d: Design) -> None:
            cab = node_at(d, path[:-1])
            assert isinstance(cab, Cabinet)
            if any(pc.part == part for i, pc in enumerate(cab.parts) if i != path[-1]):
                raise ValueError(f"{part!r} is already in {cab.label}; change its count instead")
            cab.parts[path[-1]].part = part

        return self.apply(f"part {node.part!r} to {part!r}", change)

    def swap_part(self, old: str, new: str) -> tuple[Change, int]:
        """Replace one part with another everywhere; where a cabinet has both, counts merge."""
        places = sum(1 for _, n in walk(self.design) if isinstance(n, PartCount) and n.part == old)
        if not places:
            raise DesignError([Problem("design", f"no cabinet uses {old!r}")])

        def swap(d: Design) -> None:
            for _, n in walk(d):
                if isinstance(n, Cabinet):
                    merged: dict[str, int] = {}
                    for pc in n.parts:
                        pid = new if pc.part == old else pc.part
                        merged[pid] = merged.get(pid, 0) + pc.count
                    n.parts = [PartCount(pid, count) for pid, count in merged.items()]

        return self.apply(f"swap {old!r} for {new!r}", swap), places

    def define_part(self, part: CustomPart) -> Change:
        """Add or redefine one of the design's own parts."""
        return self.apply(f"define part {part.id!r}", lambda d: d.parts.__setitem__(part.id, part))

    def set_pue(self, pue: float) -> Change:
        return self.apply(f"PUE to {pue:g}", lambda d: setattr(d, "pue", pue))

    def set_targets(self, targets: dict[str, float]) -> Change:
        """Replace the design's targets and limits."""
        return self.apply("targets", lambda d: setattr(d, "targets", dict(targets)))

    def set_floor(self, floor: FloorLayout | None) -> Change:
        """Set (or remove) the row layout that the floor area follows from."""
        return self.apply("row layout", lambda d: setattr(d, "floor", copy.deepcopy(floor)))
