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

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forecast.accuracy import accuracy_table, area_totals, total_accuracy, ward_accuracy
    from forecast.backtest import BacktestResult, backtest, format_summary
    from forecast.charts import fan_chart, ward_fan_chart
    from forecast.project import FORECAST_COLUMNS, WARD_COLUMNS, ForecastResult, project, project_all, project_ward
    from forecast.settings import DEFAULT_SETTINGS, METHODS, ForecastSettings
    from forecast.simulate import simulate_ward

_HOME = {
    **dict.fromkeys(("accuracy_table", "area_totals", "total_accuracy", "ward_accuracy"), "forecast.accuracy"),
    **dict.fromkeys(("BacktestResult", "backtest", "format_summary"), "forecast.backtest"),
    **dict.fromkeys(("fan_chart", "ward_fan_chart"), "forecast.charts"),
    **dict.fromkeys(
        ("FORECAST_COLUMNS", "WARD_COLUMNS", "ForecastResult", "project", "project_all", "project_ward"),
        "forecast.project",
    ),
    **dict.fromkeys(("DEFAULT_SETTINGS", "METHODS", "ForecastSettings"), "forecast.settings"),
    "simulate_ward": "forecast.simulate",
}
"""Where each public name lives: imported on first use, so that `import forecast.langs` (the
command line's language check) or a command that never forecasts does not import scipy,
statsmodels and matplotlib."""

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
    """The public API on first use (see `_HOME`)."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'forecast' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
