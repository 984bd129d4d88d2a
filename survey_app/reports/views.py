"""Director dashboards, report downloads and exports.

Thin views: the form parses the query string, :mod:`survey_app.services.reporting`
and :mod:`survey_app.services.exports` do the work, each download is recorded
in the audit trail and committed once at the end of the view.

A PDF is built in the background as a report job (:mod:`survey_app.report_jobs`:
a thread here on SQLite, a ``jobs worker`` process on PostgreSQL); the job and
the finished PDF are in the database, so any app server answers. Until it is
ready the page refreshes itself with ``<meta http-equiv="refresh">`` (no
script, so the Content Security Policy stays strict), and the same address
then serves the file, from the cache on later visits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_date
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

import survey_app
from survey_app.extensions import db
from survey_app.models import Site, Study
from survey_app.report_jobs import runner, store
from survey_app.reports.forms import ExportForm, ReportForm, options
from survey_app.security.permissions import Permission, requires
from survey_app.security.sessions import current_organisation_id
from survey_app.services import audit, exports, reporting
from survey_app.services.errors import DomainError, NotFound

blueprint = Blueprint("reports", __name__, url_prefix="/reports")

MIME = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
REFRESH_SECONDS = 2


def _cache() -> reporting.ReportCache:
    """This organisation's cached reports (in the database: every app server sees them)."""
    return reporting.ReportCache(db.session, current_organisation_id())


def _form(data: MultiDict | None = None) -> ReportForm:
    organisation_id = current_organisation_id()
    form = ReportForm(formdata=data if data is not None else request.args)
    studies = db.session.scalars(
        select(Study).where(Study.organisation_id == organisation_id).order_by(Study.title)
    ).all()
    form.study.choices = options([(study.id, study.title) for study in studies])
    sites = db.session.scalars(
        select(Site).where(Site.organisation_id == organisation_id).order_by(Site.code)
    ).all()
    form.sites.choices = options([(site.code, site.name) for site in sites])
    waves = reporting.wave_choices(db.session, organisation_id, str(get_locale() or "fr"))
    form.breakdown_wave.choices = options([("", _("The baseline (entry) questionnaires")), *waves])
    if not form.year.data and not request.args.get("year"):
        form.year.data = dt.date.today().year
    return form


def _period_label(form: ReportForm, date_from: dt.date | None, date_to: dt.date | None) -> str:
    """The period in the report's language (the report may differ from the UI language)."""
    lang = form.lang.data
    if form.period.data == "year":
        return str(form.year.data)
    if form.period.data == "quarter":
        prefix = "T" if lang == "fr" else "Q"
        return f"{prefix}{form.quarter.data} {form.year.data}"
    if form.period.data == "month" and date_from:
        return format_date(date_from, "MMMM y", locale=lang).capitalize()
    if date_from or date_to:
        first = format_date(date_from, "long", locale=lang) if date_from else "…"
        last = format_date(date_to, "long", locale=lang) if date_to else "…"
        return f"{first} – {last}"
    return "Toutes les réponses" if lang == "fr" else "All answers"


def _parameters(form: ReportForm) -> tuple[Study, reporting.ReportParameters]:
    """Validated parameters of the form, for a study of the current organisation."""
    study = reporting.get_study(db.session, current_organisation_id(), form.study.data)
    date_from, date_to = reporting.resolve_period(
        form.period.data,
        year=form.year.data,
        month=form.month.data or None,
        quarter=form.quarter.data or None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )
    sites = reporting.check_sites(db.session, study, tuple(form.sites.data or ()))
    breakdown_wave = reporting.check_wave(db.session, study, form.breakdown_wave.data or None)
    params = reporting.ReportParameters(
        study_id=study.id,
        lang=form.lang.data,
        date_from=date_from,
        date_to=date_to,
        sites=sites,
        period_label=_period_label(form, date_from, date_to),
        breakdown_wave=breakdown_wave,
    )
    return study, params


def _valid_form_or_page() -> tuple[ReportForm, Any]:
    form = _form()
    if "study" not in request.args:
        return form, render_template("reports/index.html", form=form)
    if form.study.data is not None and form.study.data not in {
        choice.value for choice in form.study.choices
    }:
        abort(404)  # a study of another organisation does not exist here
    if not form.validate():
        return form, (render_template("reports/index.html", form=form), 400)
    return form, None


def _chosen_report() -> tuple[ReportForm, Any, Any, Any]:
    """The form, study and parameters of the request, or the page to answer instead."""
    form, page = _valid_form_or_page()
    if page is not None:
        return form, None, None, page
    try:
        study, params = _parameters(form)
    except NotFound:
        abort(404)
    except DomainError as error:
        form.form_errors.append(str(error))
        return form, None, None, (render_template("reports/index.html", form=form), 400)
    return form, study, params, None


def _audit(action: str, study: Study, params: reporting.ReportParameters, **extra: Any) -> None:
    audit.record(
        db.session,
        action,
        actor=g.user,
        organisation_id=study.organisation_id,
        object_type="study",
        object_id=study.id,
        details={**params.as_dict(), **extra},
    )


def _download(content: bytes, filename: str, fmt: str) -> Response:
    response = Response(content, content_type=MIME[fmt])  # MIME holds the charset already
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(study: Study, params: reporting.ReportParameters, kind: str, fmt: str) -> str:
    parts = [study.slug, kind]
    if params.date_from:
        parts.append(params.date_from.isoformat())
    if params.date_to:
        parts.append(params.date_to.isoformat())
    if kind == "report":
        parts.append(params.lang)
    return "-".join(parts) + f".{fmt}"


@blueprint.get("/")
@requires(Permission.VIEW_DASHBOARD)
def index() -> Any:
    form, page = _valid_form_or_page()
    if page is not None:
        return page
    return render_template("reports/index.html", form=form)


@blueprint.get("/preview")
@requires(Permission.VIEW_DASHBOARD)
def preview() -> Any:
    """The dashboard: the report's content as a web page, cached like the PDF."""
    form, study, params, page = _chosen_report()
    if page is not None:
        return page
    version = survey_app.__version__
    cache = _cache()
    key, fingerprint = reporting.fingerprinted_key(db.session, study, params, version)
    cached = cache.get(key, "html")
    if cached is None:
        report_input = reporting.prepare(db.session, study, params, software_version=version)
        html = reporting.build_dashboard(report_input)
        cache.put(key, "html", html.encode("utf-8"), fingerprint=fingerprint)
    else:
        html = cached.decode("utf-8")
    _audit("report.preview", study, params)
    db.session.commit()
    # Produced by reports' autoescaping environment (or read back from our cache).
    dashboard = Markup(html)  # noqa: S704  # nosec B704
    return render_template(
        "reports/preview.html",
        form=form,
        study=study,
        params=params,
        dashboard=dashboard,
        query=request.query_string.decode("ascii", "replace"),
    )


@blueprint.get("/report.pdf")
@requires(Permission.DOWNLOAD_REPORTS)
def download_pdf() -> Any:
    """Serve the PDF from cache, or start generating it and show its progress."""
    _form_used, study, params, page = _chosen_report()
    if page is not None:
        return page
    version = survey_app.__version__
    cache = _cache()
    key = reporting.report_key(db.session, study, params, version)
    content = cache.get(key, "pdf")
    if content is not None:
        _audit("report.download", study, params, format="pdf")
        db.session.commit()
        return _download(content, _filename(study, params, "report", "pdf"), "pdf")
    job = store.latest_job(db.session, study.organisation_id, key, "pdf")
    # "done" without a cached PDF: the cache was emptied since; build it again.
    # Queued or running but silent for long: its worker stopped; build it again.
    if (
        job is None
        or job.state == "done"
        or store.is_stale(job)
        or (job.state == "failed" and request.args.get("retry"))
    ):
        job = store.create_job(
            db.session,
            organisation_id=study.organisation_id,
            study_id=study.id,
            requested_by_id=g.user.id,
            key=key,
            fmt="pdf",
            language=params.lang,
            parameters=params.as_dict(),
            software_version=version,
        )
        db.session.commit()
        try:
            runner.dispatch(job.id)
        except Exception as error:  # the queue is unreachable: say so on the page
            current_app.logger.exception("could not queue report job %s", job.id)
            store.mark_failed(db.session, job.id, f"not queued: {type(error).__name__}")
            db.session.commit()
        db.session.refresh(job)
    retry_args = request.args.to_dict(flat=False)
    retry_args["retry"] = ["1"]
    return render_template(
        "reports/generating.html",
        job=job,
        study=study,
        refresh=REFRESH_SECONDS,
        retry_url=url_for("reports.download_pdf", **retry_args),
        preview_url=url_for("reports.preview", **request.args.to_dict(flat=False)),
    ), (500 if job.state == "failed" else 202)


@blueprint.get("/exports")
@requires(Permission.EXPORT_DATA)
def exports_page() -> Any:
    form = _form()
    return render_template("reports/exports.html", form=form, export_form=ExportForm(request.args))


@blueprint.get("/export/<any(answers, indicators):kind>.<any(csv, xlsx):fmt>")
@requires(Permission.EXPORT_DATA)
def export(kind: str, fmt: str) -> Any:
    """Anonymised answers or indicator tables, as CSV or XLSX, audited."""
    form = _form()
    if form.study.data is not None and form.study.data not in {
        choice.value for choice in form.study.choices
    }:
        abort(404)
    if "study" not in request.args or not form.validate():
        return render_template(
            "reports/exports.html", form=form, export_form=ExportForm(request.args)
        ), 400
    try:
        study, params = _parameters(form)
    except NotFound:
        abort(404)
    except DomainError as error:
        form.form_errors.append(str(error))
        return render_template(
            "reports/exports.html", form=form, export_form=ExportForm(request.args)
        ), 400
    export_form = ExportForm(request.args)
    free_text = bool(export_form.include_free_text.data) and kind == "answers"
    if kind == "answers":
        content = exports.answers_export(
            db.session, study, params, fmt, include_free_text=free_text
        )
    else:
        report_input = reporting.prepare(
            db.session, study, params, software_version=survey_app.__version__
        )
        content = exports.indicators_export(reporting.analyse(report_input), fmt, params.lang)
    _audit(f"export.{kind}", study, params, format=fmt, free_text=free_text)
    db.session.commit()
    return _download(content, _filename(study, params, kind, fmt), fmt)
