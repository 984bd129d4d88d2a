"""Survey link tokens: generated once, shown once, stored only as hashes.

A link token carries 256 bits (well above the 128 required) and is URL-safe.
The printed-card form is 10 characters of Crockford base32 (50 bits) grouped
for typing (``K7QM-4TZ2-9B``); look-ups of both forms are rate-limited, and the
short form is normalised so case, dashes, O/0 and I/L/1 confusions do not
matter.
"""

from __future__ import annotations

import hashlib
import secrets

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
SHORT_CODE_LENGTH = 10


def new_link_token() -> str:
    return secrets.token_urlsafe(32)


def new_short_code() -> str:
    raw = "".join(secrets.choice(CROCKFORD) for _ in range(SHORT_CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_short_code(text: str) -> str | None:
    """The canonical form of a typed short code, or None if it cannot be one."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_CONFUSABLE)
    if len(cleaned) != SHORT_CODE_LENGTH or any(ch not in CROCKFORD for ch in cleaned):
        return None
    return cleaned


def hash_secret(secret: str) -> str:
    """SHA-256 is enough here: the secrets are random and long, not passwords."""
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_short_code(code: str) -> str | None:
    normalised = normalise_short_code(code)
    return None if normalised is None else hash_secret("short:" + normalised)
