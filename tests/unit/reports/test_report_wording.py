"""What a director reads: the same names, order and qualifiers everywhere in the report."""

from __future__ import annotations

import dataclasses
import re

import pytest

import reports
from analysis.results import Interval, ProportionEstimate, ShareBound
from reports.texts import text
from tests.reports_factories import sample_context

LANGS = ("fr", "en")


def _normal(value: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", value)


def _withheld(n: int, relation: str, value: float) -> ProportionEstimate:
    return ProportionEstimate(
        successes=None,
        n=n,
        estimate=None,
        interval=Interval(low=None, high=None, level=0.95, method="wilson"),
        suppressed=True,
        bound=ShareBound(relation=relation, value=value),
    )


@pytest.mark.parametrize("lang", LANGS)
def test_summary_gives_the_bounds_when_every_change_share_is_withheld(analysis_result, lang):
    """Almost nobody moved: the bounds ("at most 5 %") still say so on the summary page."""
    gain = next(
        g
        for g in analysis_result.gains
        if g.target_kind == "indicator" and getattr(g, "change", None) is not None
    )
    n = gain.change.n
    change = dataclasses.replace(
        gain.change,
        better=_withheld(n, "<=", 0.05),
        same=_withheld(n, ">=", 0.95),
        worse=_withheld(n, "<=", 0.05),
    )
    others = [g for g in analysis_result.gains if g.target != gain.target]
    analysis = dataclasses.replace(
        analysis_result, gains=[dataclasses.replace(gain, change=change), *others]
    )
    view = reports.build_view_model(analysis, sample_context(), lang)
    row = next(r for r in view["summary_page"]["rows"] if r["key"] == gain.target)
    change_text = _normal(" ".join(row["change"]))
    assert "≤ 5" in change_text
    assert "≥ 95" in change_text


@pytest.mark.parametrize("lang", LANGS)
def test_annex_says_indicative_once(analysis_result, lang):
    """A finding that already says "indicative only" gets no second qualifier."""
    finding = next(f for f in analysis_result.findings if f.topic.startswith("indicator:"))
    flagged = dataclasses.replace(
        finding,
        fr=finding.fr + " À titre indicatif (moins de 30 personnes ou intervalle large).",
        en=finding.en + " Indicative only (fewer than 30 people or a wide interval).",
        indicative=True,
    )
    analysis = dataclasses.replace(analysis_result, findings=[flagged])
    html = _normal(reports.render_html(analysis, sample_context(), lang))
    annex = html[html.index(_normal(text(lang, "all_findings"))) :]
    qualifier = "À titre indicatif" if lang == "fr" else "Indicative only"
    assert annex.count(qualifier) == 1
    assert f"({text(lang, 'indicative')})" not in annex


@pytest.mark.parametrize("lang", LANGS)
def test_annex_response_rates_follow_the_waves_in_time(analysis_result, lang):
    from analysis.results import Finding

    late_first = [
        Finding(
            f"response_rate:{wave}", f"Taux en «\u00a0{wave}\u00a0».", f"Rate in “{wave}”.", False
        )
        for wave in reversed(analysis_result.waves)
    ]
    assert len(late_first) >= 2
    analysis = dataclasses.replace(analysis_result, findings=late_first)
    view = reports.build_view_model(analysis, sample_context(), lang)
    order = [row["header"] for row in view["sections"][0]["waves"]["rows"]]
    shown = [
        next(i for i, name in enumerate(order) if f"{name}" in _normal(finding["text"]))
        for finding in view["all_findings"]
    ]
    assert shown == sorted(shown)


@pytest.mark.parametrize("lang", LANGS)
def test_indicator_names_in_the_annex_are_the_section_names(analysis_result, lang):
    view = reports.build_view_model(analysis_result, sample_context(), lang)
    measures = analysis_result.measures
    measures = measures.values() if isinstance(measures, dict) else measures
    annex = " ".join(f["text"] for f in view["all_findings"])
    titles = " ".join(section["title"] for section in view["sections"])
    for measure in measures:
        own = measure.label.get(lang)
        if own and own not in titles:
            assert f"{own}" not in annex, own


@pytest.mark.parametrize("lang", LANGS)
def test_recommendation_shows_its_promoters_share_in_the_wave_table(analysis_result, lang):
    """The summary quotes the promoters' share; the wave table must show the same figure."""
    results = []
    for result in analysis_result.indicators:
        if result.nps is not None and not result.nps.suppressed:
            nps = result.nps
            share = ProportionEstimate(
                successes=nps.promoters,
                n=nps.n,
                estimate=nps.promoters / nps.n,
                interval=Interval(low=0.4, high=0.6, level=0.95, method="wilson"),
            )
            result = dataclasses.replace(result, positive=share)
        results.append(result)
    analysis = dataclasses.replace(analysis_result, indicators=results)
    view = reports.build_view_model(analysis, sample_context(), lang)
    section = next(s for s in view["sections"] if s.get("nps"))
    shares = [row["cells"][1] for row in section["waves"]["rows"]]
    assert shares
    assert all(share not in ("–", text(lang, "suppressed")) for share in shares)


@pytest.mark.parametrize("lang", LANGS)
def test_response_table_says_it_counts_invitations(report_html, lang):
    assert _normal(text(lang, "response_rates_note")) in _normal(report_html[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_a_study_nobody_has_answered_says_so_instead_of_zeros(analysis_result, lang):
    empty = dataclasses.replace(
        analysis_result, n_responses=0, n_beneficiaries=0, n_sites=0, indicators=[], gains=[]
    )
    summary = reports.build_view_model(empty, sample_context(), lang)["summary_page"]
    assert summary["intro"] == [text(lang, "summary_nothing_yet")]
    assert summary["rows"] == []


@pytest.mark.parametrize("lang", LANGS)
def test_no_reading_guide_above_change_tables_that_are_not_there(analysis_result, lang):
    no_gains = dataclasses.replace(analysis_result, gains=[])
    html = _normal(reports.render_html(no_gains, sample_context(), lang))
    guide = _normal(text(lang, "regression_to_mean"))
    assert guide not in html
    assert guide in _normal(reports.render_html(analysis_result, sample_context(), lang))
