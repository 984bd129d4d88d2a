"""The login throttle's counters on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from survey_app.models import LoginThrottle, utcnow
from survey_app.services import throttle


def test_failures_lock_then_forget(session):
    keys = [throttle.account_key("Someone@Example.org"), throttle.address_key("10.0.0.1", "k")]
    for _ in range(throttle.ACCOUNT_POLICY.free_failures - 1):
        throttle.record_failure(session, keys)
    assert throttle.locked_until(session, keys) is None
    throttle.record_failure(session, keys)
    until = throttle.locked_until(session, keys)
    assert until is not None
    assert until - utcnow() <= throttle.ACCOUNT_POLICY.base_delay
    # The same address typed differently is the same account key.
    assert throttle.locked_until(session, [throttle.account_key(" someone@example.ORG ")])
    row = session.get(LoginThrottle, keys[0])
    assert row.failures == throttle.ACCOUNT_POLICY.free_failures
    # A day without failure: the counter starts again from zero.
    row.last_failure_at = utcnow() - timedelta(days=2)
    row.locked_until = None
    session.flush()
    throttle.record_failure(session, keys[:1])
    session.refresh(row)
    assert row.failures == 1
    assert throttle.purge_stale(session) == 0


def test_window_limit(session):
    results = [throttle.within_limit(session, "reset:test", 3, 3600) for _ in range(5)]
    assert results == [True, True, True, False, False]
