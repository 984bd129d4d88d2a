"""Statistical disclosure control for small counts.

Rules (``k`` = minimum cell size, default 5, never below 3):

* **Primary, size**: a group (row) with fewer than ``k`` respondents is
  suppressed entirely, and any count ``c`` with ``0 < c < k`` is suppressed.
* **Primary, shares** (``whole_rows=True``, used for a table of
  ``positive``/``not positive`` counts per group, period or wave): a group is
  suppressed entirely when *either* count is below ``k`` -- including 0, i.e.
  a share of 0 % or 100 % -- because the share and the group size would
  reveal what each member answered.
* **Secondary**: totals of every column (and of every row that is shown) are
  published, so a suppressed value must not be recoverable by subtraction.
  In every line (row or column) that has suppressed cells, while exactly one
  cell is suppressed, or the suppressed cells add up to fewer than ``k``,
  the smallest remaining cell of that line (the smallest remaining whole row
  with ``whole_rows=True``) is suppressed too. This is repeated until stable.

Zero counts in a distribution are not suppressed (an empty answer category
tells nothing about a person) unless chosen as secondary cells. A published
total is itself a count: when it is below ``k`` the caller must suppress it
too (``analyse_study`` does: a group, wave or question with fewer than ``k``
answers is suppressed as a whole).

Limits: protection is line by line (every row and column with a hidden cell
has at least two hidden cells adding up to ``k`` or more). Linked tables
published side by side (e.g. site × wave shares next to site and wave
margins from different respondent sets) are not audited jointly, except
that the per-wave indicator figures reuse the exact suppression pattern of
the breakdown by wave.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["MIN_K", "SuppressionResult", "check_k", "suppress"]

MIN_K = 3


def check_k(k: int) -> int:
    """Return ``k`` as an int, raising ``ValueError`` when it is below 3."""
    if isinstance(k, bool) or int(k) != k:
        raise ValueError(f"k must be an integer, got {k!r}")
    if k < MIN_K:
        raise ValueError(f"k must be at least {MIN_K} (got {k}): smaller cells identify people")
    return int(k)


@dataclass(frozen=True)
class SuppressionResult:
    """Outcome of :func:`suppress`.

    Attributes
    ----------
    table : DataFrame
        The counts with suppressed cells replaced by ``None`` (object dtype).
    mask : DataFrame of bool
        True where a cell is suppressed (primary or secondary).
    primary : DataFrame of bool
        True where a cell is suppressed by a primary rule.
    k : int
    """

    table: pd.DataFrame
    mask: pd.DataFrame
    primary: pd.DataFrame
    k: int

    @property
    def suppressed_rows(self) -> pd.Index:
        """Row labels with at least one suppressed cell."""
        return self.mask.index[self.mask.to_numpy().any(axis=1)]


def suppress(
    table: pd.DataFrame | pd.Series | np.ndarray | list,
    k: int = 5,
    *,
    whole_rows: bool = False,
) -> SuppressionResult:
    """Apply primary and secondary suppression to a table of counts.

    Parameters
    ----------
    table : DataFrame, Series or 2-D array-like
        Non-negative integer counts; rows are groups, columns categories (a
        Series is one column). Row and column totals are assumed published.
    k : int
        Minimum number of respondents (default 5; ``ValueError`` below 3).
    whole_rows : bool
        Suppress whole rows: a row is primary-suppressed when its total or
        any of its cells is below ``k`` (zeros included), and secondary
        suppression removes whole rows. Use it for positive/negative counts
        behind a share.

    Returns
    -------
    SuppressionResult

    References
    ----------
    Hundepool, A. et al. (2012). Statistical Disclosure Control. Wiley,
    chapter 5 (threshold rule; secondary cell suppression).
    """
    k = check_k(k)
    if isinstance(table, pd.Series):
        frame = table.to_frame()
    elif isinstance(table, pd.DataFrame):
        frame = table
    else:  # lists or NumPy arrays, from a notebook
        frame = pd.DataFrame(np.atleast_2d(np.asarray(table)))
    counts = frame.to_numpy(dtype=float)
    if np.isnan(counts).any() or (counts < 0).any():
        raise ValueError("counts must be non-negative numbers without missing values")
    row_total = counts.sum(axis=1)
    small_row = (row_total > 0) & (row_total < k)
    if whole_rows:
        row_primary = small_row | (counts < k).any(axis=1) & (row_total > 0)
        primary = np.repeat(row_primary[:, None], counts.shape[1], axis=1)
    else:
        primary = ((counts > 0) & (counts < k)) | small_row[:, None]
    mask = primary.copy()
    changed = True
    while changed:
        changed = False
        # Row lines: a shown row total exposes its cells (not in whole-row mode).
        if not whole_rows and counts.shape[1] > 1:
            for i in range(counts.shape[0]):
                if mask[i].all():
                    continue  # the row total is suppressed with the row
                if _line_needs_more(counts[i], mask[i], k):
                    col = _smallest_unsuppressed(counts[i], mask[i])
                    if col is not None:
                        mask[i, col] = True
                        changed = True
        # Column lines: column totals are always shown.
        if counts.shape[0] > 1:
            for j in range(counts.shape[1]):
                if _line_needs_more(counts[:, j], mask[:, j], k):
                    if whole_rows:
                        row = _smallest_unsuppressed(row_total, mask[:, 0])
                        if row is not None:
                            mask[row, :] = True
                            changed = True
                    else:
                        row = _smallest_unsuppressed(counts[:, j], mask[:, j])
                        if row is not None:
                            mask[row, j] = True
                            changed = True
    cells = np.empty(counts.shape, dtype=object)
    for (i, j), value in np.ndenumerate(counts):
        cells[i, j] = None if mask[i, j] else int(value)
    shown = pd.DataFrame(cells, index=frame.index, columns=frame.columns, dtype=object)
    return SuppressionResult(
        table=shown,
        mask=pd.DataFrame(mask, index=frame.index, columns=frame.columns),
        primary=pd.DataFrame(primary, index=frame.index, columns=frame.columns),
        k=k,
    )


def _line_needs_more(values: np.ndarray, mask: np.ndarray, k: int) -> bool:
    """True when the suppressed cells of a line could be recovered or are too small."""
    n_hidden = int(mask.sum())
    if n_hidden == 0 or n_hidden == mask.size:
        return False
    hidden_sum = float(values[mask].sum())
    return n_hidden == 1 or 0 < hidden_sum < k


def _smallest_unsuppressed(values: np.ndarray, mask: np.ndarray) -> int | None:
    """Index of the smallest unsuppressed value, preferring non-zero ones."""
    candidates = np.flatnonzero(~mask)
    if candidates.size == 0:
        return None
    nonzero = candidates[values[candidates] > 0]
    pool = nonzero if nonzero.size else candidates
    return int(pool[np.argmin(values[pool])])
