"""Staff accounts, their memberships and the server-side state of their sessions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models._base import NEVER_REUSE_IDS, Base, CreatedMixin, IdMixin, check_in

if TYPE_CHECKING:
    from survey_app.models.organisation import Organisation


class Role(StrEnum):
    ADMIN = "admin"
    QUALITY_MANAGER = "quality_manager"
    DIRECTOR = "director"
    SOCIAL_WORKER = "social_worker"


ROLE_VALUES = tuple(role.value for role in Role)


class User(IdMixin, CreatedMixin, Base):
    """A member of staff. Beneficiaries never have accounts."""

    __tablename__ = "user_account"
    __table_args__ = NEVER_REUSE_IDS

    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(2), default="fr")
    password_changed_at: Mapped[datetime | None] = mapped_column(default=None)
    #: The second factor's secret, encrypted at rest (survey_app/security/secret_box.py);
    #: read it with ``survey_app.services.totp.secret_of``.
    totp_secret_encrypted: Mapped[str | None] = mapped_column(String(512), default=None)
    totp_enabled: Mapped[bool] = mapped_column(default=False)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )


class Membership(IdMixin, CreatedMixin, Base):
    """A user's role in one organisation; a user may belong to several."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("user_id", "organisation_id"),
        CheckConstraint(check_in("role", ROLE_VALUES), name="role_known"),
        NEVER_REUSE_IDS,
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32))

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship()
    sites: Mapped[list[MembershipSite]] = relationship(cascade="all, delete-orphan")


class MembershipSite(Base):
    """Sites a social worker works at; they see beneficiaries of these sites only."""

    __tablename__ = "membership_site"

    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True
    )
    site_id: Mapped[int] = mapped_column(
        ForeignKey("site.id", ondelete="CASCADE"), primary_key=True
    )


class UserSession(IdMixin, CreatedMixin, Base):
    """Server-side record of a login, so logout and disabling end it everywhere.

    The browser cookie holds a random identifier whose hash is stored here.
    """

    __tablename__ = "user_session"
    __table_args__ = NEVER_REUSE_IDS

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_seen_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    second_factor_done: Mapped[bool] = mapped_column(default=False)


class RecoveryCode(IdMixin, Base):
    """One-time recovery code for the second factor, stored as a hash."""

    __tablename__ = "recovery_code"
    __table_args__ = NEVER_REUSE_IDS

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class LoginThrottle(Base):
    """Failure counter per account and per client address.

    Kept in the database rather than in process memory so every gunicorn
    worker sees the same count.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime]
    locked_until: Mapped[datetime | None] = mapped_column(default=None)


class PasswordResetToken(IdMixin, CreatedMixin, Base):
    """Single-use, expiring password reset token (hash only)."""

    __tablename__ = "password_reset_token"
    __table_args__ = NEVER_REUSE_IDS

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class RateLimitCounter(Base):
    """A fixed-window counter shared by all workers (survey token look-ups, resets)."""

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    window_start: Mapped[datetime]
    count: Mapped[int] = mapped_column(default=0)
