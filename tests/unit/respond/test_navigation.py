"""Navigation through a questionnaire honours ``show_if`` conditions (no database)."""

from __future__ import annotations

import copy

import questionnaires
from survey_app.services import survey
from tests.respond_factories import SMALL_DEFINITION, SMALL_KEYS

DEFINITION = questionnaires.load_definition(copy.deepcopy(SMALL_DEFINITION))


def test_the_follow_up_question_is_shown_only_after_yes():
    assert [q.key for q in survey.visible_questions(DEFINITION, {})] == [
        "heard", "goal", "topics", "children", "comment",
    ]  # fmt: skip
    shown = survey.visible_questions(DEFINITION, {"goal": "yes"})
    assert tuple(q.key for q in shown) == SMALL_KEYS


def test_next_and_previous_skip_hidden_questions():
    no = {"heard": "4", "goal": "no"}
    assert survey.next_key(DEFINITION, no, "goal") == "topics"
    assert survey.previous_key(DEFINITION, no, "topics") == "goal"
    yes = {"heard": "4", "goal": "yes"}
    assert survey.next_key(DEFINITION, yes, "goal") == "progress"
    assert survey.previous_key(DEFINITION, yes, "topics") == "progress"
    assert survey.next_key(DEFINITION, yes, None) == "heard"
    assert survey.previous_key(DEFINITION, yes, "heard") is None
    assert survey.next_key(DEFINITION, {**yes, "comment": None}, "comment") is None


def test_resume_point_is_the_first_shown_question_not_saved():
    assert survey.first_unanswered(DEFINITION, {}) == "heard"
    assert survey.first_unanswered(DEFINITION, {"heard": "1", "goal": None}) == "topics"
    assert survey.first_unanswered(DEFINITION, {"heard": "1", "goal": "yes"}) == "progress"
    everything = dict.fromkeys(SMALL_KEYS, None) | {"heard": "1", "goal": "yes"}
    assert survey.first_unanswered(DEFINITION, everything) is None


def test_progress_counts_the_pages_currently_shown():
    assert survey.position(DEFINITION, {}, "topics") == (3, 5)
    assert survey.position(DEFINITION, {"goal": "yes"}, "topics") == (4, 6)


def test_builtin_questionnaire_condition():
    baseline = questionnaires.load_builtin("impact-baseline")
    keys = [q.key for q in survey.visible_questions(baseline, {"goal_set": "no"})]
    assert "goal_progress" not in keys
    assert "goal_progress" in [
        q.key for q in survey.visible_questions(baseline, {"goal_set": "yes"})
    ]
