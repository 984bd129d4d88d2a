"""Creating, checking and revoking organisations' API keys.

A key is ``ek_`` followed by 43 URL-safe characters (256 random bits). It is
shown once; only its SHA-256 is stored, so a database leak hands out no
working key. Every use is counted against a per-key rate-limit window and
recorded in the audit trail under the key's label.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import ApiKey, Organisation, User, utcnow
from survey_app.models.api import API_SCOPES
from survey_app.services import audit, ratelimit
from survey_app.services.errors import DomainError, NotFound

PREFIX = "ek_"
#: Requests per key and minute (database-backed, shared by every worker).
REQUESTS_PER_KEY = ratelimit.Window(limit=600, seconds=60)
MAX_VALIDITY_DAYS = 730


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    secret: str  # shown once, never stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    session: Session,
    organisation: Organisation,
    *,
    label: str,
    scopes: list[str],
    valid_days: int,
    actor: User | None = None,
    now: datetime | None = None,
) -> IssuedKey:
    label = label.strip()
    if not label or len(label) > 100:
        raise DomainError(_("Give the key a label of 1 to 100 characters."))
    unknown = sorted(set(scopes) - set(API_SCOPES))
    if unknown or not scopes:
        raise DomainError(_("Choose at least one scope from the list."))
    if not 1 <= valid_days <= MAX_VALIDITY_DAYS:
        raise DomainError(_("A key is valid from 1 to %(days)s days.", days=MAX_VALIDITY_DAYS))
    now = now or utcnow()
    secret = PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        organisation_id=organisation.id,
        label=label,
        hint=secret[:10],
        secret_hash=_hash(secret),
        scopes=" ".join(scope for scope in API_SCOPES if scope in scopes),
        expires_at=now + timedelta(days=valid_days),
        created_by_id=actor.id if actor else None,
        created_at=now,
    )
    session.add(key)
    session.flush()
    audit.record(
        session,
        "api_key.create",
        actor=actor,
        organisation_id=organisation.id,
        object_type="api_key",
        object_id=key.id,
        details={"label": label, "scopes": key.scope_list},
    )
    return IssuedKey(key, secret)


def list_keys(session: Session, organisation_id: int) -> list[ApiKey]:
    return list(
        session.scalars(
            select(ApiKey)
            .where(ApiKey.organisation_id == organisation_id)
            .order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
        ).all()
    )


def revoke_key(
    session: Session, organisation_id: int, key_id: int, *, actor: User | None = None
) -> ApiKey:
    key = session.scalar(
        select(ApiKey).where(ApiKey.id == key_id, ApiKey.organisation_id == organisation_id)
    )
    if key is None:
        raise NotFound("key not found")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.flush()
        audit.record(
            session,
            "api_key.revoke",
            actor=actor,
            organisation_id=organisation_id,
            object_type="api_key",
            object_id=key.id,
            details={"label": key.label},
        )
    return key


class InvalidKey(DomainError):
    """No such key, or revoked, or expired (401)."""


class TooManyRequests(DomainError):
    """The key used up its window (429); ``retry_after`` in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many requests")
        self.retry_after = retry_after


def authenticate(
    session: Session,
    secret: str,
    *,
    method: str,
    path: str,
    now: datetime | None = None,
) -> ApiKey:
    """The live key for ``secret``, counted and audited, or :class:`InvalidKey`."""
    now = now or utcnow()
    if not secret.startswith(PREFIX) or len(secret) > 100:
        raise InvalidKey("invalid key")
    key = session.scalar(select(ApiKey).where(ApiKey.secret_hash == _hash(secret)))
    if key is None or key.revoked_at is not None or key.expires_at <= now:
        raise InvalidKey("invalid key")
    used = ratelimit.count(session, f"api-key:{key.id}", REQUESTS_PER_KEY, now=now)
    if used > REQUESTS_PER_KEY.limit:
        raise TooManyRequests(REQUESTS_PER_KEY.seconds)
    key.last_used_at = now
    audit.record(
        session,
        "api.request",
        actor_label=f"API key: {key.label}",
        organisation_id=key.organisation_id,
        object_type="api_key",
        object_id=key.id,
        details={"method": method, "path": path[:200]},
    )
    return key
