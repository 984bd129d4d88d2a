"""A realistic, deterministic demo organisation for trying Écoute.

The data are generated from a fixed seed and a fixed reference date, so two
installations show the same figures. The demo models what a real continuous
study does: when it starts, the people already supported (the caseload) are
enrolled within the first month, whatever their time with the service; after
that, each new person answers the baseline at entry into support (within two
weeks). So most baselines are at entry, and the report can say how many were
not. Follow-ups are due ``delay_days`` after the baseline invitation, as
``invitations send-due`` does. The truth built in (what the analysis should
find) is stated in :data:`DEMO_TRUTH`: most people feel listened to,
confidence and autonomy improve for many but not all, progress toward one's
goal slips a little, some answers are missing, some responses were assisted.

Staff passwords and the sample survey link are derived from the instance's
``SECRET_KEY`` (HMAC), so they are stable across runs of ``seed-demo`` on one
installation — and printed each time — but not guessable from this code.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import questionnaires
from survey_app.models import (
    Answer,
    Beneficiary,
    Invitation,
    Organisation,
    QuestionnaireVersion,
    Response,
    Role,
    Site,
    Study,
    utcnow,
)
from survey_app.services import accounts, questionnaire_store, studies, tokens

DEMO_SLUG = "demo"
DEMO_SEED = 20261123
REFERENCE_DAY = date(2026, 10, 31)  # the demo's "today": twelve months of data end here
N_BENEFICIARIES = 300
FOLLOW_UP_DELAY = 90
EXIT_DELAY = 180
SITES = (("nord", "Antenne Nord"), ("centre", "Antenne Centre"), ("sud", "Antenne Sud"))
STAFF = (
    (Role.ADMIN, "admin@demo.ecoute.example"),
    (Role.QUALITY_MANAGER, "qualite@demo.ecoute.example"),
    (Role.DIRECTOR, "direction@demo.ecoute.example"),
    (Role.SOCIAL_WORKER, "travailleur@demo.ecoute.example"),
)

# What the generated data contain, for checking the analysis against it.
DEMO_TRUTH = {
    "listening_positive_share": "about 0.8 at baseline and follow-up (no built-in change)",
    "confidence_gain": "latent level rises by 0.6 points (1–5 scale) baseline → follow-up",
    "autonomy_gain": "latent level rises by 0.5 points (1–5 scale)",
    "listening_gain": 0.0,
    "goal_progress_change": "latent level falls by 0.3 points (1–5) baseline → follow-up",
    "caseload_share": "about 0.25 enrolled at launch, already supported 1–24 months",
    "baseline_at_entry": "new entrants answer the baseline 0–14 days after support starts",
    "assisted_share": 0.2,
    "english_share": 0.1,
    "follow_up_response_rate": 0.72,
    "missing_answer_rate": 0.04,
}


@dataclass(frozen=True)
class DemoResult:
    created: bool
    logins: list[tuple[str, str, str]]
    survey_token: str


def derived_secret(secret_key: str, purpose: str, length: int = 20) -> str:
    digest = hmac.new(secret_key.encode(), purpose.encode(), hashlib.sha256).hexdigest()
    return digest[:length]


def seed_demo(session: Session, secret_key: str) -> DemoResult:
    """Create the demo organisation once; return logins and a working survey link."""
    organisation = session.scalar(select(Organisation).where(Organisation.slug == DEMO_SLUG))
    created = organisation is None
    if organisation is None:
        organisation = accounts.create_organisation(
            session, DEMO_SLUG, "Association Démo – Accompagnement social"
        )
        organisation.privacy_controller_name = "Association Démo"
        organisation.privacy_contact = "dpo@demo.ecoute.example"
        for code, name in SITES:
            session.add(Site(organisation_id=organisation.id, code=code, name=name))
        session.flush()
    logins = _ensure_staff(session, organisation, secret_key)
    study = session.scalar(
        select(Study).where(Study.organisation_id == organisation.id, Study.slug == DEMO_SLUG)
    )
    if study is None:
        study = _create_study(session, organisation)
        _generate_answers(session, organisation, study)
    from survey_app.services.demo_open_answers import ensure_open_answers  # issue 17

    ensure_open_answers(session, study)
    token = _ensure_sample_link(session, organisation, study, secret_key)
    return DemoResult(created=created, logins=logins, survey_token=token)


def _ensure_staff(
    session: Session, organisation: Organisation, secret_key: str
) -> list[tuple[str, str, str]]:
    logins = []
    for role, email in STAFF:
        password = "demo-" + derived_secret(secret_key, f"demo-password:{role.value}", 16)
        if accounts.find_user_by_email(session, email) is None:
            accounts.create_or_update_user(
                session, email, organisation=organisation, role=role, password=password
            )
        logins.append((role.value, email, password))
    return logins


def _create_study(session: Session, organisation: Organisation) -> Study:
    versions = {
        key: questionnaire_store.install_builtin(session, organisation, key)
        for key in ("impact-baseline", "impact-followup", "impact-exit")
    }
    sites = list(session.scalars(select(Site).where(Site.organisation_id == organisation.id)).all())
    return studies.create_study(
        session,
        organisation,
        slug=DEMO_SLUG,
        title="Suivi continu 2025–2026 : écoute, confiance, autonomie",
        sites=sites,
        waves=[
            studies.WavePlan("baseline", "baseline", 0, versions["impact-baseline"]),
            studies.WavePlan(
                "followup1", "follow_up", FOLLOW_UP_DELAY, versions["impact-followup"]
            ),
            studies.WavePlan("exit", "exit", EXIT_DELAY, versions["impact-exit"]),
        ],
    )


class _Person:
    """Latent traits of one generated beneficiary."""

    def __init__(self, rng: random.Random) -> None:
        self.listening = rng.gauss(4.5, 0.5)
        self.confidence = rng.gauss(3.2, 0.7)
        self.autonomy = rng.gauss(3.1, 0.75)
        # Not everyone improves: about a quarter stay the same or get worse.
        self.confidence_gain = rng.gauss(0.6, 0.55)
        self.autonomy_gain = rng.gauss(0.5, 0.55)
        self.assisted = rng.random() < 0.2
        self.language = "en" if rng.random() < 0.1 else "fr"


def _agreement(rng: random.Random, level: float) -> str:
    value = round(level + rng.gauss(0, 0.6))
    return str(min(5, max(1, value)))


_CASELOAD_SHARE = 0.25
_GOAL_PROGRESS = (3.6, -0.3)  # latent level at baseline, change at later waves


def _time_with_service_code(days: int) -> str:
    """The ``ctx_since`` answer matching the real time with the service."""
    if days < 91:
        return "lt_3m"
    return "m3_12" if days < 365 else "gt_1y"


def _answer_for(
    rng: random.Random,
    question: questionnaires.Question,
    person: _Person,
    wave_kind: str,
    days_supported: int,
) -> str | None:
    if question.type == "note":
        return None
    if question.key == "ctx_since":
        return _time_with_service_code(days_supported)
    follow_up = wave_kind != "baseline"
    level = {
        "listening": person.listening,
        "confidence": person.confidence + (person.confidence_gain if follow_up else 0),
        "autonomy": person.autonomy + (person.autonomy_gain if follow_up else 0),
        "satisfaction": person.listening - 0.2,
        "recommendation": person.listening,
    }.get(question.indicator or "", 3.5)
    if question.key == "goal_progress":
        level = _GOAL_PROGRESS[0] + (_GOAL_PROGRESS[1] if follow_up else 0)
    if question.type == "agreement":
        return _agreement(rng, level)
    if question.type == "rating":
        return str(min(10, max(0, round(level * 2 - 0.3 + rng.gauss(0, 1.3)))))
    if question.type == "yes_no":
        return "yes" if rng.random() < 0.3 + 0.12 * level else "no"
    if question.type == "single_choice":
        return rng.choice(question.choices).code
    if question.type == "multiple_choice":
        picked = [c.code for c in question.choices if rng.random() < 0.3]
        return " ".join(picked or [question.choices[0].code])
    if question.type == "integer":
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else 10
        return str(rng.randint(low, min(high, low + 10)))
    if question.type in ("text_short", "text_long"):
        return None  # free text stays empty in the demo: nothing invented about people
    return None


def _response_time(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(9, 0)) + timedelta(minutes=rng.randint(0, 9 * 60))


def _generate_answers(session: Session, organisation: Organisation, study: Study) -> None:
    rng = random.Random(DEMO_SEED)  # noqa: S311  (reproducible demo data, not secrets)
    sites = list(
        session.scalars(
            select(Site).where(Site.organisation_id == organisation.id).order_by(Site.code)
        ).all()
    )
    waves = {wave.key: wave for wave in study.waves}
    definitions = {
        wave.key: questionnaire_store.definition_of(
            session.get(QuestionnaireVersion, wave.questionnaire_version_id)
        )
        for wave in study.waves
    }
    first_day = REFERENCE_DAY - timedelta(days=365)
    for index in range(N_BENEFICIARIES):
        person = _Person(rng)
        site = sites[index % len(sites)] if rng.random() < 0.85 else rng.choice(sites)
        if rng.random() < _CASELOAD_SHARE:  # already supported when the study started
            enrolled = first_day + timedelta(days=rng.randint(0, 30))
            started = first_day - timedelta(days=rng.randint(30, 730))
        else:  # a new person: baseline at entry into support
            started = first_day + timedelta(days=rng.randint(0, 336))
            enrolled = started + timedelta(days=rng.choice([0, 0, 1, 2, 3, 7, 14]))
        beneficiary = Beneficiary(
            organisation_id=organisation.id,
            code=f"D{index + 1:04d}",
            site_id=site.id,
            support_started_on=started,
        )
        session.add(beneficiary)
        session.flush()
        plan = [("baseline", 0, 0.93)]
        if enrolled + timedelta(days=FOLLOW_UP_DELAY + 20) <= REFERENCE_DAY:
            plan.append(("followup1", FOLLOW_UP_DELAY, 0.72))
        if enrolled + timedelta(days=EXIT_DELAY + 20) <= REFERENCE_DAY and rng.random() < 0.35:
            plan.append(("exit", EXIT_DELAY, 0.6))
        answered_baseline = False
        for wave_key, delay, rate in plan:
            wave = waves[wave_key]
            invited_on = enrolled + timedelta(days=delay)
            invited_at = _response_time(rng, invited_on)
            answers = wave_key == "baseline" or answered_baseline
            responded = rng.random() < rate and answers
            invitation = Invitation(
                beneficiary_id=beneficiary.id,
                wave_id=wave.id,
                token_hash=tokens.hash_secret(tokens.new_link_token()),
                channel="assisted" if person.assisted else "link",
                created_at=invited_at,
                sent_at=invited_at,
                expires_at=invited_at + timedelta(days=study.invitation_validity_days),
            )
            session.add(invitation)
            if not responded:
                invitation.expired_at = invitation.expires_at
                session.flush()
                continue
            answered_baseline = answered_baseline or wave_key == "baseline"
            completed = invited_at + timedelta(days=rng.choice([0, 0, 0, 1, 2, 5, 9]))
            completed += timedelta(minutes=rng.randint(3, 12))
            invitation.opened_at = invitation.started_at = completed - timedelta(minutes=6)
            invitation.completed_at = completed
            session.flush()
            response = Response(
                organisation_id=organisation.id,
                study_id=study.id,
                wave_id=wave.id,
                questionnaire_version_id=wave.questionnaire_version_id,
                site_id=site.id,
                invitation_id=invitation.id,
                beneficiary_id=beneficiary.id,
                mode="assisted" if person.assisted else "self",
                language=person.language,
                started_at=completed - timedelta(minutes=6),
                completed_at=completed,
                completed_on=completed.date(),
                consented=True,
            )
            session.add(response)
            session.flush()
            given: dict[str, str | None] = {}
            for question in definitions[wave_key].questions:
                if not question.stores_answer or not questionnaires.is_shown(question, given):
                    continue
                days_supported = (completed.date() - started).days
                value = _answer_for(rng, question, person, wave.kind, days_supported)
                if value is not None and question.prefer_not_to_answer and rng.random() < 0.02:
                    value = "_pna"
                elif value is not None and not question.required and rng.random() < 0.04:
                    value = None
                given[question.key] = value
                number = questionnaires.score(question, value) if value else None
                session.add(
                    Answer(
                        response_id=response.id,
                        question_key=question.key,
                        value=value,
                        number=number,
                    )
                )
        session.flush()


def _ensure_sample_link(
    session: Session, organisation: Organisation, study: Study, secret_key: str
) -> str:
    """A pending baseline invitation whose token is derived from the secret key.

    If an earlier sample link was used up, the next one is issued for a new
    demo beneficiary, so the printed link always works.
    """
    baseline = next(wave for wave in study.waves if wave.kind == "baseline")
    site = session.scalar(
        select(Site).where(Site.organisation_id == organisation.id).order_by(Site.code)
    )
    assert site is not None  # noqa: S101  (the demo organisation always has sites)
    for number in range(1, 1000):
        token = derived_secret(secret_key, f"demo-survey-link:{number}", 43)
        invitation = session.scalar(
            select(Invitation).where(Invitation.token_hash == tokens.hash_secret(token))
        )
        if invitation is None:
            code = f"DEMO-LINK-{number}"
            beneficiary = session.scalar(
                select(Beneficiary).where(
                    Beneficiary.organisation_id == organisation.id, Beneficiary.code == code
                )
            ) or Beneficiary(
                organisation_id=organisation.id,
                code=code,
                site_id=site.id,
                support_started_on=utcnow().date(),
            )
            session.add(beneficiary)
            session.flush()
            now = utcnow()
            session.add(
                Invitation(
                    beneficiary_id=beneficiary.id,
                    wave_id=baseline.id,
                    token_hash=tokens.hash_secret(token),
                    channel="link",
                    created_at=now,
                    sent_at=now,
                    expires_at=now + timedelta(days=3650),
                )
            )
            session.flush()
            return token
        if invitation.completed_at is None and invitation.expires_at > utcnow():
            return token
    raise RuntimeError("no demo survey link could be issued")


def count_demo_responses(session: Session) -> int:
    return (
        session.scalar(
            select(func.count(Response.id))
            .join(Organisation, Organisation.id == Response.organisation_id)
            .where(Organisation.slug == DEMO_SLUG)
        )
        or 0
    )
