"""Planned housing: children arriving with newly completed dwellings.

Children by single age = dwellings completed in year t × the yield table (children per new
dwelling by age, `settings.DEFAULT_YIELD`, an assumption documented in docs/forecast.md).
They are added at the end of the completion year and then age with the quarter's ratios.

To stay net of what the cohort-change ratios already carry, the children that past
completions brought are removed from the numerators of the historical ratios (and from the
age-0 series) before ratios are estimated: ratios describe the quarter without new housing,
and the housing table adds it explicitly, in the past and in the future alike.
"""

from __future__ import annotations

import numpy as np

__all__ = ["yield_by_age", "net_of_housing", "arrivals"]


def yield_by_age(table: tuple[float, ...], n_ages: int) -> np.ndarray:
    """Children per new dwelling for ages 0 … n_ages-1 (0 beyond the table)."""
    out = np.zeros(n_ages)
    k = min(len(table), n_ages)
    out[:k] = table[:k]
    return out


def net_of_housing(population: np.ndarray, housing: np.ndarray | None, yields: np.ndarray) -> np.ndarray:
    """Population [Q, A, T] minus the children that the year's completions brought (≥ 0)."""
    if housing is None:
        return population
    n_t = population.shape[2]
    dwellings = housing[:, :n_t]
    return np.clip(population - yields[None, :, None] * dwellings[:, None, :], 0.0, None)


def arrivals(housing: np.ndarray | None, year_index: int, yields: np.ndarray, n_quarters: int) -> np.ndarray | None:
    """Children [Q, A] arriving with the dwellings completed in year `year_index` (None if none)."""
    if housing is None or year_index >= housing.shape[1]:
        return None
    dwellings = housing[:, year_index]
    if not dwellings.any():
        return None
    return dwellings[:, None] * yields[None, :]
