"""Registering beneficiaries under pseudonymous codes, within a worker's sites.

Site scope: a social worker sees and registers beneficiaries of the sites
listed for their membership (``membership_site``). A worker with no such row
covers every site of the organisation — small organisations with one team do
not have to configure anything, and adding one row narrows the scope.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import (
    Beneficiary,
    BeneficiaryContact,
    Membership,
    MembershipSite,
    Site,
    User,
    Wave,
    utcnow,
)
from survey_app.services import audit, invitations
from survey_app.services.errors import Conflict, DomainError, NotFound
from survey_app.services.tokens import CROCKFORD

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$")
# Letters and digits a person cannot confuse when copying a code by hand.
_CODE_ALPHABET = CROCKFORD.replace("0", "").replace("1", "")


def worker_site_ids(session: Session, membership: Membership) -> list[int]:
    """Ids of the sites this member covers (all sites when none are listed)."""
    listed = list(
        session.scalars(
            select(MembershipSite.site_id).where(MembershipSite.membership_id == membership.id)
        ).all()
    )
    if listed:
        return listed
    return list(
        session.scalars(
            select(Site.id).where(Site.organisation_id == membership.organisation_id)
        ).all()
    )


def worker_sites(session: Session, membership: Membership) -> list[Site]:
    ids = worker_site_ids(session, membership)
    if not ids:
        return []
    return list(
        session.scalars(
            select(Site)
            .where(Site.id.in_(ids), Site.organisation_id == membership.organisation_id)
            .order_by(Site.code)
        ).all()
    )


def suggest_code(session: Session, organisation_id: int) -> str:
    """A fresh pseudonymous code such as ``B-7KQM-4TZ2`` not yet used in the organisation."""
    for _attempt in range(20):
        raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
        code = f"B-{raw[:4]}-{raw[4:]}"
        if not session.scalar(
            select(Beneficiary.id).where(
                Beneficiary.organisation_id == organisation_id, Beneficiary.code == code
            )
        ):
            return code
    raise DomainError("could not find a free code")  # pragma: no cover - 32^8 codes


@dataclass(frozen=True)
class Registration:
    beneficiary: Beneficiary
    baseline: invitations.IssuedInvitation | None


def register(
    session: Session,
    membership: Membership,
    *,
    code: str,
    site_id: int,
    support_started_on: date,
    email: str | None = None,
    phone: str | None = None,
    baseline_wave: Wave | None = None,
    actor: User | None = None,
) -> Registration:
    """Register a beneficiary and, given a baseline wave, invite them at once.

    ``site_id`` must be one of the worker's sites; the code must be new in the
    organisation. Nothing is written when a rule is broken.
    """
    organisation_id = membership.organisation_id
    code = code.strip()
    if not CODE_PATTERN.match(code):
        raise DomainError(_("The code must be 2 to 64 letters, digits, dashes or underscores."))
    if site_id not in worker_site_ids(session, membership):
        raise NotFound("site not found")
    if support_started_on > utcnow().date():
        raise DomainError(_("The start of support cannot be in the future."))
    if session.scalar(
        select(Beneficiary.id).where(
            Beneficiary.organisation_id == organisation_id, Beneficiary.code == code
        )
    ):
        raise Conflict(_("The code %(code)s is already used in your organisation.", code=code))
    if baseline_wave is not None:
        study = baseline_wave.study
        if study.organisation_id != organisation_id:
            raise NotFound("study not found")
        if baseline_wave.kind != "baseline":
            raise DomainError("the first invitation is for the baseline wave")
        if site_id not in {site.id for site in study.sites}:
            raise DomainError(_("This study does not cover the chosen site."))
        if study.status != "active":
            raise Conflict(_("This study is not active: no invitation can be created."))
    now = utcnow()
    beneficiary = Beneficiary(
        organisation_id=organisation_id,
        code=code,
        site_id=site_id,
        support_started_on=support_started_on,
        registered_by_id=actor.id if actor else None,
        created_at=now,
    )
    session.add(beneficiary)
    session.flush()
    email = (email or "").strip() or None
    phone = (phone or "").strip() or None
    if email or phone:
        session.add(
            BeneficiaryContact(
                beneficiary_id=beneficiary.id, email=email, phone=phone, created_at=now
            )
        )
    audit.record(
        session,
        "beneficiary.create",
        actor=actor,
        organisation_id=organisation_id,
        object_type="beneficiary",
        object_id=beneficiary.id,
        details={"site_id": site_id, "contact": bool(email or phone)},
    )
    issued = None
    if baseline_wave is not None:
        issued = invitations.invite(session, beneficiary, baseline_wave, actor=actor, now=now)
    session.flush()
    return Registration(beneficiary, issued)
