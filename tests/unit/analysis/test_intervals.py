"""Intervals against published values (see results/results_published.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

from analysis import nps, wilson_interval
from analysis.intervals import (
    difference_interval,
    mean_interval,
    median_interval,
    nps_from_counts,
    paired_difference_interval,
)
from tests.unit.analysis.results import results_published as pub


@pytest.mark.parametrize(("x", "n", "low", "high"), pub.NEWCOMBE_1998_TABLE_I_WILSON)
def test_wilson_matches_newcombe_1998_table_i(x, n, low, high):
    interval = wilson_interval(x, n)
    assert interval.low == pytest.approx(low, abs=5e-5)
    assert interval.high == pytest.approx(high, abs=5e-5)
    assert interval.method == "wilson"


def test_wilson_rejects_impossible_counts_and_levels():
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(5, 4)
    with pytest.raises(ValueError, match="level"):
        wilson_interval(1, 4, level=1.5)
    assert wilson_interval(0, 0).low is None


@given(
    st.integers(0, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_wilson_contains_estimate_and_stays_in_unit_interval(xn, level):
    x, n = xn
    interval = wilson_interval(x, n, level)
    if n == 0:
        assert interval.low is None
        return
    assert 0.0 <= interval.low <= x / n + 1e-12
    assert x / n - 1e-12 <= interval.high <= 1.0


def test_mean_interval_is_student_t():
    # Sleep data differences: R t.test(extra[1:10] - extra[11:20]) CI -2.4599 to -0.7001.
    d = np.subtract(pub.SLEEP_GROUP1, pub.SLEEP_GROUP2)
    mean, interval = mean_interval(d)
    assert mean == pytest.approx(pub.SLEEP_MEAN_DIFF)
    assert interval.low == pytest.approx(pub.SLEEP_CI[0], abs=5e-5)
    assert interval.high == pytest.approx(pub.SLEEP_CI[1], abs=5e-5)


def test_median_interval_uses_conover_order_statistics():
    x = np.array([7.0, 1.0, 9.0, 3.0, 5.0, 2.0, 10.0, 4.0, 8.0, 6.0])
    median, interval = median_interval(x)
    lo_rank, hi_rank = pub.MEDIAN_N10_ORDER_STATISTICS
    ordered = np.sort(x)
    assert median == 5.5
    assert (interval.low, interval.high) == (ordered[lo_rank - 1], ordered[hi_rank - 1])
    coverage = 1 - 2 * stats.binom.cdf(lo_rank - 1, 10, 0.5)
    assert coverage == pytest.approx(pub.MEDIAN_N10_COVERAGE)


def test_median_interval_undefined_when_too_few_values():
    _, interval = median_interval([1.0, 2.0, 3.0, 4.0, 5.0])
    assert interval.low is None
    assert interval.high is None


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"), pub.NEWCOMBE_1998_TABLE_II_METHOD_10
)
def test_difference_matches_newcombe_1998_table_ii(x1, n1, x2, n2, low, high):
    diff, interval = difference_interval(x1, n1, x2, n2)
    assert diff == pytest.approx(x1 / n1 - x2 / n2)
    assert interval.low == pytest.approx(low, abs=5e-5)
    assert interval.high == pytest.approx(high, abs=5e-5)


def test_trap_statsmodels_score_interval_for_two_proportions_is_wrong():
    # statsmodels issue #10269: confint_proportions_2indep(method="score") does not
    # reproduce the Miettinen–Nurminen interval of Newcombe (1998) Table II
    # (0.0528, 0.3382) and fails outright on other published examples; we use 'newcomb'.
    x1, n1, x2, n2, low, high = pub.NEWCOMBE_1998_TABLE_II_METHOD_6_A
    score_low, score_high = confint_proportions_2indep(x1, n1, x2, n2, method="score")
    assert score_low == pytest.approx(low, abs=1e-3)  # the lower limit is close …
    assert abs(score_high - high) > 0.005  # … the upper one is not
    with pytest.raises(ValueError, match="signs"):
        confint_proportions_2indep(9, 10, 3, 10, method="score")
    _, ours = difference_interval(x1, n1, x2, n2)
    assert ours.method == "newcombe_hybrid_score"


def test_trap_agresti_caffo_limits_are_not_clipped():
    # statsmodels returns an upper limit above 1 for 30/30 vs 1/30; ours stay in [-1, 1].
    _, high = confint_proportions_2indep(30, 30, 1, 30, method="agresti-caffo")
    assert high > 1.0
    _, interval = difference_interval(30, 30, 1, 30)
    assert -1.0 <= interval.low <= interval.high <= 1.0
    _, paired = paired_difference_interval(0, 0, 40, 0)
    assert paired.high == 1.0


def test_paired_difference_interval_agresti_min():
    # Adjusted Wald of Agresti & Min (2005): add 1/2 to each cell. Hand computation for the
    # presidential-approval table (b=150, c=86, n=1600):
    # d* = (86.5 − 150.5)/1602 = −0.039950; var = ((237) − 64²/1602)/1602² = 9.1353e−5
    # limits −0.039950 ± 1.959964·0.0095579 = (−0.058683, −0.021217).
    diff, interval = paired_difference_interval(794, 150, 86, 570)
    assert diff == pytest.approx(-0.04)
    assert interval.low == pytest.approx(-0.058683, abs=1e-6)
    assert interval.high == pytest.approx(-0.021217, abs=1e-6)


def test_nps_adjusted_wald_hand_computation():
    # Rocks (2016) adjusted Wald, by hand for 50 promoters, 30 passives, 20 detractors:
    # n' = 103, p+ = 50.75/103 = 0.492718, p- = 20.75/103 = 0.201456, d = 0.291262,
    # var = (0.492718 + 0.201456 − 0.291262²)/103 = 0.00591605, se = 0.0769159,
    # limits 100·(0.291262 ± 1.959964·0.0769159) = (14.05, 44.20); NPS = 30.
    result = nps_from_counts(50, 30, 20)
    assert result.nps == pytest.approx(30.0)
    assert result.interval.low == pytest.approx(14.051, abs=1e-3)
    assert result.interval.high == pytest.approx(44.201, abs=1e-3)


def test_nps_from_scores_classifies_promoters_and_detractors():
    result = nps([10, 9, 8, 7, 6, 0, np.nan, 9])
    assert (result.promoters, result.passives, result.detractors) == (3, 2, 2)
    assert result.nps == pytest.approx(100 * (3 - 2) / 7)
    with pytest.raises(ValueError, match=r"0\.\.10"):
        nps([11])


@given(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60))
def test_nps_interval_contains_estimate_and_stays_in_range(p, q, d):
    result = nps_from_counts(p, q, d)
    if p + q + d == 0:
        assert result.nps is None
        return
    assert -100 <= result.interval.low <= result.interval.high <= 100
    # the adjusted interval is centred on a shrunk estimate; it still covers the raw one
    # except in extreme small samples, where the shrinkage is the point of the method
    if p + q + d >= 10:
        assert result.interval.low - 1e-9 <= result.nps <= result.interval.high + 1e-9
    assert not math.isnan(result.interval.low)
