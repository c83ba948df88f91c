"""Run the benchmarks: every module `benchmarks/<name>_bench.py` that defines `main(argv)`.

    python -m benchmarks                 # all of them, default options
    python -m benchmarks forecast [...]  # one of them (forecast-real → forecast_real_bench.py); the remaining arguments go to its main()

Each benchmark prints its own timings and the ratio against a baseline measured in the same run.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    """Names of the benchmarks (module name without the `_bench` suffix), sorted."""
    folder = Path(__file__).resolve().parent
    names = (m.name[: -len("_bench")] for m in pkgutil.iter_modules([str(folder)]) if m.name.endswith("_bench"))
    return sorted(n.replace("_", "-") for n in names)


def _module(name: str) -> str:
    """Module of a benchmark name: `forecast-real` lives in `forecast_real_bench.py`."""
    return name.replace("-", "_")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    names = available()
    if argv and not argv[0].startswith("-"):
        name, rest = argv[0], argv[1:]
        if name not in names:
            print(f"unknown benchmark {name!r}; available: {', '.join(names)}", file=sys.stderr)
            return 2
        return int(importlib.import_module(f"benchmarks.{_module(name)}_bench").main(rest) or 0)
    status = 0
    for name in names:
        print(f"=== benchmark: {name} ===", flush=True)
        status |= int(importlib.import_module(f"benchmarks.{_module(name)}_bench").main([]) or 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
