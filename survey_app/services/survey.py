"""The respondent's survey as a state machine: open, consent, answer, review, submit.

A response moves through: opened (the link's token was exchanged for a
respondent session) → consented → answering, one question per page → review
→ completed. Every write is one page submission and carries two guards:

* an **idempotency key** (a random value rendered into the page and stored in
  ``submission_key`` once processed): a double tap, a retried POST after a lost
  reply or a resubmission from history is recognised and recorded only once;
* the response's **revision** the page was rendered with: a page rendered
  before a later save is *stale* and cannot overwrite newer answers.

Navigation honours ``show_if`` conditions: the pure helpers below take the
definition and the stored answers (question key → stored code) and are tested
without a database. A question hidden by a later change loses its stored
answer, as docs/CONTRACTS.md requires ("a question hidden by its condition has
no row").

Functions take the session and plain values, ``flush()`` and never commit;
the view commits once at the end of the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    Select,
    String,
    Text,
    TextualSelect,
    bindparam,
    column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Compiled, Dialect, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, scoped_session
from sqlalchemy.orm.attributes import set_committed_value

import questionnaires
from questionnaires import PNA_CODE, Question, Questionnaire
from questionnaires.scoring import DATE_CODE_RE, DECIMAL_CODE_RE
from survey_app.models import (
    MODES,
    Answer,
    Beneficiary,
    Invitation,
    OpenLink,
    QuestionnaireVersion,
    Response,
    Study,
    SubmissionKey,
    User,
    Wave,
    utcnow,
)
from survey_app.services import audit, questionnaire_store
from survey_app.services.errors import Conflict, DomainError, NotFound
from survey_app.services.tokens import hash_secret, hash_short_code

MAX_TOKEN_LENGTH = 128
ASSISTED_MODES = ("assisted", "read_aloud")


class LinkUnavailable(DomainError):
    """Unknown, used, expired or paused: one exception so callers cannot tell them apart."""


class StalePage(Conflict):
    """The page was rendered before a later save; its answer is not recorded."""


class IncompleteResponse(DomainError):
    """Submission refused: ``question_key`` must be answered (or seen) first."""

    def __init__(self, question_key: str) -> None:
        super().__init__(f"question {question_key!r} must be answered before submitting")
        self.question_key = question_key


# --- definitions -------------------------------------------------------------------


def definition_for(version: QuestionnaireVersion) -> Questionnaire:
    """The parsed definition of a published version, cached: published versions never change."""
    return questionnaire_store.cached_definition(version)


def definition_by_id(session: Session, version_id: int, fingerprint: str) -> Questionnaire | None:
    """The cached definition from the version's id and fingerprint (read with the response)."""
    return questionnaire_store.cached_definition_by_id(session, version_id, fingerprint)


@dataclass
class Respondent:
    """A respondent session's response, read with what its pages need in one query."""

    response: Response
    #: The study accepts answers (it is active).
    study_active: bool
    definition: Questionnaire
    #: (version id, fingerprint): the key of anything derived from the definition.
    version_key: tuple[int, str]


@cache
def _respondent_query() -> Select[tuple[Response, str | None, str]]:
    """Built once: constructing the statement costs more than running it."""
    return (
        select(Response, Study.status, QuestionnaireVersion.fingerprint)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Response.questionnaire_version_id)
        .outerjoin(Study, Study.id == Response.study_id)
        .options(joinedload(Response.answers))
        .where(Response.id == bindparam("response_id"))
    )


def load_respondent(session: Session, response_id: object) -> Respondent | None:
    """The response a respondent session points at, its answers, study status and definition.

    One indexed query (primary keys of response, study and version; the
    answers by their primary key's first column) instead of one per object;
    the definition comes from the per-process cache. None when the session
    points at nothing usable, as :func:`respondent_response`.
    """
    if not isinstance(response_id, str) or len(response_id) != 32:
        return None
    row = session.execute(_respondent_query(), {"response_id": response_id}).unique().first()
    if row is None:
        return None
    response, study_status, fingerprint = row
    if response.imported:
        return None
    definition = definition_by_id(session, response.questionnaire_version_id, fingerprint)
    if definition is None:
        return None
    version_key = (response.questionnaire_version_id, fingerprint)
    return Respondent(response, study_status == "active", definition, version_key)


@dataclass(frozen=True)
class ResponseSnapshot:
    """What a page that only reads needs of a response: plain values, no ORM object."""

    id: str
    mode: str
    revision: int
    completed_on: date | None
    consented: bool
    invitation_id: int | None
    beneficiary_id: int | None
    questionnaire_version_id: int


@dataclass(frozen=True)
class RespondentSnapshot:
    """A respondent's response for a page that writes nothing (a question page GET)."""

    response: ResponseSnapshot
    study_active: bool
    definition: Questionnaire
    version_key: tuple[int, str]
    answers: dict[str, str | None]


@cache
def _snapshot_query() -> TextualSelect:
    """The response, its study's status, its version's fingerprint and its answers.

    Written as plain SQL (valid on SQLite and PostgreSQL; every join and the
    filter go through primary keys): for a fixed statement SQLAlchemy's
    per-execution work on an expression (cache keys, ORM execution) costs
    more than the query. The typed columns keep the usual conversions.
    """
    return text(
        "SELECT response.id, response.mode, response.revision, response.completed_on,"
        " response.consented, response.invitation_id, response.beneficiary_id,"
        " response.questionnaire_version_id, response.imported, study.status,"
        " questionnaire_version.fingerprint, answer.question_key, answer.value"
        " FROM response"
        " JOIN questionnaire_version"
        " ON questionnaire_version.id = response.questionnaire_version_id"
        " LEFT OUTER JOIN study ON study.id = response.study_id"
        " LEFT OUTER JOIN answer ON answer.response_id = response.id"
        " WHERE response.id = :response_id"
    ).columns(*(column(name, kind) for name, kind in _SNAPSHOT_COLUMNS))


#: The snapshot query's columns and their types, in the order of its SELECT list.
_SNAPSHOT_COLUMNS = (
    ("id", String),
    ("mode", String),
    ("revision", Integer),
    ("completed_on", Date),
    ("consented", Boolean),
    ("invitation_id", Integer),
    ("beneficiary_id", Integer),
    ("questionnaire_version_id", Integer),
    ("imported", Boolean),
    ("status", String),
    ("fingerprint", String),
    ("question_key", String),
    ("value", Text),
)


class _SnapshotRow(NamedTuple):  # the fields of _SNAPSHOT_COLUMNS, typed for the reader
    id: str
    mode: str
    revision: int
    completed_on: date | None
    consented: bool
    invitation_id: int | None
    beneficiary_id: int | None
    questionnaire_version_id: int
    imported: bool
    status: str | None
    fingerprint: str
    question_key: str | None
    value: str | None


def _snapshot_rows(session: Session, response_id: str) -> list[Any]:
    """The snapshot query's rows, outside any transaction when nothing else needs one.

    A single SELECT is consistent on its own. Run in autocommit on a pooled
    connection it takes no lock on SQLite (the app's transactions start with
    ``BEGIN IMMEDIATE``, which would queue every page behind every write) and
    costs one round trip on PostgreSQL instead of three (BEGIN, SELECT,
    ROLLBACK). A session already in a transaction, or bound to one connection
    (the tests), reads through that transaction instead.
    """
    real = session() if isinstance(session, scoped_session) else session
    bind = real.get_bind()
    if not isinstance(bind, Engine) or real.in_transaction():
        return session.connection().execute(_snapshot_query(), {"response_id": response_id}).all()
    dialect = bind.dialect.name
    compiled = _compiled_snapshot(bind.dialect)
    arguments: Any = {"response_id": response_id}
    if compiled.positional:
        arguments = tuple(arguments[name] for name in compiled.positiontup or ())
    raw = bind.raw_connection()
    try:
        driver = raw.driver_connection
        if dialect == "postgresql":
            driver.autocommit = True  # type: ignore[union-attr]
        cursor = raw.cursor()
        try:
            cursor.execute(compiled.string, arguments)
            fetched = cursor.fetchall()
        finally:
            cursor.close()
            if dialect == "postgresql":
                driver.autocommit = False  # type: ignore[union-attr]
    finally:
        raw.close()  # back to the pool
    return [_typed_row(row) for row in fetched]


_compiled: dict[str, Compiled] = {}


def _compiled_snapshot(dialect: Dialect) -> Compiled:
    found = _compiled.get(dialect.name)
    if found is None:
        found = _compiled.setdefault(dialect.name, _snapshot_query().compile(dialect=dialect))
    return found


def _typed_row(row: Any) -> _SnapshotRow:
    """What the typed columns would give: booleans and a date from SQLite's plain values."""
    typed = _SnapshotRow(*row)
    completed_on = typed.completed_on
    if isinstance(completed_on, str):
        completed_on = date.fromisoformat(completed_on[:10])
    return typed._replace(
        completed_on=completed_on, consented=bool(typed.consented), imported=bool(typed.imported)
    )


def respondent_snapshot(session: Session, response_id: object) -> RespondentSnapshot | None:
    """Like :func:`load_respondent` for a page that only reads: one query, plain rows.

    Building ORM objects for the response and each answer costs more than the
    query itself; a page that writes nothing needs only these values.
    """
    if not isinstance(response_id, str) or len(response_id) != 32:
        return None
    rows = _snapshot_rows(session, response_id)
    if not rows or rows[0].imported:
        return None
    first = rows[0]
    definition = definition_by_id(session, first.questionnaire_version_id, first.fingerprint)
    if definition is None:
        return None
    response = ResponseSnapshot(
        id=first.id,
        mode=first.mode,
        revision=first.revision,
        completed_on=first.completed_on,
        consented=first.consented,
        invitation_id=first.invitation_id,
        beneficiary_id=first.beneficiary_id,
        questionnaire_version_id=first.questionnaire_version_id,
    )
    answers = {row.question_key: row.value for row in rows if row.question_key is not None}
    return RespondentSnapshot(
        response,
        first.status == "active",
        definition,
        (first.questionnaire_version_id, first.fingerprint),
        answers,
    )


# --- navigation (pure) -------------------------------------------------------------


def visible_questions(
    definition: Questionnaire, answers: Mapping[str, str | None]
) -> list[Question]:
    """The questions shown, in order, given the answers stored so far."""
    known: dict[str, str | None] = {}
    shown: list[Question] = []
    for question in definition.questions:
        if questionnaires.is_shown(question, known):
            shown.append(question)
            if question.key in answers:
                known[question.key] = answers[question.key]
    return shown


def next_key(
    definition: Questionnaire, answers: Mapping[str, str | None], after: str | None
) -> str | None:
    """The question shown after ``after`` (the first when None); None means the review."""
    keys = [q.key for q in visible_questions(definition, answers)]
    if after is None:
        return keys[0] if keys else None
    if after not in keys:
        return first_unanswered(definition, answers)
    index = keys.index(after)
    return keys[index + 1] if index + 1 < len(keys) else None


def previous_key(
    definition: Questionnaire, answers: Mapping[str, str | None], before: str
) -> str | None:
    """The question shown before ``before``; None means the consent page."""
    keys = [q.key for q in visible_questions(definition, answers)]
    if before not in keys:
        return None
    index = keys.index(before)
    return keys[index - 1] if index > 0 else None


def first_unanswered(definition: Questionnaire, answers: Mapping[str, str | None]) -> str | None:
    """Where to resume: the first shown question not yet saved (None: all done, review).

    Notes store nothing; the notes just before that question are shown again
    first, since they introduce it.
    """
    shown = visible_questions(definition, answers)
    for index, question in enumerate(shown):
        if question.stores_answer and question.key not in answers:
            while index > 0 and not shown[index - 1].stores_answer:
                index -= 1
            return shown[index].key
    return None


def position(
    definition: Questionnaire, answers: Mapping[str, str | None], key: str
) -> tuple[int, int]:
    """(number of this page, number of pages) for the progress indicator."""
    keys = [q.key for q in visible_questions(definition, answers)]
    return (keys.index(key) + 1 if key in keys else 1), len(keys)


def is_visible(definition: Questionnaire, answers: Mapping[str, str | None], key: str) -> bool:
    return any(q.key == key for q in visible_questions(definition, answers))


def stored_answers(response: Response) -> dict[str, str | None]:
    return {answer.question_key: answer.value for answer in response.answers}


def check_value(question: Question, value: str | None) -> None:
    """Refuse a value the question cannot hold (forms validate first; this is the last guard)."""
    if value is None:
        if question.required:
            raise DomainError(f"question {question.key!r} requires an answer")
        return
    if not question.stores_answer:
        raise DomainError(f"question {question.key!r} stores no answer")
    codes = set(question.codes())
    if question.type == "multiple_choice":
        selected = value.split()
        if not selected or not set(selected) <= codes or len(set(selected)) != len(selected):
            raise DomainError(f"question {question.key!r}: unknown choice")
        if PNA_CODE in selected and len(selected) > 1:
            raise DomainError(f"question {question.key!r}: {PNA_CODE} excludes other choices")
    elif question.is_closed:
        if value not in codes:
            raise DomainError(f"question {question.key!r}: unknown choice")
    elif question.type == "integer" and value != PNA_CODE:
        number = questionnaires.score(question, value)
        if number is None:
            raise DomainError(f"question {question.key!r}: not a whole number")
        if (question.min is not None and number < question.min) or (
            question.max is not None and number > question.max
        ):
            raise DomainError(f"question {question.key!r}: out of range")
    elif question.type in ("decimal", "date") and value != PNA_CODE:
        pattern = DECIMAL_CODE_RE if question.type == "decimal" else DATE_CODE_RE
        if not pattern.fullmatch(value):
            raise DomainError(f"question {question.key!r}: not a {question.type}")
    elif value == PNA_CODE and not question.prefer_not_to_answer:
        raise DomainError(f"question {question.key!r}: prefer-not-to-answer is not offered")


# --- opening a survey ----------------------------------------------------------------


def _usable(invitation: Invitation | None, now: datetime) -> bool:
    return (
        invitation is not None
        and invitation.completed_at is None
        and invitation.expired_at is None
        and invitation.expires_at > now
        and invitation.wave.study.status == "active"
    )


def find_invitation(session: Session, token: str, *, now: datetime | None = None) -> Invitation:
    """The invitation a link token or printed short code opens, if it can still be used.

    Raises :class:`LinkUnavailable` for every reason alike (unknown, used,
    expired, study paused or closed): the respondent's page must not reveal
    whether a token ever existed.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise LinkUnavailable("link unavailable")
    candidates = [hash_secret(token)]
    short = hash_short_code(token)
    if short is not None:
        candidates.append(short)
    invitation = session.scalar(
        select(Invitation).where(
            or_(Invitation.token_hash.in_(candidates), Invitation.short_code_hash.in_(candidates))
        )
    )
    if invitation is None or not _usable(invitation, now or utcnow()):
        raise LinkUnavailable("link unavailable")
    return invitation


def _response_for_invitation(
    session: Session, invitation: Invitation, *, mode: str, language: str, now: datetime
) -> Response:
    """The invitation's response, created on first opening (one per invitation)."""
    response = session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    if invitation.opened_at is None:
        invitation.opened_at = now
    if response is None:
        wave: Wave = invitation.wave
        beneficiary: Beneficiary = invitation.beneficiary
        response = Response(
            organisation_id=wave.study.organisation_id,
            study_id=wave.study_id,
            wave_id=wave.id,
            questionnaire_version_id=wave.questionnaire_version_id,
            site_id=beneficiary.site_id,
            invitation_id=invitation.id,
            beneficiary_id=beneficiary.id,
            mode=mode,
            language=language,
        )
        try:
            with session.begin_nested():
                session.add(response)
        except IntegrityError:
            # The same link opened twice at the same moment (a double tap on a
            # slow phone): the other request created the response first.
            response = session.scalar(
                select(Response).where(Response.invitation_id == invitation.id)
            )
            if response is None:
                raise
            response.mode = mode
    else:
        response.mode = mode
    session.flush()
    return response


def open_invitation(
    session: Session, token: str, *, language: str, now: datetime | None = None
) -> Response:
    """Exchange a link token (or short code) for the response it leads to.

    Opening the link again later finds the same response, which is how a
    person resumes on another day or another phone. The mode is "self".
    """
    now = now or utcnow()
    invitation = find_invitation(session, token, now=now)
    return _response_for_invitation(session, invitation, mode="self", language=language, now=now)


def assistable_invitation(
    session: Session, organisation_id: int, site_ids: frozenset[int] | None, invitation_id: int
) -> Invitation:
    """An invitation of the organisation (and of ``site_ids`` unless None), else NotFound."""
    query = (
        select(Invitation)
        .join(Beneficiary, Beneficiary.id == Invitation.beneficiary_id)
        .where(Invitation.id == invitation_id, Beneficiary.organisation_id == organisation_id)
    )
    if site_ids is not None:
        query = query.where(Beneficiary.site_id.in_(site_ids))
    invitation = session.scalar(query)
    if invitation is None:
        raise NotFound("invitation not found")
    return invitation


def start_assisted(
    session: Session,
    *,
    organisation_id: int,
    site_ids: frozenset[int] | None,
    invitation_id: int,
    mode: str,
    actor: User,
    language: str,
    now: datetime | None = None,
) -> Response:
    """A social worker opens the survey for a beneficiary of their sites.

    ``site_ids`` None means every site of the organisation; an invitation of
    another organisation or another site is :class:`NotFound`. The mode
    (assisted or read-aloud) is recorded on the response.
    """
    if mode not in ASSISTED_MODES:
        raise DomainError(f"unknown mode {mode!r}")
    now = now or utcnow()
    invitation = assistable_invitation(session, organisation_id, site_ids, invitation_id)
    if invitation.completed_at is not None:
        raise Conflict("completed")
    if invitation.expired_at is not None or invitation.expires_at <= now:
        raise Conflict("expired")
    if invitation.wave.study.status != "active":
        raise Conflict("inactive")
    response = _response_for_invitation(session, invitation, mode=mode, language=language, now=now)
    audit.record(
        session,
        "response.assisted_start",
        actor=actor,
        organisation_id=organisation_id,
        object_type="invitation",
        object_id=invitation.id,
        details={"mode": mode, "wave": invitation.wave.key},
    )
    return response


def find_open_link(session: Session, token: str) -> OpenLink:
    """The active open link of an active study that ``token`` opens, else LinkUnavailable."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise LinkUnavailable("link unavailable")
    link = session.scalar(select(OpenLink).where(OpenLink.token_hash == hash_secret(token)))
    if link is None or not link.active or link.closed_at is not None:
        raise LinkUnavailable("link unavailable")
    study = session.get(Study, link.study_id)
    if study is None or study.status != "active":
        raise LinkUnavailable("link unavailable")
    return link


def start_open_response(
    session: Session, open_link_id: int, *, language: str, submission_key: str
) -> Response:
    """An anonymous response through an open link, created when the person consents.

    Nothing that could re-identify the person is stored: no beneficiary, no
    invitation, no start time (only the completion day), and a random id.
    The consent page's idempotency key makes a double tap create one
    response, not two: the repeated submission gets the first one back.
    """
    link = session.get(OpenLink, open_link_id)
    if link is None or not link.active or link.closed_at is not None:
        raise LinkUnavailable("link unavailable")
    study = session.get(Study, link.study_id)
    wave = session.get(Wave, link.wave_id)
    if study is None or wave is None or study.status != "active":
        raise LinkUnavailable("link unavailable")
    earlier = _response_of_key(session, submission_key)
    if earlier is not None:
        return earlier
    response = Response(
        organisation_id=study.organisation_id,
        study_id=study.id,
        wave_id=wave.id,
        questionnaire_version_id=wave.questionnaire_version_id,
        site_id=link.site_id,
        mode="self",
        language=language,
        consented=True,
    )
    session.add(response)
    session.flush()
    if not claim_submission(session, response, submission_key, response.revision):
        session.delete(response)  # a concurrent twin created it first
        session.flush()
        earlier = _response_of_key(session, submission_key)
        if earlier is None:
            raise LinkUnavailable("link unavailable")
        return earlier
    return response


def _response_of_key(session: Session, submission_key: str) -> Response | None:
    used = session.get(SubmissionKey, submission_key)
    return None if used is None else session.get(Response, used.response_id)


def respondent_response(session: Session, response_id: object) -> Response | None:
    """The response a respondent session points at (None when gone or not a live survey)."""
    if not isinstance(response_id, str) or len(response_id) != 32:
        return None
    response = session.get(Response, response_id)
    if response is None or response.imported:
        return None
    return response


def accepts_answers(session: Session, response: Response) -> bool:
    """Whether answers may still be saved: the study is active and the response not submitted."""
    study = session.get(Study, response.study_id)
    return response.completed_on is None and study is not None and study.status == "active"


def is_open_link_response(response: Response | ResponseSnapshot) -> bool:
    return response.invitation_id is None and response.beneficiary_id is None


# --- page submissions ------------------------------------------------------------------


def claim_submission(session: Session, response: Response, key: str, revision: int) -> bool:
    """Record that the page with ``key`` is being processed.

    Returns False when the key was already used (a double tap or a retry: do
    nothing and move on). Raises :class:`StalePage` when the page was
    rendered before another save (``revision`` no longer current); the
    caller must then roll back. On success the response's revision moves on.
    """
    if session.get(SubmissionKey, key) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(SubmissionKey(key=key, response_id=response.id))
    except IntegrityError:  # the same key committed by a concurrent request
        return False
    bumped = session.execute(
        update(Response)
        .where(Response.id == response.id, Response.revision == revision)
        .values(revision=Response.revision + 1)
        .execution_options(synchronize_session=False)
    )
    if not bumped.rowcount:
        raise StalePage("this page was rendered before a later save")
    # The row matched ``revision`` and was moved on by one: no need to read it back.
    set_committed_value(response, "revision", revision + 1)
    return True


def give_consent(
    session: Session,
    response: Response,
    *,
    submission_key: str,
    revision: int,
    now: datetime | None = None,
) -> bool:
    """The person agreed to answer; returns False for a repeated submission."""
    if not claim_submission(session, response, submission_key, revision):
        return False
    now = now or utcnow()
    response.consented = True
    if response.started_at is None and not is_open_link_response(response):
        response.started_at = now
    if response.invitation_id is not None:
        invitation = session.get(Invitation, response.invitation_id)
        if invitation is not None and invitation.started_at is None:
            invitation.started_at = now
    session.flush()
    return True


def _prune_hidden(session: Session, response: Response, definition: Questionnaire) -> None:
    """Drop stored answers of questions that the current answers hide."""
    answers = stored_answers(response)
    shown = {q.key for q in visible_questions(definition, answers)}
    for answer in list(response.answers):
        if answer.question_key not in shown:
            response.answers.remove(answer)
            session.delete(answer)


def save_answer(
    session: Session,
    response: Response,
    definition: Questionnaire,
    question_key: str,
    value: str | None,
    *,
    submission_key: str,
    revision: int,
    language: str,
) -> bool:
    """Store one page's answer (None = left blank); False for a repeated submission.

    Raises :class:`StalePage` (roll back) and :class:`DomainError` for a
    question that is not shown now or a value it cannot hold.
    """
    question = definition.question(question_key)
    answers = stored_answers(response)
    if not is_visible(definition, answers, question_key):
        raise NotFound("question not shown")
    check_value(question, value)
    if not claim_submission(session, response, submission_key, revision):
        return False
    if question.stores_answer:
        number = questionnaires.score(question, value)
        existing = next((a for a in response.answers if a.question_key == question_key), None)
        if existing is None:
            response.answers.append(Answer(question_key=question_key, value=value, number=number))
        else:
            existing.value = value
            existing.number = number
        session.flush()
        _prune_hidden(session, response, definition)
    response.language = language
    answers = stored_answers(response)
    response.resume_at = next_key(definition, answers, question_key)
    session.flush()
    return True


def submit(
    session: Session,
    response: Response,
    definition: Questionnaire,
    *,
    submission_key: str,
    revision: int,
    language: str,
    now: datetime | None = None,
) -> bool:
    """Complete the response from the review page; False for a repeated submission.

    Every shown question must have been through its page (a stored row,
    possibly blank) and every required one answered, else
    :class:`IncompleteResponse` names the question to go back to.
    """
    answers = stored_answers(response)
    for question in visible_questions(definition, answers):
        if not question.stores_answer:
            continue
        if question.key not in answers or (question.required and answers[question.key] is None):
            raise IncompleteResponse(question.key)
    if not claim_submission(session, response, submission_key, revision):
        return False
    now = now or utcnow()
    _prune_hidden(session, response, definition)
    if language not in ("fr", "en"):
        raise DomainError(f"unknown language {language!r}")
    response.language = language
    response.resume_at = None
    response.completed_on = now.date()
    if not is_open_link_response(response):
        response.completed_at = now
        if response.started_at is None:
            response.started_at = now
    if response.invitation_id is not None:
        invitation = session.get(Invitation, response.invitation_id)
        if invitation is not None:
            invitation.completed_at = now
            if invitation.started_at is None:
                invitation.started_at = now
    session.flush()
    return True


@dataclass(frozen=True)
class Place:
    """Where a respondent session stands: the page to show next."""

    page: str  # "consent" | "question" | "review" | "done"
    question_key: str | None = None


def place_of(
    response: Response | ResponseSnapshot,
    definition: Questionnaire,
    answers: Mapping[str, str | None] | None = None,
) -> Place:
    """Resume point: consent, the first question not yet saved, the review, or done.

    ``answers`` are the response's stored answers when the caller has them
    already (a snapshot has no ORM relationship to read them from).
    """
    if response.completed_on is not None:
        return Place("done")
    if not response.consented:
        return Place("consent")
    if answers is None:
        assert isinstance(response, Response)  # noqa: S101 - a snapshot comes with its answers
        answers = stored_answers(response)
    key = first_unanswered(definition, answers)
    return Place("question", key) if key else Place("review")


__all__ = [
    "ASSISTED_MODES",
    "MODES",
    "IncompleteResponse",
    "LinkUnavailable",
    "Place",
    "Respondent",
    "StalePage",
    "accepts_answers",
    "assistable_invitation",
    "claim_submission",
    "definition_by_id",
    "definition_for",
    "find_invitation",
    "find_open_link",
    "first_unanswered",
    "give_consent",
    "load_respondent",
    "next_key",
    "open_invitation",
    "place_of",
    "position",
    "previous_key",
    "respondent_response",
    "respondent_snapshot",
    "save_answer",
    "start_assisted",
    "start_open_response",
    "submit",
    "visible_questions",
]
