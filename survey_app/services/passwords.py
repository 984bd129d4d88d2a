"""Password rules and single-use reset tokens.

The rules follow NIST SP 800-63B §5.1.1.2: a minimum length, a check against
passwords known to be common, and no composition rules (they make passwords
harder to remember without making them harder to guess).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from survey_app.models import PasswordResetToken, User, utcnow
from survey_app.services.errors import DomainError
from survey_app.services.tokens import hash_secret

MIN_LENGTH = 12
MAX_LENGTH = 1024
RESET_VALIDITY = timedelta(hours=1)
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "security" / "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list (see the header of the file for its source), lower-cased."""
    text = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def password_problems(password: str, *, email: str = "") -> list[str]:
    """Why ``password`` is not acceptable, as translated sentences (empty list: fine)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Use at least %(n)s characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_("Use at most %(n)s characters.", n=MAX_LENGTH))
    lowered = password.strip().lower()
    local_part = email.split("@", 1)[0].lower()
    if lowered in common_passwords():
        problems.append(_("This password is too common: choose another one."))
    elif email and lowered in {email.lower(), local_part}:
        problems.append(_("Do not use your e-mail address as your password."))
    return problems


def check_new_password(password: str, *, email: str = "") -> None:
    problems = password_problems(password, email=email)
    if problems:
        raise DomainError(" ".join(problems))


def create_reset_token(session: Session, user: User) -> str:
    """A new single-use reset token for ``user``; earlier unused ones stop working.

    Only the hash is stored: the token itself travels once, by e-mail or on the
    operator's terminal.
    """
    now = utcnow()
    session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordResetToken(
            user_id=user.id, token_hash=hash_secret(token), expires_at=now + RESET_VALIDITY
        )
    )
    session.flush()
    return token


def find_valid_reset_token(session: Session, token: str) -> PasswordResetToken | None:
    if not token or len(token) > 128:
        return None
    record = session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == hash_secret(token))
    )
    if record is None or record.used_at is not None or record.expires_at < utcnow():
        return None
    return record
