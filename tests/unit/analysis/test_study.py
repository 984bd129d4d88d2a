"""analyse_study end to end: contract of to_dict(), disclosure, determinism, findings."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from analysis import AnalysisOptions, analyse_study
from analysis.findings import NBSP, NNBSP
from analysis.synthetic import synthetic_study

NNBSP_PERCENT = f"{NNBSP}%"


@pytest.fixture(scope="module")
def study():
    answers, questions, invitations = synthetic_study(400, seed=3)
    return answers, questions, invitations


@pytest.fixture(scope="module")
def result(study):
    answers, questions, invitations = study
    return analyse_study(answers, questions, invitations=invitations)


def _walk(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, (*path, i))
    else:
        yield path, value


def test_to_dict_is_plain_json_without_nan(result):
    data = result.to_dict()
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text) == data
    for path, value in _walk(data):
        assert value is None or type(value) in (bool, int, float, str), path
    for key in (
        "indicators",
        "questions",
        "gains",
        "attrition",
        "scales",
        "trends",
        "breakdowns",
        "response_rates",
        "findings",
        "methods",
        "k",
        "n_answers",
        "n_responses",
    ):
        assert key in data
    assert data["k"] == 5
    assert {m["name"] for m in data["methods"]} >= {
        "disclosure",
        "paired_gain",
        "mcnemar",
        "multiplicity",
        "scales",
        "trends",
        "breakdowns",
    }
    assert all(f["fr"] and f["en"] for f in data["findings"])


def test_holm_family_is_the_indicator_level_tests_only(result):
    shown = [g for g in result.gains if not g.suppressed]
    assert {g.test for g in shown} == {"wilcoxon", "mcnemar"}
    family = [g for g in shown if g.family == "confirmatory"]
    assert {g.target_kind for g in family} == {"indicator"}
    raw = [g.p_value for g in family]
    expected = multipletests(raw, method="holm")[1]
    assert [g.p_holm for g in family] == pytest.approx(list(expected))
    assert all(g.p_holm >= g.p_value for g in family)
    # items are exploratory: not in the family, no adjusted p
    items = [g for g in shown if g.family == "exploratory"]
    assert items
    assert all(g.target_kind == "question" and g.p_holm is None for g in items)
    # a single-question indicator is tested once, at indicator level
    assert not [g for g in shown if g.target == "recommend"]
    assert [g for g in family if g.target == "recommendation"]
    assert result.multiplicity.family_size == len(family)
    assert "Holm" in result.multiplicity.text["en"]
    assert "Holm" in result.multiplicity.text["fr"]
    indicator_gain = next(g for g in shown if g.target == "listened")
    assert indicator_gain.target_kind == "indicator"
    assert indicator_gain.paired.n_pairs > 200


def test_verdicts_never_contradict_their_interval(result):
    for gain in result.gains:
        if gain.suppressed or gain.paired is None:
            continue
        ci = gain.paired.change_interval
        if ci.low <= 0 <= ci.high:
            assert gain.verdict == "unclear"
        else:
            assert gain.verdict != "unclear"
            if gain.family == "confirmatory" and gain.p_holm >= 0.05:
                assert gain.verdict.endswith("_unadjusted")


def test_better_same_worse_use_one_step_of_a_five_point_scale(result):
    confidence = next(g for g in result.gains if g.target == "confidence")
    autonomy = next(g for g in result.gains if g.target == "autonomy")  # 0–100 (POMP)
    assert confidence.change.threshold == 1.0
    assert autonomy.change.threshold == 25.0
    assert "0–100" in autonomy.change.scale["en"]
    for gain in (confidence, autonomy):
        parts = [gain.change.better, gain.change.same, gain.change.worse]
        shown = [p for p in parts if not p.suppressed]
        assert shown
        for part in shown:
            assert part.interval.low <= part.estimate <= part.interval.high


def test_indicator_multi_item_rule_and_scales(result):
    listened = [i for i in result.indicators if i.indicator == "listened"]
    assert [i.wave for i in listened] == ["baseline", "followup1"]
    assert "per-respondent scale score" in listened[0].rule
    assert listened[0].question_keys == ("listened_1", "listened_2", "listened_3")
    autonomy = next(i for i in result.indicators if i.indicator == "autonomy")
    assert "0–100" in autonomy.rule  # agreement + yes/no items: POMP
    scale = next(s for s in result.scales if s.indicator == "listened" and s.wave == "baseline")
    assert 0 < scale.alpha < 1
    assert scale.interval.low < scale.alpha < scale.interval.high
    recommendation = next(i for i in result.indicators if i.indicator == "recommendation")
    assert recommendation.nps is not None


def test_question_results_count_answers_pna_and_missing(study, result):
    answers, _, _ = study
    rows = answers[(answers["question_key"] == "listened_1") & (answers["wave"] == "baseline")]
    q = next(x for x in result.questions if x.question_key == "listened_1" and x.wave == "baseline")
    assert q.n_missing == rows["value"].isna().sum()
    assert q.n_pna == (rows["value"] == "_pna").sum()
    assert q.n_answered == len(rows) - q.n_missing - q.n_pna
    assert [c.code for c in q.distribution] == ["1", "2", "3", "4", "5"]
    shown = [c.count for c in q.distribution if not c.suppressed]
    assert all(c >= 5 or c == 0 for c in shown)
    positives = rows["value"].isin(["4", "5"]).sum()
    assert q.positive.successes == positives
    assert q.location.median_interval.method == "order_statistic_binomial"


def test_results_do_not_depend_on_row_order(study):
    answers, questions, _ = study
    small = answers[answers["beneficiary_code"].isin([f"B{i}" for i in range(120)])]
    reference = json.dumps(analyse_study(small, questions).to_dict())

    @settings(max_examples=3, deadline=None)
    @given(st.integers(0, 2**32 - 1))
    def check(seed):
        shuffled = small.sample(frac=1.0, random_state=np.random.RandomState(seed))
        shuffled = shuffled.reset_index(drop=True)
        assert json.dumps(analyse_study(shuffled, questions).to_dict()) == reference

    check()


def test_small_site_is_suppressed_everywhere_and_never_in_findings(study):
    answers, questions, _ = study
    answers = answers.copy()
    tiny = answers["beneficiary_code"].isin(["B1", "B2"])
    answers.loc[tiny, "site"] = "TINY"
    result = analyse_study(answers, questions)
    for bd in result.breakdowns:
        if bd.by != "site":
            continue
        rows = {r.group: r for r in bd.rows}
        assert rows["TINY"].suppressed
        assert rows["TINY"].n is None
        assert rows["TINY"].positive.estimate is None
        assert sum(r.suppressed for r in bd.rows) >= 2  # secondary suppression
    data = result.to_dict()
    site_rows = [
        r
        for b in data["breakdowns"]
        if b["by"] == "site"
        for r in b["rows"]
        if r["group"] == "TINY"
    ]
    assert all(r["suppressed"] is True and r["n"] is None for r in site_rows)
    assert not any("TINY" in f.fr or "TINY" in f.en for f in result.findings)


def test_k_and_filters_are_applied(study):
    answers, questions, _ = study
    options = AnalysisOptions(k=10, date_to=dt.date(2025, 6, 30), sites=["S1", "S2"])
    result = analyse_study(answers, questions, options=options)
    assert result.k == 10
    assert result.options["sites"] == ["S1", "S2"]
    assert result.n_sites <= 2
    kept = answers[answers["site"].isin(["S1", "S2"]) & (answers["completed_date"] <= "2025-06-30")]
    assert result.n_answers == len(kept)
    with pytest.raises(ValueError, match="period"):
        AnalysisOptions(period="week")


def test_open_link_mode_skips_paired_analyses(study):
    answers, questions, _ = study
    anonymous = answers.assign(beneficiary_code=None)
    result = analyse_study(anonymous, questions)
    assert result.gains == ()
    assert result.attrition == ()
    assert any("open-link" in w for w in result.warnings)


def test_findings_follow_typography_and_evidence(result):
    indicator = next(f for f in result.findings if f.topic.startswith("indicator:listened"))
    assert NNBSP_PERCENT in indicator.fr
    assert f"IC{NBSP}95{NNBSP}%{NBSP}:" in indicator.fr
    assert "95% CI" in indicator.en
    gains = [f for f in result.findings if f.topic.startswith("gain:")]
    assert gains
    for finding in gains:
        assert "mieux" in finding.fr
        assert "moins bien" in finding.fr
        assert "better" in finding.en
        assert "worse" in finding.en
        assert (
            "amélioration" in finding.fr
            or "dégradation" in finding.fr
            or "pas de changement net" in finding.fr
        )
        assert "no change " not in finding.en
        assert "p = 1.000" not in finding.en


def test_small_study_findings_are_indicative(study):
    answers, questions, _ = study
    small = answers[answers["beneficiary_code"].isin([f"B{i}" for i in range(25)])]
    result = analyse_study(small, questions)
    indicators = [f for f in result.findings if f.topic.startswith("indicator:")]
    assert indicators
    assert all(f.indicative and "à titre indicatif" in f.fr.lower() for f in indicators)
    assert all("indicative only" in f.en.lower() for f in indicators)


def test_response_rates_from_invitations(result):
    overall = result.response_rates[0]
    assert (overall.wave, overall.site) == (None, None)
    assert 0 < overall.rate.estimate < 1
    assert overall.rate.interval.method == "wilson"


def test_importing_analysis_does_not_load_the_web_stack():
    probe = (
        "import sys, analysis; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'flask', 'sqlalchemy', 'flask_sqlalchemy', 'survey_app'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"


def test_small_and_degenerate_studies_run_without_warnings(study):
    # pytest turns warnings into errors: tiny groups, constant answers and single waves
    # must not trigger scipy/numpy warnings nor produce NaN in to_dict().
    answers, questions, invitations = study
    benes = answers["beneficiary_code"].unique()

    @settings(max_examples=6, deadline=None)
    @given(st.integers(1, 30), st.integers(0, 2**32 - 1))
    def check(size, seed):
        chosen = np.random.default_rng(seed).choice(benes, size, replace=False)
        subset = answers[answers["beneficiary_code"].isin(chosen)]
        result = analyse_study(subset, questions, invitations=invitations.iloc[: 2 * size])
        json.dumps(result.to_dict(), allow_nan=False)
        for q in result.questions:
            if q.n_answered is not None and q.n_answered < 5:
                raise AssertionError("a count below k was published")

    check()


def test_per_wave_figures_use_the_same_suppression_as_the_breakdown_by_wave(study):
    answers, questions, _ = study
    # a third wave with only 3 respondents: it is hidden; no total over the waves is
    # published (trends pool a kind of wave only when its waves are all exact), so the
    # other waves keep their figures
    extra = answers[answers["beneficiary_code"].isin(["B1", "B2", "B3"])]
    extra = extra[extra["wave"] == "baseline"].assign(
        wave="exit", wave_kind="exit", response_id=lambda f: "exit-" + f["response_id"]
    )
    result = analyse_study(pd.concat([answers, extra], ignore_index=True), questions)
    for name in ("listened", "confidence"):
        by_wave = next(b for b in result.breakdowns if b.target == name and b.by == "wave")
        hidden_in_breakdown = {r.group for r in by_wave.rows if r.suppressed}
        hidden_in_indicators = {
            i.wave for i in result.indicators if i.indicator == name and i.positive.suppressed
        }
        assert "exit" in hidden_in_breakdown
        assert hidden_in_breakdown == hidden_in_indicators == {"exit"}
        exit_row = next(r for r in by_wave.rows if r.group == "exit")
        assert exit_row.n is None  # fewer than k people: not even the size
        exit_trend = next(t for t in result.trends if t.target == name and t.wave_kind == "exit")
        assert exit_trend.centre is None  # the centre would be the hidden wave's share
        assert by_wave.test.test == "none"  # the waves share respondents


def test_results_do_not_depend_on_text_columns_being_categorical(study):
    """The database loader hands over categoricals, a CSV import plain text: same analysis."""
    answers, questions, invitations = study
    small = answers[answers["beneficiary_code"].isin([f"B{i}" for i in range(150)])]
    as_text = small.astype({c: object for c in small.columns if c != "completed_date"})
    as_categories = small.astype({c: "category" for c in small.columns if c != "completed_date"})
    reference = json.dumps(analyse_study(as_text, questions, invitations=invitations).to_dict())
    loaded = analyse_study(as_categories, questions, invitations=invitations)
    assert json.dumps(loaded.to_dict()) == reference
