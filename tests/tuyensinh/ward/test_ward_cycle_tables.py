"""The optional tables and columns of the enrolment cycle in the ward folder: enrolment.csv,
quotas_published.csv and the facility columns of schools.csv — loaded typed, bad cells reported
with file, row, column and fix in both languages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from ward_builder import valid_tables, write_ward

from tuyensinh.ward import load_ward
from tuyensinh.ward.errors import WardDataError


def folder_with(
    tmp_path: Path,
    enrolment: str | None = None,
    quotas: str | None = None,
    schools_extra: dict[str, list[object]] | None = None,
) -> Path:
    tables = valid_tables()
    if schools_extra:
        schools = tables["schools"].copy()
        for column, values in schools_extra.items():
            schools[column] = values
        tables["schools"] = schools
    folder = write_ward(tmp_path / "ward", tables)
    if enrolment is not None:
        (folder / "enrolment.csv").write_text(enrolment, encoding="utf-8")
    if quotas is not None:
        (folder / "quotas_published.csv").write_text(quotas, encoding="utf-8")
    return folder


def test_cycle_tables_and_facility_columns_load(tmp_path: Path) -> None:
    enrolment = (
        "school_id,school_year,grade,pupils,sector,birth_year,completed\n"
        "TH01,2024,lop_1,40,,2018,\nTH01,2023,lop_5,38,public,2013,37\nTU1,2024,lop_1,5,private,2018,\n"
    )
    quotas = "school_id,grade,school_year,pupils,classes\nTH01,lop_1,2024,42,2\n"
    ward = load_ward(
        folder_with(tmp_path, enrolment, quotas, {"teachers": [12, 20, ""], "permanent_classrooms": [5, 8, 10]})
    )
    assert ward.enrolment is not None and len(ward.enrolment) == 3
    assert ward.enrolment["sector"].tolist() == ["public", "public", "private"]  # blank = public
    assert ward.enrolment["completed"].iloc[1] == 37 and pd.isna(ward.enrolment["completed"].iloc[0])
    assert ward.quotas_published is not None and ward.quotas_published["pupils"].tolist() == [42]
    assert ward.schools["teachers"].iloc[0] == 12 and pd.isna(ward.schools["teachers"].iloc[2])
    assert ward.optional_files["enrolment"] and ward.optional_files["quotas_published"]


def test_bad_cycle_cells_are_reported_with_row_column_and_fix(tmp_path: Path) -> None:
    enrolment = (
        "school_id,school_year,grade,pupils,sector,birth_year,completed\n"
        "TH01,2024,lop_10,40,,2018,\n"  # row 2: unknown grade
        "TH09,2024,lop_1,40,public,2018,\n"  # row 3: unknown public school
        "TH01,2024,lop_2,-4,cong,2017,\n"  # row 4: negative pupils, unknown sector
        "TH01,2023,lop_5,38,public,1980,39\n"
    )  # row 5: birth year odd, completed > pupils
    quotas = "school_id,grade,school_year,pupils\nTH01,lop_2,2024,42\n"  # lop_2 is not an entry grade
    folder = folder_with(
        tmp_path, enrolment, quotas, {"teachers": [12, "mười", 3.5], "permanent_classrooms": [50, 8, 10]}
    )
    with pytest.raises(WardDataError) as caught:
        load_ward(folder)
    found = {(p.file, p.row, p.column) for p in caught.value.problems}
    assert ("enrolment.csv", 2, "grade") in found
    assert ("enrolment.csv", 3, "school_id") in found
    assert ("enrolment.csv", 4, "pupils") in found and ("enrolment.csv", 4, "sector") in found
    assert ("enrolment.csv", 5, "birth_year") in found and ("enrolment.csv", 5, "completed") in found
    assert ("quotas_published.csv", 2, "grade") in found
    assert ("schools.csv", 3, "teachers") in found and ("schools.csv", 4, "teachers") in found
    assert ("schools.csv", 2, "permanent_classrooms") in found
    grade = next(p for p in caught.value.problems if p.column == "grade" and p.file == "enrolment.csv")
    assert "lop_10" in grade.message_vi and "mã" in grade.message_vi and "lop_1" in grade.fix
    permanent = next(p for p in caught.value.problems if p.column == "permanent_classrooms")
    assert "kiên cố" in permanent.message_vi and "(50)" in permanent.message
