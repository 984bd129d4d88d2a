"""Test data for the security tests: one complete organisation ("world") per tenant,
and signing a user in without a password round-trip.

Objects are built with the models directly so these tests depend on no other
area's services.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

import questionnaires
from survey_app.models import (
    Answer,
    Beneficiary,
    BeneficiaryContact,
    Invitation,
    Membership,
    MembershipSite,
    OpenLink,
    Organisation,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Role,
    Site,
    Study,
    StudySite,
    User,
    UserSession,
    Wave,
    utcnow,
)
from survey_app.security.sessions import ORG_KEY, SESSION_KEY, hash_token
from survey_app.services.tokens import hash_secret, hash_short_code, new_short_code
from tests.factories import make_organisation, make_site, make_user

_counter = itertools.count(1)


@dataclass
class World:
    """One organisation with a member of every role and one object of every kind."""

    organisation: Organisation
    site: Site
    other_site: Site
    users: dict[Role, User]
    memberships: dict[Role, Membership]
    victim: Membership  # a member the admin pages act on
    questionnaire: Questionnaire
    published: QuestionnaireVersion
    draft: QuestionnaireVersion
    study: Study
    wave: Wave
    follow_up: Wave
    beneficiary: Beneficiary
    invitation: Invitation
    pending_invitation: Invitation
    response: Response
    open_link: OpenLink
    secrets: dict[str, str] = field(default_factory=dict)


def _definition(key: str) -> dict[str, Any]:
    definition = questionnaires.dump_definition(questionnaires.load_builtin("impact-baseline"))
    definition["key"] = key
    return definition


def make_version(
    session: Session, questionnaire: Questionnaire, number: int, status: str
) -> QuestionnaireVersion:
    definition = _definition(questionnaire.key)
    version = QuestionnaireVersion(
        questionnaire_id=questionnaire.id,
        number=number,
        status=status,
        definition=definition,
        fingerprint=questionnaires.fingerprint(questionnaires.load_definition(definition)),
        published_at=utcnow() if status == "published" else None,
    )
    session.add(version)
    session.flush()
    return version


def make_invitation(
    session: Session,
    beneficiary: Beneficiary,
    wave: Wave,
    *,
    completed: bool = False,
    expires_in: timedelta = timedelta(days=30),
) -> tuple[Invitation, str, str]:
    token = secrets.token_urlsafe(32)
    short = new_short_code()
    now = utcnow()
    invitation = Invitation(
        beneficiary_id=beneficiary.id,
        wave_id=wave.id,
        token_hash=hash_secret(token),
        short_code_hash=hash_short_code(short),
        expires_at=now + expires_in,
        sent_at=now,
        completed_at=now if completed else None,
    )
    session.add(invitation)
    session.flush()
    return invitation, token, short


def make_response(
    session: Session,
    invitation: Invitation,
    answers: dict[str, str | None],
    *,
    completed: bool = True,
) -> Response:
    wave = session.get(Wave, invitation.wave_id)
    beneficiary = session.get(Beneficiary, invitation.beneficiary_id)
    assert wave is not None
    assert beneficiary is not None
    now = utcnow()
    response = Response(
        organisation_id=beneficiary.organisation_id,
        study_id=wave.study_id,
        wave_id=wave.id,
        questionnaire_version_id=wave.questionnaire_version_id,
        site_id=beneficiary.site_id,
        invitation_id=invitation.id,
        beneficiary_id=beneficiary.id,
        started_at=now,
        completed_at=now if completed else None,
        completed_on=now.date() if completed else None,
        consented=True,
    )
    session.add(response)
    session.flush()
    for key, value in answers.items():
        number = float(value) if value is not None and value.isdigit() else None
        session.add(Answer(response_id=response.id, question_key=key, value=value, number=number))
    session.flush()
    return response


def make_beneficiary_with_contact(
    session: Session, organisation: Organisation, site: Site, email: str, phone: str = ""
) -> Beneficiary:
    beneficiary = Beneficiary(
        organisation_id=organisation.id,
        site_id=site.id,
        code=f"BEN-{next(_counter):05d}",
        support_started_on=date(2026, 1, 5),
    )
    session.add(beneficiary)
    session.flush()
    session.add(
        BeneficiaryContact(
            beneficiary_id=beneficiary.id, email=email, phone=phone or None, created_at=utcnow()
        )
    )
    session.flush()
    return beneficiary


def build_world(session: Session, label: str) -> World:
    number = next(_counter)
    organisation = make_organisation(session, slug=f"{label}-{number}", name=f"Org {label}")
    site = make_site(session, organisation, code=f"{label.upper()}1")
    other_site = make_site(session, organisation, code=f"{label.upper()}2")
    users: dict[Role, User] = {}
    memberships: dict[Role, Membership] = {}
    for role in Role:
        user = make_user(session, organisation, role, email=f"{role.value}.{label}{number}@ex.org")
        users[role] = user
        memberships[role] = next(m for m in user.memberships)
    # The social worker works at the first site only.
    session.add(MembershipSite(membership_id=memberships[Role.SOCIAL_WORKER].id, site_id=site.id))
    victim_user = make_user(
        session, organisation, Role.SOCIAL_WORKER, email=f"victim.{label}{number}@ex.org"
    )
    victim = victim_user.memberships[0]
    questionnaire = Questionnaire(
        organisation_id=organisation.id, key=f"q-{label}-{number}", title=f"Q {label}"
    )
    session.add(questionnaire)
    session.flush()
    published = make_version(session, questionnaire, 1, "published")
    draft = make_version(session, questionnaire, 2, "draft")
    study = Study(
        organisation_id=organisation.id,
        slug=f"study-{label}-{number}",
        title=f"Study {label} {number}",
    )
    session.add(study)
    session.flush()
    session.add(StudySite(study_id=study.id, site_id=site.id))
    wave = Wave(
        study_id=study.id,
        key="baseline",
        kind="baseline",
        position=1,
        delay_days=0,
        questionnaire_version_id=published.id,
    )
    follow_up = Wave(
        study_id=study.id,
        key="followup1",
        kind="follow_up",
        position=2,
        delay_days=90,
        questionnaire_version_id=published.id,
    )
    session.add_all([wave, follow_up])
    session.flush()
    beneficiary = make_beneficiary_with_contact(
        session, organisation, site, email=f"person.{label}{number}@mail.example"
    )
    invitation, token, short = make_invitation(session, beneficiary, wave, completed=True)
    response = make_response(session, invitation, {"listen_heard": "4", "listen_time": "5"})
    waiting = make_beneficiary_with_contact(
        session, organisation, site, email=f"waiting.{label}{number}@mail.example"
    )
    pending_invitation, _token, _short = make_invitation(session, waiting, wave)
    link_token = secrets.token_urlsafe(32)
    open_link = OpenLink(
        study_id=study.id, site_id=site.id, wave_id=wave.id, token_hash=hash_secret(link_token)
    )
    session.add(open_link)
    session.flush()
    return World(
        organisation=organisation,
        site=site,
        other_site=other_site,
        users=users,
        memberships=memberships,
        victim=victim,
        questionnaire=questionnaire,
        published=published,
        draft=draft,
        study=study,
        wave=wave,
        follow_up=follow_up,
        beneficiary=beneficiary,
        invitation=invitation,
        pending_invitation=pending_invitation,
        response=response,
        open_link=open_link,
        secrets={"token": token, "short": short, "open_link": link_token},
    )


def sign_in(client: Any, session: Session, user: User, organisation_id: int | None) -> UserSession:
    """Open a server-side session for ``user`` and put its cookie in ``client``.

    Equivalent to a successful login, without the cost of argon2 on every
    request of the permission walk.
    """
    token = secrets.token_urlsafe(32)
    now = utcnow()
    record = UserSession(
        user_id=user.id,
        token_hash=hash_token(token),
        last_seen_at=now,
        created_at=now,
        second_factor_done=True,
    )
    session.add(record)
    session.commit()
    with client.session_transaction() as cookie:
        cookie.clear()
        cookie[SESSION_KEY] = token
        if organisation_id is not None:
            cookie[ORG_KEY] = organisation_id
    return record
