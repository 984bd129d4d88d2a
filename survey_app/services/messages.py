"""Translated messages for domain errors raised by services used from pages and commands.

In a request the message is in the user's language; on the command line (no
request) it stays in English, which is what operators read there.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask_babel import gettext


def translate(text: str, **values: Any) -> str:
    if has_request_context():
        return gettext(text, **values)
    return text % values if values else text
