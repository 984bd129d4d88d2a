"""``retention apply``: contact details purged after the last wave, completed tokens
invalidated, idempotent, audited — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from survey_app.models import AuditEvent, BeneficiaryContact, Invitation, Study, utcnow
from survey_app.services.retention import REVOKED_PREFIX, apply_retention
from survey_app.services.tokens import hash_secret
from tests.security_factories import build_world, make_beneficiary_with_contact, make_invitation


@pytest.fixture
def world(session):
    world = build_world(session, "ret")
    session.commit()
    return world


def _contact_ids(session):
    return set(session.scalars(select(BeneficiaryContact.beneficiary_id)).all())


def _age(invitation, days):
    invitation.completed_at = utcnow() - timedelta(days=days)


def test_contact_purged_after_the_last_wave_only(session, world):
    retention = world.organisation.contact_retention_days
    done = make_beneficiary_with_contact(session, world.organisation, world.site, "done@x.example")
    for wave in (world.wave, world.follow_up):
        invitation, _t, _s = make_invitation(session, done, wave, completed=True)
        _age(invitation, retention + 1)
    recent = make_beneficiary_with_contact(session, world.organisation, world.site, "new@x.example")
    for wave in (world.wave, world.follow_up):
        invitation, _t, _s = make_invitation(session, recent, wave, completed=True)
        _age(invitation, retention - 1)
    # Baseline long done, but the follow-up wave of this running study is still to come.
    waiting = make_beneficiary_with_contact(session, world.organisation, world.site, "w@x.example")
    invitation, _t, _s = make_invitation(session, waiting, world.wave, completed=True)
    _age(invitation, retention + 30)
    # An invitation still open keeps the contact.
    pending = make_beneficiary_with_contact(session, world.organisation, world.site, "p@x.example")
    old, _t, _s = make_invitation(session, pending, world.wave, completed=True)
    _age(old, retention + 30)
    make_invitation(session, pending, world.follow_up)
    # Expired (never answered) counts as finished.
    expired = make_beneficiary_with_contact(session, world.organisation, world.site, "e@x.example")
    for wave in (world.wave, world.follow_up):
        make_invitation(session, expired, wave, expires_in=-timedelta(days=retention + 2))
    # Never invited, support ended long ago.
    ended = make_beneficiary_with_contact(session, world.organisation, world.site, "n@x.example")
    ended.support_ended_on = date.today() - timedelta(days=retention + 5)
    session.commit()

    report = apply_retention(session)
    session.commit()
    remaining = _contact_ids(session)
    assert done.id not in remaining
    assert expired.id not in remaining
    assert ended.id not in remaining
    assert {recent.id, waiting.id, pending.id} <= remaining
    purge = next(o for o in report.organisations if o.slug == world.organisation.slug)
    assert purge.contacts_purged == 3
    emails = session.execute(text("SELECT email FROM beneficiary_contact")).scalars().all()
    assert "done@x.example" not in emails


def test_closing_the_study_ends_the_wait_for_later_waves(session, world):
    retention = world.organisation.contact_retention_days
    waiting = make_beneficiary_with_contact(session, world.organisation, world.site, "w@x.example")
    invitation, _t, _s = make_invitation(session, waiting, world.wave, completed=True)
    _age(invitation, retention + 1)
    session.commit()
    apply_retention(session)
    assert waiting.id in _contact_ids(session)
    session.get(Study, world.study.id).status = "closed"
    session.commit()
    apply_retention(session)
    session.commit()
    assert waiting.id not in _contact_ids(session)


def test_completed_tokens_are_invalidated(app, session, world, client):
    person = make_beneficiary_with_contact(session, world.organisation, world.site, "t@x.example")
    completed, token, short = make_invitation(session, person, world.wave, completed=True)
    open_one, open_token, _s = make_invitation(session, person, world.follow_up)
    session.commit()
    apply_retention(session)
    session.commit()
    session.refresh(completed)
    session.refresh(open_one)
    assert completed.token_hash.startswith(REVOKED_PREFIX)
    assert len(completed.token_hash) <= 64
    assert completed.short_code_hash is None
    assert open_one.token_hash == hash_secret(open_token)  # still usable
    found = session.scalar(
        select(Invitation).where(Invitation.token_hash.in_([hash_secret(token)]))
    )
    assert found is None
    assert client.get(f"/s/{token}").status_code in (404, 410)
    assert client.get(f"/s/{short}").status_code in (404, 410)


def test_idempotent_and_audited(session, world, runner):
    retention = world.organisation.contact_retention_days
    done = make_beneficiary_with_contact(session, world.organisation, world.site, "d@x.example")
    for wave in (world.wave, world.follow_up):
        invitation, _t, _s = make_invitation(session, done, wave, completed=True)
        _age(invitation, retention + 1)
    session.commit()
    first = runner.invoke(args=["retention", "apply"])
    assert first.exit_code == 0, first.output
    assert f"{world.organisation.slug}: 1 contact record(s) purged" in first.output
    hashes = dict(session.execute(select(Invitation.id, Invitation.token_hash)).all())
    second = runner.invoke(args=["retention", "apply"])
    assert second.exit_code == 0
    assert f"{world.organisation.slug}: 0 contact record(s) purged, 0 completed" in second.output
    session.expire_all()
    assert dict(session.execute(select(Invitation.id, Invitation.token_hash)).all()) == hashes
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "retention.purge",
            AuditEvent.organisation_id == world.organisation.id,
        )
    ).all()
    assert len(events) == 1
    assert events[0].details["contacts_purged"] == 1
    assert "d@x.example" not in str(events[0].details)
