"""Entry quotas (chỉ tiêu tuyển sinh) per school × entry grade × school year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from capacity import QUOTA_COLUMNS, enrollment_demand, load_norms, quotas
from capacity.grades import GRADE_LEVEL, LEVEL_GRADES

NORMS = load_norms()


def demand_rows(values: dict[str, float], quarter: str = "Q0", year: int = 2027) -> pd.DataFrame:
    """Demand of one quarter: `values` per grade, 0 for the other grades of the same levels."""
    levels = {GRADE_LEVEL[g] for g in values}
    rows = []
    for level in sorted(levels):
        for g in LEVEL_GRADES[level]:
            v = float(values.get(g, 0.0))
            rows.append((quarter, year, level, g, 0, v, v * 0.9, v * 1.1, v * 0.8, v * 1.2))
    return pd.DataFrame(
        rows, columns=["quarter_id", "school_year", "level", "grade", "age", "mean", "lo80", "hi80", "lo95", "hi95"]
    )


def test_grade_1_and_6_quotas_round_places_up():
    demand = pd.concat([demand_rows({"lop_1": 70.2, "lop_2": 60.0}), demand_rows({"lop_6": 90.0})])
    schools = pd.DataFrame({"school_id": ["TH1", "CS1"], "level": ["tieu_hoc", "thcs"], "classrooms": [10, 10]})
    zones = pd.DataFrame({"quarter_id": ["Q0", "Q0"], "level": ["tieu_hoc", "thcs"], "school_id": ["TH1", "CS1"]})
    table = quotas(demand, zones, schools, NORMS)
    assert list(table.columns) == list(QUOTA_COLUMNS)
    assert list(table["grade"]) == ["lop_1", "lop_6"]  # only entry grades
    th = table.set_index("grade").loc["lop_1"]
    assert (th["pupils"], th["classes"], th["max_class_size"]) == (71, 3, 35)  # 70.2 → 71 places → 3 classes
    cs = table.set_index("grade").loc["lop_6"]
    assert (cs["pupils"], cs["classes"]) == (90, 2)


def test_preschool_quota_for_every_age_group_with_mixed_groups():
    demand = demand_rows(
        {"nt_3_12m": 4.2, "nt_13_24m": 18.0, "nt_25_36m": 26.0, "mg_3_4": 10.0, "mg_4_5": 12.0, "mg_5_6": 71.0}
    )
    schools = pd.DataFrame({"school_id": ["MN1"], "level": ["mam_non"], "classrooms": [10]})
    zones = pd.DataFrame({"quarter_id": ["Q0"], "level": ["mam_non"], "school_id": ["MN1"]})
    table = quotas(demand, zones, schools, NORMS).set_index("grade")
    assert list(table.index) == list(LEVEL_GRADES["mam_non"])
    assert table["pupils"].tolist() == [5, 18, 26, 10, 12, 71]
    # 5 babies (< 7.5) + 18 toddlers = 23 > 15: merging saves nothing; 26 → 2 groups at 25
    assert table["classes"].tolist() == [1, 1, 2, 1, 0, 3]
    assert table.loc["mg_3_4", "mixed_with"] == "mg_4_5" and table.loc["mg_4_5", "mixed_with"] == "mg_3_4"
    assert table.loc["mg_5_6", "mixed_with"] == ""


def test_quotas_cover_the_demand_and_respect_class_limits():
    rng = np.random.default_rng(3)
    q, y, a = np.meshgrid([f"Q{i}" for i in range(4)], [2027, 2028], np.arange(19), indexing="ij")
    mean = rng.gamma(3.0, 10.0, size=q.shape)
    forecast = pd.DataFrame(
        {
            "quarter_id": q.ravel(),
            "year": y.ravel(),
            "age": a.ravel(),
            "mean": mean.ravel(),
            "lo80": mean.ravel() * 0.9,
            "hi80": mean.ravel() * 1.1,
            "lo95": mean.ravel() * 0.8,
            "hi95": mean.ravel() * 1.2,
        }
    )
    demand = enrollment_demand(forecast, NORMS)
    schools = pd.DataFrame(
        {
            "school_id": ["MN1", "TH1", "TH2", "CS1"],
            "level": ["mam_non", "tieu_hoc", "tieu_hoc", "thcs"],
            "classrooms": [10, 10, 10, 10],
            "closes": [np.nan, np.nan, 2028, np.nan],
        }
    )
    zones = pd.concat(
        [
            pd.DataFrame(
                {"quarter_id": [f"Q{i}" for i in range(4)], "level": "mam_non", "school_id": "MN1", "share": 1.0}
            ),
            pd.DataFrame(
                {"quarter_id": [f"Q{i}" for i in range(4)], "level": "tieu_hoc", "school_id": "TH1", "share": 1.0}
            ),
            pd.DataFrame(
                {"quarter_id": [f"Q{i}" for i in range(4)], "level": "thcs", "school_id": "CS1", "share": 1.0}
            ),
        ]
    )
    table = quotas(demand, zones, schools, NORMS)
    # TH2 gets nobody and is closed in 2028: no row then; open in 2027: a row with 0 places
    assert table[(table["school_id"] == "TH2")]["school_year"].tolist() == [2027]
    assert table.loc[table["school_id"] == "TH2", "pupils"].tolist() == [0]
    for grade in ("lop_1", "lop_6", "mg_5_6"):
        for year in (2027, 2028):
            places = table[(table["grade"] == grade) & (table["school_year"] == year)]["pupils"].sum()
            wanted = demand[(demand["grade"] == grade) & (demand["school_year"] == year)]["mean"].sum()
            assert wanted <= places < wanted + 1
    alone = table[table["mixed_with"] == ""]
    assert (alone["pupils"] <= alone["classes"] * alone["max_class_size"]).all()
    assert (alone["pupils"] > (alone["classes"] - 1) * alone["max_class_size"]).all()
    assert table["pupils"].dtype.kind == "i" and table["classes"].dtype.kind == "i"


def test_quotas_for_chosen_school_years():
    demand = pd.concat([demand_rows({"lop_1": 30.0}, year=y) for y in (2027, 2028)])
    schools = pd.DataFrame({"school_id": ["TH1"], "level": ["tieu_hoc"], "classrooms": [5]})
    zones = pd.DataFrame({"quarter_id": ["Q0"], "level": ["tieu_hoc"], "school_id": ["TH1"]})
    assert quotas(demand, zones, schools, NORMS, school_years=[2028])["school_year"].tolist() == [2028]
    with pytest.raises(ValueError, match="shares of a quarter and level must sum to 1"):
        quotas(demand, zones.assign(share=0.5), schools, NORMS)
