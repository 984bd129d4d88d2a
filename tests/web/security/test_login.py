"""Signing in: throttling per account and per address, the constant message, audit."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select

from survey_app.models import AuditEvent, LoginThrottle, Role, utcnow
from survey_app.services import throttle
from tests.factories import TEST_PASSWORD, login, make_organisation, make_user

WRONG = "definitely not the password"
MESSAGE = "The e-mail address or the password is wrong."


@pytest.fixture
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def member(session):
    organisation = make_organisation(session)
    user = make_user(session, organisation, Role.DIRECTOR)
    session.commit()
    return user


def test_right_password_signs_in_and_is_audited(english, session, member):
    response = login(english, member.email)
    assert response.status_code == 302
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "login.success")).all()
    assert [e.actor_user_id for e in events] == [member.id]


def test_the_eleventh_try_is_refused_even_with_the_right_password(english, session, member):
    statuses = [login(english, member.email, WRONG).status_code for _ in range(10)]
    # Five free failures, then the account is locked after each further one.
    assert statuses[:5] == [401] * 5
    assert all(status == 429 for status in statuses[6:])
    eleventh = login(english, member.email, TEST_PASSWORD)
    assert eleventh.status_code == 429
    assert "Too many unsuccessful attempts" in eleventh.get_data(as_text=True)
    assert english.get("/studies/").status_code == 302  # not signed in


def test_lock_grows_with_each_failure():
    policy = throttle.ACCOUNT_POLICY
    delays = [throttle.delay_after(n, policy) for n in range(1, 12)]
    assert delays[:4] == [timedelta(0)] * 4
    assert delays[4] == timedelta(seconds=30)
    assert all(later > earlier for earlier, later in itertools.pairwise(delays[4:10]))
    assert throttle.delay_after(1000, policy) == policy.max_delay


def test_lock_ends_and_right_password_then_works(english, session, member):
    for _ in range(6):
        login(english, member.email, WRONG)
    assert login(english, member.email).status_code == 429
    key = throttle.account_key(member.email)
    row = session.get(LoginThrottle, key)
    row.locked_until = utcnow() - timedelta(seconds=1)
    session.commit()
    # Clear the per-address counter too: it only counted 6 of its 20 free failures anyway.
    assert login(english, member.email).status_code == 302
    assert session.get(LoginThrottle, key) is None  # success clears the account's counter


def test_unknown_and_known_accounts_look_the_same(english, session, member):
    for _ in range(7):
        known = login(english, member.email, WRONG)
        unknown = login(english, "nobody@example.org", WRONG)
        assert known.status_code == unknown.status_code
        body_known = known.get_data(as_text=True).replace(member.email, "EMAIL")
        body_unknown = unknown.get_data(as_text=True).replace("nobody@example.org", "EMAIL")
        assert _strip_csrf(body_known) == _strip_csrf(body_unknown)


def _strip_csrf(body: str) -> str:
    import re

    return re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "", body)


def test_wrong_password_message_does_not_say_which_part_is_wrong(english, member):
    body = login(english, member.email, WRONG).get_data(as_text=True)
    assert MESSAGE in body
    assert "unknown" not in body.lower()


def test_address_is_throttled_across_accounts(english, session):
    for number in range(throttle.ADDRESS_POLICY.free_failures):
        assert login(english, f"spray{number}@example.org", WRONG).status_code == 401
    assert login(english, "another@example.org", WRONG).status_code == 429


def test_throttle_table_holds_no_address_or_email(english, session, member):
    login(english, member.email, WRONG)
    keys = session.scalars(select(LoginThrottle.key)).all()
    assert len(keys) == 2
    assert all(member.email not in key and "127.0.0.1" not in key for key in keys)


def test_failures_are_audited_for_the_accounts_organisation(english, session, member):
    login(english, member.email, WRONG)
    login(english, "nobody@example.org", WRONG)
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "login.failure").order_by(AuditEvent.id)
    ).all()
    assert events[0].organisation_id == member.memberships[0].organisation_id
    assert events[0].actor_user_id == member.id
    assert events[1].organisation_id is None
    assert "nobody" not in str(events[1].details)
    assert events[1].actor_label == ""


def test_disabled_account_cannot_sign_in(english, session, member):
    member.active = False
    session.commit()
    assert login(english, member.email).status_code == 401


def test_next_parameter_cannot_send_elsewhere(english, member):
    response = english.post(
        "/auth/login?next=//evil.example/x",
        data={"email": member.email, "password": TEST_PASSWORD},
    )
    assert response.headers["Location"] == "/studies/start"  # the landing of the role
