"""The zoning result: who goes where, what each school then holds, and how the solver did."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from capacity.classes import ceil_classes
from zoning.model import MatrixModel
from zoning.notes import Note
from zoning.problem import ZoningProblem
from zoning.strategy import StrategyOutcome

__all__ = ["SolverReport", "ZoningResult", "ZONES_COLUMNS", "tables_from_solution"]

ZONES_COLUMNS = ["quarter_id", "level", "school_id", "share", "pupils", "distance_m", "changed"]
SHARE_TOL = 1e-6


@dataclass(frozen=True)
class SolverReport:
    """How one model was solved, as the solver reported it (for solver.json and reports).

    `status`: optimal (proven within `gap`), feasible (a solution whose optimality was not
    proven before the time limit), infeasible or no_solution. `objective` and `best_bound` are
    in pupil-metres including penalties; `gap` = (objective − best_bound) / objective.
    `lp_bound` is the LP-relaxation bound when the LP-guided strategy computed it.
    """

    level: str
    school_years: tuple[int, ...]
    solver: str
    strategy: str
    status: str
    solver_status: str
    objective: float | None
    best_bound: float | None
    gap: float | None
    lp_bound: float | None
    time_limit: float
    build_seconds: float
    solve_seconds: float
    quarters: int
    schools: int
    pairs: int
    k_nearest: int | None
    variables: int
    integer_variables: int
    constraints: int
    split: bool
    stability: float
    distance_penalty: float
    max_distance: float | None
    norm_distance: float | None
    overflow_penalty: float
    contiguity: bool
    steps: tuple[dict, ...] = field(default=())

    def to_dict(self) -> dict:
        """JSON-ready dict (NaN/inf become None)."""

        def clean(value: object) -> object:
            if isinstance(value, float) and not math.isfinite(value):
                return None
            if isinstance(value, (np.floating, np.integer)):
                return clean(value.item())
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return [clean(v) for v in value]
            return value

        return clean(asdict(self))  # type: ignore[return-value]  # a dict in, a dict out


@dataclass(frozen=True, eq=False)
class ZoningResult:
    """One level's zoning for one or more school years.

    assignment: one row per school year × quarter × school with a share > 0:
        `school_year, quarter_id, level, school_id, share, pupils, distance_m, changed`
        (`changed`: the share differs from the current zoning; NA without a current zoning).
    load: per `school_id, school_year`: `name, level, pupils, classes, rooms_needed,
        rooms_available, utilization, overflow_pupils, room_shortfall, zone_quarters,
        contiguous` (classes = the fewest that seat the pupils within the class-size limits).
    grades: per `school_id, school_year, grade`: `pupils, classes, class_limit, overflow_pupils`.
    reports: one `SolverReport` per model solved (one, or one per year with per_year=True).
    notes: warnings a planner should read (quarters without a school within the maximum
        distance, schools over capacity, time limits reached), in the fixed English scripts
        and solver.json read.
    note_records: the same warnings as `Note(key, params)` records; `note_texts(lang)` words
        them for the planner in Vietnamese ("vi", default) or English ("en"). Given records
        and no `notes`, `notes` is filled from the records.
    """

    level: str
    school_years: tuple[int, ...]
    assignment: pd.DataFrame
    load: pd.DataFrame
    grades: pd.DataFrame
    reports: tuple[SolverReport, ...]
    notes: tuple[str, ...] = ()
    note_records: tuple[Note, ...] = ()

    def __post_init__(self) -> None:
        if self.note_records and not self.notes:
            object.__setattr__(self, "notes", tuple(note.script_text() for note in self.note_records))

    def note_texts(self, lang: str = "vi", kinds: tuple[str, ...] | None = None) -> tuple[str, ...]:
        """The notes as the planner reads them in `lang` ("vi" or "en"), optionally only those of
        `kinds` (see `zoning.notes.NOTE_KINDS`). A result built without records (by hand, from
        free text) gives its `notes` as written."""
        if not self.note_records:
            return self.notes if kinds is None else ()
        return tuple(note.text(lang) for note in self.note_records if kinds is None or note.key in kinds)

    @property
    def solver(self) -> SolverReport:
        """The solver report (the first one when each year was zoned separately)."""
        return self.reports[0]

    def zones(self, school_year: int | None = None) -> pd.DataFrame:
        """The zones.csv table for one school year (default: the first):
        `quarter_id, level, school_id, share, pupils, distance_m, changed`."""
        year = self.school_years[0] if school_year is None else int(school_year)
        if year not in self.school_years:
            raise ValueError(f"school year {year} was not zoned; zoned: {list(self.school_years)}")
        rows = self.assignment[self.assignment["school_year"] == year]
        return rows[ZONES_COLUMNS].reset_index(drop=True)

    def overflow(self) -> pd.DataFrame:
        """Schools and years with pupils beyond their seats (the capacity flags)."""
        return self.load[self.load["overflow_pupils"] > 0.005].reset_index(drop=True)

    @property
    def pupil_metres(self) -> float:
        """Pupils × metres of travel over all zoned years (no penalties)."""
        a = self.assignment
        return float((a["pupils"] * a["distance_m"]).sum())

    def summary(self) -> dict:
        """Key figures for solver.json and progress lines."""
        a = self.assignment
        pupils = float(a["pupils"].sum())
        per_year = []
        for year in self.school_years:
            rows = a[a["school_year"] == year]
            load = self.load[self.load["school_year"] == year]
            p = float(rows["pupils"].sum())
            per_year.append(
                {
                    "school_year": int(year),
                    "pupils": round(p, 2),
                    "mean_distance_m": round(float((rows["pupils"] * rows["distance_m"]).sum() / p), 1) if p else None,
                    "pupils_moved": round(
                        float(rows.loc[rows["changed"].fillna(False).astype(bool), "pupils"].sum()), 2
                    )
                    if rows["changed"].notna().any()
                    else None,
                    "quarters_changed": int(
                        rows.loc[rows["changed"].fillna(False).astype(bool), "quarter_id"].nunique()
                    )
                    if rows["changed"].notna().any()
                    else None,
                    "overflow_pupils": round(float(load["overflow_pupils"].sum()), 2),
                    "schools_over_capacity": sorted(load.loc[load["overflow_pupils"] > 0.005, "school_id"].tolist()),
                }
            )
        return {
            "level": self.level,
            "school_years": list(self.school_years),
            "pupils": round(pupils, 2),
            "years": per_year,
            "solver": [r.to_dict() for r in self.reports],
            "notes": list(self.notes),
            "note_records": [note.to_dict() for note in self.note_records],
        }


def _shares(model: MatrixModel, values: np.ndarray, split: bool) -> np.ndarray:
    """Clean shares per pair: 0/1 for whole quarters; tiny shares dropped and renormalised."""
    x = np.clip(values[: model.n_pairs], 0.0, 1.0)
    if not split:
        return (x > 0.5).astype(float)
    x = np.where(x < SHARE_TOL, 0.0, x)
    totals = np.bincount(model.pair_quarter, weights=x, minlength=int(model.pair_quarter.max()) + 1)
    return x / totals[model.pair_quarter]


def tables_from_solution(
    problem: ZoningProblem,
    model: MatrixModel,
    values: np.ndarray,
    *,
    split: bool,
    adjacency: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(assignment, load, grades) tables of a solution vector (see `ZoningResult`)."""
    n, m, T, G = problem.shape
    share = _shares(model, values, split)
    used = np.flatnonzero(share > 0)
    pq, ps, sh = model.pair_quarter[used], model.pair_school[used], share[used]
    pupils = problem.demand[pq] * sh[:, None, None]  # (U, T, G)
    years = np.asarray(problem.school_years)
    current = problem.current_at(pq, ps) if problem.has_current else None
    if current is not None:
        had = problem.had_current
        assert had is not None, "build_problem sets had_current with current"
        # a pair changed when its share differs from the current share at that school; a
        # quarter changed when it leaves a current school (also one closed in these years)
        changed_pair = np.abs(sh - current) > SHARE_TOL
        kept = np.zeros(n)
        np.add.at(kept, pq, np.minimum(sh, current))
        changed_quarter = kept < 1.0 - SHARE_TOL
        changed = np.where(had[pq], changed_pair | changed_quarter[pq], False)
    assignment = pd.DataFrame(
        {
            "school_year": np.repeat(years, len(used)),
            "quarter_id": np.tile(problem.quarter_ids[pq], T).astype(str),
            "level": problem.level,
            "school_id": np.tile(problem.school_ids[ps], T).astype(str),
            "share": np.tile(np.round(sh, 6), T),
            "pupils": np.round(pupils.sum(axis=2).T.ravel(), 3),
            "distance_m": np.tile(np.round(problem.metres(pq, ps), 1), T),
            "changed": pd.array(np.tile(changed, T), dtype="boolean")
            if current is not None
            else pd.array([pd.NA] * (T * len(used)), dtype="boolean"),
        }
    ).sort_values(["school_year", "quarter_id", "school_id"], ignore_index=True)

    at_school = np.zeros((m, T, G))
    np.add.at(at_school, ps, pupils)
    limit = problem.class_limit[:, None, :]
    classes = ceil_classes(at_school, limit)  # capacity's whole classes, one rule everywhere
    overflow = np.maximum(values[model.overflow_slice].reshape(m, T, G), 0.0)
    overflow = np.where(overflow < 1e-6, 0.0, overflow)
    # one session a day: two classes share a room, so rooms = ceil(classes × 0.5)
    rooms_needed = np.ceil(np.round(classes.sum(axis=2) * problem.rooms_per_class[:, None], 9))
    with np.errstate(divide="ignore", invalid="ignore"):
        utilization = np.where(problem.rooms > 0, rooms_needed / problem.rooms, np.nan)
    zone_quarters = np.bincount(ps, minlength=m)
    load = pd.DataFrame(
        {
            "school_id": np.repeat(problem.school_ids, T).astype(str),
            "school_year": np.tile(years, m),
            "name": np.repeat(problem.school_names, T).astype(str),
            "level": problem.level,
            "pupils": np.round(at_school.sum(axis=2).ravel(), 3),
            "classes": classes.sum(axis=2).ravel().astype(int),
            "rooms_needed": rooms_needed.ravel(),
            "rooms_available": problem.rooms.ravel(),
            "utilization": np.round(utilization.ravel(), 4),
            "overflow_pupils": np.round(overflow.sum(axis=2).ravel(), 3),
            "room_shortfall": np.maximum(rooms_needed - problem.rooms, 0.0).ravel(),
            "zone_quarters": np.repeat(zone_quarters, T),
        }
    )
    if adjacency is not None:
        from zoning.contiguity import zone_pieces

        pieces = zone_pieces(assignment[assignment["school_year"] == years[0]], adjacency)
        load["contiguous"] = (load["school_id"].map(pieces).fillna(0) <= 1).to_numpy()
    grades = pd.DataFrame(
        {
            "school_id": np.repeat(problem.school_ids, T * G).astype(str),
            "school_year": np.tile(np.repeat(years, G), m),
            "grade": np.tile(np.asarray(problem.grades), m * T),
            "pupils": np.round(at_school.ravel(), 3),
            "classes": classes.ravel().astype(int),
            "class_limit": np.broadcast_to(limit, (m, T, G)).ravel().astype(int),
            "overflow_pupils": np.round(overflow.ravel(), 3),
        }
    )
    return assignment, load.sort_values(["school_year", "school_id"], ignore_index=True), grades


def solver_report(
    problem: ZoningProblem,
    model: MatrixModel,
    solved: StrategyOutcome,
    *,
    time_limit: float,
    build_seconds: float,
    k_nearest: int | None,
    split: bool,
    stability: float,
    distance_penalty: float,
    max_distance: float | None,
    contiguity: bool,
) -> SolverReport:
    """The `SolverReport` of one solved model."""
    o = solved.outcome
    return SolverReport(
        level=problem.level,
        school_years=problem.school_years,
        solver=o.solver,
        strategy=solved.strategy,
        status=o.status,
        solver_status=o.solver_status,
        objective=o.objective,
        best_bound=o.bound,
        gap=o.gap,
        lp_bound=solved.lp_bound,
        time_limit=float(time_limit),
        build_seconds=round(build_seconds, 3),
        solve_seconds=round(o.seconds, 3),
        quarters=len(problem.quarter_ids),
        schools=len(problem.school_ids),
        pairs=model.n_pairs,
        k_nearest=k_nearest,
        variables=model.n_cols,
        integer_variables=int(model.integer.sum()),
        constraints=model.n_rows,
        split=split,
        stability=float(stability),
        distance_penalty=float(distance_penalty),
        max_distance=max_distance,
        norm_distance=problem.norm_distance,
        overflow_penalty=model.overflow_penalty,
        contiguity=contiguity,
        steps=solved.steps,
    )
