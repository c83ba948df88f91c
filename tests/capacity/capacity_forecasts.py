"""A random forecast table (quarters × years × ages 0–18, with interval bounds) for the capacity tests."""

from __future__ import annotations

import numpy as np
import pandas as pd


def random_forecast(
    quarters: int = 6,
    years: tuple[int, ...] = (2027, 2028, 2029, 2030),
    seed: int = 1,
    scale: float = 8.0,
    growth: float = 0.0,
) -> pd.DataFrame:
    """Gamma(4, `scale`) children per quarter, year and age, `growth` more per year after the first."""
    rng = np.random.default_rng(seed)
    q, y, a = np.meshgrid([f"Q{i}" for i in range(quarters)], years, np.arange(19), indexing="ij")
    mean = rng.gamma(4.0, scale, size=q.shape) * (1 + growth * (y - years[0]))
    width = rng.uniform(0.05, 0.3, size=q.shape)
    return pd.DataFrame(
        {
            "quarter_id": q.ravel(),
            "year": y.ravel(),
            "age": a.ravel(),
            "mean": mean.ravel(),
            "lo80": (mean * (1 - width)).ravel(),
            "hi80": (mean * (1 + width)).ravel(),
            "lo95": (mean * (1 - 1.5 * width)).ravel(),
            "hi95": (mean * (1 + 1.7 * width)).ravel(),
        }
    )
