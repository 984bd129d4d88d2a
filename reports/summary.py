"""The one-page summary: the report's main messages, in short plain sentences.

One row per indicator the study measures: what "positive" means for it, its
latest published share with the number of people, the interval and the
response rate in words, and the change among the people who answered at
baseline and at follow-up as better / same / worse. Effect sizes, p-values,
Holm adjustment and control charts stay in the sections and the annex.

Every sentence built here is short (at most 25 words) and easy to read
(Flesch reading ease ≥ 60, French formula for French); a test checks both.
The verdict on a change reads its interval first: a change is called a rise
or a fall only when the whole interval lies on one side of zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from analysis.results import GainResult, IndicatorResult, StudyAnalysis

__all__ = ["build_summary", "summary_sentences", "verdict_of"]


class Words(Protocol):  # the part of ``reports.viewmodel._Words`` used here
    lang: str
    suppressed: str

    def t(self, key: str, **values: object) -> str: ...
    def pct(self, share: float | None) -> str: ...
    def count(self, value: int | None) -> str: ...
    def share(self, estimate: Any) -> str: ...
    def indicator(self, key: str | None) -> str: ...
    def wave(self, key: str | None) -> str: ...


def _localised(value: object, lang: str) -> str | None:
    """A ``{fr, en}`` mapping from the analysis, in ``lang`` (``None`` when absent)."""
    if isinstance(value, dict):
        return value.get(lang) or value.get("en")
    return None


def _measure(analysis: StudyAnalysis, indicator: str) -> Any:
    measures = getattr(analysis, "measures", None) or {}
    if isinstance(measures, dict):
        return measures.get(indicator)
    return next((m for m in measures if getattr(m, "indicator", None) == indicator), None)


def _positive_definition(words: Words, analysis: StudyAnalysis, indicator: str) -> str:
    results = [r for r in analysis.indicators if r.indicator == indicator]
    if any(r.nps is not None for r in results):
        return words.t("summary_positive_nps")
    measure = _measure(analysis, indicator)
    given = _localised(getattr(measure, "positive_text", None), words.lang)
    if given:
        return words.t("summary_positive_is", definition=given.rstrip(".") + ".")
    if any(len(r.question_keys) > 1 for r in results):
        return words.t("summary_positive_scale")
    return words.t("summary_positive_item")


def _published(result: IndicatorResult) -> bool:
    positive = result.positive
    return (
        not result.suppressed
        and positive is not None
        and not positive.suppressed
        and positive.estimate is not None
    )


def _latest(
    analysis: StudyAnalysis, indicator: str, rank: Callable[[str | None], int]
) -> IndicatorResult | None:
    """The latest wave with a published share that is not merely indicative (else the latest)."""
    results = sorted(
        (r for r in analysis.indicators if r.indicator == indicator and r.wave is not None),
        key=lambda r: rank(r.wave),
        reverse=True,
    )
    published = [r for r in results if _published(r)]
    robust = [r for r in published if not _indicative(r)]
    return (robust or published or [None])[0]


def _indicative(result: IndicatorResult) -> bool:
    """The report's "indicative" rule: fewer than 30 people or an interval wider than 20 points."""
    positive = result.positive
    assert positive is not None  # noqa: S101 - published results only
    width = positive.interval.width
    return (positive.n or 0) < 30 or (width is not None and width > 0.20)


def _response_rate(analysis: StudyAnalysis, wave: str | None) -> float | None:
    for rate in analysis.response_rates or ():
        hidden = rate.suppressed or rate.rate.suppressed
        if rate.wave == wave and rate.site is None and not hidden:
            return rate.rate.estimate
    return None


def _latest_sentences(words: Words, analysis: StudyAnalysis, result: IndicatorResult) -> list[str]:
    positive = result.positive
    assert positive is not None  # noqa: S101 - checked by _published
    sentences = [
        words.t(
            "summary_latest",
            wave=words.wave(result.wave),
            share=words.pct(positive.estimate),
            n=words.count(positive.n),
        )
    ]
    if positive.interval.low is not None and positive.interval.high is not None:
        sentences.append(
            words.t(
                "summary_interval",
                low=words.pct(positive.interval.low),
                high=words.pct(positive.interval.high),
            )
        )
    rate = _response_rate(analysis, result.wave)
    if rate is not None:
        sentences.append(words.t("summary_response_rate", rate=words.pct(rate)))
    if _indicative(result):
        sentences.append(words.t("summary_few"))
    return sentences


def _main_gain(
    analysis: StudyAnalysis, indicator: str, single: dict[str, str]
) -> GainResult | None:
    """The indicator's baseline → follow-up change: the one with most people (earliest on ties)."""
    gains = [
        g
        for g in analysis.gains
        if (g.target_kind == "indicator" and g.target == indicator)
        or (g.target_kind == "question" and single.get(g.target) == indicator)
    ]
    if not gains:
        return None

    def pairs(gain: GainResult) -> int:
        if gain.paired is not None:
            return gain.paired.n_pairs
        return gain.mcnemar.n_pairs if gain.mcnemar is not None else 0

    indicator_level = [g for g in gains if g.target_kind == "indicator"] or gains
    best = max(pairs(g) for g in indicator_level)
    return next(g for g in indicator_level if pairs(g) == best)


def verdict_of(gain: GainResult) -> str:
    """``better``, ``worse`` or ``unclear`` from the interval; the analysis' own when given.

    ``better_unadjusted`` / ``worse_unadjusted``: the interval lies on one side of
    zero but, with several indicators tested, chance cannot be ruled out.
    """
    given = getattr(gain, "verdict", None)
    if given:
        return str(given)
    if gain.paired is not None:
        interval, polarity = gain.paired.change_interval, gain.paired.polarity
    elif gain.mcnemar is not None:
        interval, polarity = gain.mcnemar.difference_interval, gain.mcnemar.polarity
    else:
        return "unclear"
    if interval.low is None or interval.high is None:
        return "unclear"
    low, high = sorted((interval.low * polarity, interval.high * polarity))
    if low > 0:
        return "better"
    if high < 0:
        return "worse"
    return "unclear"


def _shares(gain: GainResult) -> tuple[int | None, float | None, float | None, float | None]:
    change = getattr(gain, "change", None)
    if change is not None and getattr(change, "better", None) is not None:
        parts = (change.better, change.same, change.worse)
        return (change.n, *(p.estimate if not p.suppressed else None for p in parts))
    if gain.paired is not None:
        pair = gain.paired
        return pair.n_pairs, pair.share_improved, pair.share_unchanged, pair.share_worse
    test = gain.mcnemar
    if test is None or not test.n_pairs:
        return None, None, None, None
    improved = None if test.n_improved is None else test.n_improved / test.n_pairs
    worse = None if test.n_worse is None else test.n_worse / test.n_pairs
    same = None if improved is None or worse is None else 1 - improved - worse
    return test.n_pairs, improved, same, worse


def _change_sentences(words: Words, gain: GainResult | None) -> tuple[list[str], str | None]:
    """Sentences on the change, and the verdict key (for the row's emphasis)."""
    if gain is None:
        return [words.t("summary_no_change_measured")], None
    suppressed = gain.suppressed or (
        (gain.paired is None or gain.paired.suppressed)
        and (gain.mcnemar is None or gain.mcnemar.suppressed)
    )
    if suppressed:
        return [words.t("summary_change_suppressed")], None
    n, better, same, worse = _shares(gain)
    change = getattr(gain, "change", None)
    sentences = [
        words.t(
            "summary_pairs",
            n=words.count(n),
            first=words.wave(gain.from_wave),
            second=words.wave(gain.to_wave),
        )
    ]
    if change is not None and getattr(change, "better", None) is not None:
        # Published shares, or their bounds ("at most 5 %") where a cell is withheld:
        # shown even when every cell is withheld, since the bounds still say how much moved.
        shown = {name: words.share(getattr(change, name)) for name in ("better", "same", "worse")}
        sentences.append(words.t("summary_better_same_worse", **shown))
    elif (better, same, worse) != (None, None, None):
        shown = {
            name: words.suppressed if share is None else words.pct(share)
            for name, share in (("better", better), ("same", same), ("worse", worse))
        }
        sentences.append(words.t("summary_better_same_worse", **shown))
    verdict = verdict_of(gain)
    sentences.append(words.t(f"summary_verdict_{verdict}"))
    if n is not None and n < 30:
        sentences.append(words.t("summary_few"))
    return sentences, verdict


def _single_question_indicators(analysis: StudyAnalysis) -> dict[str, str]:
    keys: dict[str, set[str]] = {}
    for result in analysis.indicators:
        keys.setdefault(result.indicator, set()).update(result.question_keys)
    return {next(iter(k)): indicator for indicator, k in keys.items() if len(k) == 1}


def _plural(words: Words, key: str, n: int) -> str:
    return words.t(f"{key}_one" if n == 1 else f"{key}_many", n=words.count(n))


def _intro(words: Words, analysis: StudyAnalysis, dates: tuple[str, str] | None) -> list[str]:
    if not analysis.n_responses:  # a new study: no "0 people answered 0 questionnaires"
        return [words.t("summary_nothing_yet")]
    who = words.t(
        "summary_who",
        people=_plural(words, "people", analysis.n_beneficiaries),
        questionnaires=_plural(words, "questionnaires", analysis.n_responses),
        sites=_plural(words, "sites_count", analysis.n_sites),
    )
    sentences = [who]
    if dates is not None:
        sentences.append(words.t("summary_when", first=dates[0], last=dates[1]))
    return sentences


def build_summary(
    words: Words,
    analysis: StudyAnalysis,
    order: Sequence[str],
    rank: Callable[[str | None], int],
    dates: tuple[str, str] | None,
) -> dict[str, Any]:
    """The view model of the summary page (see the module docstring)."""
    single = _single_question_indicators(analysis)
    rows = []
    for indicator in order:
        result = _latest(analysis, indicator, rank)
        latest = (
            _latest_sentences(words, analysis, result)
            if result is not None
            else [words.t("summary_latest_suppressed")]
        )
        change, verdict = _change_sentences(words, _main_gain(analysis, indicator, single))
        rows.append(
            {
                "key": indicator,
                "label": words.indicator(indicator),
                "positive": _positive_definition(words, analysis, indicator),
                "latest": latest,
                "change": change,
                "verdict": verdict,
            }
        )
    # The analysis' threshold: a quarter of each scale's range (one step on 1–5).
    threshold = any(
        getattr(getattr(gain, "change", None), "threshold", None) is not None
        for gain in analysis.gains
    )
    notes = [
        words.t("summary_better_means") if threshold else words.t("summary_better_any"),
        words.t("summary_not_caused"),
        words.t("summary_regression"),
        words.t("summary_more"),
    ]
    if any(
        words.suppressed in sentence for row in rows for sentence in row["change"] + row["latest"]
    ):
        notes.insert(-1, words.t("summary_suppressed"))
    return {
        "intro": _intro(words, analysis, dates),
        "rows": rows,
        "columns": [
            words.t("summary_col_measure"),
            words.t("summary_col_latest"),
            words.t("summary_col_change"),
        ],
        "caption": words.t("summary_table"),
        "notes": notes,
    }


def summary_sentences(summary: dict[str, Any]) -> list[str]:
    """Every sentence of the summary page, for the readability test."""
    sentences = list(summary["intro"])
    for row in summary["rows"]:
        sentences += [row["positive"], *row["latest"], *row["change"]]
    return sentences + list(summary["notes"])
