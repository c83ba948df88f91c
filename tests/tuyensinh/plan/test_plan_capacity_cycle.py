"""The plan's capacity cycle on the sample wards: Phước Bình (facility columns, enrolment.csv,
quotas_published.csv) exercises every path; Thiện Hòa (none of them) still runs and says what
data would enable the missing outputs."""

from __future__ import annotations

import openpyxl
import pandas as pd

from tuyensinh.plan import PlanResult

VI_SHEETS = [
    "Giáo viên",
    "Kế hoạch đầu tư theo năm",
    "Xây dựng theo trường",
    "Cơ sở vật chất",
    "Lớp ghép",
    "Báo cáo tuyển sinh 15-8",
    "Độ chính xác dự báo",
    "Tỷ lệ sử dụng",
    "Phổ cập giáo dục",
    "Dữ liệu còn thiếu",
]


def test_full_cycle_on_phuoc_binh(vi_run: tuple[PlanResult, list[str]]) -> None:
    result, _ = vi_run
    out = result.out
    for name in (
        "building_programme.csv",
        "building_by_year.csv",
        "facilities.csv",
        "mixed_classes.csv",
        "intake_report.csv",
        "intake_accuracy.csv",
        "rates_used.csv",
        "universalisation.csv",
        "data_coverage.csv",
        "capacity_plan.xlsx",
    ):
        assert (out / name).is_file(), name
    capacity = pd.read_csv(out / "capacity.csv")
    assert {"teachers_needed", "teachers", "teacher_shortfall", "first_teacher_short_year"} <= set(capacity.columns)
    assert capacity["teachers"].notna().any() and capacity["teacher_shortfall"].notna().any()
    coverage = pd.read_csv(out / "data_coverage.csv").set_index("feature")
    assert coverage.loc[
        ["teacher_shortfall", "intake_report", "rates_from_enrolment", "completion_indicators"], "enabled"
    ].all()
    rates = pd.read_csv(out / "rates_used.csv")
    assert set(rates["source"]) <= {"data", "data + norm table", "norm table", "ward.toml"}
    assert (rates["source"] != "norm table").any()  # the enrolment table moved the rates
    accuracy = pd.read_csv(out / "intake_accuracy.csv")
    assert ((accuracy["accuracy"] > 0.5) & (accuracy["accuracy"] <= 1)).all()
    universal = pd.read_csv(out / "universalisation.csv")
    latest = universal[universal["school_year"] == universal["school_year"].max()].set_index("indicator")
    assert latest[["value"]].notna().all().all()  # every indicator computed for the latest year
    programme = pd.read_csv(out / "building_programme.csv")
    assert set(programme["item"]) == {"classroom", "functional_room", "permanent_rebuild"}
    assert (programme["cost_million_vnd"] == programme["rooms"] * programme["unit_cost_million_vnd"]).all()
    wb = openpyxl.load_workbook(out / "capacity_plan.xlsx")
    assert wb.sheetnames == VI_SHEETS
    assert wb["Giáo viên"].cell(row=3, column=1).value == "Mã trường"
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Giáo viên, cơ sở vật chất và kinh phí đầu tư" in page and "Phổ cập giáo dục, năm học" in page
    assert "Chưa có tệp enrolment.csv" not in page


def test_ward_without_cycle_data_runs_and_says_what_is_missing(en_run: PlanResult) -> None:
    out = en_run.out
    assert not (out / "intake_report.csv").exists() and not (out / "universalisation.csv").exists()
    coverage = pd.read_csv(out / "data_coverage.csv").set_index("feature")
    assert not coverage.loc["teacher_shortfall", "enabled"] and not coverage.loc["intake_report", "enabled"]
    capacity = pd.read_csv(out / "capacity.csv")
    assert capacity["teachers_needed"].gt(0).any() and capacity["teachers"].isna().all()
    wb = openpyxl.load_workbook(out / "capacity_plan.xlsx")
    assert wb.sheetnames[0] == "Teachers"
    assert "enrolment.csv" in str(wb["Intake report 15 Aug"]["A3"].value)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "No enrolment.csv (actual enrolment)" in page
    assert "column teachers in schools.csv" in page
    mixed = pd.read_csv(out / "mixed_classes.csv")
    assert mixed["long_lasting"].any()  # the satellite site keeps a mixed class for years
