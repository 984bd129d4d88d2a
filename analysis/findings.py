"""Plain-language findings in French and English, generated from results.

Wording follows the evidence:

* a figure is *indicative only* / *à titre indicatif* when it rests on fewer
  than 30 people or its interval is wider than 20 percentage points;
* a gain whose Holm-adjusted p is not below ``1 − level`` is reported as
  "no evidence of change" / "pas de changement démontré", never "no change";
* a suppressed figure is never mentioned (the sentence is not produced).

French typography: decimal comma, narrow no-break space (U+202F) before
``%`` and as thousands separator, no-break space (U+00A0) before ``:`` and
inside "IC 95 %".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from analysis.inputs import QuestionSpec
from analysis.results import (
    AttritionResult,
    Breakdown,
    Finding,
    GainResult,
    IndicatorResult,
    Interval,
    ResponseRate,
)

__all__ = [
    "INDICATIVE_MAX_WIDTH",
    "INDICATIVE_MIN_N",
    "attrition_findings",
    "en_p",
    "fr_number",
    "fr_p",
    "fr_percent",
    "gain_findings",
    "indicator_findings",
    "mode_findings",
    "response_rate_findings",
]

NNBSP = "\u202f"  # narrow no-break space
NBSP = "\u00a0"  # no-break space
INDICATIVE_MIN_N = 30
INDICATIVE_MAX_WIDTH = 0.20


def fr_number(value: float, decimals: int = 0) -> str:
    """French number: decimal comma, narrow no-break space between thousands, minus sign."""
    text = f"{value:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")  # no "−0"
    return text.replace(",", NNBSP).replace(".", ",").replace("-", "\u2212")


def fr_p(p: float) -> str:
    """``p = 0,012`` or ``p < 0,001`` with no-break spaces."""
    if p < 0.001:
        return f"p{NBSP}<{NBSP}0,001"
    return f"p{NBSP}={NBSP}{fr_number(p, 3)}"


def en_p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def en_number(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")
    return text


def fr_percent(share: float) -> str:
    """``0.88`` → ``"88 %"`` with a narrow no-break space."""
    return f"{fr_number(100 * share)}{NNBSP}%"


def _fr_level(level: float) -> str:
    return f"IC{NBSP}{fr_number(100 * level)}{NNBSP}%"


def _en_level(level: float) -> str:
    return f"{en_number(100 * level)}% CI"


def _indicative(n: int | None, interval: Interval | None, scale: float = 1.0) -> bool:
    if n is None or n < INDICATIVE_MIN_N:
        return True
    width = interval.width if interval is not None else None
    return width is None or width / scale > INDICATIVE_MAX_WIDTH


_FR_INDICATIVE = f" À titre indicatif (moins de {INDICATIVE_MIN_N} personnes ou intervalle large)."
_EN_INDICATIVE = f" Indicative only (fewer than {INDICATIVE_MIN_N} people or a wide interval)."


def _name(
    indicator: str, keys: tuple[str, ...], specs: Mapping[str, QuestionSpec], lang: str
) -> str:
    if len(keys) == 1 and keys[0] in specs:
        label = specs[keys[0]].label.get(lang)
        if label:
            return label
    return indicator


def _quote(text: str, lang: str) -> str:
    return f"«{NBSP}{text}{NBSP}»" if lang == "fr" else f"“{text}”"


def indicator_findings(
    indicators: Iterable[IndicatorResult], specs: Mapping[str, QuestionSpec]
) -> list[Finding]:
    """One sentence per indicator and wave with an unsuppressed share positive."""
    out = []
    for ind in indicators:
        share = ind.positive
        if share is None or share.suppressed or share.estimate is None or share.n is None:
            continue
        low, high = share.interval.low, share.interval.high
        if low is None or high is None:
            continue
        indicative = _indicative(share.n, share.interval)
        fr_name = _quote(_name(ind.indicator, ind.question_keys, specs, "fr"), "fr")
        en_name = _quote(_name(ind.indicator, ind.question_keys, specs, "en"), "en")
        wave_fr, wave_en = _quote(str(ind.wave), "fr"), _quote(str(ind.wave), "en")
        fr = (
            f"{fr_percent(share.estimate)} ({_fr_level(share.interval.level)}{NBSP}: "
            f"{fr_number(100 * low)}–{fr_percent(high)}) des {fr_number(share.n)} personnes "
            f"ayant répondu (vague {wave_fr}) donnent une réponse positive pour {fr_name}."
        )
        en = (
            f"{en_number(100 * share.estimate)}% ({_en_level(share.interval.level)}: "
            f"{en_number(100 * low)}–{en_number(100 * high)}%) of the {en_number(share.n)} "
            f"people who answered (wave {wave_en}) gave a positive answer for {en_name}."
        )
        if indicative:
            fr += _FR_INDICATIVE
            en += _EN_INDICATIVE
        out.append(Finding(f"indicator:{ind.indicator}:{ind.wave}", fr, en, indicative))
    return out


def gain_findings(
    gains: Iterable[GainResult], specs: Mapping[str, QuestionSpec], level: float
) -> list[Finding]:
    """One sentence per unsuppressed gain, worded by its Holm-adjusted p."""
    alpha = 1 - level
    out = []
    for gain in gains:
        if gain.suppressed or gain.p_holm is None:
            continue
        keys = (gain.target,) if gain.target_kind == "question" else ()
        fr_name = _quote(_name(gain.target, keys, specs, "fr"), "fr")
        en_name = _quote(_name(gain.target, keys, specs, "en"), "en")
        waves_fr = f"entre {_quote(gain.from_wave, 'fr')} et {_quote(gain.to_wave, 'fr')}"
        waves_en = f"between {_quote(gain.from_wave, 'en')} and {_quote(gain.to_wave, 'en')}"
        evidence = gain.p_holm < alpha
        p_fr = f"{fr_p(gain.p_holm)} (ajusté, Holm)"
        p_en = f"Holm-adjusted {en_p(gain.p_holm)}"
        if gain.paired is not None:
            pg = gain.paired
            ci = pg.change_interval
            if pg.mean_change is None or ci.low is None or ci.high is None:
                continue
            n = pg.n_pairs
            better = pg.mean_change * pg.polarity > 0
            detail_fr = (
                f"variation moyenne {fr_number(pg.mean_change, 2)} point "
                f"({_fr_level(ci.level)}{NBSP}: {fr_number(ci.low, 2)} à {fr_number(ci.high, 2)}), "
                f"{fr_number(n)} personnes suivies, test de Wilcoxon, {p_fr}"
            )
            detail_en = (
                f"mean change {en_number(pg.mean_change, 2)} points "
                f"({_en_level(ci.level)}: {en_number(ci.low, 2)} to {en_number(ci.high, 2)}), "
                f"{en_number(n)} people followed, Wilcoxon test, {p_en}"
            )
            indicative = n < INDICATIVE_MIN_N
        elif gain.mcnemar is not None:
            mc = gain.mcnemar
            ci = mc.difference_interval
            if mc.difference is None or ci.low is None or ci.high is None:
                continue
            n = mc.n_pairs
            better = mc.difference * mc.polarity > 0
            detail_fr = (
                f"part de «{NBSP}oui{NBSP}» {fr_number(100 * mc.difference, 0)} points "
                f"({_fr_level(ci.level)}{NBSP}: {fr_number(100 * ci.low)} à "
                f"{fr_number(100 * ci.high)}), "
                f"{fr_number(n)} personnes suivies, test de McNemar, {p_fr}"
            )
            detail_en = (
                f"share answering “yes” {en_number(100 * mc.difference, 0)} points "
                f"({_en_level(ci.level)}: {en_number(100 * ci.low)} to "
                f"{en_number(100 * ci.high)}), "
                f"{en_number(n)} people followed, McNemar test, {p_en}"
            )
            indicative = _indicative(n, ci, scale=1.0)
        else:
            continue
        if evidence:
            verdict_fr = "amélioration" if better else "dégradation"
            verdict_en = "improvement" if better else "deterioration"
            fr = f"{fr_name}{NBSP}: {verdict_fr} {waves_fr} ({detail_fr})."
            en = f"{en_name}: {verdict_en} {waves_en} ({detail_en})."
        else:
            fr = f"{fr_name}{NBSP}: pas de changement démontré {waves_fr} ({detail_fr})."
            en = f"{en_name}: no evidence of change {waves_en} ({detail_en})."
        if indicative:
            fr += _FR_INDICATIVE
            en += _EN_INDICATIVE
        topic = f"gain:{gain.target}:{gain.from_wave}:{gain.to_wave}"
        out.append(Finding(topic, fr, en, indicative))
    return out


def attrition_findings(attrition: Iterable[AttritionResult], level: float) -> list[Finding]:
    """Loss to follow-up, with a caveat when those lost differed at baseline."""
    alpha = 1 - level
    out = []
    seen: set[tuple[str, str]] = set()
    for att in attrition:
        if att.suppressed or att.share_lost is None or att.n_baseline is None:
            continue
        waves = (att.from_wave, att.to_wave)
        if waves not in seen:
            seen.add(waves)
            fr = (
                f"{fr_percent(att.share_lost)} des {fr_number(att.n_baseline)} personnes "
                f"interrogées en {_quote(att.from_wave, 'fr')} n’ont pas répondu en "
                f"{_quote(att.to_wave, 'fr')}."
            )
            en = (
                f"{en_number(100 * att.share_lost)}% of the {en_number(att.n_baseline)} people "
                f"surveyed in {_quote(att.from_wave, 'en')} did not answer in "
                f"{_quote(att.to_wave, 'en')}."
            )
            out.append(Finding(f"attrition:{att.from_wave}:{att.to_wave}", fr, en, False))
        if att.p_value is not None and att.p_value < alpha:
            fr = (
                f"Pour {_quote(att.target, 'fr')}, les personnes perdues de vue avaient au départ "
                f"des scores différents de celles qui ont été suivies (Mann–Whitney, "
                f"{fr_p(att.p_value)}){NBSP}: les gains mesurés peuvent "
                "ne pas valoir pour tout le public."
            )
            en = (
                f"For {_quote(att.target, 'en')}, people lost to follow-up had different "
                f"baseline scores from those who stayed (Mann–Whitney, "
                f"{en_p(att.p_value)}): measured gains may not hold for everyone."
            )
            out.append(
                Finding(f"attrition_bias:{att.target}:{att.from_wave}:{att.to_wave}", fr, en, False)
            )
    return out


def mode_findings(breakdowns: Iterable[Breakdown], level: float) -> list[Finding]:
    """Warn when answers differ by administration mode (self vs assisted)."""
    alpha = 1 - level
    out = []
    for bd in breakdowns:
        if bd.by != "mode" or bd.test.p_value is None or bd.test.p_value >= alpha:
            continue
        fr = (
            f"Les réponses à {_quote(bd.target, 'fr')} diffèrent selon le mode de passation "
            f"(autonome ou accompagné, {fr_p(bd.test.p_value)}){NBSP}: "
            "l’accompagnement peut orienter les réponses."
        )
        en = (
            f"Answers to {_quote(bd.target, 'en')} differ by administration mode (self or "
            f"assisted, {en_p(bd.test.p_value)}): assistance may sway answers."
        )
        out.append(Finding(f"mode:{bd.target}", fr, en, False))
    return out


def response_rate_findings(rates: Iterable[ResponseRate]) -> list[Finding]:
    """Overall response rate per wave (rows with ``site is None``)."""
    out = []
    for rate in rates:
        est = rate.rate
        if rate.site is not None or rate.wave is None or est.suppressed or est.estimate is None:
            continue
        low, high = est.interval.low, est.interval.high
        if low is None or high is None or est.n is None:
            continue
        indicative = _indicative(est.n, est.interval)
        fr = (
            f"Taux de réponse en {_quote(rate.wave, 'fr')}{NBSP}: {fr_percent(est.estimate)} "
            f"({_fr_level(est.interval.level)}{NBSP}: {fr_number(100 * low)}–{fr_percent(high)}) "
            f"des {fr_number(est.n)} personnes invitées."
        )
        en = (
            f"Response rate in {_quote(rate.wave, 'en')}: {en_number(100 * est.estimate)}% "
            f"({_en_level(est.interval.level)}: {en_number(100 * low)}–{en_number(100 * high)}%) "
            f"of the {en_number(est.n)} people invited."
        )
        if indicative:
            fr += _FR_INDICATIVE
            en += _EN_INDICATIVE
        out.append(Finding(f"response_rate:{rate.wave}", fr, en, indicative))
    return out
