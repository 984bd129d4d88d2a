"""is_shown, score / question_scorings and comparability_warnings."""

from __future__ import annotations

import copy
import pickle

import pytest

import questionnaires as qn
from questionnaires import Issue

# --- is_shown -------------------------------------------------------------------------


@pytest.fixture
def q(full):
    return qn.load_definition(full())


@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        ({"yn": "yes"}, True),
        ({"yn": "no"}, False),
        ({"yn": None}, False),  # shown but left blank: no code matches
        ({}, False),  # hidden earlier question: no answer
    ],
)
def test_simple_in_condition(q, answers, shown):
    assert qn.is_shown(q.question("count"), answers) is shown


@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        ({"many": "x", "pick": "a"}, True),
        ({"many": "y x", "pick": "a"}, True),  # multiple choice: codes separated by spaces
        ({"many": None, "pick": "b"}, True),
        ({"many": None, "pick": None}, True),  # not_in holds when there is no answer
        ({"many": None, "pick": "a"}, False),
    ],
)
def test_any_condition_with_multiple_choice_and_not_in(q, answers, shown):
    assert qn.is_shown(q.question("short"), answers) is shown


@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        ({"agree": "5", "many": None}, True),
        ({"agree": "_pna", "many": "z"}, True),
        ({"agree": "5", "many": "y"}, False),
        ({"agree": "3", "many": None}, False),
    ],
)
def test_all_condition(q, answers, shown):
    assert qn.is_shown(q.question("long"), answers) is shown


def test_question_without_condition_is_always_shown(q):
    assert qn.is_shown(q.question("agree"), {}) is True


def test_one_clause_any_is_the_same_condition_as_all():
    clause = qn.Clause("a", ("x",))
    assert qn.Condition((clause,), "any") == qn.Condition((clause,), "all")


# --- scores ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "code", "expected"),
    [
        ("agree", "1", 1.0),
        ("agree", "5", 5.0),
        ("agree", "_pna", None),
        ("agree", None, None),
        ("agree", "6", None),
        ("nps", "0", 0.0),
        ("nps", "10", 10.0),
        ("yn", "yes", 1.0),
        ("yn", "no", 0.0),
        ("pick", "b", 2.5),
        ("pick", "c", -1.0),
        ("many", "x", None),
        ("count", "12", 12.0),
        ("count", "-3", -3.0),
        ("count", "+4", 4.0),
        ("count", "1.5", None),
        ("count", "", None),
        ("short", "hello", None),
    ],
)
def test_score(q, key, code, expected):
    assert qn.score(q.question(key), code) == expected


def test_question_scorings_match_the_analysis_contract(q):
    specs = {s.key: s for s in qn.question_scorings(q)}
    assert list(specs) == ["agree", "nps", "yn", "pick", "many"]
    agree = specs["agree"]
    assert agree.kind == "agreement"
    assert agree.indicator == "listening"
    assert agree.positive_codes == frozenset({"1", "2"})
    assert agree.polarity == -1
    assert dict(agree.scores) == {str(n): float(n) for n in range(1, 6)}
    assert agree.choice_labels["_pna"]["en"] == "I prefer not to answer"
    assert agree.label == {"fr": "A", "en": "A"}
    assert specs["nps"].positive_codes == frozenset({"9", "10"})
    assert specs["yn"].positive_codes == frozenset({"yes"})
    assert dict(specs["pick"].scores) == {"a": 1.0, "b": 2.5, "c": -1.0}
    assert specs["many"].scores == {}
    assert specs["many"].indicator is None
    assert specs["many"].positive_codes == frozenset()


@pytest.mark.parametrize(
    ("qtype", "indicator", "polarity", "expected"),
    [
        ("agreement", "listening", "positive", ("4", "5")),
        ("agreement", "listening", "negative", ("1", "2")),
        ("yes_no", "autonomy", "positive", ("yes",)),
        ("yes_no", "autonomy", "negative", ("no",)),
        ("rating", "recommendation", "positive", ("9", "10")),
        ("rating", "satisfaction", "positive", ("7", "8", "9", "10")),
        ("rating", "satisfaction", "negative", ("0", "1", "2", "3")),
        ("single_choice", "satisfaction", "positive", None),
    ],
)
def test_default_positive(qtype, indicator, polarity, expected):
    assert qn.default_positive(qtype, indicator, polarity) == expected


# --- comparability --------------------------------------------------------------------


def _changed(full, change):
    data = full()
    change(data)
    return qn.load_definition(data)


def _question(data, key):
    return next(x for s in data["sections"] for x in s["questions"] if x["key"] == key)


def test_identical_versions_have_no_warning(q):
    assert qn.comparability_warnings(q, copy.deepcopy(q)) == []


def test_questionnaires_pickle_and_hash(q):
    assert pickle.loads(pickle.dumps(q)) == q  # noqa: S301 (our own object)
    assert hash(q) == hash(copy.deepcopy(q))
    assert len({q, copy.deepcopy(q)}) == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["sections"][0]["questions"].pop(1),
            [("question nps", "indicator_question_removed")],
        ),
        (
            lambda d: _question(d, "agree").update(type="rating"),
            [("question agree", "type_changed")],
        ),
        (
            lambda d: _question(d, "short").update(type="text_long"),
            [("question short", "type_changed")],
        ),
        (lambda d: _question(d, "pick")["choices"].pop(), [("question pick", "choices_changed")]),
        (
            lambda d: _question(d, "many")["choices"].append(
                {"code": "z", "label": {"fr": "Z", "en": "Z"}}
            ),
            [("question many", "choices_changed")],
        ),
        (
            lambda d: _question(d, "pick")["choices"][0].update(score=0),
            [("question pick", "scale_changed")],
        ),
        (
            lambda d: _question(d, "pick").update(positive=["a", "b"]),
            [("question pick", "positive_changed")],
        ),
        (
            lambda d: _question(d, "agree").update(polarity="positive"),
            [("question agree", "polarity_changed")],
        ),
        (
            lambda d: _question(d, "agree").update(polarity="positive", positive=["1", "2"]),
            [("question agree", "polarity_changed")],
        ),
        (
            lambda d: _question(d, "yn").update(indicator="autonomy"),
            [("question yn", "indicator_changed")],
        ),
        (
            lambda d: _question(d, "agree")["label"].update(fr="Autre"),
            [("question agree", "wording_changed")],
        ),
        (
            lambda d: _question(d, "pick").update(prefer_not_to_answer=False),
            [("question pick", "pna_changed")],
        ),
        # Not a comparability problem: wording of a non-indicator question, a new question.
        (lambda d: _question(d, "many")["label"].update(fr="Autre"), []),
        (
            lambda d: d["sections"][1]["questions"].append(
                {"key": "new", "type": "note", "label": {"fr": "N", "en": "N"}}
            ),
            [],
        ),
    ],
)
def test_comparability_warnings(full, q, change, expected):
    new = _changed(full, change)
    assert [(w.location, w.code) for w in qn.comparability_warnings(q, new)] == expected


def test_comparability_warning_message(full, q):
    new = _changed(full, lambda d: _question(d, "pick").update(positive=["a", "b"]))
    assert qn.comparability_warnings(q, new) == [
        Issue(
            "question pick", "favourable codes changed from ['b'] to ['a', 'b']", "positive_changed"
        )
    ]
