"""The built-in standard questionnaires."""

from __future__ import annotations

import json

import pytest

import questionnaires as qn

KEYS = ["impact-baseline", "impact-exit", "impact-followup"]


def test_builtin_keys():
    assert qn.builtin_keys() == KEYS


def test_unknown_builtin_is_a_key_error():
    with pytest.raises(KeyError, match="impact-baseline"):
        qn.load_builtin("impact-nope")


@pytest.mark.parametrize("key", KEYS)
def test_builtin_loads_in_french_and_english_and_round_trips(key):
    q = qn.load_builtin(key)
    assert q.key == key
    assert q.languages == ("fr", "en")
    assert qn.validate(q) == []
    assert qn.load_definition(json.loads(json.dumps(qn.dump_definition(q)))) == q


@pytest.mark.parametrize("key", KEYS)
def test_indicator_questions_use_the_agreement_scale_except_nps_and_yes_no(key):
    for question in qn.load_builtin(key).indicator_questions():
        if question.indicator == "recommendation":
            assert question.type == "rating"
        else:
            assert question.type in ("agreement", "yes_no"), question.key


def test_baseline_and_followup_share_indicator_questions():
    baseline = qn.load_builtin("impact-baseline")
    followup = qn.load_builtin("impact-followup")
    keys = [q.key for q in baseline.indicator_questions()]
    assert keys == [q.key for q in followup.indicator_questions()]
    assert {q.indicator for q in baseline.indicator_questions()} == {
        "listening",
        "confidence",
        "autonomy",
        "satisfaction",
        "recommendation",
    }
    for prefix in ("listen_", "conf_", "auto_"):
        assert sum(k.startswith(prefix) for k in keys) >= 3, prefix
    assert {
        "listen_heard",
        "listen_understood",
        "listen_time",
        "conf_future",
        "conf_solve",
        "auto_admin",
        "auto_online",
        "auto_appointments",
        "recommend",
    } <= set(keys)
    # Same keys, same wording, same scales: answers can be paired.
    assert qn.comparability_warnings(baseline, followup) == []


def test_exit_is_short_and_reuses_keys():
    exit_q = qn.load_builtin("impact-exit")
    baseline = qn.load_builtin("impact-baseline")
    assert len(exit_q.questions) <= 8
    shared = {q.key for q in exit_q.questions} & {q.key for q in baseline.questions}
    assert {"listen_heard", "sat_help", "recommend", "comment"} <= shared
    for key in shared:
        assert exit_q.question(key).type == baseline.question(key).type


@pytest.mark.parametrize("key", KEYS)
def test_builtins_have_yes_no_and_an_optional_comment_but_ask_no_helper(key):
    q = qn.load_builtin(key)
    comment = q.question("comment")
    assert comment.type == "text_long"
    assert comment.required is False
    assert not any("help" in x.key and x.key.startswith("ctx_") for x in q.questions)
    if key != "impact-exit":
        assert any(x.type == "yes_no" for x in q.questions)


def test_builtin_readme_is_honest_about_sources():
    from importlib import resources

    text = resources.files("questionnaires.builtin").joinpath("README.md").read_text("utf-8")
    for name in ("WAI-SR", "Session Rating Scale", "CARE", "Rosenberg", "FALC"):
        assert name in text
    assert "not copied" in text.lower() or "no item is copied" in text.lower()
