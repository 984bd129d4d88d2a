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


def test_charts_are_written_for_a_cheap_draw_in_the_pdf():
    """Plain attributes, no <use>, no centred labels: WeasyPrint draws each of those slowly."""
    svg = _distribution()
    assert "style=" not in svg
    assert "<style" not in svg
    assert "<use" not in svg
    assert 'stroke-linejoin="round"' in svg.split(">", 1)[0]  # the old <style>*{…} on the root
    assert svg.count("<text") >= 10  # every label is still text


def test_tick_marks_are_placed_paths():
    assert charts._translate("M 0 0 \nL 0 3.5 \n", 10.5, 2) == "M10.5 2L10.5 5.5"
    assert charts._translate("M 0 1.75 \nC 1 1.75 -1 2 0.5 -3 \nz\n", 1, 1) == (
        "M1 2.75C2 2.75 0 3 1.5 -2z"
    )


def _label(anchor: str, content: str) -> str:
    font = "font-family=\"'Liberation Sans'\""
    label = f'<text font-size="7px" {font} text-anchor="{anchor}" x="100" y="5">{content}</text>'
    return f'<svg x="0">{label}</svg>'


def test_centred_and_right_aligned_labels_start_where_the_renderer_would_put_them():
    width = charts._advance_width("40", 7)
    assert width is not None
    assert 7 < width < 8.5  # two digits of Liberation Sans at 7 px
    assert f'x="{100 - width / 2:.6f}"' in charts.labels_anchored_at_start(_label("middle", "40"))
    assert f'x="{100 - width:.6f}"' in charts.labels_anchored_at_start(_label("end", "40"))
    # A character the chart font lacks is drawn with a fallback font of unknown width.
    fallback = _label("middle", "\u2603")
    assert charts.labels_anchored_at_start(fallback) == fallback


def test_the_pdf_gets_labels_placed_by_their_start_and_the_dashboard_keeps_anchors():
    svg = _distribution()
    assert 'text-anchor="middle"' in svg  # browsers centre labels in whatever font they have
    assert 'text-anchor="middle"' not in charts.labels_anchored_at_start(svg)
