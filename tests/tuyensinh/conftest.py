"""Fixtures of the app tests: the full plan of a sample ward, computed once per test run.

`vi_run`: one Vietnamese `run_plan` on Phước Bình (progress lines captured), `en_run`: one English
run on Thiện Hòa without the yearly re-zoning; both session-scoped, so every test that reads a
plan's outputs shares the same two runs.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tuyensinh.plan import PlanResult, PlanSettings, run_plan


def _need(folder: Path) -> Path:
    if not (folder / "ward.toml").exists():
        pytest.fail(f"sample ward {folder.name} missing from data/wards: regenerate it with python -m tuyensinh.sample_data --out data/wards")
    return folder


@pytest.fixture(scope="session")
def vi_run(phuoc_binh_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[PlanResult, list[str]]:
    """One Vietnamese run on Phước Bình shared by every test (progress lines captured)."""
    ward = _need(phuoc_binh_dir)
    out = tmp_path_factory.mktemp("plan") / "phuoc_binh"
    lines: list[str] = []
    result = run_plan(ward, out, progress=lines.append, settings=PlanSettings(map_dpi=150))
    return result, lines


@pytest.fixture(scope="session")
def en_run(thien_hoa_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> PlanResult:
    """An English run on Thiện Hòa, without the yearly re-zoning (faster)."""
    ward = _need(thien_hoa_dir)
    out = tmp_path_factory.mktemp("plan_en") / "thien_hoa"
    return run_plan(ward, out, lang="en", progress=False,
                    settings=PlanSettings(rezone_each_year=False, map_dpi=100))
