"""zoning.contiguity.zone_pieces: hand-counted pieces, and the same counts as the merge-based
count it replaced on random zonings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from zoning.contiguity import zone_pieces


def merged_pieces(assignment: pd.DataFrame, adjacency: pd.DataFrame) -> pd.Series:
    """The count before 0.2.0: memberships joined to the neighbour pairs with two merges."""
    rows = assignment.loc[assignment["share"] > 1e-9, ["quarter_id", "school_id"]].astype(str)
    rows = rows.drop_duplicates().reset_index(drop=True)
    rows["node"] = np.arange(len(rows))
    edges = adjacency[["quarter_id_a", "quarter_id_b"]].astype(str)
    joined = edges.merge(rows.rename(columns={"quarter_id": "quarter_id_a"}), on="quarter_id_a").merge(
        rows.rename(columns={"quarter_id": "quarter_id_b", "node": "other"}), on=["quarter_id_b", "school_id"]
    )
    size = len(rows)
    graph = sparse.coo_matrix(
        (np.ones(len(joined)), (joined["node"].to_numpy(), joined["other"].to_numpy())), shape=(size, size)
    )
    labels = connected_components(graph, directed=False)[1] if size else np.zeros(0, dtype=int)
    pieces = pd.Series(labels, index=rows["school_id"].to_numpy()).groupby(level=0, sort=True).nunique()
    return pieces.rename("pieces").astype("int64").rename_axis(None)


def path_adjacency(n: int) -> pd.DataFrame:
    """Quarters Q0 – Q1 – … – Q(n−1) in a row, each pair listed both ways."""
    a = [f"Q{i}" for i in range(n - 1)] + [f"Q{i + 1}" for i in range(n - 1)]
    b = [f"Q{i + 1}" for i in range(n - 1)] + [f"Q{i}" for i in range(n - 1)]
    return pd.DataFrame({"quarter_id_a": a, "quarter_id_b": b})


def test_hand_counted_pieces_on_a_row_of_quarters():
    # Q0 Q1 Q2 Q3 Q4 in a row: A holds Q0, Q1 and Q3 (two pieces), B holds Q2 and half of Q3
    # and Q4 (one piece), C holds half of Q3 only (one piece), D a zero share (no zone)
    zones = pd.DataFrame(
        {
            "quarter_id": ["Q0", "Q1", "Q2", "Q3", "Q3", "Q3", "Q4", "Q4"],
            "school_id": ["A", "A", "B", "A", "B", "C", "B", "D"],
            "share": [1.0, 1.0, 1.0, 0.5, 0.25, 0.25, 1.0, 0.0],
        }
    )
    pieces = zone_pieces(zones, path_adjacency(5))
    assert pieces.to_dict() == {"A": 2, "B": 1, "C": 1}


@pytest.mark.parametrize("seed", range(6))
def test_the_same_counts_as_the_merges(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 60))
    pairs = rng.integers(0, n, size=(3 * n, 2))
    adjacency = pd.DataFrame(
        {"quarter_id_a": [f"Q{i}" for i in pairs[:, 0]], "quarter_id_b": [f"Q{j}" for j in pairs[:, 1]]}
    )
    adjacency = pd.concat([adjacency, adjacency.set_axis(["quarter_id_b", "quarter_id_a"], axis=1)], ignore_index=True)
    quarters = np.repeat(np.arange(n), rng.integers(1, 3, size=n))
    zones = pd.DataFrame(
        {
            "quarter_id": [f"Q{i}" for i in quarters],
            "school_id": [f"S{s}" for s in rng.integers(0, 6, size=len(quarters))],
            "share": rng.choice([0.0, 0.4, 1.0], size=len(quarters)),
        }
    )
    pd.testing.assert_series_equal(zone_pieces(zones, adjacency), merged_pieces(zones, adjacency))


def test_no_zone_and_no_neighbours():
    empty = pd.DataFrame({"quarter_id": ["Q0"], "school_id": ["A"], "share": [0.0]})
    assert zone_pieces(empty, path_adjacency(3)).empty
    alone = pd.DataFrame({"quarter_id": ["Q0", "Q2"], "school_id": ["A", "A"], "share": [1.0, 1.0]})
    no_pairs = pd.DataFrame({"quarter_id_a": pd.Series([], dtype=str), "quarter_id_b": pd.Series([], dtype=str)})
    assert zone_pieces(alone, no_pairs).to_dict() == {"A": 2}
