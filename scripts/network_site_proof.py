"""Measure what step 4b, the proof over every site choice, needs on the ward entry-grade plan.

Not library code (docs/zoning-measurements.md, "The entry grades proven by branching on the sites"): it runs
the library's own steps (`zoning.network_proof`) on the benchmark's entry-grade ward instance
(`benchmarks.network_bench.ward_instance`) with no deadline and prints what each takes:

1. per level, the configurations whose priced LP g_l = v_l + λ·cost + μ·|C_l| may beat the
   plan (`list_configurations`), the LPs solved and the children that needed none;
2. the combinations within the budgets with Σ_l v_l < U' (`configurations_left`) and the
   distinct part MIPs (level, year, options open that year) they use;
3. the proof loop (`sites_proof`): the part MIPs it solved, the bound, a better plan if any;
4. with `--solve-all`, every part MIP of step 2 solved by HiGHS from no start, timed (the
   optimum of the configurations left and its bound).

Run: `PYTHONPATH=src:. nice -n 19 python scripts/network_site_proof.py [--upper 26221000]
[--solve-all] [--part-limit 20]` (without `--upper`, a 10 s plan is made first).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.network_bench import ward_instance, ward_model
from zoning.network_proof import (
    PART_GAP_SHARE,
    TARGET_SHARE,
    _Parts,
    configurations_left,
    list_configurations,
    part_keys,
    sites_proof,
)
from zoning.network_sites import budget_prices, solve_lp
from zoning.sites import plan_network

GAP = 1e-4
"""The relative gap proven (HiGHS's default)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--upper", type=float, default=None, help="U, pupil-m (default: a 10 s plan's objective)")
    parser.add_argument("--solve-all", action="store_true", help="also solve every part MIP the combinations use")
    parser.add_argument("--part-limit", type=float, default=20.0, help="seconds per part MIP with --solve-all")
    args = parser.parse_args(argv)
    nets, options = ward_instance(entry_grade=True)
    model = ward_model(nets, options)
    upper = args.upper
    if upper is None:
        t0 = time.perf_counter()
        plan = plan_network(nets, options=options, time_limit=8.5)
        assert plan.objective is not None
        upper = float(plan.objective)
        print(f"plan: {upper:,.0f} pupil-m in {time.perf_counter() - t0:.1f} s; bound {plan.bound:,.0f}")
    target = upper * (1 - TARGET_SHARE * GAP)
    t0 = time.perf_counter()
    lp, duals = solve_lp(model, time_limit=60)
    prices = budget_prices(model, duals)
    print(
        f"LP {lp.objective:,.0f} in {time.perf_counter() - t0:.2f} s; λ = {prices[0]:.3e} pupil-m/VND, "
        f"μ = {prices[1]:,.0f} pupil-m per site; U = {upper:,.0f}, U' = {target:,.0f}"
    )
    # step 1
    t0 = time.perf_counter()
    listing = list_configurations(model, prices, target, deadline=np.inf)
    assert listing is not None, "a level has no feasible configuration"
    print(
        f"step 1: min g_l per level {', '.join(f'{g:,.0f}' for g in listing.best)}; "
        f"{listing.lps} LPs in {time.perf_counter() - t0:.1f} s"
    )
    for bi, (found, (lps, kept, pruned)) in enumerate(zip(listing.lists, listing.level_counts, strict=True)):
        print(
            f"  level {bi} ({nets[bi].level}): {len(found)} configurations; {lps} LPs "
            f"({kept} children kept their parent's LP, {pruned} pruned by its duals)"
        )
    # step 2
    left = configurations_left(model, listing, prices, target)
    assert left is not None, "too many combinations"
    lists, combos = left
    used = [sorted({idx[bi] for *_, idx in combos}) for bi in range(len(lists))]
    keys = {key for bi, u in enumerate(used) for k in u for key in part_keys(model, bi, lists[bi][k][0])}
    print(
        f"step 2: {len(combos)} combinations within the budget with Σ v_l < U' (best Σ v_l "
        f"{min((c[0] for c in combos), default=np.inf):,.0f}); level configurations used "
        f"{', '.join(str(len(u)) for u in used)}; {len(keys)} distinct part MIPs"
    )
    # step 3
    proof = sites_proof(model, upper, prices, deadline=np.inf, mip_rel_gap=GAP, listing=listing)
    assert proof is not None
    better = "" if proof.values is None else f"; a better plan {model.objective(proof.values):,.0f}"
    print(
        f"step 3: {proof.part_mips} part MIPs, bound {proof.bound:,.0f}, "
        f"{'proven' if proof.proven else 'not proven'}{better}; {proof.seconds:.1f} s in all"
    )
    if args.solve_all:
        parts = _Parts(model, PART_GAP_SHARE * GAP)
        seconds = []
        for key in sorted(keys):
            t0 = time.perf_counter()
            parts.solve(key, args.part_limit)
            seconds.append(time.perf_counter() - t0)
        values = [sum(parts.solved[k][1] for k in combo_keys(model, lists, idx)) for *_, idx in combos]
        bounds = [sum(parts.solved[k][0] for k in combo_keys(model, lists, idx)) for *_, idx in combos]
        i = int(np.argmin(values))
        times = np.array(seconds)
        print(
            f"every part MIP: {len(times)} (cap {args.part_limit:g} s each); {times.sum():.1f} s, median "
            f"{np.median(times):.2f}, max {times.max():.2f}; the best combination {values[i]:,.0f} "
            f"(bound {bounds[i]:,.0f}); the next best bound {sorted(bounds)[1] if len(bounds) > 1 else np.inf:,.0f}"
        )
    return 0


def combo_keys(model, lists, idx: tuple[int, ...]) -> list:
    """The part keys of one combination (one configuration per level)."""
    return [key for bi, k in enumerate(idx) for key in part_keys(model, bi, lists[bi][k][0])]


if __name__ == "__main__":
    raise SystemExit(main())
