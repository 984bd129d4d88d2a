"""Administrators create, see once and revoke API keys; manage webhooks and see deliveries."""

from __future__ import annotations

import re

from survey_app.models import ApiKey, Role, WebhookEndpoint
from tests.factories import login, make_organisation, make_user


def admin_client(client, session):
    organisation = make_organisation(session)
    user = make_user(session, organisation, Role.ADMIN)
    session.commit()
    login(client, user.email)
    return organisation


def test_key_shown_once_then_revoked(client, session):
    organisation = admin_client(client, session)
    page = client.post(
        "/admin/api-keys",
        data={"label": "Case system", "scopes": ["results:read", "answers:read"], "valid_days": 30},
    )
    assert page.status_code == 200
    secret = re.search(rb"<code>(ek_[A-Za-z0-9_-]+)</code>", page.data).group(1).decode()
    key = session.query(ApiKey).filter_by(organisation_id=organisation.id).one()
    assert key.secret_hash != secret
    assert secret.encode() not in client.get("/admin/api-keys").data
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/studies", headers=headers).status_code == 200
    assert client.post(f"/admin/api-keys/{key.id}/revoke").status_code == 302
    assert client.get("/api/v1/studies", headers=headers).status_code == 401


def test_key_form_refuses_bad_input(client, session):
    admin_client(client, session)
    page = client.post("/admin/api-keys", data={"label": "", "valid_days": 9999})
    assert page.status_code == 400
    assert b"<code>ek_" not in page.data


def test_webhook_pages(client, session):
    admin_client(client, session)
    refused = client.post("/admin/webhooks", data={"url": "http://example.org/hook"})
    assert refused.status_code == 400
    added = client.post("/admin/webhooks", data={"url": "https://example.org/hook"})
    assert added.status_code == 200
    link = re.search(rb'href="(/admin/webhooks/\d+)"', added.data).group(1).decode()
    assert client.get(link).status_code == 200
    assert client.post(link + "/toggle").status_code == 302
    session.expire_all()
    assert session.query(WebhookEndpoint).one().active is False


def test_out_of_range_ids_are_not_found(client, session):
    admin_client(client, session)
    assert client.get("/admin/webhooks/99999999999999999999").status_code == 404
    assert client.post("/admin/api-keys/99999999999999999999/revoke").status_code == 404
