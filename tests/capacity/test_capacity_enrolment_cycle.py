"""The enrolment cycle: the 15 August intake report and its accuracy, rates estimated from actual
enrolment (shrinkage toward the norm table), universalisation indicators — hand-computed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from capacity import enrollment_demand, load_norms
from capacity.enrolment import check_enrolment, intake_accuracy, intake_report
from capacity.rates import estimate_rates, rates_for_plan
from capacity.table_checks import TableError
from capacity.universal import universalisation

NORMS = load_norms()


def test_intake_report_and_accuracy_hand_computed():
    actual = pd.DataFrame(
        {
            "school_id": ["TH1", "TH2", "TH1", "CS1"],
            "school_year": [2026] * 4,
            "grade": ["lop_1", "lop_1", "lop_2", "lop_6"],
            "pupils": [100, 50, 90, 200],
            "classes": [3, 2, 3, 5],
        }
    )
    quotas = pd.DataFrame(
        {
            "school_id": ["TH1", "TH2", "CS1"],
            "level": ["tieu_hoc", "tieu_hoc", "thcs"],
            "grade": ["lop_1", "lop_1", "lop_6"],
            "school_year": [2026] * 3,
            "pupils": [105, 40, 200],
            "classes": [3, 2, 5],
        }
    )
    forecast = pd.DataFrame(
        {
            "school_id": ["TH1", "TH2", "CS1"],
            "grade": ["lop_1", "lop_1", "lop_6"],
            "school_year": [2026] * 3,
            "mean": [104.0, 40.0, 180.0],
        }
    )
    report = intake_report(actual, quotas=quotas, forecast=forecast).set_index(["school_id", "grade"])
    assert ("TH1", "lop_2") not in report.index  # not an entry grade
    th1 = report.loc[("TH1", "lop_1")]
    assert th1["quota"] == 105 and th1["actual"] == 100 and th1["actual_minus_quota"] == -5
    assert th1["fill_rate"] == pytest.approx(100 / 105) and th1["accuracy"] == pytest.approx(0.96)
    assert report.loc[("TH2", "lop_1"), "accuracy"] == pytest.approx(0.8)
    acc = intake_accuracy(intake_report(actual, quotas=quotas, forecast=forecast), NORMS).set_index("level")
    # primary: 1 − (4 + 10) / 150; ward total: 1 − |144 − 150| / 150
    assert acc.loc["tieu_hoc", "accuracy"] == pytest.approx(1 - 14 / 150)
    assert acc.loc["tieu_hoc", "ward_accuracy"] == pytest.approx(1 - 6 / 150)
    assert acc.loc["thcs", "accuracy"] == pytest.approx(0.9) and bool(acc.loc["thcs", "meets_target"])
    assert acc.loc["all", "accuracy"] == pytest.approx(1 - 34 / 350)
    assert acc.loc["tieu_hoc", "classes_accuracy"] == pytest.approx(1.0)  # 3 = 3, 2 = 2
    assert acc.loc["all", "classes_exact_share"] == pytest.approx(1.0)


def population(counts: dict[int, float], years=(2024, 2025)) -> pd.DataFrame:
    return pd.DataFrame([(y, a, c) for y in years for a, c in counts.items()], columns=["year", "age", "count"])


def test_rates_shrink_toward_the_norm_table_hand_computed():
    # 2 years × 100 six-year-olds; public grade 1: 90 + 96 = 186; private: 4 + 4.
    pop = population({6: 100.0, 7: 100.0})
    enrol = pd.DataFrame(
        {
            "school_id": ["TH1", "TH1", "P1", "P1", "TH1", "TH1"],
            "school_year": [2024, 2025, 2024, 2025, 2024, 2025],
            "grade": ["lop_1", "lop_1", "lop_1", "lop_1", "lop_2", "lop_2"],
            "pupils": [90, 96, 4, 4, 100, 100],
            "sector": ["public", "public", "private", "private", "public", "public"],
        }
    )
    est = estimate_rates(enrol, pop, NORMS).set_index(["rate", "group"])
    k = 200.0
    # private share of primary: observed 8 / 394 over n = 394 pupils
    obs_private = 8 / 394
    w = 394 / (394 + k)
    row = est.loc[("private_share", "tieu_hoc")]
    assert row["observed"] == pytest.approx(obs_private) and row["weight_data"] == pytest.approx(w)
    assert row["estimate"] == pytest.approx(w * obs_private + (1 - w) * 0.015)
    assert row["source"] == "data + norm table"
    # participation of primary: (394) / (400 residents of ages 6–7 over two years), n = 400
    part = est.loc[("participation", "tieu_hoc")]
    w_p = 400 / (400 + k)
    assert part["observed"] == pytest.approx(394 / 400)
    assert part["estimate"] == pytest.approx(w_p * 394 / 400 + (1 - w_p) * 1.0)
    # THCS has no data: the norm table's figures, said so
    assert est.loc[("participation", "thcs"), "source"] == "norm table"
    assert est.loc[("participation", "thcs"), "estimate"] == pytest.approx(1.0)
    # progression lop_1: 186 public ÷ (200 × participation × (1 − private)), shrunk toward 1
    p_est, s_est = part["estimate"], row["estimate"]
    expected = 200 * p_est * (1 - s_est)
    w_g = expected / (expected + k)
    prog = est.loc[("progression", "lop_1")]
    assert prog["estimate"] == pytest.approx(w_g * 186 / expected + (1 - w_g) * 1.0)
    rates, progression = rates_for_plan(est.reset_index())
    assert set(rates) == {"participation", "private_share"} and "thcs" not in rates["participation"]
    assert set(progression["grade"]) == {"lop_1", "lop_2"}


def test_plentiful_data_reproduce_the_observed_enrolment():
    # with no prior weight the plan's demand for the observed year equals the public pupils
    norms = load_norms({"rate_prior_weight": 0})
    pop = population({6: 120.0, 7: 110.0, 8: 100.0, 9: 90.0, 10: 80.0}, years=(2025,))
    pupils = [115, 104, 99, 88, 77]
    enrol = pd.DataFrame(
        {"school_id": "TH1", "school_year": 2025, "grade": [f"lop_{g}" for g in range(1, 6)], "pupils": pupils}
    )
    rates, progression = rates_for_plan(estimate_rates(enrol, pop, norms))
    used = load_norms({"rate_prior_weight": 0}, rates)
    forecast = pd.DataFrame(
        [
            ("Q1", 2025, a, c, c, c, c, c)
            for a, c in zip(range(15), [50.0] * 6 + [120, 110, 100, 90, 80] + [70.0] * 4, strict=True)
        ],
        columns=["quarter_id", "year", "age", "mean", "lo80", "hi80", "lo95", "hi95"],
    )
    demand = enrollment_demand(forecast, used, progression=progression)
    got = demand[demand["level"] == "tieu_hoc"].set_index("grade")["mean"]
    assert got.to_numpy() == pytest.approx(np.array(pupils, float))


def universal_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    pop = pd.DataFrame(
        [
            (2026, a, c)
            for a, c in {
                3: 100,
                4: 100,
                5: 100,
                6: 100,
                11: 100,
                12: 100,
                13: 100,
                14: 100,
                15: 50,
                16: 50,
                17: 50,
                18: 50,
            }.items()
        ],
        columns=["year", "age", "count"],
    )
    rows = [
        # school_id, school_year, grade, birth_year, pupils, completed
        ("MN1", 2026, "mg_5_6", 2021, 97, None),
        ("MN1", 2026, "mg_4_5", 2022, 95, None),
        ("MN1", 2026, "mg_3_4", 2023, 90, None),
        ("MN1", 2026, "mg_5_6", 2020, 3, None),
        ("TH1", 2026, "lop_1", 2020, 98, None),
        ("TH1", 2026, "lop_1", 2019, 4, None),
        ("CS1", 2026, "lop_6", 2015, 92, None),
        ("CS1", 2026, "lop_9", 2012, 90, None),
        ("TH1", 2025, "lop_5", 2015, 95, 94),  # completed primary at 10: 94 of the cohort aged 11 in 2026
        ("TH1", 2022, "lop_5", 2012, 97, 97),  # cohort aged 14 in 2026 completed 97 (more than the 90 still in THCS)
        # THCS diplomas of the cohorts aged 15–18 in 2026 (born 2011–2008), and one too old to count
        ("CS1", 2025, "lop_9", 2011, 48, 47),
        ("CS1", 2024, "lop_9", 2010, 45, 45),
        ("CS1", 2023, "lop_9", 2009, 46, 44),
        ("CS1", 2022, "lop_9", 2008, 50, 49),
        ("CS1", 2021, "lop_9", 2007, 50, 50),
    ]
    enrol = pd.DataFrame(rows, columns=["school_id", "school_year", "grade", "birth_year", "pupils", "completed"])
    return enrol, pop


def test_universalisation_indicators_hand_computed():
    enrol, pop = universal_data()
    table = universalisation(enrol, pop, NORMS, school_years=[2026]).set_index("indicator")
    assert table.loc["grade1_age6", "value"] == pytest.approx(0.98)  # 98 of 100 (the 7-year-olds do not count)
    assert table.loc["grade1_age6", "degree_reached"] == 3 and bool(table.loc["grade1_age6", "meets_target"])
    assert (
        table.loc["preschool_age5", "value"] == pytest.approx(0.97)
        and table.loc["preschool_age5", "degree_reached"] == 1
    )
    assert table.loc["preschool_3_5", "value"] == pytest.approx((97 + 95 + 90) / 300)
    assert table.loc["primary_completed_age11", "value"] == pytest.approx(0.94)  # max(92 in THCS, 94 completed)
    assert table.loc["primary_completed_age11", "degree_reached"] == 3
    assert table.loc["primary_completed_age14", "value"] == pytest.approx(0.97)  # max(90, 97)
    assert table.loc["primary_completed_11_14", "value"] == pytest.approx((94 + 0 + 0 + 97) / 400)
    assert pd.isna(table.loc["primary_completed_11_14", "degree_reached"])  # no legal threshold for the pooled ages
    assert table.loc["thcs_completed_15_18", "value"] == pytest.approx((47 + 45 + 44 + 49) / 200)
    assert table.loc["thcs_completed_15_18", "degree_reached"] == 2  # 0.925: ≥ 0.90 (level 2), < 0.95 (level 3)
    assert table.loc["thcs_completed_15_18", "min_m2"] == pytest.approx(0.90)
    # a history that does not reach back to the diplomas of the 18-year-olds leaves it blank
    short = universalisation(enrol[enrol["school_year"] != 2022], pop, NORMS, school_years=[2026]).set_index(
        "indicator"
    )
    assert pd.isna(short.loc["thcs_completed_15_18", "value"])
    assert short.loc["thcs_completed_15_18", "method"] == "needs lớp 9 completions of school years 2022–2025"


def test_universalisation_without_birth_year_says_what_it_needs():
    enrol, pop = universal_data()
    no_birth = enrol.groupby(["school_id", "school_year", "grade"], as_index=False)["pupils"].sum()
    table = universalisation(no_birth, pop, NORMS, school_years=[2026]).set_index("indicator")
    assert table.loc["grade1_age6", "value"] == pytest.approx(1.02)  # gross intake: 102 of 100
    assert "no birth_year" in table.loc["grade1_age6", "method"]
    assert pd.isna(table.loc["thcs_completed_15_18", "value"])
    assert table.loc["thcs_completed_15_18", "method"] == "needs birth_year and completed"
    ward = universalisation(enrol, pop, NORMS, school_years=[2026], targets={"grade1_age6": 0.99}).set_index(
        "indicator"
    )
    assert ward.loc["grade1_age6", "target"] == 0.99 and not bool(ward.loc["grade1_age6", "meets_target"])


def test_bad_enrolment_cells_are_precise_records():
    bad = pd.DataFrame(
        {
            "school_id": ["TH1", "TH1", "TH9", "TH1"],
            "school_year": [2025, "x", 2025, 2025],
            "grade": ["lop_1", "lop_1", "lop_1", "lop_12"],
            "pupils": [10, 12, -1, 5],
            "completed": [11, np.nan, np.nan, np.nan],
        }
    )
    schools = pd.DataFrame({"school_id": ["TH1"], "level": ["tieu_hoc"], "classrooms": [5]})
    with pytest.raises(TableError) as caught:
        check_enrolment(bad, schools)
    kinds = {(p.column, p.kind, p.rows) for p in caught.value.problems}
    assert ("grade", "unknown_code", (5,)) in kinds
    assert ("school_year", "not_number", (3,)) in kinds
    assert ("pupils", "below_minimum", (4,)) in kinds
    assert ("completed", "above_column", (2,)) in kinds
    assert ("school_id", "unknown_code", (4,)) in kinds
    with pytest.raises(TableError, match="missing column 'pupils'"):
        check_enrolment(bad.drop(columns=["pupils"]))


def test_data_coverage_says_what_enables_each_output():
    from capacity.coverage import data_coverage

    schools = pd.DataFrame(
        {"school_id": ["MN1", "TH1"], "level": ["mam_non", "tieu_hoc"], "classrooms": [5, 5], "teachers": [10, None]}
    )
    bare = data_coverage(schools).set_index("feature")
    assert bool(bare.loc["teacher_shortfall", "enabled"]) and bare.loc["teacher_shortfall", "schools_with_data"] == 1
    assert (
        not bare.loc["permanent_share", "enabled"]
        and bare.loc["permanent_share", "needs"] == "schools.permanent_classrooms"
    )
    assert not bare.loc["intake_report", "enabled"] and not bare.loc["rates_from_enrolment", "enabled"]
    enrol, _ = universal_data()
    quotas = pd.DataFrame(
        {"school_id": ["TH1"], "grade": ["lop_1"], "school_year": [2026], "pupils": [100], "classes": [3]}
    )
    full = data_coverage(schools, enrol, quotas).set_index("feature")
    assert full.loc[
        ["intake_report", "rates_from_enrolment", "universal_by_age", "completion_indicators"], "enabled"
    ].all()
    assert full.loc["semi_boarding", "schools"] == 1  # preschools only
