"""The planner's own constraints on which quarter may go to which school.

- must pairs (`quarter_id, school_id[, level]`): quarter Q stays with school S (with a candidate
  site: Q goes to S in every year the site is open);
- forbidden pairs (same columns): a river, a highway — Q may never go to S;
- a maximum distance per level (metres): no pair longer than that;
- feeder consistency (optional, for one level, THCS by default): the quarters of one group
  (one primary school's zone: `quarter_id, group`) all go to the same school.

`pair_rules` turns them, with `k_nearest`, into the pairs the network model may use. Never
raises for a contradiction: each one becomes a record in `conflicts` (which constraint,
which quarter and school, why, and what was done so a plan can still be made) — the rule
concerned is dropped for that quarter, or the quarter keeps its nearest school.

Conflict reasons: `unknown_quarter`, `unknown_school` (id not in the ward), `must_and_forbidden`,
`must_beyond_max_distance`, `two_must_schools`, `no_school_left` (every school is forbidden or
beyond the maximum distance or the closure rule), `only_candidate_sites` (only sites that may
never open are left: the nearest existing school is kept for the years before), `feeder_must_disagree`,
`feeder_no_common_school` (no existing school all the group may reach), and (from
`zoning.sites`) `must_at_closed_school`, `must_open_too_late`, `must_open_over_budget`,
`infeasible`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from zoning.network_problem import NetworkProblem, build_network_problem
from zoning.problem import ZoningProblem, with_dense

__all__ = [
    "CONFLICT_COLUMNS",
    "PairRules",
    "PlannerConstraints",
    "conflict_frame",
    "constrain_problem",
    "constraints_from_table",
    "pair_rules",
]

CONFLICT_COLUMNS = ["constraint", "level", "quarter_id", "school_id", "reason", "action"]


def conflict_frame(rows: list[dict]) -> pd.DataFrame:
    """Conflict records as a tidy table (`CONFLICT_COLUMNS`)."""
    return pd.DataFrame(rows, columns=CONFLICT_COLUMNS)


@dataclass(frozen=True, eq=False)
class PlannerConstraints:
    """What the planner requires. `must` / `forbid`: `quarter_id, school_id[, level]` (a row
    without a level holds for every level); `max_distance`: {level: metres}; `feeder`:
    `quarter_id, group` for `feeder_level` (None: no feeder rule)."""

    must: pd.DataFrame | None = None
    forbid: pd.DataFrame | None = None
    max_distance: Mapping[str, float] = field(default_factory=dict)
    feeder: pd.DataFrame | None = None
    feeder_level: str = "thcs"


def constraints_from_table(table: pd.DataFrame, feeder: pd.DataFrame | None = None) -> PlannerConstraints:
    """Constraints from one table `kind, level, quarter_id, school_id, metres` (kind: must,
    forbid, max_distance). Raises ValueError naming the rows with an unknown kind or a
    maximum distance that is not a number > 0."""
    missing = [c for c in ("kind",) if c not in table.columns]
    if missing:
        raise ValueError("constraints: missing column 'kind' (must, forbid or max_distance)")
    frame = table.reset_index(drop=True)
    kind = frame["kind"].astype(str).str.strip().str.lower()
    bad = ~kind.isin(["must", "forbid", "max_distance"])
    if bad.any():
        rows = ", ".join(str(int(r) + 2) for r in frame.index[bad.to_numpy()][:10])
        raise ValueError(
            f"constraints: column 'kind' must be must, forbid or max_distance; rows {rows} are not "
            "(row 1 is the header)"
        )
    limits: dict[str, float] = {}
    md = frame[kind == "max_distance"]
    if len(md):
        metres = pd.to_numeric(md.get("metres"), errors="coerce")
        wrong = metres.isna() | (metres <= 0) | md.get("level", pd.Series(np.nan, index=md.index)).isna()
        if wrong.any():
            rows = ", ".join(str(int(r) + 2) for r in md.index[wrong.to_numpy()][:10])
            raise ValueError(f"constraints: a max_distance row needs a level and metres > 0; rows {rows} do not")
        limits = {str(lv): float(v) for lv, v in zip(md["level"], metres, strict=False)}
    pairs = ["quarter_id", "school_id"] + (["level"] if "level" in frame.columns else [])
    for k in ("must", "forbid"):
        rows_k = frame[kind == k]
        if len(rows_k) and rows_k[["quarter_id", "school_id"]].isna().any(axis=1).any():
            bad_rows = rows_k.index[rows_k[["quarter_id", "school_id"]].isna().any(axis=1).to_numpy()]
            raise ValueError(
                f"constraints: a {k} row needs quarter_id and school_id; rows "
                f"{', '.join(str(int(r) + 2) for r in bad_rows[:10])} miss one"
            )
    return PlannerConstraints(
        must=frame.loc[kind == "must", pairs],
        forbid=frame.loc[kind == "forbid", pairs],
        max_distance=limits,
        feeder=feeder,
    )


@dataclass(frozen=True, eq=False)
class PairRules:
    """The pairs the model may use (n, m) and those it must use, feeder groups (arrays of
    quarter positions that go to one school), and the conflicts met on the way."""

    allowed: np.ndarray
    must: np.ndarray
    feeder_groups: tuple[np.ndarray, ...]
    conflicts: pd.DataFrame


def _of_level(frame: pd.DataFrame | None, level: str) -> pd.DataFrame:
    if frame is None or frame.empty:
        return pd.DataFrame(columns=["quarter_id", "school_id"])
    if "level" in frame.columns:
        lv = frame["level"]
        frame = frame[lv.isna() | (lv.astype(str) == level) | (lv.astype(str) == "")]
    return frame.assign(quarter_id=frame["quarter_id"].astype(str), school_id=frame["school_id"].astype(str))


def pair_rules(
    net: NetworkProblem,
    constraints: PlannerConstraints | None = None,
    *,
    k_nearest: int | None = None,
    limit: np.ndarray | None = None,
    limit_name: str = "closure_rule",
) -> PairRules:
    """Allowed and must pairs of `net` under `constraints`, keeping each quarter's `k_nearest`
    schools (must and current pairs always kept), and `limit` (n,) metres per quarter (the
    closure rule) when given. Contradictions become `conflicts` records, never exceptions."""
    c = constraints or PlannerConstraints()
    zp = net.zoning
    level = zp.level
    dist = zp.distance
    n, m, _, _ = zp.shape
    q_index = pd.Index(zp.quarter_ids.astype(str))
    s_index = pd.Index(zp.school_ids.astype(str))
    conflicts: list[dict] = []

    def record(constraint: str, q: str, s: str, reason: str, action: str) -> None:
        conflicts.append(
            {
                "constraint": constraint,
                "level": level,
                "quarter_id": q,
                "school_id": s,
                "reason": reason,
                "action": action,
            }
        )

    known = ~np.isnan(dist)
    metres = np.where(known, dist, np.inf)
    allowed = known.copy()
    max_d = c.max_distance.get(level)
    if max_d is not None:
        allowed &= metres <= max_d
    forbidden = np.zeros((n, m), dtype=bool)
    for frame, name in ((_of_level(c.forbid, level), "forbid"), (_of_level(c.must, level), "must")):
        qi, si = q_index.get_indexer(frame["quarter_id"]), s_index.get_indexer(frame["school_id"])
        for q, s, a, b in zip(frame["quarter_id"], frame["school_id"], qi, si, strict=False):
            if a < 0 or b < 0:
                record(name, q, s, "unknown_quarter" if a < 0 else "unknown_school", "ignored")
        ok = (qi >= 0) & (si >= 0)
        if name == "forbid":
            forbidden[qi[ok], si[ok]] = True
    allowed &= ~forbidden
    if limit is not None:
        allowed &= metres <= limit[:, None] + 1e-6
    none = ~allowed.any(axis=1)
    if none.any():
        choice = np.where(~forbidden & known, metres, np.inf)
        nothing = np.asarray(np.isinf(choice).all(axis=1))
        choice = np.where(nothing[:, None], metres, choice)
        nearest = np.argmin(choice, axis=1)
        for i in np.flatnonzero(none):
            open_ = ~forbidden[i] & known[i]
            within = open_ & (metres[i] <= (max_d if max_d is not None else np.inf))
            why = "forbid" if not open_.any() else "max_distance" if not within.any() else limit_name
            record(why, str(zp.quarter_ids[i]), str(zp.school_ids[nearest[i]]), "no_school_left", "kept_nearest")
        allowed[np.flatnonzero(none), nearest[none]] = True

    must = np.zeros((n, m), dtype=bool)
    frame = _of_level(c.must, level)
    qi, si = q_index.get_indexer(frame["quarter_id"]), s_index.get_indexer(frame["school_id"])
    for q, s, a, b in zip(frame["quarter_id"], frame["school_id"], qi, si, strict=False):
        if a < 0 or b < 0:
            continue
        if forbidden[a, b]:
            record("must", q, s, "must_and_forbidden", "dropped")
        elif not known[a, b] or (max_d is not None and metres[a, b] > max_d):
            record("must", q, s, "must_beyond_max_distance", "dropped")
        elif must[a].any() and not must[a, b]:
            record("must", q, s, "two_must_schools", "dropped")
        else:
            must[a, b] = True
    has_must = must.any(axis=1)
    allowed[has_must] = must[has_must]  # the quarter goes to that school when it exists ...
    # ... and, for a candidate site, to its other schools in the years before the site opens
    cand_must = has_must & (must & (net.kind == "candidate")[None, :]).any(axis=1)
    allowed[cand_must] = known[cand_must] & ~forbidden[cand_must] & (net.kind != "candidate")[None, :]
    allowed[cand_must] |= must[cand_must]
    if max_d is not None:
        allowed[cand_must] &= metres[cand_must] <= max_d

    if k_nearest is not None and k_nearest < m:
        ranked = np.where(allowed, metres, np.inf)
        order = np.argsort(ranked, axis=1, kind="stable")[:, :k_nearest]
        keep = np.zeros_like(allowed)
        np.put_along_axis(keep, order, True, axis=1)
        if zp.current is not None:
            keep |= zp.current > 0
        allowed &= keep | must
        # a quarter with a must pair at a candidate keeps a school for the years before it opens
        lost = cand_must & ~(allowed & (net.kind != "candidate")[None, :]).any(axis=1)
        if lost.any():
            nearest_other = np.argmin(
                np.where((net.kind != "candidate")[None, :] & known, metres, np.inf)[lost], axis=1
            )
            allowed[np.flatnonzero(lost), nearest_other] = True

    # a candidate site may not open: every quarter keeps a school that exists
    fixed_school = (net.kind != "candidate")[None, :]
    only_sites = ~(allowed & fixed_school).any(axis=1)
    if only_sites.any():
        choice = np.where(fixed_school & known & ~forbidden, metres, np.inf)
        nothing = np.asarray(np.isinf(choice).all(axis=1))
        choice = np.where(nothing[:, None], np.where(fixed_school, metres, np.inf), choice)
        nearest = np.argmin(choice[only_sites], axis=1)
        for i, j in zip(np.flatnonzero(only_sites), nearest, strict=False):
            record(
                "max_distance" if max_d is not None else "forbid",
                str(zp.quarter_ids[i]),
                str(zp.school_ids[j]),
                "only_candidate_sites",
                "kept_nearest",
            )
        allowed[np.flatnonzero(only_sites), nearest] = True

    groups: list[np.ndarray] = []
    if c.feeder is not None and level == c.feeder_level and not c.feeder.empty:
        feeder = c.feeder.assign(quarter_id=c.feeder["quarter_id"].astype(str), group=c.feeder["group"].astype(str))
        feeder = feeder.assign(position=q_index.get_indexer(feeder["quarter_id"]))
        for q in feeder.loc[feeder["position"] < 0, "quarter_id"]:
            record("feeder", q, "", "unknown_quarter", "ignored")
        for group, members in feeder[feeder["position"] >= 0].groupby("group", sort=True):
            idx = np.unique(members["position"].to_numpy())
            if len(idx) < 2:
                continue
            musts = np.unique(np.nonzero(must[idx])[1])
            if len(musts) > 1:
                for i in idx[must[idx].any(axis=1)]:
                    record("feeder", str(zp.quarter_ids[i]), str(group), "feeder_must_disagree", "dropped")
                continue
            common = allowed[idx].all(axis=0)
            if not (common & (net.kind != "candidate")).any():
                for i in idx:
                    record("feeder", str(zp.quarter_ids[i]), str(group), "feeder_no_common_school", "dropped")
                continue
            allowed[idx] = common
            if len(musts):
                must[idx, musts[0]] = True
            groups.append(idx)
    return PairRules(allowed=allowed, must=must, feeder_groups=tuple(groups), conflicts=conflict_frame(conflicts))


def constrain_problem(problem: ZoningProblem, constraints: PlannerConstraints) -> tuple[ZoningProblem, pd.DataFrame]:
    """`problem` for the zoning engine (`zoning.assign.solve_problem`) with the must pairs,
    forbidden pairs and maximum distance of `constraints` applied: a pair the model may not use
    gets no distance (NaN), which the zoning model leaves out. Returns the problem and the
    conflicts (as `pair_rules`). Feeder groups need the network model (`zoning.sites`), whose
    rows tie the quarters together; they are not applied here."""
    net = build_network_problem(problem, norms=None)
    rules = pair_rules(net, constraints)
    return with_dense(problem, distance=np.where(rules.allowed, problem.distance, np.nan)), rules.conflicts
