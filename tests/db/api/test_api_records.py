"""Bulk writes of the API on SQLite and PostgreSQL: idempotent, all or nothing, race → 409."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from survey_app.models import Beneficiary, Invitation
from survey_app.services import api_records
from tests.core_factories import make_small_study


def rows(n, site="north", start=0):
    return [
        {
            "reference": f"REF-{i:04d}",
            "site": site,
            "support_started_on": date(2026, 1, 5),
            "support_ended_on": None,
        }
        for i in range(start, start + n)
    ]


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_upsert_is_idempotent_and_enrol_once(session):
    setup = make_small_study(session)
    org = setup.organisation.id
    first = api_records.upsert_beneficiaries(session, org, rows(300), actor_label="k")
    assert all(row.created for row in first)
    again = api_records.upsert_beneficiaries(session, org, rows(300, "south"), actor_label="k")
    assert not any(row.created for row in again)
    assert count(session, Beneficiary) == 300
    baseline = setup.study.waves[0]
    refs = [f"REF-{i:04d}" for i in range(300)]
    enrolled = api_records.enrol(session, setup.study, baseline, refs, actor_label="k")
    assert all(row.issued is not None for row in enrolled)
    repeated = api_records.enrol(session, setup.study, baseline, refs, actor_label="k")
    assert all(row.issued is None for row in repeated)
    assert count(session, Invitation) == 300


def test_one_bad_item_saves_nothing(session):
    setup = make_small_study(session)
    batch = rows(50)
    batch[49]["site"] = "elsewhere"
    with pytest.raises(api_records.ItemErrors) as raised:
        api_records.upsert_beneficiaries(session, setup.organisation.id, batch, actor_label="k")
    assert raised.value.errors == [{"field": "/items/49/site", "message": "No such site code."}]
    assert count(session, Beneficiary) == 0
    with pytest.raises(api_records.ItemErrors) as unknown:
        api_records.enrol(session, setup.study, setup.study.waves[0], ["REF-0001"], actor_label="k")
    assert unknown.value.errors[0]["field"] == "/references/0"
