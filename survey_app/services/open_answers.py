"""Open answers of a study: de-identified reading, theme suggestions, people's decisions.

Every text leaves this module through :func:`analysis.redact` (with the
organisation's staff names): only the raw export shows what people typed.
The machine suggests themes (:func:`suggest`); a quality manager renames,
merges, splits, rejects, validates and assigns them and excludes quotes. Each
decision is stored with who and when, and appended to the audit trail
(``details`` never hold answer text). Functions take a session and plain
values, flush, never commit, and raise :class:`NotFound`/:class:`Conflict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from survey_app.models import (
    Answer,
    Membership,
    OpenAnswerAssignment,
    OpenAnswerQuoteExclusion,
    OpenAnswerTheme,
    QuestionnaireVersion,
    Response,
    Site,
    Study,
    User,
    utcnow,
)
from survey_app.services import audit, questionnaire_store
from survey_app.services.errors import Conflict, NotFound

if TYPE_CHECKING:
    from analysis.themes import ThemeSection

# analysis (pandas, scikit-learn) is imported inside the functions that use it:
# start-up is a hot path and most requests never read an open answer.
OPEN_TYPES = ("text_long",)
MAX_LABEL = 120


@dataclass(frozen=True)
class OpenAnswerRow:
    """One de-identified answer, with what the review page and the report need."""

    response_id: str
    question_key: str
    person: str
    site: str
    mode: str
    language: str
    completed_on: datetime | None
    text: str
    themes: tuple[int, ...]
    quotable: bool

    @property
    def key(self) -> str:
        return f"{self.response_id}:{self.question_key}"


def parse_answer_key(value: str) -> tuple[str, str]:
    response_id, sep, question_key = value.partition(":")
    if not sep or not response_id or not question_key:
        raise NotFound(f"not an answer reference: {value!r}")
    return response_id, question_key


def open_question_keys(session: Session, study: Study) -> list[str]:
    """Keys of the long free-text questions of the study's questionnaire versions."""
    version_ids = {wave.questionnaire_version_id for wave in study.waves}
    keys: dict[str, None] = {}
    for version in session.scalars(
        select(QuestionnaireVersion).where(QuestionnaireVersion.id.in_(version_ids))
    ):
        for question in questionnaire_store.definition_of(version).questions:
            if question.type in OPEN_TYPES:
                keys[question.key] = None
    return list(keys)


def staff_names(session: Session, organisation_id: int) -> list[str]:
    """Display names of the organisation's staff, taken out of every answer."""
    names = session.scalars(
        select(User.display_name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id)
    ).all()
    return sorted({n.strip() for n in names if n and n.strip()})


def load_answers(
    session: Session,
    study: Study,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    sites: tuple[str, ...] = (),
) -> list[OpenAnswerRow]:
    """The study's non-empty open answers, de-identified, in a stable order.

    The period and sites filter as a report's parameters do.
    """
    from analysis.redact import redact

    keys = open_question_keys(session, study)
    if not keys:
        return []
    staff = staff_names(session, study.organisation_id)
    query = (
        select(
            Answer.response_id,
            Answer.question_key,
            Answer.value,
            Response.beneficiary_id,
            Response.mode,
            Response.language,
            Response.completed_on,
            Site.code,
        )
        .join(Response, Response.id == Answer.response_id)
        .join(Site, Site.id == Response.site_id)
        .where(
            Response.study_id == study.id,
            Response.completed_at.is_not(None),
            Answer.question_key.in_(keys),
            Answer.value.is_not(None),
            Answer.value != "_pna",
        )
        .order_by(Response.completed_on, Answer.response_id, Answer.question_key)
    )
    if date_from:
        query = query.where(Response.completed_on >= date_from)
    if date_to:
        query = query.where(Response.completed_on <= date_to)
    if sites:
        query = query.where(Site.code.in_(sites))
    rows = session.execute(query).all()
    assigned: dict[tuple[str, str], list[int]] = {}
    for theme_id, response_id, question_key in session.execute(
        select(
            OpenAnswerAssignment.theme_id,
            OpenAnswerAssignment.response_id,
            OpenAnswerAssignment.question_key,
        )
        .join(OpenAnswerTheme)
        .where(OpenAnswerTheme.study_id == study.id)
    ):
        assigned.setdefault((response_id, question_key), []).append(theme_id)
    excluded = set(
        session.execute(
            select(OpenAnswerQuoteExclusion.response_id, OpenAnswerQuoteExclusion.question_key)
            .join(Response, Response.id == OpenAnswerQuoteExclusion.response_id)
            .where(Response.study_id == study.id)
        ).all()
    )
    answers = []
    for response_id, question_key, value, beneficiary_id, mode, language, day, site in rows:
        if not value.strip():
            continue
        answers.append(
            OpenAnswerRow(
                response_id=response_id,
                question_key=question_key,
                person=f"b{beneficiary_id}" if beneficiary_id else f"r{response_id}",
                site=site,
                mode=mode,
                language=language,
                completed_on=day,
                text=redact(
                    value, language if language in ("fr", "en") else "fr", extra_names=staff
                ),
                themes=tuple(sorted(assigned.get((response_id, question_key), []))),
                quotable=(response_id, question_key) not in excluded,
            )
        )
    return answers


def themes_of(session: Session, study: Study) -> list[OpenAnswerTheme]:
    return list(
        session.scalars(
            select(OpenAnswerTheme)
            .where(OpenAnswerTheme.study_id == study.id)
            .order_by(OpenAnswerTheme.status, OpenAnswerTheme.label, OpenAnswerTheme.id)
        ).all()
    )


def get_theme(session: Session, study: Study, theme_id: int) -> OpenAnswerTheme:
    theme = session.get(OpenAnswerTheme, theme_id)
    if theme is None or theme.study_id != study.id:
        raise NotFound("no such theme in this study")
    return theme


def _audit(
    session: Session, study: Study, action: str, actor: User | None, theme_id: int | str, **details
) -> None:
    audit.record(
        session,
        f"open_answers.{action}",
        actor=actor,
        actor_label="" if actor else "system",
        organisation_id=study.organisation_id,
        object_type="open_answer_theme",
        object_id=theme_id,
        details={"study": study.slug, **details},
    )


def _clean_label(label: str) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise Conflict("A theme needs a name.")
    if len(label) > MAX_LABEL:
        raise Conflict(f"A theme name has at most {MAX_LABEL} characters.")
    return label


def suggest(session: Session, study: Study, actor: User | None) -> list[OpenAnswerTheme]:
    """Replace the pending suggestions with fresh ones from the model.

    Validated and rejected themes and every assignment a person made stay as
    they are; only the model's pending suggestions are recomputed, on the
    answers no validated theme holds yet.
    """
    from analysis.themes import suggest_themes

    answers = load_answers(session, study)
    pending = [
        t for t in themes_of(session, study) if t.status == "suggested" and t.origin == "model"
    ]
    for theme in pending:
        session.delete(theme)
    session.flush()
    decided = {
        (a.response_id, a.question_key)
        for a in session.scalars(
            select(OpenAnswerAssignment)
            .join(OpenAnswerTheme)
            .where(OpenAnswerTheme.study_id == study.id)
        )
    }
    open_answers = [a for a in answers if (a.response_id, a.question_key) not in decided]
    created = []
    for suggestion in suggest_themes([a.text for a in open_answers]):
        theme = OpenAnswerTheme(
            organisation_id=study.organisation_id,
            study_id=study.id,
            label=suggestion.label[:MAX_LABEL],
            top_words=" ".join(suggestion.top_words),
            status="suggested",
            origin="model",
        )
        session.add(theme)
        session.flush()
        for index in suggestion.members:
            answer = open_answers[index]
            session.add(
                OpenAnswerAssignment(
                    theme_id=theme.id,
                    response_id=answer.response_id,
                    question_key=answer.question_key,
                )
            )
        created.append(theme)
    session.flush()
    _audit(session, study, "suggested", actor, "", themes=len(created), answers=len(open_answers))
    return created


def rename(session: Session, study: Study, theme_id: int, label: str, actor: User) -> None:
    theme = get_theme(session, study, theme_id)
    old = theme.label
    theme.label = _clean_label(label)
    session.flush()
    _audit(session, study, "renamed", actor, theme.id, old=old, new=theme.label)


def decide(session: Session, study: Study, theme_id: int, status: str, actor: User) -> None:
    """Validate, reject, or send back to suggestions; records who and when."""
    if status not in ("validated", "rejected", "suggested"):
        raise Conflict(f"unknown decision {status!r}")
    theme = get_theme(session, study, theme_id)
    theme.status = status
    theme.decided_by_id = actor.id
    theme.decided_at = utcnow()
    session.flush()
    _audit(session, study, status, actor, theme.id, label=theme.label)


def create_theme(session: Session, study: Study, label: str, actor: User) -> OpenAnswerTheme:
    theme = OpenAnswerTheme(
        organisation_id=study.organisation_id,
        study_id=study.id,
        label=_clean_label(label),
        origin="person",
        status="suggested",
    )
    session.add(theme)
    session.flush()
    _audit(session, study, "created", actor, theme.id, label=theme.label)
    return theme


def _assign(session: Session, theme: OpenAnswerTheme, key: tuple[str, str], actor: User) -> None:
    existing = session.get(OpenAnswerAssignment, (theme.id, key[0], key[1]))
    if existing is None:
        session.add(
            OpenAnswerAssignment(
                theme_id=theme.id, response_id=key[0], question_key=key[1], assigned_by_id=actor.id
            )
        )
    else:
        existing.assigned_by_id = actor.id
        existing.assigned_at = utcnow()


def _answer_keys(session: Session, study: Study, keys: list[str]) -> list[tuple[str, str]]:
    parsed = [parse_answer_key(k) for k in keys]
    if not parsed:
        raise Conflict("Choose at least one answer.")
    ids = {r for r, _ in parsed}
    found = set(
        session.scalars(
            select(Response.id).where(Response.id.in_(ids), Response.study_id == study.id)
        ).all()
    )
    if found != ids:
        raise NotFound("an answer is not in this study")
    return parsed


def merge(session: Session, study: Study, source_id: int, target_id: int, actor: User) -> None:
    """Move every answer of ``source`` into ``target`` and delete ``source``."""
    if source_id == target_id:
        raise Conflict("Choose another theme to merge into.")
    source = get_theme(session, study, source_id)
    target = get_theme(session, study, target_id)
    for assignment in list(source.assignments):
        _assign(session, target, (assignment.response_id, assignment.question_key), actor)
    label = source.label
    session.delete(source)
    session.flush()
    _audit(session, study, "merged", actor, target.id, merged=label, into=target.label)


def move_answers(
    session: Session,
    study: Study,
    keys: list[str],
    *,
    actor: User,
    from_theme_id: int | None = None,
    to_theme_id: int | None = None,
    new_label: str | None = None,
) -> OpenAnswerTheme | None:
    """Assign answers to a theme (an existing one or a new one: a split), or only remove them.

    With ``from_theme_id`` the answers leave that theme; with neither target
    nor new name they just leave it.
    """
    parsed = _answer_keys(session, study, keys)
    target = None
    if new_label:
        target = create_theme(session, study, new_label, actor)
    elif to_theme_id is not None:
        target = get_theme(session, study, to_theme_id)
    source = get_theme(session, study, from_theme_id) if from_theme_id is not None else None
    if target is None and source is None:
        raise Conflict("Choose a theme to move the answers to.")
    if source is not None and target is not None and source.id == target.id:
        raise Conflict("Choose another theme to move the answers to.")
    for key in parsed:
        if source is not None:
            session.execute(
                delete(OpenAnswerAssignment).where(
                    OpenAnswerAssignment.theme_id == source.id,
                    OpenAnswerAssignment.response_id == key[0],
                    OpenAnswerAssignment.question_key == key[1],
                )
            )
        if target is not None:
            _assign(session, target, key, actor)
    session.flush()
    _audit(
        session,
        study,
        "answers_moved",
        actor,
        target.id if target else source.id,  # type: ignore[union-attr]
        answers=len(parsed),
        source=source.label if source else None,
        target=target.label if target else None,
    )
    return target


def set_quotable(
    session: Session, study: Study, keys: list[str], quotable: bool, actor: User
) -> None:
    """Allow or forbid quoting these answers in reports."""
    for response_id, question_key in _answer_keys(session, study, keys):
        existing = session.get(OpenAnswerQuoteExclusion, (response_id, question_key))
        if quotable and existing is not None:
            session.delete(existing)
        elif not quotable and existing is None:
            session.add(
                OpenAnswerQuoteExclusion(
                    response_id=response_id, question_key=question_key, excluded_by_id=actor.id
                )
            )
    session.flush()
    _audit(
        session,
        study,
        "quotes_allowed" if quotable else "quotes_excluded",
        actor,
        "",
        answers=len(keys),
    )


def report_section(
    session: Session,
    study: Study,
    k: int,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    sites: tuple[str, ...] = (),
) -> ThemeSection:
    """The figures of "In their own words": validated themes only."""
    from analysis.themes import OpenAnswer, theme_section

    answers = load_answers(session, study, date_from=date_from, date_to=date_to, sites=sites)
    validated = [t for t in themes_of(session, study) if t.status == "validated"]
    labels = {t.id: t.label for t in validated}
    return theme_section(
        [
            OpenAnswer(
                person=a.person,
                site=a.site,
                mode=a.mode,
                language=a.language,
                text=a.text,
                themes=frozenset(labels[t] for t in a.themes if t in labels),
                quotable=a.quotable,
            )
            for a in answers
        ],
        sorted(labels.values()),
        k=k,
    )


def fingerprint(session: Session, study: Study) -> str:
    """Changes whenever a person decides something about themes or quotes (report cache)."""
    from sqlalchemy import func

    theme = session.execute(
        select(
            func.count(OpenAnswerTheme.id),
            func.max(OpenAnswerTheme.decided_at),
            func.max(OpenAnswerTheme.created_at),
        ).where(OpenAnswerTheme.study_id == study.id)
    ).one()
    assigned = session.execute(
        select(func.count(), func.max(OpenAnswerAssignment.assigned_at))
        .select_from(OpenAnswerAssignment)
        .join(OpenAnswerTheme)
        .where(OpenAnswerTheme.study_id == study.id)
    ).one()
    excluded = session.execute(
        select(func.count(), func.max(OpenAnswerQuoteExclusion.excluded_at))
        .select_from(OpenAnswerQuoteExclusion)
        .join(Response, Response.id == OpenAnswerQuoteExclusion.response_id)
        .where(Response.study_id == study.id)
    ).one()
    labels = session.scalars(
        select(OpenAnswerTheme.label)
        .where(OpenAnswerTheme.study_id == study.id, OpenAnswerTheme.status == "validated")
        .order_by(OpenAnswerTheme.label)
    ).all()
    return repr((tuple(theme), tuple(assigned), tuple(excluded), tuple(labels)))
