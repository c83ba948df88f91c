"""Participation, private-school and progression rates estimated from actual enrolment, shrunk
toward the norm table's defaults when the data are thin, and handed to the coming plan.

For the school years present in both the enrolment table and the population (`year, age,
count`, summed over quarters and sexes), with e = eligible share (nhà trẻ 3–12 months: 5/12):

- participation of a group g (nha_tre, mau_giao, tieu_hoc, thcs):
  observed = Σ enrolled (public + private) ÷ Σ residents of the grades' cohort ages × e, over
  years and grades of g. When the table has no private-school rows for the level, public
  pupils are divided by (1 − the private share in force) instead. n = Σ residents × e.
- private_share of a level (only when private rows exist): observed = private ÷ all enrolled
  pupils of the level; n = all enrolled pupils.
- progression of a grade: observed = public pupils ÷ (residents × e × participation ×
  (1 − private share)) with the estimated rates, so participation × progression reproduces the
  observed enrolment grade by grade; n = that expected count.

Shrinkage (the same formula for all three, weight of the data w = n ÷ (n + k), k =
`rate_prior_weight` of the norm table, 200 persons):

    estimate = w × observed + (1 − w) × default        (default progression: 1.0)

clipped to the allowed range (participation ≤ 1.5, shares 0–1, progression 0.5–1.5). `source`
says where each rate came from: `data` (w ≥ 0.9), `data + norm table` (0 < w < 0.9) or `norm
table` (no data).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from capacity.demand import PROGRESSION_RANGE
from capacity.enrolment import check_enrolment
from capacity.grades import GRADE_LEVEL, GRADES, LEVELS, PARTICIPATION_GROUP
from capacity.norms import Norms, rate_maximum

__all__ = ["RATE_COLUMNS", "estimate_rates", "rates_for_plan"]

RATE_COLUMNS: tuple[str, ...] = (
    "rate",
    "level",
    "group",
    "default",
    "observed",
    "n",
    "weight_data",
    "estimate",
    "source",
    "years",
)
DATA_ONLY = 0.9


def _ward_population(population: pd.DataFrame) -> pd.Series:
    need = [c for c in ("year", "age", "count") if c not in population.columns]
    if need:
        raise ValueError(f"population: missing column(s) {', '.join(need)}; expected year, age, count")
    counts = pd.to_numeric(population["count"], errors="coerce").fillna(0.0)
    frame = population.assign(count=counts)
    return frame.groupby(["year", "age"])["count"].sum()


def _shrink(
    observed: np.ndarray, n: np.ndarray, default: np.ndarray, k: float, low: float, high: float
) -> tuple[np.ndarray, np.ndarray]:
    n = np.nan_to_num(np.asarray(n, float))
    w = np.where(n > 0, n / (n + k) if k > 0 else 1.0, 0.0)
    est = np.where(n > 0, w * np.nan_to_num(observed) + (1 - w) * default, default)
    return np.clip(est, low, high), w


def _source(w: np.ndarray) -> np.ndarray:
    return np.where(w >= DATA_ONLY, "data", np.where(w > 0, "data + norm table", "norm table"))


def estimate_rates(enrolment: pd.DataFrame, population: pd.DataFrame, norms: Norms) -> pd.DataFrame:
    """Rates from actual enrolment (RATE_COLUMNS, one row per rate × group); see module doc."""
    table = check_enrolment(enrolment, need_school=False)
    pop = _ward_population(population)
    grades = norms.grade_table().set_index("grade")
    years = sorted(set(table["school_year"]) & set(pop.index.get_level_values("year")))
    span = f"{years[0]}–{years[-1]}" if years else ""
    table = table[table["school_year"].isin(years)]
    k = norms.value("rate_prior_weight")
    # residents × eligible share per grade, summed over the years
    ages = grades["age"].to_numpy()
    by_age = pop[pop.index.get_level_values("year").isin(years)].groupby(level="age").sum()
    residents = by_age.reindex(ages).fillna(0.0).to_numpy(float) * grades["eligible_share"].to_numpy()
    eligible = pd.Series(residents, index=grades.index)
    enrolled = table.pivot_table(index="grade", columns="sector", values="pupils", aggfunc="sum", fill_value=0.0)
    enrolled = enrolled.reindex(index=list(GRADES), columns=["public", "private"], fill_value=0.0)
    rows: list[dict[str, Any]] = []

    # private share per level
    private_est: dict[str, float] = {}
    for level in LEVELS:
        lv = [g for g in GRADES if GRADE_LEVEL[g] == level]
        has_private = bool(((table["level"] == level) & (table["sector"] == "private")).any())
        total = float(enrolled.loc[lv].to_numpy().sum())
        private = float(enrolled.loc[lv, "private"].sum())
        default = norms.private_share(level)
        n = total if has_private else 0.0
        obs = private / total if has_private and total > 0 else np.nan
        est, w = _shrink(np.array([obs]), np.array([n]), np.array([default]), k, 0.0, rate_maximum("private_share"))
        private_est[level] = float(est[0])
        rows.append(
            {
                "rate": "private_share",
                "level": level,
                "group": level,
                "default": default,
                "observed": obs,
                "n": n,
                "weight_data": float(w[0]),
                "estimate": float(est[0]),
                "source": str(_source(w)[0]),
                "years": span,
            }
        )

    # participation per group
    part_est: dict[str, float] = {}
    for group in dict.fromkeys(PARTICIPATION_GROUP.values()):
        gs = [g for g in GRADES if PARTICIPATION_GROUP[g] == group]
        level = GRADE_LEVEL[gs[0]]
        has_private = bool(((table["level"] == level) & (table["sector"] == "private")).any())
        pupils = float(enrolled.loc[gs].to_numpy().sum()) if has_private else float(enrolled.loc[gs, "public"].sum())
        if not has_private:
            pupils /= max(1.0 - private_est[level], 1e-9)
        n = float(eligible[gs].sum()) if float(enrolled.loc[gs].to_numpy().sum()) > 0 else 0.0
        obs = pupils / n if n > 0 else np.nan
        default = float(np.mean([norms.participation(g) for g in gs]))
        est, w = _shrink(np.array([obs]), np.array([n]), np.array([default]), k, 0.0, rate_maximum("participation"))
        part_est[group] = float(est[0])
        rows.append(
            {
                "rate": "participation",
                "level": level,
                "group": group,
                "default": default,
                "observed": obs,
                "n": n,
                "weight_data": float(w[0]),
                "estimate": float(est[0]),
                "source": str(_source(w)[0]),
                "years": span,
            }
        )

    # progression per grade (residual of the grade against its group's participation)
    expected = np.array(
        [eligible[g] * part_est[PARTICIPATION_GROUP[g]] * (1 - private_est[GRADE_LEVEL[g]]) for g in GRADES]
    )
    public = enrolled["public"].to_numpy(float)
    seen = enrolled.sum(axis=1).to_numpy(float) > 0
    n_prog = np.where(seen, expected, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        obs_prog = np.where(n_prog > 0, public / n_prog, np.nan)
    est_prog, w_prog = _shrink(obs_prog, n_prog, np.ones(len(GRADES)), k, *PROGRESSION_RANGE)
    src = _source(w_prog)
    for i, g in enumerate(GRADES):
        rows.append(
            {
                "rate": "progression",
                "level": GRADE_LEVEL[g],
                "group": g,
                "default": 1.0,
                "observed": obs_prog[i],
                "n": n_prog[i],
                "weight_data": w_prog[i],
                "estimate": est_prog[i],
                "source": str(src[i]),
                "years": span,
            }
        )
    return pd.DataFrame(rows, columns=list(RATE_COLUMNS))


def rates_for_plan(estimates: pd.DataFrame) -> tuple[dict[str, dict[str, float]], pd.DataFrame]:
    """The estimates as the plan uses them: (ward.toml-style `rates` for `load_norms(…, rates)`,
    `grade, ratio` progression for `enrollment_demand(…, progression=)`). Rates that came from
    the norm table alone are left out (the norm table stays in force for them)."""
    used = estimates[estimates["source"] != "norm table"]
    rates: dict[str, dict[str, float]] = {}
    for key in ("participation", "private_share"):
        part = used[used["rate"] == key]
        if len(part):
            rates[key] = {str(g): round(float(v), 6) for g, v in zip(part["group"], part["estimate"], strict=True)}
    prog = used[used["rate"] == "progression"][["group", "estimate"]].rename(
        columns={"group": "grade", "estimate": "ratio"}
    )
    return rates, prog.reset_index(drop=True)
