"""Zoning notes and errors in the planner's language: every kind produced by a real small
instance and worded in Vietnamese (diacritics, decimal comma, dot thousands) and English, while
`ZoningResult.notes` and `str(ZoningError)` keep the English scripts have always read."""

from __future__ import annotations

import json
import types

import numpy as np
import pandas as pd
import pytest

from capacity import load_norms
from zoning import Note, ZoningError, assign, build_problem, solve_problem
from zoning.mapdata import result_notes
from zoning.result import ZoningResult

NORMS = load_norms()


def line_instance(
    positions: dict[str, float],
    sites: dict[str, float],
    pupils: dict[str, float],
    rooms: dict[str, int],
    years: tuple[int, ...] = (2027,),
):
    """Grade-1 pupils of quarters on a line (metres); schools named 'Trường <id>'."""
    demand = pd.DataFrame(
        [
            {"quarter_id": q, "school_year": y, "level": "tieu_hoc", "grade": "lop_1", "age": 6, "mean": v}
            for y in years
            for q, v in pupils.items()
        ]
    )
    schools = pd.DataFrame(
        {
            "school_id": list(sites),
            "name": [f"Trường {s}" for s in sites],
            "level": "tieu_hoc",
            "classrooms": [rooms[s] for s in sites],
            "sessions_per_day": 2,
        }
    )
    distances = pd.DataFrame(
        [(q, s, abs(positions[q] - sites[s])) for q in positions for s in sites],
        columns=["quarter_id", "school_id", "metres"],
    )
    return demand, schools, distances


def table_instance(metres: dict[tuple[str, str], float]):
    """Ten grade-1 pupils per quarter, three rooms per school, distances as given."""
    quarters = sorted({q for q, _ in metres})
    sites = sorted({s for _, s in metres})
    demand = pd.DataFrame(
        {"quarter_id": quarters, "school_year": 2027, "level": "tieu_hoc", "grade": "lop_1", "age": 6, "mean": 10.0}
    )
    schools = pd.DataFrame(
        {
            "school_id": sites,
            "name": [f"Trường {s}" for s in sites],
            "level": "tieu_hoc",
            "classrooms": 3,
            "sessions_per_day": 2,
        }
    )
    distances = pd.DataFrame([(q, s, m) for (q, s), m in metres.items()], columns=["quarter_id", "school_id", "metres"])
    return demand, schools, distances


def grid(side: int = 12, m: int = 6, seed: int = 0):
    """side × side square quarters 400 m wide, m schools, three grades; rook adjacency."""
    rng = np.random.default_rng(seed)
    grades = ("lop_1", "lop_2", "lop_3")
    cells = [(r, c) for r in range(side) for c in range(side)]
    qid = [f"Q{r:02d}{c:02d}" for r, c in cells]
    centres = np.array(cells, dtype=float) * 400 + 200
    sites = rng.uniform(0, side * 400, size=(m, 2))
    per = rng.gamma(4.0, 3.5, size=(len(qid), len(grades)))
    demand = pd.DataFrame(
        {
            "quarter_id": np.repeat(qid, len(grades)),
            "school_year": 2027,
            "level": "tieu_hoc",
            "grade": np.tile(grades, len(qid)),
            "age": np.tile([6, 7, 8], len(qid)),
            "mean": per.ravel().round(2),
        }
    )
    schools = pd.DataFrame(
        {
            "school_id": [f"S{j}" for j in range(m)],
            "name": [f"Trường {j}" for j in range(m)],
            "level": "tieu_hoc",
            "classrooms": int(per.sum() / 35 / m * 1.1) + 3,
            "sessions_per_day": 2,
        }
    )
    metres = np.hypot(centres[:, None, 0] - sites[None, :, 0], centres[:, None, 1] - sites[None, :, 1]) * 1.3
    distances = pd.DataFrame(
        {
            "quarter_id": np.repeat(qid, m),
            "school_id": np.tile(schools["school_id"], len(qid)),
            "metres": metres.ravel(),
        }
    )
    edges = [(f"Q{r:02d}{c:02d}", f"Q{r:02d}{c + 1:02d}") for r in range(side) for c in range(side - 1)] + [
        (f"Q{r:02d}{c:02d}", f"Q{r + 1:02d}{c:02d}") for r in range(side - 1) for c in range(side)
    ]
    adjacency = pd.DataFrame(edges, columns=["quarter_id_a", "quarter_id_b"])
    return demand, schools, distances, adjacency, qid


def solve(demand, schools, distances, **options):
    return assign(
        demand,
        schools,
        distances,
        level="tieu_hoc",
        school_years=options.pop("school_years", 2027),
        norms=NORMS,
        distance_penalty=0.0,
        **options,
    )


def vi_percent(fraction: float) -> str:
    return f"{100 * fraction:.2f}".replace(".", ",") + "%"


# --- notes ----------------------------------------------------------------------------------


def test_school_over_capacity_note_in_both_languages():
    # one room at A = one class of 35: 40.4 + 25 pupils leave 30.4 without a seat
    demand, schools, distances = line_instance({"q1": 0, "q2": 300}, {"A": 0}, {"q1": 40.4, "q2": 25.0}, {"A": 1})
    result = solve(demand, schools, distances)
    assert [n.key for n in result.note_records] == ["overflow"]
    assert result.note_texts("vi") == (
        "Trường A (A), năm học 2027–2028: 30,4 học sinh vượt sức chứa (không đủ chỗ trong các phòng học hiện có).",
    )
    assert result.note_texts("en") == (
        "Trường A (A), school year 2027–2028: 30.4 pupils beyond its seats (more than its classrooms hold).",
    )
    assert result.notes == ("Trường A (A), school year 2027: 30.4 pupil(s) beyond its seats",)  # unchanged
    assert result.note_texts() == result.note_texts("vi")


def test_quarters_beyond_the_maximum_distance_note():
    demand, schools, distances = line_instance(
        {"q1": 0, "q2": 900, "q3": 5000}, {"A": 0, "B": 1000}, {"q1": 10, "q2": 10, "q3": 10}, {"A": 3, "B": 3}
    )
    result = solve(demand, schools, distances, max_distance=1200)
    assert result.note_texts("vi") == (
        "1 khu phố/thôn không có trường tiểu học nào trong phạm vi 1.200 m nên được phân về trường gần nhất: q3.",
    )
    assert result.note_texts("en") == (
        "1 quarter has no primary school within 1,200 m and goes to its nearest school: q3.",
    )
    assert result.notes == ("1 quarter(s) have no school within 1,200 m and go to their nearest school: q3",)


def test_many_stranded_quarters_are_counted_beyond_ten():
    positions = {"q00": 0.0, **{f"q{k:02d}": 4000.0 + k for k in range(1, 13)}}
    demand, schools, distances = line_instance(positions, {"A": 0}, dict.fromkeys(positions, 5.0), {"A": 9})
    result = solve(demand, schools, distances, max_distance=1500)
    listed = ", ".join(f"q{k:02d}" for k in range(1, 11))
    assert result.note_texts("vi") == (
        f"12 khu phố/thôn không có trường tiểu học nào trong phạm vi 1.500 m nên "
        f"được phân về trường gần nhất: {listed} và 2 khu phố/thôn khác.",
    )
    assert result.note_texts("en") == (
        f"12 quarters have no primary school within 1,500 m and go to their nearest school: {listed} and 2 more.",
    )
    assert result.notes == (f"12 quarter(s) have no school within 1,500 m and go to their nearest school: {listed}",)


@pytest.fixture(scope="module")
def grid_problem():
    demand, schools, distances, adjacency, qid = grid()
    return build_problem(demand, schools, distances, level="tieu_hoc", school_years=2027, norms=NORMS)


def test_time_limit_note_says_how_far_from_optimal(grid_problem):
    result = solve_problem(grid_problem, time_limit=0.05, strategy="exact")
    assert result.solver.status == "feasible" and result.solver.gap is not None
    gap = result.solver.gap
    assert result.note_records[0].key == "time_limit"
    assert result.note_texts("vi")[0] == (
        "Phân tuyến cấp tiểu học, năm học 2027–2028: hết thời gian giải (0,05 giây) trước khi chứng minh "
        f"được phương án là tối ưu (phương án tìm được kém phương án tốt nhất không quá {vi_percent(gap)}); "
        "tăng thời gian giải (--time-limit) để có phương án tốt hơn."
    )
    assert result.note_texts("en")[0] == (
        "Primary zoning, school year 2027–2028: the solver reached its time limit (0.05 s) before proving the "
        f"zoning optimal (the zoning found is at most {100 * gap:.2f}% worse than the best possible); allow "
        "more time (--time-limit) for a better one."
    )
    assert result.notes[0] == (
        f"tieu_hoc [2027]: the solver stopped at the time limit with a zoning not proven "
        f"optimal (gap {gap:.2%}); allow more time for a better one"
    )
    # the over-capacity notes of the same result follow, one per school over capacity
    over = result.overflow()
    assert [n.key for n in result.note_records[1:]] == ["overflow"] * len(over)


def test_nothing_found_in_time_keeps_the_start_with_a_note(grid_problem):
    # PuLP's HiGHS takes no warm start: in a millisecond it finds nothing, the start is kept
    result = solve_problem(grid_problem, time_limit=0.001, solver="pulp-highs", strategy="exact")
    assert result.note_records[0].key == "start_kept"
    assert result.note_texts("vi")[0] == (
        "Phân tuyến cấp tiểu học, năm học 2027–2028: sau 0,001 giây bộ giải chưa tìm được phương án nào; "
        "phương án hiển thị giữ trường hiện hành của từng khu phố/thôn (chưa có thì trường gần nhất); "
        "tăng thời gian giải (--time-limit) để có phương án tối ưu."
    )
    assert result.note_texts("en")[0] == (
        "Primary zoning, school year 2027–2028: the solver found no zoning within the time limit of 0.001 s; "
        "the zones shown keep each quarter's current school (else the nearest); allow more time "
        "(--time-limit) for an optimised zoning."
    )
    assert result.notes[0] == (
        "tieu_hoc [2027]: the solver found no zoning within the time limit of 0.001 s; the zones shown keep "
        "each quarter's current school (else the nearest); allow more time (--time-limit) for an optimised zoning"
    )


def test_preschool_notes_speak_of_children_and_group_thousands():
    note = Note.of(
        "overflow",
        level="mam_non",
        school_id="MN01",
        name="Trường Mầm non Hoa Sen",
        school_year=2028,
        pupils=np.float64(1234.46),
    )
    assert note.text("vi") == (
        "Trường Mầm non Hoa Sen (MN01), năm học 2028–2029: 1.234,5 trẻ vượt sức chứa "
        "(không đủ chỗ trong các phòng học hiện có)."
    )
    assert note.text("en") == (
        "Trường Mầm non Hoa Sen (MN01), school year 2028–2029: 1,234.5 children beyond "
        "its seats (more than its classrooms hold)."
    )
    assert note.script_text() == "Trường Mầm non Hoa Sen (MN01), school year 2028: 1234.5 pupil(s) beyond its seats"
    assert note == Note.of(
        "overflow", level="mam_non", school_id="MN01", name="Trường Mầm non Hoa Sen", school_year=2028, pupils=1234.46
    )  # numpy values stored as plain ones
    tiny = Note.of("overflow", level="tieu_hoc", school_id="TH04", name="Trường B", school_year=2029, pupils=0.021)
    assert tiny.text("vi") == (
        "Trường B (TH04), năm học 2029–2030: dưới 0,1 học sinh vượt sức chứa (không đủ chỗ "
        "trong các phòng học hiện có)."
    )
    assert tiny.text("en").startswith("Trường B (TH04), school year 2029–2030: less than 0.1 pupils beyond its seats")
    assert tiny.script_text() == "Trường B (TH04), school year 2029: 0.0 pupil(s) beyond its seats"
    with pytest.raises(ValueError, match="unknown output language"):
        note.text("fr")
    with pytest.raises(ValueError, match="unknown zoning note"):
        Note.of("typo")


def test_each_year_keeps_its_notes_and_a_map_shows_its_own_year():
    demand, schools, distances = line_instance({"q1": 0}, {"A": 0}, {"q1": 50.0}, {"A": 1}, years=(2027, 2028))
    demand.loc[demand["school_year"] == 2028, "mean"] = 60.0
    result = solve(demand, schools, distances, school_years=[2027, 2028], per_year=True)
    assert result.note_texts("vi") == (
        "Trường A (A), năm học 2027–2028: 15 học sinh vượt sức chứa (không đủ chỗ trong các phòng học hiện có).",
        "Trường A (A), năm học 2028–2029: 25 học sinh vượt sức chứa (không đủ chỗ trong các phòng học hiện có).",
    )
    assert len(result.notes) == len(result.note_records) == 2
    assert result_notes(result, 2028, "en") == [
        "Trường A (A), school year 2028–2029: 25 pupils beyond its seats (more than its classrooms hold)."
    ]
    summary = json.loads(json.dumps(result.summary()))
    assert summary["notes"] == list(result.notes)
    assert summary["note_records"][1] == {
        "key": "overflow",
        "params": {"level": "tieu_hoc", "school_id": "A", "name": "Trường A", "school_year": 2028, "pupils": 25.0},
    }


def test_a_result_built_by_hand_keeps_its_notes():
    demand, schools, distances = line_instance({"q1": 0}, {"A": 0}, {"q1": 10.0}, {"A": 1})
    base = solve(demand, schools, distances)
    record = Note.of("overflow", level="tieu_hoc", school_id="A", name="Trường A", school_year=2027, pupils=2.0)
    parts = (base.level, base.school_years, base.assignment, base.load, base.grades, base.reports)
    from_records = ZoningResult(*parts, note_records=(record,))
    assert from_records.notes == ("Trường A (A), school year 2027: 2.0 pupil(s) beyond its seats",)
    free = ZoningResult(*parts, notes=("a note of my own",))
    assert free.note_texts("vi") == ("a note of my own",) and free.note_texts("vi", kinds=("overflow",)) == ()


# --- errors ---------------------------------------------------------------------------------

CHAIN = pd.DataFrame({"quarter_id_a": ["q0", "q1"], "quarter_id_b": ["q1", "q2"]})


def test_infeasible_limits_error():
    # (a chain of quarters cut off from every school's anchor is no longer infeasible: it is
    # exempted, see test_cut_off_quarter_is_exempted_and_named; the wording stays)
    error = ZoningError("infeasible", level="tieu_hoc", contiguity=True, max_distance=1500.0)
    assert isinstance(error, ValueError) and error.key == "infeasible"
    assert error.text("vi") == (
        "Không có phương án phân tuyến cấp tiểu học nào đáp ứng các giới hạn đã đặt (vùng tuyển sinh liền "
        "khối; khoảng cách tối đa 1.500 m): hãy bỏ yêu cầu vùng liền khối hoặc tăng khoảng cách tối đa. "
        "Thiếu chỗ học tự nó không bao giờ khiến việc phân tuyến bất khả thi (học sinh vượt sức chứa được "
        "báo cáo theo từng trường)."
    )
    assert error.text("en") == (
        "No primary zoning meets the limits asked for (contiguous zones; at most 1,500 m): drop the "
        "contiguity rule or raise the maximum distance. Capacity alone never makes zoning impossible "
        "(pupils over capacity are reported per school)."
    )
    assert str(error) == (
        "no zoning of tieu_hoc satisfies the limits asked for (contiguous zones) (at most "
        "1,500 m): relax them. Capacity alone never makes zoning impossible (pupils over "
        "capacity are reported)."
    )


@pytest.mark.parametrize("q1_to_b", [1000, 1300])
def test_cut_off_quarter_is_exempted_and_named(q1_to_b):
    # within 1,500 m q2 can only go to B; B's anchor is the island q3, and no chain of ever-closer
    # neighbours leads from q2 to it (q1 is closer to B but has no closer neighbour at B, or is
    # farther): q2 cannot be contiguous with any zone, so it is exempted and named, not a failure
    metres = {
        ("q0", "A"): 100,
        ("q0", "B"): 5000,
        ("q1", "A"): 900,
        ("q1", "B"): q1_to_b,
        ("q2", "A"): 5000,
        ("q2", "B"): 1200,
        ("q3", "A"): 5000,
        ("q3", "B"): 50,
    }
    result = solve(*table_instance(metres), max_distance=1500, contiguity=CHAIN)
    zones = result.zones().set_index("quarter_id")["school_id"].to_dict()
    assert zones == {"q0": "A", "q1": "A", "q2": "B", "q3": "B"}
    exempt = [n for n in result.note_records if n.key == "contiguity_exempt"]
    assert len(exempt) == 1 and exempt[0].fields["quarter_ids"] == ("q2",)
    assert exempt[0].text("en") == (
        "1 quarter cannot be joined to any primary school's zone through neighbouring quarters (an "
        "island, or gaps between boundaries) and is exempted from contiguity, forming a separate piece of "
        "its zone: q2."
    )
    assert (
        exempt[0].text("vi").startswith("1 khu phố/thôn không thể nối liền với vùng tuyển sinh của trường tiểu học nào")
    )
    assert any(note.startswith("1 quarter(s) cannot be contiguous with any school's zone") for note in result.notes)


def test_impossible_contiguity_error_wording():
    error = ZoningError("contiguity_impossible", quarter_ids=["q2"])
    assert error.text("vi") == (
        "Không thể tạo vùng tuyển sinh liền khối cho khu phố/thôn q2: không trường nào được xét cho các khu "
        "phố/thôn này nối được với chúng qua một chuỗi khu phố/thôn liền kề. Hãy kiểm tra quarters.geojson "
        "(khu phố/thôn tách rời hoặc có khe hở giữa các ranh giới), nới khoảng cách tối đa, hoặc phân tuyến "
        "không yêu cầu vùng liền khối."
    )
    assert error.text("en") == (
        "Contiguous zones are impossible for quarter(s) q2: none of their candidate schools can be reached "
        "through neighbouring quarters. Check quarters.geojson for islands or gaps between boundaries, raise "
        "the maximum distance, or zone without contiguity."
    )
    assert str(error).startswith("contiguous zones are impossible for quarter(s) q2: none of their candidate")


def test_no_zoning_in_time_error():
    # a current zoning in stripes breaks contiguity, so there is no start to fall back on
    demand, schools, distances, adjacency, qid = grid()
    stripes = [f"S{k % 6}" for k in range(len(qid))]
    current = pd.DataFrame({"quarter_id": qid, "level": "tieu_hoc", "school_id": stripes})
    problem = build_problem(
        demand, schools, distances, level="tieu_hoc", school_years=2027, norms=NORMS, current=current
    )
    with pytest.raises(ZoningError) as caught:
        solve_problem(problem, time_limit=0.001, strategy="exact", contiguity=adjacency, stability=100)
    error = caught.value
    assert error.key == "no_solution"
    solver, status = error.params["solver"], error.params["solver_status"]
    assert solver.startswith("HiGHS") and status
    assert error.text("vi") == (
        f"Sau 0,001 giây bộ giải chưa tìm được phương án phân tuyến cấp tiểu học nào "
        f"({solver}: {status}); hãy tăng thời gian giải (--time-limit)."
    )
    assert error.text("en") == (
        f"The solver found no primary zoning within 0.001 s ({solver}: {status}); allow more time (--time-limit)."
    )
    assert str(error) == (
        f"the solver found no zoning of tieu_hoc within 0.001 s ({solver}: {status}); allow more time (--time-limit)"
    )


def test_option_errors_of_the_model():
    demand, schools, distances = line_instance({"q1": 0, "q2": 300}, {"A": 0}, {"q1": 10.0, "q2": 10.0}, {"A": 2})
    adjacency = pd.DataFrame({"quarter_id_a": ["q1"], "quarter_id_b": ["q2"]})
    with pytest.raises(ZoningError) as caught:
        solve(demand, schools, distances, split=True, contiguity=adjacency)
    assert caught.value.text("vi") == (
        "Vùng tuyển sinh liền khối cần giữ nguyên từng khu phố/thôn: không dùng "
        "chia khu phố/thôn (--split) cùng với yêu cầu liền khối (--contiguous)."
    )
    assert str(caught.value) == "contiguous zones need whole quarters: use split=False with contiguity"
    with pytest.raises(ZoningError) as caught:
        solve(demand, schools, distances, stability=-2.5)
    assert caught.value.text("vi") == (
        "--stability và --distance-penalty phải lớn hơn hoặc bằng 0 (mét cho mỗi học sinh); đã nhập -2,5 và 0."
    )
    assert caught.value.text("en") == (
        "--stability and --distance-penalty must be 0 or more (metres per pupil); got -2.5 and 0."
    )


def test_errors_survive_pickling():
    import pickle

    error = ZoningError("contiguity_impossible", quarter_ids=["KP07"])
    copy = pickle.loads(pickle.dumps(error))
    assert copy.key == error.key and copy.text("vi") == error.text("vi") and str(copy) == str(error)


# --- the plan's report ----------------------------------------------------------------------


def test_report_lists_the_zoning_notes_in_its_language_once():
    from tuyensinh.plan.content import zoning_note_sentences

    demand, schools, distances = line_instance(
        {"q1": 0, "q2": 900, "q3": 5000}, {"A": 0, "B": 1000}, {"q1": 40, "q2": 10, "q3": 10}, {"A": 1, "B": 1}
    )
    proposed = solve(demand, schools, distances, max_distance=1200)
    assert {n.key for n in proposed.note_records} == {"stranded", "overflow"}
    for lang, expected in (
        (
            "vi",
            "1 khu phố/thôn không có trường tiểu học nào trong phạm vi 1.200 m nên được phân về trường gần nhất: q3.",
        ),
        ("en", "1 quarter has no primary school within 1,200 m and goes to its nearest school: q3."),
    ):
        plan = types.SimpleNamespace(
            zonings={"tieu_hoc": proposed}, yearly={"tieu_hoc": proposed}, settings=types.SimpleNamespace(lang=lang)
        )
        # the over-capacity note is the flags' business; the stranded quarter is said once
        assert zoning_note_sentences(plan) == [expected]
