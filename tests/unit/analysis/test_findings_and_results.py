"""Wording of findings, plain to_dict() values, and disclosure inside analyse_study."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis import QuestionSpec, analyse_study
from analysis.findings import NBSP, NNBSP, en_p, fr_number, fr_p, fr_percent, indicator_findings
from analysis.results import IndicatorResult, Interval, ProportionEstimate, plain
from analysis.synthetic import synthetic_study


def test_french_number_typography():
    assert fr_percent(0.88) == f"88{NNBSP}%"
    assert fr_number(1234.5, 1) == f"1{NNBSP}234,5"
    assert fr_number(-0.08, 2) == "\u22120,08"
    assert fr_number(-0.0001, 2) == "0,00"
    assert fr_p(0.0004) == f"p{NBSP}<{NBSP}0,001"
    assert fr_p(0.0123) == f"p{NBSP}={NBSP}0,012"
    assert en_p(0.0004) == "p < 0.001"


def _indicator(successes, n, low, high):
    share = ProportionEstimate(successes, n, successes / n, Interval(low, high, 0.95, "wilson"))
    return IndicatorResult("listened", "baseline", ("q",), n, share, None, None, "rule")


def test_indicator_sentence_matches_the_house_example():
    finding = indicator_findings([_indicator(363, 412, 0.84, 0.91)], {})[0]
    assert finding.fr.startswith(
        f"88{NNBSP}% (IC{NBSP}95{NNBSP}%{NBSP}: 84–91{NNBSP}%) des 412 personnes"
    )
    assert finding.en.startswith("88% (95% CI: 84–91%) of the 412 people")
    assert not finding.indicative


@pytest.mark.parametrize(("n", "low", "high"), [(29, 0.5, 0.6), (400, 0.5, 0.71)])
def test_small_samples_and_wide_intervals_are_indicative(n, low, high):
    finding = indicator_findings([_indicator(n // 2, n, low, high)], {})[0]
    assert finding.indicative
    assert "À titre indicatif" in finding.fr
    assert "Indicative only" in finding.en


def test_suppressed_indicator_produces_no_sentence():
    hidden = ProportionEstimate(None, None, None, Interval(None, None, 0.95, "wilson"), True)
    result = IndicatorResult("listened", "baseline", ("q",), None, hidden, None, None, "rule", True)
    assert indicator_findings([result], {}) == []


def test_plain_turns_numpy_and_nan_into_json_values():
    value = plain({"a": np.int64(3), "b": np.float32(0.5), "c": np.nan, "d": (np.bool_(True),)})
    assert value == {"a": 3, "b": 0.5, "c": None, "d": [True]}
    assert type(value["a"]) is int
    assert json.dumps(value, allow_nan=False)


def _unanimous_table(n_people: int) -> tuple[pd.DataFrame, list[QuestionSpec]]:
    rows = []
    for i in range(n_people):
        rows.append(
            {
                "response_id": f"r{i}",
                "beneficiary_code": f"B{i}",
                "study": "s",
                "wave": "baseline",
                "wave_kind": "baseline",
                "site": "A" if i < n_people - 3 else "B",
                "questionnaire_version": "q@1",
                "question_key": "listened",
                "indicator": "listened",
                "value": "5" if i % 2 else "4",
                "completed_date": pd.Timestamp("2025-02-01"),
                "mode": "self",
                "language": "fr",
            }
        )
    spec = QuestionSpec("listened", "agreement", "listened", frozenset({"4", "5"}))
    return pd.DataFrame(rows), [spec]


def test_a_hundred_percent_share_is_hidden_with_the_distribution_that_would_reveal_it():
    table, specs = _unanimous_table(40)
    result = analyse_study(table, specs)
    question = result.questions[0]
    # 40 people, none non-positive: a bound "at least 90 %" (from n = 40 and k = 5 only)
    assert question.positive.suppressed
    assert question.positive.bound.relation == ">="
    assert question.positive.bound.value == 0.9
    by_code = {c.code: c for c in question.distribution}
    # the codes that could hold the non-positive answers are withheld with positive ones,
    # so the count of non-positive answers is anything from 0 to k − 1
    assert by_code["3"].suppressed
    assert by_code["3"].count is None
    assert any(by_code[c].suppressed for c in ("4", "5"))
    assert question.location.suppressed  # a mean would give the share back
    assert question.n_answered == 40
    data = result.to_dict()
    assert data["questions"][0]["positive"]["estimate"] is None
    assert data["questions"][0]["positive"]["bound"] == {"relation": ">=", "value": 0.9}
    assert data["questions"][0]["positive"]["suppressed"] is True
    site_b = next(r for b in result.breakdowns if b.by == "site" for r in b.rows if r.group == "B")
    assert site_b.suppressed
    assert not [f for f in result.findings if f.topic.startswith("indicator:")]


def test_attrition_counts_and_mann_whitney_caveat():
    answers, questions, _ = synthetic_study(300, seed=11, retention=0.6)
    result = analyse_study(answers, questions)
    att = next(a for a in result.attrition if a.target == "listened")
    base = answers[answers["wave"] == "baseline"]["beneficiary_code"].unique()
    follow = set(answers[answers["wave"] == "followup1"]["beneficiary_code"])
    lost = [b for b in base if b not in follow]
    assert att.n_lost + att.n_followed == att.n_baseline
    assert att.n_lost <= len(lost)  # people without a baseline scale score are not counted
    assert att.method == "mann_whitney_u_asymptotic_continuity"
    assert 0 <= att.p_value <= 1
