"""What-if scenarios: a new school, a closed one, a housing project, a norm changed — compared side by side.

`file` reads and checks scenario TOML files; `compare` applies scenarios to a ward and compares
their plans. The public names are importable from `tuyensinh.scenarios`.
"""

from tuyensinh.scenarios.compare import (
    Change,
    CloseSchool,
    Comparison,
    HousingProject,
    NormOverride,
    OpenSchool,
    Scenario,
    ScenarioFileError,
    apply_scenario,
    compare_scenarios,
    comparison_wide,
    load_scenario_files,
    load_scenarios,
    parse_scenarios,
)

__all__ = [
    "OpenSchool",
    "CloseSchool",
    "HousingProject",
    "NormOverride",
    "Change",
    "Scenario",
    "ScenarioFileError",
    "apply_scenario",
    "load_scenarios",
    "load_scenario_files",
    "parse_scenarios",
    "compare_scenarios",
    "Comparison",
    "comparison_wide",
]
