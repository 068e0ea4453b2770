"""The columnar companion of a large design file: the design's blocks as columns and its packed
arrays, in a NumPy `.npz` file (no pickles) beside the TOML, carrying the hash of the TOML text it
came from.

TOML stays the design: what people read, edit and share. Reading a layout of 100,000 cabinets
from TOML takes seconds (parsing, then checking every block, then packing); the companion holds
the same design already checked and packed, so that opening takes a fraction of that. It is
used only when it says it came from exactly the TOML text beside it (its SHA-256), with this
catalog version and companion format; otherwise it is ignored, with a notice, and written anew
once the TOML has been read. A design that reuses other design files (`use`) gets no companion,
since those files could change under it.

The engine owns the format; files are read and written through model/files.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import numpy as np
import tomli_w

from ascend_tui.engine import kernels as k
from ascend_tui.engine.facility import Plant
from ascend_tui.engine.pack import PackedDesign, pack
from ascend_tui.model import files
from ascend_tui.model.catalog import Catalog, Part
from ascend_tui.model.design import BLOCK_KINDS, CABINET_ROLES, MAX_COUNT, Block, Design, PartCount
from ascend_tui.model.facility import site_of
from ascend_tui.model.problems import DesignError, Problem
from ascend_tui.model.toml_format import (
    design_head,
    design_with_root,
    fabrics_from_toml,
    fabrics_to_toml,
    parse_design,
)
from ascend_tui.model.validate import resolve_parts

FORMAT = 1  # the companion's own format: raise it when its columns change
MIN_BLOCKS = 20_000  # designs at least this large get a companion
MAX_BYTES = files.MAX_DESIGN_BYTES * 4  # a companion is larger than its TOML, by less than this
SUFFIX = ".columns.npz"
PACKED_ARRAYS = (
    "parent",
    "count",
    "slot",
    "kind",
    "scaleup",
    "role",
    "leaf_start",
    "leaf_end",
    "kid_start",
    "kid_end",
    "fabric_start",
    "fabric_end",
    "bits",
    "props",
    "kids",
    "leaf_part",
    "leaf_count",
    "part_info",
    "fabrics",
)


def companion_path(toml: str | os.PathLike[str]) -> Path:
    """Where the companion of a design file lives: `big.toml` -> `big.columns.npz`."""
    path = Path(toml)
    return path.with_name(path.stem + SUFFIX)


def text_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def wanted(design: Design) -> bool:
    """Whether a design is large enough for a companion, and can have one (reuses no file)."""
    blocks, stack = 0, [design.root]
    while stack:
        block = stack.pop()
        if block.use is not None:
            return False
        blocks += 1
        stack.extend(block.blocks)
    return blocks >= MIN_BLOCKS


def _strings(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Strings as one UTF-8 blob and the offsets (in characters) where each starts and ends."""
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum([len(v) for v in values], out=offsets[1:])
    return np.frombuffer("".join(values).encode("utf-8"), dtype=np.uint8), offsets


def _json(value: object) -> np.ndarray:
    return np.frombuffer(json.dumps(value).encode("utf-8"), dtype=np.uint8)


def write(
    toml: str | os.PathLike[str], digest: str, design: Design, packed: PackedDesign, catalog: Catalog
) -> Path:
    """Write the companion of the design file whose bytes hash to `digest` (text_hash), from its
    design and its packing (atomically, as every file: model/files.py), straight to the file."""
    blocks = [b for b in _post_order(design.root)]
    tables: dict[str, list[Any]] = {"cooling": [], "source": [], "estimated": [], "parts": []}
    index: dict[str, dict[Any, int]] = {name: {} for name in tables}

    def code(table: str, value: Any) -> int:
        key = tuple(value) if isinstance(value, list) else value  # the values of one table are alike
        found = index[table].get(key)
        if found is None:
            found = index[table][key] = len(tables[table])
            tables[table].append(value)
        return found

    names, names_at = _strings([b.name for b in blocks])
    fabrics = {
        str(i): fabrics_to_toml(b) for i, b in enumerate(blocks) if b.scaleup_fabric or b.scaleout_fabric
    }
    leaf_part = [code("parts", pc.part) for b in blocks for pc in b.parts]
    columns: dict[str, np.ndarray] = {
        "meta": _json(
            {
                "format": FORMAT,
                "toml_sha256": digest,
                "catalog_version": catalog.version,
                "design_catalog_version": design.catalog_version,
            }
        ),
        "head": np.frombuffer(design_head(design).encode("utf-8"), dtype=np.uint8),
        "fabrics_toml": np.frombuffer(tomli_w.dumps(fabrics).encode("utf-8"), dtype=np.uint8),
        "names": names,
        "names_at": names_at,
        "b_kind": np.array([BLOCK_KINDS.index(b.kind) for b in blocks], dtype=np.int8),
        "b_count": np.array([b.count for b in blocks], dtype=np.int64),
        "b_scaleup": np.array([b.scaleup for b in blocks], dtype=np.int8),
        "b_role": np.array([CABINET_ROLES.index(b.role) for b in blocks], dtype=np.int8),
        "b_cooling": np.array([code("cooling", b.cooling) for b in blocks], dtype=np.int32),
        "b_numbers": np.array(
            [
                (
                    b.power_overhead,
                    b.footprint_m2,
                    b.power_capacity_kw,
                    math.nan if b.price_usd is None else b.price_usd,
                    math.nan if b.weight_kg is None else b.weight_kg,
                )
                for b in blocks
            ],
            dtype=np.float64,
        ).reshape(len(blocks), 5),
        "b_source": np.array([code("source", b.source) for b in blocks], dtype=np.int32),
        "b_estimated": np.array([code("estimated", list(b.estimated)) for b in blocks], dtype=np.int32),
        "b_parts": np.array([len(b.parts) for b in blocks], dtype=np.int32),
        "b_blocks": np.array([len(b.blocks) for b in blocks], dtype=np.int32),
        "leaf_part_id": np.array(leaf_part, dtype=np.int32),
        "p_ids": _json([p.id for p in packed.parts]),
        "p_derived": _json(packed.derived),
        "p_fabric_names": _json(packed.fabric_names),
    }
    columns["tables"] = _json(tables)
    for name in PACKED_ARRAYS:
        columns[f"p_{name}"] = getattr(packed, name)

    def put(f: IO[bytes]) -> None:
        np.savez(f, **columns)  # type: ignore[arg-type]
        if f.tell() > MAX_BYTES:  # it could not be read back
            raise DesignError([Problem("", "the companion file would be too large")], os.fspath(toml))

    return files.write_through(companion_path(toml), put, "companion file")


def _post_order(root: Block) -> list[Block]:
    """Blocks children first, as the packing orders them."""
    out: list[Block] = []
    stack: list[tuple[Block, bool]] = [(root, False)]
    while stack:
        block, done = stack.pop()
        if done:
            out.append(block)
            continue
        stack.append((block, True))
        stack.extend((kid, False) for kid in reversed(block.blocks))
    return out


@dataclass(frozen=True)
class Opened:
    """A design file read: its design, its packing when a companion gave it, and a note for the
    user (a companion ignored, and why)."""

    design: Design
    packed: PackedDesign | None
    note: str = ""


class Stale(Exception):
    """The companion does not belong to the TOML beside it (or cannot be read)."""


def read(toml: str | os.PathLike[str], digest: str, catalog: Catalog) -> tuple[Design, PackedDesign]:
    """The design and packing a companion holds for the design file whose bytes hash to `digest`;
    Stale says why it cannot be used."""
    path = companion_path(toml)
    try:
        raw = files.read_bytes(path, "companion file", MAX_BYTES)
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            c = {name: npz[name] for name in npz.files}
    except Exception as error:  # any file at all may lie there: whatever fails, the TOML decides
        raise Stale(f"it cannot be read ({type(error).__name__}: {error})") from None
    try:
        meta = json.loads(c["meta"].tobytes())
        if meta["format"] != FORMAT:
            raise Stale(f"it is in companion format {meta['format']}, not {FORMAT}")
        if meta["toml_sha256"] != digest:
            raise Stale("the design file has changed since it was written")
        if meta["catalog_version"] != catalog.version:
            raise Stale(f"it was written with catalog {meta['catalog_version']}, not {catalog.version}")
        design = _design(c, meta)
        return design, _packed(c, design, catalog)
    except Stale:
        raise
    except (KeyError, ValueError, IndexError, TypeError, DesignError) as error:
        raise Stale(f"it does not hold a design ({type(error).__name__}: {error})") from None


def _design(c: dict[str, np.ndarray], meta: dict[str, Any]) -> Design:
    """The design from its columns: blocks built children first."""
    tables = json.loads(c["tables"].tobytes())
    names = c["names"].tobytes().decode("utf-8")
    at = c["names_at"].tolist()
    fabrics = fabrics_from_toml(files.loads(c["fabrics_toml"].tobytes().decode("utf-8")))
    kinds = [BLOCK_KINDS[k] for k in c["b_kind"].tolist()]
    counts = c["b_count"].tolist()
    scaleup = c["b_scaleup"].tolist()
    roles = [CABINET_ROLES[r] for r in c["b_role"].tolist()]
    cooling = [tables["cooling"][i] for i in c["b_cooling"].tolist()]
    numbers = c["b_numbers"].tolist()
    sources = [tables["source"][i] for i in c["b_source"].tolist()]
    estimated = [tuple(tables["estimated"][i]) for i in c["b_estimated"].tolist()]
    n_blocks = c["b_blocks"].tolist()
    # One PartCount per distinct (part, count): layouts repeat them, and sharing them is quick.
    pairs = c["leaf_part_id"].astype(np.int64) << 32 | c["p_leaf_count"]  # counts are below 2^30
    distinct, which = np.unique(pairs, return_inverse=True)
    entries = [PartCount(tables["parts"][key >> 32], key & 0xFFFFFFFF) for key in distinct.tolist()]
    leaf_parts = [entries[i] for i in which.ravel().tolist()]
    starts = np.concatenate([[0], np.cumsum(c["b_parts"])]).tolist()
    built: list[Block] = []
    for i, kind in enumerate(kinds):
        kids: tuple[Block, ...] = ()
        if n_blocks[i]:
            kids = tuple(built[len(built) - n_blocks[i] :])
            del built[len(built) - n_blocks[i] :]
        overhead, footprint, capacity, price, weight = numbers[i]
        fabric = fabrics.get(str(i), (None, None)) if fabrics else (None, None)
        built.append(
            Block(
                kind,
                names[at[i] : at[i + 1]],
                counts[i],
                scaleup[i] == 1,
                kids,
                tuple(leaf_parts[starts[i] : starts[i + 1]]),
                overhead,
                roles[i],
                cooling[i],
                footprint,
                capacity,
                None if price != price else price,  # NaN: not stated
                None if weight != weight else weight,
                estimated[i],
                sources[i],
                None,
                fabric[0],
                fabric[1],
            )
        )
    if len(built) != 1 or starts[-1] != len(leaf_parts):
        raise ValueError("the columns do not make one tree")
    design = design_with_root(c["head"].tobytes().decode("utf-8"), built[0])
    return replace(design, catalog_version=meta["design_catalog_version"])


def _packed(c: dict[str, np.ndarray], design: Design, catalog: Catalog) -> PackedDesign:
    """The packing from its arrays, with the parts and plant of this catalog."""
    parts, _ = resolve_parts(design, catalog)
    arrays = {name: np.ascontiguousarray(c[f"p_{name}"]) for name in PACKED_ARRAYS}
    site = site_of(design.facility, catalog.site)
    used: list[Part] = [parts[pid] for pid in json.loads(c["p_ids"].tobytes())]
    packed = PackedDesign(
        parts=used,
        derived=json.loads(c["p_derived"].tobytes()),
        fabric_names=json.loads(c["p_fabric_names"].tobytes()),
        plant=Plant.of(site, design.pue, parts),
        plant_cdu=parts[site.cdu],
        floor=design.floor,
        **arrays,
    )
    _checked(packed, c)
    return packed


def _check(p: PackedDesign, c: dict[str, np.ndarray]) -> None:
    """Refuse packed arrays that the kernels could read out of bounds, or that do not match the
    design's columns: a companion is shared like any file, so it is checked like one."""
    n, leaves, parts, fabrics = len(p.parent), len(p.leaf_part), len(p.parts), len(p.fabrics)
    int64 = [getattr(p, name) for name in PACKED_ARRAYS if name not in ("props", "part_info", "fabrics")]
    kid_range = p.kid_end - p.kid_start
    checks = [
        all(a.dtype == np.int64 and a.ndim == 1 for a in int64),
        p.props.shape == (n, len(k.BLOCK_PROPS)) and p.part_info.shape == (k.PART_INFO, parts),
        p.fabrics.shape == (fabrics, len(k.FABRIC_PARAMS)) and len(p.fabric_names) == fabrics,
        all(len(getattr(p, a)) == n for a in PACKED_ARRAYS[:13]),
        n > 0 and p.parent[-1] == -1 and bool((p.parent[:-1] > np.arange(n - 1)).all()),
        bool((p.slot >= -1).all()) and p.slot[-1] >= 0 and int(p.slot.max()) < n,
        bool(
            (
                (p.kind >= 0) & (p.kind < len(BLOCK_KINDS)) & (p.role >= 0) & (p.role < len(CABINET_ROLES))
            ).all()
        ),
        _spans(p.leaf_start, p.leaf_end, leaves) and _spans(p.kid_start, p.kid_end, len(p.kids)),
        _spans(p.fabric_start, p.fabric_end, fabrics),
        bool(((p.kids >= 0) & (p.kids < n)).all())
        and bool(((p.leaf_part >= 0) & (p.leaf_part < parts)).all()),
        bool((p.count >= 1).all() and (p.count <= MAX_COUNT).all()),
        bool((p.leaf_count >= 1).all() and (p.leaf_count <= MAX_COUNT).all()),
        bool(np.isfinite(p.part_info).all()) and bool(np.isfinite(p.fabrics).all()),
        np.array_equal(p.count, c["b_count"]) and np.array_equal(p.kind, c["b_kind"]),
        np.array_equal(kid_range, c["b_blocks"]) and np.array_equal(p.leaf_end - p.leaf_start, c["b_parts"]),
        bool((p.slot[p.parent[p.slot < 0]] >= 0).all()),  # a block without a row adds into its parent's
        len(p.derived) == parts,
        # the children and part entries are where the tree puts them
        np.array_equal(p.kids, np.argsort(p.parent[:-1], kind="stable")),
        np.array_equal(p.kid_end - p.kid_start, np.bincount(p.parent[:-1], minlength=n)),
        np.array_equal(p.kid_start[1:], p.kid_end[:-1]) and np.array_equal(p.leaf_start[1:], p.leaf_end[:-1]),
        p.leaf_end[-1] == leaves and p.kid_end[-1] == len(p.kids),
        # and the packing is of the design the columns hold
        np.array_equal(p.scaleup, c["b_scaleup"]) and np.array_equal(p.role, c["b_role"]),
        np.array_equal(p.props[:, [k.B_OVERHEAD, k.B_FOOTPRINT]], c["b_numbers"][:, :2]),
        _same_parts(p, c),
    ]
    if fabrics:
        refs = p.fabrics[:, [k.F_SWITCH1, k.F_SWITCH2, k.F_NIC, k.F_TRANSCEIVER, k.F_CABLE]]
        at = p.fabrics[:, k.F_BLOCK]
        checks += [bool(((refs >= -1) & (refs < parts)).all()), bool(((at >= 0) & (at < n)).all())]
        checks.append(bool((p.slot[at.astype(np.int64)] >= 0).all()))
    if not all(checks):
        raise ValueError(f"its packed arrays are inconsistent (check {checks.index(False) + 1})")


def _checked(p: PackedDesign, c: dict[str, np.ndarray]) -> None:
    try:
        _check(p, c)
    except (IndexError, ValueError, KeyError) as error:
        if str(error).startswith("its packed arrays"):
            raise
        raise ValueError(f"its packed arrays are inconsistent ({error})") from None


def _same_parts(p: PackedDesign, c: dict[str, np.ndarray]) -> bool:
    """Whether every part entry names the same part in the packing as in the columns."""
    named = json.loads(c["tables"].tobytes())["parts"]
    ids = {pid: i for i, pid in enumerate(named)}
    packed_ids = np.array([ids.get(part.id, -1) for part in p.parts], dtype=np.int64)
    return np.array_equal(packed_ids[p.leaf_part], c["leaf_part_id"])


def _spans(start: np.ndarray, end: np.ndarray, size: int) -> bool:
    """Each [start, end) lies within [0, size)."""
    return bool(((start >= 0) & (start <= end) & (end <= size)).all())


def open_design(path: str | os.PathLike[str], catalog: Catalog, read_toml: Any) -> Opened:
    """A design file read through its companion when one belongs to it, else from its TOML (with
    `read_toml(text, source)`), writing the companion anew for a large design. A companion that
    cannot be used or written is ignored with a note; the TOML decides."""
    data = files.read_bytes(path)
    digest = text_hash(data)
    note = ""
    if os.path.exists(companion_path(path)):
        try:
            design, packed = read(path, digest, catalog)
            return Opened(design, packed)
        except Stale as why:
            note = (
                f"{companion_path(path).name} was ignored: {why}; the design was read from {Path(path).name}"
            )
    text = files.decode(data, os.fspath(path))
    del data  # a million cabinets are 240 MB of it: not held while the design is read and packed
    design = read_toml(text, os.fspath(path))
    del text
    if not wanted(design):
        return Opened(design, None, note)
    parts, _ = resolve_parts(design, catalog)
    packed = pack(design, parts, catalog)
    with contextlib.suppress(DesignError):  # a folder that cannot be written: no companion, no harm
        write(path, digest, design, packed, catalog)
    return Opened(design, packed, note)


def load(name_or_path: str, catalog: Catalog) -> Opened:
    """A preset or a design file, through its companion where it has one (see open_design)."""
    from ascend_tui.model import presets

    path = presets.resolve(name_or_path)
    if path.parent == presets.presets_dir():
        return Opened(presets.load_file(path, catalog), None)

    def read_toml(text: str, source: str) -> Design:
        return parse_design(text, source, catalog, presets.use_resolver(path, catalog))

    return open_design(path, catalog, read_toml)


def write_beside(path: str | os.PathLike[str], design: Design, catalog: Catalog) -> None:
    """After a save: write the companion of a large design from the file as saved, or remove a
    companion that no longer belongs to it. Failures are ignored: the TOML is what was saved."""
    with contextlib.suppress(DesignError, OSError):
        if not wanted(design):
            if os.path.exists(companion_path(path)):
                os.remove(companion_path(path))
            return
        digest = text_hash(files.read_bytes(path))
        write(path, digest, design, pack(design, resolve_parts(design, catalog)[0], catalog), catalog)
