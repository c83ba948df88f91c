"""Seeded, bounded fuzzing of the loader: random rows, ids and numbers never cause a traceback.

hypothesis (test extra) writes population.csv, schools.csv and distances.csv rows with random ids
(formula starts, Vietnamese, control characters, very long), random numbers (huge, infinite,
not a number, negative, decimal commas) and random row shapes, then runs `tuyensinh validate`:
it must either accept the folder (exit 0) or refuse it (exit 2) naming the file, with a fix —
never raise. `derandomize=True` makes the examples the same on every run (seeded by the test),
`max_examples` bounds the time (a few seconds; TUYENSINH_FUZZ_EXAMPLES=500 for a longer hunt).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from ward_builder import write_ward  # noqa: E402

from tuyensinh.cli import main  # noqa: E402
from tuyensinh.ward import load_ward  # noqa: E402
from tuyensinh.ward.errors import WardDataError  # noqa: E402

IDS = st.one_of(
    st.sampled_from(["01", "02", "KP3", "MN01", "TH01", "THCS01", "", " ", "=1+1", "+01", "-02", "@x", "\t01", "KP 3"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        [
            "",
            "inf",
            "-inf",
            "nan",
            "NaN",
            "1e400",
            "1,5",
            "12.0",
            "0x10",
            "99999999999999999999",
            "٣",
            "１２",
            "1_000",
            " 7 ",
            "--1",
            "3e",
            "null",
        ]
    ),
    st.text(max_size=12),
)


def _csv(header: list[str], rows: list[list[str]], delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


@st.composite
def table(draw: st.DrawFn, header: list[str], kinds: list[st.SearchStrategy[str]]) -> str:
    n = draw(st.integers(min_value=0, max_value=8))
    rows = []
    for _ in range(n):
        row = [draw(kind) for kind in kinds]
        shape = draw(st.sampled_from(["same", "short", "long"]))
        rows.append(row[:-1] if shape == "short" else [*row, draw(NUMBERS)] if shape == "long" else row)
    return _csv(header, rows, draw(st.sampled_from([",", ";", "\t"])))


POPULATION = table(["quarter_id", "year", "age", "count"], [IDS, NUMBERS, NUMBERS, NUMBERS])
SCHOOLS = table(
    ["school_id", "name", "level", "lon", "lat", "classrooms"],
    [IDS, IDS, st.sampled_from(["tieu_hoc", "thcs", "mam_non", "Tiểu học", "x", ""]), NUMBERS, NUMBERS, NUMBERS],
)
DISTANCES = table(["quarter_id", "school_id", "metres"], [IDS, IDS, NUMBERS])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_ward(tmp_path_factory.mktemp("fuzz") / "ward")


EXAMPLES = int(os.environ.get("TUYENSINH_FUZZ_EXAMPLES", "25"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 25,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    which=st.sampled_from(["population.csv", "schools.csv", "distances.csv"]),
    population=POPULATION,
    schools=SCHOOLS,
    distances=DISTANCES,
)
def test_the_loader_accepts_or_refuses_never_crashes(
    folder: Path, which: str, population: str, schools: str, distances: str
) -> None:
    original = (folder / which).read_bytes()
    text = {"population.csv": population, "schools.csv": schools, "distances.csv": distances}[which]
    (folder / which).write_text(text, encoding="utf-8")
    try:
        try:
            load_ward(folder)
        except WardDataError as error:
            assert error.problems
            for problem in error.problems:
                assert problem.file and problem.message and problem.fix and problem.message_vi and problem.fix_vi
    finally:
        (folder / which).write_bytes(original)


@settings(
    max_examples=max(EXAMPLES // 3, 5),
    deadline=None,
    derandomize=EXAMPLES <= 25,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(population=POPULATION)
def test_validate_exits_0_or_2_with_a_message(
    folder: Path, capsys: pytest.CaptureFixture[str], population: str
) -> None:
    original = (folder / "population.csv").read_bytes()
    (folder / "population.csv").write_text(population, encoding="utf-8")
    try:
        code = main(["validate", str(folder), "--lang", "en"])
        err = capsys.readouterr().err
        assert code in (0, 2)
        if code == 2:
            assert "population.csv" in err and "Fix:" in err and "Traceback" not in err
    finally:
        (folder / "population.csv").write_bytes(original)
