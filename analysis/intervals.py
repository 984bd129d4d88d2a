"""Confidence intervals for shares, means, medians and differences.

Each function accepts plain numbers, lists, NumPy arrays or pandas objects
and returns :class:`analysis.results.Interval` (or a result holding one).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from analysis.results import Interval, NpsResult, ProportionEstimate

__all__ = [
    "WILSON",
    "difference_interval",
    "mean_interval",
    "median_interval",
    "nps",
    "nps_from_counts",
    "paired_difference_interval",
    "proportion",
    "wilson_interval",
]

WILSON = "wilson"


def _check_level(level: float) -> float:
    level = float(level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    return level


def wilson_interval(successes: int, n: int, level: float = 0.95) -> Interval:
    """Wilson score interval for a binomial proportion.

    Computed by ``statsmodels.stats.proportion.proportion_confint(method='wilson')``.
    Limits always lie in [0, 1]; with ``n == 0`` they are ``None``.

    Parameters
    ----------
    successes, n : int
        Number of successes and of trials (``0 <= successes <= n``).
    level : float
        Confidence level (default 0.95).

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and
    statistical inference. JASA 22:209–212. Newcombe, R. G. (1998). Two-sided
    confidence intervals for the single proportion: comparison of seven
    methods. Statistics in Medicine 17:857–872 (method 3).
    """
    level = _check_level(level)
    successes, n = int(successes), int(n)
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got {successes}/{n}")
    if n == 0:
        return Interval(None, None, level, WILSON)
    low, high = proportion_confint(successes, n, alpha=1 - level, method="wilson")
    return Interval(max(0.0, float(low)), min(1.0, float(high)), level, WILSON)


def proportion(successes: int, n: int, level: float = 0.95) -> ProportionEstimate:
    """Share ``successes / n`` with its Wilson interval (no suppression)."""
    interval = wilson_interval(successes, n, level)
    estimate = successes / n if n else None
    return ProportionEstimate(int(successes), int(n), estimate, interval)


def _finite(values: Iterable[float] | np.ndarray) -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel()
    return array[np.isfinite(array)]


def mean_interval(values: Iterable[float], level: float = 0.95) -> tuple[float | None, Interval]:
    """Mean with its Student t interval ``mean ± t(n−1) · s/√n``.

    Non-finite values are ignored. Undefined (``None``) for ``n < 2``; with
    zero variance the interval collapses to the mean.

    References
    ----------
    Student (1908). The probable error of a mean. Biometrika 6:1–25.
    """
    level = _check_level(level)
    x = _finite(values)
    method = "student_t"
    if x.size == 0:
        return None, Interval(None, None, level, method)
    mean = float(x.mean())
    if x.size < 2:
        return mean, Interval(None, None, level, method)
    se = float(x.std(ddof=1)) / math.sqrt(x.size)
    half = float(stats.t.ppf(0.5 + level / 2, x.size - 1)) * se
    return mean, Interval(mean - half, mean + half, level, method)


def median_interval(values: Iterable[float], level: float = 0.95) -> tuple[float | None, Interval]:
    """Median with a distribution-free order-statistic interval.

    The interval ``[x_(r), x_(n−r+1)]`` is the one of
    ``scipy.stats.quantile_test(x, p=0.5).confidence_interval(level)``: ``r``
    is chosen from binomial(n, ½) quantiles so that coverage is at least
    ``level`` whatever the (continuous) distribution; with discrete scores it
    is conservative. A limit is ``None`` when ``n`` is too small to reach
    the level (e.g. ``n < 6`` at 95 %).

    References
    ----------
    Conover, W. J. (1999). Practical Nonparametric Statistics, 3rd ed.,
    section 3.2 (confidence interval for a quantile).
    """
    level = _check_level(level)
    # sorted once: np.median and quantile_test (which sorts again for its interval)
    # then work on ordered data, the same values in the same order statistics
    x = np.sort(_finite(values))
    method = "order_statistic_binomial"
    if x.size == 0:
        return None, Interval(None, None, level, method)
    median = float(np.median(x))
    ci = stats.quantile_test(x, q=median, p=0.5).confidence_interval(level)
    low = float(ci.low) if np.isfinite(ci.low) else None
    high = float(ci.high) if np.isfinite(ci.high) else None
    return median, Interval(low, high, level, method)


def difference_interval(
    successes1: int, n1: int, successes2: int, n2: int, level: float = 0.95
) -> tuple[float | None, Interval]:
    """Difference of two independent proportions ``p1 − p2`` (Newcombe hybrid score).

    Uses ``statsmodels.stats.proportion.confint_proportions_2indep`` with
    ``method='newcomb'`` -- *not* ``'score'``, whose limits are wrong in
    statsmodels 0.15 (statsmodels issue #10269) -- and clips to [−1, 1].

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between
    independent proportions: comparison of eleven methods. Statistics in
    Medicine 17:873–890 (method 10).
    """
    level = _check_level(level)
    method = "newcombe_hybrid_score"
    if n1 <= 0 or n2 <= 0:
        return None, Interval(None, None, level, method)
    low, high = confint_proportions_2indep(
        successes1, n1, successes2, n2, method="newcomb", compare="diff", alpha=1 - level
    )
    diff = successes1 / n1 - successes2 / n2
    return diff, Interval(max(-1.0, float(low)), min(1.0, float(high)), level, method)


def paired_difference_interval(
    n_yes_yes: int, n_yes_no: int, n_no_yes: int, n_no_no: int, level: float = 0.95
) -> tuple[float | None, Interval]:
    """Difference of paired proportions ``p_after − p_before`` (adjusted Wald).

    The "before yes / after no" count is ``n_yes_no``. Adds ½ to each of the
    four cells before the Wald interval, as recommended by Agresti & Min;
    limits are clipped to [−1, 1] (the unadjusted formula can exceed them).

    References
    ----------
    Agresti, A. & Min, Y. (2005). Simple improved confidence intervals for
    comparing matched proportions. Statistics in Medicine 24:729–740.
    """
    level = _check_level(level)
    method = "agresti_min_adjusted_wald"
    n = n_yes_yes + n_yes_no + n_no_yes + n_no_no
    if n == 0:
        return None, Interval(None, None, level, method)
    diff = (n_no_yes - n_yes_no) / n
    b, c, m = n_yes_no + 0.5, n_no_yes + 0.5, n + 2.0
    d = (c - b) / m
    var = ((b + c) - (c - b) ** 2 / m) / m**2
    half = float(stats.norm.ppf(0.5 + level / 2)) * math.sqrt(max(var, 0.0))
    return diff, Interval(max(-1.0, d - half), min(1.0, d + half), level, method)


def nps_from_counts(
    promoters: int, passives: int, detractors: int, level: float = 0.95
) -> NpsResult:
    """Net Promoter Score from category counts, in points (−100…100).

    ``NPS = 100 · (promoters − detractors) / n``. The interval is the
    adjusted Wald interval recommended by Rocks (2016): add 3/4 to the
    promoters and to the detractors (3 to n), then use the trinomial variance
    of the difference of the two proportions,
    ``var = (p⁺ + p⁻ − (p⁺ − p⁻)²) / n``; limits clipped to [−100, 100].

    References
    ----------
    Rocks, B. (2016). Interval estimation for the "Net Promoter Score".
    The American Statistician 70(4):365–372.
    """
    level = _check_level(level)
    method = "rocks_adjusted_wald"
    n = promoters + passives + detractors
    if n == 0:
        return NpsResult(0, 0, 0, 0, None, Interval(None, None, level, method))
    score = 100.0 * (promoters - detractors) / n
    m = n + 3.0
    p_pro, p_det = (promoters + 0.75) / m, (detractors + 0.75) / m
    centre = p_pro - p_det
    var = (p_pro + p_det - centre**2) / m
    half = float(stats.norm.ppf(0.5 + level / 2)) * math.sqrt(var)
    interval = Interval(
        max(-100.0, 100 * (centre - half)), min(100.0, 100 * (centre + half)), level, method
    )
    return NpsResult(n, int(promoters), int(passives), int(detractors), score, interval)


def nps(scores: Iterable[float], level: float = 0.95) -> NpsResult:
    """Net Promoter Score of 0–10 ratings (promoters 9–10, detractors 0–6).

    Non-finite values (missing, prefer not to answer) are ignored; values
    outside 0–10 raise ``ValueError``. See :func:`nps_from_counts` for the
    interval (Rocks 2016 adjusted Wald).
    """
    x = _finite(scores)
    if ((x < 0) | (x > 10)).any():
        raise ValueError("NPS scores must lie in 0..10")
    promoters = int((x >= 9).sum())
    detractors = int((x <= 6).sum())
    return nps_from_counts(promoters, int(x.size) - promoters - detractors, detractors, level)
