"""The one place that decides how kernels are compiled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

F = TypeVar("F", bound=Callable[..., Any])


def kernel(signature: str) -> Callable[[F], F]:
    """Compile eagerly to `signature`, nogil, cached on disk where a cache folder is writable.

    Numba honours NUMBA_CACHE_DIR; when neither it nor the package's __pycache__ nor the user's
    cache folder can be written, Numba refuses `cache=True`, and the kernel is compiled uncached
    instead of failing.
    """

    def decorate(function: F) -> F:
        try:
            return cast(F, numba.njit(signature, cache=True, nogil=True)(function))
        except RuntimeError as error:
            if "cannot cache" not in str(error):
                raise
            return cast(F, numba.njit(signature, cache=False, nogil=True)(function))

    return decorate


def helper(function: F) -> F:
    """A small function a kernel calls: inlined into the kernel's own compiled (and cached) code,
    so loading a cached kernel does not load or compile its helpers separately."""
    return cast(F, numba.njit(inline="always", nogil=True)(function))
