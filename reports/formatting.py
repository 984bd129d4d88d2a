"""Numbers as a French or English reader expects them.

French typography: decimal comma, a narrow no-break space (U+202F) before
``%`` and between thousands, "IC 95 %"; English: "88%", "95% CI", commas
between thousands. Every figure of the report goes through these functions,
so the tests can format a ``to_dict()`` value the same way and look for it
in the PDF text.
"""

from __future__ import annotations

import datetime as _dt
import math

NNBSP = "\u202f"  # narrow no-break space
NBSP = "\u00a0"  # no-break space
MINUS = "\u2212"
EN_DASH = "\u2013"

__all__ = [
    "EN_DASH",
    "MINUS",
    "NBSP",
    "NNBSP",
    "format_bound",
    "format_count",
    "format_date",
    "format_datetime",
    "format_decimal",
    "format_interval",
    "format_p_value",
    "format_percent",
    "format_percent_interval",
    "format_share",
    "format_signed",
    "percent_number",
]


def _is_number(value: float | None) -> bool:
    return value is not None and isinstance(value, (int, float)) and math.isfinite(value)


def _round_half_up(value: float, digits: int) -> float:
    """Round half away from zero (what readers expect: 0.875 → 88 %, not 87 %)."""
    factor = 10**digits
    shifted = abs(value) * factor
    rounded = math.floor(shifted + 0.5 + 1e-9) / factor
    return math.copysign(rounded, value)


def format_decimal(value: float | None, lang: str, digits: int = 1) -> str:
    """``3.25`` → ``"3,3"`` (fr) / ``"3.3"`` (en); negative numbers take a real minus sign."""
    if not _is_number(value):
        return EN_DASH
    number = _round_half_up(float(value), digits)
    text = f"{abs(number):,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    if number < 0 and any(digit in "123456789" for digit in text):
        text = MINUS + text
    return text


def format_signed(value: float | None, lang: str, digits: int = 1) -> str:
    """A change with its sign: ``+0,4`` / ``−0,2``."""
    text = format_decimal(value, lang, digits)
    if _is_number(value) and not text.startswith(MINUS) and text != EN_DASH:
        zero = format_decimal(0.0, lang, digits)
        if text != zero:
            text = "+" + text
    return text


def format_count(value: int | None, lang: str) -> str:
    """``12345`` → ``"12 345"`` (fr, narrow no-break space) / ``"12,345"`` (en)."""
    if value is None:
        return EN_DASH
    text = f"{int(value):,d}"
    if lang == "fr":
        text = text.replace(",", NNBSP)
    return text


def percent_number(share: float | None, digits: int = 0) -> str | None:
    """The digits of a share in percent, without the sign (``0.875`` → ``"88"``)."""
    if not _is_number(share):
        return None
    return f"{_round_half_up(float(share) * 100, digits):.{digits}f}"


def format_percent(share: float | None, lang: str, digits: int = 0) -> str:
    """A share 0–1 as ``"88 %"`` (fr, U+202F before %) or ``"88%"`` (en)."""
    if not _is_number(share):
        return EN_DASH
    text = format_decimal(float(share) * 100, lang, digits)
    return f"{text}{NNBSP}%" if lang == "fr" else f"{text}%"


def _field(value: object, name: str) -> object:
    """Read ``name`` from a result object or from its ``to_dict()``."""
    if isinstance(value, dict):
        return value.get(name)
    return getattr(value, name, None)


def format_bound(bound: object, lang: str, *, words: bool = False) -> str:
    """A published bound on a share: ``"≥ 95 %"`` / ``"≤ 5%"``.

    ``bound`` is a :class:`analysis.results.ShareBound` or its dict
    (``relation``, ``value``); ``words=True`` gives the sentence form
    ("au moins 95 %", "at most 5%"). The value is already rounded outward
    by the analysis, so it is printed without decimals.
    """
    if bound is None:
        return EN_DASH
    relation, value = _field(bound, "relation"), _field(bound, "value")
    if relation not in ("<=", ">=") or not _is_number(value):  # type: ignore[arg-type]
        return EN_DASH
    number = format_percent(float(value), lang)  # type: ignore[arg-type]
    if words:
        phrases = {
            ("fr", ">="): "au moins",
            ("fr", "<="): "au plus",
            ("en", ">="): "at least",
            ("en", "<="): "at most",
        }
        return f"{phrases['fr' if lang == 'fr' else 'en', relation]} {number}"
    sign = "≥" if relation == ">=" else "≤"
    return f"{sign}{NBSP}{number}"


def format_share(estimate: object, lang: str, suppressed: str, *, words: bool = False) -> str:
    """A share as published: the percentage, its bound, or the word for a withheld figure.

    ``estimate`` is an :class:`analysis.results.ProportionEstimate` or its dict; ``None``
    (no share for this figure) gives an en dash.
    """
    if estimate is None:
        return EN_DASH
    value = _field(estimate, "estimate")
    if value is not None and not _field(estimate, "suppressed"):
        return format_percent(value, lang)  # type: ignore[arg-type]
    bound = _field(estimate, "bound")
    if bound is not None:
        return format_bound(bound, lang, words=words)
    return suppressed


def format_percent_interval(low: float | None, high: float | None, lang: str) -> str:
    """``"84–91 %"`` (fr) / ``"84–91%"`` (en); an en dash when undefined."""
    if not (_is_number(low) and _is_number(high)):
        return EN_DASH
    first = format_decimal(float(low) * 100, lang, 0)
    second = format_decimal(float(high) * 100, lang, 0)
    return f"{first}{EN_DASH}{second}{NNBSP}%" if lang == "fr" else f"{first}{EN_DASH}{second}%"


def format_interval(low: float | None, high: float | None, lang: str, digits: int = 1) -> str:
    """A numeric interval ``"[0,2 ; 0,6]"`` (fr) / ``"[0.2, 0.6]"`` (en)."""
    if not (_is_number(low) and _is_number(high)):
        return EN_DASH
    first = format_decimal(low, lang, digits)
    second = format_decimal(high, lang, digits)
    separator = f"{NNBSP};{NBSP}" if lang == "fr" else ", "
    return f"[{first}{separator}{second}]"


def format_p_value(p: float | None, lang: str) -> str:
    """``"p < 0,001"`` or ``"p = 0,023"`` (3 decimals), non-breaking spaces."""
    if not _is_number(p):
        return EN_DASH
    if p < 0.001:
        return f"p{NBSP}<{NBSP}{format_decimal(0.001, lang, 3)}"
    return f"p{NBSP}={NBSP}{format_decimal(p, lang, 3)}"


_MONTHS = {
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}


def format_date(value: _dt.date | None, lang: str) -> str:
    """``"5 janvier 2026"`` / ``"5 January 2026"``."""
    if value is None:
        return EN_DASH
    month = _MONTHS["fr" if lang == "fr" else "en"][value.month - 1]
    day = "1er" if (lang == "fr" and value.day == 1) else str(value.day)
    return f"{day}{NBSP}{month} {value.year}"


def format_datetime(value: _dt.datetime | None, lang: str) -> str:
    """Date and 24-hour time, e.g. ``"5 janvier 2026 à 14 h 05 (UTC)"``."""
    if value is None:
        return EN_DASH
    zone = value.tzname() or "UTC"
    if lang == "fr":
        return f"{format_date(value.date(), lang)} à {value:%H}{NBSP}h{NBSP}{value:%M} ({zone})"
    return f"{format_date(value.date(), lang)}, {value:%H:%M} {zone}"
