"""Director dashboard, PDF download through the background job and its cache, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from survey_app.models import AuditEvent, ReportJob, Response, Role, utcnow
from survey_app.report_jobs import runner, store
from survey_app.services import reporting
from tests.factories import login, make_user
from tests.reports_factories import make_report_study


@pytest.fixture
def study_setup(app, session):
    # Builds wait for the test to run them: a thread would share the test's connection.
    app.config["REPORT_WORKER"] = "manual"
    built = make_report_study(session, people=30)
    director = make_user(session, built.organisation, Role.DIRECTOR)
    session.commit()
    yield built, director
    app.config["REPORT_WORKER"] = ""


def _query(study, **extra):
    values = {"study": study.id, "period": "all", "lang": "fr", **extra}
    return "&".join(f"{k}={v}" for k, v in values.items())


def _run_build(session, built):
    """What the worker does: build the queued report; return its job as every server sees it."""
    job = session.scalars(
        select(ReportJob)
        .where(ReportJob.organisation_id == built.organisation.id)
        .order_by(ReportJob.id.desc())
    ).first()
    assert job is not None, "no report job was queued"
    assert job.state == "queued"
    runner.run_job(session, job.id)
    session.expire_all()
    return session.get(ReportJob, job.id)


def _audit_actions(session, organisation_id):
    return session.scalars(
        select(AuditEvent.action).where(AuditEvent.organisation_id == organisation_id)
    ).all()


def test_index_lists_the_studies_of_my_organisation_only(client, session, study_setup):
    built, director = study_setup
    other = make_report_study(session, people=6, slug="other")
    session.commit()
    login(client, director.email)
    page = client.get("/reports/")
    assert page.status_code == 200
    select_html = re.search(
        r'<select[^>]*id="study".*?</select>', page.get_data(as_text=True), re.DOTALL
    ).group(0)
    assert f'value="{built.study.id}"' in select_html
    assert f'value="{other.study.id}"' not in select_html
    assert client.get(f"/reports/preview?{_query(other.study)}").status_code == 404
    assert client.get(f"/reports/report.pdf?{_query(other.study)}").status_code == 404


def test_preview_shows_the_dashboard_and_is_audited(client, session, study_setup):
    built, director = study_setup
    login(client, director.email)
    page = client.get(f"/reports/preview?{_query(built.study)}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Synthèse" in html
    assert "Se sentir écouté·e" in html
    assert "<svg" not in html  # charts are images: the CSP forbids their inline styles
    assert 'alt="Graphique' in html
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert "report.preview" in _audit_actions(session, built.organisation.id)


def test_pdf_is_generated_in_the_background_then_served_from_cache(
    client, session, study_setup, monkeypatch
):
    built, director = study_setup
    login(client, director.email)
    calls = []
    real_build = reporting.build_pdf

    def counting_build(report_input):
        calls.append(report_input.key)
        return real_build(report_input)

    monkeypatch.setattr(reporting, "build_pdf", counting_build)
    url = f"/reports/report.pdf?{_query(built.study, lang='en')}"
    first = client.get(url)
    assert first.status_code == 202
    assert 'http-equiv="refresh"' in first.get_data(as_text=True)
    job = _run_build(session, built)
    assert job.state == "done", job.error
    second = client.get(url)
    assert second.status_code == 200
    assert second.mimetype == "application/pdf"
    assert second.data.startswith(b"%PDF-1.7")
    assert "attachment" in second.headers["Content-Disposition"]
    third = client.get(url)
    assert third.data == second.data
    assert len(calls) == 1  # served from the cache
    assert _audit_actions(session, built.organisation.id).count("report.download") == 2

    # A new answer changes the data fingerprint: a new report is produced.
    response = session.scalars(select(Response).where(Response.study_id == built.study.id)).first()
    session.expunge(response)
    newer = Response(
        organisation_id=response.organisation_id,
        study_id=response.study_id,
        wave_id=response.wave_id,
        questionnaire_version_id=response.questionnaire_version_id,
        site_id=response.site_id,
        mode="self",
        language="fr",
        completed_at=response.completed_at.replace(year=2025, month=12),
        completed_on=response.completed_on.replace(year=2025, month=12),
    )
    session.add(newer)
    session.commit()
    assert client.get(url).status_code == 202


def test_bad_period_is_refused_with_a_message(client, study_setup):
    built, director = study_setup
    login(client, director.email)
    page = client.get(f"/reports/preview?{_query(built.study, period='month', year=2025)}")
    assert page.status_code == 400
    assert "Choose the month." in page.get_data(as_text=True) or "Choisissez le mois" in (
        page.get_data(as_text=True)
    )
    page = client.get(
        f"/reports/preview?{_query(built.study, period='custom')}"
        "&date_from=2025-06-01&date_to=2025-01-01"
    )
    assert page.status_code == 400


def test_unknown_site_is_refused(client, study_setup):
    built, director = study_setup
    login(client, director.email)
    page = client.get(f"/reports/preview?{_query(built.study)}&sites=NOPE")
    assert page.status_code == 400


def test_roles(client, session, study_setup):
    built, _director = study_setup
    worker = make_user(session, built.organisation, Role.SOCIAL_WORKER)
    manager = make_user(session, built.organisation, Role.QUALITY_MANAGER)
    session.commit()
    login(client, worker.email)
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/reports/export/answers.csv?{_query(built.study)}").status_code == 403
    client.post("/auth/logout")
    login(client, manager.email)
    assert client.get("/reports/").status_code == 200  # dashboard preview (issue 15)
    assert client.get(f"/reports/report.pdf?{_query(built.study)}").status_code == 403
    assert client.get("/reports/exports").status_code == 200
    assert client.get(f"/reports/export/answers.csv?{_query(built.study)}").status_code == 200


def test_answers_csv_is_pseudonymous_without_free_text_by_default(client, session, study_setup):
    built, director = study_setup
    login(client, director.email)
    result = client.get(f"/reports/export/answers.csv?{_query(built.study)}")
    assert result.status_code == 200
    body = result.data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows
    assert rows[0]["beneficiary_code"].startswith("P-impact-")
    assert "listen_heard" in rows[0]
    assert not any("Merci beaucoup" in value for row in rows for value in row.values())
    header = set(rows[0])
    assert not {"email", "phone", "name"} & header  # pseudonymous code only, no contact detail
    actions = _audit_actions(session, built.organisation.id)
    assert "export.answers" in actions


def test_free_text_only_on_request_and_formulas_neutralised(client, study_setup):
    built, director = study_setup
    login(client, director.email)
    result = client.get(f"/reports/export/answers.csv?{_query(built.study)}&include_free_text=y")
    body = result.data.decode("utf-8-sig")
    assert "Merci beaucoup" in body
    assert "'=HYPERLINK" in body
    assert ",=HYPERLINK" not in body


def test_answers_xlsx_has_a_data_dictionary(client, study_setup):
    built, director = study_setup
    login(client, director.email)
    result = client.get(f"/reports/export/answers.xlsx?{_query(built.study)}")
    assert result.status_code == 200
    workbook = load_workbook(io.BytesIO(result.data), read_only=True)
    assert workbook.sheetnames == ["answers", "data dictionary"]
    dictionary = list(workbook["data dictionary"].iter_rows(values_only=True))
    keys = {row[0] for row in dictionary}
    assert {"beneficiary_code", "listen_heard"} <= keys


def test_indicator_tables_match_the_analysis(client, session, study_setup):
    built, director = study_setup
    login(client, director.email)
    result = client.get(f"/reports/export/indicators.xlsx?{_query(built.study)}")
    assert result.status_code == 200
    workbook = load_workbook(io.BytesIO(result.data), read_only=True)
    assert workbook.sheetnames == ["indicators", "gains", "breakdowns", "trends"]
    import survey_app

    params = reporting.ReportParameters(study_id=built.study.id)
    analysis_result = reporting.analyse(
        reporting.prepare(session, built.study, params, software_version=survey_app.__version__)
    )
    rows = list(workbook["indicators"].iter_rows(values_only=True))[1:]
    assert len(rows) == len(analysis_result.indicators)
    for row, expected in zip(rows, analysis_result.indicators, strict=True):
        assert row[0] == expected.indicator
        if expected.positive is not None and not expected.positive.suppressed:
            assert row[4] == pytest.approx(expected.positive.estimate, abs=5e-4)  # 3 decimals
        else:
            assert row[4] is None
        # issue 11: a withheld share's bound is exported as in the JSON and the report
        bound = expected.positive.bound if expected.positive is not None else None
        assert (row[12] or "") == (f"{bound.relation}{bound.value:g}" if bound else "")
    csv_result = client.get(f"/reports/export/indicators.csv?{_query(built.study)}")
    assert csv_result.data.decode("utf-8-sig").startswith("indicator,wave,n,")


def test_build_progress_a_lost_build_and_a_failed_one_as_the_director_sees_them(
    client, session, study_setup
):
    """Every step is read from the job row, so any app server shows the same page."""
    built, director = study_setup
    login(client, director.email)
    url = f"/reports/report.pdf?{_query(built.study, lang='en')}"
    assert client.get(url).status_code == 202
    job = session.scalars(select(ReportJob).where(ReportJob.study_id == built.study.id)).one()
    assert (job.state, job.requested_by_id, job.language) == ("queued", director.id, "en")

    assert store.claim(session, job.id) is not None
    store.heartbeat(session, job.id, 30)
    session.commit()
    page = client.get(url)
    assert page.status_code == 202
    assert 'value="30"' in page.get_data(as_text=True)  # the <progress> bar

    # Its worker died: silent for longer than STALE_AFTER, the next request queues it again.
    job.heartbeat_at = utcnow() - store.STALE_AFTER - dt.timedelta(minutes=1)
    session.commit()
    assert client.get(url).status_code == 202
    states = session.scalars(
        select(ReportJob.state).where(ReportJob.study_id == built.study.id).order_by(ReportJob.id)
    ).all()
    assert states == ["failed", "queued"]

    latest = session.scalars(select(ReportJob).order_by(ReportJob.id.desc())).first()
    store.mark_failed(session, latest.id, "RuntimeError: boom")
    session.commit()
    failed = client.get(url)
    assert failed.status_code == 500
    assert "retry=1" in failed.get_data(as_text=True)  # the "try again" link
    assert client.get(url + "&retry=1").status_code == 202
