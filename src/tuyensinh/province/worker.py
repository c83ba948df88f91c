"""What runs on a Dask worker: one ward's plan (`tuyensinh plan`), never raising.

`plan_ward` returns a `WardOutcome` for every ward: "planned", or "failed" with the ward's data
problems listed as the planner reads them (a `WardDataError`, an option out of range, a zoning
that contiguity or distance limits make impossible), or "error" with the unexpected exception.
The ward's outputs are written by `run_plan` itself, atomically (a staging folder swapped in
as a whole), so a failed ward keeps its previous outputs untouched. The outcome also carries
the worker's process id and peak resident memory, for the benchmark.

A worker plans its wards one after another on one core: the batch runs one worker per core, so
a ward's plan draws its figures serially (`run_plan(figure_workers=1)`, no pool of its own) and
NumPy's BLAS and OpenMP pools are held to one thread (threadpoolctl; the local cluster's
workers also start with OMP/MKL/OPENBLAS_NUM_THREADS=1, Dask's default); see `prepare_worker`
for what else a worker does once. HiGHS runs
single-threaded in every plan (zoning.solve).
"""

from __future__ import annotations

import os
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from tuyensinh.province.folders import WardJob
from tuyensinh.words.province import say

__all__ = ["WardOutcome", "peak_memory_mb", "plan_ward"]

PLANNED, UNCHANGED, FAILED, ERROR = "planned", "unchanged", "failed", "error"


@dataclass(frozen=True)
class WardOutcome:
    """How one ward went in a batch.

    status: "planned" (outputs written now), "unchanged" (inputs and settings as in its last
    plan: skipped), "failed" (data problems: `problems`), "error" (unexpected: `error`).
    problems / problems_en: the ward's problems in Vietnamese and English, one line each.
    seconds: wall time of the plan on the worker; cpu_seconds: CPU time of the worker process
    during it (all its threads; on a shared machine, less than `seconds`); worker: "host:pid";
    peak_mb: the worker process's peak resident memory so far (MB).
    """

    name: str
    folder: str
    out: str
    status: str
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    problems: tuple[str, ...] = ()
    problems_en: tuple[str, ...] = ()
    error: str = ""
    worker: str = ""
    peak_mb: float = 0.0
    inputs: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """The ward has current outputs (planned now or unchanged)."""
        return self.status in (PLANNED, UNCHANGED)


def peak_memory_mb() -> float:
    """Peak resident memory of this process, MB (Linux/macOS: getrusage; else current RSS)."""
    try:
        import resource
        import sys

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024.0
    except ImportError:  # Windows
        import psutil

        return psutil.Process().memory_info().rss / (1 << 20)


_PREPARED: list[object] = []
"""threadpoolctl's limiter, kept alive once set (empty until the first ward of this process)."""


def prepare_worker() -> None:
    """Once per worker process, before its first ward: hold its BLAS/OpenMP thread pools to
    one thread (threadpoolctl), let the wards' figures share the text sizes they measure
    (`tuyensinh.plan.pngs.share_text_metrics`: the same tick labels, legends and titles recur
    from ward to ward) and move what the imports created out of the garbage collector's walks
    (`gc.freeze`): measured on the sample wards, plans 2–6 of one process took 37.4–39.3 s of
    CPU with both against 40.1–40.7 s without."""
    if _PREPARED:
        return
    import gc

    from threadpoolctl import threadpool_limits

    _PREPARED.append(threadpool_limits(limits=1))
    import matplotlib.backends.backend_pdf  # noqa: F401 - the maps' PDF pages

    from tuyensinh.plan.drawing import import_drawing_modules
    from tuyensinh.plan.pngs import share_text_metrics

    import_drawing_modules()
    share_text_metrics()
    gc.freeze()


def plan_ward(job: WardJob, settings: object) -> WardOutcome:
    """Plan one ward into `job.out` (the `tuyensinh plan` run, on one core); report problems,
    never raise."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    prepare_worker()
    from tuyensinh.province.bridge import WardDataError, file_hashes, run_plan

    started, cpu = time.perf_counter(), time.process_time()
    worker = f"{os.uname().nodename if hasattr(os, 'uname') else 'local'}:{os.getpid()}"
    base: dict[str, Any] = {"name": job.name, "folder": job.folder, "out": job.out, "worker": worker}

    def spent() -> dict[str, Any]:
        return {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu}

    try:
        inputs = file_hashes(job.folder)
    except OSError:
        inputs = {}
    try:
        run_plan(job.folder, job.out, settings=settings, progress=False, figure_workers=1)  # type: ignore[arg-type]
    except WardDataError as problem:
        return WardOutcome(
            **base,
            status=FAILED,
            **spent(),
            problems=tuple(p.text("vi") for p in problem.problems),
            problems_en=tuple(p.text("en") for p in problem.problems),
            peak_mb=peak_memory_mb(),
            inputs=inputs,
        )
    except ValueError as problem:  # an option out of range, an impossible zoning (ZoningError)
        worded = getattr(problem, "text", None)
        vi = worded("vi") if callable(worded) else str(problem)
        en = worded("en") if callable(worded) else str(problem)
        return WardOutcome(
            **base, status=FAILED, **spent(), problems=(vi,), problems_en=(en,), peak_mb=peak_memory_mb(), inputs=inputs
        )
    except Exception as unexpected:
        return WardOutcome(
            **base,
            status=ERROR,
            **spent(),
            error=f"{type(unexpected).__name__}: {unexpected}\n{traceback.format_exc(limit=8)}",
            problems=(say("batch.crashed", "vi", error=f"{type(unexpected).__name__}: {unexpected}"),),
            problems_en=(say("batch.crashed", "en", error=f"{type(unexpected).__name__}: {unexpected}"),),
            peak_mb=peak_memory_mb(),
            inputs=inputs,
        )
    return WardOutcome(**base, status=PLANNED, **spent(), peak_mb=peak_memory_mb(), inputs=inputs)
