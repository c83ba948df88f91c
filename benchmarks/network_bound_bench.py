"""The network's bound over every site choice: column generation (zoning.network_columns) against
the subgradient Lagrangian (zoning.network_lagrange), same run, same seconds.

    python -m benchmarks network-bound [--limit 300] [--at 60,120,300] [--plan-limit 10]
                                       [--entry-grade] [--no-baseline] [--best PUPIL_M] [--start FILE.npy]

The ward instance (benchmarks.network_bench.ward_instance, every grade unless `--entry-grade`)
is planned in `--plan-limit` seconds (`plan_network`: its plan is the gap's numerator and its
zoning the first columns); the network LP is solved once (its duals start both bounds); then
the Lagrangian bound (`network_lagrange.network_bound`, the baseline) and the column bound
(`network_columns.network_column_bound`) each get `--limit` seconds, one after the other, one
thread. Printed: the column bound's stages, then at each of `--at` seconds each bound, the ratio
of the column bound's rise above the LP to the Lagrangian's, and the gap of this run's plan (and of
`--best`, a known plan's value: this run's plan is starved when the machine is loaded) against
each. `--start FILE.npy`: the plan read from the file when it exists, else saved there
(`network_part_bench.planned`: the same plan for runs to compare).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from benchmarks.network_bench import ward_instance, ward_model
from benchmarks.network_part_bench import planned
from zoning.network_columns import network_column_bound
from zoning.network_lagrange import network_bound
from zoning.network_sites import solve_lp


def _at(history: list[tuple[float, float]], seconds: float) -> float:
    """The best bound reached by `seconds` (−inf before the first)."""
    reached = [bound for at, bound in history if at <= seconds]
    return max(reached) if reached else -np.inf


def _load() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks network-bound", description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=float, default=300.0, help="seconds for each bound")
    parser.add_argument("--at", default="60,120,300", help="seconds at which the bounds are printed")
    parser.add_argument("--plan-limit", type=float, default=10.0)
    parser.add_argument("--entry-grade", action="store_true", help="the entry grades only (default: every grade)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the Lagrangian bound")
    parser.add_argument(
        "--best",
        type=float,
        default=None,
        help="a known plan's objective (pupil-m; e.g. 147.596e6, the every-grade 10 s plan's sites zoned to "
        "proven optimality by part_columns): its gap against each bound is printed too",
    )
    parser.add_argument("--start", default="", help="a .npy file: the plan read from it if it exists, else saved to it")
    args = parser.parse_args(argv)
    checkpoints = [float(s) for s in args.at.split(",") if float(s) <= args.limit] or [args.limit]
    nets, options = ward_instance(entry_grade=args.entry_grade)
    print(f"ward instance, {'entry grades' if args.entry_grade else 'every grade'}; load {_load()}", flush=True)
    began = time.perf_counter()
    values, objective, bound = planned(nets, options, args.plan_limit, args.start)
    if objective is None or values is None:
        print("no plan")
        return 1
    print(
        f"plan in {time.perf_counter() - began:.1f} s: {objective / 1e6:.4f} × 10⁶ pupil-m "
        f"(its own bound {(bound or float('nan')) / 1e6:.4f})",
        flush=True,
    )
    model = ward_model(nets, options)
    t0 = time.perf_counter()
    lp, duals = solve_lp(model, time_limit=120.0)
    if duals is None or lp.objective is None:
        print("the network LP was not solved")
        return 1
    print(f"network LP {lp.objective / 1e6:.4f} × 10⁶ in {time.perf_counter() - t0:.1f} s", flush=True)
    lagrange: list[tuple[float, float]] = [(0.0, lp.objective)]
    if not args.no_baseline:
        t0 = time.perf_counter()

        def heard(bound: float, _first: float | None, _steps: int) -> None:
            lagrange.append((time.perf_counter() - t0, bound))

        out = network_bound(model, duals, deadline=t0 + args.limit, lp_bound=lp.objective, report=heard)
        if out.bound is not None:
            lagrange.append((time.perf_counter() - t0, out.bound))
        print(f"Lagrangian bound: {max(b for _a, b in lagrange) / 1e6:.4f} × 10⁶, {out.steps} steps; load {_load()}")
    t0 = time.perf_counter()
    columns = network_column_bound(
        model, deadline=t0 + args.limit, start=values, row_duals=duals, lp_bound=lp.objective
    )
    history = list(columns.history)
    print(
        f"column bound: {columns.bound / 1e6:.4f} × 10⁶ in {columns.seconds:.1f} s; {columns.states} states, "
        f"{columns.iterations[0]} relaxed + {columns.iterations[1]} whole iterations; Dantzig–Wolfe (θ_LP) "
        f"{columns.dantzig_wolfe / 1e6:.4f}, master {columns.master / 1e6:.4f}, after the relaxed stage "
        f"{columns.relaxed_bound / 1e6:.4f}; load {_load()}",
        flush=True,
    )
    best = objective if args.best is None else min(args.best, objective)
    print(
        "     s | Lagrangian | column bound | rise over the LP, columns ÷ Lagrangian | this run's plan above: "
        "Lagrangian, columns | the best plan above: Lagrangian, columns"
    )
    for at in checkpoints:
        a, b = _at(lagrange, at), _at(history, at)
        ratio = (b - lp.objective) / max(a - lp.objective, 1e-9) if not args.no_baseline else float("nan")
        print(
            f"{at:6.0f} | {a / 1e6:10.4f} | {b / 1e6:12.4f} | {ratio:8.2f} | "
            f"{100 * (objective - a) / objective:6.3f}%, {100 * (objective - b) / objective:6.3f}% | "
            f"{100 * (best - a) / best:6.3f}%, {100 * (best - b) / best:6.3f}%"
        )
    return 0
