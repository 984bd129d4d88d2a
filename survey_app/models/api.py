"""API keys of organisations and the webhooks they receive."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models._base import Base, CreatedMixin, IdMixin, check_in

API_SCOPES = ("beneficiaries:write", "invitations:write", "results:read", "answers:read")
WEBHOOK_EVENTS = ("response.completed", "invitation.expired")
DELIVERY_STATUSES = ("pending", "delivered", "failed")


class ApiKey(IdMixin, CreatedMixin, Base):
    """A secret an organisation's own system presents as ``Authorization: Bearer``.

    Only the SHA-256 of the (256-bit) secret is stored; ``hint`` is its first
    characters, enough for an administrator to tell keys apart.
    """

    __tablename__ = "api_key"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(100))
    hint: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated, see API_SCOPES
    expires_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()


class WebhookEndpoint(IdMixin, CreatedMixin, Base):
    """A URL of the organisation that receives signed event notifications.

    The signing secret is kept in clear: the server needs it to sign.
    """

    __tablename__ = "webhook_endpoint"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)

    deliveries: Mapped[list[WebhookDelivery]] = relationship(
        back_populates="endpoint", cascade="all, delete-orphan", passive_deletes=True
    )


class WebhookDelivery(IdMixin, CreatedMixin, Base):
    """One event for one endpoint, tried until delivered or given up."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_key"),
        CheckConstraint(check_in("event", WEBHOOK_EVENTS), name="event_known"),
        CheckConstraint(check_in("status", DELIVERY_STATUSES), name="status_known"),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
    )

    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(40))
    event_key: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_status_code: Mapped[int | None] = mapped_column(default=None)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)

    endpoint: Mapped[WebhookEndpoint] = relationship(back_populates="deliveries")
