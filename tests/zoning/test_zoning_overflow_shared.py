"""Pupils that no school can seat are shared out, never piled on one school (zoning.share_overflow)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from capacity import load_norms
from zoning import assign

NORMS = load_norms()


def two_full_schools(extra: dict[str, float], *, years=(2027,)):
    """Schools A (0 m) and B (2,000 m) with 1 room each (35 seats), each filled by its own
    quarter of 35 pupils; `extra` quarters at 1,000 m, equally near both, with their pupils."""
    positions = {"a": 0.0, "b": 2000.0, **dict.fromkeys(extra, 1000.0)}
    pupils = {"a": 35.0, "b": 35.0, **extra}
    demand = pd.DataFrame(
        [
            {"quarter_id": q, "school_year": y, "level": "tieu_hoc", "grade": "lop_1", "age": 6, "mean": v}
            for y in years
            for q, v in pupils.items()
        ]
    )
    schools = pd.DataFrame(
        {"school_id": ["A", "B"], "name": ["A", "B"], "level": "tieu_hoc", "classrooms": 1, "sessions_per_day": 2}
    )
    distances = pd.DataFrame(
        [(q, s, abs(x - site)) for q, x in positions.items() for s, site in (("A", 0.0), ("B", 2000.0))],
        columns=["quarter_id", "school_id", "metres"],
    )
    return demand, schools, distances


def solve(extra, split=False, years=(2027,)):
    demand, schools, distances = two_full_schools(extra, years=years)
    result = assign(demand, schools, distances, level="tieu_hoc", school_years=list(years), norms=NORMS, split=split)
    return demand, result


@pytest.mark.parametrize("split", [False, True])
def test_sixty_extra_pupils_equally_near_two_full_schools_are_shared(split):
    # two quarters of 30 at 1,000 m from both full schools: 30 over at each, not 60 and 0
    demand, result = solve({"e1": 30.0, "e2": 30.0}, split=split)
    over = result.load.set_index("school_id")["overflow_pupils"]
    assert over["A"] == pytest.approx(30.0) and over["B"] == pytest.approx(30.0)
    # no child lost or counted twice: pupils at the schools = demand; total overflow unchanged
    assert result.load["pupils"].sum() == pytest.approx(demand["mean"].sum())
    assert over.sum() == pytest.approx(60.0)
    # the notes report each school's own overflow
    notes = [n for n in result.note_records if n.key == "overflow"]
    assert sorted((n.fields["school_id"], round(n.fields["pupils"])) for n in notes) == [("A", 30), ("B", 30)]


def test_split_quarter_of_sixty_is_divided_and_whole_quarter_stays_whole():
    _, split = solve({"e1": 60.0}, split=True)
    assert split.load["overflow_pupils"].tolist() == pytest.approx([30.0, 30.0])
    _, whole = solve({"e1": 60.0})  # a whole quarter cannot be divided: 60 at one school, honestly
    assert sorted(whole.load["overflow_pupils"].tolist()) == pytest.approx([0.0, 60.0])


def test_three_quarters_of_twenty_spread_as_evenly_as_whole_quarters_allow():
    _, result = solve({"e1": 20.0, "e2": 20.0, "e3": 20.0})
    assert sorted(result.load["overflow_pupils"].tolist()) == pytest.approx([20.0, 40.0])


def test_overflow_shared_in_every_year_zoned_together():
    _, result = solve({"e1": 30.0, "e2": 30.0}, years=(2027, 2028))
    over = result.load.pivot(index="school_id", columns="school_year", values="overflow_pupils")
    assert np.allclose(over.to_numpy(), 30.0)


def test_no_overflow_no_second_pass_change():
    # room for everyone (A and B 2 rooms): nothing over capacity, zoning by distance as before
    demand, schools, distances = two_full_schools({"e1": 30.0})
    schools["classrooms"] = 2
    result = assign(demand, schools, distances, level="tieu_hoc", school_years=2027, norms=NORMS)
    assert result.overflow().empty
    zones = result.zones(2027).set_index("quarter_id")["school_id"]
    assert zones["a"] == "A" and zones["b"] == "B"
