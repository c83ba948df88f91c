"""Progress bars on a terminal: the steps of a plan and each time-limited solve, with time left.

The style of `tuyensinh batch` (tqdm on stderr, one redrawn line per bar, no smoothing): tqdm is
already a dependency, degrades to nothing on a pipe, and computes rate and time remaining.
Two bars:
- the steps bar `[4/7] Phân tuyến tuyển sinh: tiểu học` with the time spent and tqdm's estimate
  of the time left from the steps done so far;
- under it, while a step with a known upper bound runs (a zoning solve, whose solver stops at
  its time limit), a time bar filled by the seconds spent against that bound: the time left is
  at most bound − elapsed, whatever the solver does. A thread redraws it twice a second, since
  the solver holds the main thread.
`tuyensinh.plan.types.Progress` uses them only when its stream is a terminal; elsewhere (a log,
CI, a pipe) it writes the plain step lines.
"""

from __future__ import annotations

import threading
import time
from typing import Any, TextIO

from tuyensinh.words.cli import say

__all__ = ["StepBars", "TICK_SECONDS"]

TICK_SECONDS = 0.5  # how often the time bar is redrawn while a solver runs


class StepBars:
    """The steps bar and the time bar of one run, drawn on `stream` in `lang`."""

    def __init__(self, total: int, stream: TextIO, lang: str = "vi") -> None:
        from tqdm import tqdm

        self._tqdm = tqdm
        self.stream, self.lang = stream, lang
        self.steps = tqdm(
            total=total,
            file=stream,
            unit=say("said.bar_steps", lang),
            dynamic_ncols=True,
            smoothing=0.0,
            bar_format="{desc} {bar} {n_fmt}/{total_fmt} [{elapsed}, " + say("said.bar_left", lang) + " {remaining}]",
        )
        self._timer: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, number: int, text: str, seconds_at_most: float | None = None) -> None:
        """Step `number` begins (`text` in the language); with `seconds_at_most`, show the time bar."""
        if number - 1 < self.steps.n - 1:  # a new round of steps (the next scenario compared)
            self.steps.reset(total=self.steps.total)
        self.steps.set_description_str(f"[{number}/{self.steps.total}] {text}", refresh=False)
        self.steps.n = number - 1
        self.steps.refresh()
        if seconds_at_most is not None and seconds_at_most > 0:
            self._start_timer(float(seconds_at_most))

    def _start_timer(self, bound: float) -> None:
        at_most, left, unit = (say(f"said.bar_{k}", self.lang) for k in ("at_most", "left", "seconds"))
        self._timer = self._tqdm(
            total=bound,
            file=self.stream,
            leave=False,
            position=1,
            dynamic_ncols=True,
            bar_format="  {bar} {n:.0f}/{total:.0f} " + unit + f" ({left} {at_most} " + "{remaining})",
        )
        began = time.perf_counter()
        self._stop.clear()

        def tick() -> None:
            while not self._stop.wait(TICK_SECONDS):
                self._timer.n = min(time.perf_counter() - began, bound)
                self._timer.refresh()

        self._thread = threading.Thread(target=tick, name="tuyensinh-progress", daemon=True)
        self._thread.start()

    def finish(self, number: int) -> None:
        """Step `number` is over: stop and clear its time bar, count the step."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None
        if self._timer is not None:
            self._timer.close()
            self._timer = None
        self.steps.n = number
        self.steps.refresh()

    def write(self, line: str) -> None:
        """A line above the bars (they are redrawn under it)."""
        self._tqdm.write(line, file=self.stream)

    def close(self) -> None:
        """Fill and close the steps bar (the run is over)."""
        self.finish(self.steps.total)
        self.steps.close()
