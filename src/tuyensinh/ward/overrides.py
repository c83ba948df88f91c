"""The one check of override values, for ward.toml's [norms] / [rates] and a scenario's [scenario.norms] / [scenario.rates].

Each value of an override table must be a number, not negative, and a share (`private_share`,
`participation`) at most its maximum (`capacity.norms.rate_maximum`: 1, or 1.5 for gross
enrolment). `override_values` walks the tables and classifies every value; each file words the
faults in its own terms (ward.toml: `tuyensinh.ward.config`, scenarios: `tuyensinh.scenarios.file`).
Which keys exist is the norm table's own check (`capacity.norms.check_overrides`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from capacity.norms import RATE_KEYS, rate_maximum

__all__ = ["OverrideValue", "override_values", "FAULTS"]

#: not_number: not a number (text, true/false, a table where a number belongs); negative: below 0;
#: above_maximum: a share above `rate_maximum`; not_finite: nan, or inf where there is no maximum.
FAULTS = ("not_number", "negative", "above_maximum", "not_finite")


@dataclass(frozen=True)
class OverrideValue:
    """One value of an override table `top` ("norms" or "rates"): [top.name] key = value, or one
    level deeper [top.name.key] inner = value (grades of a level); `fault` one of `FAULTS` or None."""

    top: str
    name: str
    key: str
    inner: str
    value: object
    fault: str | None

    @property
    def section(self) -> str:
        """The TOML table the value is written in: norms.max_class_size (or norms.max_class_size.thcs)."""
        return f"{self.top}.{self.name}.{self.key}" if self.inner else f"{self.top}.{self.name}"

    @property
    def last(self) -> str:
        """The key written before `=` ("" when [top] name = value)."""
        return self.inner or self.key

    @property
    def path(self) -> str:
        """The dotted path of the value: norms.max_class_size.thcs."""
        return f"{self.section}.{self.last}" if self.last else self.section


def _fault(top: str, name: str, value: object) -> str | None:
    """The first fault of `value`, in the order of `FAULTS` (-inf is negative, +inf above a share's
    maximum; nan, and +inf where there is no maximum, are not finite)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "not_number"
    if value < 0:
        return "negative"
    if top == "rates" and name in RATE_KEYS and value > rate_maximum(name):
        return "above_maximum"
    if not math.isfinite(value):
        return "not_finite"
    return None


def override_values(top: str, tables: Mapping[str, object], *, nested: bool) -> list[OverrideValue]:
    """Every value of the override tables `tables` of `top`, classified. `nested`: also walk one
    level deeper ([norms.max_class_size.mam_non] mg_5_6 = 30); else such a table is left out."""
    found = []
    for name, entries in tables.items():
        items = entries.items() if isinstance(entries, Mapping) else [("", entries)]
        for key, value in items:
            if isinstance(value, Mapping) and key:
                if nested:
                    found += [
                        OverrideValue(top, name, key, inner, number, _fault(top, name, number))
                        for inner, number in value.items()
                    ]
                continue
            found.append(OverrideValue(top, name, key, "", value, _fault(top, name, value)))
    return found
