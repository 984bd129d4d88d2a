"""One's own account: password change, second factor, password reset by e-mail and CLI."""

from __future__ import annotations

import re
import smtplib
import time
from typing import ClassVar

import pyotp
import pytest
from sqlalchemy import select

from survey_app.models import AuditEvent, PasswordResetToken, RecoveryCode, Role, UserSession
from survey_app.services import passwords
from survey_app.services import totp as totp_service
from tests.factories import TEST_PASSWORD, login, make_organisation, make_user
from tests.security_factories import sign_in

NEW_PASSWORD = "a long new sentence for my account"


@pytest.fixture
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def user(session):
    organisation = make_organisation(session)
    user = make_user(session, organisation, Role.ADMIN)
    session.commit()
    return user


def _actions(session):
    return [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()]


# --- password rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("short", False),
        ("elevenchars", False),
        ("password1234", False),  # in the bundled list
        ("AZERTYUIOP123", False),  # the list is checked case-insensitively
        ("twelve chars", True),
        ("no composition rules at all", True),
    ],
)
def test_password_rules(app, password, accepted):
    with app.test_request_context():
        assert (passwords.password_problems(password) == []) is accepted


def test_bundled_list_is_substantial():
    common = passwords.common_passwords()
    assert len(common) > 5000
    assert "motdepasse123" in common
    assert "#" not in "".join(sorted(common)[:1])


def test_email_as_password_is_refused(app):
    with app.test_request_context():
        assert passwords.password_problems(
            "someone.long@example.org", email="someone.long@example.org"
        )


# --- password change -----------------------------------------------------------------


def test_change_password_ends_other_sessions(english, session, user, app):
    other_device = app.test_client()
    sign_in(other_device, session, user, user.memberships[0].organisation_id)
    assert login(english, user.email).status_code == 302
    response = english.post(
        "/auth/password",
        data={"current": TEST_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert english.get("/auth/account").status_code == 200  # this session continues
    assert other_device.get("/studies/").status_code == 302  # the other one ended
    assert login(app.test_client(), user.email, NEW_PASSWORD).status_code == 302
    assert "password.change" in _actions(session)


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong current password", NEW_PASSWORD, NEW_PASSWORD, "The current password is wrong."),
        (TEST_PASSWORD, "short", "short", "Use at least 12 characters."),
        (TEST_PASSWORD, "password1234", "password1234", "too common"),
        (TEST_PASSWORD, NEW_PASSWORD, "something else entirely", "The two passwords differ."),
    ],
)
def test_change_password_refusals_change_nothing(
    english, session, user, current, new, confirm, message
):
    before = user.password_hash
    login(english, user.email)
    response = english.post(
        "/auth/password", data={"current": current, "new": new, "confirm": confirm}
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    session.refresh(user)
    assert user.password_hash == before


# --- second factor -------------------------------------------------------------------


def _enrol(client, session, user) -> tuple[pyotp.TOTP, list[str], str]:
    page = client.get("/auth/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml;charset=utf-8,%3Csvg xmlns=' in page
    session.refresh(user)
    totp = pyotp.TOTP(totp_service.secret_of(user))
    used = totp.now()
    response = client.post("/auth/two-factor", data={"code": used})
    assert response.status_code == 200
    codes = re.findall(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5})</code>", response.get_data(as_text=True))
    return totp, codes, used


def test_enrolment_then_login_needs_the_code(english, session, user, app):
    sign_in(english, session, user, user.memberships[0].organisation_id)
    totp, codes, used = _enrol(english, session, user)
    assert len(codes) == 10
    session.refresh(user)
    assert user.totp_enabled
    stored = session.scalars(select(RecoveryCode.code_hash)).all()
    assert all(code not in stored and code.replace("-", "") not in stored for code in codes)

    fresh = app.test_client()
    response = login(fresh, user.email)
    assert response.headers["Location"].startswith("/auth/second-factor")
    assert fresh.get("/studies/").status_code == 302  # password alone is not enough
    assert fresh.post("/auth/second-factor", data={"code": "000000"}).status_code == 401
    # The code used at enrolment cannot be replayed...
    assert fresh.post("/auth/second-factor", data={"code": used}).status_code == 401
    # ...but the next time step's code (accepted for clock drift) works.
    following = totp.at(time.time() + totp.interval)
    assert fresh.post("/auth/second-factor", data={"code": following}).status_code == 302
    assert fresh.get("/studies/").status_code == 200


def test_recovery_code_works_once(english, session, user, app):
    sign_in(english, session, user, user.memberships[0].organisation_id)
    _totp, codes, _used = _enrol(english, session, user)
    first = app.test_client()
    login(first, user.email)
    assert first.post("/auth/second-factor", data={"code": codes[3].lower()}).status_code == 302
    second = app.test_client()
    login(second, user.email)
    assert second.post("/auth/second-factor", data={"code": codes[3]}).status_code == 401


def test_wrong_enrolment_code_keeps_the_factor_off(english, session, user):
    sign_in(english, session, user, user.memberships[0].organisation_id)
    english.get("/auth/two-factor")
    assert english.post("/auth/two-factor", data={"code": "123456"}).status_code in (200, 400)
    session.refresh(user)
    assert not user.totp_enabled


def test_organisation_can_require_the_factor_for_admins(english, session, user):
    organisation = user.memberships[0].organisation
    organisation.require_totp_for_admins = True
    session.commit()
    sign_in(english, session, user, organisation.id)
    assert english.get("/admin/").headers["Location"] == "/auth/two-factor"
    _enrol(english, session, user)
    assert english.get("/admin/").status_code == 200
    # It cannot be turned off while required.
    english.post("/auth/two-factor/disable", data={"password": TEST_PASSWORD})
    session.refresh(user)
    assert user.totp_enabled


def test_disable_needs_the_password(english, session, user):
    sign_in(english, session, user, user.memberships[0].organisation_id)
    _enrol(english, session, user)
    english.post("/auth/two-factor/disable", data={"password": "not my password"})
    session.refresh(user)
    assert user.totp_enabled
    english.post("/auth/two-factor/disable", data={"password": TEST_PASSWORD})
    session.refresh(user)
    assert not user.totp_enabled
    assert user.totp_secret_encrypted is None
    assert "totp.disable" in _actions(session)


# --- password reset ------------------------------------------------------------------


class FakeSMTP:
    """Stands in for smtplib.SMTP and keeps what would have been sent."""

    sent: ClassVar[list] = []

    def __init__(self, host, port, timeout=None):
        self.host, self.port = host, port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self, context=None):
        self.tls = True

    def login(self, username, password):
        self.credentials = (username, password)

    def send_message(self, message):
        FakeSMTP.sent.append(message)


@pytest.fixture
def mail(app, monkeypatch):
    FakeSMTP.sent = []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    monkeypatch.setitem(app.config, "MAIL_SENDER", "ecoute@example.org")
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://ecoute.example.org")
    return FakeSMTP.sent


def test_reset_by_email_is_single_use(english, session, user, mail, app):
    page = english.post("/auth/forgot", data={"email": user.email.upper()})
    assert "If an account exists" in page.get_data(as_text=True)
    assert len(mail) == 1
    assert mail[0]["To"] == user.email
    link = re.search(r"https://ecoute\.example\.org(/auth/reset/\S+)", mail[0].get_content())
    path = link.group(1)
    assert session.scalars(select(PasswordResetToken.token_hash)).one() not in path
    assert english.get(path).status_code == 200
    bad = english.post(path, data={"new": "password1234", "confirm": "password1234"})
    assert bad.status_code == 400
    done = english.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert english.get(path).status_code == 404  # used up
    assert login(app.test_client(), user.email, NEW_PASSWORD).status_code == 302
    assert {"password.reset_requested", "password.reset"} <= set(_actions(session))


def test_reset_request_for_unknown_address_looks_the_same(english, session, user, mail):
    known = english.post("/auth/forgot", data={"email": user.email}).get_data(as_text=True)
    unknown = english.post("/auth/forgot", data={"email": "nobody@example.org"}).get_data(
        as_text=True
    )
    assert len(mail) == 1
    strip = lambda body: re.sub(r'value="[^"]*"', "", body)  # noqa: E731
    assert strip(known) == strip(unknown)


def test_expired_reset_token_is_refused(english, session, user, app):
    from datetime import timedelta

    from survey_app.models import utcnow

    token = passwords.create_reset_token(session, user)
    record = session.scalars(select(PasswordResetToken)).one()
    record.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert english.get(f"/auth/reset/{token}").status_code == 404


def test_reset_ends_sessions(english, session, user, app):
    other = app.test_client()
    sign_in(other, session, user, user.memberships[0].organisation_id)
    token = passwords.create_reset_token(session, user)
    session.commit()
    english.post(f"/auth/reset/{token}", data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert other.get("/studies/").status_code == 302
    assert all(s.revoked_at is not None for s in session.scalars(select(UserSession)).all())


def test_without_smtp_the_page_says_to_ask_an_administrator(english):
    body = english.get("/auth/forgot").get_data(as_text=True)
    assert "not available on this server" in body


def test_cli_reset_password_prints_a_working_link(runner, session, user, client):
    result = runner.invoke(args=["reset-password", user.email])
    assert result.exit_code == 0, result.output
    path = re.search(r"(/auth/reset/\S+)", result.output).group(1)
    response = client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302


def test_cli_reset_password_refuses_unknown_and_weak(runner, user):
    unknown = runner.invoke(args=["reset-password", "nobody@example.org"])
    assert unknown.exit_code != 0
    assert "no user" in unknown.output
    weak = runner.invoke(args=["reset-password", user.email, "--password-stdin"], input="short\n")
    assert weak.exit_code != 0
    assert "12 characters" in weak.output


def test_cli_create_user_rejects_common_password(runner, session):
    make_organisation(session, slug="cli-org")
    session.commit()
    result = runner.invoke(
        args=[
            "create-user",
            "x@example.org",
            "--org",
            "cli-org",
            "--role",
            "admin",
            "--password-stdin",
        ],
        input="password1234\n",
    )
    assert result.exit_code != 0
    assert "too common" in result.output


def test_reset_requests_are_rate_limited_per_address(english, user, mail):
    statuses = [
        english.post("/auth/forgot", data={"email": user.email}).status_code for _ in range(7)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429, 429]
    assert len(mail) == 5


def test_smtp_failure_shows_the_same_page_and_logs_no_address(english, user, mail, monkeypatch):
    class BrokenSMTP(FakeSMTP):
        def send_message(self, message):
            raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(smtplib, "SMTP", BrokenSMTP)
    page = english.post("/auth/forgot", data={"email": user.email})
    assert page.status_code == 200
    assert "If an account exists" in page.get_data(as_text=True)
