"""The plan's types: its settings, the computed plan, what a run produced, and progress lines.

`PlanSettings` (options of a run) → `tuyensinh.plan.compute.compute_plan` → `Plan` (everything
computed, nothing written) → `tuyensinh.plan.run.run_plan` → `PlanResult` (the files written).
`Progress` prints the short "[n/7] …" lines and keeps the timings of each step (seconds).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from capacity.norms import Norms
from tuyensinh.plan.accuracy import PlanningAccuracy
from tuyensinh.plan.cycle import CapacityCycle
from tuyensinh.present.progress_bars import StepBars
from tuyensinh.ward import Ward
from tuyensinh.words.labels import check_lang, say
from zoning.result import ZoningResult

__all__ = ["DEFAULT_STABILITY", "PlanSettings", "Plan", "PlanResult", "Progress", "stack_yearly"]

#: Metres of travel that moving one pupil away from the current school is worth: a quarter
#: changes school only when that saves more than 300 m per pupil or relieves an overload.
DEFAULT_STABILITY = 300.0


@dataclass(frozen=True)
class PlanSettings:
    """Options of a plan run (all recorded in manifest.json).

    school_year: school year to zone and set quotas for (Y means Y–Y+1); default base year + 1.
    lang: "vi" (default) or "en" for every label the planner reads.
    stability: metres of travel one pupil moved away from its current school is worth
        (default `DEFAULT_STABILITY`; 0 = shortest distances, ignoring the current zones).
    max_distance: hard maximum home–school distance in metres (None: none).
    contiguous: require each school's zone to be one connected piece (default: on, since the
        zones are published as maps; the rule is cheap at ward scale).
    split: allow a quarter to be split between schools.
    time_limit: solver time limit per zoning model, seconds.
    rezone_each_year: also zone each later school year to the horizon on its own.
    accuracy: measure how accurate the forecast has been on the ward's history (entry-grade
        pupils and classes, `tuyensinh.plan.accuracy`; a backtest of about 0.2–1 s on a sample ward),
        shown in the report and recorded in manifest.json.
    map_dpi: resolution of the PNG maps in maps/ (the PDF is vector).
    paper: "A4" (default) or "A3": the sheet of the maps in maps/ (PNG and PDF) and the printed
        page of report.html.
    map_orientation: "auto" (default: the one printing the ward larger), "portrait" or
        "landscape": the sheet of the maps in maps/ (report.html shows portrait copies).
    """

    school_year: int | None = None
    lang: str = "vi"
    stability: float = DEFAULT_STABILITY
    max_distance: float | None = None
    contiguous: bool = True
    split: bool = False
    time_limit: float = 60.0
    rezone_each_year: bool = True
    accuracy: bool = True
    map_dpi: int = 300
    paper: str = "A4"
    map_orientation: str = "auto"

    def __post_init__(self) -> None:
        check_lang(self.lang)
        if self.paper not in ("A4", "A3"):
            raise ValueError(f"--paper must be A4 or A3, not {self.paper!r}")
        if self.map_orientation not in ("auto", "portrait", "landscape"):
            raise ValueError(f"--orientation must be auto, portrait or landscape, not {self.map_orientation!r}")
        if self.time_limit <= 0:
            raise ValueError("time limit must be a positive number of seconds")
        if self.stability < 0:
            raise ValueError("--stability must be 0 or more (metres per pupil moved)")
        if self.max_distance is not None and self.max_distance <= 0:
            raise ValueError("--max-distance must be a positive number of metres")


class Progress:
    """Progress of a plan on stderr, and its timings.

    `sink`: True → stderr: on a terminal, progress bars with the time left
    (`tuyensinh.present.progress_bars`: the steps, and each time-limited zoning solve against its
    limit); elsewhere (a log, a pipe) one short line per step ("[4/7] Phân tuyến tuyển sinh:
    tiểu học …"). False/None → silent; a callable → it takes each line. `stream`: where True
    writes (default `sys.stderr`, read when the progress starts).
    """

    TOTAL = 7

    def __init__(
        self, sink: bool | Callable[[str], None] | None, lang: str = "vi", stream: TextIO | None = None
    ) -> None:
        self._bars: StepBars | None = None
        if sink is True:
            out = stream if stream is not None else sys.stderr
            self._emit: Callable[[str], None] | None = lambda line: print(line, file=out, flush=True)
            if _is_terminal(out):
                self._bars = StepBars(self.TOTAL, out, lang)
        elif callable(sink):
            self._emit = sink
        else:
            self._emit = None
        self.lang = lang
        self.timings: dict[str, float] = {}

    def line(self, line: str) -> None:
        """One line of progress (written above the bars on a terminal)."""
        if self._bars is not None:
            self._bars.write(line)
        elif self._emit is not None:
            self._emit(line)

    def close(self) -> None:
        """End the bars (a terminal's cursor back below them); later lines are plain lines."""
        if self._bars is not None:
            self._bars.close()
            self._bars = None

    @contextmanager
    def step(
        self, number: int, name: str, key: str, *, seconds_at_most: float | None = None, **fields: Any
    ) -> Iterator[None]:
        """Announce step `number` and time it under `name` in the timings; `seconds_at_most`: an
        upper bound of its duration (a solver's time limit), drawn as a time bar on a terminal."""
        text = say(key, self.lang, **fields)
        if self._bars is not None:
            self._bars.start(number, text, seconds_at_most)
        else:
            self.line(f"[{number}/{self.TOTAL}] {text} …")
        start = time.perf_counter()
        try:
            yield
        except BaseException:
            self.close()  # the error is printed below the bars, not across them
            raise
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start
            if self._bars is not None:
                self._bars.finish(number)


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):  # a closed or detached stream
        return False


@dataclass(frozen=True, eq=False)
class Plan:
    """Everything computed for one ward and one coming school year (nothing written yet).

    zonings: the proposed zoning per level (the coming school year).
    yearly: per level, each school year from the coming one to the horizon zoned on its own
        (None when `rezone_each_year` is off).
    assignment: the proposed zones of every level (zones.csv).
    capacity: per school × year with the proposed zones held to the horizon (capacity.csv);
        capacity_current / capacity_yearly the same with the current / re-zoned assignments.
    accuracy: how accurate the forecast has been (`tuyensinh.plan.accuracy.PlanningAccuracy`), or
        None when switched off, when a forecast was passed in to reuse, or when the history is
        too short for a backtest.
    held: the proposed zones per school year (`school_year, quarter_id, level, school_id,
        share`): the coming year's zones, zoned again from each year a school opens or closes
        (capacity, quotas and the cycle use these).
    reopened: per level, the zonings of the years a school opens or closes (empty when none).
    cycle: teachers, the costed building programme, facilities, lớp ghép and — with
        enrolment.csv — the intake report, the rates used and universalisation
        (`tuyensinh.plan.cycle.CapacityCycle`).
    """

    ward: Ward
    settings: PlanSettings
    school_year: int
    school_years: tuple[int, ...]
    norms: Norms
    forecast: pd.DataFrame
    forecast_ward: pd.DataFrame | None
    demand: pd.DataFrame
    distances: pd.DataFrame
    zonings: dict[str, ZoningResult]
    yearly: dict[str, ZoningResult] | None
    assignment: pd.DataFrame
    capacity: pd.DataFrame
    capacity_current: pd.DataFrame | None
    capacity_yearly: pd.DataFrame | None
    quotas: pd.DataFrame
    summary: pd.DataFrame
    timings: dict[str, float] = field(default_factory=dict)
    accuracy: PlanningAccuracy | None = None
    cycle: CapacityCycle | None = None
    held: pd.DataFrame | None = None
    reopened: dict[str, ZoningResult] = field(default_factory=dict)

    @property
    def levels(self) -> tuple[str, ...]:
        """Levels zoned (those with at least one school)."""
        return tuple(self.zonings)

    def yearly_assignment(self) -> pd.DataFrame | None:
        """The re-zoned assignments of every level and year (`school_year` first)."""
        return stack_yearly(self.yearly)

    def overflow(self) -> pd.DataFrame:
        """Pupils the proposed zoning could not seat within a school's rooms (per school)."""
        frames = [r.overflow() for r in self.zonings.values()]
        frames = [f for f in frames if not f.empty]
        if not frames:
            return pd.DataFrame(columns=["school_id", "level", "school_year", "overflow"])
        table = pd.concat(frames, ignore_index=True)
        return table.rename(columns={"overflow_pupils": "overflow"})[["school_id", "level", "school_year", "overflow"]]

    def solver_reports(self) -> list[dict[str, Any]]:
        """One dict per model solved: which zoning, status, objective, bound, gap, seconds."""
        rows = []
        for kind, results in (("proposed", self.zonings), ("yearly", self.yearly or {}), ("opening", self.reopened)):
            for result in results.values():
                for report in result.reports:
                    entry = report.to_dict()
                    entry["zoning"] = kind
                    entry["notes"] = list(getattr(result, "notes", ()))
                    rows.append(entry)
        return rows


@dataclass(frozen=True, eq=False)
class PlanResult:
    """What `run_plan` produced: the output folder, the plan, the files and the manifest."""

    out: Path
    plan: Plan
    files: tuple[str, ...]
    manifest: dict[str, Any]
    headlines: tuple[str, ...] = ()


def stack_yearly(yearly: dict[str, ZoningResult] | None) -> pd.DataFrame | None:
    """The re-zoned assignments of every level and year (None when no year was re-zoned)."""
    if not yearly:
        return None
    return pd.concat([r.assignment for r in yearly.values()], ignore_index=True)
