"""Domain events the app passes between widgets and workers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from ascend_tui.model.design import NodePath

if TYPE_CHECKING:  # the engine's kernels compile on import; the app loads them in a worker
    from ascend_tui.engine.evaluate import Evaluation


@dataclass
class NodeSelected(Message):
    """The user moved to another node of the design tree."""

    path: NodePath


@dataclass
class EvaluationFinished(Message):
    """A worker evaluated the design as it was at `version`."""

    version: int
    evaluation: Evaluation


@dataclass
class EvaluationFailed(Message):
    """A worker could not evaluate the design at `version` (e.g. totals too large to count)."""

    version: int
    error: str


@dataclass
class EditRequested(Message):
    """The node editor asks for an edit of the selected node: a field and the text typed."""

    path: NodePath
    field: str
    value: str
