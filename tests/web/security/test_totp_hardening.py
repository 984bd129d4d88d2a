"""Second factor after the review (issue 13, item 7).

A right code clears the failure counter (a later typo no longer locks the
factor for minutes); the secret is encrypted at rest, with key rotation.
"""

from __future__ import annotations

import re

import pyotp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import MetaData, text

from survey_app.models import Role
from survey_app.security import secret_box
from survey_app.services import totp
from tests.factories import login, make_organisation, make_user
from tests.security_factories import sign_in


@pytest.fixture
def user(session):
    organisation = make_organisation(session)
    user = make_user(session, organisation, Role.ADMIN)
    session.commit()
    return user


def _enrol(app, session, user) -> tuple[str, list[str]]:
    """Enrol through the pages; returns the secret shown to the user and the recovery codes."""
    client = app.test_client()
    sign_in(client, session, user, user.memberships[0].organisation_id)
    page = client.get("/auth/two-factor").get_data(as_text=True)
    shown = re.search(r"\b([A-Z2-7]{32})\b", page)
    assert shown is not None, "the setup page shows the secret for manual entry"
    secret = shown.group(1)
    reply = client.post("/auth/two-factor", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5})</code>", reply.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def _dump(session) -> str:
    metadata = MetaData()
    metadata.reflect(bind=session.connection())
    rows = []
    for table in metadata.sorted_tables:
        rows.extend(str(tuple(row)) for row in session.execute(table.select()))
    return "\n".join(rows)


def test_secret_is_not_stored_in_clear(app, session, user):
    secret, _codes = _enrol(app, session, user)
    session.expire_all()
    stored = session.execute(
        text("SELECT totp_secret_encrypted FROM user_account WHERE id = :id"), {"id": user.id}
    ).scalar_one()
    assert stored
    assert secret not in stored
    assert secret not in _dump(session)
    assert secret.lower() not in _dump(session).lower()
    with app.app_context():
        assert secret_box.decrypt(app.config, stored) == secret


def test_a_good_code_resets_the_failure_counter(app, session, user):
    _secret, codes = _enrol(app, session, user)
    first = app.test_client()
    login(first, user.email)
    for _ in range(4):  # one short of the lock
        assert first.post("/auth/second-factor", data={"code": "000000"}).status_code == 401
    assert first.post("/auth/second-factor", data={"code": codes[0]}).status_code == 302
    later = app.test_client()
    login(later, user.email)
    # One typo later must not add up with the failures before the good code.
    assert later.post("/auth/second-factor", data={"code": "111111"}).status_code == 401
    assert later.post("/auth/second-factor", data={"code": codes[1]}).status_code == 302


def test_clear_secret_from_an_old_version_works_and_is_encrypted_on_first_use(app, session, user):
    plain = pyotp.random_base32()
    session.execute(
        text("UPDATE user_account SET totp_secret_encrypted = :s, totp_enabled = :t WHERE id = :i"),
        {"s": plain, "t": True, "i": user.id},
    )
    session.commit()
    client = app.test_client()
    login(client, user.email)
    reply = client.post("/auth/second-factor", data={"code": pyotp.TOTP(plain).now()})
    assert reply.status_code == 302
    session.expire_all()
    stored = session.execute(
        text("SELECT totp_secret_encrypted FROM user_account WHERE id = :i"), {"i": user.id}
    ).scalar_one()
    assert plain not in stored


def test_key_rotation_with_totp_encryption_keys(app, session, user):
    secret, _codes = _enrol(app, session, user)
    new_key = Fernet.generate_key().decode()
    rotated = {**app.config, "TOTP_ENCRYPTION_KEYS": [new_key]}
    done, unreadable = totp.rotate_keys(session, rotated)
    assert (done, unreadable) == (1, 0)
    session.commit()
    session.expire_all()
    stored = session.execute(
        text("SELECT totp_secret_encrypted FROM user_account WHERE id = :i"), {"i": user.id}
    ).scalar_one()
    # Only the new key is needed now: the SECRET_KEY may change.
    assert Fernet(new_key.encode()).decrypt(stored.encode()).decode() == secret


def test_secret_key_change_keeps_secrets_through_fallbacks(app):
    config = {"SECRET_KEY": "old secret key"}
    token = secret_box.encrypt(config, "JBSWY3DPEHPK3PXP")
    moved = {"SECRET_KEY": "new secret key", "SECRET_KEY_FALLBACKS": ["old secret key"]}
    assert secret_box.decrypt(moved, token) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(secret_box.SecretUnreadable):
        secret_box.decrypt({"SECRET_KEY": "new secret key"}, token)


def test_malformed_encryption_key_refuses_to_start(tmp_path, monkeypatch):
    from survey_app.config import ConfigurationError
    from tests.conftest import make_test_app

    monkeypatch.setenv("TOTP_ENCRYPTION_KEYS", "not-a-key")
    with pytest.raises(ConfigurationError, match="TOTP_ENCRYPTION_KEYS"):
        make_test_app(f"sqlite:///{tmp_path / 'x.sqlite3'}")


def test_rotate_keys_command(app, session, user, runner):
    secret, _codes = _enrol(app, session, user)
    result = runner.invoke(args=["totp-rotate-keys"])
    assert result.exit_code == 0, result.output
    assert "re-encrypted 1" in result.output
    session.expire_all()
    assert totp.secret_of(session.get(type(user), user.id)) == secret
