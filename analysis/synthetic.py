"""Synthetic studies for benchmarks, tests and demonstrations.

:func:`synthetic_study` builds a tidy answer table (``docs/CONTRACTS.md``)
of ``n_beneficiaries`` people × 2 waves × 12 questions with a fixed seed,
vectorised (no Python loop per respondent). The data are invented: a latent
"well-being" per person, a modest gain at follow-up, 30 % attrition.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.inputs import ANSWER_COLUMNS, INVITATION_COLUMNS, PNA, QuestionSpec

__all__ = ["synthetic_questions", "synthetic_study"]


def synthetic_questions() -> list[QuestionSpec]:
    """The 12 questions of the synthetic study (4 indicators, mixed kinds)."""
    agree = {"fr": "d’accord", "en": "agree"}
    return [
        QuestionSpec(
            "listened_1",
            "agreement",
            "listened",
            frozenset({"4", "5"}),
            label={"fr": "Je me sens écouté·e", "en": "I feel listened to"},
        ),
        QuestionSpec("listened_2", "agreement", "listened", frozenset({"4", "5"}), label=agree),
        QuestionSpec("listened_3", "agreement", "listened", frozenset({"4", "5"}), label=agree),
        QuestionSpec("confidence_1", "agreement", "confidence", frozenset({"4", "5"})),
        QuestionSpec("confidence_2", "agreement", "confidence", frozenset({"4", "5"})),
        QuestionSpec("confidence_3", "agreement", "confidence", frozenset({"1", "2"}), polarity=-1),
        QuestionSpec("autonomy_1", "agreement", "autonomy", frozenset({"4", "5"})),
        QuestionSpec("autonomy_2", "yes_no", "autonomy", frozenset({"yes"})),
        QuestionSpec(
            "recommend",
            "rating",
            "recommendation",
            frozenset({"9", "10"}),
            label={
                "fr": "Recommanderiez-vous ce service ?",
                "en": "Would you recommend this service?",
            },
        ),
        QuestionSpec("visits", "integer", None),
        QuestionSpec(
            "services",
            "multiple_choice",
            None,
            choice_labels={c: {"fr": c, "en": c} for c in ("housing", "work", "health", "family")},
        ),
        QuestionSpec(
            "contact",
            "single_choice",
            None,
            frozenset({"visit"}),
            scores={"none": 0.0, "phone": 1.0, "visit": 2.0},
            choice_labels={c: {"fr": c, "en": c} for c in ("none", "phone", "visit")},
        ),
    ]


def _likert(latent: np.ndarray, rng: np.random.Generator, top: int, bottom: int = 1) -> np.ndarray:
    noisy = latent + rng.normal(0, 1.0, latent.size)
    span = top - bottom
    scaled = np.clip(np.round((noisy + 2.5) / 5 * span) + bottom, bottom, top)
    return scaled.astype(int)


def synthetic_study(
    n_beneficiaries: int = 1000,
    *,
    seed: int = 12345,
    n_sites: int = 8,
    retention: float = 0.7,
    gain: float = 0.3,
    study: str = "demo",
) -> tuple[pd.DataFrame, list[QuestionSpec], pd.DataFrame]:
    """Build ``(answers, questions, invitations)`` for a two-wave study.

    Every beneficiary answers the baseline; a share ``retention`` answers the
    follow-up, where the latent score moves up by ``gain`` SD. About 2 % of
    answers are "prefer not to answer" and 3 % are left blank.
    """
    rng = np.random.default_rng(seed)
    specs = synthetic_questions()
    n = int(n_beneficiaries)
    person = np.arange(n)
    latent = rng.normal(0, 1, n)
    site = rng.integers(0, n_sites, n)
    follow = rng.random(n) < retention
    base_day = rng.integers(0, 365, n)
    frames = []
    for wave, kind, people, shift in (
        ("baseline", "baseline", person, 0.0),
        ("followup1", "follow_up", person[follow], gain),
    ):
        m = people.size
        day = base_day[people] + (0 if kind == "baseline" else rng.integers(90, 200, m))
        dates = np.datetime64("2025-01-01") + day.astype("timedelta64[D]")
        mode = rng.choice(
            np.array(["self", "assisted", "read_aloud"], dtype=object), m, p=[0.7, 0.25, 0.05]
        )
        lang = rng.choice(np.array(["fr", "en"], dtype=object), m, p=[0.8, 0.2])
        lat = latent[people] + shift
        values: list[np.ndarray] = []
        for spec in specs:
            if spec.kind == "agreement":
                v = _likert(lat if spec.polarity == 1 else -lat, rng, 5).astype(str).astype(object)
            elif spec.kind == "rating":
                v = _likert(lat + 0.8, rng, 10, 0).astype(str).astype(object)
            elif spec.kind == "yes_no":
                v = np.where(lat + rng.normal(0, 1, m) > 0, "yes", "no").astype(object)
            elif spec.kind == "integer":
                v = rng.poisson(3, m).astype(str).astype(object)
            elif spec.kind == "multiple_choice":
                v = rng.choice(
                    np.array(["housing", "work", "health work", "family housing"], dtype=object), m
                )
            else:
                v = rng.choice(np.array(["none", "phone", "visit"], dtype=object), m)
            u = rng.random(m)
            v = np.where(u < 0.02, PNA, v).astype(object)
            v[(u >= 0.02) & (u < 0.05)] = None
            values.append(v)
        q = len(specs)
        ids = np.char.add(f"{wave}-", people.astype(str)).astype(object)
        frames.append(
            pd.DataFrame(
                {
                    "response_id": np.repeat(ids, q),
                    "beneficiary_code": np.repeat(
                        np.char.add("B", people.astype(str)).astype(object), q
                    ),
                    "study": study,
                    "wave": wave,
                    "wave_kind": kind,
                    "site": np.repeat(np.char.add("S", site[people].astype(str)).astype(object), q),
                    "questionnaire_version": "impact@1",
                    "question_key": np.tile(np.array([s.key for s in specs], dtype=object), m),
                    "indicator": np.tile(np.array([s.indicator for s in specs], dtype=object), m),
                    "value": np.column_stack(values).ravel(),
                    "completed_date": np.repeat(dates, q),
                    "mode": np.repeat(mode, q),
                    "language": np.repeat(lang, q),
                }
            )
        )
    answers = pd.concat(frames, ignore_index=True).loc[:, list(ANSWER_COLUMNS)]
    n_inv = n + int(follow.sum())
    inv_wave = np.concatenate([np.repeat("baseline", n), np.repeat("followup1", int(follow.sum()))])
    created = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, n_inv), unit="D")
    started = created + pd.to_timedelta(rng.integers(1, 72, n_inv), unit="h")
    done = rng.random(n_inv) < 0.8
    completed = (started + pd.to_timedelta(rng.integers(3, 30, n_inv), unit="m")).where(done)
    invitations = pd.DataFrame(
        {
            "invitation_id": np.arange(n_inv).astype(str),
            "wave": inv_wave,
            "wave_kind": np.where(inv_wave == "baseline", "baseline", "follow_up"),
            "site": np.char.add("S", rng.integers(0, n_sites, n_inv).astype(str)),
            "created_at": created,
            "sent_at": created,
            "opened_at": started,
            "started_at": started,
            "completed_at": completed,
            "expired": ~done,
        }
    ).loc[:, list(INVITATION_COLUMNS)]
    return answers, specs, invitations
