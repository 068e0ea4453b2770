"""Presets: TOML designs of real systems, named by file stem."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from ascend_tui.model.catalog import Catalog
from ascend_tui.model.design import Design
from ascend_tui.model.files import file_problem
from ascend_tui.model.problems import DesignError, Problem, did_you_mean
from ascend_tui.model.text import quoted
from ascend_tui.model.toml_format import UseResolver, is_path, load_design

DEFAULT_PRESET = "atlas-950-superpod"
MAX_USE_DEPTH = 32  # designs reusing designs reusing designs...: each level is read recursively


def presets_dir() -> Path:
    """The presets shipped inside the package (`ascend_tui/presets`), read like the catalog, with
    importlib.resources; a source checkout's top-level `presets/` is a link to the same folder."""
    folder = resources.files("ascend_tui.presets")
    if not isinstance(folder, Path):  # e.g. imported from a zip: presets are opened as files
        raise RuntimeError(f"ascend-tui must be installed as files to open its presets, not from {folder}")
    return folder


def preset_names() -> list[str]:
    """Every preset's name (file stem), sorted."""
    return sorted(p.stem for p in presets_dir().glob("*.toml"))


def resolve(name_or_path: str) -> Path:
    """A design file from a preset name or a path; DesignError names the presets if neither, or
    says what is wrong with the path (missing, a folder, a FIFO...)."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or os.path.exists(path):  # os.path's: False, not an error, on a bad name
        why = file_problem(path)
        if why:
            raise DesignError([Problem("", why)], str(path))
        return path
    preset = presets_dir() / f"{name_or_path}.toml"
    if os.path.isfile(preset):
        return preset
    hint = did_you_mean(name_or_path, preset_names(), "`ascend-tui presets` lists them")
    raise DesignError([Problem("", f"no preset or file named {quoted(name_or_path)}; {hint}")])


def use_target(ref: str, file: Path) -> Path:
    """The file a `use = ...` in `file` names: a path (relative to `file`'s folder, or absolute)
    when it ends in .toml or has a slash, else a preset."""
    if "\0" in ref:
        raise DesignError([Problem("", "a design's name or path cannot hold a NUL character")])
    if is_path(ref):
        return (file.parent / ref).resolve()
    preset = presets_dir() / f"{ref}.toml"
    if not os.path.isfile(preset):
        hint = did_you_mean(ref, preset_names(), "`ascend-tui presets` lists them")
        raise DesignError([Problem("", f"no preset named {quoted(ref)}; {hint}")])
    return preset


def use_resolver(file: Path, catalog: Catalog | None, loading: tuple[Path, ...] = ()) -> UseResolver:
    """What finds the designs that `file` reuses, refusing a loop by name."""
    here = (*loading, file.resolve())

    def resolve_use(ref: str) -> tuple[str, Design]:
        target = use_target(ref, file)
        if target.resolve() in here:
            chain = " -> ".join(p.name for p in (*here, target))
            raise DesignError([Problem("", f"designs reuse each other in a loop: {chain}")])
        if len(here) > MAX_USE_DEPTH:
            message = f"designs reuse designs more than {MAX_USE_DEPTH} deep; is that intended?"
            raise DesignError([Problem("", message)])
        canonical = str(target) if is_path(ref) else ref
        return canonical, load_design(target, catalog, use_resolver(target, catalog, here))

    return resolve_use


def load_file(file: Path, catalog: Catalog | None = None) -> Design:
    """Load a design file, with the designs it reuses."""
    return load_design(file, catalog, use_resolver(file, catalog))


def load(name_or_path: str, catalog: Catalog | None = None) -> Design:
    """Load a preset by name, or a design file by path."""
    return load_file(resolve(name_or_path), catalog)
