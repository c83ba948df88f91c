"""The CPU seconds of a ward plan's main process, with the code of a base commit and with the
working tree, alternately in the same run (issues 18 and 15).

    python -m benchmarks plan-cpu [--before REV] [--rounds 2] [--runs 3] [--ward phuoc_binh] [--lang vi]

`tuyensinh plan` draws its figures on two other processes while the main process loads the
ward, computes the plan and writes the tables, workbooks and report, so on a 2-core machine
every CPU second the main process saves shortens the run (and `tuyensinh batch` runs the same
code per ward). Each side runs in a child process with its `src/` on PYTHONPATH (the base's
exported with `git archive`): one warm-up `run_plan(ward, out, progress=False)` (imports, the
forecast's first fits), then `--runs` timed ones, each measured with `time.process_time()` in
that process — its own CPU, the drawing and accuracy processes it forks excluded. Sides
alternate (base, new, new, base, …) for `--rounds` rounds; the medians of all timed runs and
their ratio are printed. CPU seconds move less than wall times with the machine's load, but
still by ~10% when the other core is busy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.plan_bench import REPO, export_src

BEFORE = "b4febbe"
"""main's HEAD when the main process's CPU was cut (branch maincpu)."""

CHILD = """
import json, sys, tempfile, time
from pathlib import Path
from tuyensinh.plan.run import run_plan
ward, lang, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
out = Path(tempfile.mkdtemp(prefix="plan_cpu_"))
run_plan(ward, out / "warm", progress=False, lang=lang)
seconds = []
for i in range(runs):
    started = time.process_time()
    run_plan(ward, out / f"run{i}", progress=False, lang=lang)
    seconds.append(time.process_time() - started)
print(json.dumps(seconds))
"""


def side_seconds(src: Path, ward: Path, lang: str, runs: int) -> list[float]:
    """CPU seconds of the main process for `runs` warm plans with the code of `src`."""
    env = dict(os.environ, PYTHONPATH=str(src), MPLBACKEND="Agg")
    env.pop("TUYENSINH_FIGURE_WORKERS", None)
    with tempfile.TemporaryDirectory() as cwd:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(ward), lang, str(runs)], env=env, capture_output=True, text=True, cwd=cwd
        )
    if done.returncode != 0:
        raise SystemExit(f"plan failed with {src}:\n{done.stderr}")
    return [float(s) for s in json.loads(done.stdout.strip().splitlines()[-1])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks plan-cpu", description=__doc__.split("\n")[0])
    parser.add_argument("--before", default=BEFORE, help=f"base commit (default {BEFORE})")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of both sides (default 2)")
    parser.add_argument("--runs", type=int, default=3, help="timed plans per side and round (default 3)")
    parser.add_argument("--ward", default="phuoc_binh", help="sample ward under data/wards (default phuoc_binh)")
    parser.add_argument("--lang", default="vi", choices=("vi", "en"))
    args = parser.parse_args(argv)
    ward = REPO / "data" / "wards" / args.ward
    seconds: dict[str, list[float]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory() as tmp:
        sources = {"before": export_src(args.before, Path(tmp)), "after": REPO / "src"}
        for round_ in range(args.rounds):
            for side in ("before", "after") if round_ % 2 == 0 else ("after", "before"):
                taken = side_seconds(sources[side], ward, args.lang, args.runs)
                seconds[side] += taken
                print(f"  round {round_ + 1} {side:6s}: " + ", ".join(f"{s:.2f}" for s in taken) + " s CPU", flush=True)
    before, after = statistics.median(seconds["before"]), statistics.median(seconds["after"])
    print(
        f"main process of `tuyensinh plan` {args.ward} ({args.lang}), CPU seconds, median of {len(seconds['after'])}:"
    )
    print(f"  before ({args.before}): {before:.2f} s")
    print(f"  after (working tree): {after:.2f} s")
    print(f"  after - before: {after - before:+.2f} s ({after / before:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
