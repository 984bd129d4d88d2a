"""Analysis results → a plain view model (strings, numbers, lists, dicts).

The templates receive only what this module builds: every figure already
formatted for the report's language, every suppressed figure already
replaced by the word "suppressed" ("masqué"). A template therefore cannot
print a number the analysis withheld, and the HTML preview, the PDF and the
tests all read the same strings.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from analysis.parameters import (
    EXACT_MAX_N,
    MCNEMAR_EXACT_BELOW,
    MIN_ITEM_SHARE,
    MIN_MONTHLY_MEDIAN,
    MONTE_CARLO_TABLES,
)
from analysis.results import (
    AnswerCount,
    Breakdown,
    GainResult,
    IndicatorResult,
    Interval,
    MethodNote,
    ProportionEstimate,
    QuestionResult,
    StudyAnalysis,
    TrendResult,
)
from reports import charts
from reports.formatting import (
    EN_DASH,
    NBSP,
    NNBSP,
    format_count,
    format_date,
    format_datetime,
    format_decimal,
    format_interval,
    format_p_value,
    format_percent,
    format_percent_interval,
    format_share,
    format_signed,
)
from reports.open_answers import open_answers_view
from reports.rounding import sign_safe_digits
from reports.summary import build_summary, verdict_of
from reports.texts import (
    AGREEMENT_LABELS,
    INDICATOR_LABELS,
    LANGUAGE_LABELS,
    LANGUAGES,
    MODE_LABELS,
    PERIOD_OPTION_LABELS,
    has_method_text,
    label_of,
    method_text,
    text,
)

__all__ = ["HEADLINE_INDICATORS", "ReportContext", "build_view_model"]

#: The four indicators of the executive summary, in this order.
HEADLINE_INDICATORS = ("listening", "confidence", "autonomy", "satisfaction")
#: Breakdowns shown per indicator ("wave" is already the indicator's first table).
BREAKDOWN_ORDER = ("site", "mode", "language")
ASSISTED_MODES = ("assisted", "read_aloud")
#: Trends are computed per kind of wave (never pooled); the first kind gets a chart.
WAVE_KINDS = ("baseline", "follow_up", "exit")


@dataclass(frozen=True)
class ReportContext:
    """What the report says about itself, beside the analysis.

    Built by the caller (the web app or the CLI) from the database; plain
    values only, so ``reports`` never needs to know about the ORM.
    ``software_version`` is passed in rather than imported, keeping
    ``reports`` free of any ``survey_app`` import.
    """

    organisation: str
    study_title: str
    generated_at: _dt.datetime
    software_version: str
    date_from: _dt.date | None = None
    date_to: _dt.date | None = None
    period_label: str | None = None
    data_cutoff: _dt.datetime | None = None
    sites: Sequence[str] = ()
    site_labels: Mapping[str, str] = field(default_factory=dict)
    wave_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    question_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    indicator_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    choice_labels: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    questionnaire_versions: Sequence[str] = ()
    logo_svg: bytes | None = None
    open_answers: Any = None  # analysis.themes.ThemeSection (issue 17)


class _Words:
    """Formatting helpers bound to one language, k and confidence level."""

    def __init__(self, lang: str, k: int, level: float, context: ReportContext) -> None:
        self.lang = lang
        self.k = k
        self.level = format_decimal(level * 100, lang, 0)
        self.context = context
        self.suppressed = text(lang, "suppressed")

    def t(self, key: str, **values: object) -> str:
        return text(self.lang, key, **values)

    def pct(self, share: float | None) -> str:
        return format_percent(share, self.lang)

    def count(self, value: int | None) -> str:
        return format_count(value, self.lang)

    def dec(self, value: float | None, digits: int = 1) -> str:
        return format_decimal(value, self.lang, digits)

    def pct_ci(self, interval: Interval | None) -> str:
        if interval is None:
            return EN_DASH
        return format_percent_interval(interval.low, interval.high, self.lang)

    def num_ci(self, interval: Interval | None, digits: int = 1) -> str:
        if interval is None:
            return EN_DASH
        return format_interval(interval.low, interval.high, self.lang, digits)

    def ci_sentence(self, interval_text: str) -> str:
        return self.t("ci_value", level=self.level, interval=interval_text)

    def p(self, value: float | None) -> str:
        """``p > 0.99`` rather than ``p = 1.000``, which reads as certainty."""
        if value is not None and value > 0.99:
            return f"p\u00a0>\u00a0{format_decimal(0.99, self.lang, 2)}"
        return format_p_value(value, self.lang)

    def change_ci(self, estimate: float | None, interval: Interval | None, digits: int = 1) -> str:
        """A signed change and its interval, with as many decimals as keep each on its side of 0."""
        low = interval.low if interval is not None else None
        high = interval.high if interval is not None else None
        digits = sign_safe_digits((estimate, low, high), digits)
        shown = format_signed(estimate, self.lang, digits)
        if low is None or high is None:
            return shown
        return f"{shown} {format_interval(low, high, self.lang, digits)}"

    def share(self, estimate: ProportionEstimate | None) -> str:
        if estimate is None:
            return EN_DASH
        return format_share(estimate, self.lang, self.suppressed)

    def indicator(self, key: str | None) -> str:
        if key is None:
            return EN_DASH
        labels = {**INDICATOR_LABELS, **self.context.indicator_labels}
        return label_of(labels, key, self.lang)

    def question(self, key: str) -> str:
        return label_of(self.context.question_labels, key, self.lang)

    def target(self, key: str, kind: str) -> str:
        return self.indicator(key) if kind == "indicator" else self.question(key)

    def wave(self, key: str | None) -> str:
        if key is None:
            return self.t("all_waves")
        return label_of(self.context.wave_labels, key, self.lang)

    def site(self, code: str | None) -> str:
        if code is None:
            return self.t("all")
        return self.context.site_labels.get(code, code)

    def group(self, by: str, group: str) -> str:
        if by == "site":
            return self.site(group)
        if by == "mode":
            return label_of(MODE_LABELS, group, self.lang)
        if by == "wave":
            return self.wave(group)
        if by == "language":
            return label_of(LANGUAGE_LABELS, group, self.lang)
        return group

    def choice(self, question_key: str, kind: str, code: str) -> str:
        labels = self.context.choice_labels.get(question_key, {})
        if code in labels:
            return label_of(labels, code, self.lang)
        if kind == "nps_bands":
            return self.t(code)
        if kind in ("agreement", "yes_no") or code == "_pna":
            return label_of(AGREEMENT_LABELS, code, self.lang)
        return code


def _is_indicative(estimate: ProportionEstimate | None) -> bool:
    """The analysis' own rule: n < 30 or an interval wider than 20 points."""
    if estimate is None or estimate.n is None:
        return False
    width = estimate.interval.width
    return estimate.n < 30 or (width is not None and width > 0.20)


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "x"


def _wave_rank(analysis: StudyAnalysis, wave: str | None) -> int:
    if wave is None:
        return -1
    return analysis.waves.index(wave) if wave in analysis.waves else len(analysis.waves)


def _indicator_order(analysis: StudyAnalysis) -> list[str]:
    present: list[str] = []
    for result in analysis.indicators:
        if result.indicator not in present:
            present.append(result.indicator)
    ordered = [key for key in HEADLINE_INDICATORS if key in present]
    return ordered + [key for key in present if key not in ordered]


def _headline_result(analysis: StudyAnalysis, indicator: str) -> IndicatorResult | None:
    """The figure a director should quote.

    The all-waves figure when the analysis gives one; otherwise the latest
    wave whose figure is published and not merely indicative (n ≥ 30 and an
    interval no wider than 20 points), falling back to the latest published one.
    """
    results = [r for r in analysis.indicators if r.indicator == indicator]
    if not results:
        return None
    overall = [r for r in results if r.wave is None]
    if overall:
        return overall[0]
    latest_first = sorted(results, key=lambda r: _wave_rank(analysis, r.wave), reverse=True)
    published = [
        r
        for r in latest_first
        if not r.suppressed and r.positive is not None and not r.positive.suppressed
    ]
    robust = [r for r in published if not _is_indicative(r.positive)]
    return (robust or published or latest_first)[0]


def _headline(words: _Words, analysis: StudyAnalysis, indicator: str) -> dict[str, Any]:
    result = _headline_result(analysis, indicator)
    item: dict[str, Any] = {
        "key": indicator,
        "label": words.indicator(indicator),
        "available": False,
        "suppressed": False,
    }
    if result is None:
        item["value"] = EN_DASH
        item["detail"] = words.t("no_data")
        return item
    item["wave"] = words.wave(result.wave)
    positive = result.positive
    if positive is not None and positive.bound is not None and positive.n is not None:
        # fewer than k people on one side: a bound from n and k only (issue 11)
        item.update(
            available=True,
            bounded=True,
            value=words.share(positive),
            n=words.count(positive.n),
            n_text=words.t("n_people", n=words.count(positive.n)),
            ci="",
            indicative=False,
        )
        return item
    if result.suppressed or positive is None or positive.suppressed:
        item["suppressed"] = True
        item["value"] = words.suppressed
        item["detail"] = ""
        return item
    item.update(
        available=True,
        value=words.pct(positive.estimate),
        n=words.count(positive.n),
        n_text=words.t("n_people", n=words.count(positive.n)),
        ci=words.ci_sentence(words.pct_ci(positive.interval)),
        indicative=_is_indicative(positive),
    )
    return item


def _estimate_cells(words: _Words, estimate: ProportionEstimate | None) -> list[str]:
    if estimate is None:
        return [EN_DASH, EN_DASH]
    if estimate.suppressed:
        # a bound stands in the share column; no interval is published beside it
        return [words.share(estimate), EN_DASH if estimate.bound else words.suppressed]
    return [words.pct(estimate.estimate), words.pct_ci(estimate.interval)]


def _wave_table(words: _Words, analysis: StudyAnalysis, indicator: str) -> dict[str, Any]:
    results = sorted(
        (r for r in analysis.indicators if r.indicator == indicator),
        key=lambda r: _wave_rank(analysis, r.wave),
    )
    rows = []
    for result in results:
        if result.suppressed:
            cells = [words.suppressed] * 4
        else:
            location = result.location
            mean = EN_DASH
            if location is not None:
                mean = words.suppressed if location.suppressed else words.dec(location.mean)
            n = result.positive.n if result.positive is not None else result.n_respondents
            positive = result.positive
            n_text = (
                words.suppressed
                if positive is not None and positive.n is None
                else (words.count(n))
            )
            cells = [n_text, *_estimate_cells(words, positive), mean]
            if result.nps is not None and (positive is None or positive.suppressed):
                # A 0–10 question's "positive" is its promoters (9–10), the analysis'
                # own share; when that share is withheld, the NPS table's n stands.
                nps = result.nps
                cells[0] = words.suppressed if nps.suppressed else words.count(nps.n)
        rows.append({"header": words.wave(result.wave), "cells": cells})
    return {
        "caption": words.t("by_wave"),
        "columns": [
            words.t("wave"),
            "n",
            words.t("positive_share"),
            words.t("ci", level=words.level),
            words.t("mean_score"),
        ],
        "rows": rows,
    }


def _nps_block(words: _Words, analysis: StudyAnalysis, indicator: str) -> dict[str, Any] | None:
    results = [r for r in analysis.indicators if r.indicator == indicator and r.nps is not None]
    if not results:
        return None
    rows = []
    for result in sorted(results, key=lambda r: _wave_rank(analysis, r.wave)):
        nps = result.nps
        assert nps is not None  # noqa: S101 - filtered above
        if result.suppressed:
            cells = [words.suppressed] * 5
        elif nps.suppressed:
            # The bands are withheld; the number of people who answered is not.
            n = result.positive.n if result.positive is not None else None
            cells = [words.suppressed if n is None else words.count(n)] + [words.suppressed] * 4
        else:
            cells = [
                words.count(nps.n),
                words.count(nps.promoters),
                words.count(nps.passives),
                words.count(nps.detractors),
                f"{format_signed(nps.nps, words.lang, 0)} {words.num_ci(nps.interval, 0)}",
            ]
        rows.append({"header": words.wave(result.wave), "cells": cells})
    return {
        "note": words.t("nps_note"),
        "caption": words.t("nps"),
        "columns": [
            words.t("wave"),
            "n",
            words.t("promoters"),
            words.t("passives"),
            words.t("detractors"),
            f"NPS ({words.t('ci', level=words.level)})",
        ],
        "rows": rows,
    }


def _question_results(analysis: StudyAnalysis, indicator: str) -> list[QuestionResult]:
    """The questions of one indicator, in the wave of the indicator's headline figure.

    One wave for the whole chart, so its bars compare like with like; questions
    not asked in that wave are left out.
    """
    # A question with no count that is not flagged suppressed was not asked in that wave.
    questions = [
        r
        for r in analysis.questions
        if r.indicator == indicator and (r.n_answered is not None or r.suppressed)
    ]
    overall = [r for r in questions if r.wave is None]
    if overall:
        return overall
    headline = _headline_result(analysis, indicator)
    wave = headline.wave if headline is not None else None
    chosen = [r for r in questions if r.wave == wave]
    if chosen:
        return chosen
    latest = max((r.wave for r in questions), key=lambda w: _wave_rank(analysis, w), default=None)
    return [r for r in questions if r.wave == latest]


def _distribution(
    words: _Words, analysis: StudyAnalysis, indicator: str, anchor: str, inline: bool
) -> dict[str, Any] | None:
    questions = [
        _nps_bands(q) if q.nps is not None else q for q in _question_results(analysis, indicator)
    ]
    if not questions:
        return None
    codes: list[str] = []
    for question in questions:
        for answer in question.distribution:
            if answer.code not in codes:
                codes.append(answer.code)
    codes.sort(key=lambda code: (code == "_pna", _code_rank(code)))
    rows = []
    chart_rows = []
    waves = {q.wave for q in questions}
    for question in questions:
        by_code = {answer.code: answer for answer in question.distribution}
        cells = []
        shares: list[float | None] = []
        for code in codes:
            answer = by_code.get(code)
            if answer is None:
                cells.append(EN_DASH)
                shares.append(None)
            elif answer.suppressed or question.suppressed:
                cells.append(words.suppressed)
                shares.append(None)
            else:
                cells.append(f"{words.count(answer.count)} ({words.pct(answer.share)})")
                shares.append(answer.share)
        n_answered = words.suppressed if question.suppressed else words.count(question.n_answered)
        wording = _wave_wording(words, analysis, question.wave, question.question_key)
        rows.append({"header": wording, "cells": [n_answered, *cells]})
        chart_rows.append((wording, shares))
    first = questions[0]
    code_labels = [words.choice(first.question_key, first.kind, code) for code in codes]
    wave_text = words.wave(next(iter(waves))) if len(waves) == 1 else words.t("all_waves")
    title = words.t("distribution_chart", label=words.indicator(indicator))
    return {
        "title": f"{words.t('distribution')} ({wave_text})",
        "chart": charts.distribution_chart(
            f"{anchor}-dist",
            title,
            chart_rows,
            code_labels,
            words.t("answers"),
            colours=charts.colours_for_codes(codes),
            suppressed_label=words.suppressed,
        ),
        "chart_title": title,
        "table": {
            "caption": words.t("chart_data", what=words.t("distribution").lower()),
            "columns": [words.t("question"), "n", *code_labels],
            "rows": rows,
        },
    }


NPS_BANDS = ("detractors", "passives", "promoters")


def _nps_bands(question: QuestionResult) -> QuestionResult:
    """A 0–10 question as its three bands (detractors 0–6, passives 7–8, promoters 9–10)."""
    nps = question.nps
    assert nps is not None  # noqa: S101 - callers check
    counts = (nps.detractors, nps.passives, nps.promoters)
    hidden = nps.suppressed or None in counts or not nps.n
    bands = tuple(
        AnswerCount(
            code=code,
            count=None if hidden else count,
            share=None if hidden else count / nps.n,  # type: ignore[operator]
            suppressed=bool(hidden),
        )
        for code, count in zip(NPS_BANDS, counts, strict=True)
    )
    return dataclasses.replace(question, distribution=bands, kind="nps_bands")


def _wave_wording(words: _Words, analysis: StudyAnalysis, wave: str | None, key: str) -> str:
    """The question as the questionnaire version of ``wave`` words it (else its latest label)."""
    for item in getattr(analysis, "wave_wording", None) or ():
        if item.wave == wave and key in item.labels:
            return label_of(item.labels, key, words.lang)
    return words.question(key)


def _wording_notes(words: _Words, analysis: StudyAnalysis, indicator: str) -> list[str]:
    """Where two waves' questionnaire versions word a question of ``indicator`` differently."""
    keys = {k for r in analysis.indicators if r.indicator == indicator for k in r.question_keys}
    notes = []
    for difference in getattr(analysis, "wording_differences", None) or ():
        if difference.question_key not in keys:
            continue
        separator = f"{NNBSP}; " if words.lang == "fr" else "; "
        opening, closing = (f"«{NBSP}", f"{NBSP}»") if words.lang == "fr" else ("“", "”")
        versions = separator.join(
            f"{words.wave(wave)}{words.t('colon')}"
            f"{opening}{label_of({'x': labels}, 'x', words.lang)}{closing}"
            for wave, labels in zip(difference.waves, difference.labels, strict=False)
        )
        notes.append(words.t("wording_differs", versions=versions))
    return notes


def _code_rank(code: str) -> tuple[int, str]:
    if code.lstrip("-").isdigit():
        return (int(code), "")
    order = {"yes": 0, "no": 1, "detractors": 0, "passives": 1, "promoters": 2}
    return (order.get(code, 99), code)


def _trend(
    words: _Words, trend: TrendResult, indicator: str, anchor: str, *, chart: bool = True
) -> dict[str, Any] | None:
    if not trend.points:
        return None
    if all(point.suppressed for point in trend.points):
        chart = False
    unit = words.t("quarter" if trend.period_kind == "quarter" else "month")
    title = words.t("trend_chart", label=words.indicator(indicator), unit=unit)
    periods, shares, lows, highs, lcl, ucl, flags = [], [], [], [], [], [], []
    rows = []
    for point in trend.points:
        periods.append(point.period)
        if point.suppressed:
            for series in (shares, lows, highs, lcl, ucl):
                series.append(None)
            flags.append(None)
            cells = [words.suppressed] * 5
            if point.n is not None:  # size shown; the share is a bound or withheld (issue 11)
                bound = format_share({"suppressed": True, "bound": point.bound}, words.lang, "")
                cells = [words.count(point.n), bound or words.suppressed, EN_DASH]
                cells += [EN_DASH, EN_DASH]
            rows.append({"header": point.period, "cells": cells})
            continue
        shares.append(point.share)
        lows.append(point.interval.low)
        highs.append(point.interval.high)
        lcl.append(point.lower_limit)
        ucl.append(point.upper_limit)
        flags.append(point.out_of_control)
        limits = format_percent_interval(point.lower_limit, point.upper_limit, words.lang)
        flag = (
            EN_DASH
            if point.out_of_control is None
            else (words.t("yes") if point.out_of_control else words.t("no"))
        )
        rows.append(
            {
                "header": point.period,
                "cells": [
                    words.count(point.n),
                    words.pct(point.share),
                    words.pct_ci(point.interval),
                    limits,
                    flag,
                ],
                "flagged": bool(point.out_of_control),
            }
        )
    drawing = (
        None
        if not chart
        else charts.trend_chart(
            f"{anchor}-trend",
            title,
            periods,
            shares,
            lows,
            highs,
            lcl,
            ucl,
            trend.centre,
            flags,
            {
                "band": words.t("ci", level=words.level),
                "limits": words.t("control_limits"),
                "centre": words.t("centre_line"),
                "share": words.t("positive_share"),
                "flag": words.t("out_of_control"),
            },
        )
    )
    kind = getattr(trend, "wave_kind", None)
    mdd = getattr(trend, "mdd_text", None)
    return {
        "title": words.t("trend_of_kind", kind=words.t(f"kind_{kind}"))
        if kind in WAVE_KINDS
        else words.t("trend"),
        "chart": drawing,
        "chart_title": title,
        "centre": words.pct(trend.centre),
        "table": {
            "caption": words.t("chart_data", what=words.t("trend").lower())
            if chart
            else words.t("trend_table", unit=unit),
            "columns": [
                words.t("period_col"),
                "n",
                words.t("positive_share"),
                words.t("ci", level=words.level),
                words.t("control_limits"),
                words.t("out_of_control"),
            ],
            "rows": rows,
        }
        if not all(point.suppressed for point in trend.points)
        else None,
        "empty": words.t("trend_all_suppressed", unit=unit),
        "explained": words.t("trend_explained"),
        "mdd": (mdd.get(words.lang) or mdd.get("en")) if isinstance(mdd, Mapping) and mdd else None,
    }


def _test_name(words: _Words, test: str) -> str:
    names = {
        "chi2": "χ²" if words.lang == "en" else "khi²",
        "fisher": "Fisher’s exact test" if words.lang == "en" else "test exact de Fisher",
        "fisher_monte_carlo": "Fisher–Freeman–Halton (Monte Carlo)"
        if words.lang == "en"
        else "Fisher–Freeman–Halton (Monte-Carlo)",
    }
    names["fisher_permutation"] = names["fisher_monte_carlo"]
    return names.get(test, test)


def _breakdown(words: _Words, breakdown: Breakdown) -> dict[str, Any]:
    rows = []
    for row in breakdown.rows:
        if row.n is not None and row.positive.suppressed:  # size shown, share bounded or withheld
            cells = [words.count(row.n), *_estimate_cells(words, row.positive), words.suppressed]
        elif row.suppressed or row.positive.suppressed:
            cells = [words.suppressed] * 4
        else:
            cells = [
                words.count(row.n),
                *_estimate_cells(words, row.positive),
                words.dec(row.mean),
            ]
        rows.append({"header": words.group(breakdown.by, row.group), "cells": cells})
    test = breakdown.test
    if test.test == "none" or test.p_value is None:
        test_text = words.t("group_test_none")
    else:
        test_text = words.t(
            "group_test", test=_test_name(words, test.test), p=words.p(test.p_value)
        )
    title = (
        words.t(f"breakdown_{breakdown.by}") if breakdown.by in BREAKDOWN_ORDER else breakdown.by
    )
    wave = getattr(breakdown, "wave", None)
    if wave is not None:
        title = words.t("breakdown_in_wave", by=title, wave=words.wave(wave))
    return {
        "title": title,
        "table": {
            "caption": None,
            "columns": [
                words.t("group"),
                words.t("n_people_col"),
                words.t("positive_share"),
                words.t("ci", level=words.level),
                words.t("mean_score"),
            ],
            "rows": rows,
        },
        "test": test_text,
        "caveat": _caveat(words, breakdown),
    }


def _caveat(words: _Words, breakdown: Breakdown) -> str | None:
    """The analysis' caveat in the report's language (self-selection, exploratory test)."""
    localised = getattr(breakdown, "caveat_text", None)
    if isinstance(localised, Mapping) and localised:
        return localised.get(words.lang) or localised.get("en")
    if breakdown.caveat is None:
        return None
    if words.lang == "en":
        return breakdown.caveat
    return words.t("mode_caveat") if breakdown.by == "mode" else None


def _scales(words: _Words, analysis: StudyAnalysis, indicator: str) -> list[str]:
    """Cronbach's alpha: the all-waves figure when given, otherwise one per wave."""
    scales = [s for s in analysis.scales if s.indicator == indicator]
    overall = [s for s in scales if s.wave is None]
    lines = []
    for scale in overall or sorted(scales, key=lambda s: _wave_rank(analysis, s.wave)):
        if scale.suppressed or scale.alpha is None:
            continue
        sentence = words.t(
            "alpha",
            alpha=words.dec(scale.alpha, 2),
            ci=f"{words.t('ci', level=words.level)} {words.num_ci(scale.interval, 2)}",
            n=words.count(scale.n_complete),
        )
        reliable = getattr(scale, "reliable", None)
        if reliable is not None:
            threshold = words.dec(getattr(scale, "reliability_threshold", 0.7), 2)
            reading = "alpha_reliable" if reliable else "alpha_unreliable"
            sentence = f"{sentence} {words.t(reading, threshold=threshold)}"
        lines.append(
            sentence
            if scale.wave is None
            else f"{words.wave(scale.wave)} : {sentence}"
            if words.lang == "fr"
            else f"{words.wave(scale.wave)}: {sentence}"
        )
    return lines


def _indicator_section(
    words: _Words, analysis: StudyAnalysis, indicator: str, inline: bool
) -> dict[str, Any]:
    anchor = f"ind-{_slug(indicator)}"
    trends = sorted(
        (t for t in analysis.trends if t.target == indicator),
        key=lambda t: (
            WAVE_KINDS.index(getattr(t, "wave_kind", None) or "baseline")
            if (getattr(t, "wave_kind", None) or "baseline") in WAVE_KINDS
            else 99
        ),
    )
    breakdowns = sorted(
        (b for b in analysis.breakdowns if b.target == indicator and b.by in BREAKDOWN_ORDER),
        key=lambda b: BREAKDOWN_ORDER.index(b.by) if b.by in BREAKDOWN_ORDER else 99,
    )
    return {
        "key": indicator,
        "anchor": anchor,
        "title": words.t("indicator_section", label=words.indicator(indicator)),
        "label": words.indicator(indicator),
        "waves": _wave_table(words, analysis, indicator),
        "nps": _nps_block(words, analysis, indicator),
        "scales": _scales(words, analysis, indicator) + _wording_notes(words, analysis, indicator),
        "distribution": _distribution(words, analysis, indicator, anchor, inline),
        "trends": [
            item
            for index, trend in enumerate(trends)
            if (item := _trend(words, trend, indicator, f"{anchor}-{index}", chart=index == 0))
        ],
        "breakdowns": [_breakdown(words, b) for b in breakdowns],
    }


def _gain_row(words: _Words, gain: GainResult) -> dict[str, Any]:
    label = words.target(gain.target, gain.target_kind)
    comparison = f"{words.wave(gain.from_wave)} → {words.wave(gain.to_wave)}"
    if gain.suppressed or (gain.paired is None and gain.mcnemar is None):
        return _gain_row_suppressed(words, label, comparison, gain)
    if gain.paired is not None:
        pair = gain.paired
        if pair.suppressed:
            return _gain_row_suppressed(words, label, comparison, gain)
        change = [
            words.count(pair.n_pairs),
            words.dec(pair.mean_before),
            words.dec(pair.mean_after),
            words.change_ci(pair.mean_change, pair.change_interval),
            *_better_same_worse(words, gain),
        ]
        effect = (
            f"{format_signed(pair.rank_biserial.estimate, words.lang, 2)} "
            f"{words.num_ci(pair.rank_biserial.interval, 2)}"
        )
        effect_dz = (
            f"{format_signed(pair.cohen_dz.estimate, words.lang, 2)} "
            f"{words.num_ci(pair.cohen_dz.interval, 2)}"
        )
        tests = [
            words.t("wilcoxon"),
            words.p(gain.p_value),
            _p_holm(words, gain),
            _verdict_words(words, gain),
            effect,
            effect_dz,
        ]
        shares = _gain_shares(gain, (pair.share_improved, pair.share_unchanged, pair.share_worse))
        summary = {
            "sentence": words.t(
                "summary_gain",
                improved=words.pct(pair.share_improved),
                change=format_signed(pair.mean_change, words.lang),
                ci=words.num_ci(pair.change_interval),
            ),
            "effect": f"{words.t('rank_biserial')} {effect}",
        }
    else:
        test = gain.mcnemar
        assert test is not None  # noqa: S101 - one of the two is set
        if test.suppressed:
            return _gain_row_suppressed(words, label, comparison, gain)
        unchanged = None
        improved = worse = None
        if test.n_pairs and None not in (test.n_yes_yes, test.n_no_no):
            unchanged = (test.n_yes_yes + test.n_no_no) / test.n_pairs  # type: ignore[operator]
        if test.n_pairs and test.n_improved is not None and test.n_worse is not None:
            improved = test.n_improved / test.n_pairs
            worse = test.n_worse / test.n_pairs
        difference = format_signed(
            None if test.difference is None else test.difference * 100, words.lang, 0
        )
        interval = test.difference_interval
        change = [
            words.count(test.n_pairs),
            words.pct(test.share_before),
            words.pct(test.share_after),
            f"{difference} pts "
            f"{format_interval(_times100(interval.low), _times100(interval.high), words.lang, 0)}",
            words.pct(improved),
            words.pct(unchanged),
            words.pct(worse),
        ]
        tests = [
            words.t("mcnemar_exact" if test.exact else "mcnemar"),
            words.p(gain.p_value),
            _p_holm(words, gain),
            _verdict_words(words, gain),
            EN_DASH,
            EN_DASH,
        ]
        shares = _gain_shares(gain, (improved, unchanged, worse))
        summary = {
            "sentence": words.t(
                "summary_share_gain",
                improved=words.pct(improved),
                before=words.pct(test.share_before),
                after=words.pct(test.share_after),
            ),
            "effect": "",
        }
    scale = _scale_of(words, gain)
    return {
        "label": f"{label} ({scale})" if scale else label,
        "name": label,
        "comparison": comparison,
        "suppressed": False,
        "change": change,
        "tests": tests,
        "shares": shares,
        "summary": summary,
        "p_holm": words.p(gain.p_holm),
        "kind": gain.target_kind,
        "target": gain.target,
    }


def _better_same_worse(words: _Words, gain: GainResult) -> list[str]:
    """Better / same / worse with the analysis' threshold (a quarter of the scale) when given."""
    change = getattr(gain, "change", None)
    if change is not None and getattr(change, "better", None) is not None:
        return [words.share(change.better), words.share(change.same), words.share(change.worse)]
    pair = gain.paired
    if pair is None:
        return [EN_DASH] * 3
    return [
        words.pct(pair.share_improved),
        words.pct(pair.share_unchanged),
        words.pct(pair.share_worse),
    ]


def _gain_shares(gain: GainResult, fallback: tuple[float | None, ...]) -> tuple[float | None, ...]:
    change = getattr(gain, "change", None)
    if change is not None and getattr(change, "better", None) is not None:
        return tuple(
            None if part.suppressed else part.estimate
            for part in (change.better, change.same, change.worse)
        )
    return fallback


def _p_holm(words: _Words, gain: GainResult) -> str:
    """Holm-adjusted p for the indicators' family; the word "exploratory" elsewhere."""
    if getattr(gain, "family", "confirmatory") == "exploratory":
        return words.t("exploratory")
    return words.p(gain.p_holm)


def _verdict_words(words: _Words, gain: GainResult) -> str:
    return words.t(f"verdict_{verdict_of(gain)}")


def _scale_of(words: _Words, gain: GainResult) -> str | None:
    change = getattr(gain, "change", None)
    scale = getattr(change, "scale", None)
    if isinstance(scale, Mapping):
        return scale.get(words.lang) or scale.get("en")
    return None


def _times100(value: float | None) -> float | None:
    return None if value is None else value * 100


def _gain_row_suppressed(
    words: _Words, label: str, comparison: str, gain: GainResult | None = None
) -> dict[str, Any]:
    s = words.suppressed
    return {
        "label": label,
        "comparison": comparison,
        "suppressed": True,
        "change": [s] * 7,
        "tests": [s] * 6,
        "shares": (None, None, None),
        "kind": gain.target_kind if gain else None,
        "target": gain.target if gain else None,
    }


def _single_question_indicators(analysis: StudyAnalysis) -> dict[str, str]:
    """question key → indicator, for indicators measured by one question only."""
    keys: dict[str, set[str]] = {}
    for result in analysis.indicators:
        keys.setdefault(result.indicator, set()).update(result.question_keys)
    return {next(iter(k)): indicator for indicator, k in keys.items() if len(k) == 1}


def _summary_gains(
    words: _Words, analysis: StudyAnalysis, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One gain per headline indicator: the indicator's own, or its single question's."""
    single = _single_question_indicators(analysis)
    chosen: dict[str, dict[str, Any]] = {}
    for row in rows:
        if "kind" not in row:
            continue
        indicator = row["target"] if row["kind"] == "indicator" else single.get(row["target"])
        if indicator is not None and indicator not in chosen:
            chosen[indicator] = {**row, "label": words.indicator(indicator)}
    order = _indicator_order(analysis)
    return [chosen[key] for key in order if key in chosen]


def _gains(words: _Words, analysis: StudyAnalysis) -> dict[str, Any]:
    gains = sorted(analysis.gains, key=lambda g: g.target_kind != "indicator")
    rows = [_gain_row(words, gain) for gain in gains]
    chartable = [r for r in rows if not r["suppressed"] and r["kind"] == "indicator"] or [
        r for r in rows if not r["suppressed"]
    ]
    chart = None
    chart_title = words.t("gains_chart")
    if chartable:
        chart = charts.gains_chart(
            "gains",
            chart_title,
            [(f"{r['name']} ({r['comparison']})", *r["shares"]) for r in chartable],
            [words.t("improved"), words.t("unchanged"), words.t("worse")],
            suppressed_label=words.suppressed,
        )
    attrition_rows = [_attrition_row(words, analysis, item) for item in analysis.attrition]
    return {
        "rows": rows,
        "intro": _gains_intro(words, analysis),
        "attrition_notes": _attrition_notes(words, analysis),
        "chart": chart,
        "chart_title": chart_title,
        "change_table": {
            "caption": words.t("gains"),
            "columns": [
                words.t("target"),
                words.t("from_to"),
                words.t("pairs"),
                words.t("before"),
                words.t("after"),
                words.t("change"),
                words.t("improved"),
                words.t("unchanged"),
                words.t("worse"),
            ],
            "rows": [
                {"header": r["label"], "cells": [r["comparison"], *r["change"]]}
                for r in rows
                if r["kind"] == "indicator"
            ],
        },
        "items_table": _items_table(words, [r for r in rows if r["kind"] != "indicator"]),
        "test_table": {
            "caption": words.t("test"),
            "columns": [
                words.t("target"),
                words.t("from_to"),
                words.t("test"),
                words.t("p_raw"),
                words.t("p_holm"),
                words.t("verdict"),
                f"{words.t('rank_biserial')} ({words.t('ci', level=words.level)})",
            ],
            "rows": [
                {"header": r["name"], "cells": [r["comparison"], *r["tests"][:5]]}
                for r in rows
                if r["kind"] == "indicator"
            ],
        },
        "attrition": {
            "caption": words.t("attrition"),
            "columns": [
                words.t("target"),
                words.t("due"),
                words.t("followed"),
                words.t("lost"),
                words.t("not_yet_due"),
                words.t("mean_followed"),
                words.t("mean_lost"),
                words.t("difference_lost_followed"),
            ],
            "rows": attrition_rows,
        }
        if attrition_rows
        else None,
    }


def _items_table(words: _Words, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Questions one by one: exploratory detail, raw p only (not in the adjusted family)."""
    if not rows:
        return None
    return {
        "caption": words.t("items_table"),
        "columns": [
            words.t("question"),
            words.t("from_to"),
            words.t("pairs"),
            words.t("change"),
            words.t("improved"),
            words.t("unchanged"),
            words.t("worse"),
            words.t("p_raw"),
        ],
        "rows": [
            {
                "header": r["label"],
                "cells": [r["comparison"], r["change"][0], *r["change"][3:], r["tests"][1]],
            }
            for r in rows
        ],
    }


def _attrition_row(words: _Words, analysis: StudyAnalysis, item: Any) -> dict[str, Any]:
    """People due at the later wave: followed or lost; baseline levels of each, not trajectories."""
    measured = {r.indicator for r in analysis.indicators}
    label = words.target(item.target, "indicator" if item.target in measured else "question")
    if item.suppressed:
        cells = [words.suppressed] * 7
    else:
        difference = getattr(item, "difference_baseline", None)
        interval = getattr(item, "difference_interval", None)
        not_due = getattr(item, "n_not_yet_due", None)
        cells = [
            words.count(item.n_baseline),
            words.count(item.n_followed),
            f"{words.count(item.n_lost)} ({words.pct(item.share_lost)})",
            words.count(not_due) if not_due is not None else EN_DASH,
            words.dec(item.mean_baseline_followed),
            words.dec(item.mean_baseline_lost),
            words.change_ci(difference, interval) if difference is not None else EN_DASH,
        ]
    return {
        "header": f"{label} ({words.wave(item.from_wave)} → {words.wave(item.to_wave)})",
        "cells": cells,
    }


def _gains_intro(words: _Words, analysis: StudyAnalysis) -> list[str]:
    """What the change section can and cannot say, stated once."""
    paragraphs = [
        words.t("gains_intro", baseline=words.wave(analysis.waves[0]) if analysis.waves else "")
    ]
    paragraphs.append(words.t("regression_to_mean"))
    multiplicity = getattr(analysis, "multiplicity", None)
    text_of = getattr(multiplicity, "text", None)
    if isinstance(text_of, Mapping) and text_of:
        paragraphs.append(text_of.get(words.lang) or text_of.get("en"))
    paragraphs.append(words.t("rounding_note"))
    return paragraphs


def _attrition_notes(words: _Words, analysis: StudyAnalysis) -> list[str]:
    notes = [words.t("attrition_caveat")]
    rules = {
        (item.due_rule or {}).get(words.lang)
        for item in analysis.attrition
        if isinstance(getattr(item, "due_rule", None), Mapping)
    }
    notes += sorted(rule[:1].upper() + rule[1:] + "." for rule in rules if rule)
    return notes


def _responses(words: _Words, analysis: StudyAnalysis) -> dict[str, Any]:
    rows = []
    ordered = sorted(
        analysis.response_rates or (),
        key=lambda r: (r.wave is not None, _wave_rank(analysis, r.wave), r.site is not None),
    )
    for rate in ordered:
        header = f"{words.wave(rate.wave)} · {words.site(rate.site)}"
        if rate.suppressed:
            cells = [words.suppressed] * 5
        else:
            rate_text = (
                words.share(rate.rate)
                if rate.rate.suppressed
                else (f"{words.pct(rate.rate.estimate)} {words.pct_ci(rate.rate.interval)}")
            )
            cells = [
                words.count(rate.invited),
                words.count(rate.sent),
                words.count(rate.completed),
                rate_text,
                words.dec(rate.median_minutes_to_complete),
            ]
        rows.append({"header": header, "cells": cells, "total": rate.site is None})
    assisted = _assisted_share(words, analysis)
    return {
        "table": {
            "caption": words.t("response_rates"),
            "columns": [
                f"{words.t('wave')} · {words.t('sites')}",
                words.t("invited"),
                words.t("sent"),
                words.t("completed"),
                f"{words.t('rate')} ({words.t('ci', level=words.level)})",
                words.t("median_minutes"),
            ],
            "rows": rows,
        }
        if rows
        else None,
        "empty": words.t("no_invitations"),
        "note": words.t("response_rates_note") if rows else None,
        "assisted": assisted,
    }


def _assisted_share(words: _Words, analysis: StudyAnalysis) -> str | None:
    """People (not questionnaires) helped to answer at baseline, from the respondent profile."""
    profile = getattr(analysis, "profile", None)
    by_mode = getattr(profile, "by_mode", None)
    if by_mode:
        if any(row.suppressed for row in by_mode):
            return words.t("assisted_share_suppressed")
        total = sum(row.count for row in by_mode)
        helped = sum(row.count for row in by_mode if row.group in ASSISTED_MODES)
        if total:
            return words.t(
                "assisted_people",
                wave=words.wave(profile.baseline_wave),
                share=words.pct(helped / total),
                n=words.count(helped),
                total=words.count(total),
            )
    return _assisted_share_by_breakdown(words, analysis)


def _assisted_share_by_breakdown(words: _Words, analysis: StudyAnalysis) -> str | None:
    """Share assisted from the first breakdown by mode, respecting its suppression."""
    order = _indicator_order(analysis)
    by_mode = sorted(
        (b for b in analysis.breakdowns if b.by == "mode"),
        key=lambda b: order.index(b.target) if b.target in order else 99,
    )
    if not by_mode:
        return None
    rows = by_mode[0].rows
    if any(row.suppressed or row.n is None for row in rows):
        return words.t("assisted_share_suppressed")
    total = sum(row.n for row in rows if row.n is not None)
    helped = sum(row.n for row in rows if row.group in ASSISTED_MODES and row.n is not None)
    if total == 0:
        return None
    return words.t(
        "assisted_share",
        share=words.pct(helped / total),
        n=words.count(helped),
        total=words.count(total),
    )


def _method_dates(words: _Words, date_from: str | None, date_to: str | None) -> str:
    first = format_date(_dt.date.fromisoformat(date_from), words.lang) if date_from else None
    last = format_date(_dt.date.fromisoformat(date_to), words.lang) if date_to else None
    if first and last:
        return words.t("dates_between", first=first, last=last)
    if first:
        return words.t("dates_from", first=first)
    if last:
        return words.t("dates_to", last=last)
    return words.t("dates_all")


def _method_values(words: _Words, analysis: StudyAnalysis) -> dict[str, object]:
    """The engine's settings, formatted, for the placeholders of ``METHOD_TEXTS``."""
    options = analysis.options
    sites = options.get("sites")
    period = str(options.get("period", "auto"))
    return {
        "k": words.count(analysis.k),
        "level": words.level,
        "seed": str(options.get("seed", "")),
        "period": label_of(PERIOD_OPTION_LABELS, period, words.lang),
        "dates": _method_dates(words, options.get("date_from"), options.get("date_to")),
        "sites": ", ".join(words.site(code) for code in sites)
        if sites
        else words.t("all_sites").lower(),
        "exact_max_n": words.count(EXACT_MAX_N),
        "mcnemar_exact_below": words.count(MCNEMAR_EXACT_BELOW),
        "monte_carlo_tables": words.count(MONTE_CARLO_TABLES),
        "min_monthly_median": words.count(MIN_MONTHLY_MEDIAN),
        "min_item_share": words.pct(MIN_ITEM_SHARE),
    }


def _method_note(words: _Words, note: MethodNote, values: Mapping[str, object]) -> dict[str, Any]:
    """One row of the methods table: plain words first, then the technical detail.

    A method the report has no words for keeps the engine's English note,
    marked ``lang="en"`` so that screen readers pronounce it as English.
    """
    if not has_method_text(note.name):
        return {
            "name": note.name,
            "plain": note.description,
            "detail": None,
            "reference": note.reference or EN_DASH,
            "lang": "en",
        }
    # The analysis states its own method in both languages; the disclosure paragraph is
    # the report's own (issue 11), and the filters sentence names this report's dates and sites.
    given = getattr(note, "text", None)
    plain = given.get(words.lang) if isinstance(given, Mapping) else None
    if not plain or note.name in ("disclosure", "filters"):
        plain = method_text(words.lang, note.name, "plain", **values)
    return {
        "name": method_text(words.lang, note.name, "name", **values),
        "plain": plain,
        "detail": method_text(words.lang, note.name, "detail", **values),
        "reference": note.reference or EN_DASH,
        "lang": None,
    }


def _who(words: _Words, analysis: StudyAnalysis) -> list[str]:
    """Eligibility and a short respondent profile: people, not questionnaires, per wave."""
    lines = []
    period = getattr(analysis, "period", None)
    eligibility = getattr(period, "eligibility", None)
    if isinstance(eligibility, Mapping) and eligibility:
        lines.append(eligibility.get(words.lang) or eligibility.get("en"))
    profile = getattr(analysis, "profile", None)
    if profile is None:
        return lines
    per_wave = ", ".join(
        f"{words.wave(wave)} {words.suppressed if n is None else words.count(n)}"
        for wave, n in sorted(
            profile.people_by_wave.items(), key=lambda item: _wave_rank(analysis, item[0])
        )
    )
    lines.append(
        words.t(
            "profile_people",
            people=words.count(profile.n_people),
            questionnaires=words.count(profile.n_questionnaires),
            per_wave=per_wave,
        )
    )
    for by, rows in (("site", profile.by_site), ("language", profile.by_language)):
        shown = [
            f"{words.group(by, row.group)} "
            f"{words.suppressed if row.suppressed else words.pct(row.share)}"
            for row in rows
        ]
        if shown:
            lines.append(
                words.t(
                    f"profile_by_{by}",
                    wave=words.wave(profile.baseline_wave),
                    groups=", ".join(shown),
                )
            )
    return lines


def _methods(words: _Words, analysis: StudyAnalysis) -> dict[str, Any]:
    values = _method_values(words, analysis)
    return {
        "who": _who(words, analysis),
        "versions": list(words.context.questionnaire_versions),
        "positive": words.t("method_positive", level=words.level),
        "notes": [_method_note(words, note, values) for note in analysis.methods],
        "suppression": words.t("suppression_text", k=analysis.k),
        "limits": [
            words.t("limit_self_report"),
            words.t("limit_nonresponse"),
            words.t("limit_assisted"),
            words.t("limit_causality"),
            words.t("limit_indicative"),
        ],
        "warnings": list(analysis.warnings),
    }


SUMMARY_TOPICS = ("gain:", "attrition", "response_rate", "mode")
MAX_SUMMARY_FINDINGS = 8


def _findings(
    words: _Words, analysis: StudyAnalysis, *, summary_only: bool
) -> list[dict[str, Any]]:
    """Plain-language findings; the summary keeps those the key figures do not already say.

    Indicator-level gains come first; gains on single questions are left to the
    annex, where every finding is listed.
    """
    findings = list(analysis.findings)
    if summary_only:
        indicators = {r.indicator for r in analysis.indicators}
        single = _single_question_indicators(analysis)

        def keep(topic: str) -> bool:
            if topic.startswith("gain:"):
                target = topic.split(":")[1]
                return target in indicators or target in single
            return topic.startswith(SUMMARY_TOPICS)

        findings = [f for f in findings if keep(f.topic)][:MAX_SUMMARY_FINDINGS]
    findings = _waves_in_time_order(analysis, findings)
    names = {key: words.indicator(key) for key in {r.indicator for r in analysis.indicators}}
    # The analysis names an indicator by its questionnaire label ("Independence in
    # everyday tasks"); the report's headings use the report label ("Autonomy"):
    # one name per indicator throughout the report.
    for measure in _measure_list(analysis):
        label = getattr(measure, "label", None) or {}
        own = label.get(words.lang) if isinstance(label, dict) else None
        if own and measure.indicator in names:
            names[own] = names[measure.indicator]
    names.update({key: words.wave(key) for key in analysis.waves})
    return [
        {
            "text": _named(f.fr if words.lang == "fr" else f.en, names),
            "indicative": f.indicative,
        }
        for f in findings
    ]


def _measure_list(analysis: StudyAnalysis) -> list[Any]:
    measures = getattr(analysis, "measures", None) or ()
    return list(measures.values()) if isinstance(measures, dict) else list(measures)


def _waves_in_time_order(analysis: StudyAnalysis, findings: list[Any]) -> list[Any]:
    """Response-rate findings follow the waves' order (baseline, follow-up, exit).

    The analysis lists them by wave key; every other finding keeps its place.
    """
    slots = [i for i, f in enumerate(findings) if f.topic.startswith("response_rate:")]
    ordered = sorted(
        (findings[i] for i in slots),
        key=lambda f: _wave_rank(analysis, f.topic.split(":", 1)[1]),
    )
    result = list(findings)
    for slot, finding in zip(slots, ordered, strict=True):
        result[slot] = finding
    return result


def _named(sentence: str, names: Mapping[str, str]) -> str:
    """Replace quoted technical keys (« listening », “followup1”) by their labels.

    The analysis names indicators and waves by key; the report knows their
    labels. Only quoted keys are replaced, so numbers are never touched.
    """
    for key, label in names.items():
        for opening, closing in (("«\u00a0", "\u00a0»"), ("« ", " »"), ("“", "”")):
            sentence = sentence.replace(f"{opening}{key}{closing}", f"{opening}{label}{closing}")
    return sentence


def _data_dates(
    analysis: StudyAnalysis, context: ReportContext
) -> tuple[_dt.date, _dt.date] | None:
    """First and last day the report covers: the filter when set, else the answers' own dates."""
    period = getattr(analysis, "period", None)

    def day(name: str) -> _dt.date | None:
        value = getattr(period, name, None) if period is not None else None
        if isinstance(value, str):
            value = _dt.date.fromisoformat(value[:10])
        if isinstance(value, _dt.datetime):
            return value.date()
        return value if isinstance(value, _dt.date) else None

    first = context.date_from or day("first_completed")
    last = context.date_to or day("last_completed")
    if last is None and context.data_cutoff is not None:
        last = context.data_cutoff.date()
    if first is None or last is None:
        return None
    return first, last


def _period(words: _Words, context: ReportContext, analysis: StudyAnalysis | None = None) -> str:
    if context.period_label:
        return context.period_label
    dates = _data_dates(analysis, context) if analysis is not None else None
    if dates is not None and not (context.date_from or context.date_to):
        first, last = dates
        return f"{format_date(first, words.lang)} – {format_date(last, words.lang)}"
    if context.date_from and context.date_to:
        first = format_date(context.date_from, words.lang)
        return f"{first} – {format_date(context.date_to, words.lang)}"
    if context.date_from:
        return f"≥ {format_date(context.date_from, words.lang)}"
    if context.date_to:
        return f"≤ {format_date(context.date_to, words.lang)}"
    return words.t("all_answers")


def _summary_page(
    words: _Words, analysis: StudyAnalysis, context: ReportContext, order: Sequence[str]
) -> dict[str, Any]:
    dates = _data_dates(analysis, context)
    summary = build_summary(
        words,
        analysis,
        order,
        lambda wave: _wave_rank(analysis, wave),
        (format_date(dates[0], words.lang), format_date(dates[1], words.lang)) if dates else None,
    )
    if analysis.waves:
        summary["notes"].insert(1, _baseline_note(words, analysis))
    return summary


def _baseline_note(words: _Words, analysis: StudyAnalysis) -> str:
    """What "baseline" means here: how long people had had help when they first answered."""
    baseline = words.wave(analysis.waves[0])
    profile = getattr(analysis, "profile", None)
    bins = getattr(profile, "time_with_service", None) or ()
    known = [b for b in bins if b.group != "unknown" and not b.suppressed]
    total = sum(b.count for b in known)
    if not known or total == 0 or len(known) != len([b for b in bins if b.group != "unknown"]):
        return words.t("summary_baseline", baseline=baseline)
    longer = sum(b.count for b in known if b.group != "lt_1m")
    if longer == 0:
        return words.t("summary_baseline_new", baseline=baseline)
    return words.t("summary_baseline_share", baseline=baseline, share=words.pct(longer / total))


def _logo(context: ReportContext) -> str | None:
    if not context.logo_svg:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(context.logo_svg).decode("ascii")


def _shows(value: object, marker: str) -> bool:
    """Whether ``marker`` is one of the strings (table cells…) inside ``value``."""
    if isinstance(value, str):
        return value == marker
    if isinstance(value, Mapping):
        return any(_shows(item, marker) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_shows(item, marker) for item in value)
    return False


def build_view_model(
    analysis: StudyAnalysis, context: ReportContext, lang: str, *, inline_charts: bool = True
) -> dict[str, Any]:
    """Everything the report template shows, formatted for ``lang``."""
    if lang not in LANGUAGES:
        raise ValueError(f"report language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    words = _Words(lang, analysis.k, analysis.level, context)
    order = _indicator_order(analysis)
    gains = _gains(words, analysis)
    sections = [_indicator_section(words, analysis, key, inline_charts) for key in order]
    responses = _responses(words, analysis)
    suppressed_note = words.t("suppressed_note", k=analysis.k)
    for part in (*sections, gains, responses):
        # The legend of the marker, repeated wherever a table shows it.
        part["suppressed_note"] = suppressed_note if _shows(part, words.suppressed) else None
    title = f"{words.t('report_title')} – {context.study_title}"
    return {
        "lang": lang,
        "inline_charts": inline_charts,
        "title": title,
        "report_title": words.t("report_title"),
        "organisation": context.organisation,
        "study": context.study_title,
        "logo": _logo(context),
        "period": _period(words, context, analysis),
        "sites": ", ".join(words.site(code) for code in context.sites)
        if context.sites
        else words.t("all_sites"),
        "generated": format_datetime(context.generated_at, lang),
        "cutoff": format_datetime(context.data_cutoff, lang) if context.data_cutoff else EN_DASH,
        "version": context.software_version,
        "k": analysis.k,
        "suppressed_note": suppressed_note,
        "overview": words.t(
            "overview",
            responses=words.count(analysis.n_responses),
            people=words.count(analysis.n_beneficiaries),
            sites=words.count(analysis.n_sites),
        ),
        "headlines": [_headline(words, analysis, key) for key in HEADLINE_INDICATORS],
        "headline_ci_label": words.t("ci", level=words.level),
        "findings": _findings(words, analysis, summary_only=True),
        "all_findings": _findings(words, analysis, summary_only=False),
        "summary_gains": _summary_gains(words, analysis, gains["rows"]),
        "summary_page": _summary_page(words, analysis, context, order),
        "sections": sections,
        "gains": gains,
        "responses": responses,
        "methods": _methods(words, analysis),
        "open_answers": open_answers_view(context.open_answers, lang, context.site_labels),
        "t": {key: words.t(key) for key in _TEMPLATE_WORDS},
    }


_TEMPLATE_WORDS = (
    "contents",
    "summary",
    "key_figures",
    "period",
    "sites",
    "study",
    "organisation",
    "generated",
    "cutoff",
    "software",
    "findings",
    "no_findings",
    "gains_summary",
    "no_data",
    "indicative",
    "gains",
    "no_gains",
    "attrition",
    "responses",
    "methods",
    "what_was_asked",
    "versions",
    "how_computed",
    "method_tests",
    "method_name",
    "method_description",
    "method_reference",
    "suppression_rule",
    "limits",
    "warnings",
    "improved",
    "positive_share",
    "distribution",
    "trend",
    "all_findings",
    "method_detail",
    "summary_table",
    "who_counted",
)
