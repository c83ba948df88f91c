"""Figure benchmark: the CPU time of each figure job of a ward plan (`tuyensinh.plan.drawing`),
with the code of a base commit and with the working tree, alternately in the same run (issues
15 and 18: a ward's figures are drawn serially in a batch worker, next to the computation in a
plan).

    python -m benchmarks figures [--before REV] [--rounds 3] [--reps 2] [--ward phuoc_binh] [--lang vi] [--save DIR]

Each side runs in a process of its own with its `src/` on PYTHONPATH (the base's exported with
`git archive`): it loads the ward, computes the plan once, draws every figure once to warm up
(the first figure of a process pays the fonts' and modules' first use), then times each job
`--reps` times with `time.process_time()` inside `shared_text_metrics()`, as the drawing
processes run them. The sides alternate (base, new, new, base, …) for `--rounds` rounds; the
median CPU seconds per job, the total and the ratio new ÷ base are printed. `--save DIR` keeps
each side's files (DIR/before, DIR/after) to compare or look at.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _child(ward_name: str, lang: str, reps: int, save: str | None) -> None:
    """Time the figure jobs of one side (this process's code); print {job: [seconds, ...]} as JSON."""
    import time

    from tuyensinh.plan.compute import compute_plan
    from tuyensinh.plan.drawing import figure_jobs
    from tuyensinh.plan.pngs import shared_text_metrics
    from tuyensinh.plan.types import PlanSettings, Progress
    from tuyensinh.ward import load_ward

    ward = load_ward(REPO / "data" / "wards" / ward_name)
    plan = compute_plan(ward, PlanSettings(lang=lang), progress=Progress(False, lang))
    jobs = figure_jobs(plan)
    times: dict[str, list[float]] = {name: [] for name in jobs}
    with tempfile.TemporaryDirectory(prefix="tuyensinh-fig-bench-") as tmp:
        stage = Path(save) if save else Path(tmp)
        with shared_text_metrics():
            for rep in range(reps + 1):  # rep 0 warms up
                for name, job in jobs.items():
                    started = time.process_time()
                    pngs = job.run(plan, stage)
                    if rep:
                        times[name].append(time.process_time() - started)
                    elif save:
                        for key, data in pngs.items():
                            (stage / f"report_{key}.png").write_bytes(data)
    print(json.dumps(times))


def _export(rev: str, into: Path) -> Path:
    from benchmarks.plan_bench import export_src

    return export_src(rev, into)


def _run_side(src: Path, args: argparse.Namespace, save: Path | None) -> dict[str, list[float]]:
    env = dict(os.environ, PYTHONPATH=f"{src}{os.pathsep}{REPO}", MPLBACKEND="Agg")
    command = [sys.executable, "-m", "benchmarks.figures_bench", "--child", "--ward", args.ward, "--lang", args.lang]
    command += ["--reps", str(args.reps)] + (["--save", str(save)] if save else [])
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=str(REPO))
    if done.returncode != 0:
        raise SystemExit(f"figure timing failed with {src}:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks figures", description=__doc__.split("\n")[0])
    parser.add_argument("--before", default="main", help="base commit (default main)")
    parser.add_argument("--rounds", type=int, default=3, help="processes per side, alternating (default 3)")
    parser.add_argument("--reps", type=int, default=2, help="timed repetitions per process (default 2)")
    parser.add_argument("--ward", default="phuoc_binh", help="sample ward under data/wards (default phuoc_binh)")
    parser.add_argument("--lang", default="vi", choices=("vi", "en"))
    parser.add_argument("--save", help="keep each side's files under this folder (before/, after/)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.ward, args.lang, args.reps, args.save)
        return 0
    if not (REPO / "data" / "wards" / args.ward / "ward.toml").is_file():
        print(f"no sample ward {args.ward} under data/wards", file=sys.stderr)
        return 2
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(f"load average (1/5/15 min) at the start: {load}", flush=True)
    times: dict[str, dict[str, list[float]]] = {"before": {}, "after": {}}
    with tempfile.TemporaryDirectory(prefix="tuyensinh-fig-bench-") as tmp:
        sides = {"before": _export(args.before, Path(tmp) / "before_code"), "after": REPO / "src"}
        for i in range(args.rounds):
            for side in ("before", "after") if i % 2 == 0 else ("after", "before"):
                save = None
                if args.save and i == 0:
                    save = Path(args.save) / side
                    shutil.rmtree(save, ignore_errors=True)
                for name, values in _run_side(sides[side], args, save).items():
                    times[side].setdefault(name, []).extend(values)
                print(f"  round {i + 1} {side} done", flush=True)
    print(f"figure jobs of {args.ward} ({args.lang}): median CPU seconds of {args.rounds}×{args.reps} runs")
    print(f"  {'job':28s} {'before':>8s} {'after':>8s} {'ratio':>6s}")
    totals = {"before": 0.0, "after": 0.0}
    for name in times["before"]:
        row = {side: statistics.median(times[side].get(name, [float("nan")])) for side in totals}
        for side in totals:
            totals[side] += row[side]
        print(f"  {name:28s} {row['before']:8.3f} {row['after']:8.3f} {row['after'] / row['before']:5.2f}×")
    ratio = totals["after"] / totals["before"]
    print(f"  {'total':28s} {totals['before']:8.3f} {totals['after']:8.3f} {ratio:5.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
