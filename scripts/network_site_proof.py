"""Measure what a proof of the ward entry-grade network plan by branching on the sites needs.

Not library code (docs/zoning.md, "Still not proven, and why"). Given the sites, every row of
the network model but the budget involves one level, so the sites-fixed LP is Σ_l v_l(C_l)
(C_l: the option opened at each of level l's sites, or none) and the sites-fixed MIP is
Σ_l Σ_t V_{l,t}(C_l) (the parts of `zoning.network_parts`). A plan of value U is proven
optimal when every budget-feasible configuration C = (C_1, C_2, C_3) has a lower bound
≥ U·(1 − 1e-4). This script:

1. per level, a branch-and-bound over the level's sites (children of a node: the branched
   site shut, or open with each of its options; the node's bound: the level's LP with the
   fixed sites' z fixed and the free sites' z in [0, 1], its objective raised by λ·cost of
   each option, λ ≥ 0 the LP's dual price of the money budget) lists every configuration
   C_l with g_l(C_l) = v_l(C_l) + λ·cost(C_l) < U' + λ·B − Σ_{k≠l} min g_k (U' = U(1 − 1e-4)):
   any budget-feasible C with Σ v_l < U' has every C_l in these lists (Σ_l g_l ≤ Σ v + λB);
2. the lists combined exactly (budget and Σ v_l < U'): the configurations left;
3. the part MIPs those configurations need, keyed by (level, year, the options open that
   year), counted, and a sample (or all, `--solve-parts`) solved by HiGHS to time them.

The library's step 4b (`zoning.network_proof.sites_proof`) runs the same algorithm inside
`solve_network_model` (reusing step 4's parts, its target U·(1 − 0.9γ)); this script keeps
the measurement: `--order` compares branching orders, `--solve-all` solves every part MIP the
configurations left use (the entry grades' optimum and its bound).

Run: `PYTHONPATH=src:. nice -n 19 python scripts/network_site_proof.py [--upper 26221000] [--order column]
[--solve-all] [--part-limit 20]` (without `--upper`, a 10 s plan is made first).
"""

from __future__ import annotations

import argparse
import itertools
import pickle
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.network_bench import ward_instance
from zoning.constraints import pair_rules
from zoning.network_model import NetworkModel
from zoning.network_parts import fixed_columns, model_parts, part_model
from zoning.network_sites import _LevelLP, budget_prices, solve_lp
from zoning.sites import build_network_model, plan_network
from zoning.solve import solve_model

DUAL_SLACK = 1e-7
"""Relative margin above the threshold for a dual-bound prune (HiGHS's reduced costs are within its tolerances)."""
MAX_NODES = 40_000
"""Nodes per level's enumeration before giving up."""

Config = tuple[tuple[int, int], ...]
"""A level's configuration: sorted (site column, option) of the sites open."""


class LevelBB:
    """Level `bi`'s LP with the free sites' z relaxed; λ·cost added to each option's z[o, T].

    A node's LP is skipped when its parent's solution fits its bounds (same value), and
    pruned without an LP when its parent's dual bound at the child's bounds,
        θ = parent + Σ_j [min(d_j·lo'_j, d_j·hi'_j) − min(d_j·lo_j, d_j·hi_j)]
    (d: the parent's reduced costs of the z columns; weak duality), reaches the threshold."""

    def __init__(self, model: NetworkModel, bi: int, money_price: float, order: str = "column") -> None:
        b = model.blocks[bi]
        self.lp = _LevelLP(model, b)
        net = b.net
        self.net, self.T = net, net.shape[2]
        self.sites = [int(j) for j in np.flatnonzero(net.kind == "candidate")]
        self.options = {j: [int(o) for o in np.flatnonzero(net.option_school == j)] for j in self.sites}
        self.cost = net.option_cost
        self.price = money_price
        last = self.lp.z_cols.reshape(-1, self.T)[:, -1]
        base = model.cost[b.z0 + np.arange(len(net.option_school)) * self.T + self.T - 1]
        self.lp.h.changeColsCost(len(last), last.astype(np.int32), base + money_price * net.option_cost)
        self.lps = 0
        self.skipped = 0  # children whose parent's solution fits: no LP
        self.dual_pruned = 0  # children pruned by the parent's dual bound: no LP
        self.lp_seconds = 0.0
        self.nodes: dict[frozenset, tuple] = {}  # fixed → (value, z, d, lo, hi)
        if order != "column":  # by the root LP's opening
            z = self.record({})[1].reshape(-1, self.T)[:, -1]
            sign = -1.0 if order == "lp_desc" else 1.0
            self.sites.sort(key=lambda j: sign * float(z[self.options[j]].sum()))

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
        """(value, z, d, lo, hi) of the node: min g_l over the configurations with `fixed`
        (site → option, −1 shut), the other sites free (z in [0, 1]), by an LP."""
        key = frozenset(fixed.items())
        if key not in self.nodes:
            lo, hi = self.bounds(fixed)
            t0 = time.perf_counter()
            h = self.lp.h
            h.changeColsBounds(len(self.lp.z_cols), self.lp.z_cols, lo, hi)
            h.run()
            self.lps += 1
            self.lp_seconds += time.perf_counter() - t0
            ok = h.getModelStatus() == self.lp.optimal
            value = float(h.getInfo().objective_function_value) if ok else np.inf
            sol = h.getSolution()
            z = np.asarray(sol.col_value)[self.lp.z_cols] if ok else lo
            d = np.asarray(sol.col_dual)[self.lp.z_cols] if ok else np.zeros_like(lo)
            self.nodes[key] = (value, z, d, lo, hi)
        return self.nodes[key]

    def child(self, parent: tuple, fixed: dict[int, int], threshold: float) -> tuple | None:
        """The child's record; None when the parent's dual bound prunes it (≥ threshold)."""
        key = frozenset(fixed.items())
        if key in self.nodes:
            return self.nodes[key]
        value, z, d, lo, hi = parent
        if not np.isfinite(value):
            return None
        lo2, hi2 = self.bounds(fixed)
        if (z >= lo2 - 1e-9).all() and (z <= hi2 + 1e-9).all():
            self.skipped += 1
            self.nodes[key] = (value, z, d, lo2, hi2)
            return self.nodes[key]
        dual = value + float((np.minimum(d * lo2, d * hi2) - np.minimum(d * lo, d * hi)).sum())
        if dual >= threshold + DUAL_SLACK * abs(threshold):
            self.dual_pruned += 1
            return None
        return self.record(fixed)

    def money(self, config: Config) -> float:
        return float(sum(self.cost[o] for _, o in config))

    def enumerate(self, threshold: float) -> tuple[list[tuple[Config, float]], int]:
        """Every full configuration with g_l < threshold (depth first; sites in order) and
        the number of nodes."""
        found: list[tuple[Config, float]] = []
        nodes = 0

        def visit(fixed: dict[int, int], rec: tuple) -> None:
            nonlocal nodes
            nodes += 1
            if nodes > MAX_NODES:
                raise RuntimeError(f"more than {MAX_NODES} nodes ({len(found)} configurations so far)")
            if rec[0] >= threshold:
                return
            if len(fixed) == len(self.sites):
                found.append((tuple(sorted((j, o) for j, o in fixed.items() if o >= 0)), rec[0]))
                return
            j = self.sites[len(fixed)]
            for o in [-1, *self.options[j]]:
                child = {**fixed, j: o}
                crec = self.child(rec, child, threshold)
                if crec is not None:
                    visit(child, crec)

        visit({}, self.record({}))
        return found, nodes

    def best(self) -> float:
        """min g_l over every configuration (best-first branch-and-bound; a child enters the
        heap with its parent's dual bound and is solved when it comes out first)."""
        import heapq

        tie = itertools.count()
        heap: list = [(self.record({})[0], next(tie), {}, True)]
        while heap:
            value, _, fixed, exact = heapq.heappop(heap)
            if not exact:
                heapq.heappush(heap, (self.record(fixed)[0], next(tie), fixed, True))
                continue
            if len(fixed) == len(self.sites):
                return value
            rec = self.record(fixed)
            j = self.sites[len(fixed)]
            for o in [-1, *self.options[j]]:
                child = {**fixed, j: o}
                if frozenset(child.items()) in self.nodes:
                    heapq.heappush(heap, (self.nodes[frozenset(child.items())][0], next(tie), child, True))
                    continue
                lo2, hi2 = self.bounds(child)
                v, z, d, lo, hi = rec
                if (z >= lo2 - 1e-9).all() and (z <= hi2 + 1e-9).all():
                    self.skipped += 1
                    self.nodes[frozenset(child.items())] = (v, z, d, lo2, hi2)
                    heapq.heappush(heap, (v, next(tie), child, True))
                    continue
                dual = v + float((np.minimum(d * lo2, d * hi2) - np.minimum(d * lo, d * hi)).sum())
                heapq.heappush(heap, (dual, next(tie), child, False))
        return float("inf")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--upper", type=float, default=None, help="U, pupil-m (default: a 10 s plan's objective)")
    parser.add_argument("--solve-all", action="store_true", help="also solve every part MIP the survivors use")
    parser.add_argument("--part-limit", type=float, default=20.0)
    parser.add_argument("--order", choices=["column", "lp_desc", "lp_asc"], default="column")
    parser.add_argument("--save", default="/tmp/network_site_proof.pkl")
    args = parser.parse_args(argv)
    nets, options = ward_instance(entry_grade=True)
    rules = [pair_rules(net, None, k_nearest=options.k_nearest) for net in nets]
    model = build_network_model(nets, rules, options)
    upper = args.upper
    if upper is None:
        t0 = time.perf_counter()
        plan = plan_network(nets, options=options, time_limit=8.5)
        assert plan.objective is not None
        upper = float(plan.objective)

        print(f"plan: {upper:,.0f} pupil-m in {time.perf_counter() - t0:.1f} s; bound {plan.bound:,.0f}")
    target = upper * (1 - 1e-4)
    budget = float(options.budget or np.inf)
    t0 = time.perf_counter()
    lp, duals = solve_lp(model, time_limit=60)
    money_price, _ = budget_prices(model, duals)
    print(
        f"LP {lp.objective:,.0f} in {time.perf_counter() - t0:.2f} s; λ = {money_price:.3e} pupil-m/VND; "
        f"budget {budget / 1e9:,.1f} bn VND; U = {upper:,.0f}, U' = {target:,.0f}"
    )
    levels = [LevelBB(model, bi, money_price, args.order) for bi in range(len(model.blocks))]
    t0 = time.perf_counter()
    best = [lv.best() for lv in levels]
    print(
        "min g_l = v_l + λ·cost per level: "
        + ", ".join(f"{g:,.0f}" for g in best)
        + f"; Σ − λB = {sum(best) - money_price * budget:,.0f} (a Lagrangian whole-sites bound); "
        f"{sum(lv.lps for lv in levels)} LPs, {time.perf_counter() - t0:.1f} s"
    )
    lists = []
    for bi, lv in enumerate(levels):
        threshold = target + money_price * budget - (sum(best) - best[bi])
        before = lv.lps
        t0 = time.perf_counter()
        found, nodes = lv.enumerate(threshold)
        lists.append([(c, g - money_price * lv.money(c), lv.money(c)) for c, g in found])
        print(
            f"level {bi} ({nets[bi].level}): {len(lv.sites)} sites; slack {threshold - best[bi]:,.0f}; "
            f"{len(found)} configurations with g_l < threshold; {nodes} nodes, {lv.lps - before} LPs "
            f"(in all {lv.skipped} children kept their parent's LP, {lv.dual_pruned} pruned by its duals), "
            f"{time.perf_counter() - t0:.1f} s (LP {lv.lp_seconds / max(lv.lps, 1) * 1e3:.1f} ms each)"
        )
    # exact combination: budget and Σ v_l < U'
    t0 = time.perf_counter()
    v = [np.array([x[1] for x in lst]) for lst in lists]
    m = [np.array([x[2] for x in lst]) for lst in lists]
    v01 = (v[0][:, None] + v[1][None, :]).ravel()
    m01 = (m[0][:, None] + m[1][None, :]).ravel()
    keep = v01 + v[2].min() < target
    idx01 = np.flatnonzero(keep)
    survivors = []
    for k in idx01:
        ok = (m01[k] + m[2] <= budget * (1 + 1e-9) + 1e-6) & (v01[k] + v[2] < target)
        for c in np.flatnonzero(ok):
            survivors.append((k // len(v[1]), k % len(v[1]), int(c), v01[k] + v[2][c]))
    survivors.sort(key=lambda s: s[3])
    print(
        f"configurations within the budget with Σ v_l < U': {len(survivors)} "
        f"(combined in {time.perf_counter() - t0:.2f} s); best Σ v_l "
        + ("—" if not survivors else f"{survivors[0][3]:,.0f}")
    )
    used = [sorted({s[bi] for s in survivors}) for bi in range(3)]
    print("level configurations used by them: " + ", ".join(str(len(u)) for u in used))
    # the part MIPs they need: (level, year, options open that year)
    T = nets[0].shape[2]
    keys: dict[tuple, tuple[int, int]] = {}
    for bi, u in enumerate(used):
        net = nets[bi]
        for index in map(int, u):
            config = lists[bi][index][0]
            for t in range(T):
                key = (bi, t, tuple(sorted(o for _, o in config if net.option_first[o] <= t)))
                keys.setdefault(key, (bi, index))
    per_level = [sum(1 for key in keys if key[0] == bi) for bi in range(3)]
    print(f"distinct part MIPs (level, year, options open): {len(keys)} (per level {per_level})")
    config_parts = [
        [
            (bi, t, tuple(sorted(o for _, o in lists[bi][sv[bi]][0] if nets[bi].option_first[o] <= t)))
            for bi in range(3)
            for t in range(T)
        ]
        for sv in survivors
    ]
    parts = Parts(model, args.part_limit)
    prove(parts, config_parts, upper)
    if args.solve_all:
        for key in keys:
            parts.mip(key)
        times = np.array([r[3] for r in parts.solved.values()])
        print(
            f"every part MIP: {len(times)} (cap {args.part_limit:g} s each), "
            f"proven {sum(r[4] for r in parts.solved.values())}; seconds {times.sum():.1f}, "
            f"median {np.median(times):.2f}, max {times.max():.2f}"
        )
        with open(args.save, "wb") as fh:
            pickle.dump({"survivors": survivors, "config_parts": config_parts, "solved": parts.solved}, fh)
        report(survivors, config_parts, parts.solved, target)
    return 0


class Parts:
    """The part MIPs (level, year, options open that year), solved once each by HiGHS from no
    start, to `mip_rel_gap`: key → (LP value, MIP bound, MIP objective, seconds, proven)."""

    def __init__(self, model: NetworkModel, limit: float) -> None:
        self.model, self.limit = model, limit
        self.fixed = fixed_columns(model)
        self.owner = {}
        for rows, cols in model_parts(model, self.fixed):
            c = int(cols[0])
            for bi, blk in enumerate(model.blocks):
                if blk.x0 <= c < blk.z0:
                    self.owner[(bi, (c - blk.x0) % blk.net.shape[2])] = (rows, cols)
        self.lps: dict[tuple, float] = {}
        self.solved: dict[tuple, tuple[float, float, float, float, bool]] = {}
        self.lp_seconds = 0.0

    def _part(self, key: tuple):
        bi, t, opts = key
        model = self.model
        blk = model.blocks[bi]
        T = blk.net.shape[2]
        values = np.zeros(model.n_cols)
        for o in opts:
            values[blk.z0 + o * T + int(blk.net.option_first[o]) : blk.z0 + (o + 1) * T] = 1.0
        rows, cols = self.owner[(bi, t)]
        shift = model.matrix[:, self.fixed] @ values[self.fixed]
        # ε·cost of the options open at T, carried by the last year's part
        extra = float(model.cost[self.fixed] @ values[self.fixed]) if t == T - 1 else 0.0
        part = part_model(model, rows, cols, shift)
        return part, extra

    def lp(self, key: tuple) -> float:
        """The part's LP value (in a library step: read from the level's LP solution, which is
        separable by year once the sites are fixed)."""
        if key not in self.lps:
            t0 = time.perf_counter()
            part, extra = self._part(key)
            out = solve_model(part.as_matrix_model(), relax=True, time_limit=self.limit)
            self.lps[key] = (np.inf if out.objective is None else float(out.objective)) + extra
            self.lp_seconds += time.perf_counter() - t0
        return self.lps[key]

    def mip(self, key: tuple) -> tuple[float, float, float, float, bool]:
        if key not in self.solved:
            part, extra = self._part(key)
            t0 = time.perf_counter()
            out = solve_model(part.as_matrix_model(), time_limit=self.limit, mip_rel_gap=1e-4)
            seconds = time.perf_counter() - t0
            lp = self.lp(key)
            bound = lp if out.bound is None else max(float(out.bound) + extra, lp)
            value = np.inf if out.objective is None else float(out.objective) + extra
            self.solved[key] = (lp, bound, value, seconds, out.status == "optimal")
        return self.solved[key]

    def low(self, key: tuple) -> float:
        """The part's best lower bound known: its MIP bound when solved, else its LP."""
        return self.solved[key][1] if key in self.solved else self.lp(key)


def prove(parts: Parts, config_parts: list[list[tuple]], upper: float) -> None:
    """A proof as a library step would run it (no oracle): while some surviving configuration
    has a lower bound (Σ of its parts' MIP bounds, or LPs where unsolved) below U', solve the
    unsolved part of the least-bounded one with the largest LP value (the whole-quarter gap is
    about a constant share of a part's value); a configuration whose parts are all solved gives
    a plan (Σ of the MIP objectives) and may lower U."""
    t0 = time.perf_counter()
    best_value, best_config = upper, None
    while True:
        target = best_value * (1 - 1e-4)
        lows = [sum(parts.low(k) for k in keys) for keys in config_parts]
        open_ = [i for i, low in enumerate(lows) if low < target]
        candidates = [(lows[i], i) for i in open_ if any(k not in parts.solved for k in config_parts[i])]
        if not candidates:
            break
        i = min(candidates)[1]
        key = max((k for k in config_parts[i] if k not in parts.solved), key=parts.lp)
        parts.mip(key)
        if all(k in parts.solved for k in config_parts[i]):
            value = sum(parts.solved[k][2] for k in config_parts[i])
            if value < best_value:
                best_value, best_config = value, i
    lows = [sum(parts.low(k) for k in keys) for keys in config_parts]
    mip_seconds = sum(r[3] for r in parts.solved.values())
    target = best_value * (1 - 1e-4)
    print(
        f"proof loop: {len(parts.solved)} part MIPs ({mip_seconds:.1f} s, "
        f"{sum(r[4] for r in parts.solved.values())} proven), {len(parts.lps)} part LPs ({parts.lp_seconds:.1f} s); "
        f"{time.perf_counter() - t0:.1f} s in all; best plan {best_value:,.0f} "
        f"({'the given U' if best_config is None else f'configuration {best_config}'}); "
        f"lower bound {min([best_value, *lows]):,.0f}; configurations left below U': "
        f"{sum(low < target for low in lows)}"
    )


def report(survivors, config_parts, solved, target: float) -> None:
    """Per surviving configuration: Σ of its parts' LP values, MIP bounds and MIP values."""
    done = [all(k in solved for k in cp) for cp in config_parts]
    rows = []
    for s, cp, ok in zip(survivors, config_parts, done, strict=True):
        if not ok:
            continue
        keys = cp
        lp = sum(solved[k][0] for k in keys)
        bound = sum(solved[k][1] for k in keys)
        value = sum(solved[k][2] for k in keys)
        rows.append((s[3], lp, bound, value))
    if not rows:
        return
    arr = np.array(rows)
    print(f"configurations with every part solved: {len(arr)} of {len(survivors)}")
    print(f"  Σ v_l (level LPs) vs Σ part LPs: max |diff| {np.abs(arr[:, 0] - arr[:, 1]).max():,.1f}")
    print(f"  excluded by their parts' MIP bounds (≥ U'): {(arr[:, 2] >= target).sum()}")
    best = arr[np.argmin(arr[:, 3])]
    print(f"  best zoning over them: {best[3]:,.0f} (its bound {best[2]:,.0f}); least bound {arr[:, 2].min():,.0f}")
    for r in arr[np.argsort(arr[:, 3])][:10]:
        print(f"    Σ v {r[0]:,.0f}  MIP bound {r[2]:,.0f}  MIP value {r[3]:,.0f}")


if __name__ == "__main__":
    raise SystemExit(main())
