"""Every user-facing string of the designer and the questionnaire CLI has its French."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from survey_app import translations

ROOT = Path(__file__).resolve().parents[3] / "survey_app"
PYTHON = sorted((ROOT / "design").glob("*.py"))
TEMPLATES = sorted((ROOT / "templates" / "design").glob("*.html"))
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None}


@cache
def _catalogue():
    return translations.merged_catalogue()


def _messages() -> set[str]:
    found: set[str] = set()
    for path in PYTHON:
        for _line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    for path in TEMPLATES:
        for _line, message, _comments, _context in extract_from_file(
            "jinja2.ext:babel_extract", str(path), keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return {message for message in found if message}


def test_sources_found():
    assert len(_messages()) > 200


@pytest.mark.parametrize("message", sorted(_messages()))
def test_french_exists(message):
    entry = _catalogue().get(message)
    assert entry is not None, f"no French for {message!r}"
    assert entry.string, f"no French for {message!r}"
