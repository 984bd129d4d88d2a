"""Server-side staff sessions.

The signed Flask cookie carries only a random session identifier; the
``user_session`` row behind it is what makes logout, password change and
account disabling effective on every device at once, and what carries the
idle and absolute timeouts.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import Response, current_app, g, session
from sqlalchemy import select, update

from survey_app.extensions import db
from survey_app.models import Membership, User, UserSession, utcnow

SESSION_KEY = "sid"
ORG_KEY = "org"
# Between the password and the second factor: long enough to open the app, no more.
PENDING_SECOND_FACTOR = timedelta(minutes=10)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, second_factor_done: bool) -> UserSession:
    """Open a new server-side session and rotate the cookie (no fixation)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    token = secrets.token_urlsafe(32)
    now = utcnow()
    record = UserSession(
        user_id=user.id,
        token_hash=hash_token(token),
        last_seen_at=now,
        created_at=now,
        second_factor_done=second_factor_done,
    )
    db.session.add(record)
    db.session.flush()
    session[SESSION_KEY] = token
    session.permanent = False
    return record


def end_session() -> None:
    record = g.get("user_session")
    if record is not None:
        record.revoked_at = utcnow()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def revoke_all_sessions(user_id: int) -> None:
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def complete_second_factor(user: User) -> UserSession:
    """The second factor passed: replace the pending session by a full one (new cookie)."""
    end_session()
    return start_session(user, second_factor_done=True)


def _expired(record: UserSession) -> bool:
    now = utcnow()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    absolute = timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
    if not record.second_factor_done and now - record.created_at > PENDING_SECOND_FACTOR:
        return True
    return now - record.last_seen_at > idle or now - record.created_at > absolute


def load_current_user() -> None:
    """``before_request``: set ``g.user``, ``g.user_session`` and ``g.membership``."""
    g.user = None
    g.user_session = None
    g.membership = None
    token = session.get(SESSION_KEY)
    if not token:
        return
    record = db.session.scalar(
        select(UserSession).where(UserSession.token_hash == hash_token(token))
    )
    if record is None or record.revoked_at is not None or _expired(record):
        session.pop(SESSION_KEY, None)
        return
    user = db.session.get(User, record.user_id)
    if user is None or not user.active:
        session.pop(SESSION_KEY, None)
        return
    g.user_session = record
    if not record.second_factor_done:
        g.pending_user = user
        return
    g.user = user
    now = utcnow()
    # Touch at most once a minute: fewer writes under load, idle timeout still exact enough.
    if now - record.last_seen_at > timedelta(minutes=1):
        g.touch_session_at = now
    memberships = {m.organisation_id: m for m in user.memberships}
    chosen = session.get(ORG_KEY)
    if chosen in memberships:
        g.membership = memberships[chosen]
    elif memberships:
        first = min(memberships.values(), key=lambda m: m.organisation_id)
        session[ORG_KEY] = first.organisation_id
        g.membership = first


def current_organisation_id() -> int:
    """The organisation every query of the request is scoped to."""
    membership: Membership | None = g.get("membership")
    if membership is None:
        raise RuntimeError("no current organisation in this request")
    return membership.organisation_id


def persist_session_touch(response: Response) -> Response:
    """``after_request``: record activity for the idle timeout.

    Done at the end of the request, never in ``before_request``, and in its
    own small transaction so it cannot commit half of a failed view.
    """
    touched_at = g.pop("touch_session_at", None)
    record = g.get("user_session")
    if touched_at is not None and record is not None and response.status_code < 500:
        db.session.execute(
            update(UserSession).where(UserSession.id == record.id).values(last_seen_at=touched_at)
        )
        db.session.commit()
    return response
