"""An editing session: the working design, edits that are checked before they stay, undo/redo.

Designs are never changed in place. An edit builds new nodes from the root down to what it
changes (`replace_at`) and shares everything else with the design before it, checks what it
touched, and only then becomes the session's design; a refused edit changes nothing. Because of
that sharing, an undo step is just the design before, even on a layout of 100,000 cabinets, and
a design handed to an evaluator in another thread never changes under it.

The session also knows which node the user is at (`selected`): an edit says where the user is
after it (a new block, its copy, the parent of what was removed), and undo and redo go back to
where the user was. Whoever shows the design listens (`listen`) and hears of every change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path as FilePath

from ascend_tui.model.catalog import Catalog, Part
from ascend_tui.model.design import (
    ALLOWED_BLOCKS,
    BLOCK_KINDS,
    HOLDS_PARTS,
    Block,
    CustomPart,
    Design,
    FloorLayout,
    Node,
    NodePath,
    PartCount,
    children,
    describe_path,
    new_block,
    node_at,
    own_parts_used,
    replace_at,
    replace_block,
    subtree_part_ids,
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
    """What changed, so that a view can update only what it must: the design (`edited`; with
    `count_only` set when only one node's count changed), or only where the user is."""

    label: str
    count_only: NodePath | None = None
    edited: bool = True


@dataclass
class Step:
    """One place in the history: the design on the other side of an edit, and where the user
    was before the edit and after it."""

    label: str
    design: Design
    serial: int
    count_only: NodePath | None = None
    selected_before: NodePath = ()
    selected_after: NodePath = ()


@dataclass(frozen=True)
class Clip:
    """A node copied (or cut) with the design's own parts that it uses, to paste into this design
    or another one opened after it."""

    node: Node
    parts: dict[str, CustomPart]


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
    selected: NodePath = ()
    _serials: int = 0
    _listeners: list[Callable[[Change], None]] = field(default_factory=list)

    def listen(self, listener: Callable[[Change], None]) -> None:
        """Call `listener` after every change of the design or of where the user is."""
        self._listeners.append(listener)

    def _tell(self, change: Change) -> Change:
        for listener in self._listeners:
            listener(change)
        return change

    def select(self, path: NodePath) -> None:
        """Move to the node at `path` (or, if it is gone, its nearest ancestor)."""
        path = self._existing(path)
        if path != self.selected:
            self.selected = path
            self._tell(Change("select", edited=False))

    def _existing(self, path: NodePath) -> NodePath:
        while path:
            try:
                node_at(self.design, path)
                return path
            except IndexError:
                path = path[:-1]
        return ()

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
        self.selected = ()
        self._tell(Change("load"))

    # --- history -------------------------------------------------------------------------------

    def apply(
        self,
        label: str,
        edit: Callable[[Design], Design],
        check: Check,
        count_only: NodePath | None = None,
        select: NodePath | None = None,
    ) -> Change:
        """Make the design `edit` returns the session's design if `check` finds nothing wrong with
        what the edit touched, and move to `select` (None: stay); otherwise raise DesignError and
        change nothing."""
        try:
            after = edit(self.design)
        except IndexError:  # a path from a view that an earlier edit made stale
            raise DesignError([Problem("", "that node is no longer in the design")]) from None
        problems = check(after)
        if problems:
            raise DesignError(problems)
        self._serials += 1
        previous, before = self.design, self.selected
        self.design = after
        self.selected = self._existing(before if select is None else select)
        self.undo_stack.append(Step(label, previous, self._serials, count_only, before, self.selected))
        self.redo_stack.clear()
        self.version += 1
        return self._tell(Change(label, count_only))

    def _swap(self, step: Step, selected: NodePath) -> Step:
        current, self.design = self.design, step.design
        self.selected = self._existing(selected)
        self.version += 1
        return replace(step, design=current)

    def undo(self) -> Change | None:
        """Take back the last edit, and go back to where the user was before it."""
        if not self.undo_stack:
            return None
        step = self.undo_stack.pop()
        self.redo_stack.append(self._swap(step, step.selected_before))
        return self._tell(Change(f"undo {step.label}", step.count_only))

    def redo(self) -> Change | None:
        """Make the last edit taken back again, and go to where it left the user."""
        if not self.redo_stack:
            return None
        step = self.redo_stack.pop()
        self.undo_stack.append(self._swap(step, step.selected_after))
        return self._tell(Change(f"redo {step.label}", step.count_only))

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

    def _all(self, d: Design) -> list[Problem]:
        return check_design(d, self.catalog)

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
        """Rename a block; the top block's name is the design's name, so renaming it renames both."""
        block = self._block(path, "name")

        def rename(d: Design) -> Design:
            d = replace_block(d, path, lambda b: replace(b, name=name))
            return d if path else replace(d, name=name)

        return self.apply(f"rename {block.label} to {quoted(name)}", rename, self._subtree(path))

    def set_notes(self, notes: str) -> Change:
        """Replace the design's notes (free text: its assumptions, its sources)."""
        return self.apply("notes", lambda d: replace(d, notes=notes), self._nothing)

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

        def stated(b: Block) -> Block:  # a value the user typed is no longer an estimate or default
            estimated = tuple(e for e in b.estimated if e != field_name)
            return replace(b, estimated=estimated, **{field_name: value})  # type: ignore[arg-type]

        return self.apply(
            f"{field_name} of {block.label}",
            lambda d: replace_block(d, path, stated),
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
        fresh = new_block(kind, f"{kind} {same + 1}")
        _, index = with_block_inserted(parent, fresh)

        def add(d: Design) -> Design:
            return replace_block(d, path, lambda b: with_block_inserted(b, fresh)[0])

        new_path = (*path, index)
        return self.apply(f"add {fresh.label}", add, self._subtree(new_path), select=new_path), new_path

    def add_part(
        self, path: NodePath, part: str, bring: dict[str, CustomPart] | None = None
    ) -> tuple[Change, NodePath]:
        """Add one of a part to the cabinet or server at `path`; `bring` are parts from the user's
        library that the design takes on in the same edit."""
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
            d = _with_parts(d, bring)
            return replace_block(d, path, lambda b: replace(b, parts=(*b.parts, PartCount(part, 1))))

        check = self._subtree(path) if not bring else self._all
        return self.apply(f"add part {quoted(part)}", add, check, select=new_path), new_path

    def remove(self, path: NodePath) -> Change:
        if not path:
            raise DesignError([Problem(self.design.root.label, "the top of the design cannot be removed")])
        node = node_at(self.design, path)

        def remove(d: Design) -> Design:
            return replace_block(d, path[:-1], lambda b: without_child(b, path[-1]))

        return self.apply(f"remove {node.label}", remove, self._nothing, select=path[:-1])

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

        change = self.apply(f"duplicate {block.label}", duplicate, self._subtree(twin_path), select=twin_path)
        return change, twin_path

    def copy(self, path: NodePath) -> Clip:
        """The node at `path`, with the design's own parts it uses, to paste elsewhere."""
        node = node_at(self.design, path)
        return Clip(node, own_parts_used(self.design, subtree_part_ids(node)))

    def paste(self, path: NodePath, clip: Clip) -> tuple[Change, NodePath]:
        """Put a copied node into the block at `path` or, if that block cannot hold it, after the
        node at `path` in its parent; the design's own parts it uses come along. A part of the
        same id that this design defines differently is refused, never silently replaced."""
        where = self._paste_target(path, clip.node)
        clashes = [
            pid
            for pid, part in clip.parts.items()
            if pid in self.design.parts and self.design.parts[pid] != part
        ]
        if clashes:
            ids = ", ".join(quoted(pid) for pid in sorted(clashes))
            raise DesignError(
                [
                    Problem(
                        "paste",
                        f"this design defines its own part {ids} differently; rename one of them first",
                    )
                ]
            )
        node = clip.node
        target = self._block(where, "children")
        if isinstance(node, PartCount):
            if any(pc.part == node.part for pc in target.parts):
                raise DesignError(
                    [Problem(target.label, f"{quoted(node.part)} is already in it; change its count instead")]
                )
            new_path = (*where, len(children(target)))
        else:
            after = path[-1] if where == path[:-1] and path else None
            new_path = (*where, with_block_inserted(target, node, after)[1])

        def paste(d: Design) -> Design:
            if clip.parts:
                d = replace(d, parts={**d.parts, **clip.parts})
            if isinstance(node, PartCount):
                return replace_block(d, where, lambda b: replace(b, parts=(*b.parts, node)))
            return replace_block(d, where, lambda b: with_block_inserted(b, node, after)[0])

        def check(d: Design) -> list[Problem]:  # the parts that came along, then what was pasted
            return resolve_parts(d, self.catalog)[1] + self._subtree(new_path)(d)

        return self.apply(f"paste {node.label}", paste, check, select=new_path), new_path

    def _paste_target(self, path: NodePath, node: Node) -> NodePath:
        """The block a node pasted at `path` goes into: the block at `path`, else its parent."""

        def holds(block: Node) -> bool:
            if not isinstance(block, Block):
                return False
            if isinstance(node, PartCount):
                return block.kind in HOLDS_PARTS
            return node.kind in ALLOWED_BLOCKS[block.kind]

        if holds(node_at(self.design, path)):
            return path
        if path and holds(node_at(self.design, path[:-1])):
            return path[:-1]
        what = "a part" if isinstance(node, PartCount) else f"a {node.kind}"
        holders = (
            "a cabinet or server"
            if isinstance(node, PartCount)
            else " or ".join(k for k, kinds in ALLOWED_BLOCKS.items() if node.kind in kinds)
        )
        raise DesignError(
            [Problem(node_at(self.design, path).label, f"{what} goes into {holders}; select one")]
        )

    def set_part(self, path: NodePath, part: str, bring: dict[str, CustomPart] | None = None) -> Change:
        """Make a part entry another part (`bring`: as for add_part)."""
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
            lambda d: replace_at(_with_parts(d, bring), path, lambda n: PartCount(part, n.count)),
            self._subtree(path[:-1]) if not bring else self._all,
        )

    def swap_part(self, old: str, new: str, bring: dict[str, CustomPart] | None = None) -> tuple[Change, int]:
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
            d = _with_parts(d, bring)
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


def _with_parts(design: Design, parts: dict[str, CustomPart] | None) -> Design:
    """The design with more parts of its own (from the user's library)."""
    return replace(design, parts={**design.parts, **parts}) if parts else design
