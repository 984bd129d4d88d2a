"""Webhooks reach a local receiver signed, carry no answers, and are retried when it is down."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest

from survey_app.models import WebhookDelivery, utcnow
from survey_app.services import invitations, webhooks
from survey_app.services.errors import DomainError
from tests.core_factories import make_small_study
from tests.factories import make_beneficiary

PORT = 5019  # this branch's port; nothing listens on 5119


class Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        return None


@pytest.fixture
def receiver():
    Receiver.received = []
    server = HTTPServer(("127.0.0.1", PORT), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Receiver.received
    server.shutdown()
    server.server_close()


@pytest.fixture
def events(session):
    setup = make_small_study(session)
    wave = setup.study.waves[0]
    done = make_beneficiary(session, setup.organisation, setup.sites[0], code="CASE-1")
    late = make_beneficiary(session, setup.organisation, setup.sites[0], code="CASE-2")
    endpoint = webhooks.create_endpoint(
        session, setup.organisation, f"http://127.0.0.1:{PORT}/hook"
    )
    endpoint.created_at = utcnow() - timedelta(days=60)
    answered = invitations.invite(session, done, wave).invitation
    answered.completed_at = utcnow()
    lapsed = invitations.invite(session, late, wave).invitation
    lapsed.expires_at = utcnow() - timedelta(days=1)
    session.flush()
    return endpoint, answered, lapsed


def test_signed_delivery_and_retry(session, events, receiver):
    endpoint, answered, lapsed = events
    assert webhooks.collect(session) == 2
    assert webhooks.collect(session) == 0  # idempotent
    down = endpoint.url.replace(str(PORT), "5119")
    endpoint.url = down
    first = webhooks.due(session)
    outcome = webhooks.attempt(session, first[0])
    assert not outcome.delivered
    assert outcome.error
    delivery = session.get(WebhookDelivery, first[0])
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    assert delivery.next_attempt_at > utcnow()
    assert first[0] not in webhooks.due(session)

    endpoint.url = f"http://127.0.0.1:{PORT}/hook"
    later = utcnow() + timedelta(minutes=2)
    for delivery_id in webhooks.due(session, now=later):
        assert webhooks.attempt(session, delivery_id, now=later).delivered
    assert len(receiver) == 2
    kinds = set()
    for headers, body in receiver:
        timestamp = headers["X-Ecoute-Timestamp"]
        expected = hmac.new(
            endpoint.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        assert headers["X-Ecoute-Signature"] == "sha256=" + expected
        payload = json.loads(body)
        kinds.add((payload["event"], payload["invitation_id"], payload["status"]))
        assert "answers" not in payload
    assert kinds == {
        ("response.completed", answered.id, "completed"),
        ("invitation.expired", lapsed.id, "expired"),
    }


def test_gives_up_after_the_last_attempt(session, events):
    _endpoint, _answered, _lapsed = events
    webhooks.collect(session)
    delivery_id = webhooks.due(session)[0]
    now = utcnow()
    for _ in range(webhooks.MAX_ATTEMPTS):
        webhooks.attempt(session, delivery_id, post=lambda *a: 500, now=now)
        now += timedelta(days=1)
    assert session.get(WebhookDelivery, delivery_id).status == "failed"


def test_cli_delivers(runner, session, events, receiver):
    session.commit()
    result = runner.invoke(args=["webhooks", "deliver"])
    assert result.exit_code == 0, result.output
    assert "delivered 2" in result.output
    assert len(receiver) == 2


@pytest.mark.parametrize(
    "url",
    ["http://example.org/hook", "file:///etc/passwd", "ftp://x/", "https://u:p@example.org/", "x"],
)
def test_only_https_or_local_http(url):
    with pytest.raises(DomainError):
        webhooks.check_url(url)


def test_events_older_than_the_look_back_are_not_sent(session, events):
    _endpoint, _answered, lapsed = events
    lapsed.expires_at = utcnow() - webhooks.LOOK_BACK - timedelta(days=1)
    session.flush()
    assert webhooks.collect(session) == 1  # the recent completion only
