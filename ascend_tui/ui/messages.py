"""Domain events the app passes between widgets and workers."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from ascend_tui.model.design import NodePath
from ascend_tui.ui.state import Figures


@dataclass
class NodeSelected(Message):
    """The user moved to another node of the design tree."""

    path: NodePath


@dataclass
class EvaluationFinished(Message):
    """A worker evaluated the design as it was at `figures.version`."""

    figures: Figures


@dataclass
class EvaluationFailed(Message):
    """A worker could not evaluate the design at `version` (e.g. totals too large to count)."""

    version: int
    error: str


@dataclass
class FieldLeft(Message):
    """The user is done with a field of the node editor (Enter or Escape): back to the tree."""
