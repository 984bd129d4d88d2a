"""Optional second factor: time-based one-time passwords (RFC 6238) and recovery codes.

Enrolment stores a fresh secret with ``totp_enabled`` still false; only a code
computed from it by the user's app turns it on, so a half-finished enrolment
never locks anyone out. Recovery codes are random (50 bits), shown once and
stored as hashes; each works once.

Secrets are stored encrypted (:mod:`survey_app.security.secret_box`); read
them only through :func:`secret_of`. Migration 0002 encrypted the secrets of
earlier versions; a clear secret found later (a database restored from an old
backup) still works and is encrypted on its first use.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Mapping
from typing import Any

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from survey_app.models import RateLimitCounter, RecoveryCode, User, utcnow
from survey_app.security import secret_box
from survey_app.services.errors import Conflict, DomainError
from survey_app.services.tokens import CROCKFORD, hash_secret

ISSUER = "Écoute"
RECOVERY_CODE_COUNT = 10


#: A secret stored by a version before encryption: base32 only (Fernet tokens have
#: lower-case letters, ``-`` and ``_``).
_CLEAR_SECRET = re.compile(r"^[A-Z2-7]{16,64}=*$")


def _config() -> Mapping[str, Any]:
    return current_app.config


def is_clear(stored: str) -> bool:
    return bool(_CLEAR_SECRET.match(stored))


def secret_of(user: User) -> str | None:
    """The user's TOTP secret in clear (None: none, or no configured key opens it)."""
    stored = user.totp_secret_encrypted
    if not stored:
        return None
    if is_clear(stored):
        return stored
    try:
        return secret_box.decrypt(_config(), stored)
    except secret_box.SecretUnreadable:
        current_app.logger.warning("a second-factor secret cannot be decrypted: check the keys")
        return None


def _store_secret(user: User, plain: str) -> None:
    user.totp_secret_encrypted = secret_box.encrypt(_config(), plain)


def begin_enrolment(session: Session, user: User) -> str:
    """Give ``user`` a new, not yet active secret and return it (stored encrypted)."""
    if user.totp_enabled:
        raise Conflict("the second factor is already active; turn it off first")
    plain = pyotp.random_base32()
    _store_secret(user, plain)
    session.flush()
    return plain


def provisioning_uri(user: User) -> str:
    plain = secret_of(user)
    if not plain:
        raise DomainError("no second-factor secret to show")
    return pyotp.TOTP(plain).provisioning_uri(name=user.email, issuer_name=ISSUER)


def rotate_keys(session: Session, config: Mapping[str, Any]) -> tuple[int, int]:
    """Re-encrypt every stored secret with the first configured key.

    Returns (secrets re-encrypted, secrets no key opens). Clear secrets left
    by an old version are encrypted too.
    """
    done = unreadable = 0
    for user in session.scalars(select(User).where(User.totp_secret_encrypted.is_not(None))):
        stored = user.totp_secret_encrypted or ""
        try:
            if is_clear(stored):
                user.totp_secret_encrypted = secret_box.encrypt(config, stored)
            else:
                user.totp_secret_encrypted = secret_box.rotate(config, stored)
        except secret_box.SecretUnreadable:
            unreadable += 1
            continue
        done += 1
    session.flush()
    return done, unreadable


def qr_code_data_uri(uri: str) -> str:
    """The QR code as an SVG ``data:`` URI (the CSP allows images from ``data:``)."""
    return segno.make(uri, error="m").svg_data_uri(
        scale=5, dark="#0b0c0c", light="#ffffff", encode_minimal=True
    )


def _code_is_valid(session: Session, user: User, code: str) -> bool:
    """Check a 6-digit code, accepting the previous and next 30-second step.

    A code accepted once is remembered (as a counter row keyed on the user and
    the code's time step) and refused afterwards, so a code seen over someone's
    shoulder cannot be replayed.
    """
    code = "".join(ch for ch in code if ch.isdigit())
    plain = secret_of(user)
    if not plain or len(code) != 6:
        return False
    if is_clear(user.totp_secret_encrypted or ""):
        _store_secret(user, plain)  # a secret from before encryption: encrypted on first use
    totp = pyotp.TOTP(plain)
    now = time.time()
    for offset in (-1, 0, 1):
        moment = now + offset * totp.interval
        if secrets.compare_digest(totp.at(moment), code):
            step = int(moment // totp.interval)
            key = f"totp-used:{user.id}:{step}"
            if session.get(RateLimitCounter, key) is not None:
                return False
            session.add(RateLimitCounter(key=key, window_start=utcnow(), count=1))
            session.flush()
            return True
    return False


def confirm_enrolment(session: Session, user: User, code: str) -> list[str]:
    """Turn the second factor on if ``code`` matches; return fresh recovery codes."""
    if user.totp_enabled:
        raise Conflict("the second factor is already active")
    if not _code_is_valid(session, user, code):
        raise DomainError("wrong code")
    user.totp_enabled = True
    return new_recovery_codes(session, user)


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Replace the user's recovery codes with new ones, returned in clear once."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(CROCKFORD) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(raw)))
    session.flush()
    return codes


def _recovery_hash(raw: str) -> str:
    return hash_secret("recovery:" + raw)


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def verify_second_factor(session: Session, user: User, code: str) -> str | None:
    """``"totp"`` or ``"recovery"`` if ``code`` passes (a recovery code is used up), else None."""
    if not user.totp_enabled:
        return None
    if _code_is_valid(session, user, code):
        return "totp"
    raw = _normalise_recovery(code)
    if len(raw) != 10:
        return None
    record = session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_hash(raw),
            RecoveryCode.used_at.is_(None),
        )
    )
    if record is None:
        return None
    record.used_at = utcnow()
    session.flush()
    return "recovery"


def remaining_recovery_codes(session: Session, user: User) -> int:
    return len(
        session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def disable(session: Session, user: User) -> None:
    user.totp_enabled = False
    user.totp_secret_encrypted = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.flush()
