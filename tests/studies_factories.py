"""Factories for studies, waves and invitations (the studies area's tests)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from survey_app.models import (
    Beneficiary,
    BeneficiaryContact,
    Invitation,
    Membership,
    MembershipSite,
    Organisation,
    Questionnaire,
    QuestionnaireVersion,
    Site,
    Study,
    User,
    utcnow,
)
from survey_app.services import studies
from survey_app.services.tokens import hash_secret, new_link_token

_counter = itertools.count(1)


def make_version(
    session: Session,
    organisation: Organisation,
    key: str | None = None,
    *,
    number: int = 1,
    status: str = "published",
    questionnaire: Questionnaire | None = None,
) -> QuestionnaireVersion:
    """A stored version; its definition is a stub (these tests never load it)."""
    if questionnaire is None:
        key = key or f"q{next(_counter)}"
        questionnaire = Questionnaire(organisation_id=organisation.id, key=key, title=f"Q {key}")
        session.add(questionnaire)
        session.flush()
    version = QuestionnaireVersion(
        questionnaire_id=questionnaire.id,
        number=number,
        status=status,
        definition={"key": questionnaire.key},
        fingerprint=f"{questionnaire.key}-{number}",
    )
    session.add(version)
    session.flush()
    return version


def make_study(
    session: Session,
    organisation: Organisation,
    sites: list[Site],
    *,
    slug: str | None = None,
    followup_delay: int = 90,
    exit_delay: int | None = None,
    validity_days: int = 30,
) -> Study:
    baseline = make_version(session, organisation)
    plans = [studies.WavePlan("baseline", "baseline", 0, baseline)]
    plans.append(
        studies.WavePlan(
            "followup1", "follow_up", followup_delay, make_version(session, organisation)
        )
    )
    if exit_delay is not None:
        plans.append(
            studies.WavePlan("exit", "exit", exit_delay, make_version(session, organisation))
        )
    return studies.create_study(
        session,
        organisation,
        slug=slug or f"study-{next(_counter)}",
        title="Impact study",
        sites=sites,
        waves=plans,
        invitation_validity_days=validity_days,
    )


def make_invitation(
    session: Session,
    beneficiary: Beneficiary,
    wave_id: int,
    *,
    created_at: datetime | None = None,
    validity_days: int = 30,
    **fields: Any,
) -> tuple[Invitation, str]:
    token = new_link_token()
    created_at = created_at or utcnow()
    invitation = Invitation(
        beneficiary_id=beneficiary.id,
        wave_id=wave_id,
        token_hash=hash_secret(token),
        created_at=created_at,
        expires_at=fields.pop("expires_at", created_at + timedelta(days=validity_days)),
        **fields,
    )
    session.add(invitation)
    session.flush()
    return invitation, token


def add_contact(session: Session, beneficiary: Beneficiary, email: str) -> None:
    session.add(BeneficiaryContact(beneficiary_id=beneficiary.id, email=email, created_at=utcnow()))
    session.flush()


def limit_to_sites(session: Session, user: User, sites: list[Site]) -> None:
    membership: Membership = user.memberships[0]
    for site in sites:
        session.add(MembershipSite(membership_id=membership.id, site_id=site.id))
    session.flush()
