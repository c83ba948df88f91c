"""Write the planners' notebooks (01_du_bao, 02_phan_luong, 03_phong_hoc) with nbformat.

The notebooks are generated from this file so they stay reviewable as code and carry no
outputs. Run from the repository root after changing a cell:

    .venv/bin/python notebooks/build_notebooks.py

The test suite executes every notebook (`pytest --nbmake notebooks`, part of `make test`).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

FIND_REPO = """\
from pathlib import Path

# The notebook may run from notebooks/ (Jupyter, nbmake) or from the repository root.
REPO = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "pyproject.toml").exists())
WARD_DIR = REPO / "data" / "wards" / "phuoc_binh"   # change to your own ward folder
"""


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip("\n"))


def code(text: str) -> nbformat.NotebookNode:
    return new_code_cell(text.strip("\n"))


def forecast_notebook() -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            md("""
# 1. Dự báo dân số — the December forecast refresh

Every December the ward office (Phòng Văn hóa – Xã hội) refreshes the **forecast of children by
single year of age in every quarter (khu phố / thôn)**. It is the basis of next year's enrolment
quotas (chỉ tiêu tuyển sinh) and of the classroom plan to 2030.

This notebook runs on the embedded sample ward **Phường Phước Bình** (synthetic population on the
real boundary). To use your own ward, point `WARD_DIR` at your ward folder
(format: `docs/data-format.md`).
"""),
            code(FIND_REPO),
            md("""
## Load and check the ward folder

`load_ward` reads every file and checks it. If something is wrong it lists **every** problem
at once (file, row, column, what to fix) instead of stopping at the first.
"""),
            code("""
from tuyensinh.ward import load_ward
from tuyensinh.ward.summary import population_by_band

ward = load_ward(WARD_DIR)
history = ward.population_by_age()
print(f"{ward.kind} {ward.name} ({ward.province}): {len(ward.quarters)} quarters, "
      f"population {history.year.min()}–{history.year.max()}, base year {ward.base_year}, "
      f"horizon {ward.horizon}")
# Children by age band, ages 0–17 only (the same table `tuyensinh validate` prints).
bands = population_by_band(ward)
assert bands["0–17"].equals(history[history.age <= 17].groupby("year")["count"].sum().rename("0–17"))
bands
"""),
            md("""
## Forecast

The method ages each quarter's children one year at a time with **cohort-change ratios**
(how many 5-year-olds a quarter has for every 4-year-old the year before, averaged over recent
years). Small quarters have noisy ratios, so each is pulled toward the ward's ratio in
proportion to its noise (*shrinkage*). Newborns come from the births trend; planned housing
(housing.csv) adds children by age. Every number has an **80% and a 95% interval**.
"""),
            code("""
import forecast

result = forecast.project_all(ward.population, ward.births, ward.housing,
                              base_year=ward.base_year, horizon=ward.horizon)
entry_ages = {3: "mẫu giáo 3–4", 6: "lớp 1", 11: "lớp 6"}
ward_table = result.ward[result.ward.age.isin(entry_ages)]
ward_table.assign(group=ward_table.age.map(entry_ages)).pivot_table(
    index="year", columns="group", values=["mean", "lo80", "hi80"]).round(0)
"""),
            md("""
### Fan charts

The line is the expected number of children; the dark band holds the outcome 8 times in 10,
the light band 19 times in 20. Wider bands further ahead are honest, not a defect.
"""),
            code("""
%matplotlib inline
fig = forecast.ward_fan_chart(result.ward, history=history, name=f"{ward.kind.capitalize()} {ward.name}")
fig
"""),
            code("""
# The quarter whose children aged 3–14 grow the most: where new classrooms will be needed.
school_age = result.quarters[result.quarters.age.between(3, 14)]
growth = school_age.groupby(["quarter_id", "year"])["mean"].sum().unstack()
fastest = (growth[ward.horizon] - growth[ward.base_year + 1]).idxmax()
names = dict(zip(ward.quarters.quarter_id, ward.quarters.name, strict=True))
forecast.fan_chart(result.quarters, fastest, history=history, name=names[fastest])
"""),
            md("""
## How good was this method in the past? (backtest)

We pretend to be in an earlier December, forecast, and compare with what really happened —
for every past year we can. The method is compared with simpler baselines computed in the same
run: *naive* (next year = this year), *pure aging* (every child simply gets a year older) and
*un-shrunk* ratios. **Weighted MAPE** is the average error in percent, weighted by size.
"""),
            code("""
bt = forecast.backtest(ward.population, ward.births, ward.housing)
by_horizon = bt.summary[bt.summary.breakdown == "horizon"]
by_horizon.pivot_table(index="group", columns="method", values="wmape").round(1)
"""),
            code("""
# Coverage of the 80% interval: should be close to 80%.
by_horizon.pivot_table(index="group", columns="method", values="cover80").round(0)
"""),
            md("""
**Next:** `02_phan_luong.ipynb` turns the forecast into enrolment zones. The whole December run
(forecast → zones → classrooms → quotas, maps and report) is one command:

```
tuyensinh plan data/wards/phuoc_binh --out out/phuoc_binh
```
"""),
        ]
    )


def zoning_notebook() -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            md("""
# 2. Phân luồng tuyển sinh — enrolment zones for the coming school year

Each quarter (khu phố / thôn) is assigned to one school per level (mầm non, tiểu học, THCS) so
that children walk as little as possible **while no school is given more pupils than its
classrooms can take** at the legal class sizes (35 pupils per primary class, 45 in THCS, 25–35
per preschool group). The model is solved exactly (HiGHS); the solver's status and gap are
reported honestly.
"""),
            code(FIND_REPO),
            code("""
import capacity
import forecast
from tuyensinh.plan import ward_distances
from tuyensinh.ward import load_ward
from zoning.assign import assign

ward = load_ward(WARD_DIR)
coming = ward.base_year + 1            # the school year 2027 means 2027–2028
norms = capacity.load_norms(ward.norms, ward.rates)
projected = forecast.project(ward.population, ward.births, ward.housing,
                             base_year=ward.base_year, horizon=ward.horizon)
demand = capacity.enrollment_demand(projected, norms)
distances = ward_distances(ward)       # distances.csv where given, else straight line × detour
demand[demand.school_year == coming].groupby("level")["mean"].sum().round(0)
"""),
            md("""
## Zoning primary schools (tiểu học)

`stability` says how much we value keeping families at their current school: 300 means moving
a pupil is worth 300 m of extra walking for everyone else. With 0 the model only minimises
walking.
"""),
            code("""
current = ward.zones[ward.zones.level == "tieu_hoc"]
result = assign(demand, ward.schools, distances, level="tieu_hoc", school_years=coming,
                norms=norms, current=current, stability=300, setting=ward.setting)
report = result.solver
print(f"solver: {report.status}, gap {report.gap:.2%}, {report.solve_seconds:.2f} s")
result.load[["name", "pupils", "classes", "rooms_needed", "rooms_available", "utilization",
             "overflow_pupils"]].round(2)
"""),
            code("""
# Quarters that change school compared with today's zones.
names = dict(zip(ward.quarters.quarter_id, ward.quarters.name, strict=True))
zones = result.zones(coming)
zones[zones.changed.fillna(False).astype(bool)].assign(quarter=lambda t: t.quarter_id.map(names))
"""),
            md("""
## The trade-off between stability and walking

More stability means fewer families change school but more walking overall. Planners choose;
the numbers make the choice visible.

In this sample ward today's zones already send every quarter to a near school: the only
quarters that move are those the classrooms force to move, so the weight changes nothing (the
first table). The trade-off appears when today's zones are an older layout that no longer fits
where children live. The second table assumes such a layout — every quarter zoned to its
*second*-nearest primary school, an illustration, not the ward's real zones — and shows how the
weight trades quarters moved against walking.
"""),
            code("""
import pandas as pd


def trade_off(current_zones: pd.DataFrame, weights=(0, 300, 1000, 3000)) -> pd.DataFrame:
    rows = []
    for weight in weights:
        r = assign(demand, ward.schools, distances, level="tieu_hoc", school_years=coming, norms=norms,
                   current=current_zones, stability=weight, setting=ward.setting)
        z = r.zones(coming)
        rows.append({"stability (m)": weight,
                     "quarters moved": int(z.changed.fillna(False).astype(bool).sum()),
                     "mean walk (m)": round(r.pupil_metres / z.pupils.sum()),
                     "pupils over capacity": round(r.load.overflow_pupils.sum(), 1)})
    return pd.DataFrame(rows)


trade_off(current)
"""),
            code("""
primary = ward.schools.loc[ward.schools.level == "tieu_hoc", "school_id"]
ranked = distances[distances.school_id.isin(primary)].sort_values(["quarter_id", "metres"])
older = ranked.groupby("quarter_id").nth(1)[["quarter_id", "school_id"]].assign(level="tieu_hoc", share=1.0)
table = trade_off(older)
# the check a test makes: with an older layout the weight must change the answer
assert table["quarters moved"].nunique() > 1 and table["mean walk (m)"].is_monotonic_increasing
table
"""),
            md("""
## Zoning maps

The maps for publication (PNG 300 dpi and PDF, with legend, scale bar and north arrow) are
written by `tuyensinh plan` into `maps/`, one per level. Here the primary-school map of the
zoning above (`lang="en"` gives English labels):
"""),
            code("""
%matplotlib inline
from zoning.maps import plot_zones

plot_zones(result, ward.quarters, ward.schools, lang="vi", crs=ward.crs,
           place=f"{ward.kind.capitalize()} {ward.name}")
"""),
            md("""
**Next:** `03_phong_hoc.ipynb` — classrooms to 2030, quotas and what-if scenarios.
"""),
        ]
    )


def capacity_notebook() -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            md("""
# 3. Phòng học và chỉ tiêu — classrooms to 2030, quotas, and what-if scenarios

With the zones of the coming school year, every school's pupils are known for each year to the
horizon. The legal class sizes turn pupils into classes, classes into rooms (one room per class
with two sessions a day, half a room with one), and rooms needed are compared with rooms
available — year by year, with the probability that demand exceeds the rooms.
"""),
            code(FIND_REPO),
            code("""
from tuyensinh.plan import PlanSettings, compute_plan
from tuyensinh.ward import load_ward

ward = load_ward(WARD_DIR)
plan = compute_plan(ward, PlanSettings())   # forecast → demand → zoning → capacity → quotas
plan.summary[["level", "school_year", "pupils_mean", "classes", "rooms_needed",
              "rooms_available", "rooms_short", "schools_short", "top_quarters"]]
"""),
            md("""
## Where do rooms run short? (in plain words)

The same sentences appear at the top of `report.html`.
"""),
            code("""
from tuyensinh.present.report import flag_sentences, ward_shortfall_sentences

for line in ward_shortfall_sentences(plan.capacity, ward.schools):
    print("•", line)
for kind, line in flag_sentences(plan.capacity, ward.schools, overflow=plan.overflow()):
    print(f"[{kind}]", line)
"""),
            code("""
%matplotlib inline
from capacity.charts import plot_room_shortfall, plot_utilization

plot_utilization(plan.capacity, ward.schools)
"""),
            code("""
plot_room_shortfall(plan.capacity, ward.schools)
"""),
            md("""
## Three ways to look at the zones

* **proposed**: the coming year's zones kept unchanged to 2030 (what the ward publishes now);
* **current**: today's zones (zones.csv) kept unchanged;
* **re-zoned**: every year zoned again, e.g. when a new school opens.
"""),
            code("""
import pandas as pd

pd.DataFrame({
    "proposed": plan.capacity.groupby(["level", "school_year"]).room_shortfall.sum(),
    "current": plan.capacity_current.groupby(["level", "school_year"]).room_shortfall.sum(),
    "re-zoned": plan.capacity_yearly.groupby(["level", "school_year"]).room_shortfall.sum(),
})
"""),
            md("""
## Enrolment quotas (chỉ tiêu tuyển sinh)

Quotas per school and entry grade (every preschool group, grade 1, grade 6). The printable
workbook with the signature block is `quotas.xlsx` from `tuyensinh plan`; here we write it to a
temporary folder.
"""),
            code("""
import tempfile

from tuyensinh.present.excel import write_quotas_xlsx

coming = plan.quotas[plan.quotas.school_year == plan.school_year]
print(coming.pivot_table(index="school_id", columns="grade", values="pupils", aggfunc="sum", fill_value=0))
path = write_quotas_xlsx(Path(tempfile.mkdtemp()) / "quotas.xlsx", plan.quotas, ward.schools,
                         ward_name=ward.name, ward_kind=ward.kind, base_year=ward.base_year,
                         school_year=plan.school_year)
print("written:", path)
"""),
            md("""
## Teachers, the building programme and the enrolment cycle

`plan.cycle` holds the rest of the ward's plan (`capacity_plan.xlsx`, in Vietnamese, has one
sheet for each): teachers needed by the staffing norm against the `teachers` column of
schools.csv; rooms to build and their cost per year to 2030 (the unit costs are ASSUMPTIONS
until the province's figures are written in ward.toml `[norms.classroom_cost]`); facilities
against the standard (permanent classrooms, land, school size, semi-boarding places); mixed
classes that last more than a year; and — with `enrolment.csv` — the 15 August intake report
with the forecast accuracy achieved, the rates estimated from actual enrolment and the
universalisation indicators. `plan.cycle.coverage` says which data would enable what is missing.
"""),
            code("""
cycle = plan.cycle
print(cycle.teachers.groupby(["level", "school_year"])[["teachers_needed", "teachers", "teacher_shortfall"]].sum())
cycle.building_by_year[cycle.building_by_year.level == "all"].pivot_table(
    index="school_year", columns="item", values=["rooms", "cost_million_vnd"], aggfunc="sum")
"""),
            code("""
cycle.coverage[["feature", "enabled", "needs"]]
"""),
            code("""
# with enrolment.csv in the ward folder (the sample Phước Bình has one)
if cycle.universal is not None:
    display(cycle.intake_accuracy)
    display(cycle.universal[cycle.universal.school_year == cycle.universal.school_year.max()])
"""),
            md("""
## What if …? Scenarios side by side

A scenario changes the ward's data — a new school opening in a given year, a housing project, a
lower class-size limit, a school closing — and the plan is computed again, re-zoning every year.
The comparison shows classes, rooms short and pupil-km (how far all children walk together).
The same scenarios can be written in a TOML file for `tuyensinh compare` (docs/workflow.md).
"""),
            code("""
from tuyensinh.scenarios import (
    HousingProject,
    NormOverride,
    OpenSchool,
    Scenario,
    compare_scenarios,
    comparison_wide,
)

th01 = ward.schools.set_index("school_id").loc["TH01"]
scenarios = [
    Scenario("Mở trường tiểu học mới 2028", (OpenSchool(
        "TH05", "Trường Tiểu học Phước Bình 2", "tieu_hoc",
        lon=float(th01.lon) + 0.004, lat=float(th01.lat) + 0.004, classrooms=20, opens=2028),)),
    Scenario("Dự án nhà ở KP14 (+400 căn)", (HousingProject("KP14", 2027, 400),)),
    Scenario("Sĩ số THCS tối đa 40", (NormOverride(norms={"max_class_size": {"thcs": 40}}),)),
]
comparison = compare_scenarios(ward, scenarios, PlanSettings(school_year=2028))
comparison_wide(comparison)
"""),
            code("""
# Differences against the ward as it is (negative rooms short = fewer rooms missing).
comparison.differences.pivot_table(index=["level", "school_year"], columns="scenario",
                                   values=["rooms_short_diff", "classes_diff"]).round(1)
"""),
        ]
    )


def main() -> None:
    for name, build in (
        ("01_du_bao", forecast_notebook),
        ("02_phan_luong", zoning_notebook),
        ("03_phong_hoc", capacity_notebook),
    ):
        notebook = build()
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        notebook.metadata["language_info"] = {"name": "python"}
        nbformat.validate(notebook)
        path = HERE / f"{name}.ipynb"
        nbformat.write(notebook, path)
        print("wrote", path.relative_to(HERE.parent))


if __name__ == "__main__":
    main()
