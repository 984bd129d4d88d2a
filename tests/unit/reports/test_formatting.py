"""French and English number typography."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.formatting import (
    NBSP,
    NNBSP,
    format_count,
    format_date,
    format_decimal,
    format_p_value,
    format_percent,
    format_percent_interval,
    format_signed,
)
from reports.texts import text


@pytest.mark.parametrize(
    ("share", "lang", "expected"),
    [
        (0.88, "fr", f"88{NNBSP}%"),
        (0.88, "en", "88%"),
        (0.875, "fr", f"88{NNBSP}%"),  # half away from zero, as readers round
        (0.0, "en", "0%"),
        (None, "fr", "–"),
    ],
)
def test_percent(share, lang, expected):
    assert format_percent(share, lang) == expected


def test_decimal_comma_and_minus_sign():
    assert format_decimal(3.25, "fr") == "3,3"
    assert format_decimal(3.25, "en") == "3.3"
    assert format_decimal(-0.04, "fr") == "0,0"  # no "−0,0"
    assert format_decimal(-1.26, "en", 2) == "\u22121.26"
    assert format_signed(0.42, "fr") == "+0,4"
    assert format_signed(-0.42, "fr") == "\u22120,4"


def test_thousands_separator():
    assert format_count(12345, "fr") == f"12{NNBSP}345"
    assert format_count(12345, "en") == "12,345"


def test_interval_and_p_value():
    assert format_percent_interval(0.841, 0.912, "fr") == f"84–91{NNBSP}%"
    assert format_percent_interval(0.841, 0.912, "en") == "84–91%"
    assert format_p_value(0.0004, "fr") == f"p{NBSP}<{NBSP}0,001"
    assert format_p_value(0.0234, "en") == f"p{NBSP}={NBSP}0.023"


def test_confidence_label_typography():
    assert text("fr", "ci", level="95") == f"IC{NBSP}95{NNBSP}%"
    assert text("en", "ci", level="95") == "95% CI"
    assert text("fr", "suppressed") == "masqué"
    assert text("en", "suppressed") == "suppressed"
    assert text("fr", "suppressed_note", k=5).startswith(f"«{NBSP}masqué{NBSP}»{NBSP}:")


def test_dates():
    assert format_date(dt.date(2026, 1, 1), "fr") == f"1er{NBSP}janvier 2026"
    assert format_date(dt.date(2026, 3, 5), "en") == f"5{NBSP}March 2026"
