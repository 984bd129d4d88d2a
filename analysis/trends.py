"""Trends over time: share positive per month or quarter, with a p-chart."""

from __future__ import annotations

import math
from collections.abc import Iterable
from statistics import NormalDist

import numpy as np
import pandas as pd

from analysis.disclosure import EXACT, protect_shares, shown_share
from analysis.findings import fr_typography
from analysis.parameters import MIN_MONTHLY_MEDIAN
from analysis.results import PChart, TrendPoint, TrendResult

__all__ = [
    "MIN_MONTHLY_MEDIAN",
    "choose_period",
    "minimal_detectable_difference",
    "p_chart",
    "period_labels",
    "trend",
]


def p_chart(successes: Iterable[int], totals: Iterable[int], sigma: float = 3.0) -> PChart:
    """Shewhart p-chart for proportions with varying subgroup sizes.

    Centre ``p̄ = Σ successes / Σ totals`` (pooled); limits
    ``p̄ ± sigma · sqrt(p̄(1−p̄)/n_i)`` clipped to [0, 1]; a period is out of
    control when its proportion lies strictly outside its limits. Periods
    with ``n_i = 0`` have no proportion and no limits.

    References
    ----------
    Montgomery, D. C. (2019). Introduction to Statistical Quality Control,
    8th ed., section 7.2 (control chart for fraction nonconforming, variable
    sample size).
    """
    x = np.asarray(list(successes), dtype=float)
    n = np.asarray(list(totals), dtype=float)
    if x.shape != n.shape:
        raise ValueError("successes and totals differ in length")
    if (x < 0).any() or (x > n).any():
        raise ValueError("need 0 <= successes <= totals")
    total = n.sum()
    if total == 0:
        empty: tuple[None, ...] = (None,) * n.size
        return PChart(None, empty, empty, empty, (False,) * n.size)
    centre = float(x.sum() / total)
    props: list[float | None] = []
    lower: list[float | None] = []
    upper: list[float | None] = []
    flags: list[bool] = []
    for xi, ni in zip(x, n, strict=True):
        if ni == 0:
            props.append(None)
            lower.append(None)
            upper.append(None)
            flags.append(False)
            continue
        half = sigma * math.sqrt(centre * (1 - centre) / ni)
        lo, hi = max(0.0, centre - half), min(1.0, centre + half)
        p = float(xi / ni)
        props.append(p)
        lower.append(lo)
        upper.append(hi)
        flags.append(bool(p < lo or p > hi))
    return PChart(centre, tuple(props), tuple(lower), tuple(upper), tuple(flags))


def minimal_detectable_difference(
    n: float, p0: float, *, alpha: float = 0.05, power: float = 0.8
) -> float | None:
    """Smallest difference in a share between two periods of ``n`` people each
    that a two-sided test at ``alpha`` detects with probability ``power``.

    Cohen's arcsine effect size for two equal groups,
    ``h = (z_{1−α/2} + z_{power}) / sqrt(n/2)`` (the normal approximation
    that ``statsmodels.stats.power.NormalIndPower`` solves, without its
    negligible opposite tail), turned back into a difference of shares
    around ``p0`` (upwards, or downwards when ``p0`` is too close to 1):
    ``p1 = sin²(asin(√p0) + h/2)``.

    References
    ----------
    Cohen, J. (1988). Statistical Power Analysis for the Behavioral
    Sciences, 2nd ed., chapter 6 (Table 6.4.1: h = 0.20 needs n = 392 per
    group, h = 0.50 needs n = 63, at two-sided 5 % and 80 % power).
    """
    if not n or n < 2 or not 0 <= p0 <= 1:
        return None
    z = NormalDist()
    h = (z.inv_cdf(1 - alpha / 2) + z.inv_cdf(power)) / math.sqrt(n / 2)
    phi0 = 2 * math.asin(math.sqrt(p0))
    phi1 = phi0 + h if phi0 + h <= math.pi else phi0 - h
    if not 0 <= phi1 <= math.pi:
        return None
    return abs(math.sin(phi1 / 2) ** 2 - p0)


def _mdd_text(kind: str, n: float, mdd: float | None) -> dict[str, str]:
    if mdd is None:
        return {}
    pts = round(100 * mdd)
    n = round(n)
    period_fr, periods_fr = ("mois", "mois") if kind == "month" else ("trimestre", "trimestres")
    period_en = kind
    text = {
        "fr": f"Avec environ {n:g} personnes par {period_fr}, un écart entre deux {periods_fr} "
        f"plus petit qu’environ {pts} points de pourcentage passerait le plus souvent inaperçu "
        "(puissance 80 %, test à 5 %) : une courbe « sous contrôle » ne prouve pas la stabilité.",
        "en": f"With about {n:g} people per {period_en}, a difference between two {period_en}s "
        f"smaller than about {pts} percentage points would usually go unnoticed (80% power, "
        "5% test): a chart “in control” does not prove stability.",
    }
    return {**text, "fr": fr_typography(text["fr"])}


def period_labels(dates: pd.Series, kind: str) -> pd.Series:
    """``YYYY-MM`` (``kind='month'``) or ``YYYY-Qn`` (``'quarter'``) labels.

    Labels are formatted once per distinct period, not per row.
    """
    text, inverse = _period_codes(dates, kind)
    return pd.Series(np.asarray(text, dtype=object)[inverse], index=dates.index, dtype=object)


def _period_codes(dates: pd.Series, kind: str) -> tuple[list[str], np.ndarray]:
    """The distinct period labels and each date's position among them (see
    :func:`period_labels`): counting per period then needs no per-row text."""
    if kind not in ("month", "quarter"):
        raise ValueError(f"unknown period kind {kind!r}")
    stamps = pd.to_datetime(dates).to_numpy()
    # months of the distinct timestamps only (a few hundred days among 10⁵ rows):
    # the calendar conversion is what costs, and it is a function of the timestamp
    row_stamp, distinct = pd.factorize(stamps.view(np.int64))
    months = distinct.view(stamps.dtype).astype("datetime64[M]").astype(np.int64)
    keys = months if kind == "month" else months // 3
    uniques, stamp_period = np.unique(keys, return_inverse=True)
    inverse = stamp_period.reshape(-1)[row_stamp]
    if kind == "month":
        text = [f"{1970 + u // 12:04d}-{u % 12 + 1:02d}" for u in uniques]
    else:
        text = [f"{1970 + u // 4:04d}-Q{u % 4 + 1}" for u in uniques]
    return text, inverse.reshape(-1)


def choose_period(dates: pd.Series, option: str = "auto") -> tuple[str, str]:
    """Pick months or quarters; return ``(kind, rule text)``.

    ``'auto'`` uses months unless the median number of respondents per month
    (over months with at least one respondent) is below 30, then quarters.
    """
    if option in ("month", "quarter"):
        return option, f"{option}s (chosen in the options)"
    if option != "auto":
        raise ValueError(f"period must be 'auto', 'month' or 'quarter', got {option!r}")
    monthly = pd.Series(np.bincount(_period_codes(dates, "month")[1]))  # rows per month seen
    median = float(monthly.median()) if len(monthly) else 0.0
    if median < MIN_MONTHLY_MEDIAN:
        return "quarter", (
            f"quarters, because the median number of respondents per month ({median:g}) "
            f"is below {MIN_MONTHLY_MEDIAN}"
        )
    return "month", (
        f"months, because the median number of respondents per month ({median:g}) "
        f"is at least {MIN_MONTHLY_MEDIAN}"
    )


def _per_period(dates: pd.Series, positive: pd.Series, kind: str) -> pd.DataFrame:
    """Columns ``sum`` (positive) and ``size`` per period label, labels sorted as text.

    The table of ``groupby(period_labels(dates, kind), sort=True).agg(["sum", "size"])``,
    counted on the periods' integer codes instead of hashing one label per row.
    """
    text, inverse = _period_codes(dates, kind)
    sums = np.bincount(inverse, weights=positive.to_numpy(dtype=bool), minlength=len(text))
    sizes = np.bincount(inverse, minlength=len(text))
    order = sorted(range(len(text)), key=text.__getitem__)
    return pd.DataFrame(
        {"sum": sums[order].astype(np.int64), "size": sizes[order].astype(np.int64)},
        index=pd.Index([text[i] for i in order], dtype=object, name="period"),
    )


def trend(
    frame: pd.DataFrame,
    *,
    target: str,
    k: int,
    level: float = 0.95,
    period: str = "auto",
    wave_kind: str | None = None,
) -> TrendResult:
    """Share positive per period with Wilson intervals and p-chart limits.

    ``frame`` has one row per respondent with ``completed_date`` and
    ``positive`` (bool, NaN when unknown). Periods are suppressed with
    :func:`analysis.disclosure.suppress` (``whole_rows=True``); the centre
    line uses every period, which is safe because secondary suppression
    already protects against recovery from the total.

    ``wave_kind`` names the kind of wave the rows come from (trends never
    pool waves: the mix of baseline and follow-up answers would move the
    share by itself). ``mdd`` is :func:`minimal_detectable_difference` at the
    median number of people per period and the centre line.
    """
    known = frame[frame["positive"].notna()]
    kind, rule = choose_period(known["completed_date"], period)
    grouped = _per_period(known["completed_date"], known["positive"].astype(bool), kind)
    if grouped.empty:
        return TrendResult(target, kind, rule, None, (), wave_kind)
    successes = grouped["sum"].astype(int)
    totals = grouped["size"].astype(int)
    chart = p_chart(successes, totals)
    table = pd.DataFrame({"positive": successes, "negative": totals - successes})
    decisions = protect_shares(table, k)
    points = []
    for i, label in enumerate(grouped.index):
        x, n, decision = int(successes.iloc[i]), int(totals.iloc[i]), decisions[i]
        share = shown_share(x, n, decision, level)
        exact = decision.status == EXACT
        points.append(
            TrendPoint(
                str(label),
                share.n,
                share.successes,
                share.estimate,
                share.interval,
                chart.lower[i] if decision.shows_n else None,  # the limits tell n
                chart.upper[i] if decision.shows_n else None,
                chart.out_of_control[i] if exact else None,  # it would tell the share's side
                not exact,
                share.bound,
            )
        )
    # the median over periods whose n is published: it could equal a hidden period's n
    shown_n = [p.n for p in points if p.n is not None]
    median_n = float(np.median(shown_n)) if shown_n else 0.0
    mdd = (
        minimal_detectable_difference(median_n, chart.centre) if chart.centre and shown_n else None
    )
    return TrendResult(
        target,
        kind,
        rule,
        chart.centre,
        tuple(points),
        wave_kind,
        mdd,
        _mdd_text(kind, median_n, mdd),
    )
