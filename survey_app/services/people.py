"""Finding people in a study's follow-up: search, filters, sort and pages, in SQL.

A social worker's list may hold thousands of people. Each page is one query
for 50 beneficiary ids (with the total counted by the database), then one
query for those people's invitations; nobody else is loaded into Python.

The status of a person for a wave (see :data:`invitations.STATUSES`) is
computed by the database with the same rules as :func:`invitations.status_of`:

* no invitation — the baseline is due from the start of support; a later
  wave is due ``delay_days`` after the baseline invitation was created, and
  not yet due without a baseline invitation;
* an invitation — completed, else expired (stamped, or past its end day),
  else started (opened), else invited (handed over), else due.

"Who takes part" follows the study's enrolment (:func:`participants`): every
beneficiary of the covered sites when ``study.enrolled_from`` is NULL; else the
people registered since then, those enrolled one by one, and anyone already
invited to one of its waves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, and_, case, cast, exists, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from survey_app.models import Beneficiary, Invitation, Study, StudyEnrolment, Wave, utcnow
from survey_app.services import invitations

PAGE_SIZE = 50
SORTS = ("due", "code")


class add_days(FunctionElement):
    """``date(column) + days`` as a DATE, on SQLite and PostgreSQL."""

    type = Date()
    inherit_cache = True


@compiles(add_days)
def _add_days_default(element: Any, compiler: Any, **kw: Any) -> str:
    column, days = list(element.clauses)
    return f"(CAST({compiler.process(column, **kw)} AS DATE) + {compiler.process(days, **kw)})"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    column, days = list(element.clauses)
    return (
        f"date({compiler.process(column, **kw)}, '+' || {compiler.process(days, **kw)} || ' days')"
    )


@dataclass(frozen=True)
class Criteria:
    """What the worker asked for; every field comes from the GET form."""

    search: str = ""
    site_id: int | None = None
    wave_id: int | None = None
    status: str = ""
    sort: str = "due"
    page: int = 1


@dataclass(frozen=True)
class Page:
    beneficiary_ids: list[int]
    total: int
    page: int
    pages: int


def participants(study: Study) -> ColumnElement[bool]:
    """Whether a beneficiary (of a covered site) takes part in ``study``."""
    if study.enrolled_from is None:
        return literal(True)
    wave_ids = select(Wave.id).where(Wave.study_id == study.id).scalar_subquery()
    return or_(
        Beneficiary.created_at >= study.enrolled_from,
        exists().where(
            StudyEnrolment.study_id == study.id,
            StudyEnrolment.beneficiary_id == Beneficiary.id,
        ),
        exists().where(
            Invitation.beneficiary_id == Beneficiary.id, Invitation.wave_id.in_(wave_ids)
        ),
    )


def _status_and_due(
    wave: Wave, invitation: Any, baseline_invitation: Any, today: date
) -> tuple[ColumnElement[str], ColumnElement[Any]]:
    """SQL expressions for the person's status for ``wave`` and the day it is due."""
    start_of_today = datetime.combine(today, time.min)
    if wave.kind == "baseline":
        due_on: ColumnElement[Any] = cast(Beneficiary.support_started_on, Date)
        not_invited = case(
            (Beneficiary.support_started_on <= today, invitations.DUE),
            else_=invitations.UPCOMING,
        )
    else:
        due_on = add_days(baseline_invitation.created_at, wave.delay_days)
        due_from = start_of_today + timedelta(days=1) - timedelta(days=wave.delay_days)
        not_invited = case(
            (baseline_invitation.id.is_(None), invitations.UPCOMING),
            (baseline_invitation.created_at < due_from, invitations.DUE),
            else_=invitations.UPCOMING,
        )
    status = case(
        (invitation.id.is_(None), not_invited),
        (invitation.completed_at.is_not(None), invitations.COMPLETED),
        (
            or_(invitation.expired_at.is_not(None), invitation.expires_at < start_of_today),
            invitations.EXPIRED,
        ),
        (
            or_(invitation.started_at.is_not(None), invitation.opened_at.is_not(None)),
            invitations.STARTED,
        ),
        (invitation.sent_at.is_not(None), invitations.INVITED),
        else_=invitations.DUE,
    )
    return status, due_on


def find(
    session: Session,
    study: Study,
    site_ids: list[int],
    criteria: Criteria,
    *,
    today: date | None = None,
) -> Page:
    """One page of the people of ``study`` in ``site_ids`` matching ``criteria``.

    Sorted by the day their next open wave (not answered, not expired) is or
    was due, earliest first and people with nothing open last; or by code.
    """
    today = today or utcnow().date()
    waves = list(study.waves)
    covered = [site.id for site in study.sites if site.id in site_ids]
    if criteria.site_id is not None:
        covered = [site_id for site_id in covered if site_id == criteria.site_id]
    aliases = {wave.id: aliased(Invitation, name=f"inv_{wave.position}") for wave in waves}
    baseline = next((wave for wave in waves if wave.kind == "baseline"), None)
    baseline_alias = aliases[baseline.id] if baseline else None
    query = select(Beneficiary.id).where(
        Beneficiary.organisation_id == study.organisation_id,
        Beneficiary.site_id.in_(covered),
        participants(study),
    )
    statuses = {}
    dues = {}
    for wave in waves:
        alias = aliases[wave.id]
        query = query.outerjoin(
            alias, and_(alias.beneficiary_id == Beneficiary.id, alias.wave_id == wave.id)
        )
        statuses[wave.id], dues[wave.id] = _status_and_due(wave, alias, baseline_alias, today)
    search = criteria.search.strip().lower()
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(Beneficiary.code).like(f"%{escaped}%", escape="\\"))
    chosen = [wave for wave in waves if criteria.wave_id in (None, wave.id)]
    if criteria.status in invitations.STATUSES:
        query = query.where(or_(*[statuses[wave.id] == criteria.status for wave in chosen]))
    open_statuses = [invitations.UPCOMING, invitations.DUE, invitations.INVITED]
    open_statuses.append(invitations.STARTED)
    next_due = func.coalesce(
        *[case((statuses[wave.id].in_(open_statuses), dues[wave.id])) for wave in chosen],
        literal(None, Date),
    )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, criteria.page), pages)
    if criteria.sort == "code":
        order = [Beneficiary.code]
    else:
        order = [next_due.is_(None), next_due, Beneficiary.code]
    ids = list(
        session.scalars(query.order_by(*order).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    )
    return Page(beneficiary_ids=ids, total=total, page=page, pages=pages)


def rows_for(
    session: Session, study: Study, beneficiary_ids: list[int], *, today: date | None = None
) -> list[dict[str, Any]]:
    """The cells (wave, invitation, due day, status) of these people, in this order."""
    today = today or utcnow().date()
    if not beneficiary_ids:
        return []
    people = {
        person.id: person
        for person in session.scalars(
            select(Beneficiary).where(Beneficiary.id.in_(beneficiary_ids))
        ).all()
    }
    waves = list(study.waves)
    by_pair = {
        (inv.beneficiary_id, inv.wave_id): inv
        for inv in session.scalars(
            select(Invitation).where(
                Invitation.wave_id.in_([wave.id for wave in waves]),
                Invitation.beneficiary_id.in_(beneficiary_ids),
            )
        ).all()
    }
    baseline = next((wave for wave in waves if wave.kind == "baseline"), None)
    rows = []
    for person_id in beneficiary_ids:
        person = people[person_id]
        joined = by_pair.get((person.id, baseline.id)) if baseline else None
        cells = []
        for wave in waves:
            invitation = by_pair.get((person.id, wave.id))
            due_on: date | None
            if wave.kind == "baseline":
                due_on = person.support_started_on
            elif joined is not None:
                due_on = joined.created_at.date() + timedelta(days=wave.delay_days)
            else:
                due_on = None
            cells.append(
                {
                    "wave": wave,
                    "invitation": invitation,
                    "due_on": due_on,
                    "status": invitations.status_of(invitation, due_on=due_on, today=today),
                }
            )
        rows.append({"beneficiary": person, "cells": cells})
    return rows


@dataclass(frozen=True)
class Progress:
    """Live counts for one wave at one site (``site_code`` "" = every site)."""

    wave: Wave
    site_code: str
    counts: dict[str, int]

    @property
    def invited(self) -> int:
        """People handed an invitation (including those who then answered or let it expire)."""
        return sum(
            self.counts.get(status, 0)
            for status in (
                invitations.INVITED,
                invitations.STARTED,
                invitations.COMPLETED,
                invitations.EXPIRED,
            )
        )

    @property
    def answered(self) -> int:
        return self.counts.get(invitations.COMPLETED, 0)

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None

    @property
    def to_invite(self) -> int:
        return self.counts.get(invitations.DUE, 0)

    @property
    def not_yet_due(self) -> int:
        return self.counts.get(invitations.UPCOMING, 0)


def progress(session: Session, study: Study, *, today: date | None = None) -> list[Progress]:
    """Per wave, per site and in total: statuses counted by the database (GROUP BY)."""
    today = today or utcnow().date()
    waves = list(study.waves)
    baseline = next((wave for wave in waves if wave.kind == "baseline"), None)
    baseline_alias = aliased(Invitation, name="inv_base") if baseline else None
    site_codes = {site.id: site.code for site in study.sites}
    covered = [site.id for site in study.sites]
    result = []
    for wave in waves:
        alias = baseline_alias if wave is baseline else aliased(Invitation, name="inv_wave")
        status, _due = _status_and_due(wave, alias, baseline_alias, today)
        query = select(Beneficiary.site_id, status.label("status"), func.count()).where(
            Beneficiary.organisation_id == study.organisation_id,
            Beneficiary.site_id.in_(covered),
            participants(study),
        )
        if baseline_alias is not None:
            query = query.outerjoin(
                baseline_alias,
                and_(
                    baseline_alias.beneficiary_id == Beneficiary.id,
                    baseline_alias.wave_id == baseline.id,  # type: ignore[union-attr]
                ),
            )
        if wave is not baseline:
            query = query.outerjoin(
                alias, and_(alias.beneficiary_id == Beneficiary.id, alias.wave_id == wave.id)
            )
        per_site: dict[int, dict[str, int]] = {}
        for site_id, status_value, count in session.execute(
            query.group_by(Beneficiary.site_id, status)
        ).all():
            per_site.setdefault(site_id, {})[status_value] = count
        total: dict[str, int] = {}
        for site_id in covered:
            counts = per_site.get(site_id, {})
            for key, value in counts.items():
                total[key] = total.get(key, 0) + value
            result.append(Progress(wave, site_codes.get(site_id, "?"), counts))
        result.append(Progress(wave, "", total))
    return result
