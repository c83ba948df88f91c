"""Shared test fixtures: paths to the embedded sample wards."""
from __future__ import annotations

from pathlib import Path

import pytest

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
