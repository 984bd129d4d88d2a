"""Periods, cache keys and the report cache of ``survey_app.services.reporting``."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from survey_app.models import ReportArtefact, utcnow
from survey_app.services import reporting
from survey_app.services.errors import DomainError
from survey_app.services.exports import safe_cell
from tests.factories import make_organisation


@pytest.mark.parametrize(
    ("kind", "values", "expected"),
    [
        ("month", {"year": 2024, "month": 2}, (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
        ("month", {"year": 2025, "month": 12}, (dt.date(2025, 12, 1), dt.date(2025, 12, 31))),
        ("quarter", {"year": 2025, "quarter": 3}, (dt.date(2025, 7, 1), dt.date(2025, 9, 30))),
        ("year", {"year": 2025}, (dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
        ("all", {}, (None, None)),
        ("custom", {"date_from": dt.date(2025, 3, 4)}, (dt.date(2025, 3, 4), None)),
    ],
)
def test_resolve_period(kind, values, expected):
    assert reporting.resolve_period(kind, **values) == expected


@pytest.mark.parametrize(
    ("kind", "values", "message"),
    [
        ("month", {"year": 2025}, "month"),
        ("quarter", {"year": 2025, "quarter": 5}, "quarter"),
        ("year", {}, "year"),
        ("custom", {"date_from": dt.date(2025, 5, 1), "date_to": dt.date(2025, 1, 1)}, "start"),
        ("fortnight", {"year": 2025}, "Unknown period"),
    ],
)
def test_resolve_period_refuses_bad_input(kind, values, message):
    with pytest.raises(DomainError, match=message):
        reporting.resolve_period(kind, **values)


def test_cache_key_depends_on_parameters_data_and_version():
    params = reporting.ReportParameters(study_id=1, lang="fr")
    key = reporting.cache_key(params, "data", "1.0")
    assert key == reporting.cache_key(params, "data", "1.0")
    assert key != reporting.cache_key(
        reporting.ReportParameters(study_id=1, lang="en"), "data", "1.0"
    )
    assert key != reporting.cache_key(params, "more data", "1.0")
    assert key != reporting.cache_key(params, "data", "1.1")


def test_cache_replaces_entries_and_prunes_old_ones(session):
    organisation = make_organisation(session)
    cache = reporting.ReportCache(session, organisation.id, max_age=dt.timedelta(days=1))
    cache.put("abc123", "pdf", b"%PDF-old", now=utcnow() - dt.timedelta(days=2))
    cache.put("def456", "pdf", b"%PDF-first")
    cache.put("def456", "pdf", b"%PDF-new", fingerprint="[3, null]")
    assert cache.get("abc123", "pdf") is None
    assert cache.get("def456", "pdf") == b"%PDF-new"
    assert cache.get("def456", "html") is None
    stored = session.scalars(select(ReportArtefact)).all()
    assert [(row.cache_key, row.fingerprint) for row in stored] == [("def456", "[3, null]")]


def test_parameters_survive_the_round_trip_through_a_job_row():
    params = reporting.ReportParameters(
        study_id=4,
        lang="en",
        date_from=dt.date(2025, 1, 1),
        date_to=dt.date(2025, 3, 31),
        sites=("lyon", "nantes"),
        period_label="Q1 2025",
        breakdown_wave="followup1",
    )
    assert reporting.ReportParameters.from_dict(params.as_dict()) == params


def test_spreadsheet_formulas_are_neutralised():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-2") == "'-2"
    assert safe_cell("Merci") == "Merci"
    assert safe_cell(-2) == -2


def test_purge_report_cache_deletes_every_entry(session):
    organisation = make_organisation(session)
    cache = reporting.ReportCache(session, organisation.id)
    cache.put("abc123", "pdf", b"%PDF")
    cache.put("abc123", "html", b"<p>")
    assert reporting.purge_report_cache(cache) == 2
    assert cache.get("abc123", "pdf") is None
    assert reporting.purge_report_cache(cache) == 0
