"""Issue 11: a withheld share's bound reads the same in every language and place."""

from __future__ import annotations

from analysis.results import Interval, ProportionEstimate, ShareBound
from reports.formatting import NBSP, NNBSP, format_bound, format_share


def test_bound_in_tables_and_sentences():
    at_least = {"relation": ">=", "value": 0.95}
    assert format_bound(at_least, "fr") == f"\u2265{NBSP}95{NNBSP}%"
    assert format_bound(at_least, "en") == f"\u2265{NBSP}95%"
    assert format_bound(at_least, "fr", words=True) == f"au moins 95{NNBSP}%"
    assert format_bound(ShareBound("<=", 0.05), "en", words=True) == "at most 5%"


def test_share_is_exact_bounded_or_withheld():
    empty = Interval(None, None, 0.95, "wilson")
    bounded = ProportionEstimate(None, 133, None, empty, True, ShareBound(">=", 0.95))
    withheld = ProportionEstimate(None, 8, None, empty, True)
    exact = ProportionEstimate(7, 8, 0.875, empty)
    assert format_share(bounded, "en", "suppressed") == f"\u2265{NBSP}95%"
    assert format_share(bounded.to_dict(), "en", "suppressed") == f"\u2265{NBSP}95%"
    assert format_share(withheld, "fr", "masqué") == "masqué"
    assert format_share(exact, "fr", "masqué") == f"88{NNBSP}%"
    assert format_share(None, "fr", "masqué") == "\u2013"
