"""Warnings about plausible but suspicious data: hand-computed on the small builder ward, never blocking."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from ward_builder import LON0, STEP, population_counts, valid_tables, write_ward

from capacity import load_norms
from tuyensinh.cli import main
from tuyensinh.ward import load_ward
from tuyensinh.ward.warnings import data_warnings


def _texts(folder: Path) -> list[str]:
    return [w.text("en") for w in data_warnings(load_ward(folder))]


def test_a_valid_builder_ward_has_no_warning(tmp_path: Path) -> None:
    assert _texts(write_ward(tmp_path / "ward")) == []


def test_a_population_jump_and_the_cohort_ratio_it_makes_are_warned(tmp_path: Path) -> None:
    tables = valid_tables()
    population = tables["population"]
    doubled = (population["quarter_id"] == "KP3") & (population["year"] == "2024")
    population.loc[doubled, "count"] = (population.loc[doubled, "count"].astype(int) * 2).astype(str)
    texts = _texts(write_ward(tmp_path / "ward", tables))
    before = sum(population_counts(2, 2023, a) for a in range(19))
    after = 2 * sum(population_counts(2, 2024, a) for a in range(19))
    share = f"{(after - before) / before:.0%}"
    assert any(
        f"the population of quarter KP3 rose by {share} from 2023 ({before} persons) to 2024 ({after})" in t
        for t in texts
    )
    young = sum(population_counts(2, 2023, a) for a in range(18))
    aged = 2 * sum(population_counts(2, 2024, a) for a in range(1, 19))
    ratios = [
        sum(population_counts(q, 2024, a) for a in range(1, 19)) / sum(population_counts(q, 2023, a) for a in range(18))
        for q in range(2)
    ] + [aged / young]
    expected = (
        f"quarter KP3: the children aged 0–17 in 2023 are {aged / young:.2f} of themselves in 2024; "
        f"the ward's quarters usually show {np.median(ratios):.2f}"
    )
    assert any(expected in t for t in texts)
    assert not any("quarter 01" in t or "quarter 02" in t for t in texts)  # the others are in line


def test_classrooms_far_below_the_classes_needed_are_warned(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["schools"].loc[1, "classrooms"] = "1"  # TH01, the only primary school
    folder = write_ward(tmp_path / "ward", tables)
    ward = load_ward(folder)
    grades = load_norms(ward.norms, ward.rates).grade_table().set_index("grade")
    classes = 0
    for g in ("lop_1", "lop_2", "lop_3", "lop_4", "lop_5"):
        row = grades.loc[g]
        children = sum(population_counts(q, 2024, int(row.age)) for q in range(3))
        pupils = children * row.participation * row.eligible_share * (1 - row.private_share)
        classes += math.ceil(pupils / row.max_class_size)
    texts = _texts(folder)
    assert len(texts) == 1
    assert (
        f"the primary schools have 1 classrooms, less than half the about {classes} classes needed in 2024" in texts[0]
    )


def test_a_school_beyond_the_walking_norm_from_every_quarter_is_warned(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["schools"].loc[2, "lon"] = str(LON0 + 3 * STEP + 0.012)  # THCS01 ~1.3 km east of the last quarter
    folder = write_ward(tmp_path / "ward", tables)
    ward = load_ward(folder)
    norm = load_norms(ward.norms, ward.rates).walking_distance("thcs", "urban")
    metres = ward.schools_projected().geometry.iloc[2].distance(ward.quarters_projected().union_all())
    assert metres > norm  # the case is what it claims
    texts = _texts(folder)
    shown = f"{metres:,.0f}"  # English number format: 1,250
    assert texts == [
        f"schools.csv, row 4, column 'lon': school THCS01 (Trường THCS Bản Nầng) is {shown} m from the nearest "
        f"quarter (KP3), farther than the lower secondary walking norm of {norm:,.0f} m. "
        "Fix: check the school's longitude and latitude (longitude first; enough decimals)"
    ]


def test_validate_lists_warnings_and_still_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tables = valid_tables()
    tables["schools"].loc[1, "classrooms"] = "1"
    folder = write_ward(tmp_path / "ward", tables)
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Cảnh báo (1) — số liệu có thể đúng nhưng nên kiểm tra lại" in out
    assert "tổng số phòng học tiểu học (1) chưa bằng một nửa số lớp cần năm 2024" in out


def test_a_missing_row_is_reported_in_the_same_pass_as_a_wrong_age_cell(tmp_path: Path) -> None:
    """Every problem at once: a hole in the grid is not held back until a wrong cell elsewhere is fixed."""
    from tuyensinh.ward.errors import WardDataError

    tables = valid_tables()
    population = tables["population"]
    wrong = population.index[
        (population["quarter_id"] == "01") & (population["year"] == "2020") & (population["age"] == "5")
    ][0]
    population.loc[wrong, "age"] = "5 tuổi"
    hole = population.index[
        (population["quarter_id"] == "02") & (population["year"] == "2021") & (population["age"] == "7")
    ]
    tables["population"] = population.drop(index=hole)
    with pytest.raises(WardDataError) as caught:
        load_ward(write_ward(tmp_path / "ward", tables))
    texts = [p.text("en") for p in caught.value.problems]
    assert any("'5 tuổi' has words with the number" in t for t in texts)
    holes = [t for t in texts if "have no row" in t or "no row" in t]
    assert len(holes) == 1 and "02" in holes[0] and "2021" in holes[0] and "7" in holes[0]  # and not 01/2020 again
