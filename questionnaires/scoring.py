"""Numeric scores and favourable codes, as the analysis package needs them.

:func:`question_scorings` gives, for every closed question, the fields of
``analysis.inputs.QuestionSpec`` (see docs/CONTRACTS.md) as plain values, so
the web app can build ``QuestionSpec(**dataclasses.asdict(s))`` without this
package importing ``analysis``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .model import CLOSED_TYPES, PNA_CODE, PNA_LABEL, FrozenMap, Question, Questionnaire

_INTEGER_RE_CHARS = set("0123456789")
#: A stored decimal answer: optional sign, digits, "." and decimals (never "1e3", "nan").
DECIMAL_CODE_RE = re.compile(r"[+-]?\d{1,12}(?:\.\d{1,6})?")
#: A stored date answer: ISO 8601 calendar date.
DATE_CODE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def score(question: Question, code: str | None) -> float | None:
    """The numeric score of a stored code, or None when it has none.

    agreement 1–5, rating 0–10, yes/no 1/0, single choice: the choice's
    ``score``, integer and decimal: the number. Missing answers, ``_pna``, free text,
    multiple choice and unknown codes have no score.
    """
    if code is None or code == PNA_CODE:
        return None
    if question.type == "integer":
        digits = code[1:] if code[:1] in "+-" else code
        if digits and set(digits) <= _INTEGER_RE_CHARS:
            return float(int(code))
        return None
    if question.type == "decimal":
        return float(code) if DECIMAL_CODE_RE.fullmatch(code) else None
    if question.type not in ("agreement", "rating", "yes_no", "single_choice"):
        return None
    for choice in question.choices:
        if choice.code == code:
            return choice.score
    return None


@dataclass(frozen=True)
class QuestionScoring:
    """What the analysis needs to know about one closed question."""

    key: str
    kind: str
    indicator: str | None
    positive_codes: frozenset[str]
    scores: Mapping[str, float]
    polarity: int
    label: Mapping[str, str]
    choice_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def question_scoring(question: Question) -> QuestionScoring:
    scores = {c.code: c.score for c in question.choices if c.score is not None}
    if question.type == "multiple_choice":
        scores = {}
    choice_labels: dict[str, Mapping[str, str]] = {c.code: c.label for c in question.choices}
    if question.prefer_not_to_answer:
        choice_labels[PNA_CODE] = PNA_LABEL
    return QuestionScoring(
        key=question.key,
        kind=question.type,
        indicator=question.indicator,
        positive_codes=frozenset(question.positive or ()),
        scores=FrozenMap(scores),
        polarity=-1 if question.polarity == "negative" else 1,
        label=question.label,
        choice_labels=FrozenMap(choice_labels),
    )


def question_scorings(q: Questionnaire) -> tuple[QuestionScoring, ...]:
    """One :class:`QuestionScoring` per closed question, in display order."""
    return tuple(question_scoring(x) for x in q.questions if x.type in CLOSED_TYPES)
