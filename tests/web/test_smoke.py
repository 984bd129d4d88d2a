"""The app answers its public pages, in both languages, with the security headers."""

from __future__ import annotations

import pytest

from survey_app.models import Role
from tests.factories import login, make_organisation, make_user


@pytest.mark.parametrize("path", ["/", "/auth/login", "/health", "/privacy"])
def test_public_pages_answer(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_error_page_in_english_and_french(client):
    english = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert english.status_code == 404
    assert "Page not found" in english.get_data(as_text=True)
    assert "frame-ancestors 'none'" in english.headers["Content-Security-Policy"]
    french = client.get("/no-such-page", headers={"Accept-Language": "fr"})
    assert "Page introuvable" in french.get_data(as_text=True)


def test_health_reports_database(client):
    assert client.get("/health").get_json() == {"status": "ok", "database": "ok"}


def test_member_signs_in_and_sees_studies(client, session):
    organisation = make_organisation(session)
    user = make_user(session, organisation, Role.DIRECTOR)
    session.commit()
    response = login(client, user.email)
    assert response.status_code == 302
    assert client.get("/studies/").status_code == 200


def test_wrong_password_is_refused_without_saying_why(client, session):
    organisation = make_organisation(session)
    user = make_user(session, organisation)
    session.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    wrong = login(client, user.email, "not the password at all")
    unknown = login(client, "nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    message = "The e-mail address or the password is wrong."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
