"""SMS invitations through Apprise, against a local fake provider (no network)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
from sqlalchemy import select

from survey_app.cli.invitations import run_send_due
from survey_app.models import AuditEvent, BeneficiaryContact, Invitation, Organisation, Role, utcnow
from survey_app.services import messaging
from survey_app.services.tokens import hash_secret, hash_short_code
from tests.factories import login, make_beneficiary, make_organisation, make_site, make_user
from tests.studies_factories import make_invitation, make_study


class FakeProvider(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        FakeProvider.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def provider() -> Iterator[tuple[str, list[dict]]]:
    FakeProvider.received = []
    server = HTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"json://127.0.0.1:{server.server_port}/sms?:to={{phone}}", FakeProvider.received
    server.shutdown()
    server.server_close()


def _people(session):
    organisation = make_organisation(session, name="Maison Soleil")
    site = make_site(session, organisation)
    study = make_study(session, organisation, [site], slug="s")
    admin = make_user(session, organisation, Role.ADMIN)
    worker = make_user(session, organisation, Role.SOCIAL_WORKER)
    person = make_beneficiary(session, organisation, site, "B-SMS1")
    session.add(
        BeneficiaryContact(beneficiary_id=person.id, phone="06 12 34 56 78", created_at=utcnow())
    )
    session.flush()
    return organisation, study, admin, worker, person


def test_admin_sets_the_gateway_which_is_never_shown_back(client, session, provider):
    url, _received = provider
    organisation, _study, admin, _worker, _person = _people(session)
    session.commit()
    login(client, admin.email)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    bad = client.post("/admin/messages", data={"gw-url": "nonsense://x", "gw-save_gateway": "1"})
    assert bad.status_code == 302
    assert session.get(Organisation, organisation.id).sms_url_encrypted is None
    saved = client.post("/admin/messages", data={"gw-url": url, "gw-save_gateway": "1"})
    assert saved.status_code == 302
    session.expire_all()
    stored = session.get(Organisation, organisation.id).sms_url_encrypted
    assert stored
    assert "127.0.0.1" not in stored
    page = client.get("/admin/messages").get_data(as_text=True)
    assert "127.0.0.1" not in page
    assert "json://…" in page
    events = session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "organisation.sms_gateway")
    ).all()
    assert events == [{"service": "json", "removed": False}]


def test_worker_sends_an_sms_with_link_code_and_organisation(client, session, provider, app):
    url, received = provider
    organisation, study, _admin, worker, person = _people(session)
    messaging.set_gateway(session, organisation, url, secret_key=app.config["SECRET_KEY"])
    invitation, _token = make_invitation(session, person, study.waves[0].id)
    session.commit()
    login(client, worker.email)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(f"/studies/invitations/{invitation.id}").get_data(as_text=True)
    assert "Send a new link by SMS" in page
    response = client.post(f"/studies/invitations/{invitation.id}/sms")
    assert response.status_code == 302
    assert len(received) == 1
    message = received[0]
    assert message["to"] == "+33612345678"
    text = message["message"]
    assert "Maison Soleil" in text
    token = re.search(r"http://localhost/s/([A-Za-z0-9_-]+)", text).group(1)
    code = re.search(r"\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2})\b", text).group(1)
    session.expire_all()
    stored = session.get(Invitation, invitation.id)
    assert stored.token_hash == hash_secret(token)
    assert stored.short_code_hash == hash_short_code(code)
    assert stored.channel == "sms"
    assert stored.sent_at is not None


def test_without_a_channel_the_page_says_so_and_offers_the_card(client, session):
    _organisation, study, _admin, worker, person = _people(session)
    invitation, _token = make_invitation(session, person, study.waves[0].id)
    session.commit()
    login(client, worker.email)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(f"/studies/invitations/{invitation.id}").get_data(as_text=True)
    assert "SMS is not set up for your organisation" in page
    assert "print the card" in page
    assert "Issue a new link" in page
    assert client.post(f"/studies/invitations/{invitation.id}/sms").status_code == 302


def test_send_due_texts_people_with_a_phone_and_no_email(session, provider, app):
    url, received = provider
    organisation, study, _admin, _worker, person = _people(session)
    messaging.set_gateway(session, organisation, url, secret_key=app.config["SECRET_KEY"])
    messaging.save_text(
        session,
        organisation,
        channel="sms",
        kind="invitation",
        language="fr",
        subject="",
        body="{organisation} : votre avis ! {link} code {code}",
    )
    baseline, followup = study.waves
    make_invitation(
        session,
        person,
        baseline.id,
        created_at=utcnow() - timedelta(days=91),
        completed_at=utcnow(),
    )
    session.commit()
    result = run_send_due(
        session,
        now=utcnow(),
        base_url="https://ecoute.example",
        mailer=None,
        sms_secret=app.config["SECRET_KEY"],
        sms_sender=messaging.apprise_sender,
    )
    assert (result.created, result.texted, result.sms_failures) == (1, 1, 0)
    assert received[0]["message"].startswith(
        "Maison Soleil : votre avis ! https://ecoute.example/s/"
    )
    created = session.scalar(select(Invitation).where(Invitation.wave_id == followup.id))
    assert created.channel == "sms"
    assert created.sent_at is not None


def test_texts_refuse_unknown_placeholders_and_preview_fills_them(client, session):
    _organisation, _study, admin, _worker, _person = _people(session)
    session.commit()
    login(client, admin.email)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    base = "/admin/messages?channel=sms&kind=invitation&language=en"
    refused = client.post(base, data={"tx-body": "Hi {name} {link}", "tx-save_text": "1"})
    assert refused.status_code == 400
    assert "{name}" in refused.get_data(as_text=True)
    shown = client.post(
        base, data={"tx-body": "{organisation}: {link} ({code})", "tx-preview": "1"}
    )
    page = shown.get_data(as_text=True)
    assert "Maison Soleil: http://localhost/s/EXAMPLE-LINK" in page
    assert (
        client.post(
            base, data={"tx-body": "{organisation}: {link}", "tx-save_text": "1"}
        ).status_code
        == 302
    )
