"""capacity.analyze: conservation, hand-computed rows, overrides, p_over and flags, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from capacity_forecasts import random_forecast
from scipy.stats import norm as normal

from capacity import CAPACITY_COLUMNS, analyze, enrollment_demand, load_norms, pupils_by_school
from capacity.grades import GRADE_LEVEL, LEVEL_GRADES

NORMS = load_norms()


def two_schools_per_level() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "school_id": ["MN1", "MN2", "TH1", "TH2", "CS1", "CS2"],
            "name": [
                "Trường Mầm non Hoa Sen",
                "Trường Mầm non Sơn Ca",
                "Trường Tiểu học A",
                "Trường Tiểu học B",
                "Trường THCS A",
                "Trường THCS B",
            ],
            "level": ["mam_non", "mam_non", "tieu_hoc", "tieu_hoc", "thcs", "thcs"],
            "classrooms": [20, 10, 25, 8, 12, 6],
            "sessions_per_day": [2, 2, 2, 1, 2, 2],
            "opens": [np.nan, np.nan, np.nan, 2029, np.nan, np.nan],
        }
    )


def split_zones(quarters: int = 6) -> pd.DataFrame:
    rows = []
    for i in range(quarters):
        q = f"Q{i}"
        rows += [(q, "mam_non", "MN1" if i % 2 else "MN2", 1.0)]
        rows += [(q, "tieu_hoc", "TH1", 0.7), (q, "tieu_hoc", "TH2", 0.3)] if i < 3 else [(q, "tieu_hoc", "TH1", 1.0)]
        rows += [(q, "thcs", "CS1", 0.25 + 0.1 * i), (q, "thcs", "CS2", 0.75 - 0.1 * i)]
    return pd.DataFrame(rows, columns=["quarter_id", "level", "school_id", "share"])


def one_grade_demand(grade: str, means, spread=0.1, quarters=None, year: int = 2027) -> pd.DataFrame:
    """Demand with pupils in one grade only (others 0), one row per quarter."""
    quarters = quarters or [f"Q{i}" for i in range(len(means))]
    level = GRADE_LEVEL[grade]
    rows = []
    for q, m in zip(quarters, means, strict=True):
        for g in LEVEL_GRADES[level]:
            v = float(m) if g == grade else 0.0
            rows.append(
                (
                    q,
                    year,
                    level,
                    g,
                    0,
                    v,
                    v * (1 - spread),
                    v * (1 + spread),
                    v * (1 - 1.6 * spread),
                    v * (1 + 1.6 * spread),
                )
            )
    return pd.DataFrame(
        rows, columns=["quarter_id", "school_year", "level", "grade", "age", "mean", "lo80", "hi80", "lo95", "hi95"]
    )


def single_school(level: str, classrooms: int, sessions: int = 2, **extra) -> pd.DataFrame:
    return pd.DataFrame(
        {"school_id": ["S1"], "level": [level], "classrooms": [classrooms], "sessions_per_day": [sessions], **extra}
    )


def zones_to(quarters, level: str, school: str = "S1") -> pd.DataFrame:
    return pd.DataFrame({"quarter_id": list(quarters), "level": level, "school_id": school, "share": 1.0})


# ------------------------------------------------------------------ conservation
def test_no_child_lost_or_double_counted_per_grade_and_year():
    demand = enrollment_demand(random_forecast(), NORMS)
    schools, zones = two_schools_per_level(), split_zones()
    pupils = pupils_by_school(demand, zones, schools)
    for bound in ("mean", "lo80", "hi80", "lo95", "hi95"):
        sent = pupils.groupby(["grade", "school_year"])[bound].sum()
        wanted = demand.groupby(["grade", "school_year"])[bound].sum()
        pd.testing.assert_series_equal(sent.sort_index(), wanted.sort_index(), check_exact=False, rtol=1e-12)
    table = analyze(demand, zones, schools, NORMS)
    by_level = table.groupby(["level", "school_year"])["pupils_mean"].sum()
    wanted = demand.groupby(["level", "school_year"])["mean"].sum()
    pd.testing.assert_series_equal(by_level.sort_index(), wanted.sort_index(), check_names=False, rtol=1e-12)
    # a split quarter sends exactly its shares
    q0 = demand[(demand["quarter_id"] == "Q0") & (demand["level"] == "tieu_hoc") & (demand["school_year"] == 2027)][
        "mean"
    ].sum()
    q_rest = demand[
        (demand["quarter_id"].isin(["Q1", "Q2"])) & (demand["level"] == "tieu_hoc") & (demand["school_year"] == 2027)
    ]["mean"].sum()
    th2 = table[(table["school_id"] == "TH2") & (table["school_year"] == 2027)]["pupils_mean"].iloc[0]
    assert th2 == pytest.approx(0.3 * (q0 + q_rest))


def test_table_has_the_contract_columns_one_row_per_school_and_year():
    demand = enrollment_demand(random_forecast(), NORMS)
    table = analyze(demand, split_zones(), two_schools_per_level(), NORMS, horizon=2029)
    assert list(table.columns[: len(CAPACITY_COLUMNS)]) == list(CAPACITY_COLUMNS)
    assert len(table) == 6 * 3 and table["school_year"].max() == 2029
    assert not table.duplicated(["school_id", "level", "school_year"]).any()
    assert set(table["flag"]) <= {"ok", "tight", "over"}
    assert (table["pupils_lo95"] <= table["pupils_lo80"] + 1e-9).all()
    assert (table["pupils_lo80"] <= table["pupils_mean"] + 1e-9).all()
    assert (table["pupils_mean"] <= table["pupils_hi80"] + 1e-9).all()
    assert (table["classes_lo80"] <= table["classes"]).all() and (table["classes"] <= table["classes_hi80"]).all()


# ------------------------------------------------------------------ hand-computed rows
def test_hand_computed_primary_school():
    demand = one_grade_demand("lop_1", [40.0, 31.0])  # 71 pupils in grade 1
    table = analyze(demand, zones_to(["Q0", "Q1"], "tieu_hoc"), single_school("tieu_hoc", 10), NORMS)
    r = table.iloc[0]
    assert r["pupils_mean"] == pytest.approx(71)
    assert r["classes"] == 3 and r["rooms_needed"] == 3 and r["rooms_available"] == 10
    assert r["room_shortfall"] == 0
    assert r["utilization"] == pytest.approx(3 / 10)  # rooms needed / rooms available
    assert r["seats"] == pytest.approx(350)
    assert r["seat_fill"] == pytest.approx(71 / 350)  # pupils / seats (10 rooms × 35): its own name
    assert r["mean_class_size"] == pytest.approx(71 / 3)
    assert r["p_over"] == pytest.approx(0.0, abs=1e-12)
    assert r["flag"] == "ok" and pd.isna(r["first_short_year"])


def test_two_sessions_rule_in_the_analysis():
    demand = one_grade_demand("lop_2", [140.0])  # 4 classes
    two = analyze(demand, zones_to(["Q0"], "tieu_hoc"), single_school("tieu_hoc", 3, sessions=2), NORMS).iloc[0]
    one = analyze(demand, zones_to(["Q0"], "tieu_hoc"), single_school("tieu_hoc", 3, sessions=1), NORMS).iloc[0]
    assert (two["classes"], two["rooms_needed"], two["room_shortfall"], two["flag"]) == (4, 4, 1, "over")
    assert (one["classes"], one["rooms_needed"], one["room_shortfall"]) == (4, 2, 0)
    assert one["utilization"] == pytest.approx(2 / 3)  # 4 classes, 2 rooms of 3
    assert one["seat_fill"] == pytest.approx(140 / (3 / 0.5 * 35))


def test_school_not_yet_open_has_no_rooms_and_runs_short():
    demand = pd.concat([one_grade_demand("lop_6", [50.0], year=y) for y in (2027, 2028, 2029)], ignore_index=True)
    schools = single_school("thcs", 4, opens=[2029])
    table = analyze(demand, zones_to(["Q0"], "thcs"), schools, NORMS).set_index("school_year")
    assert table["rooms_available"].tolist() == [0, 0, 4]
    assert table["flag"].tolist() == ["over", "over", "ok"]
    assert np.isinf(table.loc[2027, "utilization"])
    assert (table["first_short_year"] == 2027).all()


def test_province_limit_of_40_changes_thcs_classes():
    demand = one_grade_demand("lop_6", [90.0])
    zones, school = zones_to(["Q0"], "thcs"), single_school("thcs", 2)
    national = analyze(demand, zones, school, NORMS).iloc[0]
    province = analyze(demand, zones, school, load_norms({"max_class_size": {"thcs": 40}})).iloc[0]
    assert national["classes"] == 2 and national["flag"] != "over"
    assert province["classes"] == 3 and province["room_shortfall"] == 1 and province["flag"] == "over"
    # a school's own lower limit has the same effect
    own = analyze(demand, zones, single_school("thcs", 2, max_class_size=[40]), NORMS).iloc[0]
    assert own["classes"] == 3


# ------------------------------------------------------------------ p_over and flags
def test_p_over_follows_the_normal_reading_of_the_80_band():
    # grade 6, mean 150, symmetric 80% band ±20·z90: sd 20. 4 rooms at 45 → short when pupils > 180
    sd, z90 = 20.0, normal.ppf(0.9)
    demand = one_grade_demand("lop_6", [150.0])
    demand.loc[demand["grade"] == "lop_6", ["lo80", "hi80", "lo95", "hi95"]] = [
        150 - z90 * sd,
        150 + z90 * sd,
        150 - normal.ppf(0.975) * sd,
        150 + normal.ppf(0.975) * sd,
    ]
    r = analyze(demand, zones_to(["Q0"], "thcs"), single_school("thcs", 4), NORMS).iloc[0]
    assert r["p_over"] == pytest.approx(1 - normal.cdf((180 - 150) / sd), abs=1e-6)
    # p_over ≈ 0.067 < 0.2, but 150 pupils fill 4 classes in the 4 rooms: utilization 4 / 4 ≥ 0.9
    assert r["flag"] == "tight" and r["utilization"] == 1.0


def test_p_over_is_monotone_in_demand_and_consistent_with_the_flag():
    schools, zones = two_schools_per_level(), split_zones()
    base = enrollment_demand(random_forecast(), NORMS)
    previous = first = None
    for scale in np.linspace(0.3, 2.5, 8):
        demand = base.copy()
        demand[["mean", "lo80", "hi80", "lo95", "hi95"]] *= scale
        table = analyze(demand, zones, schools, NORMS)
        p = table["p_over"].to_numpy()
        assert ((p >= 0) & (p <= 1)).all()
        over = table["flag"] == "over"
        assert (table.loc[over, "p_over"] >= 0.5).all()
        assert (table.loc[~over, "p_over"] <= 0.5 + 1e-9).all()
        if previous is not None:
            assert (p >= previous - 1e-9).all()
        else:
            first = p[table["rooms_available"].to_numpy() > 0]
        previous = p
    assert first.max() < 0.01  # at 0.3 × demand no open school is at risk
    assert np.median(previous) > 0.99  # at 2.5 × demand most are surely short


def test_tight_flag_from_utilization():
    # 130 pupils in grade 6: 3 classes at 45 in 4 rooms, utilization 3 / 4 = 0.75 < 0.9: ok;
    # 170 pupils: 4 classes in 4 rooms, utilization 1.0 ≥ 0.9, no shortfall: tight
    small = one_grade_demand("lop_6", [130.0], spread=0.0001)
    r = analyze(small, zones_to(["Q0"], "thcs"), single_school("thcs", 4), NORMS).iloc[0]
    assert r["utilization"] == 0.75 and r["flag"] == "ok"
    demand = one_grade_demand("lop_6", [170.0], spread=0.0001)
    r = analyze(demand, zones_to(["Q0"], "thcs"), single_school("thcs", 4), NORMS).iloc[0]
    assert r["room_shortfall"] == 0 and r["p_over"] < 0.2
    assert r["flag"] == "tight"
    relaxed = load_norms({"flag_tight_utilization": 1.01})
    assert analyze(demand, zones_to(["Q0"], "thcs"), single_school("thcs", 4), relaxed).iloc[0]["flag"] == "ok"


def test_tight_flag_from_p_over():
    # 160 pupils, wide band: P(pupils > 180) is about 0.3 though the mean fits
    demand = one_grade_demand("lop_6", [160.0], spread=0.25)
    r = analyze(demand, zones_to(["Q0"], "thcs"), single_school("thcs", 4), NORMS).iloc[0]
    assert r["room_shortfall"] == 0 and 0.2 <= r["p_over"] < 0.5
    assert r["flag"] == "tight"


def test_first_short_year_is_the_first_year_with_a_shortfall():
    demand = pd.concat([one_grade_demand("lop_6", [m], year=y) for y, m in ((2027, 80), (2028, 100), (2029, 80))])
    table = analyze(demand, zones_to(["Q0"], "thcs"), single_school("thcs", 2), NORMS)
    # 80 pupils: 2 classes in 2 rooms, utilization 2 / 2 → tight (every room used), not short
    assert table["flag"].tolist() == ["tight", "over", "tight"]
    assert (table["first_short_year"] == 2028).all()


# ------------------------------------------------------------------ errors a planner can act on
def test_quarter_without_a_school_is_reported_not_lost():
    demand = one_grade_demand("lop_1", [30.0, 20.0])
    with pytest.raises(ValueError, match=r"quarter Q1, tieu_hoc .*add a row .* to zones.csv"):
        analyze(demand, zones_to(["Q0"], "tieu_hoc"), single_school("tieu_hoc", 5), NORMS)


@pytest.mark.parametrize(
    ("zones", "expected"),
    [
        (
            pd.DataFrame(
                {"quarter_id": ["Q0", "Q0"], "level": "tieu_hoc", "school_id": ["S1", "S2"], "share": [0.6, 0.6]}
            ),
            r"shares of a quarter and level must sum to 1 \(Q0 tieu_hoc: 1.200\)",
        ),
        (
            pd.DataFrame({"quarter_id": ["Q0"], "level": "tieu_hoc", "school_id": ["S9"], "share": [1.0]}),
            r"unknown school_id in row\(s\) 2 \(S9\)",
        ),
        (
            pd.DataFrame({"quarter_id": ["Q0"], "level": "tieu_hoc", "school_id": ["C1"], "share": [1.0]}),
            "send tieu_hoc pupils to C1, a thcs school",
        ),
        (
            pd.DataFrame({"quarter_id": ["Q0"], "level": "primary", "school_id": ["S1"], "share": [1.0]}),
            "unknown level in row",
        ),
        (
            pd.DataFrame({"quarter_id": ["Q0"], "level": "tieu_hoc", "school_id": ["S1"], "share": [1.5]}),
            "'share' must be a number between 0 and 1",
        ),
    ],
)
def test_bad_zones_are_explained(zones, expected):
    schools = pd.DataFrame(
        {"school_id": ["S1", "S2", "C1"], "level": ["tieu_hoc", "tieu_hoc", "thcs"], "classrooms": [5, 5, 5]}
    )
    with pytest.raises(ValueError, match=expected):
        analyze(one_grade_demand("lop_1", [30.0]), zones, schools, NORMS)


def test_horizon_before_the_demand_is_refused():
    with pytest.raises(ValueError, match="no school year up to the horizon 2020"):
        analyze(
            one_grade_demand("lop_1", [30.0]),
            zones_to(["Q0"], "tieu_hoc"),
            single_school("tieu_hoc", 5),
            NORMS,
            horizon=2020,
        )


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("school_year", "", r"'school_year' must be a whole year .*row\(s\) 3"),
        ("grade", "lop_6", r"'level', 'grade' .*row\(s\) 3"),
        ("level", "primary", r"'level', 'grade' .*row\(s\) 3"),
    ],
)
def test_bad_demand_rows_are_named(column, value, expected):
    """A demand row with a grade of another level (or an unknown level) would be dropped silently."""
    demand = one_grade_demand("lop_1", [30.0]).astype({column: object})
    demand.loc[1, column] = value
    with pytest.raises(ValueError, match=expected):
        analyze(demand, zones_to(["Q0"], "tieu_hoc"), single_school("tieu_hoc", 5), NORMS)


# ------------------------------------------------------------------ one meaning of utilization
def test_utilization_is_rooms_and_above_one_exactly_when_short():
    # over a range of demand: utilization = rooms needed / rooms available, > 1 ⇔ rooms short
    base = enrollment_demand(random_forecast(), NORMS)
    seen_short = seen_full = 0
    for scale in np.linspace(0.4, 2.0, 7):
        demand = base.copy()
        demand[["mean", "lo80", "hi80", "lo95", "hi95"]] *= scale
        table = analyze(demand, split_zones(), two_schools_per_level(), NORMS)
        open_ = table["rooms_available"] > 0
        t = table[open_]
        assert np.array_equal(t["utilization"] > 1.0, t["room_shortfall"] > 0)
        assert t["utilization"].to_numpy() == pytest.approx((t["rooms_needed"] / t["rooms_available"]).to_numpy())
        assert t["seat_fill"].to_numpy() == pytest.approx((t["pupils_mean"] / t["seats"]).to_numpy())
        assert ((t["flag"] == "over") == (t["utilization"] > 1.0)).all()
        seen_short += int((t["room_shortfall"] > 0).sum())
        seen_full += int((t["utilization"] == 1.0).sum())
    assert seen_short > 0


def test_short_of_a_room_while_seats_are_not_full():
    # grade 6: 46 pupils (2 classes at 45), grade 7: 30 (1 class) in 2 rooms: 3 rooms needed,
    # one short; the seats (2 rooms × 45) are only 76 / 90 full — seat fill, not utilization
    demand = pd.concat([one_grade_demand("lop_6", [46.0]), one_grade_demand("lop_7", [30.0])])
    demand = demand.groupby(["quarter_id", "school_year", "level", "grade"], as_index=False).agg(
        {"age": "first", "mean": "sum", "lo80": "sum", "hi80": "sum", "lo95": "sum", "hi95": "sum"}
    )
    r = analyze(demand, zones_to(["Q0"], "thcs"), single_school("thcs", 2), NORMS).iloc[0]
    assert (r["classes"], r["rooms_needed"], r["room_shortfall"]) == (3, 3, 1)
    assert r["utilization"] == pytest.approx(1.5) and r["flag"] == "over"
    assert r["seat_fill"] == pytest.approx(76 / 90)


def test_assignment_per_school_year_sends_each_year_its_own_zones():
    # Q0 goes to CS1 in 2027 and to CS2 in 2028 (e.g. CS2 opens): pupils follow the year's rows
    demand = pd.concat([one_grade_demand("lop_6", [50.0], year=y) for y in (2027, 2028)], ignore_index=True)
    schools = pd.DataFrame(
        {"school_id": ["CS1", "CS2"], "level": "thcs", "classrooms": [4, 4], "opens": [np.nan, 2028]}
    )
    zones = pd.DataFrame(
        {
            "quarter_id": ["Q0", "Q0"],
            "level": "thcs",
            "school_id": ["CS1", "CS2"],
            "share": 1.0,
            "school_year": [2027, 2028],
        }
    )
    table = analyze(demand, zones, schools, NORMS).set_index(["school_id", "school_year"])
    assert table.loc[("CS1", 2027), "pupils_mean"] == pytest.approx(50)
    assert table.loc[("CS2", 2027), "pupils_mean"] == 0
    assert table.loc[("CS1", 2028), "pupils_mean"] == 0
    assert table.loc[("CS2", 2028), "pupils_mean"] == pytest.approx(50)
    assert table["room_shortfall"].sum() == 0
