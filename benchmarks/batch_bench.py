"""Province batch benchmark: the sample province (Ho Chi Minh City's real ward outlines, small
synthetic wards) planned by `tuyensinh batch` on a local Dask cluster, against the serial shell
loop of `tuyensinh plan` measured in the same run.

Measured, each on a fresh output folder, with the plan's default settings:
1. baseline: the serial loop `for ward in wards: python -m tuyensinh.cli plan ward --out ...`
   (one process per ward, as a shell loop does; `--serial-wards K` times only the first K wards
   and scales the mean to all of them — printed as extrapolated);
2. batch with 1 worker and with 2 workers (`--workers-list`): wall time including the cluster
   start and the roll-up; speed-up 1 → 2 workers (target ≥ 1.8×) and 2 workers ÷ serial loop
   (target ≤ 0.6×); peak resident memory of each worker process;
3. the rerun with nothing changed (same output folder): target ≤ 5% of the first run.

    python -m benchmarks batch [--wards N] [--serial-wards K] [--workers-list 1,2] [--cache DIR]

The sample province is generated once into --cache (default out/bench_province_<N>/) and reused.
The machine is shared: timings are noisy, so only the ratios within one run mean much.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _serial_loop(folders: list[Path], out: Path, count: int) -> tuple[float, int]:
    """Seconds of `tuyensinh plan` run one ward after another in fresh processes."""
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    started = time.perf_counter()
    for folder in folders[:count]:
        subprocess.run(
            [sys.executable, "-m", "tuyensinh.cli", "plan", str(folder), "--out", str(out / folder.name), "--quiet"],
            check=False,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return time.perf_counter() - started, min(count, len(folders))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks batch", description=__doc__.split("\n")[0])
    parser.add_argument("--wards", type=int, default=168, help="wards of the sample province (default all 168)")
    parser.add_argument(
        "--serial-wards",
        type=int,
        default=None,
        help="time the serial loop on the first K wards only and extrapolate (default: all)",
    )
    parser.add_argument("--workers-list", default="1,2", help="worker counts to run (default 1,2)")
    parser.add_argument("--cache", type=Path, default=None, help="folder of the generated sample province")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder for outputs (deleted after)")
    args = parser.parse_args(argv)

    os.environ.setdefault("MPLBACKEND", "Agg")
    from tuyensinh.province.batch import run_batch
    from tuyensinh.province.sample import ensure_sample_province

    cache = args.cache or REPO / "out" / f"bench_province_{args.wards}"
    t0 = time.perf_counter()
    folders = ensure_sample_province(cache, wards=args.wards)
    print(
        f"sample province: {len(folders)} wards in {cache} ({time.perf_counter() - t0:.1f} s to generate or find)",
        flush=True,
    )
    if hasattr(os, "getloadavg"):
        print(
            f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start "
            "(other users' processes share the cores)",
            flush=True,
        )
    work = args.work or REPO / "out" / "bench_batch_work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        k = args.serial_wards or len(folders)
        serial_s, timed = _serial_loop(folders, work / "serial", k)
        serial_all = serial_s / timed * len(folders)
        note = "" if timed == len(folders) else f" (timed on {timed} wards, × {len(folders) / timed:.2f})"
        print(
            f"baseline, serial loop of `tuyensinh plan`: {serial_all:.1f} s{note}, {serial_s / timed:.1f} s per ward",
            flush=True,
        )

        runs: dict[int, float] = {}
        counts = [int(w) for w in args.workers_list.split(",")]
        for workers in counts:
            out = work / f"batch_{workers}"
            t0 = time.perf_counter()
            result = run_batch(cache, out, workers=workers, progress=False)
            runs[workers] = time.perf_counter() - t0
            planned = [o for o in result.outcomes if o.status == "planned"]
            wall = sum(o.seconds for o in planned) / max(len(planned), 1)
            cpu = sum(o.cpu_seconds for o in planned)
            peaks = result.peak_memory_by_worker()
            print(
                f"batch, {workers} worker(s): {runs[workers]:.1f} s ({result.count('planned')} planned, "
                f"{len(result.failed)} failed; per ward on a worker: {wall:.1f} s wall, "
                f"{cpu / max(len(planned), 1):.1f} s CPU; the workers got {100 * cpu / (runs[workers] * workers):.0f}% "
                f"of {workers} core(s) over the run); peak memory per worker: "
                + ", ".join(f"{mb:.0f} MB" for mb in sorted(peaks.values())),
                flush=True,
            )
            if workers == max(counts):
                t0 = time.perf_counter()
                again = run_batch(cache, out, workers=workers, progress=False)
                rerun = time.perf_counter() - t0
                print(
                    f"rerun with nothing changed ({workers} workers): {rerun:.2f} s = "
                    f"{100 * rerun / runs[workers]:.1f}% of the first run (target ≤ 5%); "
                    f"{again.count('unchanged')} wards unchanged",
                    flush=True,
                )
        if 1 in runs and 2 in runs:
            print(f"speed-up 1 → 2 workers: {runs[1] / runs[2]:.2f}× (target ≥ 1.8×)")
        if 2 in runs:
            print(f"batch with 2 workers ÷ serial loop: {runs[2] / serial_all:.2f}× (target ≤ 0.6×)")
        if 1 in runs:
            print(f"batch with 1 worker ÷ serial loop: {runs[1] / serial_all:.2f}×")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
