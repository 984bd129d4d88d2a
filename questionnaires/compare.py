"""What changes between two versions break the comparison of their answers."""

from __future__ import annotations

from .model import Issue, Question, Questionnaire


def _codes(q: Question) -> tuple[str, ...]:
    return tuple(c.code for c in q.choices)


def comparability_warnings(old: Questionnaire, new: Questionnaire) -> list[Issue]:
    """Warnings about changes that make answers to ``old`` and ``new`` not
    directly comparable (trends, paired gains across versions).

    Reported for every question kept with the same key: a changed type or
    changed choice codes; and for indicator questions of ``old`` also: removal,
    a changed indicator, scores (scale), polarity, favourable ("positive")
    codes or wording. Added questions and wording changes of other questions
    are not reported.
    """
    warnings: list[Issue] = []
    new_by_key = {q.key: q for q in new.questions}

    def warn(key: str, message: str, code: str) -> None:
        warnings.append(Issue(f"question {key}", message, code))

    for before in old.questions:
        after = new_by_key.get(before.key)
        if after is None:
            if before.indicator is not None:
                warn(
                    before.key,
                    f"indicator question removed (it fed '{before.indicator}')",
                    "indicator_question_removed",
                )
            continue
        if before.type != after.type:
            warn(before.key, f"type changed from {before.type} to {after.type}", "type_changed")
            continue
        if _codes(before) != _codes(after):
            warn(
                before.key,
                f"choices changed from {list(_codes(before))} to {list(_codes(after))}",
                "choices_changed",
            )
        if before.prefer_not_to_answer != after.prefer_not_to_answer:
            warn(
                before.key,
                "'prefer not to answer' was "
                f"{'removed' if before.prefer_not_to_answer else 'added'}",
                "pna_changed",
            )
        if before.indicator is None:
            continue
        if before.indicator != after.indicator:
            warn(
                before.key,
                f"indicator changed from {before.indicator!r} to {after.indicator!r}",
                "indicator_changed",
            )
            continue
        old_scores = {c.code: c.score for c in before.choices}
        new_scores = {c.code: c.score for c in after.choices}
        if old_scores != new_scores and _codes(before) == _codes(after):
            warn(before.key, "choice scores (the scale) changed", "scale_changed")
        if before.polarity != after.polarity:
            warn(
                before.key,
                f"polarity changed from {before.polarity} to {after.polarity}",
                "polarity_changed",
            )
        if before.positive != after.positive:
            warn(
                before.key,
                f"favourable codes changed from {list(before.positive or ())} to "
                f"{list(after.positive or ())}",
                "positive_changed",
            )
        changed = sorted(
            lang
            for lang in set(before.label) | set(after.label)
            if before.label.get(lang) != after.label.get(lang)
        )
        if changed:
            warn(
                before.key,
                f"wording changed ({', '.join(changed)}); answers may not mean the same",
                "wording_changed",
            )
    return warnings
