"""Staff accounts: password hashing, creation, memberships and authentication."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from survey_app.models import (
    Membership,
    MembershipSite,
    Organisation,
    PasswordResetToken,
    Role,
    Site,
    User,
    UserSession,
    utcnow,
)
from survey_app.services import passwords
from survey_app.services.errors import Conflict, DomainError, NotFound
from survey_app.services.messages import translate

# argon2id with the library's RFC 9106 "low memory" profile defaults.
_hasher = PasswordHasher()
# Verifying against this hash when the e-mail is unknown costs the same time
# as a real check, so response times do not reveal which accounts exist.
# Made on first use, not at import: an Argon2 hash costs every `flask` command ~0.1 s or more.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
    return _DUMMY_HASH


MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH


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
        verify_password(_dummy_hash(), password)
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


def revoke_sessions(session: Session, user_id: int, *, keep_session_id: int | None = None) -> int:
    """End every open session of the user (except ``keep_session_id``) on every device."""
    statement = update(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
    )
    if keep_session_id is not None:
        statement = statement.where(UserSession.id != keep_session_id)
    result = session.execute(statement.values(revoked_at=utcnow()))
    return int(result.rowcount or 0)


def change_password(
    session: Session,
    user: User,
    *,
    current: str,
    new: str,
    keep_session_id: int | None = None,
) -> None:
    """Change the password after checking the current one; other sessions end."""
    if not verify_password(user.password_hash, current):
        raise DomainError(translate("the current password is wrong"))
    passwords.check_new_password(new, email=user.email)
    _set_password(session, user, new)
    revoke_sessions(session, user.id, keep_session_id=keep_session_id)


def reset_password(session: Session, token: str, new: str) -> User:
    """Set a new password with a reset token; the token is used up and all sessions end."""
    record = passwords.find_valid_reset_token(session, token)
    if record is None:
        raise NotFound(translate("this reset link is invalid, used or expired"))
    user = session.get(User, record.user_id)
    if user is None or not user.active:
        raise NotFound(translate("this reset link is invalid, used or expired"))
    passwords.check_new_password(new, email=user.email)
    _set_password(session, user, new)
    record.used_at = utcnow()
    session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    revoke_sessions(session, user.id)
    session.flush()
    return user


def _set_password(session: Session, user: User, new: str) -> None:
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    session.flush()


def membership_in(session: Session, organisation_id: int, membership_id: int) -> Membership:
    """A membership of this organisation, or NotFound (never another organisation's)."""
    membership = session.scalar(
        select(Membership).where(
            Membership.id == membership_id, Membership.organisation_id == organisation_id
        )
    )
    if membership is None:
        raise NotFound("no such member in this organisation")
    return membership


def _sites_of(session: Session, organisation_id: int, site_ids: list[int]) -> list[Site]:
    sites = session.scalars(
        select(Site).where(Site.organisation_id == organisation_id, Site.id.in_(site_ids))
    ).all()
    if len(sites) != len(set(site_ids)):
        raise NotFound(translate("unknown site"))
    return list(sites)


def set_role(
    session: Session,
    membership: Membership,
    role: Role,
    site_ids: list[int],
    *,
    acting_membership_id: int | None = None,
) -> None:
    """Change a member's role and, for social workers, the sites they work at."""
    if membership.id == acting_membership_id and role != Role.ADMIN:
        raise Conflict(translate("you cannot remove your own administrator role"))
    if membership.role == Role.ADMIN and role != Role.ADMIN:
        _keep_one_admin(session, membership)
    sites = _sites_of(session, membership.organisation_id, site_ids)
    membership.role = role.value
    session.execute(delete(MembershipSite).where(MembershipSite.membership_id == membership.id))
    if role == Role.SOCIAL_WORKER:
        for site in sites:
            session.add(MembershipSite(membership_id=membership.id, site_id=site.id))
    session.flush()
    session.expire(membership, ["sites"])


def _keep_one_admin(session: Session, leaving: Membership) -> None:
    admins = session.scalars(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.organisation_id == leaving.organisation_id,
            Membership.role == Role.ADMIN.value,
            Membership.id != leaving.id,
            User.active.is_(True),
        )
    ).all()
    if not admins:
        raise Conflict(translate("the organisation must keep at least one active administrator"))


def invite_user(
    session: Session,
    organisation: Organisation,
    *,
    email: str,
    display_name: str,
    role: Role,
    site_ids: list[int],
) -> tuple[User, bool]:
    """Add a member; a new account gets an unusable random password until it is reset."""
    existing = find_user_by_email(session, email)
    if existing is not None and any(
        m.organisation_id == organisation.id for m in existing.memberships
    ):
        raise Conflict(translate("this person is already a member of the organisation"))
    sites = _sites_of(session, organisation.id, site_ids)
    user, created = create_or_update_user(
        session,
        email,
        organisation=organisation,
        role=role,
        password=None if existing is not None else secrets.token_urlsafe(32),
        display_name=display_name.strip(),
    )
    if created:
        user.password_changed_at = None
    membership = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    )
    if membership is not None and role == Role.SOCIAL_WORKER:
        for site in sites:
            session.add(MembershipSite(membership_id=membership.id, site_id=site.id))
    session.flush()
    return user, created


def set_account_active(
    session: Session,
    membership: Membership,
    active: bool,
    *,
    acting_membership_id: int | None = None,
) -> None:
    """Disable (sessions end at once) or re-enable a member's account.

    An account shared with other organisations cannot be disabled from here:
    one tenant's administrator must not lock a person out of another tenant;
    they remove the membership instead.
    """
    if membership.id == acting_membership_id:
        raise Conflict(translate("you cannot disable your own account"))
    user = membership.user
    others = [m for m in user.memberships if m.organisation_id != membership.organisation_id]
    if others:
        raise Conflict(
            translate(
                "this person also belongs to another organisation: "
                "remove them from this organisation instead"
            )
        )
    if not active and membership.role == Role.ADMIN:
        _keep_one_admin(session, membership)
    user.active = active
    if not active:
        revoke_sessions(session, user.id)
    session.flush()


def remove_membership(
    session: Session, membership: Membership, *, acting_membership_id: int | None = None
) -> None:
    """Take a person out of the organisation; their sessions end (they may be in one elsewhere)."""
    if membership.id == acting_membership_id:
        raise Conflict(translate("you cannot remove yourself"))
    if membership.role == Role.ADMIN:
        _keep_one_admin(session, membership)
    user_id = membership.user_id
    session.delete(membership)
    revoke_sessions(session, user_id)
    session.flush()
