"""Signed event notifications to an organisation's own system.

Events: ``response.completed`` and ``invitation.expired``. A payload carries
identifiers and a status (the pseudonymous code at most), never an answer.

Each POST has the headers ``X-Ecoute-Event``, ``X-Ecoute-Delivery`` (the
delivery id: receivers deduplicate on it), ``X-Ecoute-Timestamp`` (Unix
seconds) and ``X-Ecoute-Signature: sha256=<hex>``, the HMAC-SHA256 with the
endpoint's secret of ``<timestamp>.<body>``. A receiver recomputes it and
refuses timestamps more than five minutes old.

``flask webhooks deliver`` (run from cron beside ``invitations send-due``)
collects new events and posts the due deliveries; a failed delivery is tried
again after 1, 2, 4, 8 … minutes, at most :data:`MAX_ATTEMPTS` times.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from survey_app.models import (
    Beneficiary,
    Invitation,
    Organisation,
    Response,
    Study,
    User,
    Wave,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)
from survey_app.services import audit
from survey_app.services.errors import DomainError, NotFound

MAX_ATTEMPTS = 8
#: How far back each run looks for events (bounds the scan; runs are every few minutes).
LOOK_BACK = timedelta(days=7)
FIRST_RETRY = timedelta(minutes=1)
TIMEOUT_SECONDS = 10
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

#: ``post(url, body, headers) -> status code``; raises OSError when unreachable.
Poster = Callable[[str, bytes, dict[str, str]], int]


def check_url(url: str) -> str:
    """https anywhere, or plain http to this machine only (a local relay or a test)."""
    url = url.strip()
    parts = urlsplit(url)
    if len(url) > 500 or not parts.hostname or parts.username or parts.password:
        raise DomainError(_("Enter a complete address such as https://example.org/hooks."))
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return url
    raise DomainError(_("The address must start with https:// (http:// only for 127.0.0.1)."))


def create_endpoint(
    session: Session, organisation: Organisation, url: str, *, actor: User | None = None
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        organisation_id=organisation.id,
        url=check_url(url),
        secret=secrets.token_hex(32),
        created_at=utcnow(),
    )
    session.add(endpoint)
    session.flush()
    audit.record(
        session,
        "webhook.create",
        actor=actor,
        organisation_id=organisation.id,
        object_type="webhook_endpoint",
        object_id=endpoint.id,
        details={"url": endpoint.url},
    )
    return endpoint


def get_endpoint(session: Session, organisation_id: int, endpoint_id: int) -> WebhookEndpoint:
    endpoint = session.scalar(
        select(WebhookEndpoint).where(
            WebhookEndpoint.id == endpoint_id, WebhookEndpoint.organisation_id == organisation_id
        )
    )
    if endpoint is None:
        raise NotFound("webhook not found")
    return endpoint


def list_endpoints(session: Session, organisation_id: int) -> list[WebhookEndpoint]:
    return list(
        session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.organisation_id == organisation_id)
            .order_by(WebhookEndpoint.id)
        ).all()
    )


def set_active(
    session: Session, endpoint: WebhookEndpoint, active: bool, *, actor: User | None = None
) -> None:
    endpoint.active = active
    session.flush()
    audit.record(
        session,
        "webhook.enable" if active else "webhook.disable",
        actor=actor,
        organisation_id=endpoint.organisation_id,
        object_type="webhook_endpoint",
        object_id=endpoint.id,
    )


def recent_deliveries(session: Session, endpoint: WebhookEndpoint, limit: int = 50) -> list[Any]:
    return list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        ).all()
    )


# --- events -------------------------------------------------------------------------


def _since(endpoint: WebhookEndpoint, now: datetime) -> datetime:
    """Events older than the look-back window (or the endpoint) are not sent."""
    return max(endpoint.created_at, now - LOOK_BACK)


def _event_rows(session: Session, endpoint: WebhookEndpoint, now: datetime) -> list[Any]:
    since = _since(endpoint, now)
    completed = Invitation.completed_at >= since
    expired = (
        Invitation.completed_at.is_(None)
        & (Invitation.expires_at >= since)
        & ((Invitation.expired_at.is_not(None)) | (Invitation.expires_at <= now))
    )
    return list(
        session.execute(
            select(Invitation, Beneficiary.code, Wave.key, Study.slug, Response.id)
            .join(Beneficiary, Beneficiary.id == Invitation.beneficiary_id)
            .join(Wave, Wave.id == Invitation.wave_id)
            .join(Study, Study.id == Wave.study_id)
            .outerjoin(Response, Response.invitation_id == Invitation.id)
            .where(Beneficiary.organisation_id == endpoint.organisation_id, or_(completed, expired))
        ).all()
    )


def collect(session: Session, *, now: datetime | None = None) -> int:
    """Queue one delivery per new event and active endpoint; returns how many were queued."""
    now = now or utcnow()
    queued = 0
    for endpoint in session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active)):
        known = set(
            session.scalars(
                select(WebhookDelivery.event_key).where(
                    WebhookDelivery.endpoint_id == endpoint.id,
                    # an event is at least as old as its delivery: older ones are out of the scan
                    WebhookDelivery.created_at >= _since(endpoint, now),
                )
            )
        )
        for invitation, code, wave_key, study_slug, response_id in _event_rows(
            session, endpoint, now
        ):
            event = "response.completed" if invitation.completed_at else "invitation.expired"
            key = f"{event}:{invitation.id}"
            if key in known:
                continue
            occurred = invitation.completed_at or invitation.expired_at or invitation.expires_at
            payload = {
                "event": event,
                "occurred_at": occurred.isoformat() + "Z",
                "study": study_slug,
                "wave": wave_key,
                "invitation_id": invitation.id,
                "beneficiary_reference": code,
                "status": "completed" if invitation.completed_at else "expired",
            }
            if invitation.completed_at:
                payload["response_id"] = response_id
            session.add(
                WebhookDelivery(
                    endpoint_id=endpoint.id,
                    event=event,
                    event_key=key,
                    payload=payload,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
            known.add(key)
            queued += 1
    session.flush()
    return queued


# --- delivery -----------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:  # never follow
        return None


def http_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    url = check_url(url)  # only https, or http to this machine: no file: or other schemes
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def due(session: Session, *, now: datetime | None = None, limit: int = 200) -> list[int]:
    return list(
        session.scalars(
            select(WebhookDelivery.id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= (now or utcnow()),
                WebhookEndpoint.active,
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
        ).all()
    )


@dataclass(frozen=True)
class Attempt:
    delivered: bool
    status_code: int | None
    error: str


def attempt(
    session: Session,
    delivery_id: int,
    *,
    post: Poster = http_post,
    now: datetime | None = None,
) -> Attempt:
    """Post one delivery, record the outcome and schedule the next try if needed."""
    now = now or utcnow()
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status != "pending":
        raise NotFound("delivery not found")
    endpoint = delivery.endpoint
    body = json.dumps(
        {"delivery_id": delivery.id, **delivery.payload}, sort_keys=True, separators=(",", ":")
    ).encode()
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Ecoute-Webhooks/1",
        "X-Ecoute-Event": delivery.event,
        "X-Ecoute-Delivery": str(delivery.id),
        "X-Ecoute-Timestamp": timestamp,
        "X-Ecoute-Signature": sign(endpoint.secret, timestamp, body),
    }
    status_code: int | None = None
    error = ""
    try:
        status_code = post(endpoint.url, body, headers)
    except (OSError, ValueError) as failure:
        error = f"{type(failure).__name__}: {failure}"[:300]
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivered = status_code is not None and 200 <= status_code < 300
    if delivered:
        delivery.status = "delivered"
        delivery.delivered_at = now
        delivery.last_error = ""
    else:
        delivery.last_error = error or f"HTTP {status_code}"
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = "failed"
        else:
            delivery.next_attempt_at = now + FIRST_RETRY * 2 ** (delivery.attempts - 1)
    session.flush()
    return Attempt(delivered, status_code, delivery.last_error)
