"""What the API does with beneficiaries, enrolments, invitations and answers.

Bulk writes are all or nothing: every item is checked first and every problem
is reported with the item's position (``/items/3/site``); nothing is written
unless all items are valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import (
    Answer,
    Beneficiary,
    Invitation,
    Response,
    Site,
    Study,
    Wave,
    utcnow,
)
from survey_app.services import audit, invitations
from survey_app.services.beneficiaries import CODE_PATTERN
from survey_app.services.errors import DomainError, NotFound

MAX_BATCH = 1000


class ItemErrors(DomainError):
    """Some items of a batch are invalid; ``errors`` lists (field, message)."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("some items are invalid")
        self.errors = errors


@dataclass(frozen=True)
class Upserted:
    beneficiary: Beneficiary
    created: bool


def _by_reference(session: Session, organisation_id: int, refs: list[str]) -> dict[str, Any]:
    found: dict[str, Beneficiary] = {}
    for start in range(0, len(refs), 500):
        chunk = refs[start : start + 500]
        for beneficiary in session.scalars(
            select(Beneficiary).where(
                Beneficiary.organisation_id == organisation_id, Beneficiary.code.in_(chunk)
            )
        ):
            found[beneficiary.code] = beneficiary
    return found


def upsert_beneficiaries(
    session: Session, organisation_id: int, items: list[dict[str, Any]], *, actor_label: str
) -> list[Upserted]:
    """Create or update beneficiaries keyed by their reference (the pseudonymous code)."""
    sites = {
        site.code: site
        for site in session.scalars(select(Site).where(Site.organisation_id == organisation_id))
    }
    today = utcnow().date()
    errors: list[dict[str, str]] = []
    seen: set[str] = set()
    for position, item in enumerate(items):
        path = f"/items/{position}"
        reference = item["reference"]
        if not CODE_PATTERN.match(reference):
            errors.append(
                {
                    "field": f"{path}/reference",
                    "message": "2 to 64 letters, digits, dashes or underscores.",
                }
            )
        if reference in seen:
            errors.append({"field": f"{path}/reference", "message": "Repeated in this batch."})
        seen.add(reference)
        if item["site"] not in sites:
            errors.append({"field": f"{path}/site", "message": "No such site code."})
        started: date = item["support_started_on"]
        if started > today:
            errors.append(
                {"field": f"{path}/support_started_on", "message": "Cannot be in the future."}
            )
        ended: date | None = item.get("support_ended_on")
        if ended is not None and ended < started:
            errors.append(
                {"field": f"{path}/support_ended_on", "message": "Before the start of support."}
            )
    if errors:
        raise ItemErrors(errors)
    existing = _by_reference(session, organisation_id, [item["reference"] for item in items])
    now = utcnow()
    done: list[Upserted] = []
    for item in items:
        beneficiary = existing.get(item["reference"])
        created = beneficiary is None
        if beneficiary is None:
            beneficiary = Beneficiary(
                organisation_id=organisation_id, code=item["reference"], created_at=now
            )
            session.add(beneficiary)
        beneficiary.site_id = sites[item["site"]].id
        beneficiary.support_started_on = item["support_started_on"]
        beneficiary.support_ended_on = item.get("support_ended_on")
        done.append(Upserted(beneficiary, created))
    session.flush()
    audit.record(
        session,
        "beneficiary.api_upsert",
        actor_label=actor_label,
        organisation_id=organisation_id,
        object_type="beneficiary",
        details={
            "created": sum(1 for row in done if row.created),
            "updated": sum(1 for row in done if not row.created),
        },
    )
    return done


def list_beneficiaries(
    session: Session, organisation_id: int, *, after: int, limit: int
) -> list[Beneficiary]:
    return list(
        session.scalars(
            select(Beneficiary)
            .where(Beneficiary.organisation_id == organisation_id, Beneficiary.id > after)
            .order_by(Beneficiary.id)
            .limit(limit)
        ).all()
    )


def get_beneficiary(session: Session, organisation_id: int, reference: str) -> Beneficiary:
    beneficiary = session.scalar(
        select(Beneficiary).where(
            Beneficiary.organisation_id == organisation_id, Beneficiary.code == reference
        )
    )
    if beneficiary is None:
        raise NotFound("beneficiary not found")
    return beneficiary


@dataclass(frozen=True)
class Enrolment:
    beneficiary: Beneficiary
    invitation: Invitation
    issued: invitations.IssuedInvitation | None  # None: invited before, secrets not shown


def enrol(
    session: Session, study: Study, wave: Wave, references: list[str], *, actor_label: str
) -> list[Enrolment]:
    """Invite each beneficiary to ``wave`` (normally the baseline), once per pair."""
    found = _by_reference(session, study.organisation_id, references)
    site_ids = {site.id for site in study.sites}
    errors: list[dict[str, str]] = []
    seen: set[str] = set()
    for position, reference in enumerate(references):
        path = f"/references/{position}"
        beneficiary = found.get(reference)
        if reference in seen:
            errors.append({"field": path, "message": "Repeated in this batch."})
        seen.add(reference)
        if beneficiary is None:
            errors.append({"field": path, "message": "No beneficiary with this reference."})
        elif beneficiary.site_id not in site_ids:
            errors.append({"field": path, "message": "This study does not cover their site."})
    if errors:
        raise ItemErrors(errors)
    ids = [found[reference].id for reference in references]
    existing = {
        invitation.beneficiary_id: invitation
        for start in range(0, len(ids), 500)
        for invitation in session.scalars(
            select(Invitation).where(
                Invitation.wave_id == wave.id,
                Invitation.beneficiary_id.in_(ids[start : start + 500]),
            )
        )
    }
    now = utcnow()
    done = []
    for reference in references:
        beneficiary = found[reference]
        if beneficiary.id in existing:
            done.append(Enrolment(beneficiary, existing[beneficiary.id], None))
            continue
        issued = invitations.invite(
            session, beneficiary, wave, actor=_ApiActor(actor_label), now=now
        )
        done.append(Enrolment(beneficiary, issued.invitation, issued))
    return done


@dataclass(frozen=True)
class _ApiActor:
    """What :func:`audit.record` needs of an actor, for a key rather than a person."""

    label: str
    id: None = None

    @property
    def email(self) -> str:
        return self.label


def reissue(
    session: Session, organisation_id: int, invitation_id: int, *, actor_label: str
) -> invitations.IssuedInvitation:
    invitation = invitations.get_invitation(session, organisation_id, invitation_id)
    return invitations.reissue(session, invitation, channel="link", actor=_ApiActor(actor_label))


def invitation_rows(
    session: Session, study: Study, *, wave: Wave | None, after: int, limit: int
) -> list[tuple[Invitation, str, str]]:
    """Invitations of the study (optionally one wave) with their status, by id."""
    query = (
        select(Invitation, Beneficiary.code, Wave.key)
        .join(Wave, Wave.id == Invitation.wave_id)
        .join(Beneficiary, Beneficiary.id == Invitation.beneficiary_id)
        .where(Wave.study_id == study.id, Invitation.id > after)
        .order_by(Invitation.id)
        .limit(limit)
    )
    if wave is not None:
        query = query.where(Invitation.wave_id == wave.id)
    return [(row[0], row[1], row[2]) for row in session.execute(query)]


def status_of(invitation: Invitation) -> str:
    return invitations.status_of(invitation, due_on=None, today=utcnow().date())


def answer_page(
    session: Session, study: Study, closed_keys: set[str], *, after: str, limit: int
) -> list[dict[str, Any]]:
    """Completed responses after ``after`` (response id), closed questions only."""
    rows = session.execute(
        select(Response, Beneficiary.code, Wave.key, Site.code)
        .join(Wave, Wave.id == Response.wave_id)
        .join(Site, Site.id == Response.site_id)
        .outerjoin(Beneficiary, Beneficiary.id == Response.beneficiary_id)
        .where(
            Response.study_id == study.id,
            Response.completed_on.is_not(None),
            Response.id > after,
        )
        .order_by(Response.id)
        .limit(limit)
    ).all()
    ids = [row[0].id for row in rows]
    answers: dict[str, dict[str, str | None]] = {response_id: {} for response_id in ids}
    if ids:
        for answer in session.scalars(select(Answer).where(Answer.response_id.in_(ids))):
            if answer.question_key in closed_keys:
                answers[answer.response_id][answer.question_key] = answer.value
    return [
        {
            "response_id": response.id,
            "beneficiary_code": code,
            "wave": wave_key,
            "site": site_code,
            "completed_on": response.completed_on,
            "mode": response.mode,
            "language": response.language,
            "answers": answers[response.id],
        }
        for response, code, wave_key, site_code in rows
    ]


def status_counts(session: Session, study: Study) -> dict[str, dict[str, int]]:
    """Per wave key, how many invitations are in each status."""
    counts: dict[str, dict[str, int]] = {wave.key: {} for wave in study.waves}
    rows = session.execute(
        select(Invitation, Wave.key)
        .join(Wave, Wave.id == Invitation.wave_id)
        .where(Wave.study_id == study.id)
    )
    for invitation, wave_key in rows:
        status = status_of(invitation)
        counts[wave_key][status] = counts[wave_key].get(status, 0) + 1
    return counts
