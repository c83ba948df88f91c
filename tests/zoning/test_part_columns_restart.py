"""The pricing of part_columns' pieces with the quarters relaxed, each search started from the
open nodes of the piece's last one (`SchoolPiece.leaves`, `part_columns.SEARCH_REUSE`): on the
small ward's parts, at a sequence of duals around the column bound's multipliers, the same
values and patterns (ties apart) as a search from the root every time and as HiGHS's MIP of the relaxed
piece — and a different value somewhere once an open node is dropped between searches (the
comparison would catch a restart that loses a node); network_columns' states the same (restarts
there are off by default)."""

from __future__ import annotations

import time

import highspy
import numpy as np
import pytest
from small_ward_parts import exact_parts

from zoning import network_columns, part_columns
from zoning.network_columns import NetworkColumns
from zoning.network_sites import solve_lp
from zoning.part_columns import SchoolPiece, column_bound, part_schools

STEPS = 25


@pytest.fixture(scope="module")
def priced():
    """Per part: (its schools, the duals to price at, a fresh set of pieces maker)."""
    model, _exact, exact = exact_parts()
    rng = np.random.default_rng(14)
    out = []
    for cols, part, best in exact:
        schools = part_schools(model, cols, part)
        root, _pieces, _master = column_bound(part, schools, best.values, deadline=time.perf_counter() + 20)
        scale = np.abs(root.multipliers).mean() + 1.0
        pis = [root.multipliers + 0.3 * scale * rng.standard_normal(len(root.multipliers)) for _ in range(STEPS)]
        out.append((part, schools, pis))
    return out


def _prices(part, schools, pis, *, reuse: bool, drop: bool = False):
    """(bound, pattern) of each school's piece at each π in turn, the same pieces throughout;
    `drop`: the first open node of each search removed before the next."""
    pieces = [SchoolPiece(part, schools, j) for j in range(schools.schools)]
    out = []
    for pi in pis:
        row = []
        for piece in pieces:
            if not reuse:
                piece.leaves.clear()
            bound, found = piece.price(pi, False, time.perf_counter() + 30)
            if drop and len(piece.leaves) > 1:
                piece.leaves.pop(0)
            row.append((bound, found))
        out.append(row)
    return out


def _highs(part, schools, pis):
    """HiGHS's optimum of each relaxed piece (x continuous, classes whole) at each π."""
    pieces = [SchoolPiece(part, schools, j) for j in range(schools.schools)]
    out = []
    for pi in pis:
        row = []
        for piece in pieces:
            h = piece.mip
            x = np.flatnonzero(piece.x).astype(np.int32)
            h.changeColsIntegrality(len(x), x, np.array([highspy.HighsVarType.kContinuous] * len(x)))
            h.setOptionValue("mip_rel_gap", 1e-9)
            c = piece.reduced(pi)
            h.changeColsCost(len(c), np.arange(len(c), dtype=np.int32), c)
            h.run()
            assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
            value = float(h.getInfo().objective_function_value)
            row.append(min(value, 0.0) if piece.empty else value)
        out.append(row)
    return out


def test_restarted_pricing_matches_the_root_search_and_highs(priced, monkeypatch) -> None:
    monkeypatch.setattr(part_columns, "SEARCH_REUSE", True)
    restarted_somewhere = same = patterns = 0
    for part, schools, pis in priced:
        again = _prices(part, schools, pis, reuse=True)
        fresh = _prices(part, schools, pis, reuse=False)
        exact = _highs(part, schools, pis)
        for pi, row_a, row_f, row_h in zip(pis, again, fresh, exact, strict=True):
            for j, ((a, pa), (f, pf), h) in enumerate(zip(row_a, row_f, row_h, strict=True)):
                assert a == pytest.approx(f, rel=1e-9, abs=1e-6)
                assert a == pytest.approx(h, rel=1e-7, abs=1e-5)
                assert (pa is None) == (pf is None)
                if pa is not None:
                    piece = SchoolPiece(part, schools, j)
                    c = piece.reduced(pi)
                    assert np.allclose(pa[piece.integer & ~piece.x], np.round(pa[piece.integer & ~piece.x]))
                    assert float(c @ pa) == pytest.approx(float(c @ pf), rel=1e-9, abs=1e-6)
                    assert (pa >= piece.lo - 1e-9).all() and (pa <= piece.hi + 1e-9).all()
                    same += np.allclose(pa, pf, atol=1e-6)  # the same pattern, unless a tie
                    patterns += 1
        restarted_somewhere += sum(len(row) for row in again)
    assert restarted_somewhere > 0
    assert same >= 0.8 * patterns  # ties (an empty pattern at 0 beside a class at 0) apart


def test_dropping_an_open_node_changes_a_price(priced, monkeypatch) -> None:
    """The check above is not vacuous: a restart that loses an open node prices some piece too
    high (its optimum lay in the dropped node) at some π."""
    monkeypatch.setattr(part_columns, "SEARCH_REUSE", True)
    wrong = 0
    for part, schools, pis in priced:
        fresh = _prices(part, schools, pis, reuse=False)
        dropped = _prices(part, schools, pis, reuse=True, drop=True)
        for row_f, row_d in zip(fresh, dropped, strict=True):
            for (f, _pf), (d, _pd) in zip(row_f, row_d, strict=True):
                assert d >= f - 1e-6 * max(1.0, abs(f))  # fewer nodes: never lower
                wrong += d > f + 1e-6 * max(1.0, abs(f))
    assert wrong > 0


@pytest.mark.parametrize("whole", [False, True])
def test_network_states_price_the_same_with_restarts(monkeypatch, whole: bool) -> None:
    """network_columns' states (part_columns' pieces with their sites' z, c fixed; whole: the
    relaxed search first, HiGHS's MIP when its pattern is not whole) at a sequence of duals: the
    same m_s and θ with each search from the last one's open nodes (network_columns.SEARCH_REUSE,
    off by default) as from the root."""
    model, _exact, _parts = exact_parts()
    _lp, duals = solve_lp(model, time_limit=30)
    rng = np.random.default_rng(7)
    probe = NetworkColumns(model)
    pi0 = np.asarray(duals)[probe.linking]
    scale = np.abs(pi0).mean() + 1.0
    pis = [probe.project(pi0 + 0.3 * scale * rng.standard_normal(len(pi0))) for _ in range(12)]
    runs = []
    for reuse in (True, False):
        monkeypatch.setattr(part_columns, "SEARCH_REUSE", reuse)
        monkeypatch.setattr(network_columns, "SEARCH_REUSE", reuse)
        cols = NetworkColumns(model)
        out = []
        for pi in pis:
            at = cols.evaluate(pi, whole, time.perf_counter() + 30)
            assert at is not None
            out.append((at[0], at[1], at[2]))
        runs.append((out, sum(len(state.leaves) > 0 for state in cols.states)))
    (again, kept), (fresh, _none) = runs
    assert kept > 0  # some states were searched from open nodes
    for (theta_a, int_a, m_a), (theta_f, int_f, m_f) in zip(again, fresh, strict=True):
        assert theta_a == pytest.approx(theta_f, rel=1e-9, abs=1e-6)
        assert int_a == pytest.approx(int_f, rel=1e-9, abs=1e-6)
        assert np.allclose(m_a, m_f, rtol=1e-9, atol=1e-6)
