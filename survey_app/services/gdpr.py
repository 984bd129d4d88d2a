"""Data-subject rights for beneficiaries: access (export) and erasure.

Both work from the pseudonymous code within one organisation. A social worker
may only reach beneficiaries of the sites they cover; anyone else gets
:class:`NotFound`, exactly as for a code that does not exist.

Erasure deletes the person's contact details, answers, responses, submission
keys, invitations and finally the beneficiary row itself, with explicit
``DELETE`` statements (the same on SQLite and PostgreSQL, whatever the ORM has
loaded). The audit event says how many rows went, never what they held.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from survey_app.models import (
    Answer,
    Beneficiary,
    BeneficiaryContact,
    Invitation,
    QuestionnaireVersion,
    Response,
    Site,
    Study,
    SubmissionKey,
    User,
    Wave,
    utcnow,
)
from survey_app.services import audit
from survey_app.services.errors import NotFound

EXPORT_FORMAT = "ecoute-subject-access/1"


def find_beneficiary(
    session: Session,
    organisation_id: int,
    code: str,
    *,
    site_ids: Iterable[int] | None = None,
) -> Beneficiary:
    """The beneficiary with ``code`` in the organisation (and in ``site_ids`` when given)."""
    statement = select(Beneficiary).where(
        Beneficiary.organisation_id == organisation_id, Beneficiary.code == code.strip()
    )
    if site_ids is not None:
        statement = statement.where(Beneficiary.site_id.in_(list(site_ids)))
    beneficiary = session.scalar(statement)
    if beneficiary is None:
        raise NotFound("no beneficiary with this code")
    return beneficiary


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _question_labels(version: QuestionnaireVersion) -> dict[str, dict[str, str]]:
    """Question key → label per language, or nothing if the definition cannot be read."""
    try:
        from questionnaires import load_definition

        definition = load_definition(version.definition)
    except Exception:  # an unreadable old definition must not block a legal request
        return {}
    return {q.key: dict(q.label) for q in definition.questions}


def subject_access_export(session: Session, beneficiary: Beneficiary) -> dict[str, Any]:
    """Everything held about one beneficiary, as plain JSON-serialisable values."""
    site = session.get(Site, beneficiary.site_id)
    contact = session.get(BeneficiaryContact, beneficiary.id)
    invitations = session.execute(
        select(Invitation, Wave, Study)
        .join(Wave, Wave.id == Invitation.wave_id)
        .join(Study, Study.id == Wave.study_id)
        .where(Invitation.beneficiary_id == beneficiary.id)
        .order_by(Invitation.created_at, Invitation.id)
    ).all()
    responses = session.execute(
        select(Response, Wave, Study, QuestionnaireVersion)
        .join(Wave, Wave.id == Response.wave_id)
        .join(Study, Study.id == Response.study_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Response.questionnaire_version_id)
        .where(Response.beneficiary_id == beneficiary.id)
        .order_by(Response.started_at, Response.id)
    ).all()
    labels_by_version: dict[int, dict[str, dict[str, str]]] = {}
    response_entries = []
    for response, wave, study, version in responses:
        if version.id not in labels_by_version:
            labels_by_version[version.id] = _question_labels(version)
        labels = labels_by_version[version.id]
        response_entries.append(
            {
                "response_id": response.id,
                "study": study.slug,
                "study_title": study.title,
                "wave": wave.key,
                "questionnaire_version": version.label,
                "mode": response.mode,
                "language": response.language,
                "consented": response.consented,
                "imported": response.imported,
                "started_at": _iso(response.started_at),
                "completed_at": _iso(response.completed_at),
                "answers": [
                    {
                        "question_key": answer.question_key,
                        "question": labels.get(answer.question_key, {}),
                        "value": answer.value,
                    }
                    for answer in response.answers
                ],
            }
        )
    registered_by = (
        session.get(User, beneficiary.registered_by_id) if beneficiary.registered_by_id else None
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _iso(utcnow()),
        "beneficiary": {
            "code": beneficiary.code,
            "site_code": site.code if site else None,
            "site_name": site.name if site else None,
            "support_started_on": _iso(beneficiary.support_started_on),
            "support_ended_on": _iso(beneficiary.support_ended_on),
            "registered_at": _iso(beneficiary.created_at),
            "registered_by": registered_by.email if registered_by else None,
        },
        "contact": None
        if contact is None
        else {
            "email": contact.email,
            "phone": contact.phone,
            "recorded_at": _iso(contact.created_at),
        },
        "invitations": [
            {
                "study": study.slug,
                "wave": wave.key,
                "channel": invitation.channel,
                "created_at": _iso(invitation.created_at),
                "sent_at": _iso(invitation.sent_at),
                "opened_at": _iso(invitation.opened_at),
                "started_at": _iso(invitation.started_at),
                "completed_at": _iso(invitation.completed_at),
                "expires_at": _iso(invitation.expires_at),
                "expired_at": _iso(invitation.expired_at),
                "reminders_sent": invitation.reminders_sent,
            }
            for invitation, wave, study in invitations
        ],
        "responses": response_entries,
    }


CSV_COLUMNS = ("section", "reference", "field", "value")


def export_as_csv(export: dict[str, Any], language: str = "en") -> str:
    """The same export flattened to one fact per row (section, reference, field, value).

    Cells that a spreadsheet would run as a formula are prefixed with ``'``; days
    and moments (fields ending in ``_at`` / ``_on``) carry the month by name in
    ``language``, as in every other export (the JSON keeps ISO 8601 for machines).
    """
    rows: list[tuple[str, str, str, Any]] = []
    for field, value in export["beneficiary"].items():
        rows.append(("beneficiary", export["beneficiary"]["code"], field, value))
    if export["contact"] is not None:
        for field, value in export["contact"].items():
            rows.append(("contact", "", field, value))
    for number, invitation in enumerate(export["invitations"], start=1):
        reference = f"{invitation['study']}/{invitation['wave']}#{number}"
        for field, value in invitation.items():
            rows.append(("invitation", reference, field, value))
    for response in export["responses"]:
        reference = response["response_id"]
        for field, value in response.items():
            if field != "answers":
                rows.append(("response", reference, field, value))
        for answer in response["answers"]:
            question = answer["question"].get("fr") or answer["question"].get("en") or ""
            label = f"{answer['question_key']}: {question}" if question else answer["question_key"]
            rows.append(("answer", reference, label, answer["value"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for section, reference, field, value in rows:
        if field.endswith(("_at", "_on")) and isinstance(value, str):
            value = _date_text(value, language)
        writer.writerow([_csv_safe(cell) for cell in (section, reference, field, value)])
    return buffer.getvalue()


def _date_text(value: str, language: str) -> str:
    """An ISO 8601 day or moment from the export, with the month by name."""
    from survey_app.services.exports import date_in_words

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if len(value) <= 10:
        return date_in_words(moment.date(), language)
    return date_in_words(moment.replace(microsecond=0, tzinfo=None), language)


def _csv_safe(value: Any) -> str:
    from survey_app.services.exports import safe_cell

    return str(safe_cell("" if value is None else str(value)))


@dataclass(frozen=True)
class ErasureReport:
    beneficiary_id: int
    contact_erased: bool
    responses: int
    answers: int
    invitations: int


def erase_beneficiary(
    session: Session, beneficiary: Beneficiary, *, actor: User | None
) -> ErasureReport:
    """Delete everything held about one beneficiary; record counts in the audit trail."""
    beneficiary_id = beneficiary.id
    organisation_id = beneficiary.organisation_id
    invitation_ids = select(Invitation.id).where(Invitation.beneficiary_id == beneficiary_id)
    owned = or_(
        Response.beneficiary_id == beneficiary_id, Response.invitation_id.in_(invitation_ids)
    )
    response_ids = select(Response.id).where(owned)
    answers = session.scalar(
        select(func.count()).select_from(Answer).where(Answer.response_id.in_(response_ids))
    )
    responses = session.scalar(select(func.count()).select_from(Response).where(owned))
    invitations = session.scalar(
        select(func.count())
        .select_from(Invitation)
        .where(Invitation.beneficiary_id == beneficiary_id)
    )
    contact_erased = session.get(BeneficiaryContact, beneficiary_id) is not None
    session.flush()
    doomed = list(session.scalars(response_ids).all())
    session.execute(delete(Answer).where(Answer.response_id.in_(doomed)))
    session.execute(delete(SubmissionKey).where(SubmissionKey.response_id.in_(doomed)))
    session.execute(delete(Response).where(Response.id.in_(doomed)))
    session.execute(delete(Invitation).where(Invitation.beneficiary_id == beneficiary_id))
    session.execute(
        delete(BeneficiaryContact).where(BeneficiaryContact.beneficiary_id == beneficiary_id)
    )
    session.execute(delete(Beneficiary).where(Beneficiary.id == beneficiary_id))
    session.expunge(beneficiary)
    # Cached reports were computed from the erased answers: they go too.
    from survey_app.services.reporting import purge_app_reports

    purge_app_reports(organisation_id)
    report = ErasureReport(
        beneficiary_id=beneficiary_id,
        contact_erased=contact_erased,
        responses=int(responses or 0),
        answers=int(answers or 0),
        invitations=int(invitations or 0),
    )
    audit.record(
        session,
        "beneficiary.erase",
        actor=actor,
        organisation_id=organisation_id,
        object_type="beneficiary",
        object_id=beneficiary_id,
        details={
            "contact": report.contact_erased,
            "responses": report.responses,
            "answers": report.answers,
            "invitations": report.invitations,
        },
    )
    return report
