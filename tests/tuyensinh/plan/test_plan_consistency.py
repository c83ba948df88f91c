"""One meaning per figure across the plan's outputs (issue 16, "Contradictions").

- utilization is rooms needed ÷ rooms available everywhere: above 100 % exactly when rooms are
  short, and the heat map, the zoning maps' legends, report.html and zones.gpkg print the
  numbers of capacity.csv;
- every capacity figure says which zones it assumes (proposed / current), and the report shows
  rooms short under both, each matching its own computation;
- a school opening mid-horizon takes quarters, pupils and an entry quota from its first year.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from ward_builder import LAT0, LON0, valid_tables, write_ward

from capacity.charts import plot_utilization
from tuyensinh.plan import PlanSettings, compute_plan
from tuyensinh.plan.content import _capacity_table
from tuyensinh.ward import load_ward
from tuyensinh.words.labels import say
from zoning.labels import percent
from zoning.mapdata import legend_fields, zone_layers

CAPACITY_FILES = {
    "capacity.csv": "proposed",
    "capacity_current_zones.csv": "current",
    "capacity_rezoned.csv": "rezoned_each_year",
}


def _runs(vi_run, en_run):
    return [(vi_run[0], "vi"), (en_run, "en")]


# ------------------------------------------------------------------ 1. one meaning of utilization
def test_utilization_is_above_100_percent_exactly_when_rooms_are_short(vi_run, en_run):
    checked = 0
    for result, _ in _runs(vi_run, en_run):
        for name in CAPACITY_FILES:
            path = result.out / name
            if not path.exists():
                continue
            table = pd.read_csv(path)
            open_ = table["rooms_available"] > 0
            util = table.loc[open_, "utilization"].to_numpy(float)
            short = table.loc[open_, "room_shortfall"].to_numpy() > 0
            assert np.array_equal(util > 1.0, short), name  # never 92 % and short, never 100 % + short
            expected = table.loc[open_, "rooms_needed"] / table.loc[open_, "rooms_available"]
            assert util == pytest.approx(expected.to_numpy(), rel=1e-5)  # CSV: 6 significant digits
            # seats are their own quantity with their own name
            assert "seat_fill" in table and "seats" in table
            checked += int(open_.sum())
    assert checked > 100
    # the sample has a school short of rooms whose seats are not all filled (the 92 %)
    table = pd.read_csv(vi_run[0].out / "capacity.csv")
    assert ((table["room_shortfall"] > 0) & (table["seat_fill"] < 1.0)).any()


def test_maps_report_heat_map_and_geopackage_print_capacity_numbers(vi_run, en_run):
    for result, lang in _runs(vi_run, en_run):
        plan = result.plan
        coming = plan.capacity[plan.capacity["school_year"] == plan.school_year].set_index("school_id")
        # zoning maps (static and web): the legend's "use" of each school is capacity's utilization
        for level, zoning in plan.zonings.items():
            layers = zone_layers(zoning, plan.ward.quarters)
            for school_id in layers.order:
                util = coming.loc[school_id, "utilization"]
                shown = legend_fields(layers, school_id, lang)["use"]
                assert shown == ("—" if not np.isfinite(util) else percent(util, lang)), (level, school_id)
                assert int(layers.load.loc[school_id, "classes"]) == int(coming.loc[school_id, "classes"])
        # report.html's capacity table
        years = [plan.school_year, plan.school_years[-1]]
        report = _capacity_table(plan, years)
        rows = plan.capacity[plan.capacity["school_year"].isin(years)].reset_index(drop=True)
        expected = rows["utilization"].map(lambda u: "–" if pd.isna(u) or u == np.inf else f"{u:.0%}")
        assert report[say("col.utilization", lang)].tolist() == expected.tolist()
        # the heat map's cells
        fig = plot_utilization(plan.capacity, plan.ward.schools, lang=lang)
        cells = {t.get_text() for t in fig.axes[0].texts}
        finite = plan.capacity["utilization"].replace(np.inf, np.nan).dropna()
        assert {f"{v * 100:.0f}%" for v in finite} <= cells
        # zones.gpkg's schools layer
        sites = gpd.read_file(result.out / "zones.gpkg", layer="schools").set_index("school_id")
        both = sites[["utilization"]].join(coming[["utilization"]].add_suffix("_capacity"), how="inner")
        both = both.replace(np.inf, np.nan)
        assert len(both) == len(coming)
        assert both["utilization"].to_numpy(float) == pytest.approx(
            both["utilization_capacity"].to_numpy(float), nan_ok=True, abs=1e-6
        )


def test_heat_map_says_above_100_percent_and_rooms(vi_run):
    fig = plot_utilization(vi_run[0].plan.capacity, lang="en")
    title = fig.axes[0].get_title()
    assert "above 100%: short of classrooms" in title and "≥ 100%" not in title
    assert "classrooms needed" in fig.axes[1].get_ylabel()
    # the plan's charts name their zones in the title
    from tuyensinh.plan.figures import plan_figures

    figures = plan_figures(vi_run[0].plan)
    try:
        for name in ("utilization", "shortfall"):
            assert f"({say('zones.proposed', 'vi')})" in figures[name].axes[0].get_title(), name
    finally:
        import matplotlib.pyplot as plt

        for figure in figures.values():
            plt.close(figure)


# ------------------------------------------------------------------ 2. which zones each figure assumes
def test_capacity_files_name_their_zones(vi_run, en_run):
    for result, _ in _runs(vi_run, en_run):
        for name, zones in CAPACITY_FILES.items():
            if (result.out / name).exists():
                assert set(pd.read_csv(result.out / name)["zones"]) == {zones}, name


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_report_shows_rooms_short_under_current_and_proposed_zones(vi_run, en_run, lang):
    result = vi_run[0] if lang == "vi" else en_run
    plan = result.plan
    assert plan.capacity_current is not None  # both sample wards have zones.csv
    page = (result.out / "report.html").read_text(encoding="utf-8")
    for key in ("col.room_shortfall_proposed", "col.room_shortfall_current", "zones.proposed", "zones.current"):
        assert say(key, lang) in page, key
    years = [plan.school_year, plan.school_years[-1]]
    table = _capacity_table(plan, years)
    keys = ["school_id", "level", "school_year"]
    rows = plan.capacity[plan.capacity["school_year"].isin(years)].reset_index(drop=True)
    current = rows[keys].merge(plan.capacity_current[[*keys, "room_shortfall"]], on=keys, how="left")
    assert table[say("col.room_shortfall_proposed", lang)].tolist() == rows["room_shortfall"].astype(int).tolist()
    assert table[say("col.room_shortfall_current", lang)].tolist() == current["room_shortfall"].astype(int).tolist()
    # the two computations differ somewhere, which is why the labels matter
    proposed_csv = pd.read_csv(result.out / "capacity.csv")
    current_csv = pd.read_csv(result.out / "capacity_current_zones.csv")
    assert proposed_csv["room_shortfall"].tolist() == plan.capacity["room_shortfall"].tolist()
    assert current_csv["room_shortfall"].tolist() == plan.capacity_current["room_shortfall"].tolist()


def test_printed_headlines_say_which_zones(vi_run):
    result = vi_run[0]
    proposed, current = say("zones.proposed", "vi"), say("zones.current", "vi")
    short = [h for h in result.headlines if "cần thêm" in h]
    assert short and all(proposed in h or current in h for h in short)
    assert any(current in h for h in short)  # Phước Bình's current zones leave rooms short too


# ------------------------------------------------------------------ 3. a school opening mid-horizon
def _ward_with_opening(folder: Path) -> Path:
    """The builder's ward (base 2024, horizon 2030) with primary school TH01 given 8 rooms
    (too few for the ward's ~400 pupils) and a new primary school TH02 of 20 rooms opening in
    2027, sited in quarter KP3, the one farthest from TH01."""
    tables = valid_tables()
    schools = tables["schools"]
    extra = pd.DataFrame(
        [
            {
                "school_id": "TH02",
                "name": "Trường Tiểu học Mới",
                "level": "tieu_hoc",
                "lon": str(LON0 + 0.025),
                "lat": str(LAT0 + 0.005),
                "classrooms": "20",
                "sessions_per_day": "2",
                "max_class_size": "",
                "opens": "2027",
                "closes": "",
                "land_m2": "",
            }
        ]
    ).astype(object)
    schools.loc[schools["school_id"] == "TH01", "classrooms"] = "8"
    tables["schools"] = pd.concat([schools, extra], ignore_index=True)
    tables["distances"] = None  # straight lines for every school
    return write_ward(folder, tables)


def test_school_opening_mid_horizon_takes_pupils_and_a_quota_from_its_first_year(tmp_path):
    ward = load_ward(_ward_with_opening(tmp_path / "ward"))
    plan = compute_plan(ward, PlanSettings(accuracy=False, rezone_each_year=False, time_limit=20))
    cap = plan.capacity.set_index(["school_id", "school_year"])
    assert plan.school_year == 2025
    # before it opens: no pupils, no rooms; the old school is short of rooms
    for year in (2025, 2026):
        assert cap.loc[("TH02", year), "pupils_mean"] == 0 and cap.loc[("TH02", year), "rooms_available"] == 0
        assert cap.loc[("TH01", year), "room_shortfall"] > 0
    # from 2027: the new school takes quarters (here KP3 at least) and the neighbour is relieved
    held = plan.held
    assert held is not None
    for year in range(2027, 2031):
        zoned = held[(held["school_year"] == year) & (held["level"] == "tieu_hoc")]
        to_new = zoned.loc[zoned["school_id"] == "TH02", "quarter_id"].tolist()
        assert "KP3" in to_new, year
        demand = plan.demand[
            (plan.demand["school_year"] == year)
            & (plan.demand["level"] == "tieu_hoc")
            & plan.demand["quarter_id"].isin(to_new)
        ]
        assert cap.loc[("TH02", year), "pupils_mean"] == pytest.approx(demand["mean"].sum())
        assert cap.loc[("TH02", year), "pupils_mean"] > 0
        total = plan.demand[(plan.demand["school_year"] == year) & (plan.demand["level"] == "tieu_hoc")]["mean"].sum()
        assert cap.loc[("TH01", year), "pupils_mean"] + cap.loc[("TH02", year), "pupils_mean"] == pytest.approx(total)
    assert cap.loc[("TH01", 2027), "room_shortfall"] < cap.loc[("TH01", 2026), "room_shortfall"]
    # its entry quota is whole classes holding its grade-1 pupils, from 2027 on
    quota = plan.quotas[(plan.quotas["school_id"] == "TH02") & (plan.quotas["grade"] == "lop_1")].set_index(
        "school_year"
    )
    assert set(quota.index) >= {2027, 2028, 2029, 2030} and not set(quota.index) & {2025, 2026}
    grade1 = plan.demand[(plan.demand["grade"] == "lop_1")]
    for year in range(2027, 2031):
        zoned = held[(held["school_year"] == year) & (held["school_id"] == "TH02")]
        expected = (
            grade1[grade1["school_year"] == year].merge(zoned, on=["quarter_id", "level"])["mean"]
            * grade1[grade1["school_year"] == year].merge(zoned, on=["quarter_id", "level"])["share"]
        ).sum()
        assert quota.loc[year, "pupils"] == int(np.ceil(expected - 1e-9))
        assert quota.loc[year, "classes"] == int(np.ceil(quota.loc[year, "pupils"] / 35))
    # the published zones (coming year) never send anyone to a school not yet open
    assert "TH02" not in set(plan.assignment["school_id"])


def test_sample_school_opening_in_2029_gets_pupils_and_quota(vi_run):
    out = vi_run[0].out
    capacity = pd.read_csv(out / "capacity.csv").set_index(["school_id", "school_year"])
    assert capacity.loc[("TH04", 2029), "pupils_mean"] > 0 and capacity.loc[("TH04", 2030), "pupils_mean"] > 0
    quotas = pd.read_csv(out / "quotas.csv")
    mine = quotas[(quotas["school_id"] == "TH04") & (quotas["school_year"] == 2029)]
    assert len(mine) == 1 and mine["pupils"].iloc[0] > 0 and mine["classes"].iloc[0] > 0
    # the zones of each year are written, and the report says from when and why they change
    by_year = pd.read_csv(out / "zones_proposed_by_year.csv")
    to_new = by_year[(by_year["school_id"] == "TH04")]
    assert set(to_new["school_year"]) == {2029, 2030}
    zones = pd.read_csv(out / "zones.csv")
    assert "TH04" not in set(zones["school_id"])
    page = (out / "report.html").read_text(encoding="utf-8")
    moved = to_new[to_new["school_year"] == 2029]["quarter_id"].nunique()
    assert "Năm học 2029–2030 (Trường Tiểu học Trần Quốc Toản mở)" in page
    assert f"{moved} khu phố/thôn đổi trường" in page


def test_capacity_workbook_says_which_zones(vi_run, en_run):
    from openpyxl import load_workbook

    for result, lang in _runs(vi_run, en_run):
        book = load_workbook(result.out / "capacity_plan.xlsx", read_only=True)
        line = say("xlsx.zones", lang, zones=say("zones.proposed", lang))
        assert line in ("Các số tính theo tuyến đề xuất.", "Figures assume the proposed zones.")
        for sheet in book.worksheets:
            assert sheet["A2"].value == line, sheet.title
