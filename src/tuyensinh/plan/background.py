"""One computation on the other core while the plan goes on: `Background(fn, *args)`.

`tuyensinh.plan.compute` measures the forecast's past accuracy this way (a backtest on the
ward's history: ≈ 0.55 s for a sample ward, needing nothing the plan computes) while it
computes the forecast and the zonings, when the plan may use two cores: before the fan charts
start, the second core has nothing to do, and the result is needed only at the end. The process is forked: it inherits the imported modules and
the function's arguments (never pickled: the norms hold read-only mappings); only the result
travels back pickled. Without the fork
start method, or when `parallel` is False (`tuyensinh batch` runs one ward per core), `fn`
runs in this process when its result is asked for, as it does when the forked process dies
(e.g. out of memory): the same result either way.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Generic, TypeVar, cast

__all__ = ["Background"]

T = TypeVar("T")

_CALLS: dict[int, tuple[Callable[..., object], tuple[object, ...]]] = {}
"""The computations being started, by key: a forked process finds its own here."""


def _call(key: int) -> object:
    fn, args = _CALLS[key]
    return fn(*args)


class Background(Generic[T]):
    """`fn(*args)` started now in a forked process (`parallel` and fork available), else
    deferred; `result()` returns it (or raises its exception) and stops the process."""

    def __init__(self, fn: Callable[..., T], *args: object, parallel: bool = True):
        self._fn, self._args = fn, args
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future[T] | None = None
        if parallel and "fork" in multiprocessing.get_all_start_methods():
            key = id(self)
            _CALLS[key] = (fn, args)
            try:  # the first submit forks the process, which inherits _CALLS
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
                self._future = cast("Future[T]", self._pool.submit(_call, key))
            finally:
                del _CALLS[key]

    @property
    def parallel(self) -> bool:
        """`fn` runs in another process (else when `result()` is called)."""
        return self._future is not None

    def result(self) -> T:
        """The value of `fn(*args)`."""
        if self._future is None:
            return self._fn(*self._args)
        try:
            return self._future.result()
        except BrokenProcessPool:  # the process died (e.g. out of memory): compute it here
            return self._fn(*self._args)
        finally:
            self.close()

    def close(self) -> None:
        """Stop the process (a computation still running is waited for; harmless twice)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
