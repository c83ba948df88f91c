"""Every-grade ward parts proven by column generation over school patterns (zoning.part_columns).

    python -m benchmarks network-part [--limit S] [--parts 7,8,9,14] [--plan-limit 10] [--start FILE.npy]
    python -m benchmarks network-part --plans 10,60,120,300
    python -m benchmarks network-part --step4 30,60,150 [--plan-limit 30] [--variants highs,columns,columns2]

The ward instance's every-grade network (benchmarks.network_bench.ward_instance) is planned in
`--plan-limit` seconds; with the plan's sites fixed, each chosen level-year part (the
`model_parts` order: mầm non 2026–2030 = 0–4, tiểu học 5–9, THCS 10–14) is solved twice from
the plan's zoning within `--limit` seconds: by HiGHS alone (the baseline, as `solve_parts`
does) and by `prove_part` (the column bound, the restricted master MIP, HiGHS with the
Lagrangian cuts and the fixed pairs). Prints each one's objective, bound, gap and seconds, the
column bound and its stages, and the ratio of the seconds. `--start FILE.npy`: the plan's values
are read from the file when it exists (no planning), else saved there — the same plan for runs
to compare (a 10 s plan on the loaded machine may be another plan, with other parts).

`--plans L1,L2,…`: instead, the every-grade network planned once per time limit (seconds), each
plan's objective, its sites-fixed bound (the fixed columns' cost plus each part's bound, step
4), the parts proven (and how), the network gap reported, the seconds, and the load average.
`--step4 S1,S2,…`: instead, step 4 alone (`solve_parts`) from the plan's zoning, its sites fixed,
within each time: HiGHS alone, with the column generation (`columns_from=0`) and with it on
both cores (`beside`): the zoning, the sites-fixed bound, the parts proven, each part's outcome.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from benchmarks.network_bench import YEARS, ward_instance, ward_model
from zoning.network_parts import fixed_columns, model_parts, part_model, solve_parts
from zoning.network_proof import part_year
from zoning.part_columns import part_schools, prove_part
from zoning.sites import plan_network
from zoning.solve import relative_gap, solve_model


def _gap(objective: float | None, bound: float | None) -> str:
    gap = relative_gap(objective, bound)
    return "—" if gap is None else f"{100 * gap:.3f}%"


def _step4(model, start: np.ndarray, limits: list[float], variants: list[str]) -> int:
    """Step 4 (`solve_parts`) from the plan's zoning, its sites fixed, once per time limit: HiGHS
    alone (`columns_from=None`), with the column generation (`columns_from=0`), and with it on
    both cores (`beside=True`); `variants`: only those labels (all when empty)."""
    print("step 4 s | method | zoning × 10⁶ | sites-fixed bound × 10⁶ | gap | proven (by) | s | load")
    for limit in limits:
        for key, label, columns_from, beside in (
            ("highs", "HiGHS alone", None, False),
            ("columns", "columns", 0.0, False),
            ("columns2", "columns, 2 cores", 0.0, True),
        ):
            if variants and key not in variants:
                continue
            load = os.getloadavg()[0]
            t0 = time.perf_counter()
            out = solve_parts(model, start, time_limit=limit, columns_from=columns_from, beside=beside)
            seconds = time.perf_counter() - t0
            by: dict[str, int] = {}
            for method, status in zip(out.methods, out.statuses, strict=True):
                if status == "optimal":
                    by[method] = by.get(method, 0) + 1
            print(
                f"{limit:6.0f} | {label} | {out.objective / 1e6:.3f} | "
                f"{'—' if out.bound is None else f'{out.bound / 1e6:.3f}'} | {_gap(out.objective, out.bound)} | "
                f"{out.proven}/{out.parts} {by} | {seconds:.1f} | {load:.2f}–{os.getloadavg()[0]:.2f}",
                flush=True,
            )
            print(
                "        per part (objective/bound × 10⁶, s): "
                + "; ".join(
                    f"{k}:{m[0]}{'✓' if st == 'optimal' else ''} {c / 1e6:.3f}/{'—' if b is None else f'{b / 1e6:.3f}'} {s:.1f}"
                    for k, ((b, c), m, st, s) in enumerate(
                        zip(out.per_part, out.methods, out.statuses, out.seconds, strict=True)
                    )
                ),
                flush=True,
            )
    return 0


def planned(nets, options, limit: float, path: str) -> tuple[np.ndarray | None, float | None, float | None]:
    """The plan's (values, objective, bound): `plan_network` within `limit` seconds, saved at `path`
    (.npy) when given and new, or read from it (its objective from the model, no bound)."""
    if path and os.path.exists(path):
        values = np.load(path)
        model = ward_model(nets, options)
        return values, model.objective(values), None
    plan = plan_network(nets, options=options, time_limit=limit)
    if path and plan.values is not None:
        np.save(path, plan.values)
    return plan.values, plan.objective, plan.bound


def _millions(value: float | None) -> str:
    return "—" if value is None else f"{value / 1e6:.3f}"


def _plans(nets, options, limits: list[float]) -> int:
    """One every-grade plan per time limit: objective, sites-fixed bound, parts proven, gap, seconds."""
    print("limit s | plan × 10⁶ | sites-fixed bound × 10⁶ (gap) | parts proven (methods) | network gap | s | load")
    for limit in limits:
        load = os.getloadavg()[0]
        began = time.perf_counter()
        plan = plan_network(nets, options=options, time_limit=limit)
        seconds = time.perf_counter() - began
        st = plan.steps or {}
        fixed_bound = st.get("sites_fixed_bound")
        said = ", ".join(f"{v} {k}" for k, v in sorted((st.get("parts_proven_by") or {}).items()))
        objective = plan.objective if plan.objective is not None else float("nan")
        print(
            f"{limit:6.0f} | {objective / 1e6:.3f} | "
            f"{'—' if fixed_bound is None else f'{fixed_bound / 1e6:.3f}'} ({_gap(st.get('parts_objective'), fixed_bound)})"
            f" | {st.get('parts_proven', '—')}/{st.get('parts', '—')} ({said or '—'}) | "
            f"{_gap(plan.objective, plan.bound)} | {seconds:.1f} | {load:.2f}–{os.getloadavg()[0]:.2f}",
            flush=True,
        )
        print(
            f"        start {st.get('start_objective', float('nan')) / 1e6:.3f} × 10⁶ ready at "
            f"{st.get('start_ends_at', float('nan')):.1f} s; parts end at {st.get('parts_end_at', float('nan')):.1f} s"
            f" ({st.get('parts_objective', float('nan')) / 1e6:.3f}); zoning proven: {st.get('zoning_proven')}",
            flush=True,
        )
        detail = st.get("parts_detail") or []
        if detail:
            print(
                "        parts (method, ✓ proven, objective/bound × 10⁶, s): "
                + "; ".join(
                    f"{d['level']} {d['year']} {d['method']}{'✓' if d['status'] == 'optimal' else ''} "
                    f"{d['objective'] / 1e6:.3f}/{_millions(d['bound'])} {d['seconds']:.0f}"
                    for d in detail
                ),
                flush=True,
            )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks network-part", description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=float, default=60.0, help="seconds per part for each method")
    parser.add_argument("--parts", default="7,8,9,14", help="part indices (0–14), comma-separated, or 'all'")
    parser.add_argument("--plan-limit", type=float, default=10.0)
    parser.add_argument("--no-baseline", action="store_true", help="skip HiGHS alone (prove_part only)")
    parser.add_argument(
        "--step4",
        default="",
        help="seconds, comma-separated: step 4 (solve_parts) from the plan, HiGHS alone and with the column generation",
    )
    parser.add_argument(
        "--variants",
        default="",
        help="with --step4: highs, columns, columns2 (2 cores), comma-separated",
    )
    parser.add_argument("--plans", default="", help="time limits (s), comma-separated: plan once per limit")
    parser.add_argument("--start", default="", help="a .npy file: the plan read from it if it exists, else saved to it")
    args = parser.parse_args(argv)
    nets, options = ward_instance(entry_grade=False)
    if args.plans:
        return _plans(nets, options, [float(s) for s in args.plans.split(",")])
    began = time.perf_counter()
    start, objective, bound = planned(nets, options, args.plan_limit, args.start)
    if start is None or objective is None:
        print("no plan: nothing to prove")
        return 1
    print(
        f"plan in {time.perf_counter() - began:.1f} s: {objective / 1e6:.3f} × 10⁶ pupil-m "
        f"(bound {_gap(objective, bound)} below)"
    )
    model = ward_model(nets, options)
    if args.step4:
        variants = [v for v in args.variants.split(",") if v]
        return _step4(model, start, [float(s) for s in args.step4.split(",")], variants)
    fixed = fixed_columns(model)
    shift = model.matrix[:, fixed] @ np.round(start[fixed])
    parts = model_parts(model, fixed)
    chosen: list[int] | range
    chosen = range(len(parts)) if args.parts == "all" else [int(k) for k in args.parts.split(",")]
    level_names = [b.net.level for b in model.blocks]
    totals = {"highs": 0.0, "columns": 0.0}
    for k in chosen:
        rows, cols = parts[k]
        part = part_model(model, rows, cols, shift)
        found = part_year(model, cols)
        if found is None:
            continue
        level, year = found
        label = f"{k:2d} {level_names[level]} {YEARS[year]}"
        own = part.objective(start[cols])
        t0 = time.perf_counter()
        plain = (
            None
            if args.no_baseline
            else solve_model(part.as_matrix_model(), time_limit=args.limit, start=start[cols], mip_rel_gap=1e-4)
        )
        t_plain = time.perf_counter() - t0
        t0 = time.perf_counter()
        proof = prove_part(part, part_schools(model, cols, part), start[cols], time_limit=args.limit)
        t_cols = time.perf_counter() - t0
        totals["highs"] += t_plain
        totals["columns"] += t_cols
        root = proof.root
        lines = [f"part {label}: plan {own:,.0f}"]
        if plain is not None:
            lines.append(
                f"   HiGHS alone    {plain.objective or float('nan'):,.0f}  bound {plain.bound or float('nan'):,.0f}  "
                f"gap {_gap(plain.objective, plain.bound)}  {t_plain:.1f} s  {plain.status}"
            )
        ratio = "" if plain is None else f"  (ratio {t_cols / max(t_plain, 1e-9):.2f})"
        lines.append(
            f"   prove_part     {proof.objective:,.0f}  bound {proof.bound:,.0f}  gap {_gap(proof.objective, proof.bound)}  "
            f"{t_cols:.1f} s  {proof.status}{ratio}"
        )
        if root is None:
            lines.append(f"     proven by HiGHS's first slice ({proof.seconds[0]:.1f} s)")
        else:
            lines.append(
                f"     HiGHS's first slice {proof.seconds[0]:.1f} s; column bound {root.bound:,.0f} (relaxed "
                f"{root.relaxed_bound:,.0f}; {root.iterations[0]} + {root.iterations[1]} iterations, "
                f"{proof.seconds[1]:.1f} s); master MIP "
                f"{'—' if proof.master_ip is None else f'{proof.master_ip:,.0f}'} ({proof.seconds[2]:.1f} s); "
                f"{proof.fixed} pairs fixed; HiGHS after them {proof.seconds[3]:.1f} s"
            )
        print("\n".join(lines), flush=True)
    print(f"total: HiGHS alone {totals['highs']:.1f} s, prove_part {totals['columns']:.1f} s")
    return 0
