"""Two ``send-due`` runs at the same time create each follow-up and send each reminder once.

Uses its own migrated database (a file on SQLite, a fresh database on
PostgreSQL) with real commits, because the shared ``app`` fixture holds
everything in one connection and cannot show two transactions competing.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from survey_app.cli.invitations import run_send_due
from survey_app.extensions import db
from survey_app.models import Invitation
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    make_test_app,
    migrate_to_head,
)
from tests.factories import make_beneficiary, make_organisation, make_site
from tests.studies_factories import add_contact, make_invitation, make_study

NOW = datetime(2026, 6, 1, 9, 0)
BASE = "https://ecoute.example.org"
PEOPLE = 30


@pytest.fixture
def fresh_app(database_backend: str, tmp_path) -> Iterator[Flask]:
    if database_backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
    else:
        url = create_postgres_database("ecoute_concurrency")
    app = make_test_app(url)
    try:
        migrate_to_head(app)
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if database_backend != "sqlite":
            drop_postgres_database(url)


class Outbox:
    def __init__(self) -> None:
        self.messages = []
        self.lock = threading.Lock()

    def __call__(self, message) -> None:
        with self.lock:
            self.messages.append(message)


def _seed(app: Flask) -> dict[str, int]:
    """PEOPLE people due for a follow-up and PEOPLE e-mailed invitations due for a reminder."""
    with app.app_context():
        session = db.session
        organisation = make_organisation(session, email_invitations_enabled=True)
        site = make_site(session, organisation)
        # Long validity: nothing expires, so on PostgreSQL the two runs do not queue
        # behind the expiry update and really race on inserts and reminders.
        study = make_study(session, organisation, [site], followup_delay=90, validity_days=120)
        waves = {wave.key: wave.id for wave in study.waves}
        for index in range(PEOPLE):
            due = make_beneficiary(session, organisation, site)
            make_invitation(
                session,
                due,
                waves["baseline"],
                created_at=NOW - timedelta(days=95),
                validity_days=120,
            )
            waiting = make_beneficiary(session, organisation, site)
            add_contact(session, waiting, f"person{index}@example.org")
            make_invitation(
                session,
                waiting,
                waves["baseline"],
                created_at=NOW - timedelta(days=10),
                sent_at=NOW - timedelta(days=10),
                channel="email",
            )
        session.commit()
        session.remove()
    return waves


def _run_twice_at_once(app: Flask, outbox: Outbox) -> list:
    barrier = threading.Barrier(2)
    results: list = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                results.append(run_send_due(db.session, now=NOW, base_url=BASE, mailer=outbox))
                db.session.remove()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(results) == 2
    return results


def test_two_concurrent_runs_create_and_remind_exactly_once(fresh_app):
    waves = _seed(fresh_app)
    outbox = Outbox()

    first = _run_twice_at_once(fresh_app, outbox)

    assert sum(r.created for r in first) == PEOPLE
    assert sum(r.reminded for r in first) == PEOPLE
    assert sum(r.expired for r in first) == 0
    with fresh_app.app_context():
        session = db.session
        per_pair = session.execute(
            select(Invitation.beneficiary_id, func.count())
            .where(Invitation.wave_id == waves["followup1"])
            .group_by(Invitation.beneficiary_id)
        ).all()
        assert len(per_pair) == PEOPLE
        assert {count for _person, count in per_pair} == {1}
        reminded = session.scalars(
            select(Invitation.reminders_sent).where(
                Invitation.wave_id == waves["baseline"], Invitation.channel == "email"
            )
        ).all()
        assert sorted(reminded) == [1] * PEOPLE
        session.remove()
    # Only the reminder group has addresses: every message is one reminder.
    assert sorted(m.to for m in outbox.messages) == sorted(
        f"person{i}@example.org" for i in range(PEOPLE)
    )

    # And again at the same moment: nothing left to do.
    second = _run_twice_at_once(fresh_app, outbox)
    assert [(r.created, r.reminded, r.expired) for r in second] == [(0, 0, 0), (0, 0, 0)]
    assert len(outbox.messages) == PEOPLE


def test_reminder_claimed_once_even_when_both_runs_saw_it_due(fresh_app, monkeypatch):
    """Force the race: both runs read the candidates before either claims one.

    The token generator (called between the candidate query and the claiming
    UPDATE) waits until both runs have reached it. On SQLite the second run
    is still waiting for the write lock, so the wait times out and the runs
    serialise, which is the design there.
    """
    from survey_app.services import followup

    waves = _seed(fresh_app)
    with fresh_app.app_context():  # keep only the reminder race: no follow-up is due
        db.session.execute(
            Invitation.__table__.delete()
            .where(Invitation.wave_id == waves["baseline"])
            .where(Invitation.channel != "email")
        )
        db.session.commit()
        db.session.remove()
    barrier = threading.Barrier(2)
    seen = threading.local()
    original = followup.new_link_token

    def token_after_both_runs_read() -> str:
        if not getattr(seen, "waited", False):
            seen.waited = True
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=3)
        return original()

    monkeypatch.setattr(followup, "new_link_token", token_after_both_runs_read)
    outbox = Outbox()
    results = _run_twice_at_once(fresh_app, outbox)
    assert sum(r.reminded for r in results) == PEOPLE
    assert sorted(m.to for m in outbox.messages) == sorted(
        f"person{i}@example.org" for i in range(PEOPLE)
    )
