"""Fixed-window rate limiting shared by every worker (rows of ``rate_limit_counter``).

Used for survey token look-ups: guessing tokens is hopeless (256 bits, or 50
bits for a printed short code), but a client that keeps trying unknown ones
is either lost or probing, and after ``limit`` misses in a window it gets 429
until the window ends. Keys never hold a client address in clear: callers
pass :func:`client_key`, an HMAC of the address with the app's secret, so the
table cannot be read back into a list of visitors.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey_app.models import RateLimitCounter, utcnow


@dataclass(frozen=True)
class Window:
    """At most ``limit`` counted events per ``seconds`` for one key."""

    limit: int
    seconds: int


#: Unknown, used or expired survey tokens per client address.
SURVEY_TOKEN_MISSES = Window(limit=20, seconds=60)


def client_key(prefix: str, address: str | None, secret: str) -> str:
    """A stable key for a client address that does not store the address."""
    digest = hmac.new(secret.encode(), (address or "unknown").encode(), hashlib.sha256)
    return f"{prefix}:{digest.hexdigest()}"


def _current(row: RateLimitCounter | None, window: Window, now: datetime) -> int:
    if row is None or now - row.window_start >= timedelta(seconds=window.seconds):
        return 0
    return row.count


def is_limited(session: Session, key: str, window: Window, *, now: datetime | None = None) -> bool:
    """True when ``key`` has used up its window: refuse without doing the work."""
    row = session.get(RateLimitCounter, key)
    return _current(row, window, now or utcnow()) >= window.limit


def count(session: Session, key: str, window: Window, *, now: datetime | None = None) -> int:
    """Count one event for ``key`` and return the count in the current window.

    The increment is done in SQL so two workers counting at once both count;
    an expired window is restarted at ``now``.
    """
    now = now or utcnow()
    window_start = now - timedelta(seconds=window.seconds)
    restarted = session.execute(
        update(RateLimitCounter)
        .where(RateLimitCounter.key == key, RateLimitCounter.window_start <= window_start)
        .values(window_start=now, count=1)
    )
    if not restarted.rowcount:
        bumped = session.execute(
            update(RateLimitCounter)
            .where(RateLimitCounter.key == key)
            .values(count=RateLimitCounter.count + 1)
        )
        if not bumped.rowcount:
            # A new key: a good moment to forget this prefix's long-finished windows.
            purge_expired(session, older_than=timedelta(days=1), now=now, prefix=key.split(":")[0])
            try:
                with session.begin_nested():
                    session.add(RateLimitCounter(key=key, window_start=now, count=1))
            except IntegrityError:  # another worker inserted it first
                session.execute(
                    update(RateLimitCounter)
                    .where(RateLimitCounter.key == key)
                    .values(count=RateLimitCounter.count + 1)
                )
    session.flush()
    value = session.scalar(select(RateLimitCounter.count).where(RateLimitCounter.key == key))
    return int(value or 0)


def purge_expired(
    session: Session,
    *,
    older_than: timedelta,
    now: datetime | None = None,
    prefix: str | None = None,
) -> int:
    """Forget windows that started before ``now - older_than`` (returns rows removed).

    ``prefix`` limits the purge to one family of keys (``"survey-token"``), so
    a caller with longer windows of its own is never affected.
    """
    limit = (now or utcnow()) - older_than
    query = delete(RateLimitCounter).where(RateLimitCounter.window_start < limit)
    if prefix is not None:
        query = query.where(RateLimitCounter.key.startswith(prefix + ":", autoescape=True))
    result = session.execute(query)
    return int(result.rowcount or 0)
