"""tuyensinh.ward.numbers.read_numbers: columns of plain digits take a short path with the same
values as the general one."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tuyensinh.ward.numbers import read_numbers


def everything(values: np.ndarray) -> np.ndarray:
    return np.ones(len(values), dtype=bool)


def test_plain_digits_read_as_whole_numbers():
    cells = pd.Series(["0", "12", "007", "123456789012345"], index=[2, 3, 4, 5], dtype=object)
    reading = read_numbers(cells, False, everything)
    assert reading.values.dtype == np.float64
    assert reading.values.tolist() == [0.0, 12.0, 7.0, 123456789012345.0]
    assert reading.refused == {}
    reading.values[0] = np.nan  # the caller blanks refused cells in place: a writable array
    assert np.isnan(reading.values[0])


def test_plain_digits_give_what_the_general_path_gives():
    rng = np.random.default_rng(7)
    digits = [str(v) for v in rng.integers(0, 10**9, size=500)]
    plain = read_numbers(pd.Series(digits, dtype=object), False, everything)
    # one cell that is not plain digits sends the whole column through the general path
    general = read_numbers(pd.Series([*digits, "-1"], dtype=object), False, everything)
    assert np.array_equal(plain.values, general.values[:-1])
    assert general.values[-1] == -1.0


def test_a_thousands_separator_still_takes_the_general_path():
    cells = pd.Series(["12", "7.300", "", "4"], index=[2, 3, 4, 5], dtype=object)
    whole = lambda values: np.mod(values, 1) == 0  # noqa: E731 - as a count column's check
    reading = read_numbers(cells, False, whole)
    assert reading.values[[0, 1, 3]].tolist() == [12.0, 7300.0, 4.0]
    assert np.isnan(reading.values[2])
