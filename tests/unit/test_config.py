"""Configuration comes from the environment, read inside the factory."""

from __future__ import annotations

import stat

import pytest

from survey_app.config import build_config, load_or_create_secret_key, normalise_database_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@db:5432/ecoute", "postgresql+psycopg://u:p@db:5432/ecoute"),
        ("postgres://u@db/ecoute", "postgresql+psycopg://u@db/ecoute"),
        ("sqlite:////var/lib/ecoute.db", "sqlite:////var/lib/ecoute.db"),
        ("postgresql+psycopg://u@db/x", "postgresql+psycopg://u@db/x"),
    ],
)
def test_database_url_forms(given, expected):
    assert normalise_database_url(given) == expected


def test_secret_key_generated_once_and_private(tmp_path):
    first = load_or_create_secret_key(tmp_path)
    second = load_or_create_secret_key(tmp_path)
    assert first == second
    assert len(first) >= 48
    mode = (tmp_path / "secret_key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_environment_is_read_at_build_time(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://a@b/c")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("PORT", "5123")
    config = build_config(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://a@b/c"
    assert config["SECRET_KEY"] == "from-env"
    assert config["PORT"] == 5123
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.delenv("SECRET_KEY")
    default = build_config(tmp_path)
    assert default["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'ecoute.sqlite3'}"
    assert default["SECRET_KEY"] == (tmp_path / "secret_key").read_text()


def test_production_cookies_are_host_prefixed_and_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOUTE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    config = build_config(tmp_path)
    assert config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_forwarded_address_trusted_only_behind_configured_proxy(tmp_path):
    from flask import request

    from survey_app.security.permissions import public
    from tests.conftest import make_test_app

    seen = []
    for hops in (0, 1):
        app = make_test_app(f"sqlite:///{tmp_path / 'p.sqlite3'}", TRUSTED_PROXIES=hops)

        @app.get("/whoami")
        @public
        def whoami() -> str:
            seen.append(request.remote_addr)
            return ""

        app.test_client().get(
            "/whoami",
            headers={"X-Forwarded-For": "203.0.113.9"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
    assert seen == ["127.0.0.1", "203.0.113.9"]


def test_translated_messages_work_outside_a_request(tmp_path):
    from flask_babel import gettext

    from tests.conftest import make_test_app

    app = make_test_app(f"sqlite:///{tmp_path / 'i18n.sqlite3'}")
    with app.app_context():
        assert gettext("Page not found") == "Page introuvable"
