"""Classes per grade (mixed-age and mixed-grade rules), rooms per class, rooms available."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from capacity import classes_by_grade, effective_limits, load_norms, rooms_available, rooms_needed
from capacity.classes import ceil_classes, check_schools, level_classes

NORMS = load_norms()
PRESCHOOL_LIMITS = np.array([[15, 20, 25, 25, 30, 35]], float)


def test_71_pupils_at_35_need_3_classes():
    classes, _ = level_classes("tieu_hoc", np.array([[71, 0, 0, 0, 0]], float), np.full((1, 5), 35.0), NORMS)
    assert classes.tolist() == [[3, 0, 0, 0, 0]]
    assert ceil_classes(np.array([70.0, 70 + 1e-12, 70.01, 0.0]), 35).tolist() == [2, 2, 3, 0]


def test_preschool_group_under_half_is_merged_with_its_neighbour():
    # mẫu giáo 3–4: 10 children (< 12.5 = half of 25); 4–5: 12 (< 15); together 22 ≤ 25 (youngest cap)
    pupils = np.array([[0, 0, 0, 10, 12, 40]], float)
    classes, group = level_classes("mam_non", pupils, PRESCHOOL_LIMITS, NORMS)
    assert classes.tolist() == [[0, 0, 0, 1, 0, 2]]  # the mixed class is counted on its youngest age
    assert group.tolist() == [[0, 1, 2, 3, 3, 5]]


def test_merge_uses_the_youngest_cap_and_only_when_it_saves_a_class():
    # 10 (under half of 25) + 20 = 30 > 25 → a mixed group would need 2 classes: keep them apart
    classes, group = level_classes("mam_non", np.array([[0, 0, 0, 10, 20, 0]], float), PRESCHOOL_LIMITS, NORMS)
    assert classes.tolist() == [[0, 0, 0, 1, 1, 0]]
    assert group.tolist() == [[0, 1, 2, 3, 4, 5]]
    # nhà trẻ: 5 babies (< 7.5), 8 toddlers (< 10) and 6 (< 12.5) → one mixed group of 19 > 15 (youngest cap)
    # would need 2, as many as {3–12 m + 13–24 m} (13 ≤ 15) + {25–36 m}: the first grouping with 2 wins
    classes, group = level_classes("mam_non", np.array([[5, 8, 6, 0, 0, 0]], float), PRESCHOOL_LIMITS, NORMS)
    assert classes.sum() == 2
    assert group.tolist() == [[0, 0, 2, 3, 4, 5]]


def test_no_merge_when_no_group_is_under_half_or_across_blocks():
    # 13 ≥ 12.5 and 15 = half of 30 (not under): two classes although 28 would fit in 30
    classes, _ = level_classes("mam_non", np.array([[0, 0, 0, 13, 15, 0]], float), PRESCHOOL_LIMITS, NORMS)
    assert classes.sum() == 2
    # nhà trẻ 25–36 months and mẫu giáo 3–4 are never mixed (different blocks)
    classes, _ = level_classes("mam_non", np.array([[0, 0, 5, 5, 0, 0]], float), PRESCHOOL_LIMITS, NORMS)
    assert classes.tolist() == [[0, 0, 1, 1, 0, 0]]


def test_primary_mixed_grade_class_of_at_most_15_pupils_and_2_grades():
    limits = np.full((3, 5), 35.0)
    pupils = np.array(
        [
            [8, 6, 20, 20, 20],  # 8 + 6 = 14 ≤ 15 → one mixed class
            [8, 8, 20, 20, 20],  # 16 > 15 → separate
            [5, 4, 3, 0, 0],  # at most two grades per class: 2 classes, not 1
        ],
        float,
    )
    classes, group = level_classes("tieu_hoc", pupils, limits, NORMS)
    assert classes.sum(axis=1).tolist() == [4, 5, 2]
    assert group[0].tolist() == [0, 0, 2, 3, 4]


def test_thcs_has_no_mixed_classes():
    classes, _ = level_classes("thcs", np.array([[5, 5, 5, 5]], float), np.full((1, 4), 45.0), NORMS)
    assert classes.sum() == 4


def test_two_session_rule_one_session_needs_half_the_rooms():
    assert rooms_needed(np.array([8, 7, 7, 0]), np.array([2, 2, 1, 1]), NORMS).tolist() == [8, 7, 4, 0]
    assert rooms_needed(np.array([8]), np.array([1]), NORMS).tolist() == [4]


def schools_table(**extra) -> pd.DataFrame:
    base = {"school_id": ["TH1", "TH2", "TH3"], "level": ["tieu_hoc"] * 3, "classrooms": [20, 12, 6]}
    base.update(extra)
    return pd.DataFrame(base)


def test_school_not_yet_open_or_closed_has_no_rooms():
    schools = schools_table(opens=[np.nan, 2029, np.nan], closes=[np.nan, np.nan, 2028])
    grid = rooms_available(schools, [2027, 2028, 2029]).set_index(["school_id", "school_year"])["rooms_available"]
    assert grid.loc[("TH1", 2027)] == 20 and grid.loc[("TH1", 2029)] == 20
    assert grid.loc[("TH2", 2028)] == 0 and grid.loc[("TH2", 2029)] == 12  # opens in September 2029
    assert grid.loc[("TH3", 2027)] == 6 and grid.loc[("TH3", 2028)] == 0  # closed from 2028


def test_school_limit_lowers_the_norm_and_never_raises_it():
    schools = pd.DataFrame(
        {
            "school_id": ["CS1", "MN1", "CS2"],
            "level": ["thcs", "mam_non", "thcs"],
            "classrooms": [10, 10, 10],
            "max_class_size": [40, 20, 50],
        }
    )
    with pytest.warns(UserWarning, match="CS2"):
        limits = effective_limits(schools, NORMS).set_index(["school_id", "grade"])["max_class_size"]
    assert limits.loc[("CS1", "lop_6")] == 40
    assert limits.loc[("CS2", "lop_6")] == 45
    assert limits.loc[("MN1", "nt_3_12m")] == 15 and limits.loc[("MN1", "mg_5_6")] == 20


def test_classes_by_grade_labels_mixed_groups():
    pupils = pd.DataFrame(
        {
            "school_id": "MN1",
            "level": "mam_non",
            "grade": ["nt_3_12m", "nt_13_24m", "nt_25_36m", "mg_3_4", "mg_4_5", "mg_5_6"],
            "school_year": 2027,
            "mean": [0, 0, 30, 10, 12, 71],
            "hi80": [0, 0, 30, 14, 16, 80],
        }
    )
    schools = pd.DataFrame({"school_id": ["MN1"], "level": ["mam_non"], "classrooms": [8]})
    out = classes_by_grade(pupils, schools, NORMS).set_index("grade")
    assert out.loc["mg_3_4", "class_group"] == "mg_3_4+mg_4_5" == out.loc["mg_4_5", "class_group"]
    assert out.loc["mg_5_6", "class_group"] == "mg_5_6"
    assert out["classes"].tolist() == [0, 0, 2, 1, 0, 3]
    # at the upper bound 14 ≥ 12.5 is no longer under half: 14 + 16 kept apart
    assert out["classes_hi80"].tolist() == [0, 0, 2, 1, 1, 3]


@pytest.mark.parametrize(
    ("schools", "expected"),
    [
        (
            pd.DataFrame({"school_id": ["A", "A"], "level": ["thcs"] * 2, "classrooms": [1, 2]}),
            "duplicate school_id in row",
        ),
        (
            pd.DataFrame({"school_id": ["A"], "level": ["THCS"], "classrooms": [1]}),
            "unknown level in row.*column 'level'",
        ),
        (
            pd.DataFrame({"school_id": ["A"], "level": ["thcs"], "classrooms": [-1]}),
            "'classrooms' must be a number ≥ 0",
        ),
        (
            pd.DataFrame({"school_id": ["A"], "level": ["thcs"], "classrooms": [3], "sessions_per_day": [3]}),
            "'sessions_per_day' must be 1 or 2",
        ),
        (pd.DataFrame({"school_id": ["A"], "level": ["thcs"]}), "missing column.*classrooms"),
    ],
)
def test_bad_schools_tables(schools, expected):
    with pytest.raises(ValueError, match=expected):
        rooms_available(schools, [2027])


def test_a_schools_table_checked_again_gives_the_same_result_and_a_changed_one_is_checked_again():
    schools = pd.DataFrame({"school_id": ["A", "B"], "level": ["tieu_hoc", "thcs"], "classrooms": [10, 8]})
    first = check_schools(schools)
    first.loc[0, "classrooms"] = 99.0  # the caller's copy: the remembered result is not touched
    again = check_schools(schools.copy())
    assert again["classrooms"].tolist() == [10.0, 8.0] and again["sessions_per_day"].tolist() == [2, 2]
    schools.loc[1, "classrooms"] = -1  # changed in place: checked again, refused
    with pytest.raises(ValueError, match="classrooms"):
        check_schools(schools)
