"""How fast the every-grade Lagrangian bound of the network model rises in its first seconds:
the bound as it is now against a baseline (the settings before), same run.

    python -m benchmarks network-lagrange [--limit 20] [--at 5,10,20] [--plans 10,20] [--repeat 1]
                                          [--entry-grade] [--no-plans] [--no-standalone]

The ward instance (`benchmarks.network_bench.ward_instance`, every grade unless `--entry-grade`);
its network LP is solved once; then `zoning.network_lagrange.network_bound` runs standalone
from the LP's duals for `--limit` seconds (one thread, this process), first with the baseline
settings (`BASELINE`: the module's constants before this benchmark's changes), then as it is.
Printed: each bound at each of `--at` seconds (wall-clock, then CPU seconds of this process:
steadier on a loaded machine), its rise above the LP, the difference (new − baseline) and the
ratio of the rises. Then, for each of `--plans` seconds, the planner
(`zoning.sites.plan_network`, the bound's child beside its steps) with the baseline settings,
then as it is: the bound it prints (the Lagrangian's), its steps and seconds, the plan and the
gap (with `--entry-grade` the planner runs no such child: "—"). `--repeat`: each pair that many
times. The machine's load (1/5/15 min) is printed beside each run: timings are noisy. The
baseline keeps the changes that are not settings (`zoning.lagrange.piece_solvers` without the
relaxed pieces' MIP objects).
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import numpy as np

from benchmarks.network_bench import ward_instance, ward_model
from zoning import network_lagrange
from zoning.network_sites import solve_lp
from zoning.sites import plan_network

BASELINE: dict[tuple[Any, str], Any] = {
    (network_lagrange, "RELAXED_PATIENCE"): None,
    (network_lagrange, "RELAXED_STALL_STEPS"): 3,
    (network_lagrange, "SEARCH_REUSE"): False,
}
"""The settings of the bound before (module, constant) → value."""


def _load() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


class _Patched:
    """The `BASELINE` settings while inside (when `on`)."""

    def __init__(self, on: bool) -> None:
        self.on = on
        self.saved: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> None:
        if self.on:
            for (module, key), value in BASELINE.items():
                self.saved.append((module, key, getattr(module, key)))
                setattr(module, key, value)

    def __exit__(self, *_exc: object) -> None:
        for module, key, value in self.saved:
            setattr(module, key, value)
        self.saved.clear()


def _at(history: list[tuple[float, float]], seconds: float) -> float:
    """The best bound reached by `seconds` (−inf before the first)."""
    reached = [bound for at, bound in history if at <= seconds]
    return max(reached) if reached else -np.inf


def _standalone(model, duals: np.ndarray, lp_bound: float, limit: float, baseline: bool) -> tuple[list, list, Any]:
    """The bound's history in wall seconds and in CPU seconds of this process, its result."""
    wall: list[tuple[float, float]] = [(0.0, lp_bound)]
    cpu: list[tuple[float, float]] = [(0.0, lp_bound)]
    with _Patched(baseline):
        t0, c0 = time.perf_counter(), time.process_time()

        def heard(bound: float, _first: float | None, _steps: int) -> None:
            wall.append((time.perf_counter() - t0, bound))
            cpu.append((time.process_time() - c0, bound))

        out = network_lagrange.network_bound(model, duals, deadline=t0 + limit, lp_bound=lp_bound, report=heard)
    return wall, cpu, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks network-lagrange", description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=float, default=20.0, help="seconds of each standalone bound")
    parser.add_argument("--at", default="5,10,20", help="seconds at which the standalone bounds are printed")
    parser.add_argument("--plans", default="10,20", help="the planner's time limits (seconds)")
    parser.add_argument("--no-plans", action="store_true", help="the standalone bounds only")
    parser.add_argument("--no-standalone", action="store_true", help="the planner's runs only")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (baseline then new, again)")
    parser.add_argument("--entry-grade", action="store_true", help="the entry grades only (default: every grade)")
    args = parser.parse_args(argv)
    checkpoints = [float(s) for s in args.at.split(",") if float(s) <= args.limit] or [args.limit]
    nets, options = ward_instance(entry_grade=args.entry_grade)
    model = ward_model(nets, options)
    lp, duals = solve_lp(model, time_limit=120.0)
    if duals is None or lp.objective is None:
        print("the network LP was not solved")
        return 1
    lp_bound = lp.objective
    print(f"ward instance, {'entry grades' if args.entry_grade else 'every grade'}; LP {lp_bound / 1e6:.4f} × 10⁶")
    if not args.no_standalone:
        for rep in range(args.repeat):
            runs = {}
            for label, baseline in (("baseline", True), ("new", False)):
                before = _load()
                runs[label] = _standalone(model, duals, lp_bound, args.limit, baseline)
                out = runs[label][2]
                print(
                    f"standalone bound {rep + 1}, {label}: {out.steps} steps in {out.seconds:.1f} s; "
                    f"load {before} → {_load()}",
                    flush=True,
                )
            for clock, which in (("wall s", 0), ("CPU s", 1)):
                print(
                    f"{clock:>6} | baseline × 10⁶ (over the LP) | new × 10⁶ (over the LP) | new − baseline | ratio of rises"
                )
                for at in checkpoints:
                    a, b = _at(runs["baseline"][which], at), _at(runs["new"][which], at)
                    ratio = (b - lp_bound) / max(a - lp_bound, 1e-9)
                    print(
                        f"{at:6.0f} | {a / 1e6:9.4f} ({(a - lp_bound) / 1e6:+.4f}) | {b / 1e6:9.4f} "
                        f"({(b - lp_bound) / 1e6:+.4f}) | {(b - a) / 1e6:+8.4f} | {ratio:6.2f}"
                    )
    if args.no_plans:
        return 0
    for limit in [float(s) for s in args.plans.split(",") if s for _ in range(args.repeat)]:
        printed: dict[str, float] = {}
        for label, baseline in (("baseline", True), ("new", False)):
            before = _load()
            with _Patched(baseline):
                began = time.perf_counter()
                plan = plan_network(nets, options=options, time_limit=limit)
                wall = time.perf_counter() - began
            cc = plan.steps.get("class_count_bound") or {}
            bound, first = cc.get("bound"), cc.get("first")
            printed[label] = bound if bound is not None else -np.inf
            gap = (
                float("nan")
                if plan.objective is None or bound is None
                else 100 * (plan.objective - bound) / plan.objective
            )
            print(
                f"plan {limit:g} s, {label}: Lagrangian bound "
                + ("—" if bound is None else f"{bound / 1e6:.4f}")
                + ("" if first is None else f" ({first / 1e6:.4f} at the LP duals)")
                + f" after {cc.get('steps', 0)} steps in {cc.get('seconds', 0.0):.1f} s "
                f"(child from {plan.steps.get('class_count_bound_from', float('nan')):.1f} s); "
                f"start {plan.steps.get('start_objective', float('nan')) / 1e6:.4f} at "
                f"{plan.steps.get('start_ends_at', float('nan')):.1f} s; "
                f"plan {(plan.objective or float('nan')) / 1e6:.4f}, gap to the bound {gap:.2f}%; "
                f"wall {wall:.1f} s; load {before} → {_load()}",
                flush=True,
            )
        print(f"plan {limit:g} s: bound new − baseline {(printed['new'] - printed['baseline']) / 1e6:+.4f} × 10⁶")
    return 0
