"""A proof over every site choice: branch on each level's sites, bound by the parts' MIPs.

With the sites fixed (which room option each candidate site opens, from its first year: the
model's reduction), every row of the network model (`zoning.network_model`) but the budget
rows involves one level, and within a level one school year. So for a configuration
C = (C_1, …, C_L) (C_l: the option opened at each of level l's sites, or none)
    the sites-fixed LP  = Σ_l v_l(C_l)            (`zoning.network_sites`)
    the sites-fixed MIP = Σ_l Σ_t V_{l,t}(C_l)    (the parts, `zoning.network_parts`)
and V_{l,t} depends only on (l, t, the options open in year t). A plan of value U is proven
(within the relative gap γ) when every budget-feasible C has a lower bound ≥ U' = U·(1 − 0.9γ):

1. per level, a branch-and-bound over its sites (children of a node: the next site shut or
   open with each option; a node's bound: the level's LP with the free sites' z in [0, 1],
   the objective raised by λ·cost[o] + μ for each option opened, λ, μ ≥ 0 the LP's duals of
   the money and site-count budgets) lists every C_l with
       g_l(C_l) = v_l(C_l) + λ·cost(C_l) + μ·|C_l| < U' + λ·B + μ·p − Σ_{k≠l} min g_k
   (any budget-feasible C with Σ_l v_l < U' has Σ_l g_l ≤ Σ_l v_l + λB + μp, so each of its
   C_l is listed). A child whose parent's LP solution fits its bounds keeps the parent's
   value; one whose parent's dual bound at its bounds,
       θ = parent + Σ_j [min(d_j·lo'_j, d_j·hi'_j) − min(d_j·lo_j, d_j·hi_j)]
   (d: the parent's reduced costs of the z columns; weak duality), reaches the threshold is
   pruned without an LP;
2. the lists combined exactly (the budgets, Σ_l v_l < U'): the configurations left;
3. while one of them has Σ over its parts of (the part's MIP bound when solved, else its LP
   value, read from the level's LP solution, which separates by year) below U': the unsolved
   part of largest LP value of the least-bounded one is solved by HiGHS (cached by its key:
   many configurations share parts). A configuration whose parts are all solved is a plan.
The bound returned, min(U', the least bound of a configuration left), is valid for every site
choice. Measured on the ward entry grades (docs/zoning-measurements.md, "The entry grades proven by
branching on the sites"): 49 configurations left, 20 part MIPs of 126, the optimum 26.213 × 10⁶
proven.

Applies when every site's decision is "which option, from its first year" (no must pair at a
site), without closures; `sites_proof` returns None otherwise.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from zoning.beside import Beside
from zoning.model import MatrixModel
from zoning.network_model import NetworkModel, early_fixed
from zoning.network_parts import fixed_columns, model_parts, part_model, tidy
from zoning.network_sites import _LevelLP
from zoning.solve import SolveOutcome, solve_model

__all__ = [
    "Listing",
    "ListingBeside",
    "ProofResult",
    "configurations_left",
    "list_configurations",
    "part_keys",
    "sites_proof",
]

Config = tuple[tuple[int, int], ...]
"""A level's configuration: sorted (site column, option) of its sites open."""
PartKey = tuple[int, int, tuple[int, ...]]
"""(level, school year, the options open that year)."""

DUAL_SLACK = 1e-7
"""Relative margin above the threshold for a prune by the parent's duals (reduced costs are
within HiGHS's tolerances)."""
TARGET_SHARE = 0.9
"""The proof's target is U·(1 − TARGET_SHARE·γ) (γ: the relative gap asked): a bound at
that target proves the plan within γ with a margin (a bound of exactly U·(1 − γ) sits on the
edge, where rounding decides)."""
PART_GAP_SHARE = 0.5
"""Each part MIP is solved to PART_GAP_SHARE·γ (so that the plan's own configuration, whose
parts' bounds sum to at least U·(1 − PART_GAP_SHARE·γ), reaches the target); the parts of
step 4 are reused when proven that close."""
LISTING_RUNGS = tuple(i * 0.0005 for i in range(16, 0, -1))
"""The smaller targets U'·(1 − r) the listing beside step 4 reports first (`ListingBeside`):
on the ward entry grades step 4 lowers the start by 0.2–0.35%, and a listing for 0.3% below
it took 293 LPs (3.2 s) where the start's own target took 568 (6.1 s)."""
MAX_COMBINATIONS = 200_000
"""Partial combinations of level configurations kept in step 2 before giving up."""


@dataclass(frozen=True)
class ProofResult:
    """bound: a lower bound of the model over every site choice (None when out of time);
    proven: every configuration left reaches U'; values: a better plan found (a
    configuration whose parts were all solved), else None; configurations: left after
    step 2; level_configurations: listed per level; lps, part_mips: solved; seconds."""

    bound: float | None
    proven: bool
    values: np.ndarray | None
    configurations: int
    level_configurations: tuple[int, ...]
    lps: int
    part_mips: int
    seconds: float


class _OutOfTime(Exception):
    pass


class _Level:
    """Level `bi`'s configurations by branch-and-bound (step 1)."""

    def __init__(self, model: NetworkModel, bi: int, prices: tuple[float, float], deadline: float) -> None:
        b = model.blocks[bi]
        self.lp = _LevelLP(model, b)
        self.net, self.T, self.deadline = b.net, b.net.shape[2], deadline
        self.sites = [int(j) for j in np.flatnonzero(b.net.kind == "candidate") if (b.net.option_school == j).any()]
        self.options = {j: [int(o) for o in np.flatnonzero(b.net.option_school == j)] for j in self.sites}
        n_opt = len(b.net.option_school)
        last = self.lp.z_cols.reshape(-1, self.T)[:, -1] if n_opt else np.zeros(0, dtype=np.int32)
        base = model.cost[b.z0 + np.arange(n_opt) * self.T + self.T - 1]
        self.priced = prices[0] * b.net.option_cost + prices[1]  # λ·cost[o] + μ
        if n_opt:
            self.lp.h.changeColsCost(len(last), last.astype(np.int32), base + self.priced)
        cols = np.arange(b.x0, b.c0 + len(b.closable))
        self.base_cost = model.cost[cols]
        self.year = np.full(len(cols), self.T - 1)  # each column's school year (z: cost at T)
        for rows_cols in model_parts(model, fixed_columns(model)):
            mine = rows_cols[1][(rows_cols[1] >= b.x0) & (rows_cols[1] < b.z0)]
            if len(mine):
                x = mine[mine < b.n0]
                t = int((x[0] - b.x0) % self.T) if len(x) else int(((mine[0] - b.n0) // b.net.shape[3]) % self.T)
                self.year[mine - b.x0] = t
        self.nodes: dict[frozenset, tuple] = {}  # fixed → (g, z, d, lo, hi, year costs)
        self.lps = 0
        self.kept = 0  # children that kept their parent's LP solution (no LP)
        self.pruned = 0  # children pruned by their parent's dual bound (no LP)

    def bounds(self, fixed: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
        n_opt, T = len(self.net.option_school), self.T
        lo, hi = np.zeros((n_opt, T)), np.zeros((n_opt, T))
        for j in self.sites:
            for o in self.options[j]:
                f = int(self.net.option_first[o])
                if j not in fixed:
                    hi[o, f:] = 1.0
                elif fixed[j] == o:
                    lo[o, f:] = hi[o, f:] = 1.0
        return lo.ravel(), hi.ravel()

    def record(self, fixed: dict[int, int]) -> tuple:
        """(g, z, d, lo, hi, year costs) of a node by its LP (g: inf when infeasible)."""
        key = frozenset(fixed.items())
        if key not in self.nodes:
            if time.perf_counter() > self.deadline:
                raise _OutOfTime
            lo, hi = self.bounds(fixed)
            h = self.lp.h
            self.lp.stop_at = self.deadline
            h.changeColsBounds(len(self.lp.z_cols), self.lp.z_cols, lo, hi)
            h.run()
            self.lps += 1
            if h.getModelStatus() != self.lp.optimal:
                if time.perf_counter() > self.deadline:
                    raise _OutOfTime
                self.nodes[key] = (np.inf, lo, np.zeros_like(lo), lo, hi, np.zeros(self.T))
            else:
                sol = h.getSolution()
                x = np.asarray(sol.col_value)
                years = np.bincount(self.year, weights=self.base_cost * x, minlength=self.T)
                g = float(h.getInfo().objective_function_value)
                self.nodes[key] = (g, x[self.lp.z_cols], np.asarray(sol.col_dual)[self.lp.z_cols], lo, hi, years)
        return self.nodes[key]

    def child(self, parent: tuple, fixed: dict[int, int], threshold: float) -> tuple | None:
        """The child's record, or None when the parent's dual bound prunes it."""
        key = frozenset(fixed.items())
        if key in self.nodes:
            return self.nodes[key]
        lo2, hi2 = self.bounds(fixed)
        if _fits(parent, lo2, hi2):
            self.kept += 1
            self.nodes[key] = (*parent[:3], lo2, hi2, parent[5])  # the parent's solution: its value
            return self.nodes[key]
        if _dual(parent, lo2, hi2) >= threshold + DUAL_SLACK * abs(threshold):
            self.pruned += 1
            return None
        return self.record(fixed)

    def best(self) -> float:
        """min g_l over every configuration (best first; a child enters the heap with its
        parent's dual bound and is solved when it comes out first)."""
        tie = itertools.count()
        heap: list = [(self.record({})[0], next(tie), {}, True)]
        while heap:
            g, _, fixed, exact = heapq.heappop(heap)
            if not np.isfinite(g):
                return np.inf
            if not exact:
                heapq.heappush(heap, (self.record(fixed)[0], next(tie), fixed, True))
                continue
            if len(fixed) == len(self.sites):
                return g
            rec = self.record(fixed)
            j = self.sites[len(fixed)]
            for o in [-1, *self.options[j]]:
                kid = {**fixed, j: o}
                key = frozenset(kid.items())
                lo2, hi2 = self.bounds(kid)
                if key not in self.nodes and _fits(rec, lo2, hi2):
                    self.kept += 1
                    self.nodes[key] = (*rec[:3], lo2, hi2, rec[5])
                if key in self.nodes:
                    heapq.heappush(heap, (self.nodes[key][0], next(tie), kid, True))
                else:
                    heapq.heappush(heap, (_dual(rec, lo2, hi2), next(tie), kid, False))
        return np.inf

    def enumerate(self, threshold: float) -> list[tuple[Config, float, np.ndarray]]:
        """Every configuration with g_l < threshold: (config, g_l, its LP's cost per year)."""
        found: list[tuple[Config, float, np.ndarray]] = []

        def visit(fixed: dict[int, int], rec: tuple) -> None:
            if rec[0] >= threshold:
                return
            if len(fixed) == len(self.sites):
                found.append((tuple(sorted((j, o) for j, o in fixed.items() if o >= 0)), rec[0], rec[5]))
                return
            j = self.sites[len(fixed)]
            for o in [-1, *self.options[j]]:
                kid = {**fixed, j: o}
                crec = self.child(rec, kid, threshold)
                if crec is not None:
                    visit(kid, crec)

        visit({}, self.record({}))
        return found


def _fits(parent: tuple, lo: np.ndarray, hi: np.ndarray) -> bool:
    """The parent's LP solution fits the child's z bounds (so it is the child's optimum)."""
    g, z = parent[0], parent[1]
    return bool(np.isfinite(g) and (z >= lo - 1e-9).all() and (z <= hi + 1e-9).all())


def _dual(parent: tuple, lo: np.ndarray, hi: np.ndarray) -> float:
    """The parent's dual bound at the child's z bounds (weak duality, module docstring)."""
    g, _z, d, plo, phi = parent[:5]
    if not np.isfinite(g):
        return np.inf
    return g + float((np.minimum(d * lo, d * hi) - np.minimum(d * plo, d * phi)).sum())


def proof_applies(model: NetworkModel) -> bool:
    """Every site decided by its option alone (the reduction, no must pair at a site), no
    closures, and no shared row but the budgets."""
    opts = model.options
    return (
        opts.min_closed is None
        and opts.max_overflow is None
        and not any(len(b.closable) for b in model.blocks)
        and all(early_fixed(b, opts).all() for b in model.blocks)
    )


class _Parts:
    """The part MIPs by key, solved once each (step 3)."""

    def __init__(self, model: NetworkModel, mip_rel_gap: float) -> None:
        self.model, self.gap = model, mip_rel_gap
        self.fixed = fixed_columns(model)
        self.where: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        self.index: dict[tuple[int, int], list[int]] = {}  # (level, year) → its parts in model_parts' order
        for k, (rows, cols) in enumerate(model_parts(model, self.fixed)):
            where = part_year(model, cols)
            if where is None:
                continue
            rows0, cols0 = self.where.get(where, (rows[:0], cols[:0]))
            self.where[where] = (np.union1d(rows0, rows), np.union1d(cols0, cols))
            self.index.setdefault(where, []).append(k)
        self.solved: dict[PartKey, tuple[float, float, np.ndarray | None]] = {}  # bound, objective, values

    def z_values(self, bi: int, options: tuple[int, ...]) -> np.ndarray:
        b = self.model.blocks[bi]
        T = b.net.shape[2]
        values = np.zeros(self.model.n_cols)
        for o in options:
            values[b.z0 + o * T + int(b.net.option_first[o]) : b.z0 + (o + 1) * T] = 1.0
        return values

    def part_model(self, key: PartKey) -> MatrixModel:
        """The zoning MIP of one level and school year with the options `key` open."""
        bi, t, options = key
        model = self.model
        rows, cols = self.where[(bi, t)]
        fixed_values = self.z_values(bi, options)[self.fixed]
        shift = model.matrix[:, self.fixed] @ fixed_values
        part = part_model(model, rows, cols, shift)
        return part.as_matrix_model()

    def solve(self, key: PartKey, time_limit: float) -> None:
        """Solve the part `key` in this process."""
        out = solve_model(self.part_model(key), time_limit=max(time_limit, 0.05), mip_rel_gap=self.gap)
        self.keep(key, out)

    def keep(self, key: PartKey, out: SolveOutcome) -> None:
        extra = self.extra(key)
        bound = -np.inf if out.bound is None else float(out.bound) + extra
        value = np.inf if out.objective is None else float(out.objective) + extra
        self.solved[key] = (bound, value, out.values)

    def extra(self, key: PartKey) -> float:
        """The options' cost (ε·cost[o] at the horizon) carried by the level's last year."""
        bi, t, options = key
        if t != self.model.blocks[bi].net.shape[2] - 1:
            return 0.0
        return float(self.model.cost[self.fixed] @ self.z_values(bi, options)[self.fixed])


def part_year(model: NetworkModel, cols: np.ndarray) -> tuple[int, int] | None:
    """(level, school year) of a part's columns, by its first zone column (None without one)."""
    for bi, b in enumerate(model.blocks):
        x = cols[(cols >= b.x0) & (cols < b.n0)]
        if len(x):
            return bi, int((x[0] - b.x0) % b.net.shape[2])
    return None


def part_keys(model: NetworkModel, bi: int, config: Config) -> list[PartKey]:
    """The parts level `bi`'s configuration `config` needs, one per school year."""
    net = model.blocks[bi].net
    return [(bi, t, tuple(sorted(o for _, o in config if net.option_first[o] <= t))) for t in range(net.shape[2])]


@dataclass(frozen=True)
class Listing:
    """Step 1's result: per level, min g_l (`best`) and every configuration with g_l below the
    threshold its target gave, as (config, g_l, v_l, money, sites, the LP's cost per year);
    `lps`: the LPs solved; `level_counts`: per level, (LPs, children that kept their parent's
    LP solution, children pruned by its dual bound)."""

    best: tuple[float, ...]
    lists: tuple[tuple[tuple[Config, float, float, float, int, np.ndarray], ...], ...]
    lps: int
    target: float
    level_counts: tuple[tuple[int, int, int], ...] = ()


def list_configurations(
    model: NetworkModel,
    prices: tuple[float, float],
    target: float,
    *,
    deadline: float,
    below: Sequence[float] = (),
    report: Callable[[Listing], None] | None = None,
) -> Listing | None:
    """Step 1 for the proof target `target` (U'): each level's configurations that may beat it
    (None when out of time, or when a level has no feasible configuration). A listing made for
    a larger target holds every configuration a smaller one would list (`sites_proof` filters
    it), so it may be made from the start's value beside step 4 (`ListingBeside`). `below`:
    smaller targets listed first, each listing (and the last) given to `report` as soon as it
    is made; the levels' LPs are kept from one target to the next, so the last costs about
    the LPs it would alone (568 against 533 on the ward entry grades: a degenerate LP solved
    in another order may end at another vertex; `level_counts` then count over every target)."""
    slack = _slack(model, prices)
    levels = [_Level(model, bi, prices, deadline) for bi in range(len(model.blocks))]
    listing = None
    try:
        best = [lv.best() for lv in levels]
        if not all(np.isfinite(best)):  # a level with no feasible configuration: no thresholds
            return None
        for rung in sorted({*(t for t in below if t < target), target}):
            lists = []
            for bi, lv in enumerate(levels):
                found = lv.enumerate(rung + slack - (sum(best) - best[bi]))
                cost = lv.net.option_cost
                lists.append(
                    tuple(
                        (c, g, g - sum(lv.priced[o] for _, o in c), float(sum(cost[o] for _, o in c)), len(c), y)
                        for c, g, y in found
                    )
                )
            counts = tuple((lv.lps, lv.kept, lv.pruned) for lv in levels)
            listing = Listing(tuple(best), tuple(lists), sum(lv.lps for lv in levels), rung, counts)
            if report is not None:
                report(listing)
    except _OutOfTime:
        return None
    return listing


def _slack(model: NetworkModel, prices: tuple[float, float]) -> float:
    """λ·B + μ·p: the priced budgets (0 for a budget not set or not binding)."""
    opts = model.options
    budget = opts.budget if opts.budget is not None else np.inf
    max_sites = opts.max_sites if opts.max_sites is not None else np.inf
    return (prices[0] * budget if prices[0] > 0 else 0.0) + (prices[1] * max_sites if prices[1] > 0 else 0.0)


class ListingBeside:
    """`list_configurations` in a forked child process (`zoning.beside.Beside`), started now
    (beside step 4, on the other core) for the target `target` and, first, the smaller
    targets target·(1 − r) for r in `LISTING_RUNGS`, each listing reported as it is made;
    `prove(upper, …)` proves a plan with the first listing at or above its target (known
    only after step 4), solving meanwhile the part MIPs the smaller listings already made
    call for."""

    def __init__(self, model: NetworkModel, prices: tuple[float, float], target: float, *, deadline: float) -> None:
        self.model, self.prices = model, prices
        self.beside = Beside(
            list_configurations,
            model,
            prices,
            target,
            until=deadline,
            deadline=deadline,
            below=tuple(target * (1 - r) for r in LISTING_RUNGS),
        )

    def finish(self, wanted: float) -> Listing | None:
        """The first listing made for a target ≥ `wanted`, waiting for it until the deadline at
        the latest (None then); the child is stopped."""
        try:
            return self.beside.wait(lambda listing: listing.target >= wanted)
        finally:
            self.beside.stop()

    def ready(self, wanted: float) -> bool:
        """A listing for a target ≥ `wanted` has come (read without waiting)."""
        self.beside.drain()
        return any(listing.target >= wanted for listing in self.beside.reports)

    def prove(
        self,
        upper: float,
        *,
        deadline: float,
        mip_rel_gap: float,
        known: tuple[np.ndarray, list[tuple[float | None, float]]] | None = None,
    ) -> ProofResult | None:
        """`sites_proof` of the plan of value `upper` with the first listing at or above its
        target. While that listing is being made, the proof's loop runs on the largest listing
        already made (a smaller target: its configurations are the least bounded, the ones the
        proof takes first) until the wanted one comes; the part MIPs it solves are kept for the
        proof (`sites_proof(parts=…)`)."""
        began = time.perf_counter()
        wanted = upper * (1 - TARGET_SHARE * mip_rel_gap)
        cache = _Parts(self.model, PART_GAP_SHARE * mip_rel_gap)
        prove = functools.partial(
            sites_proof,
            self.model,
            prices=self.prices,
            deadline=deadline,
            mip_rel_gap=mip_rel_gap,
            known=known,
            parts=cache,
        )
        done_with = None
        beside = self.beside.process is not None  # without fork, the listing is made in finish()
        while beside and not self.ready(wanted) and not self.beside.done and time.perf_counter() < deadline:
            partial = self.beside.reports[-1] if self.beside.reports else None
            if partial is None or partial is done_with:
                self.beside.read(deadline - time.perf_counter())  # the next listing (or the end)
                continue
            prove(partial.target / (1 - TARGET_SHARE * mip_rel_gap), listing=partial, stop=lambda: self.ready(wanted))
            done_with = partial
        proof = prove(upper, listing=self.finish(wanted))
        return None if proof is None else replace(proof, seconds=time.perf_counter() - began)


Combination = tuple[float, float, int, tuple[int, ...]]
"""Σ v_l, money, sites, and each level's index in its list."""


def configurations_left(
    model: NetworkModel, listing: Listing, prices: tuple[float, float], target: float
) -> tuple[list[list[tuple[Config, float, float, int, np.ndarray]]], list[Combination]] | None:
    """Step 1's lists kept below `target`'s thresholds, as (config, v_l, money, sites, the LP's
    cost per year), and step 2: every combination of one configuration per level within the
    budgets with Σ_l v_l < `target` (None beyond `MAX_COMBINATIONS`)."""
    opts = model.options
    budget = opts.budget if opts.budget is not None else np.inf
    max_sites = opts.max_sites if opts.max_sites is not None else np.inf
    slack = _slack(model, prices)
    best = listing.best
    lists = [
        [(c, v, money, count, y) for c, g, v, money, count, y in found if g < target + slack - (sum(best) - best[bi])]
        for bi, found in enumerate(listing.lists)
    ]
    least = [min((e[1] for e in lst), default=np.inf) for lst in lists]
    combos: list[Combination] = [(0.0, 0.0, 0, ())]
    for bi, lst in enumerate(lists):
        rest = sum(least[bi + 1 :])
        combos = [
            (v + e[1], m + e[2], n + e[3], (*idx, k))
            for v, m, n, idx in combos
            for k, e in enumerate(lst)
            if v + e[1] + rest < target and m + e[2] <= budget * (1 + 1e-9) + 1e-6 and n + e[3] <= max_sites
        ]
        if len(combos) > MAX_COMBINATIONS:
            return None
    return lists, combos


def sites_proof(
    model: NetworkModel,
    upper: float,
    prices: tuple[float, float],
    *,
    deadline: float,
    mip_rel_gap: float,
    known: tuple[np.ndarray, list[tuple[float | None, float]]] | None = None,
    listing: Listing | None = None,
    parts: _Parts | None = None,
    stop: Callable[[], bool] | None = None,
) -> ProofResult | None:
    """Steps 1–3 of the module docstring for a plan of value `upper` (prices: the LP's duals
    of the money and site-count budgets), until `deadline` (a time.perf_counter() value);
    `known`: (the plan's values, each part's (bound, objective) in `model_parts` order) from
    the strategy's step 4, reused; `listing`: step 1 already made for a target at least this
    plan's (`ListingBeside`), filtered here; `parts`: the part MIPs already solved (kept, and
    added to); `stop()`: checked before each part MIP, True ends the loop there. None when the
    proof does not apply."""
    if not proof_applies(model):
        return None
    began = time.perf_counter()
    target = upper * (1 - TARGET_SHARE * mip_rel_gap)
    lps = 0 if listing is None else listing.lps

    def gave_up() -> ProofResult:
        return ProofResult(None, False, None, 0, (), lps, 0, time.perf_counter() - began)

    if listing is None or listing.target < target:
        listing = list_configurations(model, prices, target, deadline=deadline)
        if listing is None:
            return gave_up()
        lps = listing.lps
    left = configurations_left(model, listing, prices, target)
    if left is None:
        return gave_up()
    lists, combos = left
    # step 3: the parts
    parts = _Parts(model, PART_GAP_SHARE * mip_rel_gap) if parts is None else parts
    lp_of: dict[PartKey, float] = {}
    config_keys = []
    for _v, _m, _n, idx in combos:
        keys = []
        for bi, k in enumerate(idx):
            c, _, _, _, years = lists[bi][k]
            for t, key in enumerate(part_keys(model, bi, c)):
                lp_of[key] = float(years[t])
                keys.append(key)
        config_keys.append(keys)
    reused = 0
    if known is not None:
        plan, results = known
        for (bi, t), ks in parts.index.items():
            b = model.blocks[bi]
            T = b.net.shape[2]
            z = plan[b.z0 : b.z0 + len(b.net.option_school) * T].reshape(-1, T)[:, t]
            key = (bi, t, tuple(int(o) for o in np.flatnonzero(z > 0.5)))
            got = [results[k] for k in ks if k < len(results)]
            proven = all(r[0] is not None and r[0] >= r[1] - parts.gap * abs(r[1]) - 1e-6 for r in got)
            if key in lp_of and len(got) == len(ks) and proven:  # an unproven part is solved again
                extra = parts.extra(key)
                bound = float(np.sum([r[0] for r in got])) + extra
                cols = parts.where[(bi, t)][1]  # the plan's zoning of that part
                parts.solved[key] = (bound, float(np.sum([r[1] for r in got])) + extra, plan[cols])
                reused += 1

    def low(key: PartKey) -> float:
        return max(parts.solved[key][0], lp_of[key]) if key in parts.solved else lp_of[key]

    def value(i: int) -> float:
        """The plan of configuration i when its parts are all solved (with a zoning), else inf."""
        if all(k in parts.solved and parts.solved[k][2] is not None for k in config_keys[i]):
            return sum(parts.solved[k][1] for k in config_keys[i])
        return np.inf

    best_value, best_config = upper, None
    for i in range(len(config_keys)):  # configurations whose parts were all solved before
        if value(i) < best_value - 1e-9 * abs(best_value):
            best_value, best_config = value(i), i
    while time.perf_counter() < deadline and (stop is None or not stop()):
        target = best_value * (1 - TARGET_SHARE * mip_rel_gap)
        lows = [sum(low(k) for k in keys) for keys in config_keys]
        todo = [(lows[i], i) for i in range(len(lows)) if lows[i] < target]
        todo = [(lw, i) for lw, i in todo if any(k not in parts.solved for k in config_keys[i])]
        if not todo:
            break
        i = min(todo)[1]
        key = max((k for k in config_keys[i] if k not in parts.solved), key=lambda k: lp_of[k])
        parts.solve(key, deadline - time.perf_counter())
        if value(i) < best_value - 1e-9 * abs(best_value):
            best_value, best_config = value(i), i
    target = best_value * (1 - TARGET_SHARE * mip_rel_gap)
    lows = [sum(low(k) for k in keys) for keys in config_keys]
    bound = min([target, *lows])
    values = None
    if best_config is not None:
        values = np.zeros(model.n_cols)
        for key in config_keys[best_config]:
            bi, t, options = key
            values = np.maximum(values, parts.z_values(bi, options))
            cols = parts.where[(bi, t)][1]
            values[cols] = parts.solved[key][2]
        values = tidy(model, values)
    return ProofResult(
        bound,
        bool(all(lw >= target for lw in lows)),
        values,
        len(combos),
        tuple(len(lst) for lst in lists),
        lps,
        len(parts.solved) - reused,
        time.perf_counter() - began,
    )
