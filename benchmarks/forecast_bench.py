"""Forecast engine at city scale: 100,000 quarters × ages 0–18, 10 years of history, 10 ahead.

Synthetic data (`forecast.simulate_ward`, seeded) for 2017–2026; `forecast.project_all` then
forecasts 2027–2036 with 80/95 % intervals calibrated on rolling-origin errors from every
earlier origin (7 extra projections of the whole city) and ward-level intervals. Printed:
wall time, peak memory (tracemalloc of the forecast call and the process's maximum resident
size), and the ratio against a straightforward per-quarter pandas loop doing the same job
(Hamilton–Perry ratios, a projection loop, intervals from the quarter's own rolling errors),
timed on a few hundred quarters in the same run and scaled to 100,000.

`--before REV` (default `main`; `--before ''` skips it) also times the forecast engine of
commit REV on the same data in a child process (`git archive` of its src/), alternately with
this tree's when `--repeat` > 1, and prints the ratio of times and memory: how today's change
compares with the method it replaces, in one run on the same loaded machine.

Run: `python -m benchmarks forecast` (options: --quarters, --loop-quarters, --before, --repeat).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from forecast import project_all
from forecast.simulate import simulate_ward

FIRST, BASE, HORIZON, N_AGES = 2017, 2026, 2036, 19


def city_population(n_quarters: int, seed: int = 7) -> pd.DataFrame:
    """quarter_id, year, age, count for `n_quarters` synthetic quarters (ages 0–18)."""
    total, _ = simulate_ward(n_quarters, FIRST, BASE, N_AGES, mean_size=900.0, seed=seed, as_arrays=True)
    ids = np.array([f"Q{i:06d}" for i in range(n_quarters)], dtype=object)
    n_t = BASE - FIRST + 1
    q, a, t = np.indices((n_quarters, N_AGES, n_t)).reshape(3, -1)
    return pd.DataFrame(
        {
            "quarter_id": ids[q],
            "year": FIRST + t,
            "age": a,
            "count": total.reshape(-1).astype(np.int64),
        }
    )


def loop_forecast(population: pd.DataFrame, window: int = 5) -> pd.DataFrame:
    """The straightforward way: one quarter at a time with pandas."""
    frames = []
    for quarter, rows in population.groupby("quarter_id", sort=False):
        wide = rows.pivot_table(index="age", columns="year", values="count", aggfunc="sum").astype(float)

        def project(table: pd.DataFrame, steps: int) -> pd.DataFrame:
            years = list(table.columns)[-window - 1 :]
            num = sum(table[y1].shift(-1).iloc[:-1] for y1 in years[1:])
            den = sum(table[y0].iloc[:-1] for y0 in years[:-1])
            ratio = (num / den.replace(0, np.nan)).fillna(1.0).clip(0.5, 2.0)
            current = table[table.columns[-1]].copy()
            out = {}
            for step in range(1, steps + 1):
                nxt = pd.Series(0.0, index=current.index)
                nxt.iloc[1:] = (current.iloc[:-1] * ratio.to_numpy()).to_numpy()
                nxt.iloc[0] = table.loc[0, table.columns[-3:]].mean()
                out[table.columns[-1] + step] = nxt
                current = nxt
            return pd.DataFrame(out)

        errors = []
        cols = list(wide.columns)
        for o in range(2, len(cols) - 1):
            past = wide[cols[: o + 1]]
            fc = project(past, len(cols) - 1 - o)
            for year in fc.columns:
                err = np.log((wide[year] + 1) / (fc[year] + 1))
                errors.append(pd.DataFrame({"h": year - cols[o], "e": err.to_numpy()}))
        err = pd.concat(errors)
        q = err.groupby("h")["e"].quantile([0.025, 0.1, 0.9, 0.975]).unstack()
        fc = project(wide, HORIZON - BASE)
        for year in fc.columns:
            h = min(year - BASE, int(q.index.max()))
            mean = fc[year]
            frames.append(
                pd.DataFrame(
                    {
                        "quarter_id": quarter,
                        "year": year,
                        "age": mean.index,
                        "mean": mean.to_numpy(),
                        "lo95": (mean + 1) * np.exp(q.loc[h, 0.025]) - 1,
                        "lo80": (mean + 1) * np.exp(q.loc[h, 0.1]) - 1,
                        "hi80": (mean + 1) * np.exp(q.loc[h, 0.9]) - 1,
                        "hi95": (mean + 1) * np.exp(q.loc[h, 0.975]) - 1,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


_CHILD = """
import json, resource, sys, time, tracemalloc
import numpy as np, pandas as pd
from forecast import project_all
data = np.load(sys.argv[1], allow_pickle=True)
population = pd.DataFrame({k: data[k] for k in ("quarter_id", "year", "age", "count")})
t0 = time.perf_counter()
result = project_all(population, base_year=int(sys.argv[2]), horizon=int(sys.argv[3]))
seconds = time.perf_counter() - t0  # timed without tracemalloc, which slows every allocation
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
rows = len(result.quarters)
del result
tracemalloc.start()  # the traced peak from a second call
project_all(population, base_year=int(sys.argv[2]), horizon=int(sys.argv[3]))
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"seconds": seconds, "peak": peak, "rss": rss, "rows": rows}))
"""


def _export(rev: str, folder: Path) -> Path:
    """src/ of commit `rev` (git archive) under `folder`; its path."""
    repo = Path(__file__).resolve().parents[1]
    archive = subprocess.run(["git", "-C", str(repo), "archive", rev, "src"], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def _child(src: Path, data: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(data), str(BASE), str(HORIZON)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def compare_before(population: pd.DataFrame, rev: str, repeat: int) -> None:
    """Time project_all of commit `rev` and of this tree on the same data, each in a fresh child
    process, alternately `repeat` times; print the medians and the ratios."""
    here = Path(__file__).resolve().parents[1] / "src"
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "population.npz"
        np.savez(data, **{k: population[k].to_numpy() for k in ("quarter_id", "year", "age", "count")})
        before_src = _export(rev, Path(tmp) / "before")
        runs: dict[str, list[dict]] = {"before": [], "now": []}
        for _ in range(repeat):
            runs["before"].append(_child(before_src, data))
            runs["now"].append(_child(here, data))
    med = {
        side: {k: float(np.median([r[k] for r in rs])) for k in ("seconds", "peak", "rss")} for side, rs in runs.items()
    }
    for side, label in (("before", f"commit {rev}"), ("now", "this tree")):
        m = med[side]
        print(
            f"  {label:>14}: {m['seconds']:.1f} s in the call, {m['peak'] / 2**30:.2f} GiB traced peak, "
            f"{m['rss'] / 2**30:.2f} GiB maximum resident (median of {repeat}, each in a fresh process)"
        )
    print(
        f"  ratio this tree / {rev}: time {med['now']['seconds'] / med['before']['seconds']:.2f}×, "
        f"traced peak {med['now']['peak'] / med['before']['peak']:.2f}×, "
        f"resident {med['now']['rss'] / med['before']['rss']:.2f}×"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks forecast", description=__doc__.split("\n")[0])
    parser.add_argument("--quarters", type=int, default=100_000)
    parser.add_argument("--loop-quarters", type=int, default=300)
    parser.add_argument(
        "--before",
        default="main",
        metavar="REV",
        help="also time the engine of this commit on the same data ('' to skip)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="alternate runs of each side (--before)")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    population = city_population(args.quarters)
    print(
        f"data: {args.quarters:,} quarters × ages 0–18 × {BASE - FIRST + 1} years = {len(population):,} rows "
        f"(generated in {time.perf_counter() - t0:.1f} s)",
        flush=True,
    )

    scale = 1024 if sys.platform != "darwin" else 1024**2
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale  # data generation and the input
    # timed without tracemalloc (it slows every allocation: 8.5 s traced against 4.5 s untraced on
    # the same call); the traced peak comes from a second call
    t0 = time.perf_counter()
    result = project_all(population, base_year=BASE, horizon=HORIZON)
    vector_s = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != "darwin" else 1024**2)
    tracemalloc.start()
    project_all(population, base_year=BASE, horizon=HORIZON)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    cells = len(result.quarters)
    print(
        f"tuyensinh forecast.project_all: {vector_s:.1f} s for {cells:,} quarter × age × year cells with "
        f"80/95% intervals (calibrated on {result.calibration.n_errors:,} rolling-origin errors)"
    )
    print(
        f"peak memory: {peak / 2**30:.2f} GiB traced in the forecast call; process maximum resident {rss / 1024:.2f} GiB "
        f"({rss_before / 1024:.2f} GiB before the call: generating the data and the input table)"
    )

    ids = population["quarter_id"].drop_duplicates().iloc[: args.loop_quarters]
    sample = population[population["quarter_id"].isin(set(ids))]
    t0 = time.perf_counter()
    loop_forecast(sample)
    loop_s = (time.perf_counter() - t0) * args.quarters / len(ids)
    print(
        f"per-quarter pandas loop: {loop_s:.0f} s scaled to {args.quarters:,} quarters "
        f"(measured on {len(ids)} quarters)"
    )
    print(f"ratio loop / vectorized: {loop_s / vector_s:.0f}×")
    if args.before:
        print(f"same data, this tree against commit {args.before} (child processes):", flush=True)
        compare_before(population, args.before, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
