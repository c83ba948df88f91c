"""`tuyensinh batch PROVINCE_DIR --out DIR`: every ward's plan in parallel on Dask, then the
province roll-up.

    wards = ward folders under PROVINCE_DIR (each with ward.toml)
    for each ward: OUT/wards/<ward>/manifest.json records the same input hashes and settings?
        yes (and no --force) → "unchanged", nothing to do
        no  → a Dask task runs the ward's plan (`worker.plan_ward`) into OUT/wards/<ward>/
    as tasks finish: progress (done / failed / left, time remaining)
    → OUT/batch.json (every ward's status, problems, seconds, worker, peak memory)
    → the roll-up (`tuyensinh.province.rollup`): province.xlsx, province_report.html, ...
      (kept as it is when no ward's outcome or manifest changed since it was written)

Cluster: a local Dask cluster of `workers` processes with one thread each (the plan's
NumPy/HiGHS work holds the GIL often enough that threads would not scale; a process per core
does), started only when at least one ward must be planned — or an existing cluster at
`scheduler` ("tcp://host:8786"), whose workers must have tuyensinh installed and see the same
PROVINCE_DIR and OUT paths (a shared file system). Tasks are submitted biggest ward first
(population.csv size), so the last tasks to finish are short ones. A ward's failure (data
problems, an impossible zoning, even a crash or a lost worker) is recorded and never stops the
other wards.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tuyensinh.province.bridge import PlanSettings, manifest_json, write_text_atomic
from tuyensinh.province.folders import WardJob, check_out_dir, plan_is_current, province_info, ward_jobs
from tuyensinh.province.progress import BatchProgress
from tuyensinh.province.worker import ERROR, FAILED, UNCHANGED, WardOutcome, plan_ward
from tuyensinh.words.core import WordedError
from tuyensinh.words.province import PROVINCE, say

__all__ = ["BatchResult", "default_workers", "run_batch"]

BATCH_FILE = "batch.json"


@dataclass(frozen=True)
class BatchResult:
    """What a batch did: one outcome per ward (in ward order), the wall time, the cluster."""

    out: Path
    outcomes: tuple[WardOutcome, ...]
    seconds: float
    workers: int
    scheduler: str
    province: dict[str, str] = field(default_factory=dict)
    rollup_files: tuple[str, ...] = ()

    def count(self, *statuses: str) -> int:
        return sum(o.status in statuses for o in self.outcomes)

    @property
    def failed(self) -> tuple[WardOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.ok)

    def peak_memory_by_worker(self) -> dict[str, float]:
        """Peak resident memory (MB) seen on each worker process."""
        peaks: dict[str, float] = {}
        for o in self.outcomes:
            if o.worker:
                peaks[o.worker] = max(peaks.get(o.worker, 0.0), o.peak_mb)
        return peaks


def default_workers() -> int:
    """One worker per core."""
    return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def dask_client(workers: int, scheduler: str | None) -> Iterator[Any]:
    """A dask.distributed Client: on a new local cluster of `workers` single-threaded
    processes, or connected to the scheduler at `scheduler`. Closed (and the local cluster shut
    down) on exit."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        client = Client(scheduler, timeout="30s")
        try:
            yield client
        finally:
            client.close()
        return
    import dask

    # Dask's statistical profiler samples each worker's running task every 10 ms: ≈ 5% of a
    # ward's CPU (8 sample wards on 1 worker: 62.6 s of CPU without it, 66.2 s with it); the
    # local cluster's workers start without it (a cluster given by --scheduler keeps its own)
    with dask.config.set({"distributed.worker.profile.enabled": False}):
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
        )
    try:
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def _previous_record(out: Path) -> dict[str, Any]:
    """The last batch's batch.json ({} when absent or unreadable)."""
    path = out / BATCH_FILE
    if not path.is_file():
        return {}
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def _previous_failures(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Wards that failed with data problems in the last batch, by name."""
    try:
        return {w["name"]: w for w in record.get("wards", []) if w.get("status") == FAILED}
    except (KeyError, TypeError, AttributeError):
        return {}


def rollup_key(outcomes: tuple[WardOutcome, ...], province: dict[str, str], lang: str) -> str:
    """SHA-256 of what the roll-up is made of: each ward's status and problems and the hash of
    its manifest.json (a new plan writes a new manifest), the province and the language."""
    import hashlib

    digest = hashlib.sha256(json.dumps([province, lang], ensure_ascii=False).encode("utf-8"))
    for o in outcomes:
        manifest = ""
        path = Path(o.out) / "manifest.json"
        if o.ok and path.is_file():
            manifest = hashlib.sha256(path.read_bytes()).hexdigest()
        digest.update(json.dumps([o.name, o.ok, o.problems, manifest], ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def _settings_record(settings: PlanSettings) -> dict[str, Any]:
    return json.loads(json.dumps(asdict(settings)))


def _still_failing(job: WardJob, previous: dict[str, Any] | None, settings: PlanSettings) -> WardOutcome | None:
    """The last batch's failure of this ward, when its inputs and settings are unchanged."""
    if previous is None or previous.get("settings") != _settings_record(settings):
        return None
    from tuyensinh.province.bridge import file_hashes

    if previous.get("inputs") != file_hashes(job.folder):
        return None
    return WardOutcome(
        name=job.name,
        folder=job.folder,
        out=job.out,
        status=FAILED,
        problems=tuple(previous.get("problems", ())),
        problems_en=tuple(previous.get("problems_en", ())),
        inputs=previous["inputs"],
    )


def _lost(job: WardJob, error: BaseException) -> WardOutcome:
    """A task that never returned (its worker died, the cluster went away)."""
    return WardOutcome(
        name=job.name,
        folder=job.folder,
        out=job.out,
        status=ERROR,
        error=f"{type(error).__name__}: {error}",
        problems=(say("batch.lost", "vi", error=f"{type(error).__name__}: {error}"),),
        problems_en=(say("batch.lost", "en", error=f"{type(error).__name__}: {error}"),),
    )


def _write_batch_file(out: Path, result: BatchResult, settings: PlanSettings, key: str) -> None:
    wards = []
    for o in result.outcomes:
        entry = asdict(o)
        entry["settings"] = _settings_record(settings)
        wards.append(entry)
    record = {
        "tool": "tuyensinh batch",
        "province": result.province,
        "seconds": round(result.seconds, 3),
        "workers": result.workers,
        "scheduler": result.scheduler,
        "counts": {s: result.count(s) for s in ("planned", "unchanged", "failed", "error")},
        "peak_memory_mb_by_worker": {k: round(v, 1) for k, v in result.peak_memory_by_worker().items()},
        "settings": _settings_record(settings),
        "rollup_key": key,
        "rollup_files": list(result.rollup_files),
        "wards": wards,
    }
    write_text_atomic(out / BATCH_FILE, manifest_json(record))


def run_batch(
    province_dir: str | os.PathLike,
    out: str | os.PathLike,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    settings: PlanSettings | None = None,
    progress: bool | Callable[[str], None] | None = True,
    rollup: bool = True,
) -> BatchResult:
    """Plan every ward folder under `province_dir` into `out`/wards/<ward>/ on Dask, write
    `out`/batch.json and (with `rollup`) the province roll-up; return what happened.

    workers: local cluster size (default one per core; ignored with `scheduler`). force: plan
    every ward even when its last plan is current. settings: the plan settings of every ward.
    Raises ValueError for a missing province directory or an unusable `out`; a ward's own
    problems never raise (they are in the result and the roll-up).
    """
    settings = settings or PlanSettings()
    started = time.perf_counter()
    out_path = Path(out).resolve()
    check_out_dir(province_dir, out_path)
    province = province_info(province_dir)
    jobs = ward_jobs(province_dir, out_path)
    workers = int(workers or default_workers())
    if workers < 1:
        raise WordedError(PROVINCE.text("error.workers"))
    out_path.mkdir(parents=True, exist_ok=True)

    last = _previous_record(out_path)
    previous = {} if force else _previous_failures(last)
    outcomes: dict[str, WardOutcome] = {}
    todo: list[WardJob] = []
    for job in jobs:
        if not force and plan_is_current(job, settings):
            outcomes[job.name] = WardOutcome(name=job.name, folder=job.folder, out=job.out, status=UNCHANGED)
            continue
        failing = None if force else _still_failing(job, previous.get(job.name), settings)
        if failing is not None:
            outcomes[job.name] = failing
            continue
        todo.append(job)

    tracker = BatchProgress(len(todo), unchanged=len(jobs) - len(todo), sink=progress, lang=settings.lang)
    used_workers = 0
    if todo:
        tracker.start()
        todo.sort(key=lambda j: (-j.size, j.name))  # biggest first: the tail of the run is short tasks
        with dask_client(min(workers, len(todo)), scheduler) as client:
            from dask.distributed import as_completed

            used_workers = len(client.scheduler_info().get("workers", {})) or min(workers, len(todo))
            futures = {
                client.submit(plan_ward, job, settings, key=f"plan-{i:05d}-{job.name}", pure=False): job
                for i, job in enumerate(todo)
            }
            try:
                for future in as_completed(list(futures)):
                    job = futures[future]
                    try:
                        outcome = future.result()
                    except Exception as error:
                        outcome = _lost(job, error)
                    outcomes[job.name] = outcome
                    tracker.finished(job.name, outcome.ok, outcome.seconds)
            finally:
                tracker.close()
                for future in futures:
                    future.cancel()
    ordered = tuple(outcomes[j.name] for j in jobs)
    key = rollup_key(ordered, province, settings.lang)
    files: list[str] = []
    if rollup:
        kept = [str(f) for f in last.get("rollup_files", [])]
        if not force and last.get("rollup_key") == key and kept and all((out_path / f).is_file() for f in kept):
            files = kept  # nothing changed since the last roll-up: keep it
        else:
            from tuyensinh.province.rollup_files import write_rollup

            files = write_rollup(out_path, ordered, province=province, lang=settings.lang)
    result = BatchResult(
        out=out_path,
        outcomes=ordered,
        seconds=time.perf_counter() - started,
        workers=used_workers,
        scheduler=scheduler or ("local" if todo else "none"),
        province=province,
        rollup_files=tuple(files),
    )
    _write_batch_file(out_path, result, settings, key if rollup else "")
    return result
