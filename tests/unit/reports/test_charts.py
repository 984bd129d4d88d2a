"""Charts: deterministic SVG, text kept as text, a title for the text alternative."""

from __future__ import annotations

import re

from reports import charts


def _distribution():
    return charts.distribution_chart(
        "q1",
        "Chart: how people answered",
        [("I am listened to", [0.1, 0.2, None, 0.3, 0.3]), ("I feel able", [0.2] * 5)],
        ["1", "2", "3", "4", "5"],
        "Answers",
        colours=charts.colours_for_codes(["1", "2", "3", "4", "5"]),
        suppressed_label="suppressed",
    )


def test_same_data_gives_the_same_bytes():
    assert _distribution() == _distribution()


def test_svg_keeps_text_has_a_title_and_no_date():
    svg = _distribution()
    assert svg.startswith("<svg")
    assert re.search(r'<svg [^>]*role="img"[^>]*><title>Chart: how people answered</title>', svg)
    assert "I am listened to" in svg  # svg.fonttype = none: a <text> element, not glyph paths
    assert "<text" in svg
    assert "dc:date" not in svg
    assert "<metadata" not in svg


def test_ids_are_prefixed_so_charts_can_share_a_page():
    svg = _distribution()
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids
    assert all(identifier.startswith("q1-") for identifier in ids)


def test_trend_chart_with_suppressed_periods():
    svg = charts.trend_chart(
        "t",
        "Trend",
        ["2025-01", "2025-02", "2025-03"],
        [None, 0.5, 0.6],
        [None, 0.4, 0.5],
        [None, 0.6, 0.7],
        [None, 0.3, 0.3],
        [None, 0.8, 0.8],
        0.55,
        [None, False, True],
        {"band": "CI", "limits": "Limits", "centre": "Centre", "share": "Share", "flag": "Flag"},
    )
    assert "<title>Trend</title>" in svg
    assert "2025-02" in svg


def test_groups_that_only_carry_an_id_are_unwrapped_and_the_svg_stays_well_formed():
    from xml.dom.minidom import parseString

    svg = _distribution()
    parseString(svg)  # noqa: S318 - our own chart; every kept <g> still has its </g>
    assert not re.search(r'<g id="[^"]*">', svg)
    assert "clip-path=" in svg  # groups and paths that do something are kept
    assert svg.count("<g") == svg.count("</g>")
