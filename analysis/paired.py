"""Paired gains: the same people measured before and after.

:func:`paired_gain` (scores) and :func:`mcnemar_gain` (yes/no) accept plain
lists, NumPy arrays or pandas Series of equal length; a pair with a missing
value on either side is dropped. Differences are ``after − before``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import optimize, special, stats
from statsmodels.stats.contingency_tables import mcnemar

from analysis.intervals import paired_difference_interval
from analysis.parameters import EXACT_MAX_N, MCNEMAR_EXACT_BELOW
from analysis.results import (
    EffectSize,
    Interval,
    McNemarResult,
    PairedGain,
    TTestResult,
    WilcoxonResult,
)

__all__ = [
    "EXACT_MAX_N",
    "MCNEMAR_EXACT_BELOW",
    "STEP_SHARE_OF_RANGE",
    "change_counts",
    "change_threshold",
    "cohen_dz",
    "mcnemar_gain",
    "nearly_constant",
    "paired_gain",
    "rank_biserial",
    "verdict",
    "wilcoxon_signed_rank",
]

#: Above this many pairs the d_z interval uses the normal approximation.
_NCT_MAX_N = 1000
#: A change counts as better or worse from this share of the score range:
#: one step of a 5-point scale (1 point on 1–5, 25 points on 0–100, 2.5 on 0–10).
STEP_SHARE_OF_RANGE = 0.25
_EPS = 1e-9


def change_threshold(low: float | None, high: float | None) -> float | None:
    """Smallest change counted as better or worse on a score range ``[low, high]``.

    One step of a 5-point scale, as a share of the range
    (:data:`STEP_SHARE_OF_RANGE`): 1 point on a 1–5 item, 25 points on a
    0–100 (POMP) score, 2.5 points on a 0–10 rating. Stating the threshold
    as a share of the range keeps "better" comparable across indicators; a
    finer-grained score (a mean of several items) would otherwise count
    almost every person as changed. ``None`` when the range is unknown.

    References
    ----------
    Cohen, P., Cohen, J., Aiken, L. S. & West, S. G. (1999). The problem of
    units and the circumstance for POMP. Multivariate Behavioral Research
    34:315–346 (scores as a percentage of the maximum possible).
    """
    if low is None or high is None or not high > low:
        return None
    return STEP_SHARE_OF_RANGE * (high - low)


def change_counts(oriented: np.ndarray, threshold: float | None) -> tuple[int, int, int]:
    """``(better, same, worse)`` counts of oriented changes (higher = better).

    A change counts as better when it is at least ``threshold`` (any
    positive change when ``threshold`` is ``None`` or 0), worse when at most
    ``−threshold``; the rest count as the same.
    """
    d = np.asarray(oriented, dtype=float)
    d = d[np.isfinite(d)]
    if threshold:
        better = int((d >= threshold - _EPS).sum())
        worse = int((d <= -threshold + _EPS).sum())
    else:
        better, worse = int((d > 0).sum()), int((d < 0).sum())
    return better, int(d.size) - better - worse, worse


def verdict(
    low: float | None,
    high: float | None,
    polarity: int,
    p_adjusted: float | None,
    alpha: float,
    *,
    adjusted: bool,
) -> str:
    """What a change's interval shows, then whether it holds after adjustment.

    The interval comes first, so the verdict can never contradict it:
    ``unclear`` when the interval contains 0; otherwise ``better`` or
    ``worse`` (oriented by ``polarity``). For a test in the multiplicity
    family (``adjusted=True``) a direction whose Holm-adjusted p is not below
    ``alpha`` becomes ``better_unadjusted`` / ``worse_unadjusted``: the
    interval (not adjusted) excludes 0, but the evidence is weaker once the
    number of comparisons is allowed for.
    """
    if low is None or high is None or (low <= 0 <= high):
        return "unclear"
    direction = "better" if (low > 0) == (polarity > 0) else "worse"
    if adjusted and (p_adjusted is None or p_adjusted >= alpha):
        return f"{direction}_unadjusted"
    return direction


def nearly_constant(values: np.ndarray) -> bool:
    """True when all values are equal up to floating-point noise (or fewer than 2)."""
    if values.size < 2:
        return True
    spread = float(np.ptp(values))
    return spread <= 1e-9 * max(1.0, float(np.abs(values).max()))


def _pairs(before: Iterable[float], after: Iterable[float]) -> tuple[np.ndarray, np.ndarray]:
    b = np.asarray(before, dtype=float).ravel()
    a = np.asarray(after, dtype=float).ravel()
    if b.shape != a.shape:
        raise ValueError(f"before and after differ in length ({b.size} vs {a.size})")
    keep = np.isfinite(b) & np.isfinite(a)
    return b[keep], a[keep]


def wilcoxon_signed_rank(differences: Iterable[float]) -> WilcoxonResult:
    """Wilcoxon signed-rank test on paired differences, with R's ``V``.

    Settings (pinned, never scipy's ``'auto'``):

    * ``zero_method='wilcox'``: zero differences are dropped before ranking,
      as R's ``wilcox.test(paired=TRUE)`` does; their number is reported.
    * ``method='exact'`` only when there are no zeros, no tied absolute
      differences and fewer than 50 non-zero pairs (R's rule); otherwise
      ``method='approx'`` (normal approximation with tie-corrected variance)
      with continuity correction, as R does.

    ``statistic`` is scipy's (two-sided: min(W+, W−)); ``v`` is R's ``V``,
    the sum of ranks of the positive differences.

    References
    ----------
    Wilcoxon, F. (1945). Individual comparisons by ranking methods.
    Biometrics Bulletin 1:80–83. Hollander, M. & Wolfe, D. A. (1999).
    Nonparametric Statistical Methods, 2nd ed., section 3.1.
    """
    d = np.asarray(differences, dtype=float)
    d = d[np.isfinite(d)]
    nonzero = d[d != 0]
    return _wilcoxon_nonzero(nonzero, int(d.size - nonzero.size), _abs_ranks(nonzero))


def _abs_ranks(nonzero: np.ndarray) -> np.ndarray:
    """``scipy.stats.rankdata`` of the absolute non-zero differences (empty stays empty)."""
    return stats.rankdata(np.abs(nonzero)) if nonzero.size else nonzero


def _wilcoxon_nonzero(nonzero: np.ndarray, n_zero: int, ranks: np.ndarray) -> WilcoxonResult:
    """:func:`wilcoxon_signed_rank` given the non-zero differences and the ranks of their
    absolute values (shared with :func:`rank_biserial`: ranking 10⁵ pairs twice costs)."""
    abs_nz = np.abs(nonzero)
    has_ties = bool(np.unique(abs_nz).size < abs_nz.size)
    exact = n_zero == 0 and not has_ties and nonzero.size < EXACT_MAX_N
    method = "exact" if exact else "approx"
    if nonzero.size == 0:
        return WilcoxonResult(None, None, None, 0, n_zero, False, "wilcox", "none", False)
    v = float(ranks[nonzero > 0].sum())
    res = stats.wilcoxon(
        nonzero, zero_method="wilcox", correction=not exact, method=method, alternative="two-sided"
    )
    return WilcoxonResult(
        statistic=float(res.statistic),
        v=v,
        p_value=min(1.0, float(res.pvalue)),
        n_nonzero=int(nonzero.size),
        n_zero=n_zero,
        has_ties=has_ties,
        zero_method="wilcox",
        method=method,
        correction=not exact,
    )


def rank_biserial(differences: Iterable[float], level: float = 0.95) -> EffectSize:
    """Matched-pairs rank-biserial correlation with a Fisher-z interval.

    ``r = (W+ − W−) / (W+ + W−)`` over the non-zero differences (Kerby's
    simple difference formula): the share of the rank sum favouring
    ``after > before`` minus the share favouring ``after < before``.
    Interval: ``tanh(atanh(r) ± z · SE)`` with
    ``SE = sqrt((2n³ + 3n² + n) / 6) / ((n² + n) / 2)``, as in the R package
    *effectsize* (``rank_biserial(paired = TRUE)``); undefined when
    ``|r| = 1`` or ``n < 2``.

    References
    ----------
    Kerby, D. S. (2014). The simple difference formula: an approach to
    teaching nonparametric correlation. Comprehensive Psychology 3:11.IT.3.1.
    King, B. M., Rosopa, P. J. & Minium, E. W. (2011). Statistical Reasoning
    in the Behavioral Sciences, 6th ed. Ben-Shachar, M. S., Lüdecke, D. &
    Makowski, D. (2020). effectsize: estimation of effect size indices and
    standardized parameters. JOSS 5(56):2815.
    """
    d = np.asarray(differences, dtype=float)
    d = d[np.isfinite(d) & (d != 0)]
    return _rank_biserial_nonzero(d, _abs_ranks(d), level)


def _rank_biserial_nonzero(d: np.ndarray, ranks: np.ndarray, level: float) -> EffectSize:
    """:func:`rank_biserial` given the non-zero differences and the ranks of their
    absolute values."""
    method = "fisher_z_effectsize"
    n = d.size
    if n == 0:
        return EffectSize("rank_biserial", None, Interval(None, None, level, method))
    total = float(ranks.sum())
    r = float((ranks[d > 0].sum() - ranks[d < 0].sum()) / total)
    if n < 2 or abs(r) >= 1.0:
        return EffectSize("rank_biserial", r, Interval(None, None, level, method))
    se = math.sqrt((2 * n**3 + 3 * n**2 + n) / 6) / ((n**2 + n) / 2)
    z = float(stats.norm.ppf(0.5 + level / 2))
    centre = math.atanh(r)
    return EffectSize(
        "rank_biserial",
        r,
        Interval(math.tanh(centre - z * se), math.tanh(centre + z * se), level, method),
    )


def cohen_dz(differences: Iterable[float], level: float = 0.95) -> EffectSize:
    """Cohen's ``d_z`` = mean difference / SD of differences, with its interval.

    For ``n ≤ 1000`` the interval inverts the noncentral t distribution
    (``scipy.stats.nct``, root finding with ``scipy.optimize.brentq``):
    ``t = d_z·√n`` has a noncentral t(n−1, δ√n) distribution, so the limits
    are the noncentrality parameters placing ``t`` at the upper and lower
    ``(1−level)/2`` quantiles, divided by ``√n``. For larger ``n`` it uses
    the normal approximation ``SE = sqrt(1/n + d_z²/(2n))``, whose error is
    then negligible.

    References
    ----------
    Cohen, J. (1988). Statistical Power Analysis for the Behavioral
    Sciences, 2nd ed. Steiger, J. H. & Fouladi, R. T. (1997). Noncentrality
    interval estimation. In Harlow et al. (eds), What If There Were No
    Significance Tests? Algina, J. & Keselman, H. J. (2003). Approximate
    confidence intervals for effect sizes. Educ. Psychol. Meas. 63:537–553.
    """
    d = np.asarray(differences, dtype=float)
    d = d[np.isfinite(d)]
    n = d.size
    method = "noncentral_t" if n <= _NCT_MAX_N else "normal_approximation"
    if nearly_constant(d):
        return EffectSize("cohen_dz", None, Interval(None, None, level, method))
    sd = float(d.std(ddof=1))
    dz = float(d.mean()) / sd
    alpha = 1 - level
    if n > _NCT_MAX_N:
        half = float(stats.norm.ppf(1 - alpha / 2)) * math.sqrt(1 / n + dz**2 / (2 * n))
        return EffectSize("cohen_dz", dz, Interval(dz - half, dz + half, level, method))
    t_obs, df, root_n = dz * math.sqrt(n), n - 1, math.sqrt(n)

    def limit(prob: float) -> float:
        def f(ncp: float) -> float:
            # scipy.stats.nct.cdf is special.nctdtr behind argument checks that cost more
            # than the function itself, and brentq calls it a dozen times per limit
            value = float(special.nctdtr(df, ncp, t_obs))
            if math.isnan(value):  # far tail: the cdf is 1 below t_obs, 0 above it
                value = 0.0 if ncp > t_obs else 1.0
            return value - prob

        span = 10.0 + abs(t_obs)
        return optimize.brentq(f, t_obs - span, t_obs + span, xtol=1e-10)

    low = limit(1 - alpha / 2) / root_n
    high = limit(alpha / 2) / root_n
    return EffectSize("cohen_dz", dz, Interval(low, high, level, method))


def _t_test(b: np.ndarray, a: np.ndarray, level: float) -> TTestResult:
    n = b.size
    d = a - b
    method = "student_t_paired"
    if nearly_constant(d):
        mean = float(d.mean()) if n else None
        return TTestResult(None, None, None, mean, Interval(None, None, level, method))
    res = stats.ttest_rel(a, b)
    ci = res.confidence_interval(level)
    return TTestResult(
        float(res.statistic),
        float(res.df),
        float(res.pvalue),
        float(d.mean()),
        Interval(float(ci.low), float(ci.high), level, method),
    )


def paired_gain(
    before: Iterable[float],
    after: Iterable[float],
    *,
    polarity: int = 1,
    level: float = 0.95,
    threshold: float | None = None,
) -> PairedGain:
    """Change in a score between two measurements of the same people.

    Parameters
    ----------
    before, after : array-like of float
        Scores, aligned pair by pair (missing values drop the pair).
    polarity : {1, -1}
        +1 when a higher score is better. It decides which differences count
        as *improved*; the mean change, tests and effect sizes keep the sign
        of ``after − before``.
    level : float
        Confidence level of every interval.
    threshold : float, optional
        Smallest change counted as improved or worse (see
        :func:`change_threshold`); default: any change.

    Returns
    -------
    PairedGain
        Mean change with the paired t interval; counts and shares improved /
        unchanged / worse (by ``threshold``); :func:`wilcoxon_signed_rank` (primary test);
        ``scipy.stats.ttest_rel`` (secondary); :func:`rank_biserial` and
        :func:`cohen_dz` with intervals.
    """
    if polarity not in (1, -1):
        raise ValueError("polarity must be 1 or -1")
    b, a = _pairs(before, after)
    d = a - b
    n = int(d.size)
    t_test = _t_test(b, a, level)
    improved, unchanged, worse = change_counts(d * polarity, threshold)
    finite = d[np.isfinite(d)]
    nonzero = finite[finite != 0]
    ranks = _abs_ranks(nonzero)  # one ranking for the test and the effect size
    return PairedGain(
        n_pairs=n,
        polarity=polarity,
        mean_before=float(b.mean()) if n else None,
        mean_after=float(a.mean()) if n else None,
        mean_change=float(d.mean()) if n else None,
        change_interval=t_test.interval,
        n_improved=improved,
        n_unchanged=unchanged,
        n_worse=worse,
        share_improved=improved / n if n else None,
        share_unchanged=unchanged / n if n else None,
        share_worse=worse / n if n else None,
        wilcoxon=_wilcoxon_nonzero(nonzero, int(finite.size - nonzero.size), ranks),
        t_test=t_test,
        rank_biserial=_rank_biserial_nonzero(nonzero, ranks, level),
        cohen_dz=cohen_dz(d, level),
        threshold=float(threshold or 0.0),
    )


_YES = {"yes", "1", "true", "oui"}
_NO = {"no", "0", "false", "non"}


def _binary(values: Iterable[object]) -> np.ndarray:
    """Map yes/no, booleans or 1/0 to 1.0/0.0, anything else (missing, ``_pna``) to NaN."""
    array = np.asarray(values)
    if array.dtype.kind in "biuf":
        as_float = array.astype(float)
        return np.where((as_float == 0) | (as_float == 1), as_float, np.nan)
    codes, uniques = pd.factorize(pd.Series(array.ravel(), dtype=object), use_na_sentinel=True)
    mapped = []
    for v in uniques:
        if isinstance(v, (bool, np.bool_)) or (
            isinstance(v, (int, float, np.number)) and float(v) in (0.0, 1.0)
        ):
            mapped.append(float(v))
        elif str(v).strip().lower() in _YES:
            mapped.append(1.0)
        elif str(v).strip().lower() in _NO:
            mapped.append(0.0)
        else:
            mapped.append(np.nan)
    return np.array([*mapped, np.nan], dtype=float)[codes]


def mcnemar_gain(
    before: Iterable[object],
    after: Iterable[object],
    *,
    polarity: int = 1,
    level: float = 0.95,
) -> McNemarResult:
    """McNemar test for a yes/no item answered twice by the same people.

    Values may be ``"yes"``/``"no"``, booleans or 1/0; anything else (missing,
    ``"_pna"``) drops the pair. ``statsmodels.stats.contingency_tables.mcnemar``
    is called with ``exact=True`` (binomial test on the discordant pairs)
    when there are fewer than 25 discordant pairs, otherwise the chi-square
    statistic with continuity correction (R's ``mcnemar.test`` default).
    The difference in the share of "yes" has the Agresti–Min interval
    (:func:`analysis.intervals.paired_difference_interval`). With polarity
    +1 a move no → yes is an improvement.

    References
    ----------
    McNemar, Q. (1947). Note on the sampling error of the difference between
    correlated proportions or percentages. Psychometrika 12:153–157.
    Agresti, A. (2013). Categorical Data Analysis, 3rd ed., section 11.1.
    """
    if polarity not in (1, -1):
        raise ValueError("polarity must be 1 or -1")
    b = _binary(before)
    a = _binary(after)
    if b.shape != a.shape:
        raise ValueError(f"before and after differ in length ({b.size} vs {a.size})")
    keep = np.isfinite(b) & np.isfinite(a)
    b, a = b[keep], a[keep]
    n = int(b.size)
    yy = int(((b == 1) & (a == 1)).sum())
    yn = int(((b == 1) & (a == 0)).sum())
    ny = int(((b == 0) & (a == 1)).sum())
    nn = n - yy - yn - ny
    diff, interval = paired_difference_interval(yy, yn, ny, nn, level)
    exact = (yn + ny) < MCNEMAR_EXACT_BELOW
    if yn + ny == 0:
        statistic, p_value = None, None
    else:
        res = mcnemar(np.array([[yy, yn], [ny, nn]]), exact=exact, correction=True)
        statistic, p_value = float(res.statistic), float(res.pvalue)
    improved, worse = (ny, yn) if polarity == 1 else (yn, ny)
    return McNemarResult(
        n_pairs=n,
        polarity=polarity,
        n_yes_yes=yy,
        n_yes_to_no=yn,
        n_no_to_yes=ny,
        n_no_no=nn,
        share_before=(yy + yn) / n if n else None,
        share_after=(yy + ny) / n if n else None,
        difference=diff,
        difference_interval=interval,
        n_improved=improved,
        n_worse=worse,
        statistic=statistic,
        p_value=p_value,
        exact=exact,
        correction=not exact,
    )
