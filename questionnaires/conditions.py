"""Evaluate ``show_if`` conditions against the answers given so far."""

from __future__ import annotations

from collections.abc import Mapping

from .model import Clause, Question


def _selected(value: str | None) -> set[str]:
    """Codes held by a stored value (multiple choice codes are space-separated)."""
    if value is None:
        return set()
    return set(value.split())


def clause_holds(clause: Clause, answers: Mapping[str, str | None]) -> bool:
    """True when the clause is satisfied; a missing answer matches no code."""
    hit = bool(_selected(answers.get(clause.question)) & set(clause.codes))
    return not hit if clause.negate else hit


def is_shown(question: Question, answers: Mapping[str, str | None]) -> bool:
    """Whether ``question`` is shown, given stored codes keyed by question key.

    ``answers`` holds the stored value of each earlier question (absent or
    ``None`` when hidden or left blank). ``in`` is true when the answer — or,
    for multiple choice, one of the selected codes — is listed; ``not_in`` is
    its negation and therefore true when there is no answer.
    """
    condition = question.show_if
    if condition is None:
        return True
    results = (clause_holds(c, answers) for c in condition.clauses)
    return all(results) if condition.combine == "all" else any(results)
