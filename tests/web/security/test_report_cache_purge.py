"""Cached reports go with the data they derive from (issue 13, item 6).

Erasure and ``retention apply`` used to leave report files (and stale keys)
behind. Reports are cached per organisation (in the database since several
app servers share them: issue 14); an erasure or a retention purge deletes
that organisation's cached reports and report jobs, and entries older than
the maximum age expire even when nothing new is written.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from survey_app.models import Beneficiary, ReportArtefact, ReportJob, Role, utcnow
from survey_app.report_jobs import runner, store
from survey_app.services import gdpr, reporting
from survey_app.services.retention import apply_retention
from tests.factories import login, make_user
from tests.reports_factories import make_report_study
from tests.security_factories import make_beneficiary_with_contact


def _cached(session, organisation_id=None) -> int:
    query = select(func.count(ReportArtefact.id))
    if organisation_id is not None:
        query = query.where(ReportArtefact.organisation_id == organisation_id)
    return int(session.scalar(query))


def _jobs(session, organisation_id) -> int:
    return int(
        session.scalar(
            select(func.count(ReportJob.id)).where(ReportJob.organisation_id == organisation_id)
        )
    )


def _queue_job(session, built) -> ReportJob:
    return store.create_job(
        session,
        organisation_id=built.organisation.id,
        study_id=built.study.id,
        requested_by_id=None,
        key="a1b2c3",
        fmt="pdf",
        language="fr",
        parameters=reporting.ReportParameters(study_id=built.study.id).as_dict(),
        software_version="test",
    )


@pytest.fixture
def two_studies(session):
    """Two organisations, each with a cached dashboard and PDF and a finished job."""
    built = [make_report_study(session, people=12, slug=f"impact{n}") for n in (1, 2)]
    for each in built:
        cache = reporting.ReportCache(session, each.organisation.id)
        cache.put("a1b2c3", "html", b"<p>figures</p>")
        cache.put("a1b2c3", "pdf", b"%PDF-1.7")
        job = _queue_job(session, each)
        job.state = "done"
    session.commit()
    return built


def test_reports_are_cached_per_organisation(client, session):
    built = make_report_study(session, people=12)
    other = make_report_study(session, people=6, slug="other")
    director = make_user(session, built.organisation, Role.DIRECTOR)
    session.commit()
    login(client, director.email)
    page = client.get(f"/reports/preview?study={built.study.id}&period=all&lang=fr")
    assert page.status_code == 200
    assert _cached(session, built.organisation.id) == 1
    assert _cached(session, other.organisation.id) == 0


def test_erasure_purges_the_organisations_cached_reports(session, two_studies):
    first, second = two_studies
    person = session.scalars(
        select(Beneficiary).where(Beneficiary.organisation_id == first.organisation.id)
    ).first()
    gdpr.erase_beneficiary(session, person, actor=None)
    session.commit()
    assert _cached(session, first.organisation.id) == 0
    assert _jobs(session, first.organisation.id) == 0  # they name the erased data's filters
    assert _cached(session, second.organisation.id) == 2  # another tenant's stay
    assert _jobs(session, second.organisation.id) == 1


def test_retention_apply_purges_the_cached_reports_of_organisations_it_purged(session, two_studies):
    first, second = two_studies
    due = make_beneficiary_with_contact(
        session, first.organisation, first.sites[0], "due@x.example"
    )
    due.support_ended_on = date.today() - timedelta(
        days=first.organisation.contact_retention_days + 5
    )
    session.commit()
    report = apply_retention(session)
    assert report.report_files_purged >= 1
    assert _cached(session, first.organisation.id) == 0
    assert _cached(session, second.organisation.id) == 2


def test_stale_entries_expire_without_new_writes(session, two_studies):
    session.execute(
        ReportArtefact.__table__.update().values(
            created_at=utcnow() - reporting.CACHE_MAX_AGE - timedelta(minutes=1),
            expires_at=utcnow() - timedelta(minutes=1),
        )
    )
    session.commit()
    report = apply_retention(session)
    assert report.report_files_purged >= 4
    assert _cached(session) == 0


def test_an_expired_entry_is_not_served(session, two_studies):
    first, _second = two_studies
    cache = reporting.ReportCache(session, first.organisation.id, max_age=timedelta(days=1))
    cache.put("abc123", "pdf", b"old figures", now=utcnow() - timedelta(days=2))
    assert cache.get("abc123", "pdf") is None
    assert cache.get("abc123", "pdf", now=utcnow() - timedelta(days=2)) is None  # deleted


def test_a_build_running_during_an_erasure_leaves_nothing_behind(session, two_studies, app):
    """The job is purged with the data: its runner finds no row and stores no PDF."""
    first, _second = two_studies
    job_id = _queue_job(session, first).id
    session.commit()
    assert store.claim(session, job_id) is not None
    session.commit()
    reporting.purge_reports(session, first.organisation.id)
    session.commit()
    assert store.finish(session, job_id) is False
    assert runner.run_job(session, job_id) is None  # nothing to run any more
    assert _cached(session, first.organisation.id) == 0
