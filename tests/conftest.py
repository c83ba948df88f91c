"""Shared test fixtures: paths to the embedded sample wards, and the full plan of each, computed once.

`vi_run`: one Vietnamese `run_plan` on Phước Bình (progress lines captured), `en_run`: one English
run on Thiện Hòa without the yearly re-zoning; both session-scoped, so every test that reads a
plan's outputs shares the same two runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tuyensinh.plan import PlanResult

REPO = Path(__file__).resolve().parents[1]
SAMPLE_WARDS = REPO / "data" / "wards"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def phuoc_binh_dir() -> Path:
    """The growing urban sample ward (Đồng Nai)."""
    return SAMPLE_WARDS / "phuoc_binh"


@pytest.fixture(scope="session")
def thien_hoa_dir() -> Path:
    """The shrinking rural, mountainous sample commune (Lạng Sơn)."""
    return SAMPLE_WARDS / "thien_hoa"


def _need(folder: Path) -> Path:
    if not (folder / "ward.toml").exists():
        pytest.fail(
            f"sample ward {folder.name} missing from data/wards: regenerate it with python -m tuyensinh.sample_data --out data/wards"
        )
    return folder


@pytest.fixture(scope="session")
def vi_run(phuoc_binh_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[PlanResult, list[str]]:
    """One Vietnamese run on Phước Bình shared by every test (progress lines captured)."""
    from tuyensinh.plan import PlanSettings, run_plan  # here: the engines' tests need not import the app

    ward = _need(phuoc_binh_dir)
    out = tmp_path_factory.mktemp("plan") / "phuoc_binh"
    lines: list[str] = []
    result = run_plan(ward, out, progress=lines.append, settings=PlanSettings(map_dpi=150))
    return result, lines


@pytest.fixture(scope="session")
def en_run(thien_hoa_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> PlanResult:
    """An English run on Thiện Hòa, without the yearly re-zoning (faster)."""
    from tuyensinh.plan import PlanSettings, run_plan

    ward = _need(thien_hoa_dir)
    out = tmp_path_factory.mktemp("plan_en") / "thien_hoa"
    return run_plan(ward, out, lang="en", progress=False, settings=PlanSettings(rezone_each_year=False, map_dpi=100))
