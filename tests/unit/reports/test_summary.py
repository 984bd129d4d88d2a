"""The one-page summary: one A4 page in both languages, short easy sentences, honest verdicts."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from pypdf import PdfReader

import reports
from questionnaires import readability
from reports.summary import summary_sentences
from reports.texts import text
from tests.reports_factories import sample_context

LANGS = ("fr", "en")


def _normal(value: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", value)


def _page_of(pages: list[str], heading: str, start: int = 0) -> int:
    return next(
        i for i, page in enumerate(pages) if i >= start and _normal(heading) in _normal(page)
    )


@pytest.mark.parametrize("lang", LANGS)
def test_summary_fits_on_one_page(report_pdf, analysis_result, lang):
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(report_pdf[lang]["bytes"])).pages]
    view = reports.build_view_model(analysis_result, sample_context(), lang)
    summary_page = _page_of(pages, text(lang, "summary_table"))
    next_section = _page_of(pages, view["sections"][0]["title"], summary_page + 1)
    assert next_section == summary_page + 1
    # Every indicator's row is on the summary page.
    for row in view["summary_page"]["rows"]:
        assert _normal(row["label"]) in _normal(pages[summary_page])


@pytest.mark.parametrize("lang", LANGS)
def test_every_summary_sentence_is_short_and_easy(analysis_result, lang):
    view = reports.build_view_model(analysis_result, sample_context(), lang)
    sentences = summary_sentences(view["summary_page"])
    assert len(sentences) > 10
    problems = readability.check_texts(
        [(f"summary [{lang}]", sentence, lang) for sentence in sentences],
        min_reading_ease=60,
        max_words=25,
    )
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.parametrize("lang", LANGS)
def test_summary_has_no_jargon_and_proper_plurals(analysis_result, lang):
    view = reports.build_view_model(analysis_result, sample_context(), lang)
    page = " ".join(summary_sentences(view["summary_page"]))
    for jargon in ("Holm", "p =", "rang", "rank", "Shewhart", "Wilcoxon", "(s)", "impact"):
        assert jargon not in page
    assert f"{analysis_result.n_sites} sites" in page.replace("\u00a0", " ")


def test_verdict_follows_the_interval(analysis_result):
    from reports.summary import verdict_of

    seen = set()
    for gain in analysis_result.gains:
        if gain.paired is None or gain.paired.change_interval.low is None:
            continue
        if hasattr(gain, "verdict"):
            gain = dataclasses.replace(gain, verdict=None)  # the report's own reading
        low, high = gain.paired.change_interval.low, gain.paired.change_interval.high
        verdict = verdict_of(gain)
        seen.add(verdict)
        if verdict == "better":
            assert low * gain.paired.polarity > 0
            assert high * gain.paired.polarity > 0
        elif verdict == "unclear":
            assert low <= 0 <= high
    assert seen


@pytest.mark.parametrize("lang", LANGS)
def test_french_and_english_summaries_say_the_same_things(analysis_result, lang):
    views = {
        lang: reports.build_view_model(analysis_result, sample_context(), lang) for lang in LANGS
    }
    shapes = {
        lang: [
            (row["key"], len(row["latest"]), len(row["change"]), row["verdict"])
            for row in view["summary_page"]["rows"]
        ]
        for lang, view in views.items()
    }
    assert shapes["fr"] == shapes["en"]


@pytest.mark.parametrize("lang", LANGS)
def test_every_summary_sentence_template_is_short_and_easy(lang):
    """Also the sentences the sample data never triggers (suppressed, worse, unadjusted…)."""
    from reports.texts import TEXTS

    keys = [key for key in TEXTS if key.startswith("summary_") and key not in SUMMARY_LABELS]
    values = dict.fromkeys(PLACEHOLDERS, "12")
    values["definition"] = "9 or 10 out of 10." if lang == "en" else "9 ou 10 sur 10."
    values["wave"] = values["first"] = values["baseline"] = "Suivi"
    problems = readability.check_texts(
        [(key, text(lang, key, **values), lang) for key in keys], min_reading_ease=60, max_words=25
    )
    assert problems == [], "\n".join(map(str, problems))


SUMMARY_LABELS = {
    "summary_table",
    "summary_col_measure",
    "summary_col_latest",
    "summary_col_change",
    "summary_gain",  # the dashboard's one-line gain, not a sentence of the summary page
    "summary_share_gain",
}
PLACEHOLDERS = (
    "n", "wave", "share", "low", "high", "rate", "first", "second", "better", "same", "worse",
    "people", "questionnaires", "sites", "baseline", "definition", "threshold", "last",
)  # fmt: skip
