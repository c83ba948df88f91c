"""Input checks scale linearly: ward.toml with many unknown keys, a population.csv with many bad cells.

    python -m benchmarks input_checks [--keys 5000] [--factor 10]

Times `read_ward_toml` on a ward.toml with N and factor × N unknown keys (before: a scan of the
file per key, 5,000 keys 17 s, 200,000 over 13 CPU-minutes) and `read_table` on a population.csv
with N and factor × N non-finite counts, and prints each ratio: close to `factor` means linear,
close to factor² quadratic.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

WARD = """[ward]
code = "25220"
name = "Phước Bình"
base_year = 2024
"""


def _time(run, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks input_checks")
    parser.add_argument("--keys", type=int, default=5000)
    parser.add_argument("--factor", type=int, default=10)
    args = parser.parse_args(argv)
    from tuyensinh.ward.config import read_ward_toml
    from tuyensinh.ward.tables import POPULATION, read_table

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        times = {}
        for n in (args.keys, args.keys * args.factor):
            (folder / "ward.toml").write_text(WARD + "".join(f"k{i} = {i}\n" for i in range(n)), encoding="utf-8")
            times[("toml", n)] = _time(lambda: read_ward_toml(folder))
            rows = "".join(f"Q{i % 97},{2000 + i % 20},{i % 19},inf\n" for i in range(n))
            (folder / "population.csv").write_text("quarter_id,year,age,count\n" + rows, encoding="utf-8")
            times[("csv", n)] = _time(lambda: read_table(folder, POPULATION))
        for kind in ("toml", "csv"):
            small, large = times[(kind, args.keys)], times[(kind, args.keys * args.factor)]
            print(
                f"{kind}: {args.keys:>7} bad entries {small:7.3f} s, {args.keys * args.factor:>7} {large:7.3f} s, "
                f"ratio {large / small:5.1f} (linear ≈ {args.factor}, quadratic ≈ {args.factor**2})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
