"""The designs a new design starts from: an empty cluster, one supernode, one rack. Their
cabinets start from the editor's defaults (model/design.py `new_block`), marked as such."""

from __future__ import annotations

from collections.abc import Callable

from ascend_tui.model.design import Block, Design, new_block


def _cluster() -> Design:
    return Design("New cluster", Block("cluster", "New cluster"))


def _supernode() -> Design:
    cabinet = new_block("cabinet", "compute")
    root = Block("supernode", "New supernode", scaleup=True, blocks=(cabinet,))
    return Design(root.name, root)


def _rack() -> Design:
    root = new_block("cabinet", "New rack")
    return Design(root.name, root)


# name: (what the picker says, how to make it)
TEMPLATES: dict[str, tuple[str, Callable[[], Design]]] = {
    "cluster": ("Empty cluster", _cluster),
    "supernode": ("One supernode", _supernode),
    "rack": ("One rack", _rack),
}


def make(name: str) -> Design:
    """A new design from the template `name`."""
    return TEMPLATES[name][1]()
