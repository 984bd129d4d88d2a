"""The methods annex speaks the report's language for every method the engine names."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from markupsafe import escape

import reports
from analysis import AnalysisOptions, analyse_study
from analysis.results import MethodNote
from reports.texts import LANGUAGES, METHOD_TEXTS, has_method_text, method_text
from reports.viewmodel import build_view_model
from tests.reports_factories import sample_context, sample_tables

PARTS = ("name", "plain", "detail")


def _realistic_analysis(**options):
    answers, specs, invitations = sample_tables(300, 7)
    return analyse_study(
        answers, specs, invitations=invitations, options=AnalysisOptions(**options)
    )


@pytest.fixture(scope="module")
def filtered_analysis():
    """A study with every option set, so the filters note has something to say."""
    return _realistic_analysis(
        k=6,
        date_from=dt.date(2025, 2, 1),
        date_to=dt.date(2025, 11, 30),
        sites=("NORD", "SUD"),
        period="quarter",
        seed=12345,
    )


def test_every_method_the_engine_names_has_french_and_english_words(
    analysis_result, filtered_analysis
):
    """A new method in the engine without a translation here fails this test."""
    emitted = {note.name for a in (analysis_result, filtered_analysis) for note in a.methods}
    assert len(emitted) >= 12
    missing = sorted(key for key in emitted if not has_method_text(key))
    assert not missing, f"no French/English text in reports.texts.METHOD_TEXTS for {missing}"
    for key in emitted:
        for part in PARTS:
            for lang in LANGUAGES:
                assert METHOD_TEXTS[key][part][lang].strip(), (key, part, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_methods_table_is_in_the_report_language(analysis_result, report_html, lang):
    html = report_html[lang]
    table = re.search(
        r'<table class="data compact methods-table"[^>]*>.*?</table>', html, re.DOTALL
    )
    assert table is not None
    table = table.group(0)
    assert 'lang="en"' not in table  # no row fell back to the engine's English note
    for note in analysis_result.methods:
        if lang == "fr":
            assert str(escape(note.description)) not in table  # not the engine's English note
        assert str(escape(method_text(lang, note.name, "name"))) in table
        if note.reference:
            assert str(escape(note.reference)) in table  # the reference column is kept


def test_french_method_texts_follow_french_typography(analysis_result, report_html):
    table = re.search(r"<table[^>]*methods-table.*?</table>", report_html["fr"], re.DOTALL)
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", table.group(0), re.DOTALL)
    body = " ".join(cells)
    assert "95\u202f%" in body
    assert not re.search(r" [%:;?!»]", body)  # a no-break space before % : ; ? ! »
    assert not re.search(r"« ", body)
    assert not re.search(r"\d %", body)
    english = ("suppressed", "respondents", "otherwise", "interval", "share of", "when")
    assert not [word for word in english if re.search(rf"\b{word}\b", body.lower())]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_method_texts_carry_the_engine_settings(filtered_analysis, lang):
    notes = {
        row["name"]: row
        for row in build_view_model(filtered_analysis, sample_context(), lang)["methods"]["notes"]
    }

    def row(key):
        return notes[method_text(lang, key, "name")]

    assert "k\u00a0=\u00a06" in row("disclosure")["detail"]
    assert "6" in row("disclosure")["plain"]
    assert "12345" in row("breakdowns")["detail"]
    assert ("9\u202f999" if lang == "fr" else "9,999") in row("breakdowns")["detail"]
    assert "50" in row("paired_gain")["detail"]
    assert "25" in row("mcnemar")["detail"]
    grouping = "choisi\u00a0: trimestre" if lang == "fr" else "Grouping: quarter"
    assert grouping in row("trends")["detail"]
    filters = row("filters")["plain"]
    assert "Nord, Sud" in filters
    assert "Est" not in filters
    assert ("1er\u00a0février 2025" if lang == "fr" else "1\u00a0February 2025") in filters
    assert ("30\u00a0novembre 2025" if lang == "fr" else "30\u00a0November 2025") in filters


def test_a_method_without_words_keeps_the_engine_note_marked_english(analysis_result):
    extra = MethodNote("brand_new_method", "A new test the report has no words for.", "Doe (2030)")
    analysis = dataclasses.replace(analysis_result, methods=(*analysis_result.methods, extra))
    html = reports.render_html(analysis, sample_context(), "fr")
    row = re.search(r'<tr lang="en"><th scope="row">brand_new_method</th>.*?</tr>', html, re.DOTALL)
    assert row is not None
    assert "A new test the report has no words for." in row.group(0)
    assert "Doe (2030)" in row.group(0)
    assert not has_method_text("brand_new_method")
