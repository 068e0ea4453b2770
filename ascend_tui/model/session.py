"""An editing session: the working design, edits that are checked before they stay, undo/redo.

Designs are never changed in place. An edit builds new nodes from the root down to what it
changes (`replace_at`) and shares everything else with the design before it, checks what it
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
    ALLOWED_BLOCKS,
    BLOCK_KINDS,
    Block,
    CustomPart,
    Design,
    FloorLayout,
    NodePath,
    PartCount,
    children,
    describe_path,
    node_at,
    replace_at,
    replace_block,
    walk,
    with_block_inserted,
    without_child,
)
from ascend_tui.model.fabrics import Fabric, ScaleoutFabric
from ascend_tui.model.facility import Facility
from ascend_tui.model.problems import DesignError, Problem
from ascend_tui.model.text import quoted
from ascend_tui.model.validate import check_count, check_design, check_settings, check_subtree, resolve_parts

Check = Callable[[Design], list[Problem]]


@dataclass
class Change:
    """What an edit did, so that a view can update only what it must."""

    label: str
    count_only: NodePath | None = None  # set when only one node's count changed


@dataclass
class Step:
    """One place in the history: the design on the other side of an edit."""

    label: str
    design: Design
    serial: int
    count_only: NodePath | None = None


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
        self, label: str, edit: Callable[[Design], Design], check: Check, count_only: NodePath | None = None
    ) -> Change:
        """Make the design `edit` returns the session's design if `check` finds nothing wrong with
        what the edit touched; otherwise raise DesignError and change nothing."""
        try:
            after = edit(self.design)
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

    def _subtree(self, path: NodePath) -> Check:
        """Check the node at `path` and below (the settings have not changed)."""
        return lambda d: check_subtree(d, path, self.catalog, resolve_parts(d, self.catalog)[0])

    def _settings(self, d: Design) -> list[Problem]:
        return check_settings(d, self.catalog)[1]

    def _nothing(self, d: Design) -> list[Problem]:
        return []

    # --- edits ---------------------------------------------------------------------------------

    def _block(self, path: NodePath, what: str) -> Block:
        node = node_at(self.design, path)
        if not isinstance(node, Block):
            raise DesignError([Problem(node.label, f"a part entry has no {what}; select its block")])
        return node

    def set_count(self, path: NodePath, count: int) -> Change:
        """Change one count; totals too large to count are the evaluator's to refuse."""
        why = check_count(count)
        if why:
            raise DesignError([Problem(describe_path(self.design, path), why)])
        node = node_at(self.design, path)
        return self.apply(
            f"count of {node.label} to {count:,}",
            lambda d: replace_at(d, path, lambda n: replace(n, count=count)),
            self._nothing,
            count_only=path,
        )

    def rename(self, path: NodePath, name: str) -> Change:
        block = self._block(path, "name")
        return self.apply(
            f"rename {block.label} to {quoted(name)}",
            lambda d: replace_block(d, path, lambda b: replace(b, name=name)),
            self._subtree(path),
        )

    EDITABLE = (
        "scaleup",
        "power_overhead",
        "price_usd",
        "weight_kg",
        "role",
        "cooling",
        "footprint_m2",
        "power_capacity_kw",
    )
    SERVER_FIELDS = ("power_overhead", "price_usd", "weight_kg")  # the rest are a cabinet's

    def set_field(self, path: NodePath, field_name: str, value: object) -> Change:
        """Set one property of a block (see EDITABLE); checks say whether the block may have it."""
        if field_name not in self.EDITABLE:
            raise ValueError(field_name)
        block = self._block(path, field_name)
        if field_name in self.SERVER_FIELDS and block.kind not in ("cabinet", "server"):
            raise DesignError([Problem(block.label, f"only cabinets and servers have {field_name}")])
        if field_name not in (*self.SERVER_FIELDS, "scaleup") and not block.is_cabinet:
            raise DesignError([Problem(block.label, f"only cabinets have {field_name}")])
        return self.apply(
            f"{field_name} of {block.label}",
            lambda d: replace_block(d, path, lambda b: replace(b, **{field_name: value})),  # type: ignore[arg-type]
            self._subtree(path),
        )

    def add_block(self, path: NodePath, kind: str) -> tuple[Change, NodePath]:
        """Add a new block of `kind` under the block at `path`, among the blocks of its kind."""
        if kind not in BLOCK_KINDS:
            raise ValueError(kind)
        parent = self._block(path, "blocks")
        if kind not in ALLOWED_BLOCKS[parent.kind]:
            holds = ", ".join(ALLOWED_BLOCKS[parent.kind]) or "no blocks, only parts"
            raise DesignError(
                [Problem(parent.label, f"a {parent.kind} cannot hold a {kind} (it holds {holds})")]
            )
        same = sum(1 for b in parent.blocks if b.kind == kind)
        fresh = Block(kind, f"{kind} {same + 1}", 1)
        _, index = with_block_inserted(parent, fresh)

        def add(d: Design) -> Design:
            return replace_block(d, path, lambda b: with_block_inserted(b, fresh)[0])

        new_path = (*path, index)
        return self.apply(f"add {fresh.label}", add, self._subtree(new_path)), new_path

    def add_part(self, path: NodePath, part: str) -> tuple[Change, NodePath]:
        """Add one of a part to the cabinet or server at `path`."""
        block = self._block(path, "parts")
        if any(pc.part == part for pc in block.parts):
            raise DesignError(
                [
                    Problem(
                        block.label, f"{quoted(part)} is already in {block.label}; change its count instead"
                    )
                ]
            )
        new_path = (*path, len(children(block)))

        def add(d: Design) -> Design:
            return replace_block(d, path, lambda b: replace(b, parts=(*b.parts, PartCount(part, 1))))

        return self.apply(f"add part {quoted(part)}", add, self._subtree(path)), new_path

    def remove(self, path: NodePath) -> Change:
        if not path:
            raise DesignError([Problem(self.design.root.label, "the top of the design cannot be removed")])
        node = node_at(self.design, path)

        def remove(d: Design) -> Design:
            return replace_block(d, path[:-1], lambda b: without_child(b, path[-1]))

        return self.apply(f"remove {node.label}", remove, self._nothing)

    def duplicate(self, path: NodePath) -> tuple[Change, NodePath]:
        """Put a copy of a block right after it (sharing its content, which nothing changes in place)."""
        if not path:
            raise DesignError(
                [
                    Problem(
                        self.design.root.label,
                        "the top of the design cannot be duplicated; raise its count instead",
                    )
                ]
            )
        block = self._block(path, "copy")
        twin = replace(block, name=f"{block.name} (copy)")
        twin_path = (*path[:-1], path[-1] + 1)

        def duplicate(d: Design) -> Design:
            return replace_block(d, path[:-1], lambda b: with_block_inserted(b, twin, after=path[-1])[0])

        return self.apply(f"duplicate {block.label}", duplicate, self._subtree(twin_path)), twin_path

    def set_part(self, path: NodePath, part: str) -> Change:
        """Make a part entry another part."""
        node = node_at(self.design, path)
        if not isinstance(node, PartCount):
            raise DesignError([Problem(node.label, "select a part entry to change its part")])
        holder = node_at(self.design, path[:-1])
        assert isinstance(holder, Block)
        index = path[-1] - len(holder.blocks)
        if any(pc.part == part for i, pc in enumerate(holder.parts) if i != index):
            raise DesignError(
                [
                    Problem(
                        holder.label, f"{quoted(part)} is already in {holder.label}; change its count instead"
                    )
                ]
            )
        return self.apply(
            f"part {quoted(node.part)} to {quoted(part)}",
            lambda d: replace_at(d, path, lambda n: PartCount(part, n.count)),
            self._subtree(path[:-1]),
        )

    def swap_part(self, old: str, new: str) -> tuple[Change, int]:
        """Replace one part with another everywhere; where a block has both, counts merge."""
        places = [
            p for p, n in walk(self.design) if isinstance(n, Block) and any(pc.part == old for pc in n.parts)
        ]
        if not places:
            raise DesignError([Problem("design", f"no block holds {quoted(old)}")])

        def merged(block: Block) -> Block:
            counts: dict[str, int] = {}
            for pc in block.parts:
                pid = new if pc.part == old else pc.part
                counts[pid] = counts.get(pid, 0) + pc.count
            return replace(block, parts=tuple(PartCount(pid, n) for pid, n in counts.items()))

        def swap(d: Design) -> Design:
            for path in places:
                d = replace_block(d, path, merged)
            return d

        return self.apply(
            f"swap {quoted(old)} for {quoted(new)}", swap, lambda d: check_design(d, self.catalog)
        ), len(places)

    def define_part(self, part: CustomPart) -> Change:
        """Add or redefine one of the design's own parts."""
        return self.apply(
            f"define part {quoted(part.id)}",
            lambda d: replace(d, parts={**d.parts, part.id: part}),
            lambda d: check_design(d, self.catalog),
        )

    def set_pue(self, pue: float | None) -> Change:
        """State a PUE, or (None) let the facility's plant give it."""
        what = "PUE from the plant" if pue is None else f"PUE to {pue:g}"
        return self.apply(what, lambda d: replace(d, pue=pue), self._settings)

    def set_fabric(self, path: NodePath, fabric: Fabric | None, scaleout: bool) -> Change:
        """State, change or (None) remove a block's scale-up fabric or its scale-out network."""
        block = self._block(path, "fabric")
        name = "scaleout_fabric" if scaleout else "scaleup_fabric"
        if fabric is not None and isinstance(fabric, ScaleoutFabric) != scaleout:
            raise ValueError(fabric)
        what = f"{'scale-out network' if scaleout else 'scale-up fabric'} of {block.label}"
        return self.apply(
            what if fabric is not None else f"remove the {what}",
            lambda d: replace_block(d, path, lambda b: replace(b, **{name: fabric})),  # type: ignore[arg-type]
            self._subtree(path),
        )

    def set_facility(self, facility: Facility) -> Change:
        """Replace what the design states about its site (the rest takes the catalog's defaults)."""
        return self.apply("facility", lambda d: replace(d, facility=facility), self._settings)

    def set_targets(self, targets: dict[str, float]) -> Change:
        """Replace the design's targets and limits."""
        return self.apply("targets", lambda d: replace(d, targets=dict(targets)), self._settings)

    def set_floor(self, floor: FloorLayout | None) -> Change:
        """Set (or remove) the row layout that the floor area follows from."""
        return self.apply("row layout", lambda d: replace(d, floor=floor), self._settings)
