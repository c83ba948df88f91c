"""The norm table and the ward.toml overrides."""

from __future__ import annotations

import pytest

from capacity import load_norms
from capacity.grades import GRADES
from capacity.norms import read_norm_table

STATUSES = {"verified", "secondary", "unverified", "assumption", "project choice"}


def test_table_holds_the_figures_of_the_regulations():
    norms = load_norms()
    # TT 52/2020 Art. 15, TT 28/2020 Art. 16, TT 32/2020 Art. 16
    expected = {"nt_3_12m": 15, "nt_13_24m": 20, "nt_25_36m": 25, "mg_3_4": 25, "mg_4_5": 30, "mg_5_6": 35}
    for grade, limit in expected.items():
        assert norms.max_class_size("mam_non", grade) == limit
    assert norms.max_class_size("tieu_hoc") == 35
    assert norms.max_class_size("thcs") == 45
    assert norms.max_class_size("thcs", "lop_9") == 45
    assert norms.mixed_age_threshold == 0.5
    assert norms.mixed_grade_max_pupils == 15
    assert norms.rooms_per_class(2) == 1.0 and norms.rooms_per_class(1) == 0.5
    assert norms.rooms_per_10000 == 300
    assert norms.walking_distance("tieu_hoc", "urban") == 500
    assert norms.walking_distance("thcs", "urban") == 1000
    assert norms.walking_distance("mam_non", "mountain") == 2000
    assert norms.land_per_pupil("mam_non", "rural") == 12
    assert norms.land_per_pupil("tieu_hoc", "rural") == 10
    assert norms.school_classes("tieu_hoc") == (10, 30)
    assert norms.participation("nt_13_24m") == pytest.approx(0.47)
    assert norms.participation("mg_5_6") == pytest.approx(0.99)
    assert norms.private_share("mam_non") == pytest.approx(0.07)


def test_every_row_names_its_document_and_status():
    table, version = read_norm_table()
    assert version == "2025.12"
    assert set(table["status"]) <= STATUSES
    assert (table["document"].str.len() > 0).all()
    assert (table["unit"].str.len() > 0).all()
    assert not table.duplicated(["key", "level", "group"]).any()


def test_cohort_rule_in_the_grade_table():
    grades = load_norms().grade_table().set_index("grade")
    assert list(grades.index) == list(GRADES)
    assert grades.loc["lop_1", "age"] == 6  # born Y − 6 (Luật Giáo dục 2019 Art. 28)
    assert grades.loc["lop_6", "age"] == 11
    assert grades.loc["lop_9", "age"] == 14
    assert grades.loc["mg_5_6", "age"] == 5 and grades.loc["mg_3_4", "age"] == 3
    assert grades.loc["nt_3_12m", "age"] == 0 and grades.loc["nt_25_36m", "age"] == 2
    assert 0 < grades.loc["nt_3_12m", "eligible_share"] < 1
    assert (grades.drop(index="nt_3_12m")["eligible_share"] == 1.0).all()


def test_province_lower_thcs_limit_is_honoured_and_traced():
    norms = load_norms({"max_class_size": {"thcs": 40}})
    assert norms.max_class_size("thcs") == 40
    assert norms.max_class_size("tieu_hoc") == 35
    changed = norms.overridden
    assert list(changed["key"]) == ["max_class_size"]
    assert changed["source"].iloc[0] == "ward.toml [norms.max_class_size] thcs"


def test_group_overrides_by_code_and_nested_table():
    by_code = load_norms({"max_class_size": {"mg_5_6": 30, "lop_1": 30}})
    assert by_code.max_class_size("mam_non", "mg_5_6") == 30
    assert by_code.max_class_size("mam_non", "mg_4_5") == 30  # unchanged legal figure
    assert by_code.max_class_size("mam_non", "mg_3_4") == 25
    assert by_code.max_class_size("tieu_hoc", "lop_1") == 30
    assert by_code.max_class_size("tieu_hoc", "lop_2") == 35
    nested = load_norms({"max_class_size": {"mam_non": {"nt_3_12m": 12}}})
    assert nested.max_class_size("mam_non", "nt_3_12m") == 12
    assert nested.max_class_size("mam_non", "nt_13_24m") == 20


def test_level_wide_limit_caps_every_group_of_the_level():
    norms = load_norms({"max_class_size": {"mam_non": 20}})
    limits = [
        norms.max_class_size("mam_non", g) for g in ("nt_3_12m", "nt_13_24m", "nt_25_36m", "mg_3_4", "mg_4_5", "mg_5_6")
    ]
    assert limits == [15, 20, 20, 20, 20, 20]
    capped = load_norms({"max_class_size": 40})
    assert capped.max_class_size("thcs") == 40 and capped.max_class_size("tieu_hoc") == 35


def test_setting_and_scalar_overrides():
    norms = load_norms(
        {
            "walking_distance": {"thcs": 1500},
            "land_per_pupil": {"urban": 7},
            "flag_tight_utilization": 0.85,
            "rooms_per_class": {"sessions_1": 0.6},
        }
    )
    assert [norms.walking_distance("thcs", s) for s in ("urban", "rural", "mountain")] == [1500, 1500, 1500]
    assert norms.walking_distance("tieu_hoc", "urban") == 500
    assert norms.land_per_pupil("mam_non", "urban") == 7 and norms.land_per_pupil("mam_non", "rural") == 12
    assert norms.land_per_pupil("tieu_hoc", "urban") == 7 and norms.land_per_pupil("tieu_hoc", "rural") == 10
    assert norms.tight_utilization == 0.85
    assert norms.rooms_per_class(1) == 0.6 and norms.rooms_per_class(2) == 1.0


def test_rate_overrides_by_group_level_and_grade():
    norms = load_norms(rates={"participation": {"nha_tre": 0.40, "lop_1": 0.98}, "private_share": {"mam_non": 0.0}})
    assert norms.participation("nt_3_12m") == pytest.approx(0.40)
    assert norms.participation("nt_25_36m") == pytest.approx(0.40)
    assert norms.participation("mg_3_4") == pytest.approx(0.99)
    assert norms.participation("lop_1") == pytest.approx(0.98)
    assert norms.participation("lop_2") == pytest.approx(1.0)
    assert norms.private_share("mam_non") == 0.0
    assert norms.private_share("thcs") == pytest.approx(0.015)


@pytest.mark.parametrize(
    ("overrides", "rates", "expected"),
    [
        (
            {"max_class": {"thcs": 40}},
            None,
            ["ward.toml [norms]", "'max_class'", "did you mean 'max_class_size'", "walking_distance"],
        ),
        (
            {"max_class_size": {"thcss": 40}},
            None,
            ["ward.toml [norms.max_class_size]", "'thcss'", "allowed", "thcs", "mg_5_6"],
        ),
        (
            {"max_class_size": {"mam_non": {"lop_1": 20}}},
            None,
            ["[norms.max_class_size.mam_non]", "'lop_1'", "nt_3_12m"],
        ),
        ({"rooms_per_class": {"thcs": 1}}, None, ["[norms.rooms_per_class]", "'thcs'", "sessions_1"]),
        (None, {"participation": {"nhatre": 0.4}}, ["ward.toml [rates.participation]", "'nhatre'", "nha_tre"]),
        (None, {"private": {"mam_non": 0}}, ["ward.toml [rates]", "'private'", "private_share"]),
        (
            None,
            {"max_class_size": {"thcs": 40}},
            ["ward.toml [rates]", "'max_class_size'", "participation, private_share"],
        ),
    ],
)
def test_unknown_keys_name_the_section_key_and_allowed_ones(overrides, rates, expected):
    with pytest.raises(ValueError) as error:
        load_norms(overrides, rates)
    for text in expected:
        assert text in str(error.value)


@pytest.mark.parametrize(
    ("overrides", "rates", "expected"),
    [
        ({"max_class_size": {"thcs": 50}}, None, "above the legal maximum of 45"),
        ({"max_class_size": {"thcs": "forty"}}, None, "not a number"),
        ({"max_class_size": {"thcs": 40.5}}, None, "whole number"),
        (None, {"private_share": {"mam_non": 1.5}}, "outside the allowed range"),
        ({"cohort_age": {"lop_1": 7}}, None, "fixed by law"),
        ({"max_class_size": 50}, None, "above the legal maximum of 45"),
        ({"max_class_size": {"mam_non": 40}}, None, "above the legal maximum of 35"),
    ],
)
def test_bad_override_values_are_refused(overrides, rates, expected):
    with pytest.raises(ValueError, match=expected):
        load_norms(overrides, rates)


def test_a_custom_table_file_is_read_with_its_version(tmp_path):
    text = read_norm_table.__globals__["resources"].files("capacity").joinpath("norms.csv").read_text(encoding="utf-8")
    text = text.replace("version 2025.12", "version 2031.1").replace(
        "max_class_size,thcs,*,45,", "max_class_size,thcs,*,42,"
    )
    path = tmp_path / "norms.csv"
    path.write_text(text, encoding="utf-8")
    norms = load_norms(table=path)
    assert norms.version == "2031.1"
    assert norms.max_class_size("thcs") == 42


def test_unknown_level_and_setting_are_refused():
    norms = load_norms()
    with pytest.raises(ValueError, match="unknown level 'thpt'"):
        norms.max_class_size("thpt")
    with pytest.raises(ValueError, match="unknown setting"):
        norms.walking_distance("tieu_hoc", "suburban")
    with pytest.raises(ValueError, match="sessions_per_day must be 1 or 2"):
        norms.rooms_per_class(3)


def test_docs_norms_page_shows_the_table_in_force(repo_root):
    from capacity.norms import norms_markdown

    page = (repo_root / "docs" / "norms.md").read_text(encoding="utf-8")
    start = page.index("<!-- norms table: generated from src/capacity/norms.csv -->\n") + len(
        "<!-- norms table: generated from src/capacity/norms.csv -->\n"
    )
    end = page.index("\n<!-- end of norms table -->")
    assert page[start:end] == norms_markdown(), "docs/norms.md is out of date: regenerate its table (see the page)"
