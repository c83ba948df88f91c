"""How the network model is solved: LP-guided sites, zoned by the zoning engine, then the MIP.

A plain MIP of the network model stalls: HiGHS keeps an early incumbent with hundreds of
pupils over capacity while the LP relaxation has none (ward benchmark: 93% gap after 10 s).
So, within one time limit:
1. the LP relaxation (its bound is also reported when the MIP proves less);
2. sites from the LP: must-open sites first, then the sites the LP opens at least half
   (Σ_o z[o,T] ≥ 0.5), then the others it opens at all (more sites never lengthen a trip),
   each group by LP value, while the budget (money, sites) allows; each with the smallest
   option holding the rooms the LP gives it (per unit opened), opening in its earliest year
   (the model's reduction; at a site with a must pair: the first year the LP has it half
   open, not before its earliest year); 2b. those sites improved by the site search
   (`zoning.network_sites.improve_sites`, within `SITE_SEARCH_SHARE` of the time left): moves,
   repairs and exchanges of sites judged by the LP of each level with its sites fixed, priced
   by the LP's duals of the budget rows;
3. with those sites fixed, after the site search (`LP_ZONES`, levels without feeder groups
   and, with `ENGINE_FOR_GRADES`, with one grade):
   each school year zoned from the sites-fixed LP's zones, rounded, repaired and improved by
   the zoning engine's greedy repair and ejection chains; otherwise
   each level is zoned by the zoning engine (`zoning.assign.
   solve_problem`, `PHASE_STRATEGY`) once per phase — the run of years with the same sites
   open — or for each school year on its own (`ZONE_EACH_YEAR`, off), giving whole quarters,
   whole classes per grade and the pupils over capacity: a full start vector; a phase's
   unused time goes to the next, and a phase the engine cannot zone in time keeps last
   year's zones (else the nearest schools) instead of losing the start; optionally (3b,
   `WHOLE_SITES_SHARE` > 0, off: no gain within 10 s at ward scale) the whole-sites
   relaxation's sites, zoned the same way, when that start is better;
4a. when a level has several grades and at least `ENGINE_MIN_PAIRS` pairs, step 4 would give
   each part less than `CHAINS_UNTIL_SECONDS` (short plans: ≤ 20–25 s at ward scale, where the
   start's engine had < 0.5 s a year) and step 4b does not follow, each of its school years,
   the start's sites fixed, improved by the zoning engine within `CHAINS_SHARE` of step 4's time
   (`zoning.network_chains.chain_years`: greedy repair and ejection chains of whole quarters,
   whole classes per grade, then the engine's LP-guided strategy on the years most open above
   their LP, 1.5 s each); HiGHS's parts (alone, no column generation), which
   did not move a ward year in 0.2–0.5 s, get what it leaves, and steps 4a–4 take
   `PARTS_SHARE_GRADES` of the time left instead of `PARTS_SHARE` (the whole MIP found nothing
   in its 1–4 s there);
4. when the model splits once the sites are fixed (several school years or levels), with the
   start's sites and closures fixed, one zoning MIP per level and school year
   (`zoning.network_parts`), each solved by HiGHS, warm-started, within `PARTS_SHARE` of the
   time left: the best zoning of these sites, proven part by part where time allows; the
   parts no site decision touches (the years before any site may open) are solved instead
   from the first second in a forked child (`SITES_FREE_BESIDE`, with step 4b); when that
   time gives each part at least `COLUMNS_FROM_SECONDS`, the parts with several grades are
   proven by column generation over school patterns (`zoning.part_columns.prove_part`, after
   a first pass of HiGHS alone); `steps["parts_detail"]` says how each part was solved and
   whether it is proven, `steps["zoning_proven"]` whether the plan's zoning is its sites' optimum;
4b. when every level has one grade and the sites are decided by their option alone (no must
   pair at a site, no closures; `SITES_PROOF`), the proof over every site choice
   (`zoning.network_proof`: a branch-and-bound over each level's sites by their LPs, the
   budget priced by the LP's duals, then the part MIPs of the configurations left), to the
   time limit; its bound replaces the LP's, and a proven plan skips step 5;
5. the whole network MIP, warm-started from it, for the rest of the time (it may open other
   sites, rezone, and prove the optimum), in a forked child killed at the deadline.
Beside steps 4–5, from the LP's duals, the Lagrangian bound over every site choice
(`zoning.network_lagrange`: whole quarters, classes and sites per piece) runs in a forked child
process until the time limit when some level has several grades (`CLASS_COUNT_BOUND`); the
reported bound is the best of the LP's, the MIP's and it. It starts once the start is made:
the start's repair and chains are time-sliced, and on the shared 2-core machine a child beside
them delayed the every-grade start from 2.2 s to 2.5–6.0 s and once left it 36% worse.
Levels with feeder groups are zoned in step 3 by their nearest school per group (the zoning
engine has no feeder rows); the MIP then improves them.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pandas as pd

from zoning.assign import solve_problem
from zoning.beside import Beside, fork_available
from zoning.ejection import improve_by_chains
from zoning.lagrange import BackgroundBound
from zoning.model import ModelOptions, build_model, is_feasible
from zoning.network_chains import block_zoning, chain_years, phase_problem
from zoning.network_lagrange import network_bound
from zoning.network_model import LevelBlock, NetworkModel, early_fixed, start_vector
from zoning.network_parts import (
    PartsResult,
    fixed_columns,
    model_parts,
    sites_free_parts,
    solve_parts,
    solve_sites_free_parts,
)
from zoning.network_proof import PART_GAP_SHARE, TARGET_SHARE, ListingBeside, part_year, proof_applies, sites_proof
from zoning.network_sites import budget_prices, improve_sites, solve_lp
from zoning.notes import ZoningError
from zoning.problem import ZoningProblem
from zoning.solve import SolveOutcome, relative_gap, solve_by_deadline, solve_model
from zoning.vectors import best_classes, repair_overflow

__all__ = ["lp_guided_start", "solve_network_model", "whole_sites_relaxation"]

LP_SHARE = 0.5
"""Most of the time the LP relaxation may take."""
ZONING_SHARE = 0.45
"""Share of the time for zoning the phases (step 3)."""
OPEN_THRESHOLD = 0.5
ZONE_EACH_YEAR = False
"""Step 3 zones each school year on its own (True) or each phase once: the run of years with
the same sites open (False, the default: with 15 shorter slices at ward scale the engine found
nothing in some of them under load, see docs/zoning-measurements.md; step 4 zones each year instead)."""
WHOLE_SITES_SHARE = 0.0
"""Share of the time left after the start for the whole-sites relaxation (step 3b; 0: no step)."""
SITE_SEARCH_SHARE = 0.25
"""Most of the time left after the LP that the site search may take (step 2b, before the
zoning's share; 0: no search). It stops when no move improves: at ward scale (load 3) after
80 LPs in 0.9 s (entry grades) and 86 LPs in 0.9–1.2 s (every grade); 0.15 of the time cut
the every-grade search short (45 LPs, no change of sites)."""
LP_ZONES = True
"""After the site search (levels without feeder groups), step 3 zones each school year from
the sites-fixed LP's zones (each quarter to its largest share) repaired and improved by the
zoning engine's greedy repair and ejection chains (`_repaired_zones`), instead of running the
engine's LP-guided strategy on each phase: at ward scale the start is ready in about 0.3 s
(entry grades; every grade: the chains use the step's share, about 1.5 s) instead of 4 s,
and better (entry grades 26.30 against 26.64 × 10⁶ on the same sites; every grade 152.5
against 156–157 × 10⁶; load 2.5–6). Rounded alone, the LP's zones left 148 (entry grades) and 1,581
(every grade) pupils over capacity."""
ENGINE_FOR_GRADES = True
"""With `LP_ZONES`, a level with several grades is still zoned year by year by the zoning
engine (`PHASE_STRATEGY`), not from the LP's zones: whole classes per grade are where the
LP's zones and the chains fall short. Ward benchmark, every grade, 8.5 s of solving: 149.10 ×
10⁶ against 150.88 (the LP's zones; step 4's HiGHS parts barely move either); on one
tiểu học year with the plan's sites the engine reaches 11.18 × 10⁶ in 0.5 s where HiGHS's MIP
has 12.96 after 10 s and 11.20 after 30 s. One grade (the entry grades) keeps the LP's zones,
and so does a level of fewer than `ENGINE_MIN_PAIRS` quarter–school pairs."""
ENGINE_MIN_PAIRS = 500
"""Quarter–school pairs of a level below which `ENGINE_FOR_GRADES` does not apply: step 4's
HiGHS parts prove such a level's zoning in a fraction of a second from the LP's zones, while
the engine uses its whole share of the time on each year (Thiện Hòa, 21 quarters, ≤ 105 pairs
per level: `tuyensinh network` 37.6 s with the engine against 4.9 s, the same plan; the ward
benchmark has 1,500–1,800 pairs per level)."""
COLUMNS_FROM_SECONDS = 25.0
"""Step 4 proves the parts with several grades by column generation (`zoning.network_parts.
solve_parts(columns_from=…)`) when its time gives each part at least this many seconds (an even
share; one grade keeps HiGHS alone, and with it the entry grades' proof). Below it, HiGHS
alone. Ward benchmark, every grade (docs/zoning-measurements.md, "the parts proven in the plan"; shared
machine, load 2.6–5.2): the column generation proves a hard part (tiểu học, mầm non) in
10–60 s of CPU, and a part cut short proves nothing and keeps a worse zoning — with 2, 4 and
10 s a part, 0, 1 and 3 parts proven against HiGHS alone's 3, 3 and 5, the zonings 0.3–0.8%
worse; a 300 s plan with a threshold of 8 s a part (≈ 14 s each) proved no part by columns
and was 0.3% worse. The 15 parts need ≈ 560 s of one core, so ≈ 25 s a part is where the
proofs start to fit."""
COLUMNS_ZONING_SECONDS = 20.0
"""The most seconds step 3 (the start's zoning) takes when step 4 will use the column generation
(`_zoning_seconds`): ward benchmark, every grade, the engine's start was 148.29 × 10⁶ after
22 s (60 s limit) and 147.99 after 106 s (300 s limit), 0.2% for 84 s that the parts' proofs
use instead."""
COLUMNS_BESIDE = False
"""With the column generation in step 4, every other part is proven in a forked child process on
the other core (`solve_parts(beside=True)`), beside the Lagrangian bound's child. Off: measured
under load 3.4–4.4 (150 s of step 4 on the ward's every-grade parts) no gain — 5 parts proven
against 6 on one core, two cut at 61.5 s — as the other core was not free; the Lagrangian
bound keeps it (the network gap's bound)."""
CHAINS_SHARE = 1.0
"""Step 4a: the share of step 4's time in which, before HiGHS, each level-year zoning of a
level with several grades is improved by the zoning engine (`zoning.network_chains.chain_years`:
repair and ejection chains, then the engine on the years most open); what it leaves goes to
HiGHS's parts (0: no step 4a, the previous strategy). Ward benchmark, every grade: HiGHS's 15
parts in 0.2 s each (10 s plan) left the start as it was; the chains alone took it from
152.6–154.3 to 150.6–150.9 × 10⁶ in 1.5–2.5 s (docs/zoning-measurements.md, "Step 4a")."""
CHAINS_UNTIL_SECONDS = 0.7
"""Step 4a runs only while step 4's even share of `PARTS_SHARE` of the time left is below this many
seconds a part (`steps["part_seconds"]`): with more, step 3 gave the engine ≈ 0.6 s or more a year,
the start is already near the engine's local optimum, and step 4a (pass 2: 1.5 s on each of the
15 ward years) takes HiGHS's time for next to nothing. Ward benchmark, every grade, step 4a on ÷
off back to back, seeds 11 / 12 / 13 (2026-12-06 11:02–11:35, niced, load 2.5–4.0; docs/zoning-
measurements.md, "Step 4a at longer limits"): 20 s (0.52 s a part) 0.9967 / 0.9962 / 0.9971;
30 s (0.87) 0.9987 / 1.0003 / 1.0014; 40 s (1.21) 1.0001 / 1.0004 / 1.0013, step 4a 21 s for
a gain of 0–0.02 × 10⁶ while HiGHS lost the parts it proved (seed 12: 9 → 2); 60 s 1.0000 /
0.9997 / 1.0001; 300 s (seed 11) 0.9998, step 4a gaining nothing."""
PARTS_SHARE_GRADES = 0.95
"""`PARTS_SHARE` when step 4a runs (steps 4a and 4 together; the whole MIP, step 5, gets the rest:
on the every-grade ward it never moved a plan in its 1–4 s, and 5% of a 10 s plan skips it)."""
PARTS_SHARE = 0.75
"""Share of the time left after the start for the zoning MIPs of each level and year (step 4)."""
MIN_PHASE_SECONDS = 0.2
"""The least time a phase is given, even when the zoning share is spent (the engine's rounding
and repair then still seat the pupils: the nearest schools alone left hundreds over capacity)."""
PHASE_SKIP_SECONDS = 0.05
"""Below this many seconds left of the zoning share, a phase is not zoned by the engine (last
year's zones, else the nearest schools)."""
MIN_MIP_SECONDS = 0.5
"""Below this many seconds left, the MIP is not started (setting it up alone may overrun)."""
CLASS_COUNT_BOUND = True
"""Run the Lagrangian bound (`zoning.network_lagrange.network_bound`) in a forked child process
beside steps 4–5 when some level has several grades (whole classes per grade are what it adds
to the LP bound; with one grade per level — the entry grades — it rose 0.06% above the LP in
10 s on the ward benchmark, below the whole MIP's own root bound, and would only take the
parts' CPU). Needs fork (else skipped)."""
SITES_FREE_BESIDE = True
"""With step 4b, the parts no site decision touches (the years before any site may open:
their zoning is the same in every plan) are solved from the first second in a child process
on the other core, while this one makes the start; step 4 takes their outcomes instead of
solving them (on the ward entry grades they are the three hardest parts: 0.3–2.3 s each)."""
SITES_PROOF = True
"""Step 4b: after the parts of the plan's sites, the proof over every site choice
(`zoning.network_proof`: a branch-and-bound over each level's sites by their LPs, the budget
priced by the LP's duals, then the part MIPs of the configurations left), when every level
has one grade (the entry grades). Its bound replaces the LP's; when it proves the plan, the
whole MIP (step 5) is skipped."""
PROOF_RESERVE_SECONDS = 0.1
"""Seconds of the time limit left after step 4b (a part MIP may overrun its limit)."""
PHASE_STRATEGY = "lp_guided"
"""How each phase is zoned (`zoning.strategy`): LP rounding, repair and local search find
a zoning with next to no pupils over capacity in a fraction of a second at ward scale, where
the exact MIP given the same fraction of a second may keep its nearest-school start."""


def _choose_sites(model: NetworkModel, lp: np.ndarray) -> list[tuple[int, int, int]]:
    """(block, option, first year index) of the sites to open, from the LP values: must-open
    sites, then those the LP opens at least `OPEN_THRESHOLD`, then (more sites never lengthen a
    trip) the others the LP opens at all, each group by LP value, while the budget allows."""
    ranked: list[tuple[int, float, int, int, int]] = []
    for bi, b in enumerate(model.blocks):
        net = b.net
        T = net.shape[2]
        n_opt = len(net.option_school)
        if not n_opt:
            continue
        z = lp[b.z0 : b.z0 + n_opt * T].reshape(n_opt, T)
        for j in np.flatnonzero(net.kind == "candidate"):
            mine = np.flatnonzero(net.option_school == j)
            value = float(z[mine, T - 1].sum())
            if value < 0.01 and not net.must_open[j]:
                continue
            rooms_if_open = float(z[mine, T - 1] @ net.option_rooms[mine]) / max(value, 1e-9)
            big_enough = mine[net.option_rooms[mine] >= rooms_if_open - 1e-6]
            o = (
                int(big_enough[np.argmin(net.option_rooms[big_enough])])
                if len(big_enough)
                else int(mine[np.argmax(net.option_rooms[mine])])
            )
            half = np.flatnonzero(z[mine].sum(axis=0) >= 0.5 * max(value, 1e-9))
            first = max(int(net.option_first[o]), int(half[0]) if len(half) else T - 1)
            if early_fixed(b, model.options)[o]:
                first = int(net.option_first[o])
            group = 0 if net.must_open[j] else 1 if value >= OPEN_THRESHOLD else 2
            ranked.append((group, -value, bi, o, first))
    money = model.options.budget if model.options.budget is not None else np.inf
    count = model.options.max_sites if model.options.max_sites is not None else np.inf
    chosen = []
    for _, _, bi, o, first in sorted(ranked):
        net = model.blocks[bi].net
        cost = float(net.option_cost[o])
        if first >= net.shape[2] or count < 1:
            continue
        if cost > money + 1e-6:  # the largest option it can afford, if any
            mine = np.flatnonzero((net.option_school == net.option_school[o]) & (net.option_cost <= money + 1e-6))
            if not len(mine):
                continue
            o = int(mine[np.argmax(net.option_rooms[mine])])
            cost = float(net.option_cost[o])
            first = (
                int(net.option_first[o])
                if early_fixed(model.blocks[bi], model.options)[o]
                else max(first, int(net.option_first[o]))
            )
        money -= cost
        count -= 1
        chosen.append((bi, o, first))
    return chosen


def lp_guided_start(
    model: NetworkModel,
    lp: np.ndarray,
    time_limit: float,
    *,
    prices: tuple[float, float] | None = None,
    search_seconds: float = 0.0,
    steps: dict | None = None,
) -> np.ndarray | None:
    """A full start vector: the LP's sites (step 2), improved by the site search (step 2b,
    within `search_seconds`, the zoning's `time_limit` apart; `prices`: the LP's prices of the
    budgets, see `zoning.network_sites`), zoned by the zoning engine (step 3). None when the
    model forces closures or bounds the overflow (then HiGHS starts alone)."""
    if model.options.min_closed or model.options.max_overflow is not None:
        return None
    began = time.perf_counter()
    fallback = start_vector(model)
    values = np.zeros(model.n_cols) if fallback is None else fallback.copy()
    chosen = _choose_sites(model, lp)
    lp_zones: list[np.ndarray] | None = None
    if search_seconds > 0 and any(len(b.net.option_school) for b in model.blocks):
        search = improve_sites(model, chosen, prices=prices or (0.0, 0.0), time_limit=search_seconds)
        chosen = search.chosen
        if LP_ZONES and search.zones and all(not b.rules.feeder_groups for b in model.blocks):
            lp_zones = search.zones
        if steps is not None:
            steps["site_search"] = {
                "seconds": search.seconds,
                "lps": search.evaluations,
                "from": search.start_value,
                "to": search.value,
            }
        began = time.perf_counter()
    each_year = ZONE_EACH_YEAR or lp_zones is not None
    phases_total = sum(
        b.net.shape[2]
        if each_year
        else len(
            {tuple(sorted(f <= t for _, _, f in [c for c in chosen if c[0] == bi])) for t in range(b.net.shape[2])}
        )
        for bi, b in enumerate(model.blocks)
    )
    done = 0
    for bi, b in enumerate(model.blocks):
        net, zp = b.net, b.net.zoning
        n, m, T, G = zp.shape
        n_opt = len(net.option_school)
        z = np.zeros((n_opt, T))
        for cb, o, first in chosen:
            if cb == bi:
                z[o, first:] = 1.0
        values[b.z0 : b.z0 + n_opt * T] = z.ravel()
        option_rooms = b.site_rooms(values)
        rooms = zp.rooms + option_rooms
        is_site = net.kind == "candidate"
        open_site = (option_rooms > 0) | ~is_site[:, None]  # (m, T)
        allowed = np.zeros((n, m), dtype=bool)
        allowed[b.pair_quarter, b.pair_school] = True
        must_site = b.rules.must & is_site[None, :]
        school_of = np.full((n, T), -1)
        if b.rules.feeder_groups:
            continue  # keep the nearest-school start of this level (see the module docstring)
        index = b.pair_index()
        by_engine = ENGINE_FOR_GRADES and G > 1 and len(b.pair_quarter) >= ENGINE_MIN_PAIRS
        with_rooms = replace(zp, rooms=rooms)
        nearest = np.full((n, T), -1)  # the fallback's zones: each quarter's nearest school
        if fallback is not None:
            p, y = np.nonzero(fallback[b.x0 : b.n0].reshape(-1, T) > 0.5)
            nearest[b.pair_quarter[p], y] = b.pair_school[p]
        keys = [(tuple(open_site[:, t]), t if each_year else -1) for t in range(T)]
        t = 0
        while t < T:
            end = t
            while end + 1 < T and keys[end + 1] == keys[t]:
                end += 1
            years = np.arange(t, end + 1)
            cols = np.flatnonzero(open_site[:, t])
            phase = phase_problem(zp, rooms, cols, allowed, must_site, years)
            left = time_limit - (time.perf_counter() - began)
            if lp_zones is not None and not by_engine:  # the sites-fixed LP's zones of the year, repaired
                repaired = _repaired_zones(
                    phase,
                    cols,
                    lp_zones[bi][:, t],
                    model.options.distance_penalty,
                    b.penalty,
                    deadline=time.perf_counter() + max(left, 0.0) / max(phases_total - done, 1),
                )
                if repaired is not None:
                    school_of[:, t] = repaired
                    done += 1
                    t = end + 1
                    continue
            same_sites = each_year and t > 0 and keys[t][0] == keys[t - 1][0] and (school_of[:, t - 1] >= 0).all()
            result = None
            if left > PHASE_SKIP_SECONDS:
                try:  # a phase done early leaves its time to the next; a late one still gets its floor
                    result = solve_problem(
                        phase,
                        distance_penalty=model.options.distance_penalty,
                        overflow_penalty=b.penalty,
                        time_limit=max(min(left, left / max(phases_total - done, 1)), MIN_PHASE_SECONDS),
                        strategy=PHASE_STRATEGY,
                    )
                except ZoningError as error:
                    if error.key != "no_solution":
                        raise
            done += 1
            if result is None:  # out of time: last year's zones (still open), else the nearest schools
                if t > 0 and (school_of[:, t - 1] >= 0).all() and not must_site.any():
                    school_of[:, t] = school_of[:, t - 1]
                elif (nearest[:, t] >= 0).all():
                    school_of[:, t] = nearest[:, t]
                else:
                    return None
                t = end + 1
                continue
            zones = result.assignment[result.assignment["school_year"] == phase.school_years[0]]
            zones = zones.sort_values("share", ascending=False, kind="stable").drop_duplicates("quarter_id")
            qi = pd.Index(zp.quarter_ids.astype(str)).get_indexer(zones["quarter_id"].astype(str))
            si = cols[pd.Index(zp.school_ids[cols].astype(str)).get_indexer(zones["school_id"].astype(str))]
            school_of[np.ix_(qi, years)] = si[:, None]
            if same_sites:  # the same schools open as last year:
                last = school_of[:, t - 1]  # keep last year's zones when they cost less this year
                if _year_cost(model, b, with_rooms, index, last, t) < _year_cost(
                    model, b, with_rooms, index, school_of[:, t], t
                ):
                    school_of[:, t] = last
            t = end + 1
        zoned = block_zoning(b, with_rooms, index, school_of)
        if zoned is None:
            return None
        values[b.x0 : b.z0] = zoned
    return values


def _repaired_zones(
    phase: ZoningProblem,
    cols: np.ndarray,
    school: np.ndarray,
    distance_penalty: float,
    penalty: float,
    *,
    deadline: float,
) -> np.ndarray | None:
    """(n,) school columns of a one-year phase: each quarter at `school[i]` (a column of the
    network, one of `cols`), pupils over capacity moved away by the zoning engine's greedy
    repair, then improved by its ejection chains (`zoning.vectors.repair_overflow`,
    `zoning.ejection.improve_by_chains`) until `deadline`. None when a quarter's school is not
    one of the phase's pairs."""
    zmodel = build_model(phase, ModelOptions(distance_penalty=distance_penalty, overflow_penalty=penalty))
    n = phase.shape[0]
    local = np.searchsorted(cols, school)
    if not (local < len(cols)).all() or not (cols[np.minimum(local, len(cols) - 1)] == school).all():
        return None
    index = np.full((n, len(cols)), -1)
    index[zmodel.pair_quarter, zmodel.pair_school] = np.arange(zmodel.n_pairs)
    chosen = index[np.arange(n), local]
    if (chosen < 0).any():
        return None
    chosen = repair_overflow(zmodel, phase, chosen, deadline=deadline)
    chosen, _ = improve_by_chains(zmodel, phase, chosen, deadline=deadline)
    return cols[zmodel.pair_school[chosen]]


def _year_cost(
    model: NetworkModel, b: LevelBlock, problem: ZoningProblem, index: np.ndarray, school: np.ndarray, t: int
) -> float:
    """Objective share of year t of one level when quarter i goes to school[i] (pupil-metres
    plus the overflow penalty, classes by `best_classes`); inf when a quarter has no allowed
    school."""
    n, m, T, G = problem.shape
    pairs = index[np.arange(n), school] if (school >= 0).all() else np.full(n, -1)
    if (pairs < 0).any():
        return float("inf")
    pupils = np.zeros((m, T, G))
    year = np.zeros((m, G))
    np.add.at(year, school, problem.demand[:, t])
    pupils[:, t] = year
    over = np.maximum(pupils - best_classes(problem, pupils) * problem.class_limit[:, None, :], 0.0)
    return float(model.cost[b.x0 + pairs * T + t].sum() + b.penalty * over[:, t].sum())


def whole_sites_relaxation(model: NetworkModel) -> NetworkModel:
    """The network model with whole sites (z) and closures (c) but fractional zones and
    classes (x, n continuous): a relaxation, so its proven bound is a lower bound of the
    model's optimum, at least the LP's (it only adds integrality to the LP)."""
    integer = np.zeros(model.n_cols, dtype=bool)
    for b in model.blocks:
        integer[b.z0 : b.c0 + len(b.closable)] = True
    return replace(model, integer=integer)


def _whole_sites_step(
    model: NetworkModel, start: np.ndarray, left: float, mip_rel_gap: float, steps: dict
) -> tuple[np.ndarray, float | None]:
    """Step 3b: the whole-sites relaxation warm-started from `start` within
    `WHOLE_SITES_SHARE` of `left` seconds; its sites zoned (step 3) when they differ from the
    start's. Returns the better start and the relaxation's bound (a lower bound of the model)."""
    t0 = time.perf_counter()
    relaxed = solve_model(
        whole_sites_relaxation(model).as_matrix_model(),
        time_limit=left * WHOLE_SITES_SHARE,
        start=start,
        mip_rel_gap=mip_rel_gap,
    )
    steps["whole_sites_seconds"] = time.perf_counter() - t0
    steps["whole_sites_bound"] = relaxed.bound
    fixed = fixed_columns(model)
    if relaxed.values is None or np.array_equal(np.round(relaxed.values[fixed]), np.round(start[fixed])):
        return start, relaxed.bound
    left -= time.perf_counter() - t0
    other = lp_guided_start(model, relaxed.values, left * ZONING_SHARE)
    steps["whole_sites_start"] = None if other is None else model.objective(other)
    if other is not None and is_feasible(model, other) and model.objective(other) < model.objective(start):
        return other, relaxed.bound
    return start, relaxed.bound


def solve_network_model(
    model: NetworkModel, *, time_limit: float, mip_rel_gap: float, start: np.ndarray | None = None
) -> tuple[SolveOutcome, dict]:
    """Steps 1–5 (module docstring) with HiGHS; `start` (a previous plan) skips steps 1–3.
    Returns the outcome (its bound the better of the LP's and the MIP's) and step timings."""
    children: list[Beside] = []  # work beside the steps in child processes, stopped at the end
    try:
        outcome, steps = _solve_steps(model, time_limit, mip_rel_gap, start, children)
    finally:
        for child in children:
            child.stop()
    sites = steps.pop("_parts_sites", None)
    if sites is not None:
        steps["zoning_proven"] = bool(
            steps.get("sites_fixed_proven")
            and outcome.values is not None
            and outcome.objective is not None
            and np.array_equal(np.round(outcome.values[fixed_columns(model)]), sites)
            and outcome.objective <= steps["parts_objective"] * (1 + mip_rel_gap) + 1e-6
        )
    return outcome, steps


def _zoning_seconds(model: NetworkModel, left: float, n_parts: int) -> float:
    """Step 3's time: `ZONING_SHARE` of what the site search leaves of `left`, at most
    `COLUMNS_ZONING_SECONDS` when step 4 will prove the parts of several grades by column
    generation (their share of what the capped start leaves reaches `COLUMNS_FROM_SECONDS`):
    those parts' optima replace the engine's zonings."""
    seconds = left * (1 - SITE_SEARCH_SHARE) * ZONING_SHARE
    several = any(b.net.shape[3] > 1 for b in model.blocks)
    after = left - COLUMNS_ZONING_SECONDS - 5.0  # what the capped start leaves (5 s for the site search)
    if several and n_parts > 1 and after * PARTS_SHARE / n_parts >= COLUMNS_FROM_SECONDS:
        return min(seconds, COLUMNS_ZONING_SECONDS)
    return seconds


def _record_parts(model: NetworkModel, parts: PartsResult, steps: dict) -> None:
    """Step 4's outcome in `steps`: per part (`parts_detail`: level, school year, method —
    "highs", "columns" (column generation), "beside" (the child's HiGHS) or "none" —, status,
    objective, bound, seconds), the count proven by each method (`parts_proven_by`), and
    whether every part is proven (`sites_fixed_proven`: the zoning of these sites is optimal
    within the gap). The sites themselves are kept (`_parts_sites`, read back by
    `solve_network_model` for `zoning_proven`: the final plan has these sites and this zoning)."""
    fixed = fixed_columns(model)
    detail = []
    by: dict[str, int] = {}
    for (_rows, cols), (bound, cost), method, status, seconds in zip(
        model_parts(model, fixed), parts.per_part, parts.methods, parts.statuses, parts.seconds, strict=True
    ):
        found = part_year(model, cols)
        level, year = (None, None) if found is None else (model.blocks[found[0]].net.level, found[1])
        years = None if found is None else model.blocks[found[0]].net.zoning.school_years
        detail.append(
            {
                "level": level,
                "year": year if years is None or year is None else int(years[year]),
                "method": method,
                "status": status,
                "objective": cost,
                "bound": bound,
                "seconds": round(seconds, 3),
            }
        )
        if status == "optimal":
            by[method] = by.get(method, 0) + 1
    steps["parts_detail"] = detail
    steps["parts_proven_by"] = by
    steps["sites_fixed_proven"] = bool(
        parts.parts and parts.bound is not None and all(d["status"] == "optimal" for d in detail)
    )
    steps["_parts_sites"] = np.round(parts.values[fixed])


def _solve_steps(
    model: NetworkModel, time_limit: float, mip_rel_gap: float, start: np.ndarray | None, children: list[Beside]
) -> tuple[SolveOutcome, dict]:
    began = time.perf_counter()
    steps: dict = {}
    lp_bound = None
    beside: BackgroundBound | None = None  # the Lagrangian bound in a child process
    lp_duals: np.ndarray | None = None
    n_parts = len(model_parts(model, fixed_columns(model)))
    split = n_parts > 1  # step 4 (else: the whole MIP alone)
    fresh = start is None or not is_feasible(model, start)  # steps 1–3 (and 4b when it applies)
    deadline = began + time_limit - PROOF_RESERVE_SECONDS
    free = _sites_free_beside(model, deadline, mip_rel_gap) if fresh and split else None
    if free is not None:
        children.append(free[1])
    if fresh:
        lp, duals = solve_lp(model, time_limit=time_limit * LP_SHARE)
        steps["lp_seconds"] = lp.seconds
        lp_bound = steps["lp_bound"] = lp.objective if lp.status == "optimal" else None
        if lp.status == "infeasible":
            return lp, steps
        lp_duals = duals if lp_bound is not None else None
        start = None
        if lp.values is not None:
            t0 = time.perf_counter()
            left = time_limit - (time.perf_counter() - began)
            start = lp_guided_start(
                model,
                lp.values,
                _zoning_seconds(model, left, n_parts),
                prices=budget_prices(model, duals),
                search_seconds=left * SITE_SEARCH_SHARE,
                steps=steps,
            )
            steps["zoning_seconds"] = time.perf_counter() - t0
            if start is not None and not is_feasible(model, start):
                start = None
            if start is not None and split and WHOLE_SITES_SHARE > 0:
                left = time_limit - (time.perf_counter() - began)
                start, sites_bound = _whole_sites_step(model, start, left, mip_rel_gap, steps)
                if sites_bound is not None and (lp_bound is None or sites_bound > lp_bound):
                    lp_bound = sites_bound
        if start is None:
            start = start_vector(model)
            if start is not None and not is_feasible(model, start):
                start = None
    if lp_duals is not None and _class_count_wanted(model):  # after the start, which is time-sliced
        beside = BackgroundBound(
            model, lp_duals, deadline=began + time_limit, lp_bound=lp_bound, function=network_bound
        )
        steps["class_count_bound_from"] = time.perf_counter() - began
    if start is not None:
        steps["start_objective"] = model.objective(start)
        steps["start_ends_at"] = time.perf_counter() - began
        left = time_limit - (time.perf_counter() - began)
        if split and left * PARTS_SHARE > MIN_MIP_SECONDS:
            proof = lp_duals is not None and _proof_wanted(model)  # step 4b follows: its parts' gap
            part_gap = mip_rel_gap * (PART_GAP_SHARE if proof else 1.0)
            listing = None  # step 4b's listing of the sites, on the other core beside step 4
            if proof and lp_duals is not None:
                listing = ListingBeside(
                    model,
                    budget_prices(model, lp_duals),
                    steps["start_objective"] * (1 - TARGET_SHARE * mip_rel_gap),
                    deadline=deadline,
                )
                children.append(listing.beside)
            parts_seconds = left * PARTS_SHARE
            steps["part_seconds"] = parts_seconds / max(n_parts, 1)  # step 4's even share a part, without 4a
            columns_from: float | None = COLUMNS_FROM_SECONDS
            if _chains_wanted(model, parts_seconds, n_parts, proof):  # step 4a (then HiGHS alone, as before)
                columns_from = None
                start, steps["chains"] = chain_years(
                    model,
                    start,
                    deadline=time.perf_counter() + CHAINS_SHARE * left * PARTS_SHARE_GRADES,
                    min_pairs=ENGINE_MIN_PAIRS,
                )
                parts_seconds = left * PARTS_SHARE_GRADES - steps["chains"]["seconds"]
            parts = solve_parts(
                model,
                start,
                time_limit=parts_seconds,
                mip_rel_gap=part_gap,
                elsewhere=() if free is None else free[0],
                collect=None if free is None else lambda: _solved_beside(free[1]),
                columns_from=columns_from,
                beside=COLUMNS_BESIDE and fork_available(),
            )
            _record_parts(model, parts, steps)
            if parts.objective <= steps["start_objective"] and is_feasible(model, parts.values):
                start = parts.values
            steps["parts"], steps["parts_proven"] = parts.parts, parts.proven
            if free is not None:
                steps["parts_beside"] = len(free[0])
            steps["parts_objective"], steps["sites_fixed_bound"] = parts.objective, parts.bound
            steps["parts_end_at"] = time.perf_counter() - began
            if proof and lp_duals is not None:
                assert listing is not None
                start, lp_bound, proven = _sites_proof_step(
                    model, start, parts.per_part, lp_duals, lp_bound, began + time_limit, mip_rel_gap, steps, listing
                )
                if proven:
                    result = _plan_outcome(
                        model, start, "optimal", "proven by the sites' branch-and-bound", lp_bound, began, "parts"
                    )
                    return _with_class_count_bound(result, beside, steps, mip_rel_gap, began), steps
    left = time_limit - (time.perf_counter() - began)
    if start is not None and left < MIN_MIP_SECONDS:  # no time left for the MIP: the start is the plan
        steps["mip_skipped"] = True
        skipped = _plan_outcome(model, start, "feasible", "time limit before the MIP", lp_bound, began, "zoning engine")
        return _with_class_count_bound(skipped, beside, steps, mip_rel_gap, began), steps
    # in a forked child killed at the deadline (HiGHS in this process overran a 20 s limit by
    # 1.8 s in its root cuts); it keeps the last incumbent and bound the child reported
    outcome, _ = solve_by_deadline(
        model.as_matrix_model(), deadline=time.perf_counter() + max(left, 0.05), start=start, mip_rel_gap=mip_rel_gap
    )
    if outcome.values is None and start is not None and outcome.status != "infeasible":
        outcome = replace(outcome, values=start, objective=model.objective(start), status="feasible")
    if lp_bound is not None and (outcome.bound is None or lp_bound > outcome.bound):
        outcome = replace(outcome, bound=lp_bound, gap=relative_gap(outcome.objective, lp_bound))
    return _with_class_count_bound(outcome, beside, steps, mip_rel_gap, began), steps


def _plan_outcome(
    model: NetworkModel, plan: np.ndarray, status: str, said: str, bound: float | None, began: float, steps: str
) -> SolveOutcome:
    """The outcome of a plan the steps made without the whole MIP (`said`: why it stops there;
    `steps`: what made it, after HiGHS's LP)."""
    objective = model.objective(plan)
    seconds = time.perf_counter() - began
    gap = relative_gap(objective, bound)
    return SolveOutcome(plan, status, said, objective, bound, gap, seconds, f"HiGHS (highspy) LP + {steps}")


def _chains_wanted(model: NetworkModel, parts_seconds: float, n_parts: int, proof: bool) -> bool:
    """Step 4a runs (`CHAINS_SHARE` > 0): some level has several grades, at least
    `ENGINE_MIN_PAIRS` quarter–school pairs and no feeder groups (below that, HiGHS proves a
    level-year in a fraction of a second: the sample wards' path is unchanged), step 4b does not
    follow (`proof`), and step 4's `parts_seconds` give each of the `n_parts` parts less than
    `CHAINS_UNTIL_SECONDS` (with more, the engine's start leaves step 4a nothing to gain; far
    below the column generation's `COLUMNS_FROM_SECONDS`, whose path is unchanged)."""
    return (
        CHAINS_SHARE > 0
        and not proof
        and any(
            b.net.shape[3] > 1 and len(b.pair_quarter) >= ENGINE_MIN_PAIRS and not b.rules.feeder_groups
            for b in model.blocks
        )
        and parts_seconds / max(n_parts, 1) < min(CHAINS_UNTIL_SECONDS, COLUMNS_FROM_SECONDS)
    )


def _proof_wanted(model: NetworkModel) -> bool:
    """Step 4b runs (`SITES_PROOF`): one grade per level (with several, the part MIPs are not
    proven in seconds) and the sites decided by their option alone, without closures."""
    return SITES_PROOF and all(b.net.shape[3] == 1 for b in model.blocks) and proof_applies(model)


def _sites_proof_step(
    model: NetworkModel,
    start: np.ndarray,
    per_part: tuple,
    duals: np.ndarray,
    lp_bound: float | None,
    deadline: float,
    mip_rel_gap: float,
    steps: dict,
    listing: ListingBeside | None = None,
) -> tuple[np.ndarray, float | None, bool]:
    """Step 4b: the proof over every site choice (`zoning.network_proof.sites_proof`) for the
    plan `start`, until `deadline`; returns the plan (a better one when found), the bound (the
    better of `lp_bound` and the proof's) and whether the plan is proven within
    `mip_rel_gap`. Recorded in `steps["sites_proof"]`. `listing`: its step 1, started beside
    step 4 from the start's value (read back here)."""
    known = (start, list(per_part))
    proof = (
        sites_proof(
            model,
            model.objective(start),
            budget_prices(model, duals),
            deadline=deadline - PROOF_RESERVE_SECONDS,
            mip_rel_gap=mip_rel_gap,
            known=known,
        )
        if listing is None
        else listing.prove(
            model.objective(start), deadline=deadline - PROOF_RESERVE_SECONDS, mip_rel_gap=mip_rel_gap, known=known
        )
    )
    if proof is None:
        return start, lp_bound, False
    steps["sites_proof"] = {
        "bound": proof.bound,
        "proven": proof.proven,
        "configurations": proof.configurations,
        "level_configurations": proof.level_configurations,
        "lps": proof.lps,
        "part_mips": proof.part_mips,
        "seconds": proof.seconds,
    }
    if (
        proof.values is not None
        and is_feasible(model, proof.values)
        and model.objective(proof.values) < model.objective(start)
    ):
        start = proof.values
    if proof.bound is not None and (lp_bound is None or proof.bound > lp_bound):
        lp_bound = min(proof.bound, model.objective(start))
    gap = relative_gap(model.objective(start), lp_bound)
    return start, lp_bound, bool(proof.proven and gap is not None and gap <= mip_rel_gap + 1e-12)


def _sites_free_beside(model: NetworkModel, deadline: float, mip_rel_gap: float) -> tuple[list[int], Beside] | None:
    """The parts no site decision touches (`zoning.network_parts.sites_free_parts`: the years
    before any site may open), solved from the first second in a child process
    (`SITES_FREE_BESIDE`, when step 4b is wanted and fork is available) to step 4b's gap:
    their indices and the child, whose outcomes step 4 collects. None otherwise."""
    if not (SITES_FREE_BESIDE and _proof_wanted(model) and fork_available()):
        return None
    free = sites_free_parts(model)
    if not free:
        return None
    child = Beside(
        solve_sites_free_parts, model, until=deadline, deadline=deadline, mip_rel_gap=PART_GAP_SHARE * mip_rel_gap
    )
    return free, child


def _solved_beside(child: Beside) -> dict[int, SolveOutcome]:
    """The outcomes the child of `_sites_free_beside` gives, waiting for it until its deadline
    (the parts it reached by then, when it has not finished)."""
    result = child.finish()
    return dict(child.reports) if result is None else result


def _class_count_wanted(model: NetworkModel) -> bool:
    """The Lagrangian bound runs beside the steps (`CLASS_COUNT_BOUND`): some level has several
    grades, and a child process can be forked."""
    return CLASS_COUNT_BOUND and any(b.net.shape[3] > 1 for b in model.blocks) and fork_available()


def _with_class_count_bound(
    outcome: SolveOutcome, beside: BackgroundBound | None, steps: dict, mip_rel_gap: float, began: float
) -> SolveOutcome:
    """`outcome` with its bound raised to the Lagrangian bound's, read back from its child
    process (at once when the outcome is already proven within `mip_rel_gap`, or infeasible);
    recorded in `steps["class_count_bound"]`: bound, first bound (at the LP duals), steps,
    seconds."""
    if beside is not None:
        settled = outcome.status in ("optimal", "infeasible") or (
            outcome.gap is not None and outcome.gap <= mip_rel_gap
        )
        result = beside.finish(wait=not settled)
        steps["class_count_bound"] = {
            "bound": result.bound,
            "first": result.first_bound,
            "steps": result.steps,
            "seconds": result.seconds,
        }
        if (
            result.bound is not None
            and outcome.status != "infeasible"
            and (outcome.bound is None or result.bound > outcome.bound)
        ):
            bound = min(result.bound, outcome.objective) if outcome.objective is not None else result.bound
            outcome = replace(outcome, bound=bound, gap=relative_gap(outcome.objective, bound))
    return replace(outcome, seconds=time.perf_counter() - began)
