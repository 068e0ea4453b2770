"""An editing session: the working design, edits that are checked before they stay, undo/redo.

Designs are never changed in place. An edit copies the nodes from the root down to what it
changes (`copy_path`) and shares everything else with the design before it, checks what it
touched, and only then becomes the session's design; a refused edit changes nothing. Because of
that sharing, an undo step is just the design before, even on a layout of 100,000 cabinets, and
a design handed to an evaluator in another thread never changes under it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path as FilePath

from ascend_tui.model.catalog import Catalog, Part
from ascend_tui.model.design import (
    Cabinet,
    Cluster,
    CustomPart,
    Design,
    FloorLayout,
    Node,
    PartCount,
    Path,
    Supernode,
    child_list,
    children,
    copy_path,
    describe_path,
    edited_copy,
    node_at,
    walk,
)
from ascend_tui.model.problems import DesignError, Problem
from ascend_tui.model.text import quoted
from ascend_tui.model.validate import check_count, check_design, check_settings, check_subtree, resolve_parts

Check = Callable[[Design], list[Problem]]


@dataclass
class Change:
    """What an edit did, so that a view can update only what it must."""

    label: str
    count_only: Path | None = None  # set when only one node's count changed


@dataclass
class Step:
    """One place in the history: the design on the other side of an edit."""

    label: str
    design: Design
    serial: int
    count_only: Path | None = None


@dataclass
class Session:
    """The design being edited, where it lives on disk, and its history."""

    design: Design
    catalog: Catalog
    file: FilePath | None = None
    undo_stack: list[Step] = field(default_factory=list)
    redo_stack: list[Step] = field(default_factory=list)
    version: int = 0
    saved_at: int = 0  # the serial of the last step applied when the design was saved or loaded
    _serials: int = 0

    @property
    def position(self) -> int:
        """Which step of the history the design is at (0: as loaded)."""
        return self.undo_stack[-1].serial if self.undo_stack else 0

    @property
    def dirty(self) -> bool:
        """Whether the design differs from the last saved (or loaded) state; undoing back to it
        makes it clean again."""
        return self.position != self.saved_at

    def parts(self) -> dict[str, Part]:
        """Every part the design may use: the catalog's and its own."""
        return resolve_parts(self.design, self.catalog)[0]

    def mark_saved(self, file: FilePath | None = None, position: int | None = None) -> None:
        """Record a save of the design as it was at `position` in the history (by default, as it
        is now): a save that ran while the user kept editing leaves those edits unsaved."""
        if file is not None:
            self.file = file
        self.saved_at = self.position if position is None else position

    def mark_unsaved(self) -> None:
        """Treat the design as not saved anywhere (work recovered from an autosave)."""
        self.saved_at = -1

    def replace(self, design: Design, file: FilePath | None) -> None:
        """Start over on another design (a loaded file or preset): history begins anew."""
        self.design = design
        self.file = file
        self.undo_stack.clear()
        self.redo_stack.clear()
        self.saved_at = 0
        self.version += 1

    # --- history -------------------------------------------------------------------------------

    def apply(
        self, label: str, edit: Callable[[Design], None], check: Check, count_only: Path | None = None
    ) -> Change:
        """Run `edit` on a copy that shares the tree, keep it if `check` finds nothing wrong with
        what it touched, otherwise raise DesignError and change nothing."""
        after = edited_copy(self.design)
        try:
            edit(after)
        except IndexError:  # a path from a view that an earlier edit made stale
            raise DesignError([Problem("", "that node is no longer in the design")]) from None
        problems = check(after)
        if problems:
            raise DesignError(problems)
        self._serials += 1
        self.undo_stack.append(Step(label, self.design, self._serials, count_only))
        self.redo_stack.clear()
        self.design = after
        self.version += 1
        return Change(label, count_only)

    def _swap(self, step: Step) -> Step:
        current, self.design = self.design, step.design
        self.version += 1
        return replace(step, design=current)

    def undo(self) -> Change | None:
        if not self.undo_stack:
            return None
        step = self.undo_stack.pop()
        self.redo_stack.append(self._swap(step))
        return Change(f"undo {step.label}", step.count_only)

    def redo(self) -> Change | None:
        if not self.redo_stack:
            return None
        step = self.redo_stack.pop()
        self.undo_stack.append(self._swap(step))
        return Change(f"redo {step.label}", step.count_only)

    def drop_last(self) -> Change | None:
        """Undo the last edit and forget it (for an edit the evaluator refused afterwards)."""
        change = self.undo()
        if change is not None:
            self.redo_stack.pop()
        return change

    # --- checks for what an edit touched -------------------------------------------------------

    def _subtree(self, path: Path) -> Check:
        """Check the node at `path` and below (the settings have not changed)."""
        return lambda d: check_subtree(d, path, self.catalog, resolve_parts(d, self.catalog)[0])

    def _settings(self, d: Design) -> list[Problem]:
        return check_settings(d, self.catalog)[1]

    def _nothing(self, d: Design) -> list[Problem]:
        return []

    # --- edits ---------------------------------------------------------------------------------

    def set_count(self, path: Path, count: int) -> Change:
        """Change one count; totals too large to count are the evaluator's to refuse."""
        why = check_count(count)
        if why:
            raise DesignError([Problem(describe_path(self.design, path), why)])
        node = node_at(self.design, path)
        return self.apply(
            f"count of {node.label} to {count:,}",
            lambda d: setattr(copy_path(d, path), "count", count),
            self._nothing,
            count_only=path,
        )

    def rename(self, path: Path, name: str) -> Change:
        node = node_at(self.design, path)
        if isinstance(node, PartCount):
            raise DesignError([Problem(node.label, "a part entry has no name; pick another part instead")])
        return self.apply(
            f"rename {node.label} to {quoted(name)}",
            lambda d: setattr(copy_path(d, path), "name", name),
            self._subtree(path),
        )

    def set_cabinet(self, path: Path, field_name: str, value: object) -> Change:
        """Set one cabinet property (role, cooling, footprint_m2, power_overhead)."""
        if field_name not in ("role", "cooling", "footprint_m2", "power_overhead"):
            raise ValueError(field_name)
        node = node_at(self.design, path)
        if not isinstance(node, Cabinet):
            raise DesignError([Problem(node.label, "only cabinets have that property")])
        return self.apply(
            f"{field_name} of {node.label}",
            lambda d: setattr(copy_path(d, path), field_name, value),
            self._subtree(path),
        )

    def add_child(self, path: Path, part: str | None = None) -> tuple[Change, Path]:
        """Add a new child under a node: a supernode, a cabinet, or a part (`part` id)."""
        node = node_at(self.design, path)
        new_path = (*path, len(children(node)))
        if isinstance(node, PartCount):
            raise DesignError([Problem(node.label, "a part has no children; select its cabinet")])
        fresh: Node
        if isinstance(node, Cabinet):
            if part is None:
                raise DesignError([Problem(node.label, "say which part to add")])
            if any(pc.part == part for pc in node.parts):
                raise DesignError(
                    [
                        Problem(
                            node.label, f"{quoted(part)} is already in {node.label}; change its count instead"
                        )
                    ]
                )
            fresh = PartCount(part, 1)
        elif isinstance(node, Cluster):
            fresh = Supernode(f"supernode {len(node.supernodes) + 1}", 1, [])
        else:
            fresh = Cabinet(f"cabinet {len(node.cabinets) + 1}", 1)

        def add(d: Design) -> None:
            child_list(copy_path(d, path)).append(fresh)  # type: ignore[arg-type]

        return self.apply(f"add {fresh.label}", add, self._subtree(new_path)), new_path

    def remove(self, path: Path) -> Change:
        if not path:
            raise DesignError([Problem(self.design.root.label, "the top of the design cannot be removed")])
        node = node_at(self.design, path)

        def remove(d: Design) -> None:
            del child_list(copy_path(d, path[:-1]))[path[-1]]

        return self.apply(f"remove {node.label}", remove, self._nothing)

    def duplicate(self, path: Path) -> tuple[Change, Path]:
        """Put a copy of a node beside it (sharing its children, which nothing changes in place)."""
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
        twin = replace(node, name=f"{node.name} (copy)")
        twin_path = (*path[:-1], path[-1] + 1)

        def duplicate(d: Design) -> None:
            child_list(copy_path(d, path[:-1])).insert(path[-1] + 1, twin)  # type: ignore[arg-type]

        return self.apply(f"duplicate {node.label}", duplicate, self._nothing), twin_path

    def set_part(self, path: Path, part: str) -> Change:
        """Make a part entry another part."""
        node = node_at(self.design, path)
        if not isinstance(node, PartCount):
            raise DesignError([Problem(node.label, "select a part entry to change its part")])
        cabinet = node_at(self.design, path[:-1])
        assert isinstance(cabinet, Cabinet)
        if any(pc.part == part for i, pc in enumerate(cabinet.parts) if i != path[-1]):
            raise DesignError(
                [
                    Problem(
                        cabinet.label,
                        f"{quoted(part)} is already in {cabinet.label}; change its count instead",
                    )
                ]
            )
        return self.apply(
            f"part {quoted(node.part)} to {quoted(part)}",
            lambda d: setattr(copy_path(d, path), "part", part),
            self._subtree(path[:-1]),
        )

    def swap_part(self, old: str, new: str) -> tuple[Change, int]:
        """Replace one part with another everywhere; where a cabinet has both, counts merge."""
        places = [
            p
            for p, n in walk(self.design)
            if isinstance(n, Cabinet) and any(pc.part == old for pc in n.parts)
        ]
        if not places:
            raise DesignError([Problem("design", f"no cabinet uses {quoted(old)}")])

        def swap(d: Design) -> None:
            for path in places:
                cabinet = copy_path(d, path)
                assert isinstance(cabinet, Cabinet)
                merged: dict[str, int] = {}
                for pc in cabinet.parts:
                    pid = new if pc.part == old else pc.part
                    merged[pid] = merged.get(pid, 0) + pc.count
                cabinet.parts = [PartCount(pid, count) for pid, count in merged.items()]

        return self.apply(
            f"swap {quoted(old)} for {quoted(new)}", swap, lambda d: check_design(d, self.catalog)
        ), len(places)

    def define_part(self, part: CustomPart) -> Change:
        """Add or redefine one of the design's own parts."""
        return self.apply(
            f"define part {quoted(part.id)}", lambda d: d.parts.__setitem__(part.id, part), self._settings
        )

    def set_pue(self, pue: float) -> Change:
        return self.apply(f"PUE to {pue:g}", lambda d: setattr(d, "pue", pue), self._settings)

    def set_targets(self, targets: dict[str, float]) -> Change:
        """Replace the design's targets and limits."""
        return self.apply("targets", lambda d: setattr(d, "targets", dict(targets)), self._settings)

    def set_floor(self, floor: FloorLayout | None) -> Change:
        """Set (or remove) the row layout that the floor area follows from."""
        return self.apply("row layout", lambda d: setattr(d, "floor", floor), self._settings)
