"""forecast: school-age population per quarter × single age × year, with honest intervals.

Public API (plain pandas DataFrames in, tidy DataFrames out; docs/forecast.md):

- `project(population, births=None, housing=None, *, base_year, horizon, ...)` → quarter_id,
  year, age, mean, lo80, hi80, lo95, hi95;
- `project_ward(...)` → ward totals by age with ward-calibrated intervals; `project_all(...)`
  → both at once (`ForecastResult`);
- `backtest(population, births=None, housing=None, ...)` → `BacktestResult` (cells, summary)
  of the method against naive persistence, pure aging and un-shrunk Hamilton–Perry;
- `ward_accuracy(cells, groups=None)` → the backtest scored on ward (or catchment) totals:
  MAPE, weighted MAPE, MALPE and accuracy = 100 − MAPE by horizon and entry age;
- `fan_chart(forecast, quarter_id, ...)`, `ward_fan_chart(ward_forecast, ...)` → Figure;
- `ForecastSettings` (method choices), `simulate_ward` (a synthetic ward with known future).
"""

from typing import TYPE_CHECKING

from forecast.accuracy import accuracy_table, area_totals, total_accuracy, ward_accuracy
from forecast.backtest import BacktestResult, backtest, format_summary
from forecast.project import FORECAST_COLUMNS, WARD_COLUMNS, ForecastResult, project, project_all, project_ward
from forecast.settings import DEFAULT_SETTINGS, METHODS, ForecastSettings
from forecast.simulate import simulate_ward

if TYPE_CHECKING:
    from forecast.charts import fan_chart, ward_fan_chart

__all__ = [
    "project",
    "project_ward",
    "project_all",
    "backtest",
    "format_summary",
    "ward_accuracy",
    "area_totals",
    "total_accuracy",
    "accuracy_table",
    "fan_chart",
    "ward_fan_chart",
    "BacktestResult",
    "ForecastResult",
    "ForecastSettings",
    "DEFAULT_SETTINGS",
    "METHODS",
    "FORECAST_COLUMNS",
    "WARD_COLUMNS",
    "simulate_ward",
]


def __getattr__(name: str) -> object:
    """`fan_chart` and `ward_fan_chart` on first use: matplotlib is imported only by the code
    that draws (a plan's main process computes while other processes draw). (Only these two:
    `project` and `backtest` share their names with their modules, which a lazy import would
    leave in their place.)"""
    if name in ("fan_chart", "ward_fan_chart"):
        from forecast import charts

        return getattr(charts, name)
    raise AttributeError(f"module 'forecast' has no attribute {name!r}")
