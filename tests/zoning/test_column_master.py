"""The shared restricted master and box-step loop (zoning.column_master) on a hand-made toy whose
patterns are enumerated: two quarters, two schools (x for each quarter and n classes, 5 a class,
one class a quarter at least, or two), the pricing exact. The loop reaches the master LP over every
pattern (scipy's linprog), with the sites fixed and with a site column w ∈ [0, 1] opening the
second school; a pattern with the same quarters and other classes is a column of its own."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import linprog

from zoning.column_master import Master, Priced, Sites, generate

COSTS = [np.array([1.0, 4.0, 5.0]), np.array([3.0, 2.0, 5.0])]  # x0, x1, n per school
SITE_COST = 1.5


class _Piece:
    """One school: columns x0, x1 (quarters 0, 1) and n (classes)."""

    def __init__(self, cost: np.ndarray) -> None:
        self.cost, self.x, self.integer = cost, np.array([True, True, False]), np.array([True, True, True])
        self.patterns = [
            np.array([a, b, n], dtype=float) for a, b in itertools.product((0, 1), repeat=2) for n in (a + b, 2)
        ]
        self.patterns = [p for p in self.patterns if p[2] >= p[0] + p[1]]  # one class a quarter at least

    def reduced(self, pi: np.ndarray) -> np.ndarray:
        c = self.cost.copy()
        c[:2] -= pi
        return c

    def link(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        on = values[:2] > 1e-9
        return np.flatnonzero(on), values[:2][on]


class _Toy:
    """Exact pricing by enumeration; θ(π) = Σπ + m_A + (m_B, or min(0, c_w + m_B) with the site)."""

    def __init__(self, site: bool) -> None:
        self.states = [_Piece(c) for c in COSTS]
        self.site = site

    def price(self, pi: np.ndarray, whole: bool, deadline: float, mu: np.ndarray | None) -> Priced:
        m = np.zeros(2)
        found: list[np.ndarray | None] = []
        for s, piece in enumerate(self.states):
            values = [float(piece.cost @ p) - float(pi @ p[:2]) for p in piece.patterns]
            k = int(np.argmin(values))
            m[s] = values[k]
            found.append(piece.patterns[k].copy())
        last = min(0.0, SITE_COST + m[1]) if self.site else m[1]
        return Priced(float(pi.sum() + m[0] + last), m, found)

    def project(self, pi: np.ndarray) -> np.ndarray:
        return pi

    def offered(self, _s: int) -> list[int]:
        return []


def _full_lp(toy: _Toy) -> float:
    """The master over every pattern (and w) by scipy's linprog."""
    cols, rows_eq, rows_ub = [], [], []
    for s, piece in enumerate(toy.states):
        for p in piece.patterns:
            cols.append(float(piece.cost @ p))
            rows_eq.append([p[0], p[1], 1.0 if s == 0 else 0.0] + ([] if toy.site else [1.0 if s == 1 else 0.0]))
            rows_ub.append([1.0 if s == 1 else 0.0])
    a_eq = np.array(rows_eq).T
    b_eq = np.ones(a_eq.shape[0])
    if not toy.site:
        return float(linprog(cols, A_eq=a_eq, b_eq=b_eq, bounds=(0, None)).fun)
    a_eq = np.hstack([a_eq, np.zeros((a_eq.shape[0], 1))])
    a_ub = np.hstack([np.array(rows_ub).T, [[-1.0]]])  # Σλ_B − w ≤ 0
    out = linprog(
        [*cols, SITE_COST], A_ub=a_ub, b_ub=[0.0], A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * len(cols) + [(0, 1)]
    )
    return float(out.fun)


def _master(toy: _Toy) -> Master:
    ones = np.ones(2)
    if not toy.site:
        return Master(toy.states, ones, ones, [(-1, 0.0, 1.0, 1.0)] * 2, Sites.none(2), big=0.0, feasible=True)
    sites = Sites(
        np.array([SITE_COST]),
        np.zeros(1),
        np.ones(1),
        sparse.csr_matrix((2, 1)),
        sparse.csr_matrix((0, 1)),
        np.zeros(0),
        np.zeros(0),
    )
    return Master(toy.states, ones, ones, [(-1, 0.0, 1.0, 1.0), (0, 1.0, -np.inf, 0.0)], sites, big=1e4, feasible=True)


@pytest.mark.parametrize("site", [False, True])
def test_the_loop_reaches_the_master_over_every_pattern(site: bool) -> None:
    toy = _Toy(site)
    full = _full_lp(toy)
    master = _master(toy)
    master.add(0, np.array([1.0, 1.0, 2.0]), False)  # a feasible plan: school A takes both
    relaxed, whole = generate(master, toy, np.zeros(2), deadline=time.perf_counter() + 20, relaxed_until=None)
    assert relaxed is None
    assert whole.theta <= full + 1e-9  # θ is a lower bound of the master LP (weak duality)
    assert whole.theta >= full - 1e-4 * abs(full)  # and the loop converged to it
    assert whole.value == pytest.approx(full, rel=1e-4)  # the master without artificials: its LP value
    assert whole.iterations >= 1
    if site:
        master.box(whole.pi, None)
        master.solve()
        assert 0.0 <= master.sites()[0] <= 1.0 + 1e-9


def test_same_quarters_other_classes_is_a_column_of_its_own() -> None:
    """A cheaper pattern with the same quarters (fewer classes) enters beside the dearer one;
    the same pattern twice does not."""
    toy = _Toy(False)
    master = _master(toy)
    assert master.add(0, np.array([1.0, 0.0, 2.0]), False)
    assert master.add(0, np.array([1.0, 0.0, 1.0]), False)
    assert not master.add(0, np.array([1.0, 0.0, 1.0]), False)
    assert master.add(1, np.array([1.0, 0.0, 1.0]), False)  # another school's
    assert [(s, cost) for s, cost, _v, _f in master.columns] == [(0, 11.0), (0, 6.0), (1, 8.0)]
