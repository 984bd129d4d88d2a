"""Periods, cache keys and the report cache of ``survey_app.services.reporting``."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from survey_app.services import reporting
from survey_app.services.errors import DomainError
from survey_app.services.exports import safe_cell


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


def test_cache_writes_atomically_and_prunes_old_entries(tmp_path):
    cache = reporting.ReportCache(tmp_path / "cache", max_age=dt.timedelta(days=1))
    cache.put("abc123", "pdf", b"%PDF-old")
    old = cache.path("abc123", "pdf")
    two_days_ago = dt.datetime.now().timestamp() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))
    cache.put("def456", "pdf", b"%PDF-new")
    assert cache.get("abc123", "pdf") is None
    assert cache.get("def456", "pdf") == b"%PDF-new"
    assert not list((tmp_path / "cache").glob(".tmp-*"))
    with pytest.raises(ValueError, match="hexadecimal"):
        cache.path("../secret", "pdf")


def test_spreadsheet_formulas_are_neutralised():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-2") == "'-2"
    assert safe_cell("Merci") == "Merci"
    assert safe_cell(-2) == -2


def test_purge_report_cache_deletes_every_entry(tmp_path):
    cache = reporting.ReportCache(tmp_path / "cache")
    cache.put("abc123", "pdf", b"%PDF")
    cache.put("abc123", "html", b"<p>")
    assert reporting.purge_report_cache(cache) == 2
    assert cache.get("abc123", "pdf") is None
    assert reporting.purge_report_cache(cache) == 0
