"""Tenants (organisations) and their sites."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models._base import NEVER_REUSE_IDS, Base, CreatedMixin, IdMixin

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"


class Organisation(IdMixin, CreatedMixin, Base):
    """A tenant: every piece of data belongs to exactly one organisation."""

    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint("min_cell_size >= 3", name="min_cell_size_at_least_3"),
        CheckConstraint("contact_retention_days >= 1", name="contact_retention_positive"),
        CheckConstraint(
            "text_retention_days IS NULL OR text_retention_days >= 1",
            name="text_retention_positive",
        ),
        CheckConstraint("token_retention_days >= 0", name="token_retention_not_negative"),
        NEVER_REUSE_IDS,
    )

    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    default_language: Mapped[str] = mapped_column(String(2), default="fr")
    # Disclosure control: groups smaller than this are suppressed in reports.
    min_cell_size: Mapped[int] = mapped_column(default=5)
    # GDPR: contact details are purged this many days after the last wave.
    contact_retention_days: Mapped[int] = mapped_column(default=90)
    require_totp_for_admins: Mapped[bool] = mapped_column(default=False)
    email_invitations_enabled: Mapped[bool] = mapped_column(default=False)
    privacy_controller_name: Mapped[str] = mapped_column(String(200), default="")
    privacy_contact: Mapped[str] = mapped_column(String(200), default="")
    logo_svg: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    # Reminders for follow-up invitations.
    reminder_count: Mapped[int] = mapped_column(default=2)
    reminder_spacing_days: Mapped[int] = mapped_column(default=7)
    # SMS gateway as an Apprise URL, encrypted with a key derived from SECRET_KEY
    # (see survey_app.services.sms); never shown back in full.
    sms_url_encrypted: Mapped[str | None] = mapped_column(Text, default=None)
    # GDPR: free-text answers are blanked this many days after completion (None: kept).
    text_retention_days: Mapped[int | None] = mapped_column(default=None)
    # Links of completed surveys stop working this many days after completion.
    token_retention_days: Mapped[int] = mapped_column(default=0, server_default="0")

    sites: Mapped[list[Site]] = relationship(
        back_populates="organisation", order_by="Site.code", cascade="all, delete-orphan"
    )


class Site(IdMixin, CreatedMixin, Base):
    """A service, team or office of an organisation; breakdowns are by site."""

    __tablename__ = "site"
    __table_args__ = (UniqueConstraint("organisation_id", "code"), NEVER_REUSE_IDS)

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    organisation: Mapped[Organisation] = relationship(back_populates="sites")
