"""Claims no larger than the design: thresholds, verdicts, detectable change, attrition, wording."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from analysis import AnalysisOptions, analyse_study
from analysis.findings import en_p, fr_p
from analysis.paired import change_counts, change_threshold, verdict
from analysis.synthetic import synthetic_study
from analysis.trends import minimal_detectable_difference


def test_threshold_is_one_step_of_a_five_point_scale_as_a_share_of_the_range():
    assert change_threshold(1, 5) == 1.0
    assert change_threshold(0, 100) == 25.0
    assert change_threshold(0, 10) == 2.5
    assert change_threshold(3, 3) is None


def test_change_counts_by_threshold():
    # a mean of four items moving by 0.25 is not "better" at a threshold of one step
    assert change_counts([0.25, 1.0, -1.0, -0.5, 0.0], 1.0) == (1, 3, 1)
    assert change_counts([0.25, 1.0, -1.0, -0.5, 0.0], None) == (2, 1, 2)


@pytest.mark.parametrize(
    ("low", "high", "p", "expected"),
    [
        (0.09, 0.51, 0.090, "better_unadjusted"),  # the contradiction, now stated
        (0.09, 0.51, 0.001, "better"),
        (-0.47, 0.02, 0.001, "unclear"),  # the interval includes 0: never "worse"
        (-0.47, -0.02, 0.20, "worse_unadjusted"),
    ],
)
def test_verdict_reads_the_interval_first(low, high, p, expected):
    assert verdict(low, high, 1, p, 0.05, adjusted=True) == expected
    assert verdict(low, high, 1, None, 0.05, adjusted=False) == expected.split("_")[0]


def test_p_values_never_read_as_certainty():
    assert en_p(1.0) == "p > 0.99"
    assert en_p(0.0004) == "p < 0.001"
    assert fr_p(1.0) == "p\u00a0>\u00a00,99"


@pytest.mark.parametrize(("n", "h"), [(392, 0.20), (63, 0.50)])
def test_minimal_detectable_difference_matches_cohen_table_6_4_1(n, h):
    # Cohen (1988), Table 6.4.1: two-sided alpha 0.05, power 0.80 -> n per group for h
    p0 = 0.5
    diff = minimal_detectable_difference(n, p0)
    p1 = p0 + diff
    found = 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p0))
    assert found == pytest.approx(h, abs=0.005)
    # the closed form is what statsmodels' power solver finds
    from statsmodels.stats.power import NormalIndPower

    solved = NormalIndPower().solve_power(effect_size=None, nobs1=n, alpha=0.05, power=0.8)
    assert found == pytest.approx(solved, rel=1e-4)


def _with_due_dates(answers, invitations):
    """Give follow-up invitations the beneficiary codes of the people followed or lost."""
    base = answers[answers["wave"] == "baseline"].drop_duplicates("beneficiary_code")
    rows = []
    for code, day in zip(base["beneficiary_code"], base["completed_date"], strict=True):
        created = day + pd.Timedelta(days=120)
        rows.append(
            {
                "invitation_id": f"f-{code}",
                "wave": "followup1",
                "wave_kind": "follow_up",
                "site": "S0",
                "created_at": created,
                "sent_at": created,
                "opened_at": pd.NaT,
                "started_at": pd.NaT,
                "completed_at": pd.NaT,
                "expired": True,
                "beneficiary_code": code,
                "support_started_on": day - pd.Timedelta(days=10),
            }
        )
    return pd.DataFrame(rows)


def test_attrition_counts_only_people_who_were_due():
    answers, questions, invitations = synthetic_study(300, seed=5)
    cut = pd.Timestamp("2025-09-30")
    invites = _with_due_dates(answers, invitations)
    result = analyse_study(
        answers,
        questions,
        invitations=invites,
        options=AnalysisOptions(date_to=cut.date()),
    )
    att = next(a for a in result.attrition if a.target == "listened")
    kept = answers[answers["completed_date"] <= cut]
    base = kept[kept["wave"] == "baseline"]["beneficiary_code"].unique()
    assert att.n_not_yet_due > 0
    assert att.n_baseline < len(base)
    assert att.n_baseline + att.n_not_yet_due <= len(base)
    assert "invitation" in att.due_rule["en"]
    assert att.n_pending is None or att.n_pending == 0
    # invitations still open at the end of the period: neither followed nor lost
    still_open = invites.assign(expired=False)
    pending = analyse_study(
        answers, questions, invitations=still_open, options=AnalysisOptions(date_to=cut.date())
    )
    att_open = next(a for a in pending.attrition if a.target == "listened")
    assert att_open.n_pending > 0
    assert att_open.n_lost < att.n_lost
    # time with the service at baseline comes from the support start dates
    assert result.profile.time_with_service_source == "support_start"
    assert result.profile.median_days_with_service == pytest.approx(10)


def test_breakdowns_within_one_wave_and_trends_by_wave_kind():
    answers, questions, invitations = synthetic_study(300, seed=7)
    result = analyse_study(answers, questions, invitations=invitations)
    by_site = [b for b in result.breakdowns if b.by == "site"]
    assert by_site
    assert {b.wave for b in by_site} == {"baseline"}
    n_base = answers[answers["wave"] == "baseline"]["beneficiary_code"].nunique()
    assert sum(r.n or 0 for r in by_site[0].rows) <= n_base
    assert all(b.exploratory for b in by_site)
    mode = next(b for b in result.breakdowns if b.by == "mode")
    assert "select themselves" in mode.caveat_text["en"]
    assert "choisissent" in mode.caveat_text["fr"]
    kinds = {t.wave_kind for t in result.trends if t.target == "listened"}
    assert kinds == {"baseline", "follow_up"}
    assert all(t.mdd is None or 0 < t.mdd < 1 for t in result.trends)
    chosen = analyse_study(
        answers,
        questions,
        invitations=invitations,
        options=AnalysisOptions(breakdown_wave="followup1"),
    )
    assert {b.wave for b in chosen.breakdowns if b.by == "site"} == {"followup1"}


def test_measures_are_named_in_both_languages_and_methods_too():
    answers, questions, invitations = synthetic_study(200, seed=9)
    result = analyse_study(answers, questions, invitations=invitations)
    recommendation = next(m for m in result.measures if m.indicator == "recommendation")
    assert recommendation.kind == "nps"
    assert "9 or 10" in recommendation.positive_text["en"]
    confidence = next(m for m in result.measures if m.indicator == "confidence")
    assert "Agree" in confidence.positive_text["en"]
    assert all(n.text.get("fr") and n.text.get("en") for n in result.methods)
    assert result.period.first_completed <= result.period.last_completed
    assert result.profile.n_people < result.profile.n_questionnaires  # people ≠ questionnaires
    for scale in result.scales:
        if scale.alpha is not None:
            assert scale.reliable == (scale.alpha >= 0.7)


def test_each_wave_is_shown_in_the_words_of_its_questionnaire_version():
    answers, questions, _ = synthetic_study(60, seed=13)
    answers = answers.assign(
        questionnaire_version=answers["wave"].map({"baseline": "impact@1", "followup1": "impact@2"})
    )
    worded = {
        "impact@1": {"fr": "Je me sens écouté·e", "en": "I feel listened to"},
        "impact@2": {"fr": "Je me suis senti·e écouté·e", "en": "I felt listened to"},
    }
    specs = [
        dataclasses.replace(q, version_labels=worded) if q.key == "listened_1" else q
        for q in questions
    ]
    result = analyse_study(answers, specs)
    by_wave = {w.wave: w for w in result.wave_wording}
    assert by_wave["baseline"].versions == ("impact@1",)
    assert by_wave["baseline"].labels["listened_1"]["en"] == "I feel listened to"
    assert by_wave["followup1"].labels["listened_1"]["en"] == "I felt listened to"
    (difference,) = result.wording_differences
    assert difference.question_key == "listened_1"
    assert difference.waves == ("baseline", "followup1")


@pytest.mark.parametrize(
    ("counts", "shown", "bounds"),
    [
        ((40, 90, 3), (False, True, False), ("≥0.25", None, "≤0.05")),
        ((2, 129, 2), (False, False, False), ("≤0.05", "≥0.95", "≤0.05")),
        ((20, 100, 13), (True, True, True), (None, None, None)),
        ((0, 37, 0), (False, False, False), ("≤0.15", "≥0.85", "≤0.15")),
    ],
)
def test_better_same_worse_hide_small_cells_and_publish_safe_bounds(counts, shown, bounds):
    from analysis.study import _change_bounds, _change_mask

    hidden = _change_mask(counts, 5)
    assert tuple(not h for h in hidden) == shown
    found = _change_bounds(counts, hidden, 5)
    text = tuple(None if b is None else f"{b.relation[0]}{b.value:g}" for b in found)
    assert text == tuple(
        None if b is None else b.replace("≥", ">").replace("≤", "<") for b in bounds
    )


def test_welch_interval_reproduces_r_on_sleep_data():
    from analysis.attrition import welch_difference

    # R: t.test(extra ~ group, data = sleep)$conf.int -> -3.3654832 0.2054832
    group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    diff, interval = welch_difference(group1, group2)
    assert diff == pytest.approx(-1.58)
    assert interval.low == pytest.approx(-3.3654832, abs=1e-6)
    assert interval.high == pytest.approx(0.2054832, abs=1e-6)
    assert welch_difference([3.25] * 6, [3.25] * 5)[1] is None
