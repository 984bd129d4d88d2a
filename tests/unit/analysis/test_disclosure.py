"""Disclosure control: primary and secondary suppression, and an attacker's view."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from analysis import AnalysisOptions, suppress


def _published_lines(counts: np.ndarray, mask: np.ndarray, whole_rows: bool, k: int):
    """Lines (sets of cells) whose total an attacker can read.

    Column totals and the totals of rows that are not wholly suppressed are published,
    except a total that is itself a small count (0 < total < k: the publisher suppresses
    it by the primary rule) and a "total" of a single cell (it is that cell).
    """
    n_rows, n_cols = mask.shape
    lines = []
    if n_rows > 1:
        lines += [[(i, j) for i in range(n_rows)] for j in range(n_cols)]
    if n_cols > 1 and not whole_rows:
        lines += [[(i, j) for j in range(n_cols)] for i in range(n_rows) if not mask[i].all()]
    return [line for line in lines if not 0 < sum(counts[c] for c in line) < k]


def _attack(counts: np.ndarray, mask: np.ndarray, whole_rows: bool, k: int) -> set:
    """Cells an attacker can recover by subtraction, repeated until nothing changes."""
    known = ~mask.copy()
    recovered = set()
    changed = True
    while changed:
        changed = False
        for line in _published_lines(counts, mask, whole_rows, k):
            unknown = [c for c in line if not known[c]]
            if len(unknown) == 1:
                known[unknown[0]] = True
                recovered.add(unknown[0])
                changed = True
    return recovered


def _small_hidden_aggregates(counts, mask, whole_rows, k) -> list:
    out = []
    for line in _published_lines(counts, mask, whole_rows, k):
        hidden = [counts[c] for c in line if mask[c]]
        if hidden and 0 < sum(hidden) < k:
            out.append(line)
    return out


tables = arrays(
    np.int64,
    st.tuples(st.integers(1, 6), st.integers(1, 4)),
    elements=st.integers(0, 25),
)


@settings(max_examples=300, deadline=None)
@given(tables, st.integers(3, 7), st.booleans())
def test_no_suppressed_cell_can_be_recovered_from_totals(counts, k, whole_rows):
    result = suppress(pd.DataFrame(counts), k, whole_rows=whole_rows)
    mask = result.mask.to_numpy()
    assert not _attack(counts, mask, whole_rows, k)
    assert not _small_hidden_aggregates(counts, mask, whole_rows, k)
    # primary rule: every published non-zero count is at least k
    shown = counts[~mask]
    assert ((shown == 0) | (shown >= k)).all()
    if whole_rows:
        assert (mask.all(axis=1) | ~mask.any(axis=1)).all()
        row_ok = (counts >= k).all(axis=1) | (counts.sum(axis=1) == 0)
        assert not (~row_ok & ~mask.any(axis=1)).any()
    # suppressed values are None, the others unchanged
    table = result.table.to_numpy()
    for (i, j), hidden in np.ndenumerate(mask):
        assert (table[i, j] is None) == hidden
        if not hidden:
            assert table[i, j] == counts[i, j]


def test_nothing_is_suppressed_when_all_counts_reach_k():
    counts = pd.DataFrame({"a": [5, 10, 0], "b": [7, 5, 9]})
    assert not suppress(counts, 5).mask.to_numpy().any()


def test_one_small_group_forces_suppressing_the_next_smallest():
    counts = pd.DataFrame(
        {"positive": [40, 3, 20, 30], "negative": [20, 2, 10, 25]}, index=list("ABCD")
    )
    result = suppress(counts, 5, whole_rows=True)
    assert list(result.suppressed_rows) == ["B", "C"]
    assert result.primary.loc["C"].sum() == 0  # C is secondary


def test_share_of_zero_or_hundred_percent_is_disclosive_in_share_tables():
    counts = pd.DataFrame({"positive": [50, 40, 30], "negative": [0, 12, 20]}, index=list("XYZ"))
    result = suppress(counts, 5, whole_rows=True)
    assert result.primary.loc["X"].all()
    assert result.mask.loc["Z"].all()  # next smallest group (50 < 52): X not recoverable
    assert not result.mask.loc["Y"].any()


@pytest.mark.parametrize("k", [0, 1, 2, -5])
def test_k_below_three_is_refused(k):
    with pytest.raises(ValueError, match="at least 3"):
        suppress(pd.DataFrame({"n": [10]}), k)
    with pytest.raises(ValueError, match="at least 3"):
        AnalysisOptions(k=k)


def test_negative_or_missing_counts_are_refused():
    with pytest.raises(ValueError, match="non-negative"):
        suppress(pd.DataFrame({"n": [1, -1]}), 5)
