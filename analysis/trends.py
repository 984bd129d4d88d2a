"""Trends over time: share positive per month or quarter, with a p-chart."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.disclosure import suppress
from analysis.intervals import wilson_interval
from analysis.results import Interval, PChart, TrendPoint, TrendResult

__all__ = ["MIN_MONTHLY_MEDIAN", "choose_period", "p_chart", "period_labels", "trend"]

#: With ``period='auto'``, months are used when the median monthly n reaches this.
MIN_MONTHLY_MEDIAN = 30


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


def period_labels(dates: pd.Series, kind: str) -> pd.Series:
    """``YYYY-MM`` (``kind='month'``) or ``YYYY-Qn`` (``'quarter'``) labels.

    Labels are formatted once per distinct period, not per row.
    """
    if kind not in ("month", "quarter"):
        raise ValueError(f"unknown period kind {kind!r}")
    months = pd.to_datetime(dates).to_numpy().astype("datetime64[M]").astype(np.int64)
    keys = months if kind == "month" else months // 3
    uniques, inverse = np.unique(keys, return_inverse=True)
    if kind == "month":
        text = [f"{1970 + u // 12:04d}-{u % 12 + 1:02d}" for u in uniques]
    else:
        text = [f"{1970 + u // 4:04d}-Q{u % 4 + 1}" for u in uniques]
    return pd.Series(np.asarray(text, dtype=object)[inverse], index=dates.index, dtype=object)


def choose_period(dates: pd.Series, option: str = "auto") -> tuple[str, str]:
    """Pick months or quarters; return ``(kind, rule text)``.

    ``'auto'`` uses months unless the median number of respondents per month
    (over months with at least one respondent) is below 30, then quarters.
    """
    if option in ("month", "quarter"):
        return option, f"{option}s (chosen in the options)"
    if option != "auto":
        raise ValueError(f"period must be 'auto', 'month' or 'quarter', got {option!r}")
    monthly = period_labels(dates, "month").value_counts()
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


def trend(
    frame: pd.DataFrame,
    *,
    target: str,
    k: int,
    level: float = 0.95,
    period: str = "auto",
) -> TrendResult:
    """Share positive per period with Wilson intervals and p-chart limits.

    ``frame`` has one row per respondent with ``completed_date`` and
    ``positive`` (bool, NaN when unknown). Periods are suppressed with
    :func:`analysis.disclosure.suppress` (``whole_rows=True``); the centre
    line uses every period, which is safe because secondary suppression
    already protects against recovery from the total.
    """
    known = frame[frame["positive"].notna()]
    kind, rule = choose_period(known["completed_date"], period)
    labels = period_labels(known["completed_date"], kind)
    positive = known["positive"].astype(bool)
    grouped = (
        pd.DataFrame({"period": labels, "positive": positive})
        .groupby("period", sort=True)["positive"]
        .agg(["sum", "size"])
    )
    if grouped.empty:
        return TrendResult(target, kind, rule, None, ())
    successes = grouped["sum"].astype(int)
    totals = grouped["size"].astype(int)
    chart = p_chart(successes, totals)
    table = pd.DataFrame({"positive": successes, "negative": totals - successes})
    hidden = suppress(table, k, whole_rows=True).mask.any(axis=1)
    points = []
    for i, label in enumerate(grouped.index):
        if hidden[label]:
            points.append(
                TrendPoint(
                    str(label),
                    None,
                    None,
                    None,
                    Interval(None, None, level, "wilson"),
                    None,
                    None,
                    None,
                    True,
                )
            )
            continue
        x, n = int(successes.iloc[i]), int(totals.iloc[i])
        points.append(
            TrendPoint(
                str(label),
                n,
                x,
                x / n,
                wilson_interval(x, n, level),
                chart.lower[i],
                chart.upper[i],
                chart.out_of_control[i],
            )
        )
    return TrendResult(target, kind, rule, chart.centre, tuple(points))
