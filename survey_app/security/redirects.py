"""The one place that decides whether a ``next`` address may be followed.

Only a path on this site is followed: it starts with one ``/`` and has no
scheme, no host, no backslash and no character browsers drop or rewrite
before parsing (control characters, spaces: ``/\\t/evil.example/`` becomes
``//evil.example/`` in a browser, and a new line cannot go in a
``Location`` header at all). Anything else gives the fallback.
"""

from __future__ import annotations

from urllib.parse import urlsplit

#: At most this long: a ``next`` is a path of ours, not a payload.
MAX_NEXT_LENGTH = 2000


def _is_plain(ch: str) -> bool:
    """Printable and not a space of any kind (ASCII or Unicode)."""
    return ch.isprintable() and not ch.isspace()


def is_safe_next(target: object) -> bool:
    if not isinstance(target, str) or not target or len(target) > MAX_NEXT_LENGTH:
        return False
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if not all(_is_plain(ch) for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: object, fallback: str) -> str:
    """``target`` when it is a path on this site, else ``fallback``."""
    return target if is_safe_next(target) else fallback  # type: ignore[return-value]
