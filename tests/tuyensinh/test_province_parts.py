"""Parts of the province package: the sample province, ward discovery and the skip rule, the
progress counts, and the city-wide measure on a hand-computed case."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tuyensinh.province.bridge import PlanSettings, WardDataError, file_hashes, load_ward
from tuyensinh.province.citywide import measure
from tuyensinh.province.folders import WardJob, check_out_dir, find_wards, plan_is_current, ward_jobs
from tuyensinh.province.progress import BatchProgress, format_seconds
from tuyensinh.province.sample import break_ward, hcmc_wards, pick_wards, slug, ward_files


def test_the_hcmc_outlines_are_all_there() -> None:
    wards = hcmc_wards()
    assert len(wards) == 168 and len({w.code for w in wards}) == 168
    assert {w.kind for w in wards} == {"phường", "xã", "đặc khu"}
    near = pick_wards(wards, 4)
    assert "Sài Gòn" in [w.name for w in near] and len(near) == 4
    assert slug("Bàn Cờ") == "ban_co" and slug("Đông Hưng Thuận") == "dong_hung_thuan"


def test_a_sample_ward_is_seeded_valid_and_breakable(tmp_path: Path) -> None:
    ward = next(w for w in hcmc_wards() if w.name == "Bàn Cờ")
    files = ward_files(ward)
    assert files == ward_files(ward)  # seeded: the same text every time
    good, bad = tmp_path / "good", tmp_path / "bad"
    for folder, content in ((good, files), (bad, break_ward(files))):
        folder.mkdir()
        for name, text in content.items():
            (folder / name).write_text(text, encoding="utf-8")
    loaded = load_ward(good)
    assert loaded.code == ward.code and loaded.name == "Bàn Cờ" and 4 <= len(loaded.quarters) <= 8
    assert set(loaded.schools["level"]) == {"mam_non", "tieu_hoc", "thcs"}
    with pytest.raises(WardDataError) as caught:
        load_ward(bad)
    assert sorted(p.file for p in caught.value.problems) == ["population.csv", "schools.csv"]


def test_ward_discovery_and_output_folder_checks(tmp_path: Path) -> None:
    root = tmp_path / "province"
    for name in ("b_ward", "a_ward", "district/c_ward", ".hidden/d_ward", "a_ward/inner"):
        (root / name).mkdir(parents=True)
        (root / name / "ward.toml").write_text("", encoding="utf-8")
    (root / "notes").mkdir()
    assert [p.relative_to(root).as_posix() for p in find_wards(root)] == ["a_ward", "b_ward", "district/c_ward"]
    jobs = ward_jobs(root, tmp_path / "out")
    assert jobs[2].out == str((tmp_path / "out" / "wards" / "district" / "c_ward").resolve())
    with pytest.raises(ValueError, match="overlaps"):
        check_out_dir(root, root / "out")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="not an earlier tuyensinh batch"):
        check_out_dir(root, tmp_path / "other")
    with pytest.raises(ValueError, match="no ward folder"):
        find_wards(tmp_path / "other")


def test_a_plan_is_current_only_with_the_same_inputs_and_settings(tmp_path: Path) -> None:
    folder, out = tmp_path / "ward", tmp_path / "out"
    folder.mkdir()
    out.mkdir()
    (folder / "ward.toml").write_text("[ward]\n", encoding="utf-8")
    job = WardJob(name="ward", folder=str(folder), out=str(out), size=0)
    settings = PlanSettings(map_dpi=40)
    assert not plan_is_current(job, settings)  # no manifest yet
    record = {
        "inputs": {"sha256": file_hashes(folder)},
        "settings": {**json.loads(json.dumps(settings.__dict__)), "school_year": 2027},
    }
    (out / "manifest.json").write_text(json.dumps(record), encoding="utf-8")
    assert plan_is_current(job, settings)
    assert not plan_is_current(job, PlanSettings(map_dpi=41))
    assert not plan_is_current(job, PlanSettings(map_dpi=40, school_year=2028))
    (folder / "ward.toml").write_text("[ward]\n# edited\n", encoding="utf-8")
    assert not plan_is_current(job, settings)


def test_progress_lines_count_done_failed_left() -> None:
    lines: list[str] = []
    progress = BatchProgress(3, unchanged=2, sink=lines.append, lang="en")
    progress.start()
    progress.finished("a", True, 2.0)
    progress.finished("b", False, 0.1)
    assert progress.remaining_seconds() is not None and progress.left == 1
    progress.finished("c", True, 2.0)
    assert lines[0] == "Planning wards: 3 (done 0 · failed 0 · left 3 · unchanged 2)"
    assert lines[2].startswith("[2/3] ✗ b (0.1 s) — done 1 · failed 1 · left 1 · unchanged 2 — about ")
    assert lines[3].startswith("[3/3] ✓ c") and "about" not in lines[3]
    vietnamese: list[str] = []
    progress = BatchProgress(1, sink=vietnamese.append, lang="vi")
    progress.finished("a", True, 2.4)
    assert vietnamese[-1].startswith("[1/1] ✓ a (2,4 giây) — xong 1")  # one number format per language
    assert format_seconds(3909) == "1:05:09" and format_seconds(242) == "4:02"


def test_measure_hand_computed() -> None:
    """Two quarters (50 and 30 grade-6 pupils) at one school with 1 room (one class of 45):
    35 pupils without a seat; pupil-metres 50 × 100 + 30 × 200 = 11,000."""
    from capacity import load_norms
    from zoning.problem import build_problem

    demand = pd.DataFrame(
        {
            "quarter_id": ["q1", "q2"],
            "school_year": 2027,
            "level": "thcs",
            "grade": "lop_6",
            "age": 11,
            "mean": [50.0, 30.0],
        }
    )
    schools = pd.DataFrame(
        {
            "school_id": ["s1"],
            "name": ["S"],
            "level": ["thcs"],
            "classrooms": [1],
            "sessions_per_day": [2],
            "max_class_size": [np.nan],
            "opens": [np.nan],
            "closes": [np.nan],
            "lon": [106.7],
            "lat": [10.8],
            "land_m2": [np.nan],
        }
    )
    distances = pd.DataFrame({"quarter_id": ["q1", "q2"], "school_id": ["s1", "s1"], "metres": [100.0, 200.0]})
    problem = build_problem(
        demand, schools, distances, level="thcs", school_years=2027, norms=load_norms(), grades=["lop_6"]
    )
    figures = measure(problem, np.array([0, 0]))
    assert figures["pupils"] == 80 and figures["pupil_metres"] == 11_000
    assert figures["pupils_over_capacity"] == pytest.approx(35.0)
    assert figures["mean_distance_m"] == pytest.approx(137.5)


def test_plan_ward_reports_problems_and_crashes_instead_of_raising(tmp_path: Path) -> None:
    from tuyensinh.province.worker import plan_ward

    ward = next(w for w in hcmc_wards() if w.name == "Bàn Cờ")
    bad = tmp_path / "bad"
    bad.mkdir()
    for name, text in break_ward(ward_files(ward)).items():
        (bad / name).write_text(text, encoding="utf-8")
    job = WardJob(name="bad", folder=str(bad), out=str(tmp_path / "out" / "bad"), size=0)
    failed = plan_ward(job, PlanSettings())
    assert failed.status == "failed" and not failed.ok and len(failed.problems) == 2
    assert failed.inputs == file_hashes(bad) and failed.peak_mb > 0
    crashed = plan_ward(job, "not settings")  # a programming error, not the ward's
    assert crashed.status == "error" and "AttributeError" in crashed.error and crashed.problems
    assert not (tmp_path / "out" / "bad").exists()


def test_a_worker_is_prepared_once_one_blas_thread_shared_text_sizes_frozen_imports() -> None:
    import subprocess
    import sys

    script = (
        "import gc, json, matplotlib.text as t\n"
        "from threadpoolctl import threadpool_info\n"
        "from tuyensinh.province.worker import _PREPARED, prepare_worker\n"
        "before = t._get_text_metrics_function\n"
        "prepare_worker(); shared = t._get_text_metrics_function; frozen = gc.get_freeze_count()\n"
        "prepare_worker()\n"
        "print(json.dumps({'blas': [p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas'],\n"
        "  'shared': getattr(shared, '_shared', False), 'was_shared': getattr(before, '_shared', False),\n"
        "  'same_after_second_call': t._get_text_metrics_function is shared, 'frozen': frozen,\n"
        "  'prepared': len(_PREPARED)}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    assert facts["blas"] and set(facts["blas"]) == {1}
    assert facts["shared"] and not facts["was_shared"] and facts["same_after_second_call"]
    assert facts["frozen"] > 10_000  # the imported modules' objects
    assert facts["prepared"] == 1
