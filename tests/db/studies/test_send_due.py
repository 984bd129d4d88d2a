"""``invitations send-due``: follow-ups, reminders and expiry, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from survey_app.cli.invitations import run_send_due
from survey_app.models import AuditEvent, Invitation
from survey_app.services import studies
from tests.factories import make_beneficiary, make_organisation, make_site
from tests.studies_factories import add_contact, make_invitation, make_study

NOW = datetime(2026, 6, 1, 9, 0)
BASE = "https://ecoute.example.org"


class Outbox(list):
    def __call__(self, message):
        self.append(message)


def _setup(session, *, email_enabled=False, **org_fields):
    organisation = make_organisation(session, email_invitations_enabled=email_enabled, **org_fields)
    site = make_site(session, organisation)
    study = make_study(session, organisation, [site], followup_delay=90, exit_delay=180)
    waves = {wave.key: wave for wave in study.waves}
    return organisation, site, study, waves


def _count(session, **where):
    query = select(func.count()).select_from(Invitation)
    for key, value in where.items():
        query = query.where(getattr(Invitation, key) == value)
    return session.scalar(query)


def test_follow_up_created_when_due_and_not_before(session):
    organisation, site, study, waves = _setup(session)
    due = make_beneficiary(session, organisation, site)
    not_yet = make_beneficiary(session, organisation, site)
    make_invitation(session, due, waves["baseline"].id, created_at=NOW - timedelta(days=90))
    make_invitation(session, not_yet, waves["baseline"].id, created_at=NOW - timedelta(days=89))
    session.commit()

    result = run_send_due(session, now=NOW, base_url=BASE, mailer=None)

    assert result.created == 1
    created = session.scalar(select(Invitation).where(Invitation.wave_id == waves["followup1"].id))
    assert created.beneficiary_id == due.id
    assert created.expires_at == NOW + timedelta(days=study.invitation_validity_days)
    assert created.sent_at is None  # nobody has handed it over yet: "due" for the worker
    assert _count(session, wave_id=waves["exit"].id) == 0
    # Idempotent: a second run creates nothing more.
    again = run_send_due(session, now=NOW, base_url=BASE, mailer=None)
    assert (again.created, again.reminded, again.expired) == (0, 0, 0)
    audit = session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "invitation.create", AuditEvent.organisation_id == organisation.id
        )
    )
    assert audit == 1


def test_exit_wave_and_sites_left_out(session):
    organisation, site, _study, waves = _setup(session)
    other_site = make_site(session, organisation)
    person = make_beneficiary(session, organisation, site)
    elsewhere = make_beneficiary(session, organisation, other_site)  # site not in the study
    for who in (person, elsewhere):
        make_invitation(session, who, waves["baseline"].id, created_at=NOW - timedelta(days=200))
    session.commit()
    result = run_send_due(session, now=NOW, base_url=BASE, mailer=None)
    assert result.created == 2  # follow-up and exit of `person` only
    assert _count(session, beneficiary_id=elsewhere.id) == 1


def test_paused_and_closed_studies_are_skipped(session):
    organisation, site, study, waves = _setup(session)
    person = make_beneficiary(session, organisation, site)
    make_invitation(
        session, person, waves["baseline"].id, created_at=NOW - timedelta(days=100), validity_days=5
    )
    studies.change_status(session, study, "pause")
    session.commit()
    result = run_send_due(session, now=NOW, base_url=BASE, mailer=None)
    assert (result.created, result.expired) == (0, 0)
    studies.change_status(session, study, "resume")
    session.commit()
    result = run_send_due(session, now=NOW, base_url=BASE, mailer=None)
    assert (result.created, result.expired) == (1, 1)


def test_stale_invitations_expire_once_and_completed_never(session):
    organisation, site, _study, waves = _setup(session)
    stale = make_beneficiary(session, organisation, site)
    done = make_beneficiary(session, organisation, site)
    stale_inv, _ = make_invitation(
        session, stale, waves["baseline"].id, created_at=NOW - timedelta(days=40)
    )
    done_inv, _ = make_invitation(
        session,
        done,
        waves["baseline"].id,
        created_at=NOW - timedelta(days=40),
        completed_at=NOW - timedelta(days=35),
    )
    session.commit()
    result = run_send_due(session, now=NOW - timedelta(days=20), base_url=BASE, mailer=None)
    assert result.expired == 0
    result = run_send_due(session, now=NOW, base_url=BASE, mailer=None)
    assert result.expired == 1
    session.refresh(stale_inv)
    session.refresh(done_inv)
    assert stale_inv.expired_at == stale_inv.expires_at
    assert done_inv.expired_at is None
    assert run_send_due(session, now=NOW, base_url=BASE, mailer=None).expired == 0


def test_new_follow_up_is_emailed_with_a_working_link(session):
    organisation, site, _study, waves = _setup(session, email_enabled=True)
    person = make_beneficiary(session, organisation, site)
    add_contact(session, person, "person@example.org")
    make_invitation(session, person, waves["baseline"].id, created_at=NOW - timedelta(days=95))
    session.commit()
    outbox = Outbox()
    result = run_send_due(session, now=NOW, base_url=BASE, mailer=outbox)
    assert (result.created, result.emailed) == (1, 1)
    [message] = outbox
    assert message.to == "person@example.org"
    assert person.code not in message.body  # nothing personal beyond the link
    token = message.body.split(f"{BASE}/s/", 1)[1].split()[0]
    from survey_app.services.tokens import hash_secret

    follow_up = session.scalar(
        select(Invitation).where(Invitation.wave_id == waves["followup1"].id)
    )
    assert follow_up.token_hash == hash_secret(token)
    assert follow_up.sent_at == NOW
    assert follow_up.channel == "email"
    # The audit trail never holds the token.
    details = session.scalars(select(AuditEvent.details)).all()
    assert all(token not in str(detail) for detail in details)


def test_failed_email_leaves_the_invitation_due(session):
    organisation, site, _study, waves = _setup(session, email_enabled=True)
    person = make_beneficiary(session, organisation, site)
    add_contact(session, person, "person@example.org")
    make_invitation(session, person, waves["baseline"].id, created_at=NOW - timedelta(days=95))
    session.commit()

    def broken(_message):
        raise OSError("connection refused")

    result = run_send_due(session, now=NOW, base_url=BASE, mailer=broken)
    assert (result.created, result.emailed, result.email_failures) == (1, 0, 1)
    follow_up = session.scalar(
        select(Invitation).where(Invitation.wave_id == waves["followup1"].id)
    )
    assert follow_up.sent_at is None


def test_reminders_respect_count_spacing_completion_and_channel(session):
    organisation, site, _study, waves = _setup(
        session, email_enabled=True, reminder_count=2, reminder_spacing_days=7
    )
    people = [make_beneficiary(session, organisation, site) for _ in range(4)]
    for person in people:
        add_contact(session, person, f"{person.code}@example.org")
    sent = NOW - timedelta(days=8)
    emailed, _ = make_invitation(
        session, people[0], waves["baseline"].id, created_at=sent, sent_at=sent, channel="email"
    )
    carded, _ = make_invitation(
        session, people[1], waves["baseline"].id, created_at=sent, sent_at=sent, channel="card"
    )
    completed, _ = make_invitation(
        session,
        people[2],
        waves["baseline"].id,
        created_at=sent,
        sent_at=sent,
        channel="email",
        completed_at=NOW - timedelta(days=1),
    )
    recent, _ = make_invitation(
        session,
        people[3],
        waves["baseline"].id,
        created_at=NOW - timedelta(days=3),
        sent_at=NOW - timedelta(days=3),
        channel="email",
    )
    session.commit()
    old_hash = emailed.token_hash
    outbox = Outbox()
    result = run_send_due(session, now=NOW, base_url=BASE, mailer=outbox)
    assert result.reminded == 1
    assert [m.to for m in outbox] == [f"{people[0].code}@example.org"]
    session.refresh(emailed)
    assert emailed.reminders_sent == 1
    assert emailed.token_hash != old_hash  # the reminder carries a fresh link

    # `recent` reaches 7 days first; `emailed` waits 7 days after its first reminder; a
    # third reminder is never sent (count = 2).
    def reminded_at(days):
        return run_send_due(
            session, now=NOW + timedelta(days=days), base_url=BASE, mailer=outbox
        ).reminded

    assert reminded_at(3) == 0
    assert reminded_at(6) == 1  # recent's first
    assert reminded_at(7) == 1  # emailed's second
    assert reminded_at(12) == 0
    assert reminded_at(13) == 1  # recent's second
    assert reminded_at(21) == 0
    for invitation in (emailed, carded, completed, recent):
        session.refresh(invitation)
    assert emailed.reminders_sent == 2
    assert recent.reminders_sent == 2
    assert carded.reminders_sent == 0
    assert completed.reminders_sent == 0
    assert len(outbox) == 4


def test_cli_prints_a_summary(runner, session):
    organisation, site, _study, waves = _setup(session)
    person = make_beneficiary(session, organisation, site)
    make_invitation(session, person, waves["baseline"].id, created_at=NOW - timedelta(days=91))
    session.commit()
    result = runner.invoke(args=["invitations", "send-due", "--now", "2026-06-01T09:00"])
    assert result.exit_code == 0, result.output
    assert "created 1, reminded 0, expired 1" in result.output  # baseline too old
    bad = runner.invoke(args=["invitations", "send-due", "--now", "tomorrow"])
    assert bad.exit_code != 0
    assert "--now" in bad.output
