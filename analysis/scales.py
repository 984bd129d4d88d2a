"""Multi-item scales: Cronbach's alpha and per-respondent scale scores."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from analysis.parameters import MIN_ITEM_SHARE
from analysis.results import Interval, ScaleResult

__all__ = ["MIN_ITEM_SHARE", "RELIABILITY_THRESHOLD", "cronbach_alpha", "scale_scores"]

#: A scale is called reliable only when its alpha reaches this value (Nunnally &
#: Bernstein 1994, Psychometric Theory, 3rd ed., p. 265: 0.70 for group comparisons).
RELIABILITY_THRESHOLD = 0.7


def cronbach_alpha(
    items_frame: pd.DataFrame | np.ndarray | list, level: float = 0.95, *, name: str = ""
) -> ScaleResult:
    """Cronbach's alpha with Feldt's F-based confidence interval.

    ``alpha = k/(k−1) · (1 − Σ var(item) / var(total))`` on the respondents
    who answered every item (listwise deletion; one row per respondent, one
    column per item). Under the usual assumptions
    ``(1 − alpha) / (1 − alpha_hat)`` follows ``F(n−1, (n−1)(k−1))``, giving
    ``[1 − (1−α̂)·F_{1−γ/2}, 1 − (1−α̂)·F_{γ/2}]``. It equals the consistency
    intraclass correlation ICC(3,k) and its interval.

    Parameters
    ----------
    items_frame : DataFrame or 2-D array
        Respondents × items scores.
    level : float
        Confidence level.
    name : str
        Indicator name stored in the result.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of
    tests. Psychometrika 16:297–334. Feldt, L. S. (1965). The approximate
    sampling distribution of Kuder–Richardson reliability coefficient
    twenty. Psychometrika 30:357–370. Feldt, L. S., Woodruff, D. J. & Salih,
    F. A. (1987). Statistical inference for coefficient alpha. Applied
    Psychological Measurement 11:93–103.
    """
    frame = pd.DataFrame(items_frame).astype(float)
    items = tuple(str(c) for c in frame.columns)
    complete = frame.dropna(how="any").to_numpy()
    n, k = complete.shape
    method = "feldt_f"
    empty = Interval(None, None, level, method)
    if k < 2 or n < 2:
        return ScaleResult(name, items, int(n), None, empty)
    item_var = complete.var(axis=0, ddof=1).sum()
    total_var = complete.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return ScaleResult(name, items, int(n), None, empty)
    alpha = float(k / (k - 1) * (1 - item_var / total_var))
    df1, df2 = n - 1, (n - 1) * (k - 1)
    gamma = 1 - level
    low = 1 - (1 - alpha) * float(stats.f.ppf(1 - gamma / 2, df1, df2))
    high = 1 - (1 - alpha) * float(stats.f.ppf(gamma / 2, df1, df2))
    if not (math.isfinite(low) and math.isfinite(high)):
        return ScaleResult(name, items, int(n), alpha, empty)
    return ScaleResult(name, items, int(n), alpha, Interval(low, high, level, method))


def scale_scores(items_frame: pd.DataFrame, min_share: float = MIN_ITEM_SHARE) -> pd.Series:
    """Per-respondent scale score: mean of the answered item scores.

    A respondent answering fewer than ``ceil(min_share · k)`` of the ``k``
    items gets ``NaN`` (the usual "half the items" rule for summated
    scales). Rows are respondents, columns items; oriented scores expected
    (see :func:`analysis.indicators.oriented_scores`).
    """
    frame = items_frame.astype(float)
    k = frame.shape[1]
    need = max(1, math.ceil(min_share * k))
    answered = frame.notna().sum(axis=1)
    return frame.mean(axis=1, skipna=True).where(answered >= need)
