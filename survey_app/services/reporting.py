"""Impact reports for directors: parameters, data, cache and background generation.

The expensive part of a report (statistics, then PDF layout) is pure: it needs
only the tidy tables. A build reads the database (:func:`prepare`), then
analyses and renders without touching it (:func:`build_pdf`). PDFs are built
in the background as report jobs and kept as cached reports, both in the
database (:mod:`survey_app.report_jobs`), under a key made of the parameters
*and* a fingerprint of the data (number of completed responses and the
latest completion time in scope): the same download is served from the cache
until new answers arrive, which changes the key. Every app server sees the
same jobs and cache.

Cached reports belong to their organisation, so they go with the data they
derive from: an erasure and ``retention apply`` delete the organisation's
cached reports and jobs (:func:`purge_reports`), and entries older than
:data:`CACHE_MAX_AGE` expire even when nothing new is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import questionnaires
from survey_app.models import (
    Organisation,
    QuestionnaireVersion,
    Response,
    Site,
    Study,
    Wave,
)
from survey_app.report_jobs import store
from survey_app.services import open_answers, questionnaire_store
from survey_app.services.analysis_input import StudyTables, load_study_tables
from survey_app.services.errors import DomainError, NotFound

if TYPE_CHECKING:  # analysis, reports (pandas, matplotlib, WeasyPrint) load when a report is made
    import analysis
    import reports

log = logging.getLogger(__name__)

PERIOD_KINDS = ("all", "month", "quarter", "year", "custom")
REPORT_LANGUAGES = ("fr", "en")

WAVE_KIND_LABELS = {
    "baseline": {"fr": "Entrée", "en": "Baseline"},
    "follow_up": {"fr": "Suivi", "en": "Follow-up"},
    "exit": {"fr": "Sortie", "en": "Exit"},
}


@dataclass(frozen=True)
class ReportParameters:
    """What a director asks for; the cache key is built from these and the data."""

    study_id: int
    lang: str = "fr"
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sites: tuple[str, ...] = ()
    period_label: str | None = None
    #: Wave key in which sites, modes and languages are compared (None: the baseline).
    breakdown_wave: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "study_id": self.study_id,
            "lang": self.lang,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "sites": list(self.sites),
            "period_label": self.period_label,
            "breakdown_wave": self.breakdown_wave,
        }

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ReportParameters:
        """The parameters :meth:`as_dict` gave (a report job stores them so)."""
        return cls(
            study_id=int(values["study_id"]),
            lang=str(values.get("lang") or "fr"),
            date_from=dt.date.fromisoformat(values["from"]) if values.get("from") else None,
            date_to=dt.date.fromisoformat(values["to"]) if values.get("to") else None,
            sites=tuple(values.get("sites") or ()),
            period_label=values.get("period_label"),
            breakdown_wave=values.get("breakdown_wave"),
        )


def resolve_period(
    kind: str,
    *,
    year: int | None = None,
    month: int | None = None,
    quarter: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> tuple[dt.date | None, dt.date | None]:
    """First and last day (inclusive) of a month, quarter, year or custom range."""
    if kind == "all":
        return None, None
    if kind == "custom":
        if date_from and date_to and date_from > date_to:
            raise DomainError("The start date must be on or before the end date.")
        return date_from, date_to
    if year is None:
        raise DomainError("Choose a year.")
    if kind == "year":
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if kind == "quarter":
        if quarter not in (1, 2, 3, 4):
            raise DomainError("Choose a quarter between 1 and 4.")
        first = dt.date(year, 3 * (quarter - 1) + 1, 1)
        return first, _month_end(year, 3 * quarter)
    if kind == "month":
        if month is None or not 1 <= month <= 12:
            raise DomainError("Choose a month between 1 and 12.")
        return dt.date(year, month, 1), _month_end(year, month)
    raise DomainError(f"Unknown period {kind!r}.")


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def get_study(session: Session, organisation_id: int, study_id: int) -> Study:
    """The study of this organisation, or NotFound (never another tenant's)."""
    study = session.scalar(
        select(Study).where(Study.id == study_id, Study.organisation_id == organisation_id)
    )
    if study is None:
        raise NotFound("No such study.")
    return study


def find_study_by_slug(session: Session, slug: str, organisation_slug: str | None) -> Study:
    """For the CLI: the study with this slug (``--org`` when several organisations have it)."""
    query = select(Study).join(Organisation, Organisation.id == Study.organisation_id)
    query = query.where(Study.slug == slug)
    if organisation_slug:
        query = query.where(Organisation.slug == organisation_slug)
    found = session.scalars(query).all()
    if not found:
        suffix = f" in organisation {organisation_slug!r}" if organisation_slug else ""
        raise NotFound(f"no study {slug!r}{suffix}")
    if len(found) > 1:
        raise DomainError(f"several organisations have a study {slug!r}: add --org SLUG")
    return found[0]


def check_sites(session: Session, study: Study, codes: tuple[str, ...]) -> tuple[str, ...]:
    """The requested site codes, sorted, each checked against the organisation's sites."""
    known = set(
        session.scalars(select(Site.code).where(Site.organisation_id == study.organisation_id))
    )
    unknown = sorted(set(codes) - known)
    if unknown:
        raise DomainError(f"Unknown site code(s): {', '.join(unknown)}.")
    return tuple(sorted(set(codes)))


def wave_choices(session: Session, organisation_id: int, lang: str) -> list[tuple[str, str]]:
    """Wave keys of the organisation's studies, named by kind and delay, for the wave picker."""
    rows = session.execute(
        select(Wave.key, Wave.kind, Wave.delay_days)
        .join(Study, Study.id == Wave.study_id)
        .where(Study.organisation_id == organisation_id)
        .distinct()
        .order_by(Wave.delay_days, Wave.key)
    ).all()
    choices: dict[str, str] = {}
    for key, kind, delay in rows:
        name = WAVE_KIND_LABELS.get(kind, {}).get(lang, key)
        if kind == "follow_up" and delay:
            name = f"{name} (J+{delay})" if lang == "fr" else f"{name} (day {delay})"
        choices.setdefault(key, name)
    return list(choices.items())


def check_wave(session: Session, study: Study, key: str | None) -> str | None:
    """The requested breakdown wave, checked against the study's waves (None: the baseline)."""
    if key is None:
        return None
    known = set(session.scalars(select(Wave.key).where(Wave.study_id == study.id)))
    if key not in known:
        raise DomainError(f"Unknown wave: {key}.")
    return key


def data_fingerprint(session: Session, study: Study, params: ReportParameters) -> str:
    """Count and latest completion of the responses in scope: changes when answers arrive."""
    query = select(func.count(Response.id), func.max(Response.completed_at)).where(
        Response.study_id == study.id, Response.completed_on.is_not(None)
    )
    if params.date_from:
        query = query.where(Response.completed_on >= params.date_from)
    if params.date_to:
        query = query.where(Response.completed_on <= params.date_to)
    if params.sites:
        query = query.join(Site, Site.id == Response.site_id).where(Site.code.in_(params.sites))
    count, latest = session.execute(query).one()
    organisation = session.get(Organisation, study.organisation_id)
    assert organisation is not None  # noqa: S101 - foreign key
    # Names and the disclosure threshold are printed in the report too.
    return json.dumps(
        [
            count,
            latest.isoformat() if latest else None,
            organisation.min_cell_size,
            organisation.name,
            hashlib.sha256(organisation.logo_svg or b"").hexdigest(),
            study.title,
            open_answers.fingerprint(session, study),  # issue 17: theme decisions
        ]
    )


def cache_key(params: ReportParameters, fingerprint: str, version: str) -> str:
    payload = json.dumps(
        {"params": params.as_dict(), "data": fingerprint, "version": version}, sort_keys=True
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:40]


def report_key(
    session: Session, study: Study, params: ReportParameters, software_version: str
) -> str:
    """The cache key of this report now: cheap (one aggregate query), no table loading."""
    return fingerprinted_key(session, study, params, software_version)[0]


def fingerprinted_key(
    session: Session, study: Study, params: ReportParameters, software_version: str
) -> tuple[str, str]:
    """The cache key of this report now and the data fingerprint it was made from."""
    fingerprint = data_fingerprint(session, study, params)
    return cache_key(params, fingerprint, software_version), fingerprint


@dataclass(frozen=True)
class ReportInput:
    """Everything a worker thread needs: plain tables and values, no session."""

    key: str
    tables: StudyTables
    options: analysis.AnalysisOptions
    context: reports.ReportContext
    lang: str


def analysis_options(
    session: Session, study: Study, params: ReportParameters
) -> analysis.AnalysisOptions:
    """The options ``indicators --json`` uses for the same parameters (same numbers)."""
    import analysis

    organisation = session.get(Organisation, study.organisation_id)
    return analysis.AnalysisOptions(
        k=organisation.min_cell_size if organisation else 5,
        date_from=params.date_from,
        date_to=params.date_to,
        sites=params.sites or None,
        breakdown_wave=params.breakdown_wave or None,
    )


def report_context(
    session: Session,
    study: Study,
    params: ReportParameters,
    tables: StudyTables,
    *,
    software_version: str,
    now: dt.datetime | None = None,
) -> reports.ReportContext:
    import reports

    organisation = session.get(Organisation, study.organisation_id)
    assert organisation is not None  # noqa: S101 - foreign key
    sites = session.scalars(
        select(Site).where(Site.organisation_id == organisation.id).order_by(Site.code)
    ).all()
    waves = session.scalars(select(Wave).where(Wave.study_id == study.id)).all()
    wave_labels = {}
    for wave in waves:
        base = WAVE_KIND_LABELS.get(wave.kind, {"fr": wave.key, "en": wave.key})
        if wave.kind == "follow_up" and wave.delay_days:
            wave_labels[wave.key] = {
                "fr": f"{base['fr']} (J+{wave.delay_days})",
                "en": f"{base['en']} (day {wave.delay_days})",
            }
        else:
            wave_labels[wave.key] = dict(base)
    question_labels = {spec.key: dict(spec.label) for spec in tables.questions}
    choice_labels = {
        spec.key: {code: dict(text) for code, text in spec.choice_labels.items()}
        for spec in tables.questions
    }
    latest = session.scalar(
        select(func.max(Response.completed_at)).where(Response.study_id == study.id)
    )
    return reports.ReportContext(
        organisation=organisation.name,
        study_title=study.title,
        generated_at=now or dt.datetime.now(dt.UTC),
        software_version=software_version,
        date_from=params.date_from,
        date_to=params.date_to,
        period_label=params.period_label,
        data_cutoff=latest.replace(tzinfo=dt.UTC) if latest and latest.tzinfo is None else latest,
        sites=params.sites,
        site_labels={site.code: site.name for site in sites},
        wave_labels=wave_labels,
        question_labels=question_labels,
        choice_labels=choice_labels,
        questionnaire_versions=_version_titles(session, study, tables, params.lang),
        logo_svg=organisation.logo_svg,
        open_answers=open_answers.report_section(  # issue 17
            session,
            study,
            organisation.min_cell_size,
            date_from=params.date_from,
            date_to=params.date_to,
            sites=params.sites,
        ),
    )


def _version_titles(
    session: Session, study: Study, tables: StudyTables, lang: str
) -> tuple[str, ...]:
    """``"Title — key@number"`` for each questionnaire version of the study's waves and answers."""
    labels = set(tables.versions)
    ids = {wave.questionnaire_version_id for wave in study.waves}
    versions = session.scalars(
        select(QuestionnaireVersion).where(QuestionnaireVersion.id.in_(ids))
    ).all()
    result = {}
    for version in versions:
        labels.add(version.label)
        try:
            # The loader parsed these versions a moment ago, through the same per-process cache.
            definition = questionnaire_store.definition_of(version)
            title = definition.title.get(lang) or next(iter(definition.title.values()), "")
        except questionnaires.DefinitionError:
            title = version.questionnaire.title
        result[version.label] = f"{title} — {version.label}"
    return tuple(result.get(label, label) for label in sorted(labels))


def prepare(
    session: Session,
    study: Study,
    params: ReportParameters,
    *,
    software_version: str,
    now: dt.datetime | None = None,
) -> ReportInput:
    """Read what the report needs from the database (in the caller's session)."""
    tables = load_study_tables(
        session,
        study,
        date_from=params.date_from,
        date_to=params.date_to,
        site_codes=list(params.sites) or None,
    )
    key = report_key(session, study, params, software_version)
    return ReportInput(
        key=key,
        tables=tables,
        options=analysis_options(session, study, params),
        context=report_context(
            session, study, params, tables, software_version=software_version, now=now
        ),
        lang=params.lang,
    )


def analyse_from_database(
    session: Session, study: Study, params: ReportParameters
) -> analysis.StudyAnalysis:
    """The analysis ``indicators --json``, the API and the report share for ``params``.

    Tables and options come from the same two functions the PDF uses, so every
    output shows the same numbers under the same disclosure rules.
    """
    import analysis

    tables = load_study_tables(
        session,
        study,
        date_from=params.date_from,
        date_to=params.date_to,
        site_codes=list(params.sites) or None,
    )
    return analysis.analyse_study(
        tables.answers,
        tables.questions,
        invitations=tables.invitations,
        options=analysis_options(session, study, params),
    )


def analyse(report_input: ReportInput) -> analysis.StudyAnalysis:
    import analysis

    tables = report_input.tables
    return analysis.analyse_study(
        tables.answers,
        tables.questions,
        invitations=tables.invitations,
        options=report_input.options,
    )


def build_pdf(report_input: ReportInput) -> bytes:
    """Analyse and render (pure: safe in a worker thread)."""
    import reports

    return reports.build_report(analyse(report_input), report_input.context, report_input.lang)


def build_dashboard(report_input: ReportInput) -> str:
    import reports

    return str(
        reports.render_dashboard(analyse(report_input), report_input.context, report_input.lang)
    )


# --- cache and background jobs ------------------------------------------------------
# Both live in the database (survey_app/report_jobs): every app server sees the
# same builds and cached reports, and a restart loses neither.

CACHE_MAX_AGE = store.CACHE_MAX_AGE
ReportCache = store.ReportCache


def purge_reports(session: Session, organisation_id: int | None = None) -> int:
    """Delete the cached reports and report jobs of one organisation (of all, when None).

    Called when data they derive from is erased or purged, in the same
    transaction: the erasure and the purge are committed together. Returns
    the number of cached reports deleted.
    """
    return store.purge(session, organisation_id)


def expire_reports(session: Session, max_age: dt.timedelta = CACHE_MAX_AGE) -> int:
    """Delete every cached report older than ``max_age``, in every organisation."""
    return store.expire(session, max_age=max_age)


def _app_session(session: Session | None) -> Session | None:
    from flask import has_app_context

    if session is not None:
        return session
    if not has_app_context():
        return None
    from survey_app.extensions import db

    return db.session


def purge_app_reports(organisation_id: int | None = None, session: Session | None = None) -> int:
    """:func:`purge_reports` in ``session`` (default: the app's; no-op outside an app)."""
    found = _app_session(session)
    return purge_reports(found, organisation_id) if found is not None else 0


def expire_app_reports(session: Session | None = None) -> int:
    """:func:`expire_reports` in ``session`` (default: the app's; no-op outside an app)."""
    found = _app_session(session)
    return expire_reports(found) if found is not None else 0


def purge_report_cache(cache: ReportCache) -> int:
    """Delete every cached report and dashboard of the cache's organisation."""
    return cache.clear()
