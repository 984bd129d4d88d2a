"""Server-side sessions: rotation, logout, disabling, timeouts, cookies, organisation switch."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from survey_app.config import build_config
from survey_app.models import Role, UserSession, utcnow
from survey_app.security.sessions import SESSION_KEY
from tests.conftest import make_test_app
from tests.factories import login, make_organisation, make_user
from tests.security_factories import sign_in


def _signed_in(client, session, role=Role.DIRECTOR):
    organisation = make_organisation(session)
    user = make_user(session, organisation, role)
    session.commit()
    assert login(client, user.email).status_code == 302
    return user


def _sid(client):
    with client.session_transaction() as cookie:
        return cookie.get(SESSION_KEY)


def test_login_rotates_the_session_identifier(client, session):
    organisation = make_organisation(session)
    user = make_user(session, organisation)
    session.commit()
    with client.session_transaction() as cookie:
        cookie[SESSION_KEY] = "planted-by-an-attacker"
    login(client, user.email)
    assert _sid(client) not in (None, "planted-by-an-attacker")


def test_logout_ends_the_session_on_the_server(client, session, app):
    _signed_in(client, session)
    stolen = _sid(client)
    assert client.post("/auth/logout").status_code == 302
    replay = app.test_client()
    with replay.session_transaction() as cookie:
        cookie[SESSION_KEY] = stolen
    assert replay.get("/studies/").status_code == 302
    record = session.scalars(select(UserSession)).one()
    assert record.revoked_at is not None


def test_idle_timeout(client, session, app):
    _signed_in(client, session)
    record = session.scalars(select(UserSession)).one()
    idle = app.config["SESSION_IDLE_MINUTES"]
    record.last_seen_at = utcnow() - timedelta(minutes=idle - 1)
    session.commit()
    assert client.get("/studies/").status_code == 200
    record.last_seen_at = utcnow() - timedelta(minutes=idle + 1)
    session.commit()
    response = client.get("/studies/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_activity_keeps_the_session_alive(client, session):
    _signed_in(client, session)
    record = session.scalars(select(UserSession)).one()
    record.last_seen_at = utcnow() - timedelta(minutes=5)
    session.commit()
    client.get("/studies/")
    session.refresh(record)
    assert utcnow() - record.last_seen_at < timedelta(minutes=1)


def test_absolute_timeout_even_when_active(client, session, app):
    _signed_in(client, session)
    record = session.scalars(select(UserSession)).one()
    record.created_at = utcnow() - timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"], minutes=1)
    record.last_seen_at = utcnow()
    session.commit()
    assert client.get("/studies/").status_code == 302


def test_disabling_an_account_ends_its_sessions(client, session, app):
    organisation = make_organisation(session)
    admin = make_user(session, organisation, Role.ADMIN)
    worker = make_user(session, organisation, Role.SOCIAL_WORKER)
    session.commit()
    worker_client = app.test_client()
    sign_in(worker_client, session, worker, organisation.id)
    assert worker_client.get("/studies/").status_code == 200
    sign_in(client, session, admin, organisation.id)
    membership = worker.memberships[0]
    assert client.post(f"/admin/users/{membership.id}/disable").status_code == 302
    assert worker_client.get("/studies/").status_code == 302
    assert login(app.test_client(), worker.email).status_code == 401


def test_cookie_flags_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("ECOUTE_ENV", "production")
    config = build_config(tmp_path, {"SECRET_KEY": "x" * 40})
    assert config["SESSION_COOKIE_NAME"] == "__Host-ecoute"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    production = make_test_app(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    cookie = production.test_client().get("/auth/login").headers["Set-Cookie"]
    assert cookie.startswith("__Host-ecoute=")
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/" in cookie
    assert "Domain" not in cookie


def test_cookie_in_development_is_still_httponly_and_lax(client):
    cookie = client.get("/auth/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_switching_organisation(client, session):
    first = make_organisation(session, name="First org")
    second = make_organisation(session, name="Second org")
    stranger = make_organisation(session, name="Stranger org")
    user = make_user(session, first, Role.ADMIN)
    make_user(session, second, Role.DIRECTOR, email=user.email)
    session.commit()
    sign_in(client, session, user, first.id)
    assert client.get("/admin/").status_code == 200
    assert client.post("/auth/organisation", data={"organisation_id": second.id}).status_code == 302
    assert client.get("/admin/").status_code == 403  # director in the second organisation
    assert client.get("/studies/").status_code == 200
    refused = client.post("/auth/organisation", data={"organisation_id": stranger.id})
    assert refused.status_code == 404
    account = client.get("/auth/account").get_data(as_text=True)
    assert "First org" in account
    assert "Second org" in account
    assert "Stranger org" not in account


def test_member_without_organisation_sees_the_explanation(client, session):
    organisation = make_organisation(session)
    user = make_user(session, organisation)
    session.delete(user.memberships[0])
    session.commit()
    sign_in(client, session, user, None)
    response = client.get("/studies/")
    assert response.headers["Location"] == "/auth/no-organisation"
    assert client.get("/auth/account").status_code == 200
