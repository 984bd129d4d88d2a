"""Ids are never reused after erasure (issue 13, item 5), on SQLite and PostgreSQL.

SQLite used to hand the erased newest beneficiary's id to the next one, so the
erased person's audit events sat beside a stranger. Migration 0002 rebuilt
every integer-id table with AUTOINCREMENT; PostgreSQL identities never reuse.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, inspect, select, text

from survey_app.extensions import db
from survey_app.models import AuditEvent, Beneficiary, Invitation, User
from survey_app.services import audit, gdpr
from tests.factories import make_beneficiary, make_organisation, make_site, make_user
from tests.respond_factories import make_invitation, make_survey_study


def test_beneficiary_id_is_not_reused_after_erasure(session):
    organisation = make_organisation(session)
    site = make_site(session, organisation)
    erased = make_beneficiary(session, organisation, site)
    erased_id = erased.id
    gdpr.erase_beneficiary(session, erased, actor=None)
    session.commit()
    assert session.get(Beneficiary, erased_id) is None
    newcomer = make_beneficiary(session, organisation, site)
    session.commit()
    assert newcomer.id > erased_id
    # The erased person's audit events name an id nobody has.
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.object_id == str(newcomer.id))
    ).all()
    assert all(event.action != "beneficiary.erase" for event in events)


def test_invitation_user_and_audit_ids_are_not_reused(session):
    setup = make_survey_study(session)
    first = make_invitation(session, setup).invitation
    first_id = first.id
    session.execute(delete(Invitation).where(Invitation.id == first_id))
    assert make_invitation(session, setup).invitation.id > first_id

    user = make_user(session, setup.organisation)
    user_id = user.id
    session.execute(text("DELETE FROM membership WHERE user_id = :i"), {"i": user_id})
    session.execute(delete(User).where(User.id == user_id))
    session.expunge_all()
    assert make_user(session, make_organisation(session)).id > user_id

    audit.record(session, "test.event", details={})
    session.flush()
    last = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    # The audit trail refuses deletes through the ORM; remove the row in SQL.
    session.execute(text("DELETE FROM audit_event WHERE id = :i"), {"i": last})
    audit.record(session, "test.event", details={})
    session.flush()
    assert session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) > last


@pytest.mark.parametrize("table", ["beneficiary", "invitation", "user_account", "audit_event"])
def test_sqlite_tables_are_declared_autoincrement(session, database_backend, table):
    if database_backend != "sqlite":
        pytest.skip("PostgreSQL identities never reuse values")
    sql = session.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": table}
    ).scalar_one()
    assert "AUTOINCREMENT" in sql
    assert db.metadata.tables[table].kwargs.get("sqlite_autoincrement") is True
    assert inspect(session.connection()).has_table(table)
