"""A function run in a forked child process beside this one: what it reports, and its result.

The network strategy keeps both cores busy by handing work that does not need this process's
next result to a child (the sites' listing of step 4b; the zoning parts no site decision
touches). `Beside(function, *args, until=…, **kwargs)` forks at once and runs
`function(*args, report=report, **kwargs)` in the child; every `report(item)` reaches the
parent as it is made, and the return value at the end. The parent never waits past
`until` (a time.perf_counter() value; the function keeps its own time) and kills the child
when it is done with it. Without `fork` (Windows, macOS spawn, a daemonic worker), the
function runs in this process when its first report or its result is asked for.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from typing import Any

__all__ = ["Beside", "fork_available"]

POLL_SECONDS = 0.05
"""Longest wait on the child's pipe between checks of the deadline and of the child's life."""


def fork_available() -> bool:
    """True when work can run in a forked child: POSIX fork, and this process is not itself a
    daemonic worker (e.g. of a multiprocessing pool or a Dask worker), which may not have
    children."""
    return "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon


class Beside:
    """`function(*args, report=…, **kwargs)` in a forked child process, started now."""

    def __init__(self, function: Callable[..., Any], *args: Any, until: float, **kwargs: Any) -> None:
        self.function, self.args, self.kwargs = function, args, kwargs
        self.until = until
        self.reports: list[Any] = []
        self.result: Any = None
        self.done = False  # the result (or the child's end) has been read
        self.stopped = False
        self.process = None
        if fork_available():
            context = multiprocessing.get_context("fork")
            self.receive, send = context.Pipe(duplex=False)
            self.process = context.Process(target=_child, args=(send, function, args, kwargs), daemon=True)
            sys.stdout.flush()
            sys.stderr.flush()
            self.process.start()
            send.close()

    def wait(self, wanted: Callable[[Any], bool]) -> Any | None:
        """The first report `wanted` accepts, waiting for it until the child ends or the
        time `until` (None then)."""
        found = next((r for r in self.reports if wanted(r)), None)
        if found is not None:
            return found
        if self.process is None:
            self._run_here()
            return next((r for r in self.reports if wanted(r)), None)
        while not self.done:
            seen = len(self.reports)
            if not self.read(self.until - time.perf_counter()):
                break
            found = next((r for r in self.reports[seen:] if wanted(r)), None)
            if found is not None:
                return found
        return None

    def finish(self, wait: bool = True) -> Any | None:
        """The function's result, waiting for it until `until` (with `wait` False: only
        if it is already there); None when it did not come. The child is stopped."""
        if self.process is None:
            if wait:
                self._run_here()
            return self.result
        try:
            while not self.done and self.read(self.until - time.perf_counter() if wait else 0.0):
                pass
        finally:
            self.stop()
        return self.result

    def stop(self) -> None:
        """Stop the child now (what it reported so far stays in `reports`)."""
        if self.process is None or self.stopped:
            return
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.receive.close()
        self.stopped = self.done = True

    def read(self, seconds: float) -> bool:
        """Read one message, waiting up to `seconds`; False when none came (the time is up,
        or the child ended: then `done`)."""
        assert self.process is not None
        end = time.perf_counter() + max(seconds, 0.0)
        while not self.stopped:
            left = end - time.perf_counter()
            if self.receive.poll(max(min(left, POLL_SECONDS), 0.0)):
                try:
                    kind, item = self.receive.recv()
                except (EOFError, OSError):  # the child ended without a result (killed, crashed)
                    self.done = True
                    return False
                if kind == "report":
                    self.reports.append(item)
                elif kind == "done":
                    self.result, self.done = item, True
                else:
                    self.done = True
                    name = getattr(self.function, "__name__", "a step")
                    raise RuntimeError(f"{name} failed in its child process: {item}")
                return True
            if not self.process.is_alive() and not self.receive.poll(0):
                self.done = True
                return False
            if left <= 0:
                return False
        return False

    def drain(self) -> None:
        """Read every message already there, without waiting."""
        if self.process is not None:
            while not self.done and self.read(0.0):
                pass

    def _run_here(self) -> None:
        if not self.done:
            self.result = self.function(*self.args, report=self.reports.append, **self.kwargs)
            self.done = True


def _child(conn, function: Callable[..., Any], args: tuple, kwargs: dict[str, Any]) -> None:
    """The child's side: send each report and the result (or the error), then leave at once."""

    def report(item: Any) -> None:
        try:
            conn.send(("report", item))
        except (BrokenPipeError, OSError):  # the parent no longer listens
            os._exit(0)

    try:
        conn.send(("done", function(*args, report=report, **kwargs)))
    except BaseException as error:  # reported to the parent, which raises it
        with contextlib.suppress(BrokenPipeError, OSError):
            conn.send(("error", repr(error)))
    finally:
        conn.close()
        os._exit(0)
