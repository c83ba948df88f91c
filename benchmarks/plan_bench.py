"""Ward plan benchmark: `tuyensinh plan` on a sample ward with the code of a base commit and with
the working tree, timed alternately in the same run (issue 18: target ≤ 0.50× the base's time).

    python -m benchmarks plan [--before REV] [--pairs 3] [--ward phuoc_binh] [--lang vi]

The base's `src/` is exported with `git archive` into a temporary folder; each run is a whole
`python -m tuyensinh.cli plan WARD --out DIR -q` process with that side's code on PYTHONPATH
(interpreter start, imports, the plan, every output written), as a planner runs it. The sides
alternate (base, new, new, base, base, new, …) so that a change of the machine's load hits
both; the medians of the wall times and their ratio are printed, with the CPU seconds of each
run (user + system, the process and its children: the new code draws its figures on two
processes, so its CPU time may exceed its wall time) and the load average before and after
(the machine is shared: a load above ~0.5 makes the wall times noisy, the CPU seconds less so).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BEFORE = "c9839958ae848da89b2d8d17817160edb97ea5bd"
"""main's HEAD when the work on issue 18's ward-plan target started (the "today" of the issue)."""
TARGET = 0.50


def export_src(rev: str, into: Path) -> Path:
    """`src/` of commit `rev` extracted under `into` (returns the src folder)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "src"], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(src: Path, ward: Path, out: Path, lang: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `tuyensinh plan` process with the code of `src`."""
    env = dict(os.environ, PYTHONPATH=str(src), MPLBACKEND="Agg")
    env.pop("TUYENSINH_FIGURE_WORKERS", None)
    command = [sys.executable, "-m", "tuyensinh.cli", "plan", str(ward), "--out", str(out), "--lang", lang, "-q"]
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=str(out.parent))
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"plan failed with {src}:\n{done.stderr}")
    return wall, _children_cpu() - cpu


def _load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks plan", description=__doc__.split("\n")[0])
    parser.add_argument("--before", default=BEFORE, help=f"base commit (default {BEFORE[:10]}, issue 18's 'today')")
    parser.add_argument("--pairs", type=int, default=3, help="runs of each side (default 3)")
    parser.add_argument("--ward", default="phuoc_binh", help="sample ward under data/wards (default phuoc_binh)")
    parser.add_argument("--lang", default="vi", choices=("vi", "en"))
    args = parser.parse_args(argv)
    ward = REPO / "data" / "wards" / args.ward
    if not (ward / "ward.toml").is_file():
        print(f"no sample ward {ward}", file=sys.stderr)
        return 2
    print(
        f"machine: {os.cpu_count()} cores; load average (1/5/15 min) at the start: {_load()}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="tuyensinh-plan-bench-") as tmp:
        work = Path(tmp)
        sides = {"before": export_src(args.before, work / "before_code"), "after": REPO / "src"}
        times: dict[str, list[tuple[float, float]]] = {side: [] for side in sides}
        for i in range(args.pairs):
            order = ("before", "after") if i % 2 == 0 else ("after", "before")
            for side in order:
                out = work / f"out_{side}"
                wall, cpu = run_once(sides[side], ward, out, args.lang)
                times[side].append((wall, cpu))
                print(f"  run {i + 1} {side:6s}: {wall:6.2f} s wall, {cpu:6.2f} s CPU", flush=True)
    before = statistics.median(w for w, _ in times["before"])
    after = statistics.median(w for w, _ in times["after"])
    cpu_before = statistics.median(c for _, c in times["before"])
    cpu_after = statistics.median(c for _, c in times["after"])
    ratio = after / before
    print(f"`tuyensinh plan` {args.ward} ({args.lang}), median of {args.pairs} runs each:")
    print(f"  before ({args.before[:10]}): {before:.2f} s wall, {cpu_before:.2f} s CPU")
    print(f"  after (working tree):  {after:.2f} s wall, {cpu_after:.2f} s CPU")
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(
        f"  ratio after / before: {ratio:.2f}× wall (target ≤ {TARGET:.2f}×: {verdict}), {cpu_after / cpu_before:.2f}× CPU"
    )
    print(f"load average at the end: {_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
