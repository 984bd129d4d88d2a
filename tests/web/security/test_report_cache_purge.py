"""Cached reports go with the data they derive from (issue 13, item 6).

Erasure and ``retention apply`` used to leave report files (and stale keys)
in ``instance/report-cache``. Reports are now cached per organisation; an
erasure or a retention purge deletes that organisation's files, and entries
older than the maximum age expire even when nothing new is written.
"""

from __future__ import annotations

import os
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from survey_app.models import Beneficiary, Role
from survey_app.services import gdpr, reporting
from survey_app.services.retention import apply_retention
from tests.factories import login, make_user
from tests.reports_factories import make_report_study
from tests.security_factories import make_beneficiary_with_contact


@pytest.fixture
def cache_root(app, tmp_path):
    root = tmp_path / "report-cache"
    app.config["REPORT_CACHE_DIR"] = str(root)
    yield root
    app.config.pop("REPORT_CACHE_DIR", None)


def _files(folder) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def two_studies(session, cache_root):
    """Two organisations, each with a cached dashboard and PDF."""
    built = [make_report_study(session, people=12, slug=f"impact{n}") for n in (1, 2)]
    session.commit()
    for each in built:
        cache = reporting.ReportCache.for_organisation(cache_root, each.organisation.id)
        cache.put("a1b2c3", "html", b"<p>figures</p>")
        cache.put("a1b2c3", "pdf", b"%PDF-1.7")
    return built


def test_reports_are_cached_per_organisation(client, session, cache_root):
    built = make_report_study(session, people=12)
    director = make_user(session, built.organisation, Role.DIRECTOR)
    session.commit()
    login(client, director.email)
    page = client.get(f"/reports/preview?study={built.study.id}&period=all&lang=fr")
    assert page.status_code == 200
    assert _files(cache_root / f"org-{built.organisation.id}")
    assert [p for p in cache_root.iterdir() if p.is_file()] == []


def test_erasure_purges_the_organisations_cached_reports(session, cache_root, two_studies):
    first, second = two_studies
    person = session.scalars(
        select(Beneficiary).where(Beneficiary.organisation_id == first.organisation.id)
    ).first()
    gdpr.erase_beneficiary(session, person, actor=None)
    session.commit()
    assert _files(cache_root / f"org-{first.organisation.id}") == []
    assert _files(cache_root / f"org-{second.organisation.id}")  # another tenant's stay


def test_retention_apply_purges_the_cached_reports_of_organisations_it_purged(
    session, cache_root, two_studies
):
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
    assert _files(cache_root / f"org-{first.organisation.id}") == []
    assert _files(cache_root / f"org-{second.organisation.id}")


def test_stale_entries_expire_without_new_writes(session, cache_root, two_studies):
    old = time.time() - reporting.CACHE_MAX_AGE.total_seconds() - 60
    for path in cache_root.rglob("*.*"):
        os.utime(path, (old, old))
    (cache_root / "0123abcd.pdf").write_bytes(b"left by an older version")
    os.utime(cache_root / "0123abcd.pdf", (old, old))
    report = apply_retention(session)
    assert report.report_files_purged >= 3
    assert _files(cache_root) == []


def test_an_expired_entry_is_not_served(tmp_path):
    cache = reporting.ReportCache(tmp_path, max_age=timedelta(days=1))
    path = cache.put("abc123", "pdf", b"old figures")
    old = time.time() - 2 * 24 * 3600
    os.utime(path, (old, old))
    assert cache.get("abc123", "pdf") is None
    assert not path.exists()


def test_purge_forgets_finished_jobs(tmp_path):
    cache = reporting.ReportCache.for_organisation(tmp_path, 7)
    job = reporting.JOBS.submit("feedbeef", lambda: b"%PDF", cache, "pdf")
    for _ in range(200):
        if job.state == "done":
            break
        time.sleep(0.01)
    assert reporting.JOBS.status("feedbeef") is not None
    reporting.purge_reports(tmp_path, 7)
    assert reporting.JOBS.status("feedbeef") is None
    assert _files(tmp_path) == []
