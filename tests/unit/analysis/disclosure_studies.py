"""Constructed studies for the disclosure audit: adversarial cases and a generator.

Each builder returns ``(answers, questions, invitations)`` in the tidy form of
``docs/CONTRACTS.md``. Shared by ``test_disclosure_audit.py`` and
``bench/disclosure_audit.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import AnalysisOptions, QuestionSpec, analyse_study
from analysis.disclosure_audit import audit_publication

AGREE = tuple(str(i) for i in range(1, 6))
QUESTIONS = [
    QuestionSpec("heard", "agreement", "listening", frozenset({"4", "5"})),
    QuestionSpec("conf_a", "agreement", "confidence", frozenset({"4", "5"})),
    QuestionSpec("conf_b", "agreement", "confidence", frozenset({"4", "5"})),
    QuestionSpec("email", "yes_no", "autonomy", frozenset({"yes"})),
    QuestionSpec("recommend", "rating", "recommendation", frozenset({"9", "10"})),
]


def build_study(people: list[dict], *, invitations: pd.DataFrame | None = None):
    """``people``: dicts with ``site``, ``mode`` and per wave a dict of answers.

    ``{"site": "A", "mode": "self", "waves": {"baseline": {"heard": "5"}, ...}}``;
    a missing key means the question was not shown; ``None`` means left blank.
    """
    kinds = {"baseline": "baseline", "followup1": "follow_up", "exit": "exit"}
    offsets = {"baseline": 0, "followup1": 120, "exit": 250}
    rows = []
    for i, person in enumerate(people):
        for wave, answers in person["waves"].items():
            day = pd.Timestamp("2025-01-06") + pd.Timedelta(days=offsets[wave] + (i * 7) % 90)
            for key, value in answers.items():
                spec = next(q for q in QUESTIONS if q.key == key)
                rows.append(
                    {
                        "response_id": f"r{i}-{wave}",
                        "beneficiary_code": f"B{i:04d}",
                        "study": "audit",
                        "wave": wave,
                        "wave_kind": kinds[wave],
                        "site": person.get("site", "A"),
                        "questionnaire_version": "q@1",
                        "question_key": key,
                        "indicator": spec.indicator,
                        "value": value,
                        "completed_date": day,
                        "mode": person.get("mode", "self"),
                        "language": person.get("language", "fr"),
                    }
                )
    return pd.DataFrame(rows), QUESTIONS, invitations


def _person(rng, site, positive_share, waves=("baseline",), mode="self", items=None):
    items = items or ("heard", "conf_a", "conf_b", "email", "recommend")
    out = {}
    for wave in waves:
        good = rng.random() < positive_share
        answers = {}
        for key in items:
            if key == "email":
                answers[key] = "yes" if good else "no"
            elif key == "recommend":
                answers[key] = str(rng.integers(9, 11) if good else rng.integers(0, 9))
            else:
                answers[key] = str(rng.integers(4, 6) if good else rng.integers(1, 4))
        out[wave] = answers
    return {"site": site, "mode": mode, "waves": out}


def adversarial_studies() -> dict[str, tuple]:
    """The cases of issue 11: 0 %/100 % groups, tiny sites, tiny pairs, small McNemar."""
    rng = np.random.default_rng(11)
    cases = {}
    # sites of 1–4 people, a 100 % site of 8 and a 0 % site of 9 beside a large mixed site
    people = [_person(rng, "big", 0.5) for _ in range(60)]
    people += [_person(rng, "all_yes", 1.0) for _ in range(8)]
    people += [_person(rng, "all_no", 0.0) for _ in range(9)]
    for size, site in ((1, "s1"), (2, "s2"), (3, "s3"), (4, "s4")):
        people += [_person(rng, site, 0.5) for _ in range(size)]
    cases["hidden 0 % and 100 % sites, sites of 1-4 people"] = build_study(people)
    # the headline case: many people, fewer than k non-positive at the follow-up
    people = [_person(rng, "A", 0.6, waves=("baseline",)) for _ in range(40)]
    people += [_person(rng, "A", 0.6, waves=("baseline", "followup1")) for _ in range(130)]
    for p in people[40:]:
        p["waves"]["followup1"] = {
            k: ("5" if k not in ("email", "recommend") else ("yes" if k == "email" else "10"))
            for k in p["waves"]["followup1"]
        }
    for p in people[40:43]:
        p["waves"]["followup1"]["heard"] = "2"
    cases["fewer than k non-positive among 130 at follow-up"] = build_study(people)
    # tiny pairs: 6 people answer twice, everyone improves but one
    people = [_person(rng, "A", 0.0, waves=("baseline", "followup1")) for _ in range(6)]
    for p in people[1:]:
        p["waves"]["followup1"] = {
            k: "5" if k != "email" else "yes" for k in p["waves"]["baseline"]
        }
        p["waves"]["followup1"]["recommend"] = "10"
    people += [_person(rng, "A", 0.5) for _ in range(30)]
    cases["tiny pairs"] = build_study(people)
    # small McNemar margins: 40 pairs, two moves no → yes, nobody yes → no
    people = []
    for i in range(40):
        before = "yes" if i < 20 else "no"
        after = "yes" if i < 22 else "no"
        people.append(
            {
                "site": "A",
                "waves": {"baseline": {"email": before}, "followup1": {"email": after}},
            }
        )
    cases["small McNemar margins"] = build_study(people)
    # single-item indicators only, with prefer-not and blanks in small numbers
    people = [_person(rng, "A", 0.7, items=("heard",)) for _ in range(50)]
    people[0]["waves"]["baseline"]["heard"] = "_pna"
    people[1]["waves"]["baseline"]["heard"] = None
    people += [_person(rng, "B", 1.0, items=("heard",)) for _ in range(12)]
    cases["single-item indicator with small pna/missing"] = build_study(people)
    return cases


def random_study(seed: int, n_people: int, n_sites: int, share: float, follow: float):
    """A random small study (the property-based generator draws its parameters)."""
    rng = np.random.default_rng(seed)
    people = []
    for _ in range(n_people):
        site = f"s{rng.integers(0, n_sites)}"
        waves = ("baseline", "followup1") if rng.random() < follow else ("baseline",)
        mode = "assisted" if rng.random() < 0.2 else "self"
        people.append(_person(rng, site, share if rng.random() < 0.9 else 1 - share, waves, mode))
    return build_study(people)


def audit(study: tuple, k: int = 5):
    """Analyse a study with ``k`` and audit everything it publishes: (leaks, audited)."""
    answers, questions, invitations = study
    result = analyse_study(
        answers, questions, invitations=invitations, options=AnalysisOptions(k=k)
    )
    kinds = dict(zip(answers["wave"], answers["wave_kind"], strict=True))
    codes = {q.key: q.effective_positive_codes() for q in questions}
    return audit_publication(result.to_dict(), positive_codes=codes, wave_kinds=kinds)
