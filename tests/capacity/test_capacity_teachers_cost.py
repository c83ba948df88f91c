"""Teachers, the costed building programme, facilities against the standard and lớp ghép runs:
hand-computed cases, the conservation of rooms, and the records of bad school columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from capacity import analyze, load_norms
from capacity.building import building_by_year, building_programme
from capacity.classes import check_schools, classes_by_grade
from capacity.facilities import facility_standard, mixed_class_runs
from capacity.grades import LEVEL_GRADES
from capacity.table_checks import TableError
from capacity.teachers import round_teachers, teacher_needs

NORMS = load_norms()


def demand_rows(pupils: dict[tuple[int, str], float], quarter: str = "Q1") -> pd.DataFrame:
    """Demand of one quarter: {(school_year, grade): pupils}, every grade of the levels present."""
    from capacity.grades import GRADE_LEVEL

    levels = {GRADE_LEVEL[g] for _, g in pupils}
    years = sorted({y for y, _ in pupils})
    rows = []
    for year in years:
        for level in levels:
            for grade in LEVEL_GRADES[level]:
                v = float(pupils.get((year, grade), 0.0))
                rows.append((quarter, year, level, grade, 0, v, v, v, v, v))
    return pd.DataFrame(
        rows, columns=["quarter_id", "school_year", "level", "grade", "age", "mean", "lo80", "hi80", "lo95", "hi95"]
    )


def test_staffing_norm_figures_and_their_status():
    assert list(NORMS.teachers_per_class("tieu_hoc", 2)) == [1.5] * 5
    assert list(NORMS.teachers_per_class("tieu_hoc", 1)) == [1.2] * 5
    assert list(NORMS.teachers_per_class("thcs", 2)) == [1.9] * 4
    assert list(NORMS.teachers_per_class("mam_non", 2)) == [2.5, 2.5, 2.5, 2.2, 2.2, 2.2]
    assert list(NORMS.teachers_per_class("mam_non", 1)) == [2.5, 2.5, 2.5, 1.2, 1.2, 1.2]
    rows = NORMS.table[NORMS.table["key"] == "teachers_per_class"]
    assert set(rows["document"].str.contains("TT 19/2023|TT 20/2023")) == {True}
    assert (rows["status"] == "unverified").all()  # not read in the official text: says so
    costs = NORMS.table[NORMS.table["key"].isin(["classroom_cost", "functional_room_cost"])]
    assert (costs["status"] == "assumption").all() and costs["note"].str.startswith("ASSUMPTION").all()


def test_rounding_half_up():
    assert list(round_teachers([10.5, 10.4, 0.0, 7.6])) == [11, 10, 0, 8]


def test_teachers_hand_computed_in_analyze():
    # TH1, two sessions: grade 1 71 pupils → 3 classes, grade 2 35 → 1: 4 classes × 1.5 = 6 teachers
    # TH2, one session: grade 1 36 → 2 classes × 1.2 = 2.4 → 2 teachers
    schools = pd.DataFrame(
        {
            "school_id": ["TH1", "TH2"],
            "level": "tieu_hoc",
            "classrooms": [10, 10],
            "sessions_per_day": [2, 1],
            "teachers": [5, np.nan],
        }
    )
    demand = pd.concat(
        [demand_rows({(2027, "lop_1"): 71, (2027, "lop_2"): 35}, "Q1"), demand_rows({(2027, "lop_1"): 36}, "Q2")],
        ignore_index=True,
    )
    zones = pd.DataFrame({"quarter_id": ["Q1", "Q2"], "level": "tieu_hoc", "school_id": ["TH1", "TH2"]})
    table = analyze(demand, zones, schools, NORMS).set_index("school_id")
    assert table.loc["TH1", "classes"] == 4 and table.loc["TH1", "teachers_norm"] == pytest.approx(6.0)
    assert table.loc["TH1", "teachers_needed"] == 6 and table.loc["TH1", "teachers"] == 5
    assert table.loc["TH1", "teacher_shortfall"] == 1 and table.loc["TH1", "first_teacher_short_year"] == 2027
    assert table.loc["TH2", "teachers_norm"] == pytest.approx(2.4) and table.loc["TH2", "teachers_needed"] == 2
    assert pd.isna(table.loc["TH2", "teachers"]) and pd.isna(table.loc["TH2", "teacher_shortfall"])


def test_preschool_teachers_by_block_and_mixed_group_counts_once():
    # nhà trẻ 25–36 m: 30 children → 2 groups × 2.5 = 5; mẫu giáo 5–6: 35 → 1 class × 2.2;
    # mẫu giáo 3–4: 10 and 4–5: 12 (< half their limits) → one mixed class × 2.2. Total 9.4 → 9.
    schools = pd.DataFrame({"school_id": ["MN1"], "level": "mam_non", "classrooms": [8], "teachers": [12]})
    demand = demand_rows({(2027, "nt_25_36m"): 30, (2027, "mg_3_4"): 10, (2027, "mg_4_5"): 12, (2027, "mg_5_6"): 35})
    zones = pd.DataFrame({"quarter_id": ["Q1"], "level": "mam_non", "school_id": ["MN1"]})
    row = analyze(demand, zones, schools, NORMS).iloc[0]
    assert row["classes"] == 4
    assert row["teachers_norm"] == pytest.approx(9.4) and row["teachers_needed"] == 9
    assert row["teacher_shortfall"] == 0 and pd.isna(row["first_teacher_short_year"])
    # the same from classes per grade (the standalone function)
    from capacity.analyze import pupils_by_school

    by_grade = classes_by_grade(pupils_by_school(demand, zones, schools), schools, NORMS)
    alone = teacher_needs(by_grade, schools, NORMS).iloc[0]
    assert alone["teachers_norm"] == pytest.approx(9.4) and alone["teachers_needed"] == 9


def shortfall_capacity() -> pd.DataFrame:
    """A capacity table by hand: TH1 short 2, 1, 3, 3 rooms in 2026–2029; CS1 never short."""
    return pd.DataFrame(
        {
            "school_id": ["TH1"] * 4 + ["CS1"] * 4,
            "level": ["tieu_hoc"] * 4 + ["thcs"] * 4,
            "school_year": [2026, 2027, 2028, 2029] * 2,
            "room_shortfall": [2, 1, 3, 3, 0, 0, 0, 0],
            "rooms_available": [10] * 8,
            "pupils_mean": [420, 400, 460, 460, 300, 300, 300, 300],
            "classes": [12, 11, 13, 13, 7, 7, 7, 7],
        }
    )


def test_building_programme_hand_computed():
    schools = pd.DataFrame(
        {
            "school_id": ["TH1", "CS1"],
            "level": ["tieu_hoc", "thcs"],
            "classrooms": [10, 10],
            "permanent_classrooms": [10, 5],
            "functional_rooms": [4, np.nan],
        }
    )
    prog = building_programme(shortfall_capacity(), schools, NORMS)
    new = prog[prog["item"] == "classroom"].set_index("school_year")["rooms"]
    # built to date: 2, 2, 3, 3 → due 2 (2026), 1 (2028); Σ = the largest shortfall
    assert new.to_dict() == {2026: 2, 2028: 1}
    functional = prog[prog["item"] == "functional_room"]
    assert functional[["school_id", "school_year", "rooms"]].values.tolist() == [["TH1", 2026, 2]]  # 6 − 4
    rebuild = prog[prog["item"] == "permanent_rebuild"]
    # CS1: 5 non-permanent rooms over 2026–2030 (5 years) → 1 a year; TH1 already all permanent
    assert set(rebuild["school_id"]) == {"CS1"} and rebuild["rooms"].tolist() == [1, 1, 1, 1, 1]
    assert rebuild["school_year"].tolist() == [2026, 2027, 2028, 2029, 2030]
    th_cost = NORMS.room_cost("tieu_hoc")
    assert prog.loc[prog["item"] == "classroom", "cost_million_vnd"].sum() == pytest.approx(3 * th_cost)
    assert functional["cost_million_vnd"].iloc[0] == pytest.approx(2 * NORMS.room_cost("tieu_hoc", "functional"))
    by_year = building_by_year(prog, [2026, 2027, 2028, 2029, 2030])
    total = by_year[(by_year["level"] == "all")].groupby("school_year")["cost_million_vnd"].sum()
    assert total.sum() == pytest.approx(prog["cost_million_vnd"].sum())
    last = by_year[(by_year["level"] == "all") & (by_year["school_year"] == 2030)]
    assert last["cost_to_date_million_vnd"].sum() == pytest.approx(prog["cost_million_vnd"].sum())


def test_unit_cost_override_from_ward_toml():
    norms = load_norms({"classroom_cost": {"tieu_hoc": 1500}})
    schools = pd.DataFrame({"school_id": ["TH1", "CS1"], "level": ["tieu_hoc", "thcs"], "classrooms": [10, 10]})
    prog = building_programme(shortfall_capacity(), schools, norms)
    assert prog["unit_cost_million_vnd"].unique().tolist() == [1500.0]
    assert prog["cost_million_vnd"].sum() == pytest.approx(3 * 1500)


def test_facilities_hand_computed():
    schools = pd.DataFrame(
        {
            "school_id": ["TH1", "CS1"],
            "level": ["tieu_hoc", "thcs"],
            "classrooms": [10, 10],
            "permanent_classrooms": [8, np.nan],
            "land_m2": [4000, 2000],
            "boarders": [20, np.nan],
        }
    )
    table = facility_standard(shortfall_capacity(), schools, NORMS, setting="rural")
    th = table[(table["school_id"] == "TH1") & (table["school_year"] == 2026)].iloc[0]
    assert th["permanent_share"] == pytest.approx(0.8) and th["permanent_short_rooms"] == 2
    # land norm (rural primary) 420 × 10 + 20 boarders × 6 = 4,320 m² > 4,000
    assert th["land_norm_m2"] == pytest.approx(4320) and not th["land_ok"]
    assert th["size_flag"] == "ok"  # 12 classes within 10–30
    cs = table[(table["school_id"] == "CS1") & (table["school_year"] == 2026)].iloc[0]
    assert cs["size_flag"] == "small"  # 7 classes < 8
    assert pd.isna(cs["permanent_share"]) and pd.isna(cs["permanent_short_rooms"])
    assert cs["land_norm_m2"] == pytest.approx(3000) and not cs["land_ok"]
    assert pd.isna(cs["functional_short"])


def test_semi_boarding_and_large_school():
    capacity = pd.DataFrame(
        {
            "school_id": ["MN1"],
            "level": ["mam_non"],
            "school_year": [2027],
            "room_shortfall": [0],
            "rooms_available": [25],
            "pupils_mean": [640.4],
            "classes": [22],
        }
    )
    schools = pd.DataFrame(
        {"school_id": ["MN1"], "level": ["mam_non"], "classrooms": [25], "semi_boarding_places": [600]}
    )
    row = facility_standard(capacity, schools, NORMS).iloc[0]
    assert row["semi_boarding_demand"] == pytest.approx(640.4) and row["semi_boarding_short"] == 41
    assert row["size_flag"] == "large"  # 22 > 20


def test_mixed_class_runs_flag_more_than_one_year():
    classes = pd.DataFrame(
        {
            "school_id": ["TH3"] * 6 + ["TH4"] * 2,
            "level": "tieu_hoc",
            "grade": ["lop_1", "lop_2", "lop_1", "lop_2", "lop_2", "lop_3", "lop_4", "lop_5"],
            "school_year": [2026, 2026, 2027, 2027, 2029, 2029, 2027, 2027],
            "classes": [1, 0, 1, 0, 1, 0, 1, 0],
            "class_group": ["lop_1+lop_2"] * 4 + ["lop_2+lop_3"] * 2 + ["lop_4+lop_5"] * 2,
        }
    )
    runs = mixed_class_runs(classes)
    assert runs[["school_id", "first_year", "last_year", "years", "long_lasting"]].values.tolist() == [
        ["TH3", 2026, 2027, 2, True],
        ["TH3", 2029, 2029, 1, False],
        ["TH4", 2027, 2027, 1, False],
    ]
    assert runs["class_groups"].iloc[0] == "lop_1+lop_2 (2026, 2027)"


def test_bad_school_columns_are_precise_records():
    schools = pd.DataFrame(
        {
            "school_id": ["A", "B", "C"],
            "level": "tieu_hoc",
            "classrooms": [10, 10, 10],
            "teachers": ["12", "many", "3.5"],
            "permanent_classrooms": [4, 12, np.nan],
            "land_m2": [-5, 100, 100],
        }
    )
    with pytest.raises(TableError) as caught:
        check_schools(schools)
    problems = {(p.column, p.kind, p.rows) for p in caught.value.problems}
    assert ("teachers", "not_number", (3,)) in problems
    assert ("teachers", "not_whole", (4,)) in problems
    assert ("permanent_classrooms", "above_column", (3,)) in problems
    assert ("land_m2", "below_minimum", (2,)) in problems
    assert "schools: column 'teachers' must be a number" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_programme_matches_the_summary_and_conserves_rooms():
    """Σ new classrooms due up to Y = the summary's new_rooms_to_date; teachers never below classes × the
    smallest ratio; the rooms and capacity invariants of analyze still hold with the new columns."""
    from capacity import enrollment_demand, ward_summary

    rng = np.random.default_rng(3)
    q, y, a = np.meshgrid([f"Q{i}" for i in range(5)], [2026, 2027, 2028, 2029, 2030], np.arange(15), indexing="ij")
    mean = rng.gamma(4.0, 9.0, size=q.shape) * (1 + 0.15 * (y - 2026))
    fc = pd.DataFrame(
        {
            "quarter_id": q.ravel(),
            "year": y.ravel(),
            "age": a.ravel(),
            "mean": mean.ravel(),
            "lo80": 0.9 * mean.ravel(),
            "hi80": 1.1 * mean.ravel(),
            "lo95": 0.85 * mean.ravel(),
            "hi95": 1.15 * mean.ravel(),
        }
    )
    schools = pd.DataFrame(
        {
            "school_id": ["MN1", "TH1", "TH2", "CS1"],
            "level": ["mam_non", "tieu_hoc", "tieu_hoc", "thcs"],
            "classrooms": [6, 5, 4, 4],
            "sessions_per_day": [2, 2, 1, 2],
            "teachers": [10, 8, 6, 9],
        }
    )
    zones = pd.DataFrame(
        [
            (f"Q{i}", lv, s, sh)
            for i in range(5)
            for lv, s, sh in [
                ("mam_non", "MN1", 1.0),
                ("tieu_hoc", "TH1", 0.6),
                ("tieu_hoc", "TH2", 0.4),
                ("thcs", "CS1", 1.0),
            ]
        ],
        columns=["quarter_id", "level", "school_id", "share"],
    )
    demand = enrollment_demand(fc, NORMS)
    table = analyze(demand, zones, schools, NORMS)
    assert (table["room_shortfall"] == np.maximum(table["rooms_needed"] - table["rooms_available"], 0)).all()
    assert table["pupils_mean"].sum() == pytest.approx(demand["mean"].sum())  # no child lost or counted twice
    assert (table["teachers_needed"] >= np.floor(table["classes"] * 1.2)).all()
    assert (table["teacher_shortfall"] == np.maximum(table["teachers_needed"] - table["teachers"], 0)).all()
    summary = ward_summary(table, demand, zones, schools, NORMS)
    prog = building_programme(table, schools, NORMS)
    rooms = (
        prog[prog["item"] == "classroom"].groupby("school_year")["rooms"].sum().reindex(range(2026, 2031), fill_value=0)
    )
    to_date = summary[summary["level"] == "all"].set_index("school_year")["new_rooms_to_date"]
    assert table["room_shortfall"].sum() > 0
    assert rooms.cumsum().tolist() == to_date.tolist()


def test_summary_sums_teachers_and_leaves_unknown_blank():
    schools = pd.DataFrame(
        {
            "school_id": ["TH1", "TH2"],
            "level": "tieu_hoc",
            "classrooms": [10, 10],
            "sessions_per_day": [2, 1],
            "teachers": [5, np.nan],
        }
    )
    demand = pd.concat(
        [demand_rows({(2027, "lop_1"): 71, (2027, "lop_2"): 35}, "Q1"), demand_rows({(2027, "lop_1"): 36}, "Q2")],
        ignore_index=True,
    )
    zones = pd.DataFrame({"quarter_id": ["Q1", "Q2"], "level": "tieu_hoc", "school_id": ["TH1", "TH2"]})
    from capacity import ward_summary

    table = analyze(demand, zones, schools, NORMS)
    row = ward_summary(table, demand, zones, schools, NORMS).set_index("level").loc["tieu_hoc"]
    assert row["teachers_needed"] == 8 and row["teachers"] == 5 and row["teachers_short"] == 1  # 6 + 2; TH1 short 1
    blank = (
        ward_summary(table, demand, zones, schools.drop(columns=["teachers"]), NORMS).set_index("level").loc["tieu_hoc"]
    )
    assert blank["teachers_needed"] == 8
    none = analyze(demand, zones, schools.drop(columns=["teachers"]), NORMS)
    row = ward_summary(none, demand, zones, schools, NORMS).set_index("level").loc["tieu_hoc"]
    assert pd.isna(row["teachers"]) and pd.isna(row["teachers_short"])


def test_staffing_and_threshold_overrides_from_ward_toml():
    from capacity.norms import NormOverrideError

    norms = load_norms(
        {
            "teachers_per_class": {"sessions_2": 1.4, "thcs": 1.8, "mam_non": {"nha_tre": 2.0}},
            "universal_min": {"grade1_age6_m3": 0.99},
        }
    )
    assert list(norms.teachers_per_class("tieu_hoc", 2)) == [1.4] * 5
    assert list(norms.teachers_per_class("tieu_hoc", 1)) == [1.2] * 5
    assert list(norms.teachers_per_class("thcs")) == [1.8] * 4
    assert list(norms.teachers_per_class("mam_non")) == [2.0, 2.0, 2.0, 2.2, 2.2, 2.2]
    thresholds = norms.universal_thresholds().set_index(["indicator", "degree"])
    assert thresholds.loc[("grade1_age6", 3), "minimum"] == 0.99
    assert thresholds.loc[("grade1_age6", 3), "source"].startswith("ward.toml")
    with pytest.raises(NormOverrideError) as caught:
        load_norms({"teachers_per_class": {"thcs": 9}, "functional_rooms_min": {"thcs": 2.5}})
    kinds = {(p.section, p.kind) for p in caught.value.problems}
    assert ("norms.teachers_per_class", "out_of_range") in kinds and (
        "norms.functional_rooms_min",
        "not_whole",
    ) in kinds
