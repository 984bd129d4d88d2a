"""``/api/v1``: beneficiaries in, invitations out, indicators and answers for dashboards.

Views are thin: the key check (:func:`key_required`) scopes everything to the
key's organisation, the schemas parse, a service does the work, one commit.
Objects of another organisation are simply not found (404).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_smorest import Blueprint

from survey_app.api import problems, schemas
from survey_app.api.auth import current_key, key_required
from survey_app.api.problems import Problem, ProblemParser
from survey_app.extensions import db
from survey_app.models import Study
from survey_app.security.permissions import public
from survey_app.services import api_records, invitations, reporting, studies
from survey_app.services.errors import Conflict, DomainError, NotFound


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = ProblemParser()


blueprint = ApiBlueprint("api", __name__, url_prefix="/api/v1", description="Écoute API, version 1")

problems.register(blueprint)

MAX_ID = 2**31 - 1
ERRORS = (400, 401, 403, 404, 409, 413, 429)


def _documented_errors(view: Any) -> Any:
    for status in ERRORS:
        view = blueprint.alt_response(
            status, schema=schemas.ProblemSchema, content_type="application/problem+json"
        )(view)
    return view


def _study(slug: str) -> Study:
    try:
        return studies.get_study(db.session, current_key().organisation_id, slug)
    except NotFound:
        raise Problem(404, "No such study.") from None


def _actor() -> str:
    return f"API key: {current_key().label}"


def _domain_problem(error: DomainError) -> Problem:
    if isinstance(error, api_records.ItemErrors):
        return Problem(400, "Some items are invalid; nothing was saved.", errors=error.errors)
    if isinstance(error, NotFound):
        return Problem(404, "Not found.")
    if isinstance(error, Conflict):
        return Problem(409, str(error))
    return Problem(400, str(error))


def _cursor_int(cursor: str) -> int:
    if not cursor:
        return 0
    if not cursor.isdigit() or len(cursor) > 18:
        raise Problem(
            400, "Invalid cursor.", errors=[{"field": "cursor", "message": "Not a cursor."}]
        )
    return int(cursor)


def _beneficiary_row(beneficiary: Any, created: bool | None = None) -> dict[str, Any]:
    row = {
        "id": beneficiary.id,
        "reference": beneficiary.code,
        "site": beneficiary.site.code,
        "support_started_on": beneficiary.support_started_on,
        "support_ended_on": beneficiary.support_ended_on,
    }
    if created is not None:
        row["created"] = created
    return row


def _invitation_row(
    invitation: Any, reference: str, wave_key: str, issued: invitations.IssuedInvitation | None
) -> dict[str, Any]:
    base_url = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return {
        "id": invitation.id,
        "reference": reference,
        "wave": wave_key,
        "status": api_records.status_of(invitation),
        "created_at": invitation.created_at,
        "expires_at": invitation.expires_at,
        "completed_at": invitation.completed_at,
        "link": invitations.survey_url(base_url, issued.token) if issued else None,
        "card_code": issued.short_code if issued else None,
    }


@blueprint.route("/studies", methods=["GET"])
@public
@blueprint.doc(operationId="listStudies")
@key_required("results:read")
@blueprint.response(200, schemas.StudyListSchema)
@_documented_errors
def list_studies() -> dict[str, Any]:
    """The organisation's studies, their waves and sites."""
    found = studies.list_studies(db.session, current_key().organisation_id)
    return {
        "items": [
            {
                "slug": study.slug,
                "title": study.title,
                "status": study.status,
                "waves": [wave.key for wave in study.waves],
                "sites": [site.code for site in study.sites],
            }
            for study in found
        ]
    }


@blueprint.route("/beneficiaries", methods=["POST"])
@public
@blueprint.doc(operationId="upsertBeneficiaries")
@key_required("beneficiaries:write")
@blueprint.arguments(schemas.BeneficiaryBatchSchema)
@blueprint.response(200, schemas.BeneficiaryBatchResultSchema)
@_documented_errors
def upsert_beneficiaries(payload: dict[str, Any]) -> dict[str, Any]:
    """Create or update up to 1,000 beneficiaries, keyed by reference; all or nothing."""
    try:
        done = api_records.upsert_beneficiaries(
            db.session, current_key().organisation_id, payload["items"], actor_label=_actor()
        )
    except DomainError as error:
        raise _domain_problem(error) from None
    rows = [_beneficiary_row(row.beneficiary, row.created) for row in done]
    db.session.commit()
    created = sum(1 for row in done if row.created)
    return {"created": created, "updated": len(done) - created, "items": rows}


@blueprint.route("/beneficiaries", methods=["GET"])
@public
@blueprint.doc(operationId="listBeneficiaries")
@key_required("beneficiaries:write")
@blueprint.arguments(schemas.PageQuerySchema, location="query")
@blueprint.response(200, schemas.BeneficiaryPageSchema)
@_documented_errors
def list_beneficiaries(query: dict[str, Any]) -> dict[str, Any]:
    """The organisation's beneficiaries, oldest first, one page at a time."""
    found = api_records.list_beneficiaries(
        db.session,
        current_key().organisation_id,
        after=_cursor_int(query["cursor"]),
        limit=query["limit"] + 1,
    )
    page = found[: query["limit"]]
    return {
        "items": [_beneficiary_row(beneficiary) for beneficiary in page],
        "next_cursor": str(page[-1].id) if len(found) > query["limit"] else None,
    }


@blueprint.route("/beneficiaries/<reference>", methods=["GET"])
@public
@blueprint.doc(operationId="getBeneficiary")
@key_required("beneficiaries:write")
@blueprint.response(200, schemas.BeneficiarySchema)
@_documented_errors
def get_beneficiary(reference: str) -> dict[str, Any]:
    """One beneficiary by reference."""
    try:
        beneficiary = api_records.get_beneficiary(
            db.session, current_key().organisation_id, reference
        )
    except NotFound:
        raise Problem(404, "No such beneficiary.") from None
    return _beneficiary_row(beneficiary)


@blueprint.route("/studies/<slug>/enrolments", methods=["POST"])
@public
@blueprint.doc(operationId="enrolBeneficiaries")
@key_required("invitations:write")
@blueprint.arguments(schemas.EnrolmentInSchema)
@blueprint.response(200, schemas.EnrolmentResultSchema)
@_documented_errors
def enrol(payload: dict[str, Any], slug: str) -> dict[str, Any]:
    """Invite up to 1,000 beneficiaries to a wave (baseline by default).

    Link and card code are returned once, when the invitation is created;
    for someone already invited the invitation comes back without them
    (re-issue it to get new ones).
    """
    study = _study(slug)
    try:
        wave = studies.get_wave(study, payload["wave"])
        done = api_records.enrol(
            db.session, study, wave, payload["references"], actor_label=_actor()
        )
    except DomainError as error:
        raise _domain_problem(error) from None
    rows = [
        _invitation_row(row.invitation, row.beneficiary.code, wave.key, row.issued) for row in done
    ]
    db.session.commit()
    return {"items": rows}


@blueprint.route("/invitations/<int:invitation_id>/reissue", methods=["POST"])
@public
@blueprint.doc(operationId="reissueInvitation")
@key_required("invitations:write")
@blueprint.response(200, schemas.InvitationSchema)
@_documented_errors
def reissue(invitation_id: int) -> dict[str, Any]:
    """New link and card code for an open invitation; the previous ones stop working."""
    if invitation_id > MAX_ID:  # beyond any database integer: not found, not a crash
        raise Problem(404, "Not found.")
    try:
        issued = api_records.reissue(
            db.session, current_key().organisation_id, invitation_id, actor_label=_actor()
        )
    except DomainError as error:
        raise _domain_problem(error) from None
    invitation = issued.invitation
    row = _invitation_row(invitation, invitation.beneficiary.code, invitation.wave.key, issued)
    db.session.commit()
    return row


@blueprint.route("/studies/<slug>/invitations", methods=["GET"])
@public
@blueprint.doc(operationId="listInvitations")
@key_required("invitations:write")
@blueprint.arguments(schemas.InvitationQuerySchema, location="query")
@blueprint.response(200, schemas.InvitationPageSchema)
@_documented_errors
def list_invitations(query: dict[str, Any], slug: str) -> dict[str, Any]:
    """Invitations of a study with their status, optionally for one wave."""
    study = _study(slug)
    wave = None
    if query["wave"]:
        try:
            wave = studies.get_wave(study, query["wave"])
        except DomainError:
            raise Problem(404, "No such wave.") from None
    found = api_records.invitation_rows(
        db.session, study, wave=wave, after=_cursor_int(query["cursor"]), limit=query["limit"] + 1
    )
    page = found[: query["limit"]]
    counts = api_records.status_counts(db.session, study)
    return {
        "items": [_invitation_row(inv, ref, key, None) for inv, ref, key in page],
        "counts": counts,
        "next_cursor": str(page[-1][0].id) if len(found) > query["limit"] else None,
    }


@blueprint.route("/studies/<slug>/indicators", methods=["GET"])
@public
@blueprint.doc(operationId="getIndicators")
@key_required("results:read")
@blueprint.arguments(schemas.IndicatorQuerySchema, location="query")
@blueprint.response(200)
@_documented_errors
def indicators(query: dict[str, Any], slug: str) -> Any:
    """Indicators, gains, trends and breakdowns: exactly ``flask indicators --json``.

    Same function, same organisation settings, same small-cell suppression
    (suppressed values are null with ``suppressed: true``).
    """
    study = _study(slug)
    if query["date_from"] and query["date_to"] and query["date_from"] > query["date_to"]:
        raise Problem(400, "from is after to.", errors=[{"field": "from", "message": "After to."}])
    params = reporting.ReportParameters(
        study_id=study.id,
        date_from=query["date_from"],
        date_to=query["date_to"],
        sites=tuple(query["site"] or ()),
    )
    return reporting.analyse_from_database(db.session, study, params).to_dict()


@blueprint.route("/studies/<slug>/answers", methods=["GET"])
@public
@blueprint.doc(operationId="listAnswers")
@key_required("answers:read")
@blueprint.arguments(schemas.PageQuerySchema, location="query")
@blueprint.response(200, schemas.AnswerPageSchema)
@_documented_errors
def answers(query: dict[str, Any], slug: str) -> dict[str, Any]:
    """De-identified answers to closed questions, by response, with cursor pagination.

    People appear only by their pseudonymous code; free-text answers are
    never included.
    """
    from survey_app.services.analysis_input import question_specs

    study = _study(slug)
    cursor = query["cursor"]
    if cursor and not (len(cursor) == 32 and all(c in "0123456789abcdef" for c in cursor)):
        raise Problem(
            400, "Invalid cursor.", errors=[{"field": "cursor", "message": "Not a cursor."}]
        )
    closed = {spec.key for spec in question_specs(db.session, study)}
    rows = api_records.answer_page(
        db.session, study, closed, after=cursor, limit=query["limit"] + 1
    )
    page = rows[: query["limit"]]
    return {
        "items": page,
        "next_cursor": page[-1]["response_id"] if len(rows) > query["limit"] else None,
    }
