"""Paired gains against published values (see results/results_published.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar

from analysis import mcnemar_gain, paired_gain
from analysis.paired import cohen_dz, rank_biserial, wilcoxon_signed_rank
from tests.unit.analysis.results import results_published as pub


def test_paired_t_reproduces_r_on_sleep_data():
    # before = group 2, after = group 1, so after − before = group1 − group2 as in R.
    gain = paired_gain(pub.SLEEP_GROUP2, pub.SLEEP_GROUP1)
    t = gain.t_test
    assert t.statistic == pytest.approx(pub.SLEEP_T, abs=5e-5)
    assert t.df == pub.SLEEP_DF
    assert t.p_value == pytest.approx(pub.SLEEP_P, abs=5e-7)
    assert t.mean_difference == pytest.approx(pub.SLEEP_MEAN_DIFF)
    assert t.interval.low == pytest.approx(pub.SLEEP_CI[0], abs=5e-5)
    assert t.interval.high == pytest.approx(pub.SLEEP_CI[1], abs=5e-5)
    assert gain.change_interval == t.interval


def test_wilcoxon_reproduces_r_with_ties_and_zeros_on_sleep_data():
    gain = paired_gain(pub.SLEEP_GROUP2, pub.SLEEP_GROUP1)
    w = gain.wilcoxon
    assert w.v == pub.SLEEP_WILCOXON_V
    assert w.p_value == pytest.approx(pub.SLEEP_WILCOXON_P, abs=5e-7)
    assert (w.method, w.correction, w.zero_method) == ("approx", True, "wilcox")
    assert (w.n_zero, w.has_ties, w.n_nonzero) == (1, True, 9)


def test_trap_scipy_default_wilcoxon_is_not_r_with_ties_and_zeros():
    # scipy's method='auto' computes an "exact" p (0.0039) although the data have a zero
    # and ties; R (and we) use the normal approximation with correction: 0.009091.
    d = np.subtract(pub.SLEEP_GROUP1, pub.SLEEP_GROUP2)
    assert stats.wilcoxon(d).pvalue == pytest.approx(0.00390625)
    assert wilcoxon_signed_rank(d).p_value == pytest.approx(pub.SLEEP_WILCOXON_P, abs=5e-7)


def test_wilcoxon_reproduces_r_exact_on_hollander_wolfe():
    # R: wilcox.test(x, y, paired = TRUE) computes x − y, so before = y, after = x.
    gain = paired_gain(pub.HW_Y, pub.HW_X)
    w = gain.wilcoxon
    assert w.v == pub.HW_V
    assert w.p_value == pytest.approx(pub.HW_P, abs=5e-6)
    assert w.method == "exact"


def test_trap_scipy_reports_min_of_rank_sums_not_r_v():
    res = stats.wilcoxon(np.subtract(pub.HW_X, pub.HW_Y))
    assert res.statistic == 5.0  # min(W+, W−) = min(40, 5)
    w = wilcoxon_signed_rank(np.subtract(pub.HW_X, pub.HW_Y))
    assert (w.statistic, w.v) == (5.0, pub.HW_V)
    total = 9 * 10 / 2
    assert w.v + w.statistic == total


def test_wilcoxon_uses_approximation_from_50_pairs():
    rng = np.random.default_rng(1)
    d = rng.permutation(np.arange(1, 51)) * rng.choice([-1, 1], 50)
    assert wilcoxon_signed_rank(d[:49]).method == "exact"
    assert wilcoxon_signed_rank(d).method == "approx"


def test_rank_biserial_kerby_simple_difference_formula():
    # Kerby (2014): r = favourable share − unfavourable share of the rank sum.
    # Hollander & Wolfe: W+ = 40, W− = 5, total 45  ->  r = 35/45 = 0.7778.
    # Fisher-z interval as effectsize::rank_biserial(paired = TRUE), by hand:
    # SE = sqrt((2·9³ + 3·9² + 9)/6)/((9² + 9)/2) = sqrt(285)/45 = 0.375154;
    # tanh(atanh(0.7778) ± 1.959964·0.375154) = (0.2954, 0.9442).
    effect = rank_biserial(np.subtract(pub.HW_X, pub.HW_Y))
    assert effect.estimate == pytest.approx(35 / 45)
    assert effect.interval.low == pytest.approx(0.2954, abs=5e-4)
    assert effect.interval.high == pytest.approx(0.9442, abs=5e-4)


def test_cohen_dz_on_sleep_data():
    # d_z = t / sqrt(n) = −4.0621 / sqrt(10) = −1.2845 (from R's t above).
    d = np.subtract(pub.SLEEP_GROUP1, pub.SLEEP_GROUP2)
    effect = cohen_dz(d)
    assert effect.estimate == pytest.approx(pub.SLEEP_T / math.sqrt(10), abs=5e-5)
    # The noncentral-t limits put the observed t at the 97.5 % and 2.5 % quantiles.
    t_obs = stats.ttest_rel(pub.SLEEP_GROUP1, pub.SLEEP_GROUP2).statistic
    lo_ncp, hi_ncp = effect.interval.low * math.sqrt(10), effect.interval.high * math.sqrt(10)
    assert stats.nct.cdf(t_obs, 9, lo_ncp) == pytest.approx(0.975, abs=1e-6)
    assert stats.nct.cdf(t_obs, 9, hi_ncp) == pytest.approx(0.025, abs=1e-6)
    assert effect.interval.method == "noncentral_t"


def test_cohen_dz_large_sample_uses_normal_approximation_close_to_nct():
    rng = np.random.default_rng(7)
    d = rng.normal(0.4, 1.0, 1200)
    approx = cohen_dz(d)
    exact = cohen_dz(d[:1000])
    assert approx.interval.method == "normal_approximation"
    assert exact.interval.method == "noncentral_t"
    assert approx.interval.low < approx.estimate < approx.interval.high


def test_polarity_minus_one_flips_improved_and_worse():
    before = [1, 2, 3, 4, 5, 3]
    after = [2, 3, 3, 3, 5, 4]
    up = paired_gain(before, after)
    down = paired_gain(before, after, polarity=-1)
    assert (up.n_improved, up.n_unchanged, up.n_worse) == (3, 2, 1)
    assert (down.n_improved, down.n_unchanged, down.n_worse) == (1, 2, 3)
    assert up.mean_change == down.mean_change


def test_missing_values_drop_the_pair():
    gain = paired_gain([1, np.nan, 3, 4], [2, 5, np.nan, 5])
    assert gain.n_pairs == 2
    with pytest.raises(ValueError, match="length"):
        paired_gain([1, 2], [1])


def test_mcnemar_reproduces_agresti_and_r():
    cells = pub.APPROVAL
    before = ["yes"] * (cells["yes_yes"] + cells["yes_no"]) + ["no"] * (
        cells["no_yes"] + cells["no_no"]
    )
    after = (
        ["yes"] * cells["yes_yes"]
        + ["no"] * cells["yes_no"]
        + ["yes"] * cells["no_yes"]
        + ["no"] * cells["no_no"]
    )
    result = mcnemar_gain(before, after)
    assert (result.n_yes_to_no, result.n_no_to_yes) == (150, 86)
    assert result.statistic == pytest.approx(pub.APPROVAL_CHI2_R, abs=5e-4)
    assert result.p_value == pytest.approx(pub.APPROVAL_P_R, rel=1e-3)
    assert not result.exact
    assert result.share_before == pytest.approx(944 / 1600)
    assert result.share_after == pytest.approx(880 / 1600)
    # Agresti's uncorrected statistic on the same orientation of the table.
    table = np.array([[794, 150], [86, 570]])
    plain = mcnemar(table, exact=False, correction=False)
    assert plain.statistic == pytest.approx(pub.APPROVAL_CHI2_UNCORRECTED, abs=5e-3)
    assert (result.n_improved, result.n_worse) == (86, 150)


def test_mcnemar_exact_below_25_discordant_pairs():
    before = [1] * 10 + [1] * 3 + [0] * 9 + [0] * 10
    after = [1] * 10 + [0] * 3 + [1] * 9 + [0] * 10
    result = mcnemar_gain(before, after, polarity=-1)
    assert result.exact
    assert result.p_value == pytest.approx(stats.binomtest(3, 12, 0.5).pvalue)
    assert (result.n_improved, result.n_worse) == (3, 9)


def test_mcnemar_ignores_prefer_not_to_answer():
    result = mcnemar_gain(["yes", "_pna", "no", None], ["no", "yes", "yes", "yes"])
    assert result.n_pairs == 2
