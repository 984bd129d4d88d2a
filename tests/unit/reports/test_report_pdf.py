"""The PDF shows exactly the analysis' numbers, is tagged, and hides suppressed cells.

Figures are taken from ``StudyAnalysis.to_dict()`` (what ``indicators --json``
prints), formatted with the report's own formatting functions, and looked up
in the text ``pdftotext`` extracts from the PDF.
"""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from pypdf import PdfReader

import reports
from reports.formatting import (
    EN_DASH,
    format_count,
    format_decimal,
    format_p_value,
    format_percent,
    format_percent_interval,
    format_share,
    format_signed,
)
from reports.texts import MODE_LABELS, text
from tests.reports_factories import sample_analysis, sample_context

SPACES = re.compile(r"[\s\u00a0\u202f]+")


def normal(value: str) -> str:
    """One ordinary space for any run of spaces (pdftotext keeps U+202F and U+00A0)."""
    return SPACES.sub(" ", value).strip()


def lines_of(pdf_text: str) -> list[str]:
    return [normal(line) for line in pdf_text.splitlines() if line.strip()]


def wave_label(wave: str, lang: str) -> str:
    return sample_context().wave_labels[wave][lang]


def latest(results: list[dict], waves: list[str]) -> dict | None:
    """The summary's rule: the latest wave with a published share, not merely indicative."""
    ordered = sorted(
        (r for r in results if r["wave"] is not None),
        key=lambda r: waves.index(r["wave"]),
        reverse=True,
    )
    published = [r for r in ordered if r["positive"] and r["positive"]["estimate"] is not None]
    robust = [
        r
        for r in published
        if r["positive"]["n"] >= 30
        and r["positive"]["interval"]["high"] - r["positive"]["interval"]["low"] <= 0.2
    ]
    return (robust or published or [None])[0]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_summary_figures_equal_the_json(analysis_result, report_html, lang):
    """Checked in the PDF's HTML source: a table cell's sentence wraps in the PDF text."""
    data = analysis_result.to_dict()
    flat = normal(report_html[lang])
    indicators = {r["indicator"] for r in data["indicators"]}
    for indicator in indicators:
        results = [r for r in data["indicators"] if r["indicator"] == indicator]
        headline = latest(results, data["waves"])
        if headline is None:
            continue
        positive = headline["positive"]
        sentence = text(
            lang,
            "summary_latest",
            wave=wave_label(headline["wave"], lang),
            share=format_percent(positive["estimate"], lang),
            n=format_count(positive["n"], lang),
        )
        interval = text(
            lang,
            "summary_interval",
            low=format_percent(positive["interval"]["low"], lang),
            high=format_percent(positive["interval"]["high"], lang),
        )
        assert normal(str(escape(sentence))) in flat
        assert normal(str(escape(interval))) in flat


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_indicator_row_equals_the_json(analysis_result, report_pdf, lang):
    data = analysis_result.to_dict()
    lines = lines_of(report_pdf[lang]["text"])
    suppressed = normal(text(lang, "suppressed", k=data["k"]))
    checked = 0
    for result in data["indicators"]:
        positive = result["positive"]
        if positive is None or result["nps"] is not None:
            continue  # recommendation: its NPS table is checked below
        label = wave_label(result["wave"], lang)
        if positive["suppressed"]:
            expected = " ".join([label] + [suppressed] * 4)
        else:
            expected = " ".join(
                [
                    label,
                    format_count(positive["n"], lang),
                    format_percent(positive["estimate"], lang),
                    format_percent_interval(
                        positive["interval"]["low"], positive["interval"]["high"], lang
                    ),
                    format_decimal(result["location"]["mean"], lang),
                ]
            )
        assert normal(expected) in lines, expected
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_breakdowns_equal_the_json_and_suppressed_cells_show_no_number(
    analysis_result, report_pdf, lang
):
    data = analysis_result.to_dict()
    lines = lines_of(report_pdf[lang]["text"])
    context = sample_context()
    suppressed = normal(text(lang, "suppressed", k=data["k"]))
    seen_suppressed = 0
    for breakdown in data["breakdowns"]:
        if breakdown["by"] not in ("site", "mode"):
            continue
        for row in breakdown["rows"]:
            if breakdown["by"] == "site":
                group = context.site_labels[row["group"]]
            else:
                group = MODE_LABELS[row["group"]][lang]
            if row["n"] is not None and row["positive"]["suppressed"]:
                # issue 11: the size stays, the share is a bound (or withheld), no mean
                seen_suppressed += 1
                positive = row["positive"]
                expected = " ".join(
                    [
                        group,
                        format_count(row["n"], lang),
                        format_share(positive, lang, suppressed),
                        EN_DASH if positive["bound"] else suppressed,
                        suppressed,
                    ]
                )
            elif row["suppressed"] or row["positive"]["suppressed"]:
                seen_suppressed += 1
                assert row["n"] is None or row["positive"]["estimate"] is None
                expected = " ".join([group] + [suppressed] * 4)
            else:
                positive = row["positive"]
                expected = " ".join(
                    [
                        group,
                        format_count(row["n"], lang),
                        format_percent(positive["estimate"], lang),
                        format_percent_interval(
                            positive["interval"]["low"], positive["interval"]["high"], lang
                        ),
                        format_decimal(row["mean"], lang),
                    ]
                )
            assert normal(expected) in lines, expected
    assert seen_suppressed > 0, "the sample must exercise suppression"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_nps_equals_the_json(analysis_result, report_pdf, lang):
    data = analysis_result.to_dict()
    lines = lines_of(report_pdf[lang]["text"])
    rows = [r for r in data["indicators"] if r["nps"] is not None]
    assert rows
    for result in rows:
        nps = result["nps"]
        expected = " ".join(
            [
                wave_label(result["wave"], lang),
                format_count(nps["n"], lang),
                format_count(nps["promoters"], lang),
                format_count(nps["passives"], lang),
                format_count(nps["detractors"], lang),
                format_signed(nps["nps"], lang, 0),
            ]
        )
        assert any(line.startswith(normal(expected)) for line in lines), expected


def test_no_number_next_to_a_suppressed_marker(report_html):
    """In every table cell, the suppressed marker stands alone, without a reason."""
    for lang, html in report_html.items():
        marker = str(escape(text(lang, "suppressed")))
        # Tables of figures only: the methods table is prose about suppression.
        figures = re.sub(r"<table[^>]*methods-table.*?</table>", "", html, flags=re.DOTALL)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", figures, flags=re.DOTALL)
        flagged = [cell for cell in cells if marker in cell]
        assert flagged
        assert all(cell == marker for cell in flagged), lang
        # Secondary suppression hides cells of k or more people: no "n < k" in any cell.
        assert not [cell for cell in cells if "n\u00a0&lt;" in cell], lang


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_suppression_legend_gives_both_reasons_with_the_organisations_k(lang):
    """The marker says no reason; its legend gives both, with the k of the analysis."""
    analysis = sample_analysis(k=7)
    html = reports.render_html(analysis, sample_context(), lang)
    note = str(escape(text(lang, "suppressed_note", k=7)))
    assert note in html
    assert "7" in note
    assert "5" not in note
    plain = normal(text(lang, "suppressed_note", k=7))
    if lang == "fr":
        assert "moins de 7 personnes" in plain
        assert "soustraction" in plain
    else:
        assert "fewer than 7 people" in plain
        assert "subtract" in plain
    # Repeated under the tables that show the marker, not only in the summary.
    assert html.count(note) > 2


def _p_text(p, lang):
    """The report's p: "p > 0.99" rather than a "p = 1.000" that reads as certainty."""
    if p is not None and p > 0.99:
        return f"p > {format_decimal(0.99, lang, 2)}"
    return format_p_value(p, lang)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_gains_equal_the_json(analysis_result, report_pdf, lang):
    data = analysis_result.to_dict()
    flat = normal(report_pdf[lang]["text"])
    checked = 0
    for gain in data["gains"]:
        if gain["suppressed"] or gain["paired"] is None:
            continue
        paired = gain["paired"]
        pairs = format_count(paired["n_pairs"], lang)
        before = format_decimal(paired["mean_before"], lang)
        after = format_decimal(paired["mean_after"], lang)
        if gain["target_kind"] == "indicator":
            assert normal(_p_text(gain["p_holm"], lang)) in flat
            change = gain.get("change") or {}
            better = (change.get("better") or {}).get("estimate", paired["share_improved"])
            expected = re.escape(f"{pairs} {before} {after}") + r" \S+ \[[^\]]+\] "
            expected += re.escape(normal(format_percent(better, lang)))
        else:
            improved = format_percent(paired["share_improved"], lang)
            expected = re.escape(f"{pairs}") + r" \S+ \[[^\]]+\] "
            expected += re.escape(normal(improved))
        assert re.search(expected, flat), (gain["target"], expected)
        checked += 1
    assert checked


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_typography(report_pdf, report_html, lang):
    raw = report_pdf[lang]["text"]
    # Only a method the report has no words for keeps the engine's English (lang="en").
    html = re.sub(r'<tr lang="en">.*?</tr>', "", report_html[lang], flags=re.DOTALL)
    if lang == "fr":
        assert "IC\u00a095\u202f%" in html
        assert re.search(r"\d\u202f%", html)
        assert not re.search(r"\d %", html)  # never an ordinary (breakable) space before %
        assert re.search(r"\d,\d", raw)  # decimal comma
        assert "1er janvier 2025" in normal(raw)
    else:
        assert "95% CI" in html
        assert not re.search(r"\d[\u202f ]%", html)
        assert re.search(r"\d\.\d", raw)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_page_numbers_contents_and_running_header(report_pdf, lang):
    reader = PdfReader(report_pdf[lang]["path"])
    pages = len(reader.pages)
    flat = normal(report_pdf[lang]["text"])
    assert pages >= 8
    for number in (1, 2, pages):
        assert f"p. {number} / {pages}" in flat
    contents = text(lang, "contents")
    assert contents in flat
    summary_entry = re.search(re.escape(text(lang, "summary")) + r" ?\.{5,} ?(\d+)", flat)
    assert summary_entry is not None
    assert summary_entry.group(1) == "2"
    assert flat.count("Association Exemple · Étude d’impact 2025") >= pages - 1


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pdf_is_tagged_with_language_title_and_embedded_fonts(report_pdf, lang):
    reader = PdfReader(report_pdf[lang]["path"])
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == sample_context().study_title.join(
        [text(lang, "report_title") + " – ", ""]
    )
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfuaid:part" in xmp
    fonts = 0
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts += 1
    assert fonts > 0


def test_figures_carry_their_alternative_text(report_pdf):
    """Each chart is a /Figure structure element whose /Alt is the SVG's title."""
    reader = PdfReader(report_pdf["en"]["path"])
    figures = []

    def walk(node, depth=0):
        node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                figures.append(str(node.get("/Alt", "")))
            kids = node.get("/K")
            if kids is None:
                return
            for kid in kids if isinstance(kids, list) else [kids]:
                if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                    walk(kid, depth + 1)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    charts = [alt for alt in figures if alt.startswith("Chart:")]
    assert len(charts) >= 5
    assert all(alt.strip() for alt in figures)


def test_same_analysis_gives_the_same_html(analysis_result, report_html):
    assert reports.render_html(analysis_result, sample_context(), "fr") == report_html["fr"]
