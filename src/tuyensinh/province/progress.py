"""Batch progress: wards done / failed / left and the time remaining.

On a terminal a tqdm bar (one line, redrawn; tqdm is a single small pure-Python package with
a built-in rate and time-remaining estimate, and it degrades to nothing on a pipe); elsewhere
(a log file, CI, a callable sink in tests) one plain line per finished ward. The estimate is
the mean wall time per finished ward so far × the wards left (the cluster works on several at
once, so this wall-clock rate already includes the parallelism).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from tuyensinh.words.core import number
from tuyensinh.words.province import say

__all__ = ["BatchProgress", "format_seconds"]


def format_seconds(seconds: float) -> str:
    """'1:05:09', '4:02' or '0:09' (h:mm:ss / m:ss)."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class BatchProgress:
    """Counts wards done / failed / left and shows them with the time remaining.

    sink: True → stderr (a tqdm bar on a terminal, lines otherwise), False/None → silent, or a
    callable taking each line.
    """

    def __init__(
        self, total: int, unchanged: int = 0, sink: bool | Callable[[str], None] | None = True, lang: str = "vi"
    ) -> None:
        self.total, self.unchanged, self.lang = total, unchanged, lang
        self.done = self.failed = 0
        self.started = time.perf_counter()
        self._words = {
            key: say(f"progress.{key}", lang)
            for key in ("desc", "unit", "done", "failed", "left", "eta", "unchanged", "seconds")
        }
        self._bar: Any = None
        self._emit: Callable[[str], None] | None = None
        if callable(sink):
            self._emit = sink
        elif sink:
            if sys.stderr.isatty():
                from tqdm import tqdm

                self._bar = tqdm(
                    total=total,
                    desc=self._words["desc"],
                    unit=self._words["unit"],
                    file=sys.stderr,
                    dynamic_ncols=True,
                    smoothing=0.0,
                )
                self._bar.set_postfix_str(self._counts(), refresh=True)
            else:
                self._emit = lambda line: print(line, file=sys.stderr, flush=True)

    @property
    def left(self) -> int:
        return self.total - self.done - self.failed

    def remaining_seconds(self) -> float | None:
        """Mean wall seconds per finished ward × wards left (None before the first)."""
        finished = self.done + self.failed
        if not finished:
            return None
        return (time.perf_counter() - self.started) / finished * self.left

    def _counts(self) -> str:
        w = self._words
        text = f"{w['done']} {self.done} · {w['failed']} {self.failed} · {w['left']} {self.left}"
        if self.unchanged:
            text += f" · {w['unchanged']} {self.unchanged}"
        return text

    def start(self) -> None:
        if self._emit is not None:
            self._emit(f"{self._words['desc']}: {self.total} ({self._counts()})")

    def finished(self, name: str, ok: bool, seconds: float) -> None:
        """Record one finished ward and show the counts."""
        if ok:
            self.done += 1
        else:
            self.failed += 1
        if self._bar is not None:
            self._bar.set_postfix_str(self._counts(), refresh=False)
            self._bar.update(1)
        elif self._emit is not None:
            eta = self.remaining_seconds()
            mark = "✓" if ok else "✗"
            took = f"{number(seconds, self.lang, 1)} {self._words['seconds']}"
            line = f"[{self.done + self.failed}/{self.total}] {mark} {name} ({took}) — {self._counts()}"
            if eta is not None and self.left:
                line += f" — {self._words['eta']} {format_seconds(eta)}"
            self._emit(line)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
