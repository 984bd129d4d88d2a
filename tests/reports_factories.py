"""Synthetic study data for the report tests: a tidy answer table → real analysis.

The numbers are drawn from a seeded generator with a gain built in
(follow-up answers are better), a small site (so some cells are suppressed)
and a few assisted answers, then fed to :func:`analysis.analyse_study`, so the
report is tested on what the engine really returns.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import pandas as pd

from analysis import AnalysisOptions, QuestionSpec, StudyAnalysis, analyse_study
from analysis.inputs import ANSWER_COLUMNS, INVITATION_COLUMNS
from reports import ReportContext

QUESTIONS: dict[str, tuple[str, str, dict[str, str]]] = {
    # key: (kind, indicator, labels)
    "listen_heard": (
        "agreement",
        "listening",
        {"fr": "On m’écoute vraiment.", "en": "I am really listened to."},
    ),
    "listen_time": (
        "agreement",
        "listening",
        {"fr": "On prend le temps de parler avec moi.", "en": "People take time to talk with me."},
    ),
    "listen_respect": (
        "agreement",
        "listening",
        {"fr": "On me respecte.", "en": "I am treated with respect."},
    ),
    "conf_future": (
        "agreement",
        "confidence",
        {"fr": "J’ai confiance en l’avenir.", "en": "I feel confident about the future."},
    ),
    "conf_able": (
        "agreement",
        "confidence",
        {"fr": "Je me sens capable.", "en": "I feel able to cope."},
    ),
    "auto_papers": (
        "agreement",
        "autonomy",
        {"fr": "Je fais mes démarches seul·e.", "en": "I do my paperwork on my own."},
    ),
    "auto_choices": (
        "agreement",
        "autonomy",
        {"fr": "Je fais mes propres choix.", "en": "I make my own choices."},
    ),
    "sat_overall": (
        "agreement",
        "satisfaction",
        {"fr": "Je suis satisfait·e de l’aide.", "en": "I am satisfied with the help."},
    ),
    "recommend": (
        "rating",
        "recommendation",
        {"fr": "Recommanderiez-vous ce service ?", "en": "Would you recommend this service?"},
    ),
}
SITES = {"NORD": ("Nord", 0.45), "SUD": ("Sud", 0.5), "EST": ("Est", 0.05)}
WAVES = (("baseline", "baseline"), ("followup1", "follow_up"))


def question_specs() -> list[QuestionSpec]:
    return [
        QuestionSpec(key=key, kind=kind, indicator=indicator, label=labels)
        for key, (kind, indicator, labels) in QUESTIONS.items()
    ]


def sample_tables(
    people: int = 300, seed: int = 7
) -> tuple[pd.DataFrame, list[QuestionSpec], pd.DataFrame]:
    """Answers of ``people`` beneficiaries at baseline and (for 75 %) at follow-up."""
    rng = np.random.default_rng(seed)
    codes = list(SITES)
    weights = np.array([share for _name, share in SITES.values()])
    site_of = rng.choice(codes, size=people, p=weights / weights.sum())
    start = dt.date(2025, 1, 6)
    rows = []
    invitations = []
    for person in range(people):
        code = f"B-{person:05d}"
        first_day = start + dt.timedelta(days=int(rng.integers(0, 300)))
        level = rng.normal(0, 0.8)
        for wave, kind in WAVES:
            if kind == "follow_up" and rng.random() > 0.75:
                invitations.append(
                    _invitation(
                        len(invitations),
                        wave,
                        kind,
                        site_of[person],
                        first_day + dt.timedelta(days=60),
                        None,
                    )
                )
                continue
            day = first_day if kind == "baseline" else first_day + dt.timedelta(days=60)
            gain = 0.0 if kind == "baseline" else 0.6
            mode = (
                "self"
                if rng.random() < 0.8
                else ("assisted" if rng.random() < 0.9 else "read_aloud")
            )
            language = "fr" if rng.random() < 0.9 else "en"
            response_id = f"r{person:05d}{wave}"
            invitations.append(
                _invitation(
                    len(invitations), wave, kind, site_of[person], day, float(rng.integers(3, 15))
                )
            )
            for key, (kind_q, indicator, _labels) in QUESTIONS.items():
                if kind_q == "rating":
                    value = str(int(np.clip(round(7 + level + gain + rng.normal(0, 1.8)), 0, 10)))
                else:
                    value = str(int(np.clip(round(3.3 + level + gain + rng.normal(0, 0.9)), 1, 5)))
                draw = rng.random()
                if draw < 0.02:
                    value = "_pna"
                elif draw < 0.04:
                    value = None
                rows.append(
                    (
                        response_id,
                        code,
                        "demo",
                        wave,
                        kind,
                        site_of[person],
                        "impact@1",
                        key,
                        indicator,
                        value,
                        pd.Timestamp(day),
                        mode,
                        language,
                    )
                )
    answers = pd.DataFrame(rows, columns=list(ANSWER_COLUMNS))
    invitation_frame = pd.DataFrame(invitations, columns=list(INVITATION_COLUMNS))
    for column in ("created_at", "sent_at", "opened_at", "started_at", "completed_at"):
        invitation_frame[column] = pd.to_datetime(invitation_frame[column])
    return answers, question_specs(), invitation_frame


def _invitation(number, wave, kind, site, day, minutes):
    created = dt.datetime.combine(day, dt.time(9, 0)) - dt.timedelta(days=2)
    started = dt.datetime.combine(day, dt.time(10, 0))
    completed = started + dt.timedelta(minutes=minutes) if minutes is not None else None
    return (
        number,
        wave,
        kind,
        site,
        created,
        created,
        started if minutes else None,
        started if minutes else None,
        completed,
        minutes is None,
    )


@cache
def sample_analysis(people: int = 300, seed: int = 7, k: int = 5) -> StudyAnalysis:
    answers, specs, invitations = sample_tables(people, seed)
    return analyse_study(answers, specs, invitations=invitations, options=AnalysisOptions(k=k))


def sample_context(**changes) -> ReportContext:
    values = {
        "organisation": "Association Exemple",
        "study_title": "Étude d’impact 2025",
        "generated_at": dt.datetime(2026, 1, 15, 14, 5, tzinfo=dt.UTC),
        "software_version": "0.1.0",
        "date_from": dt.date(2025, 1, 1),
        "date_to": dt.date(2025, 12, 31),
        "data_cutoff": dt.datetime(2025, 12, 31, 18, 0, tzinfo=dt.UTC),
        "sites": ("NORD", "SUD", "EST"),
        "site_labels": {code: name for code, (name, _share) in SITES.items()},
        "wave_labels": {
            "baseline": {"fr": "Entrée", "en": "Baseline"},
            "followup1": {"fr": "Suivi à 2 mois", "en": "2-month follow-up"},
        },
        "question_labels": {key: labels for key, (_k, _i, labels) in QUESTIONS.items()},
        "questionnaire_versions": ("Votre avis sur l’aide reçue — impact@1",),
    }
    values.update(changes)
    return ReportContext(**values)


# --- database study for the web and CLI tests -----------------------------------------


def make_report_study(session, people: int = 30, seed: int = 3, slug: str = "impact"):
    """A small study with answers at baseline and follow-up, through the real models.

    Returns the ``SmallStudy`` of ``tests.core_factories`` (organisation, sites, study).
    """
    import random

    import questionnaires
    from survey_app.models import Answer, Beneficiary, Response
    from tests.core_factories import make_small_study

    built = make_small_study(session, slug=slug)
    rng = random.Random(seed)
    waves = list(built.study.waves)
    definitions = {
        wave.id: questionnaires.load_definition(wave.questionnaire_version.definition)
        for wave in waves
    }
    for person in range(people):
        site = built.sites[person % len(built.sites)]
        beneficiary = Beneficiary(
            organisation_id=built.organisation.id,
            site_id=site.id,
            code=f"P-{slug}-{person:04d}",
            support_started_on=dt.date(2025, 1, 6),
        )
        session.add(beneficiary)
        session.flush()
        level = rng.gauss(3.3, 0.7)
        for position, wave in enumerate(waves):
            if position > 0 and rng.random() < 0.2:
                continue
            day = dt.date(2025, 1 + (person % 6) + 3 * position, 10)
            completed = dt.datetime.combine(day, dt.time(10, 30))
            response = Response(
                organisation_id=built.organisation.id,
                study_id=built.study.id,
                wave_id=wave.id,
                questionnaire_version_id=wave.questionnaire_version_id,
                site_id=site.id,
                beneficiary_id=beneficiary.id,
                mode="assisted" if person % 5 == 0 else "self",
                language="fr",
                started_at=completed - dt.timedelta(minutes=6),
                completed_at=completed,
                completed_on=day,
                consented=True,
            )
            session.add(response)
            session.flush()
            for question in definitions[wave.id].questions:
                value = _value_for(rng, question, level + 0.5 * position)
                if value is None:
                    continue
                number = float(value) if value.isdigit() else None
                session.add(
                    Answer(
                        response_id=response.id,
                        question_key=question.key,
                        value=value,
                        number=number,
                    )
                )
    session.flush()
    return built


def _value_for(rng, question, level: float) -> str | None:
    if question.type == "agreement":
        return str(min(5, max(1, round(level + rng.gauss(0, 0.8)))))
    if question.type == "rating":
        return str(min(10, max(0, round(2 * level + rng.gauss(0, 1.5)))))
    if question.type == "yes_no":
        return "yes" if rng.random() < 0.6 else "no"
    if question.type == "single_choice" and question.choices:
        return rng.choice(question.choices).code
    if question.type == "text_long" or question.type == "text_short":
        return '=HYPERLINK("http://evil.example")' if rng.random() < 0.1 else "Merci beaucoup"
    return None
