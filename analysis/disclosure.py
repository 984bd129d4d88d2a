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

from analysis.disclosure_audit import LinearAudit
from analysis.results import Interval, ProportionEstimate, ShareBound

__all__ = [
    "MIN_K",
    "ShareDecision",
    "SuppressionResult",
    "check_k",
    "primary_share",
    "protect_counts",
    "protect_shares",
    "share_bound",
    "shown_share",
    "suppress",
]

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
    # A hidden sum of 0 is no protection either: every hidden cell would be 0.
    return n_hidden == 1 or hidden_sum < k


def _smallest_unsuppressed(values: np.ndarray, mask: np.ndarray) -> int | None:
    """Index of the smallest unsuppressed value, preferring non-zero ones."""
    candidates = np.flatnonzero(~mask)
    if candidates.size == 0:
        return None
    nonzero = candidates[values[candidates] > 0]
    pool = nonzero if nonzero.size else candidates
    return int(pool[np.argmin(values[pool])])


# --- Shares: exact, bounded or hidden -----------------------------------------------------

#: Bounds are rounded outward to a multiple of this many percent.
BOUND_STEP_PERCENT = 5

EXACT, BOUND, N_ONLY, HIDDEN = "exact", "bound", "n_only", "hidden"


@dataclass(frozen=True)
class ShareDecision:
    """What is published of one share ``x / n``.

    ``status``: ``"exact"`` (x, n, share, interval), ``"bound"`` (n and a
    :class:`~analysis.results.ShareBound`), ``"n_only"`` (n, no share) or
    ``"hidden"`` (nothing, not even n).
    """

    status: str
    bound: ShareBound | None = None

    @property
    def shows_n(self) -> bool:
        return self.status != HIDDEN


def share_bound(n: int, k: int, relation: str) -> ShareBound:
    """The bound published when fewer than ``k`` people are on one side of ``n``.

    ``"<="``: fewer than ``k`` positive, the share is at most ``(k − 1) / n``
    rounded *up* to a multiple of 5 %; ``">="``: fewer than ``k`` not
    positive, the share is at least ``(n − k + 1) / n`` rounded *down*. The
    value depends on ``n`` and ``k`` only, never on the hidden count, so it
    tells no more than "fewer than k on that side" (n = 133, k = 5: "at least
    95 %").
    """
    steps = 100 // BOUND_STEP_PERCENT
    if relation == "<=":
        value = -(-(steps * (k - 1)) // n) / steps
    elif relation == ">=":
        value = (steps * (n - k + 1)) // n / steps
    else:
        raise ValueError(f"relation must be '<=' or '>=', got {relation!r}")
    return ShareBound(relation, min(1.0, max(0.0, value)))


def primary_share(x: int, n: int, k: int) -> ShareDecision:
    """The primary rule for one share of ``x`` positive among ``n``.

    * ``n < k``: hidden with its group size;
    * ``k ≤ n ≤ 2k − 2``: ``n`` shown, share hidden (at that size one side
      always has fewer than ``k``, so hiding it tells nothing);
    * otherwise exact when both sides have at least ``k``, else the bound of
      :func:`share_bound` on the small side (only one side can be small).
    """
    k = check_k(k)
    if n < k:
        return ShareDecision(HIDDEN)
    if n <= 2 * k - 2:
        return ShareDecision(N_ONLY)
    if x < k:
        return ShareDecision(BOUND, share_bound(n, k, "<="))
    if n - x < k:
        return ShareDecision(BOUND, share_bound(n, k, ">="))
    return ShareDecision(EXACT)


def shown_share(x: int, n: int, decision: ShareDecision, level: float) -> ProportionEstimate:
    """The :class:`ProportionEstimate` published for ``x / n`` under ``decision``."""
    from analysis.intervals import wilson_interval

    if decision.status == EXACT:
        return ProportionEstimate(int(x), int(n), x / n, wilson_interval(int(x), int(n), level))
    empty = Interval(None, None, level, "wilson")
    shown_n = int(n) if decision.shows_n else None
    return ProportionEstimate(None, shown_n, None, empty, True, decision.bound)


def _add_share(audit: LinearAudit, label: str, x: int, n: int, decision: ShareDecision):
    """Variables (positive, not positive) of one row and the relations its publication gives."""
    protect = decision.status != EXACT
    cap = n if decision.shows_n else None
    xi = audit.variable(f"{label}:positive", protect=protect, cap=cap)
    yi = audit.variable(f"{label}:not_positive", protect=protect, cap=cap)
    if decision.status == EXACT:
        audit.equal([xi], x)
        audit.equal([yi], n - x)
    elif decision.shows_n:
        audit.equal([xi, yi], n)
    if decision.bound is not None:
        limit = decision.bound.value * n
        if decision.bound.relation == "<=":
            audit.at_most([xi], limit)
        else:
            audit.at_least([xi], limit)
    return xi, yi


def _add_margin(audit: LinearAudit, rows: list, x: int, n: int, k: int, decision=None) -> None:
    """The total of a table, published as decided (by default its own rule), tied to its rows."""
    total = _add_share(audit, "total", x, n, decision or primary_share(x, n, k))
    for side in (0, 1):
        audit.equal({total[side]: -1.0, **{row[side]: 1.0 for row in rows}}, 0)


def _one_step(decision: ShareDecision) -> ShareDecision:
    """Withhold one more thing: the share (exact or bounded), then the size."""
    return ShareDecision(HIDDEN if decision.status == N_ONLY else N_ONLY)


def _share_audit(xs, ns, decisions, k: int, margins: bool, total=None) -> LinearAudit:
    audit = LinearAudit(k)
    rows = [
        _add_share(audit, str(i), int(x), int(n), d)
        for i, (x, n, d) in enumerate(zip(xs, ns, decisions, strict=True))
    ]
    if margins:
        _add_margin(audit, rows, int(xs.sum()), int(ns.sum()), k, total)
    return audit


def protect_shares(
    counts: pd.DataFrame | np.ndarray | list,
    k: int,
    *,
    margins: bool = True,
    total: ShareDecision | None = None,
) -> list[ShareDecision]:
    """Primary and secondary protection of a table of shares (one row per group).

    ``counts`` has two columns, positive and not positive. With ``margins``
    the attacker is assumed to know the total of the table as far as its own
    share rule publishes it (exactly, as a bound or only its size: the
    overall figure, the p-chart centre, the sum of the groups); ``total`` is
    the decision already taken for that total elsewhere (a wave above its
    sites), when it is not simply its own primary rule. After the primary
    rule (:func:`primary_share`), an interval audit
    (:class:`~analysis.disclosure_audit.LinearAudit`) of the whole table is
    repeated; while a withheld count can be narrowed below its protection,
    one group loses one step -- its share (exact or bounded; its size
    stays), or, when only its size is left, its size: the smallest group
    whose step closes every leak, else the step leaving the fewest.

    References
    ----------
    Hundepool et al. (2012), Statistical Disclosure Control, Wiley, §4.3
    (protection intervals) and §4.4 (secondary suppression, audit).
    """
    k = check_k(k)
    table = np.asarray(counts.to_numpy() if isinstance(counts, pd.DataFrame) else counts)
    if table.size == 0:
        return []
    table = np.atleast_2d(table).astype(np.int64)
    if table.shape[1] != 2 or (table < 0).any():
        raise ValueError("counts must have two non-negative columns: positive, not positive")
    xs, ns = table[:, 0], table.sum(axis=1)
    decisions = [primary_share(int(x), int(n), k) for x, n in zip(xs, ns, strict=True)]
    if len(decisions) < 2:  # the only group is the margin itself
        return [total] if margins and total is not None and decisions else decisions
    for _ in range(3 * len(decisions) + 1):
        if all(d.status == EXACT for d in decisions):
            return decisions
        audit = _share_audit(xs, ns, decisions, k, margins, total)
        leaks = len(audit.leaks())
        if not leaks:
            return decisions
        shown = sorted(
            (i for i, d in enumerate(decisions) if d.status != HIDDEN), key=lambda j: (ns[j], j)
        )
        if not shown:
            break
        # one step for one group: the smallest whose step closes every leak, else the step
        # leaving fewest leaks (smallest group first on ties)
        best, best_leaks = shown[0], leaks
        for i in shown:
            trial = list(decisions)
            trial[i] = _one_step(decisions[i])
            left = len(_share_audit(xs, ns, trial, k, margins, total).leaks())
            if left < best_leaks:
                best, best_leaks = i, left
            if left == 0:
                break
        decisions[best] = _one_step(decisions[best])
    return [ShareDecision(HIDDEN) for _ in decisions]


def protect_counts(
    values: list[int] | np.ndarray,
    k: int,
    relations: list[tuple[str, list[int], float]],
    *,
    hidden: np.ndarray | None = None,
    protect_sums: list[list[int]] = (),  # type: ignore[assignment]
) -> np.ndarray:
    """Cells of one distribution to withhold, given what else is published about them.

    ``values`` are counts (e.g. answers per code, in display order);
    ``relations`` are ``(op, cells, value)`` with ``op`` one of ``"=="``,
    ``"<="``, ``">="``: a published total of those cells (answered), a
    published share turned into a count (positive codes = successes) or a
    bound, NPS bands. Primary: every count with ``0 < c < k`` (and the
    cells already in ``hidden``). Secondary: while the interval audit finds
    a withheld cell narrowed below its protection, the smallest non-zero
    shown cell next to a hidden one (else the smallest) is withheld too, so
    the withheld cells stay together (a chart draws them as one block).
    ``protect_sums`` are sums of cells withheld elsewhere (the small side of
    a bounded share, both sides of a hidden one): they get the same
    protection. Returns a boolean mask (True = withhold).
    """
    k = check_k(k)
    counts = np.asarray(values, dtype=np.int64)
    mask = (counts > 0) & (counts < k)
    if hidden is not None:
        mask |= np.asarray(hidden, dtype=bool)
    for _ in range(counts.size + 1):
        if not mask.any() and not protect_sums:
            return mask
        leaks = len(_count_audit(counts, mask, k, relations, protect_sums).leaks())
        if not leaks:
            return mask
        shown = np.flatnonzero(~mask)
        if shown.size == 0:
            break
        hidden_at = np.flatnonzero(mask)
        near = np.array([hidden_at.size > 0 and np.abs(hidden_at - j).min() == 1 for j in shown])
        nonzero = counts[shown] > 0
        order = sorted(
            range(shown.size), key=lambda i: (not nonzero[i], not near[i], counts[shown[i]])
        )
        # the first candidate (in that order) that closes every leak, else the one leaving fewest
        best, best_leaks = shown[order[0]], leaks
        for i in order:
            trial = mask.copy()
            trial[shown[i]] = True
            left = len(_count_audit(counts, trial, k, relations, protect_sums).leaks())
            if left < best_leaks:
                best, best_leaks = shown[i], left
            if left == 0:
                break
        mask[best] = True
    return np.ones(counts.size, dtype=bool)


def _count_audit(counts, mask, k, relations, protect_sums) -> LinearAudit:
    """The interval audit of one distribution: shown cells, relations, protected sums."""
    audit = LinearAudit(k)
    cells = [audit.variable(str(j), protect=bool(mask[j])) for j in range(counts.size)]
    for j in np.flatnonzero(~mask):
        audit.equal([cells[j]], int(counts[j]))
    for op, members, value in relations:
        terms = [cells[j] for j in members]
        if op == "==":
            audit.equal(terms, value)
        elif op == "<=":
            audit.at_most(terms, value)
        else:
            audit.at_least(terms, value)
    for number, members in enumerate(protect_sums):
        total = audit.variable(f"sum{number}", protect=True)
        audit.equal({total: -1.0, **{cells[j]: 1.0 for j in members}}, 0)
    return audit
