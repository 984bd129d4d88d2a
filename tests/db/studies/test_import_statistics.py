"""A large import refreshes PostgreSQL's statistics, so the follow-up list is planned for
thousands of people, not for the handful seen before (issue 15)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from survey_app.models import Beneficiary
from survey_app.services import beneficiary_import
from tests.factories import make_organisation, make_site


def _people(session, count: int) -> int:
    organisation = make_organisation(session)
    site = make_site(session, organisation, "NORD")
    session.add_all(
        Beneficiary(
            organisation_id=organisation.id,
            site_id=site.id,
            code=f"S-{i:05d}",
            support_started_on=date(2026, 1, 5),
        )
        for i in range(count)
    )
    session.commit()
    return count


def test_large_import_analyses_the_new_rows(session, database_backend):
    imported = _people(session, beneficiary_import.ANALYSE_FROM)
    beneficiary_import.refresh_statistics(session, imported)
    if database_backend != "postgresql":
        return  # SQLite plans without sampled statistics: nothing to refresh
    estimated = session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'beneficiary'"))
    assert estimated >= imported


def test_only_the_tables_an_import_fills_can_be_analysed(session):
    with pytest.raises(ValueError, match="not an imported table: organisation"):
        beneficiary_import.refresh_statistics(
            session, beneficiary_import.ANALYSE_FROM, ("answer", "organisation")
        )
