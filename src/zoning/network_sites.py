"""Better sites than the LP's rounding: a local search judged by the sites-fixed LP of each level.

Once the sites are chosen (which room option of each candidate site opens, from its first
year: the model's reduction), every row of the network model (`zoning.network_model`) but
the budget rows involves one level, so the LP relaxation with the site columns z fixed is the
sum over levels of
    v_l(C_l) = min { cost of level l's columns : level l's rows, z fixed by C_l }
(C_l: the option opened at each of level l's sites, or none). min over budget-feasible
C = (C_l) of Σ_l v_l(C_l) is the whole-sites relaxation (`network_strategy.
whole_sites_relaxation`), whose sites, zoned, are measured to be better than those of the
LP rounding (docs/zoning-measurements.md). Each v_l is one small LP, re-solved by HiGHS's dual simplex
from the last basis after a change of the z bounds (milliseconds at ward scale), cached by
configuration, with the reduced costs rc of the z columns: v_l is convex in the z bounds, so
v_l + rc·Δz is a lower bound of v_l after a move, by which moves are tried (a scan stops when
the bound cannot beat the best move found: the best move is exact with a few LPs instead of
one per move). The search (`improve_sites`):
1. priced: per level, the best single move (open a site with an option, change its option,
   close it) on v_l(C_l) + λ·cost(C_l) + μ·|C_l| while one improves (λ, μ: the LP's prices of
   the money budget and of the number of sites, the duals of their rows), which decouples the
   levels;
2. repair: while the budget is exceeded, the one or two money-saving moves (on different
   sites) of least predicted loss (the best few predicted evaluated exactly);
3. within the budget: the best improving single move; else an exchange — a gaining move that
   breaks the budget with its cheapest repairs — the best few predicted evaluated exactly;
   until no move improves or the time is up;
4. every level configuration solved so far recombined: the best budget-feasible combination
   (exact values, no LP), which also makes the search useful when cut short (ward entry
   grades, 0.5 s and 42 LPs: 26.31 × 10⁶ where the search alone kept the start's 26.67).
It is a heuristic for the start (the plan is whatever the MIP steps make of it), not a bound:
v_l is a lower bound of level l's cost with those sites only.

Sites with a must pair (their opening year is decided, not fixed by the reduction) and
closures are left as the LP rounding chose them.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from zoning.model import MatrixModel
from zoning.network_model import LevelBlock, NetworkModel, early_fixed
from zoning.solve import DEADLINE_GRACE, SolveOutcome, _highs_lp, _highs_object, _highs_version, _stop_at

__all__ = ["SearchResult", "budget_prices", "improve_sites", "shared_rows", "solve_lp"]

Move = tuple[int, int, int]
"""(level, site column, option opened there or -1 to close it)."""

TOP_EXCHANGES = 12
"""Gaining moves tried with a repair in an exchange (step 3): these many, least lower bound
first, evaluated exactly."""
REPAIRS_PER_EXCHANGE = 3
"""Repairs (best predicted first) kept per gaining move in an exchange: the predicted change
adds the moves' own lower bounds, which miss how the moves interact (the gaining move may seat
the pupils a saver leaves without a seat)."""
ZONES_SECONDS_SHARE = 0.25
"""Seconds (a share of the search's time) each level's LP may take to give the zones of the
sites chosen once the search is over."""
SAVERS = 12
"""Money-saving moves considered by a repair: twice as many, least lower bound of loss first,
are evaluated exactly, and these many kept, least loss first."""
EVALUATED = 8
"""Predicted combinations (repairs, exchanges) evaluated exactly per round."""


@dataclass
class SearchResult:
    """chosen: (block, option, first year index) of the sites to open; value: Σ_l v_l of
    them (the sites-fixed LP, pupil-m with penalties); start_value: the same for the sites
    given (both NaN when even those LPs did not finish in time); evaluations: LPs solved;
    seconds."""

    chosen: list[tuple[int, int, int]]
    value: float
    start_value: float
    evaluations: int
    seconds: float
    zones: list[np.ndarray] = field(default_factory=list)
    """per block (n, T): each quarter's school column in the sites-fixed LP of the sites
    chosen (its largest share), rounded: a zoning to start from (empty when out of time)"""


class _OutOfTime(Exception):
    """The search's time is up (before an LP that is not cached, or during one)."""


class _LevelLP:
    """Level `b`'s rows and columns as a HiGHS LP whose z bounds are set per configuration."""

    def __init__(self, model: NetworkModel, b: LevelBlock) -> None:
        cols = np.arange(b.x0, b.c0 + len(b.closable))
        matrix = model.matrix.tocsr()
        sub = matrix[:, cols].tocsr()
        own = np.arange(matrix.shape[0]) < matrix.shape[0] - shared_rows(model)
        inside = np.flatnonzero(own & (np.diff(sub.indptr) > 0) & (np.diff(sub.indptr) == np.diff(matrix.indptr)))
        part = sub[inside].tocsr()
        sub_model = _Sub(
            len(cols),
            len(inside),
            model.cost[cols],
            model.col_lo[cols],
            model.col_hi[cols],
            model.row_lo[inside],
            model.row_hi[inside],
            part,
            np.zeros(len(cols), dtype=bool),
        )
        lp = _highs_lp(cast(MatrixModel, sub_model), relax=True, col_hi=None)
        import highspy

        self.optimal = highspy.HighsModelStatus.kOptimal
        self.h = _highs_object()
        self.h.setOptionValue("threads", 1)
        self.h.passModel(lp)
        self.stop_at = np.inf  # a time.perf_counter() value: a run past it is interrupted

        def check(event) -> None:
            if time.perf_counter() > self.stop_at:
                event.interrupt()

        self.h.cbSimplexInterrupt.subscribe(check)
        net = b.net
        self.T = net.shape[2]
        self.n_opt = len(net.option_school)
        self.z_cols = ((b.z0 - b.x0) + np.arange(self.n_opt * self.T)).astype(np.int32)
        self.first = net.option_first
        self.pq, self.ps, self.n = b.pair_quarter, b.pair_school, net.shape[0]

    def zones(self, config: dict[int, tuple[int, int]]) -> np.ndarray:
        """(n, T) school column of each quarter and year: its largest share in the LP of `config`."""
        self.value(config)
        x = np.asarray(self.h.getSolution().col_value)[: len(self.pq) * self.T].reshape(-1, self.T)
        school = np.full((self.n, self.T), -1)
        for t in range(self.T):  # years: a loop of T, the pairs vectorised
            order = np.lexsort((-x[:, t], self.pq))
            head = np.ones(len(order), dtype=bool)
            head[1:] = self.pq[order][1:] != self.pq[order][:-1]
            school[self.pq[order][head], t] = self.ps[order][head]
        return school

    def value(self, config: dict[int, tuple[int, int]]) -> tuple[float, np.ndarray]:
        """v_l: the level's LP with option o open from year f for each (o, f) in config's values;
        and the reduced costs (n_opt, T) of the z columns, a subgradient of v_l in the z bounds
        (v_l is convex in them: v_l(z') ≥ v_l(z) + rc·(z' − z))."""
        z = np.zeros((self.n_opt, self.T))
        for o, f in config.values():
            z[o, f:] = 1.0
        flat = z.ravel()
        self.h.changeColsBounds(len(self.z_cols), self.z_cols, flat, flat)
        self.h.run()
        if time.perf_counter() > self.stop_at and self.h.getModelStatus() != self.optimal:
            raise _OutOfTime
        if self.h.getModelStatus() != self.optimal:  # infeasible (a must pair at a closed site)
            return float("inf"), np.zeros((self.n_opt, self.T))
        rc = np.asarray(self.h.getSolution().col_dual)[self.z_cols].reshape(self.n_opt, self.T)
        return float(self.h.getInfo().objective_function_value), rc


@dataclass(frozen=True)
class _Sub:
    """The matrix fields `_highs_lp` reads, for one level's rows and columns."""

    n_cols: int
    n_rows: int
    cost: np.ndarray
    col_lo: np.ndarray
    col_hi: np.ndarray
    row_lo: np.ndarray
    row_hi: np.ndarray
    matrix: Any  # scipy CSR
    integer: np.ndarray


def solve_lp(model: NetworkModel, *, time_limit: float) -> tuple[SolveOutcome, np.ndarray | None]:
    """The LP relaxation by HiGHS (as `zoning.solve.solve_model(relax=True)`) and its row
    duals (None unless solved to optimality)."""
    import highspy

    began = time.perf_counter()
    h = _highs_object()
    h.setOptionValue("time_limit", float(max(time_limit, 0.01)))
    h.setOptionValue("threads", 1)
    h.passModel(_highs_lp(model.as_matrix_model(), True, None))
    _stop_at(h, began + time_limit + DEADLINE_GRACE)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2
    optimal = status == highspy.HighsModelStatus.kOptimal
    values = np.asarray(h.getSolution().col_value) if has_solution else None
    objective = float(info.objective_function_value) if has_solution else None
    verdict = (
        "infeasible"
        if status == highspy.HighsModelStatus.kInfeasible
        else "optimal"
        if optimal and has_solution
        else "feasible"
        if has_solution
        else "no_solution"
    )
    outcome = SolveOutcome(
        values,
        verdict,
        h.modelStatusToString(status),
        objective,
        objective if optimal else None,
        0.0 if optimal else None,
        time.perf_counter() - began,
        f"HiGHS {_highs_version()} (highspy)",
    )
    duals = np.asarray(h.getSolution().row_dual) if optimal and has_solution else None
    return outcome, duals


def shared_rows(model: NetworkModel) -> int:
    """How many rows, at the end of the model, are shared by the levels (the budgets, the
    closures' Σ c ≥ K, the overflow's Σ o ≤ Ō; built in that order by `build_network_model`)."""
    opts = model.options
    has_sites = any(len(b.net.option_school) for b in model.blocks)
    return int(
        (opts.budget is not None and has_sites)
        + (opts.max_sites is not None and has_sites)
        + (opts.min_closed is not None and any(len(b.closable) for b in model.blocks))
        + (opts.max_overflow is not None)
    )


def budget_prices(model: NetworkModel, row_duals: np.ndarray | None) -> tuple[float, float]:
    """(λ, μ) ≥ 0: the LP's prices of the money budget (pupil-m per VND) and of the number of
    sites (pupil-m per site), from the duals of their rows (built in that order by
    `build_network_model`, after every level's rows and before the closure rows); 0 for a
    budget the model does not have."""
    if row_duals is None or not any(len(b.net.option_school) for b in model.blocks):
        return 0.0, 0.0
    opts = model.options
    k = model.n_rows
    k -= opts.max_overflow is not None
    k -= opts.min_closed is not None and any(len(b.closable) for b in model.blocks)
    money = count = 0.0
    if opts.max_sites is not None:
        k -= 1
        count = max(-float(row_duals[k]), 0.0)
    if opts.budget is not None:
        k -= 1
        money = max(-float(row_duals[k]), 0.0)
    return money, count


class _Search:
    def __init__(self, model: NetworkModel, chosen: list[tuple[int, int, int]], deadline: float) -> None:
        self.model = model
        self.deadline = deadline
        self.levels = [_LevelLP(model, b) for b in model.blocks]
        self.cache: dict[tuple[int, frozenset], tuple[float, np.ndarray]] = {}
        self.budget = model.options.budget if model.options.budget is not None else np.inf
        self.max_sites = model.options.max_sites if model.options.max_sites is not None else np.inf
        self.config: list[dict[int, tuple[int, int]]] = [{} for _ in model.blocks]
        for bi, o, first in chosen:
            self.config[bi][int(model.blocks[bi].net.option_school[o])] = (int(o), int(first))
        self.movable: list[np.ndarray] = []  # per level: site columns the search may change
        for b in model.blocks:
            net = b.net
            early = early_fixed(b, model.options)
            sites = np.flatnonzero(net.kind == "candidate")
            ok = [
                j for j in sites if len(np.flatnonzero(net.option_school == j)) and early[net.option_school == j].all()
            ]
            self.movable.append(np.asarray(ok, dtype=np.int64))

    def value(self, bi: int, config: dict[int, tuple[int, int]]) -> float:
        return self.solved(bi, config)[0]

    def solved(self, bi: int, config: dict[int, tuple[int, int]]) -> tuple[float, np.ndarray]:
        key = (bi, frozenset(config.items()))
        if key not in self.cache:
            if time.perf_counter() > self.deadline:
                raise _OutOfTime
            self.levels[bi].stop_at = self.deadline
            self.cache[key] = self.levels[bi].value(config)
        return self.cache[key]

    def lower(self, move: Move) -> float:
        """A lower bound of v_l after `move` from the current sites: v_l + rc·Δz (convexity)."""
        bi, j, o = move
        value, rc = self.solved(bi, self.config[bi])
        if not np.isfinite(value):
            return -np.inf
        old = self.config[bi].get(j)
        if old is not None:
            value -= float(rc[old[0], old[1] :].sum())
        if o >= 0:
            value += float(rc[o, int(self.model.blocks[bi].net.option_first[o]) :].sum())
        return value

    def total_cached(self, config: list[dict[int, tuple[int, int]]]) -> float:
        """Σ_l v_l when every level's value is cached, else inf."""
        keys = [(bi, frozenset(c.items())) for bi, c in enumerate(config)]
        return sum(self.cache[k][0] if k in self.cache else np.inf for k in keys)

    def total(self, config: list[dict[int, tuple[int, int]]]) -> float:
        return sum(self.value(bi, c) for bi, c in enumerate(config))

    def money(self, bi: int, config: dict[int, tuple[int, int]]) -> float:
        return float(sum(self.model.blocks[bi].net.option_cost[o] for o, _ in config.values()))

    def spend(self, config: list[dict[int, tuple[int, int]]]) -> tuple[float, int]:
        return sum(self.money(bi, c) for bi, c in enumerate(config)), sum(len(c) for c in config)

    def feasible(self, config: list[dict[int, tuple[int, int]]]) -> bool:
        money, count = self.spend(config)
        return money <= self.budget * (1 + 1e-9) + 1e-6 and count <= self.max_sites

    def moves(self, bi: int) -> list[Move]:
        """Every single change of level bi's movable sites: open, change option, close."""
        net = self.model.blocks[bi].net
        out: list[Move] = []
        for j in self.movable[bi]:
            now = self.config[bi].get(int(j), (-1, -1))[0]
            out += [(bi, int(j), int(o)) for o in np.flatnonzero(net.option_school == j) if o != now]
            if now >= 0 and not net.must_open[j]:
                out.append((bi, int(j), -1))
        return out

    def applied(self, moves: tuple[Move, ...]) -> list[dict[int, tuple[int, int]]]:
        config = [dict(c) for c in self.config]
        for bi, j, o in moves:
            if o < 0:
                config[bi].pop(j, None)
            else:
                config[bi][j] = (o, int(self.model.blocks[bi].net.option_first[o]))
        return config

    def priced(self, money_price: float, count_price: float) -> None:
        """Step 1: per level, the best single move on v_l + λ·cost + μ·count, while one
        improves; moves are tried by their lower bound (v_l + rc·Δz, priced) and the scan
        stops once that bound cannot beat the best found (so the best move is exact)."""
        for bi in range(len(self.levels)):
            while True:

                def priced_of(c: dict[int, tuple[int, int]], bi: int = bi) -> float:
                    return money_price * self.money(bi, c) + count_price * len(c)

                now = self.value(bi, self.config[bi]) + priced_of(self.config[bi])
                scored = sorted((self.lower(m) + priced_of(self.applied((m,))[bi]), m) for m in self.moves(bi))
                best, move = now, None
                for low, m in scored:
                    if low >= best - 1e-9 * abs(best):
                        break
                    exact = self.value(bi, self.applied((m,))[bi]) + priced_of(self.applied((m,))[bi])
                    if exact < best - 1e-9 * abs(best):
                        best, move = exact, m
                if move is None:
                    break
                self.config = self.applied((move,))

    def _combined(self, moves: tuple[Move, ...]) -> bool:
        return len({(bi, j) for bi, j, _ in moves}) == len(moves)

    def best_repair(self, base: tuple[Move, ...], savers: list[tuple[float, Move]]) -> list[tuple[float, tuple]]:
        """Combinations of `base` with one or two savers (distinct sites) that keep the budget,
        best first by predicted loss (Σ of the savers' lower bounds of loss)."""
        out = []
        for k in (0, 1, 2):
            for combo in itertools.combinations(savers, k):
                moves = base + tuple(m for _, m in combo)
                if not self._combined(moves):
                    continue
                if self.feasible(self.applied(moves)):
                    out.append((sum(d for d, _ in combo), moves))
        out.sort(key=lambda c: c[0])
        return out

    def savers(self) -> list[tuple[float, Move]]:
        """The moves that save money or a site, each with a lower bound of its loss
        (rc·Δz), least first; the first `SAVERS`."""
        money, count = self.spend(self.config)
        out = []
        for bi in range(len(self.levels)):
            now = self.value(bi, self.config[bi])
            for m in self.moves(bi):
                after_money, after_count = self.spend(self.applied((m,)))
                if after_money < money - 1e-6 or after_count < count:
                    out.append((self.lower(m) - now, m))
        out.sort(key=lambda s: s[0])  # by lower bound, then the first few exactly
        exact = [
            (self.value(m[0], self.applied((m,))[m[0]]) - self.value(m[0], self.config[m[0]]), m)
            for _, m in out[: 2 * SAVERS]
        ]
        exact.sort(key=lambda s: s[0])
        return exact[:SAVERS]

    def adopt(self, candidates: list[tuple[float, tuple]], current: float) -> bool:
        """Evaluate the best `EVALUATED` predicted move sets; adopt the best if it improves."""
        best, chosen = current, None
        for _pred, moves in candidates[:EVALUATED]:
            value = self.total(self.applied(moves))
            if value < best - 1e-9 * abs(best):
                best, chosen = value, moves
        if chosen is None:
            return False
        self.config = self.applied(chosen)
        return True

    def repair(self) -> None:
        """Step 2: back within the budget, losing least."""
        while not self.feasible(self.config):
            savers = self.savers()
            options = self.best_repair((), savers)
            if not options:  # one move at a time, the one losing least
                if not savers:
                    return
                self.config = self.applied((savers[0][1],))
                continue
            best, chosen = np.inf, options[0][1]
            for _pred, moves in options[:EVALUATED]:
                value = self.total(self.applied(moves))
                if value < best:
                    best, chosen = value, moves
            self.config = self.applied(chosen)

    def descend(self) -> None:
        """Step 3: the best improving single move within the budget (tried by lower bound,
        the scan pruned as in step 1), else the best of the exchanges predicted best (a
        gaining move with one or two savers), until none improves."""
        while True:
            current = self.total(self.config)
            now = [self.value(bi, c) for bi, c in enumerate(self.config)]
            moves = [m for bi in range(len(self.levels)) for m in self.moves(bi)]
            ranked = sorted((self.lower(m) - now[m[0]], m) for m in moves)
            best, single = 0.0, None
            for low, m in ranked:
                if low >= best - 1e-9 * abs(current):
                    break
                if self.feasible(self.applied((m,))):
                    d = self.value(m[0], self.applied((m,))[m[0]]) - now[m[0]]
                    if d < best - 1e-9 * abs(current):
                        best, single = d, m
            if single is not None:
                self.config = self.applied((single,))
                continue
            savers = self.savers()
            exchanges = []
            gains = [(low, m) for low, m in ranked[:TOP_EXCHANGES] if low < 0]
            for low, m in gains:
                low = self.value(m[0], self.applied((m,))[m[0]]) - now[m[0]]  # exact
                repairs = self.best_repair((m,), [s for s in savers if s[1][:2] != m[:2]])
                exchanges += [(low + loss, moves) for loss, moves in repairs[:REPAIRS_PER_EXCHANGE]]
            exchanges.sort(key=lambda e: e[0])
            if not self.adopt(exchanges, current):
                return

    def best_cached(self) -> tuple[float, list[dict[int, tuple[int, int]]]] | None:
        """The best budget-feasible combination of the level configurations solved so far (no
        LP: their values are known), level by level, keeping only the combinations that no
        cheaper one (with as many sites or fewer, when sites are counted) beats; None when
        none is feasible."""
        counted = np.isfinite(self.max_sites)
        combos: list[tuple[float, float, int, list]] = [(0.0, 0.0, 0, [])]
        for bi in range(len(self.levels)):
            mine = [
                (v, self.money(bi, dict(k)), len(k), dict(k))
                for (b, k), (v, _) in self.cache.items()
                if b == bi and np.isfinite(v)
            ]
            grown = [
                (value + v, money + m, count + n, [*configs, c])
                for value, money, count, configs in combos
                for v, m, n, c in mine
                if money + m <= self.budget * (1 + 1e-9) + 1e-6 and count + n <= self.max_sites
            ]
            grown.sort(key=lambda g: (g[2] if counted else 0, g[1], g[0]))
            combos, least = [], dict[int, float]()
            for g in grown:  # by count (when counted), then money: kept when it beats the cheaper
                key = g[2] if counted else 0
                if g[0] < least.get(key, np.inf) - 1e-9 * abs(g[0]):
                    least[key] = g[0]
                    combos.append(g)
            if not combos:
                return None
        value, _, _, configs = min(combos, key=lambda g: g[0])
        return value, configs

    def chosen(self) -> list[tuple[int, int, int]]:
        return sorted((bi, o, f) for bi, c in enumerate(self.config) for o, f in c.values())


def improve_sites(
    model: NetworkModel,
    chosen: list[tuple[int, int, int]],
    *,
    prices: tuple[float, float] = (0.0, 0.0),
    time_limit: float,
) -> SearchResult:
    """Steps 1–4 of the module docstring from `chosen` ((block, option, first year index),
    within the budget), in at most about `time_limit` seconds (one LP may overrun it). The
    sites returned keep the budget and are never worse by Σ_l v_l than `chosen`."""
    began = time.perf_counter()
    search = _Search(model, chosen, began + time_limit)
    best = [dict(c) for c in search.config]
    try:
        start_value = value = search.total(search.config)
    except _OutOfTime:  # not even the start's LPs in time: the sites as given, no zones
        return SearchResult(search.chosen(), np.nan, np.nan, len(search.cache), time.perf_counter() - began)
    try:
        if any(p > 0 for p in prices):
            search.priced(*prices)
            search.repair()
        if search.feasible(search.config) and search.total(search.config) < value:
            best, value = [dict(c) for c in search.config], search.total(search.config)
        search.config = [dict(c) for c in best]
        search.descend()
    except _OutOfTime:
        pass
    if search.feasible(search.config) and search.total_cached(search.config) < value:
        best, value = search.config, search.total_cached(search.config)
    combined = search.best_cached()  # every level configuration solved, recombined
    if combined is not None and combined[0] < value - 1e-9 * abs(value):
        value, best = combined
    search.config = best
    zones: list[np.ndarray] = []
    try:  # the zones of the sites chosen: LPs solved before, re-solved from a near basis
        for level, c in zip(search.levels, search.config, strict=True):
            level.stop_at = time.perf_counter() + ZONES_SECONDS_SHARE * time_limit
            zones.append(level.zones(c))
    except _OutOfTime:
        zones = []
    return SearchResult(search.chosen(), value, start_value, len(search.cache), time.perf_counter() - began, zones)
