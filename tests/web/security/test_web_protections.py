"""CSRF, security headers on every response, and logs without secrets."""

from __future__ import annotations

import io
import json
import logging

import pytest
from flask import url_for

from survey_app.logging_setup import JsonFormatter
from survey_app.models import Role
from survey_app.security.permissions import public
from tests.factories import TEST_PASSWORD, login
from tests.security_factories import build_world, sign_in
from tests.web.security.test_permissions import PARAMETERS, _url


def _check_headers(response, url):
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    problems = []
    if "script-src 'self'" not in csp or "unsafe-inline" in csp.split("style-src")[0]:
        problems.append("script-src")
    if "unsafe-inline" in csp:
        problems.append("unsafe-inline")
    if "frame-ancestors 'none'" not in csp:
        problems.append("frame-ancestors")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("nosniff")
    if headers.get("Referrer-Policy") != "no-referrer":
        problems.append("referrer")
    if not url.startswith("/static/") and headers.get("Cache-Control") != "no-store":
        problems.append("no-store")
    return [f"{url} ({response.status_code}): {p}" for p in problems]


@pytest.fixture
def world(session):
    world = build_world(session, "head")
    session.commit()
    return world


def test_headers_on_every_get_route_for_anonymous_and_admin(app, session, world):
    problems = []
    admin = app.test_client()
    sign_in(admin, session, world.users[Role.ADMIN], world.organisation.id)
    anonymous = app.test_client()
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()):
            continue
        if any(name not in PARAMETERS for name in rule.arguments):
            continue
        url = _url(app, rule, world)
        for client in (anonymous, admin):
            response = client.get(url)
            problems += _check_headers(response, url)
            response.close()
    assert problems == []


@pytest.mark.parametrize("path", ["/no-such-page", "/admin/users/999999", "/auth/logout"])
def test_headers_on_error_pages(app, session, world, path):
    client = app.test_client()
    sign_in(client, session, world.users[Role.ADMIN], world.organisation.id)
    response = client.get(path)
    assert response.status_code in (404, 405)
    assert _check_headers(response, path) == []


def test_headers_on_500_page(app, monkeypatch):
    monkeypatch.setitem(app.config, "RENDER_500_IN_TESTS", True)

    @public
    def broken():
        raise RuntimeError("boom with a secret token abc")

    monkeypatch.setitem(app.view_functions, "public.health", broken)
    response = app.test_client().get("/health")
    assert response.status_code == 500
    assert "boom" not in response.get_data(as_text=True)
    assert _check_headers(response, "/health") == []


def test_hsts_when_served_over_https(client):
    response = client.get("/", base_url="https://ecoute.example.org")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in client.get("/").headers


# --- CSRF -------------------------------------------------------------------------


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def test_post_without_token_is_refused_on_every_state_changing_route(app, session, world, csrf_on):
    client = app.test_client()
    sign_in(client, session, world.users[Role.ADMIN], world.organisation.id)
    accepted = []
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()):
            continue
        url = _url(app, rule, world)
        status = client.post(url, data={"anything": "x"}).status_code
        api_refused = rule.rule.startswith("/api/") and status == 401  # key, not cookie
        if status != 400 and not api_refused:
            accepted.append(f"{url}: {status}")
    assert accepted == []


def test_login_without_token_is_refused_and_with_token_works(app, session, world, csrf_on):
    client = app.test_client()
    user = world.users[Role.DIRECTOR]
    assert login(client, user.email).status_code == 400
    page = client.get("/auth/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/auth/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_admin_form_without_token_changes_nothing(app, session, world, csrf_on):
    client = app.test_client()
    sign_in(client, session, world.users[Role.ADMIN], world.organisation.id)
    victim = world.victim
    assert client.post(f"/admin/users/{victim.id}/disable").status_code == 400
    session.refresh(victim.user)
    assert victim.user.active


# --- logs -------------------------------------------------------------------------


@pytest.fixture
def captured_logs(app):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    loggers = [app.logger, logging.getLogger("werkzeug")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield stream
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_logs_hold_no_token_password_or_answer(app, session, world, captured_logs):
    client = app.test_client()
    token = world.secrets["token"]
    short = world.secrets["short"]
    client.get(f"/s/{token}")
    client.get(f"/s/{short}")
    client.get(f"/code?code={short}")
    client.get(f"/o/{world.secrets['open_link']}")
    wrong_password = "my secret wrong password"
    login(client, world.users[Role.DIRECTOR].email, wrong_password)
    login(client, world.users[Role.DIRECTOR].email)
    client.get("/auth/reset/some-reset-token-value")
    answer = "MY-PRIVATE-ANSWER-TEXT"
    client.post("/s/q/comment", data={"value": answer, "comment": answer})
    client.post("/auth/login", data={"email": answer, "password": answer})
    output = captured_logs.getvalue()
    assert output  # the requests were logged
    for line in output.splitlines():
        json.loads(line)
    for secret in (token, short, world.secrets["open_link"], wrong_password, TEST_PASSWORD):
        assert secret not in output
    assert "some-reset-token-value" not in output
    assert answer not in output
    assert world.users[Role.DIRECTOR].email not in output


def test_url_for_static_is_cacheable(app, client):
    with app.test_request_context():
        path = url_for("static", filename="css/ecoute.css")
    response = client.get(path)
    assert response.headers.get("Cache-Control") != "no-store"
    response.close()
