"""Staff accounts: password hashing, creation, memberships and authentication."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.models import Membership, Organisation, Role, User, utcnow
from survey_app.services.errors import Conflict, DomainError, NotFound

# argon2id with the library's RFC 9106 "low memory" profile defaults.
_hasher = PasswordHasher()
# Verifying against this hash when the e-mail is unknown costs the same time
# as a real check, so response times do not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A random password shown once to the operator (about 120 bits)."""
    return secrets.token_urlsafe(15)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (same cost either way)."""
    user = find_user_by_email(session, email)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def get_organisation(session: Session, slug: str) -> Organisation:
    organisation = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        raise NotFound(f"no organisation with slug {slug!r}")
    return organisation


def create_organisation(session: Session, slug: str, name: str) -> Organisation:
    import re

    from survey_app.models.organisation import SLUG_PATTERN

    if not re.match(SLUG_PATTERN, slug):
        raise DomainError(
            f"invalid slug {slug!r}: use lower-case letters, digits and dashes (max 63)"
        )
    if session.scalar(select(Organisation).where(Organisation.slug == slug)) is not None:
        raise Conflict(f"an organisation with slug {slug!r} already exists")
    if not name.strip():
        raise DomainError("the organisation name must not be empty")
    organisation = Organisation(slug=slug, name=name.strip())
    session.add(organisation)
    session.flush()
    return organisation


def create_or_update_user(
    session: Session,
    email: str,
    *,
    organisation: Organisation,
    role: Role,
    password: str | None,
    display_name: str = "",
) -> tuple[User, bool]:
    """Create the user (or reuse an existing one) and give them ``role`` in ``organisation``.

    Returns the user and whether it was created. An existing user's password is
    left alone unless one is given.
    """
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise DomainError(f"invalid e-mail address {email!r}")
    user = find_user_by_email(session, email)
    created = user is None
    if user is None:
        if password is None:
            raise DomainError("a password is required for a new user")
        user = User(email=email, display_name=display_name, password_hash=hash_password(password))
        user.password_changed_at = utcnow()
        session.add(user)
        session.flush()
    elif password is not None:
        user.password_hash = hash_password(password)
        user.password_changed_at = utcnow()
    membership = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    )
    if membership is None:
        session.add(Membership(user_id=user.id, organisation_id=organisation.id, role=role.value))
    else:
        membership.role = role.value
    session.flush()
    return user, created
