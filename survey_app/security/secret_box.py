"""Encryption at rest for the few secrets the server must read back (TOTP secrets).

Passwords and tokens are hashed; a TOTP secret cannot be, since each code is
computed from it. It is encrypted with Fernet (AES-128-CBC + HMAC-SHA256,
from ``cryptography``), so a copy of the database or of a backup alone does
not give anyone the second factor of every account.

Keys, first one encrypts, every one decrypts (:class:`~cryptography.fernet.MultiFernet`):

1. ``TOTP_ENCRYPTION_KEYS``: Fernet keys, comma-separated (optional; lets the
   key be rotated without touching ``SECRET_KEY``);
2. a key derived from ``SECRET_KEY`` with HKDF-SHA256;
3. keys derived from each of Flask's ``SECRET_KEY_FALLBACKS`` (old secret keys
   kept while sessions are rotated), so changing ``SECRET_KEY`` the Flask way
   keeps second factors readable until ``flask --app wsgi totp-rotate-keys``
   re-encrypts them. docs/DEPLOYMENT.md describes rotation.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_HKDF_INFO = b"ecoute totp secret encryption v1"


class SecretUnreadable(Exception):
    """No configured key opens this value (keys lost or changed without fallback)."""


def derive_key(secret_key: str) -> bytes:
    """A Fernet key from the app's ``SECRET_KEY`` (HKDF-SHA256, fixed context)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        secret_key.encode("utf-8")
    )
    return base64.urlsafe_b64encode(raw)


def _configured_keys(config: Mapping[str, Any]) -> list[bytes]:
    keys: list[bytes] = []
    explicit = config.get("TOTP_ENCRYPTION_KEYS") or []
    if isinstance(explicit, str):
        explicit = explicit.split(",")
    keys.extend(key.strip().encode("ascii") for key in explicit if key.strip())
    keys.append(derive_key(str(config["SECRET_KEY"])))
    keys.extend(derive_key(str(old)) for old in config.get("SECRET_KEY_FALLBACKS") or [])
    return keys


def box(config: Mapping[str, Any]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _configured_keys(config)])


def encrypt(config: Mapping[str, Any], plain: str) -> str:
    return box(config).encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt(config: Mapping[str, Any], token: str) -> str:
    try:
        return box(config).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as error:
        raise SecretUnreadable("no configured key opens this secret") from error


def rotate(config: Mapping[str, Any], token: str) -> str:
    """The same secret encrypted with the first (current) key."""
    try:
        return box(config).rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise SecretUnreadable("no configured key opens this secret") from error
