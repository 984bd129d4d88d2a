"""Sign-aware rounding: a rounded number never changes side of zero.

An interval of −0.02 to 0.11 printed with one decimal reads "0.0 to 0.1" and
seems to start at zero; a lower limit of −0.05 printed "0.0" or "−0.1" can make
an interval look as if it excluded or touched zero when it does not. The report
therefore computes every difference before rounding and, for each figure that
sits beside zero, adds decimals (up to :data:`MAX_DIGITS`) until every rounded
value keeps the side of zero of the exact value. The methods annex says so once.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["MAX_DIGITS", "sign_safe_digits"]

MAX_DIGITS = 3


def _side(value: float) -> int:
    return (value > 0) - (value < 0)


def sign_safe_digits(values: Iterable[float | None], digits: int = 1) -> int:
    """The fewest decimals (at least ``digits``) at which no value rounds onto or across zero.

    >>> sign_safe_digits([-0.022, 0.115])
    2
    >>> sign_safe_digits([0.35, 0.59])
    1
    >>> sign_safe_digits([-0.0004, 0.2])  # never more than MAX_DIGITS
    3
    """
    numbers = [v for v in values if v is not None]
    for candidate in range(digits, MAX_DIGITS + 1):
        if all(_side(round(v, candidate)) == _side(v) for v in numbers):
            return candidate
    return MAX_DIGITS
