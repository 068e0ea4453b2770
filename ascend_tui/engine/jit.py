"""The one place that decides how kernels run: as plain Python, or compiled by Numba.

A kernel is written once, as a Python function over arrays. Small inputs run it as Python (no
Numba import at all, so a small design evaluates at once); large ones run the compiled version,
built on first use: eager to its signature, nogil, and cached on disk where a cache folder is
writable. Helpers (`@helper`) are plain functions too; the compiled kernel sees compiled copies of
them, inlined into its own machine code, so that loading a cached kernel loads one function.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])

# A kernel loops over independent work with `prange`: `range` as Python, Numba's parallel range
# once compiled with `parallel=True`.
prange = range

# Below this much work (blocks plus part entries) a kernel runs as plain Python: faster than
# importing Numba and loading compiled code for the few hundred nodes of a real system's design.
PYTHON_BELOW = 4000

_helpers: dict[str, list[Callable[..., Any]]] = {}


def helper(function: F) -> F:
    """A small function kernels call; compiled kernels inline its compiled copy."""
    _helpers.setdefault(function.__module__, []).append(function)
    return function


def _rebound(function: Callable[..., Any], namespace: dict[str, Any]) -> Callable[..., Any]:
    """`function` with its global names looked up in `namespace` instead of its module."""
    copy = types.FunctionType(
        function.__code__, namespace, function.__name__, function.__defaults__, function.__closure__
    )
    copy.__qualname__ = function.__qualname__
    copy.__module__ = function.__module__
    copy.__doc__ = function.__doc__
    return copy


class Kernel(Generic[F]):
    """A kernel: `python` is the function as written; `compiled` builds (or loads) its Numba
    version on first use; `pick(work)` chooses by how much work a call has."""

    def __init__(self, function: F, signature: str, parallel: bool = False) -> None:
        self.python: F = function
        self.signature = signature
        self.parallel = parallel
        self._compiled: F | None = None
        self.__doc__ = function.__doc__
        self.__name__ = function.__name__

    @property
    def compiled(self) -> F:
        if self._compiled is None:
            self._compiled = _compile(self.python, self.signature, self.parallel)
        return self._compiled

    def pick(self, work: int) -> F:
        """The Python version for small work (unless compiled already), else the compiled one."""
        if self._compiled is None and work < PYTHON_BELOW:
            return self.python
        return self.compiled


def kernel(signature: str, parallel: bool = False) -> Callable[[F], Kernel[F]]:
    """Declare a kernel with its Numba signature (compiled only when first needed); a parallel
    kernel spreads its `prange` loops over Numba's threads."""
    return lambda function: Kernel(function, signature, parallel)


def _compile(function: F, signature: str, parallel: bool = False) -> F:
    """Compile `function` with Numba against compiled copies of its module's helpers. A kernel
    inlines only the helpers of its own module: Numba checks a cached kernel against its own
    source file alone, so a helper elsewhere could change under a stale cache.

    Numba honours NUMBA_CACHE_DIR; when neither it nor the package's __pycache__ nor the user's
    cache folder can be written, Numba refuses `cache=True`, and the kernel is compiled uncached
    instead of failing.
    """
    import numba

    module_globals = function.__globals__
    namespace = dict(module_globals)
    for h in _helpers.get(function.__module__, []):
        namespace[h.__name__] = numba.njit(inline="always", nogil=True)(_rebound(h, namespace))
    if namespace.get("prange") is range:
        namespace["prange"] = numba.prange
    target = _rebound(function, namespace)
    try:
        return cast(F, numba.njit(signature, cache=True, nogil=True, parallel=parallel)(target))
    except RuntimeError as error:
        if "cannot cache" not in str(error):
            raise
        return cast(F, numba.njit(signature, cache=False, nogil=True, parallel=parallel)(target))


def compile_all(*kernels: Kernel[Any]) -> None:
    """Build (or load from the cache) the compiled version of each kernel."""
    for k in kernels:
        _ = k.compiled
