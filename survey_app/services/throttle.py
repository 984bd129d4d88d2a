"""Login throttling per account and per client address, shared by all workers.

After ``FREE_FAILURES`` failures for a key, every further failure locks that
key for a delay that doubles each time (``BASE_DELAY`` × 2^(n − FREE_FAILURES),
capped at ``MAX_DELAY``). While a key is locked, no password is checked at all,
so a correct password sent during the lock is refused like a wrong one: ten
wrong passwords never let the eleventh try through faster.

The account key is a hash of the normalised e-mail address whether or not an
account exists, so unknown and known addresses are throttled identically and
the table holds no address in clear. Counters are forgotten after
``FORGET_AFTER`` without failure.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey_app.models import LoginThrottle, RateLimitCounter, utcnow
from survey_app.services.tokens import hash_secret


@dataclass(frozen=True)
class Policy:
    free_failures: int
    base_delay: timedelta
    max_delay: timedelta
    forget_after: timedelta


ACCOUNT_POLICY = Policy(5, timedelta(seconds=30), timedelta(hours=1), timedelta(hours=24))
# An office shares one public address: more failures are allowed before it slows down.
ADDRESS_POLICY = Policy(20, timedelta(seconds=30), timedelta(hours=1), timedelta(hours=24))


def account_key(email: str) -> str:
    return "account:" + hash_secret(email.strip().lower())


def address_key(address: str | None, secret: str) -> str:
    """A key for the client address that does not store the address itself."""
    digest = hmac.new(secret.encode(), (address or "unknown").encode(), hashlib.sha256)
    return "address:" + digest.hexdigest()


def _policy(key: str) -> Policy:
    return ACCOUNT_POLICY if key.startswith("account:") else ADDRESS_POLICY


def delay_after(failures: int, policy: Policy) -> timedelta:
    """How long a key stays locked after its ``failures``-th failure."""
    if failures < policy.free_failures:
        return timedelta(0)
    exponent = min(failures - policy.free_failures, 20)
    return min(policy.base_delay * (2**exponent), policy.max_delay)


def locked_until(session: Session, keys: list[str]) -> datetime | None:
    """The latest time any of ``keys`` is locked until, or None if none is locked now."""
    now = utcnow()
    rows = session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))).all()
    ends = [row.locked_until for row in rows if row.locked_until and row.locked_until > now]
    return max(ends) if ends else None


def record_failure(session: Session, keys: list[str]) -> None:
    """Count one failure for each key and lock it when past its free failures."""
    now = utcnow()
    for key in keys:
        policy = _policy(key)
        row = session.get(LoginThrottle, key)
        if row is None:
            row = _insert(session, key, now)
        if now - row.last_failure_at > policy.forget_after:
            row.failures = 0
        # Counted in SQL so that two workers failing at once both count.
        session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key)
            .values(failures=LoginThrottle.failures + 1, last_failure_at=now)
        )
        session.refresh(row)
        wait = delay_after(row.failures, policy)
        if wait:
            row.locked_until = now + wait
    session.flush()


def _insert(session: Session, key: str, now: datetime) -> LoginThrottle:
    try:
        with session.begin_nested():
            row = LoginThrottle(key=key, failures=0, last_failure_at=now)
            session.add(row)
    except IntegrityError:  # another worker inserted it first
        found = session.get(LoginThrottle, key, populate_existing=True)
        if found is None:  # inserted and deleted again by others: count from zero
            return _insert(session, key, now)
        row = found
    return row


def record_success(session: Session, email: str) -> None:
    """A successful sign-in clears the account's counter (not the address's)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == account_key(email)))


def forget(session: Session, keys: list[str]) -> None:
    """Clear the counters of ``keys`` (a right second-factor code clears its failures)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(keys)))


def purge_stale(session: Session) -> int:
    """Forget counters without a failure for a day and no running lock."""
    now = utcnow()
    oldest = now - max(ACCOUNT_POLICY.forget_after, ADDRESS_POLICY.forget_after)
    result = session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < oldest,
            (LoginThrottle.locked_until.is_(None)) | (LoginThrottle.locked_until < now),
        )
    )
    return int(result.rowcount or 0)


def within_limit(session: Session, key: str, limit: int, window_seconds: int) -> bool:
    """Count one use of ``key`` in a fixed window; False once ``limit`` is exceeded."""
    now = utcnow()
    row = session.get(RateLimitCounter, key)
    if row is None:
        try:
            with session.begin_nested():
                row = RateLimitCounter(key=key, window_start=now, count=0)
                session.add(row)
        except IntegrityError:
            found = session.get(RateLimitCounter, key, populate_existing=True)
            if found is None:
                return within_limit(session, key, limit, window_seconds)
            row = found
    if now - row.window_start > timedelta(seconds=window_seconds):
        row.window_start = now
        row.count = 0
    session.flush()
    session.execute(
        update(RateLimitCounter)
        .where(RateLimitCounter.key == key)
        .values(count=RateLimitCounter.count + 1)
    )
    session.refresh(row)
    return row.count <= limit
