"""Configuration read from the environment when the app is created, never at import.

Why a function and not a module of constants: tests and the CLI build several
apps with different settings in one process, and a secret read at import time
would leak between them.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

DEFAULT_PORT = 5000


class ConfigurationError(RuntimeError):
    """A setting is missing or unsafe: the app refuses to start and says which."""


def normalise_database_url(url: str) -> str:
    """Accept the standard ``postgresql://`` form and pick the psycopg 3 driver.

    Operators copy URLs from their hosting panel (``postgres://`` or
    ``postgresql://``); SQLAlchemy would otherwise look for psycopg2.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def default_database_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'ecoute.sqlite3'}"


def load_or_create_secret_key(instance_path: Path) -> str:
    """Return the instance's secret key, generating it on first run.

    A fresh installation must never run with a guessable fallback secret, and a
    restart must keep sessions valid, so the key lives in ``instance/``
    with owner-only permissions.
    """
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def build_config(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Assemble the configuration: defaults, then environment, then overrides."""
    overrides = dict(overrides or {})
    environment = os.environ.get("ECOUTE_ENV", "development")
    testing = bool(overrides.get("TESTING", False))
    database_url = overrides.pop("DATABASE_URL", None) or os.environ.get("DATABASE_URL")
    if not database_url:
        database_url = default_database_url(instance_path)
    secret_key = overrides.pop("SECRET_KEY", None) or os.environ.get("SECRET_KEY")
    if not secret_key:
        secret_key = load_or_create_secret_key(instance_path)
    production = environment == "production"

    config: dict[str, Any] = {
        "ENV_NAME": environment,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # hide_parameters: a failing statement's error text (logged) must not
        # carry the bound values, which are answers, names and addresses.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "PORT": int(os.environ.get("PORT", DEFAULT_PORT)),
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": ("fr", "en"),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 5 * 1024 * 1024)),
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "__Host-ecoute" if production else "ecoute",
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
        # Old secret keys still accepted while rotating (Flask 3.1): sessions signed with
        # them stay valid, and second-factor secrets encrypted with them stay readable.
        "SECRET_KEY_FALLBACKS": [
            key.strip() for key in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if key
        ],
        # Fernet keys for second-factor secrets, newest first (rotation: docs/DEPLOYMENT.md);
        # empty: a key derived from SECRET_KEY.
        "TOTP_ENCRYPTION_KEYS": [
            key.strip() for key in os.environ.get("TOTP_ENCRYPTION_KEYS", "").split(",") if key
        ],
        # Host names the app answers to (Flask refuses others with 400); empty: any.
        "TRUSTED_HOSTS": _host_list(os.environ.get("TRUSTED_HOSTS", "")),
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", 30)),
        "SESSION_ABSOLUTE_HOURS": int(os.environ.get("SESSION_ABSOLUTE_HOURS", 12)),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 587)),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": env_flag("MAIL_USE_TLS", True),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", ""),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        # Number of reverse proxies in front of the app whose X-Forwarded-* we trust.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", 0)),
        # Who builds PDF reports: thread | procrastinate | manual; empty: thread on SQLite,
        # procrastinate (a `flask jobs worker` process) on PostgreSQL. docs/DEPLOYMENT.md
        "REPORT_WORKER": os.environ.get("REPORT_WORKER", ""),
        # procrastinate's own connections (LISTEN/NOTIFY, a search_path option): PostgreSQL
        # directly or a session-mode PgBouncer pool; empty: DATABASE_URL.
        "JOBS_DATABASE_URL": os.environ.get("JOBS_DATABASE_URL", ""),
        "TESTING": testing,
    }
    config.update(overrides)
    check_config(config)
    return config


def _is_fernet_key(key: str) -> bool:
    import base64
    import binascii

    try:
        return len(base64.urlsafe_b64decode(key.strip().encode("ascii"))) == 32
    except (binascii.Error, ValueError, UnicodeError):
        return False


def _host_list(value: str) -> list[str] | None:
    hosts = [host.strip() for host in value.split(",") if host.strip()]
    return hosts or None


def check_config(config: dict[str, Any]) -> None:
    """Refuse settings that would make the app unsafe (raises :class:`ConfigurationError`).

    Password-reset and invitation e-mails carry links; without
    ``PUBLIC_BASE_URL`` they would be built from the request's ``Host``
    header, which anyone can set on the public "forgot password" page.
    """
    for key in config.get("TOTP_ENCRYPTION_KEYS") or []:
        if not _is_fernet_key(key):
            raise ConfigurationError(
                "TOTP_ENCRYPTION_KEYS holds a value that is not a Fernet key (44 characters of "
                "URL-safe base64); make one with: python -c 'from cryptography.fernet import "
                "Fernet; print(Fernet.generate_key().decode())'"
            )
    mail_on = bool(config.get("MAIL_SERVER")) and bool(config.get("MAIL_SENDER"))
    if mail_on and not str(config.get("PUBLIC_BASE_URL") or "").strip():
        raise ConfigurationError(
            "PUBLIC_BASE_URL must be set when mail is on (MAIL_SERVER and MAIL_SENDER): "
            "links in e-mails are built from it, never from the request's Host header. "
            "Set it to the address people use, e.g. PUBLIC_BASE_URL=https://ecoute.example.org"
        )
