"""Plain-language findings in French and English, generated from results.

Wording follows the evidence:

* a figure is *indicative only* / *à titre indicatif* when it rests on fewer
  than 30 people or its interval is wider than 20 percentage points;
* a change is read from its interval first (a rise, a fall, or no clear
  change), then, for the indicator-level tests of the multiplicity family,
  whether it holds after Holm's adjustment; questions are exploratory;
* better / same / worse shares are given together, so a worsening signal is
  as visible as an improvement; a fall gets its own "worse signal" finding;
* before/after wording describes change among the people followed, never an
  effect of the service (there is no comparison group);
* p-values read ``p < 0.001`` and ``p > 0.99``, never ``p = 1.000``;
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
    MeasureDefinition,
    RespondentProfile,
    ResponseRate,
)

__all__ = [
    "INDICATIVE_MAX_WIDTH",
    "INDICATIVE_MIN_N",
    "WORSE_SIGNAL_GAP",
    "attrition_findings",
    "baseline_timing_findings",
    "en_p",
    "format_p",
    "fr_number",
    "fr_p",
    "fr_percent",
    "fr_typography",
    "gain_findings",
    "indicator_findings",
    "mode_findings",
    "response_rate_findings",
]

NNBSP = "\u202f"  # narrow no-break space
NBSP = "\u00a0"  # no-break space
INDICATIVE_MIN_N = 30
INDICATIVE_MAX_WIDTH = 0.20
#: A fall is signalled when the share worse exceeds the share better by this much.
WORSE_SIGNAL_GAP = 0.05


def fr_number(value: float, decimals: int = 0) -> str:
    """French number: decimal comma, narrow no-break space between thousands, minus sign."""
    text = f"{value:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")  # no "−0"
    return text.replace(",", NNBSP).replace(".", ",").replace("-", "\u2212")


def fr_p(p: float) -> str:
    """``p = 0,012``, ``p < 0,001`` or ``p > 0,99`` with no-break spaces."""
    if p < 0.001:
        return f"p{NBSP}<{NBSP}0,001"
    if p > 0.99:
        return f"p{NBSP}>{NBSP}0,99"
    return f"p{NBSP}={NBSP}{fr_number(p, 3)}"


def en_p(p: float) -> str:
    """``p = 0.012``, ``p < 0.001`` or ``p > 0.99`` (never ``p = 1.000``)."""
    if p < 0.001:
        return "p < 0.001"
    if p > 0.99:
        return "p > 0.99"
    return f"p = {p:.3f}"


def format_p(p: float, lang: str) -> str:
    """A p-value as a reader should see it, in ``lang`` (``fr`` or ``en``)."""
    return fr_p(p) if lang == "fr" else en_p(p)


def en_number(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")
    return text


def fr_typography(text: str) -> str:
    """French spacing: no-break space inside « » and before : ; ? !, narrow before %."""
    text = text.replace("« ", f"«{NBSP}").replace(" »", f"{NBSP}»")
    for mark in (":", ";", "?", "!"):
        text = text.replace(f" {mark}", f"{NBSP}{mark}")
    return text.replace(" %", f"{NNBSP}%")


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


def _label(
    name: str,
    keys: tuple[str, ...],
    specs: Mapping[str, QuestionSpec],
    measures: Mapping[str, MeasureDefinition],
    lang: str,
) -> str:
    if name in measures and measures[name].label.get(lang):
        return measures[name].label[lang]
    return _name(name, keys, specs, lang)


def indicator_findings(
    indicators: Iterable[IndicatorResult],
    specs: Mapping[str, QuestionSpec],
    measures: Iterable[MeasureDefinition] = (),
) -> list[Finding]:
    """One sentence per indicator and wave with an unsuppressed share positive.

    The sentence says what *positive* means for the indicator (e.g. an
    average answer at or above "Agree", or promoters for a 0–10 question).
    """
    defined = {m.indicator: m for m in measures}
    out = []
    for ind in indicators:
        share = ind.positive
        if share is None or share.suppressed or share.estimate is None or share.n is None:
            continue
        low, high = share.interval.low, share.interval.high
        if low is None or high is None:
            continue
        indicative = _indicative(share.n, share.interval)
        fr_name = _quote(_label(ind.indicator, ind.question_keys, specs, defined, "fr"), "fr")
        en_name = _quote(_label(ind.indicator, ind.question_keys, specs, defined, "en"), "en")
        wave_fr, wave_en = _quote(str(ind.wave), "fr"), _quote(str(ind.wave), "en")
        meaning = defined.get(ind.indicator)
        means_fr = f" (positif{NBSP}: {meaning.positive_text['fr']})" if meaning else ""
        means_en = f" (positive: {meaning.positive_text['en']})" if meaning else ""
        fr = (
            f"{fr_percent(share.estimate)} ({_fr_level(share.interval.level)}{NBSP}: "
            f"{fr_number(100 * low)}–{fr_percent(high)}) des {fr_number(share.n)} personnes "
            f"ayant répondu (temps de mesure {wave_fr}) ont un résultat positif pour "
            f"{fr_name}{means_fr}."
        )
        en = (
            f"{en_number(100 * share.estimate)}% ({_en_level(share.interval.level)}: "
            f"{en_number(100 * low)}–{en_number(100 * high)}%) of the {en_number(share.n)} "
            f"people who answered (wave {wave_en}) had a positive result for {en_name}{means_en}."
        )
        if indicative:
            fr += _FR_INDICATIVE
            en += _EN_INDICATIVE
        out.append(Finding(f"indicator:{ind.indicator}:{ind.wave}", fr, en, indicative))
    return out


def _decimals(values: Iterable[float], decimals: int) -> int:
    """Enough decimals that no non-zero value rounds to 0 (at most 4)."""
    d = decimals
    while d < 4 and any(v != 0 and round(v, d) == 0 for v in values):
        d += 1
    return d


def _signed(value: float, decimals: int, lang: str) -> str:
    text = fr_number(value, decimals) if lang == "fr" else en_number(value, decimals)
    if value > 0 and text.strip("0.,") != "":
        text = "+" + text
    return text if lang == "fr" else text.replace("-", "\u2212")


def _shares(change, lang: str) -> str | None:
    parts = []
    for name, fr_word, en_word in (
        ("better", "mieux", "better"),
        ("same", "pareil", "the same"),
        ("worse", "moins bien", "worse"),
    ):
        est = getattr(change, name)
        if est.estimate is not None and not est.suppressed:
            value = est.estimate
            prefix = ""
        elif est.bound is not None:
            value = est.bound.value
            at_most = est.bound.relation == "<="
            prefix = (
                ("au plus " if at_most else "au moins ")
                if lang == "fr"
                else ("at most " if at_most else "at least ")
            )
        else:
            return None
        share = fr_percent(value) if lang == "fr" else f"{en_number(100 * value)}%"
        share = prefix + share
        parts.append(f"{share} {fr_word if lang == 'fr' else en_word}")
    return ", ".join(parts)


_READING = {
    "better": (
        "l’intervalle montre une amélioration, qui tient une fois pris en compte les {m} tests "
        "d’indicateurs (Holm, {p})",
        "the interval shows a change for the better, which holds once the {m} indicator "
        "tests are allowed for (Holm, {p})",
    ),
    "worse": (
        "l’intervalle montre une dégradation, qui tient une fois pris en compte les {m} tests "
        "d’indicateurs (Holm, {p})",
        "the interval shows a change for the worse, which holds once the {m} indicator "
        "tests are allowed for (Holm, {p})",
    ),
    "better_unadjusted": (
        "l’intervalle montre une amélioration, mais la preuve est plus faible une fois pris "
        "en compte les {m} tests d’indicateurs (Holm, {p})",
        "the interval shows a change for the better, but the evidence is weaker once the {m} "
        "indicator tests are allowed for (Holm, {p})",
    ),
    "worse_unadjusted": (
        "l’intervalle montre une dégradation, mais la preuve est plus faible une fois pris "
        "en compte les {m} tests d’indicateurs (Holm, {p})",
        "the interval shows a change for the worse, but the evidence is weaker once the {m} "
        "indicator tests are allowed for (Holm, {p})",
    ),
    "unclear": (
        "l’intervalle contient l’absence de changement : pas de changement net dans un sens ou "
        "dans l’autre",
        "the interval includes no change: no clear change either way",
    ),
}
_EXPLORATORY_FR = " (exploratoire, non ajusté pour les comparaisons multiples)"
_EXPLORATORY_EN = " (exploratory, not adjusted for multiple comparisons)"


def gain_findings(
    gains: Iterable[GainResult],
    specs: Mapping[str, QuestionSpec],
    level: float,
    measures: Iterable[MeasureDefinition] = (),
    family_size: int | None = None,
) -> list[Finding]:
    """One sentence per unsuppressed change, plus a "worse signal" when people fell back.

    Each sentence gives, among the people followed, the shares better / the
    same / worse (by the stated threshold), the mean change on its scale
    with its interval, what the interval shows, and -- for indicator-level
    tests -- whether it holds after Holm's adjustment over ``family_size``
    tests. Question-level changes are exploratory.
    """
    defined = {m.indicator: m for m in measures}
    gains = list(gains)
    m = (
        family_size
        if family_size is not None
        else sum(1 for g in gains if g.family == "confirmatory" and g.p_value is not None)
    )
    out = []
    for gain in gains:
        if gain.suppressed or gain.change is None or gain.verdict is None:
            continue
        change = gain.change
        keys = gain.question_keys or ((gain.target,) if gain.target_kind == "question" else ())
        fr_name = _quote(_label(gain.target, keys, specs, defined, "fr"), "fr")
        en_name = _quote(_label(gain.target, keys, specs, defined, "en"), "en")
        waves_fr = f"{_quote(gain.from_wave, 'fr')} → {_quote(gain.to_wave, 'fr')}"
        waves_en = f"{_quote(gain.from_wave, 'en')} → {_quote(gain.to_wave, 'en')}"
        if gain.paired is not None:
            pg = gain.paired
            ci = pg.change_interval
            if pg.mean_change is None or ci.low is None or ci.high is None:
                continue
            mean, low, high, oriented = pg.mean_change, ci.low, ci.high, pg.mean_change
            oriented *= pg.polarity
            d = _decimals((mean, low, high), 2)
        elif gain.mcnemar is not None:
            mc = gain.mcnemar
            ci = mc.difference_interval
            if mc.difference is None or ci.low is None or ci.high is None:
                continue
            mean, low, high = 100 * mc.difference, 100 * ci.low, 100 * ci.high
            oriented = mean * mc.polarity
            d = _decimals((mean, low, high), 0)
        else:
            continue
        scale_fr, scale_en = change.scale.get("fr", "points"), change.scale.get("en", "points")
        shares_fr, shares_en = _shares(change, "fr"), _shares(change, "en")
        fr = f"{fr_name}, {waves_fr}, {fr_number(change.n)} personnes suivies"
        en = f"{en_name}, {waves_en}, {en_number(change.n)} people followed"
        if shares_fr and shares_en:
            fr += f"{NBSP}: {shares_fr} (mieux{NBSP}= {change.threshold_text['fr']})"
            en += f": {shares_en} (better = {change.threshold_text['en']})"
        fr += (
            f". Variation moyenne {_signed(mean, d, 'fr')} {scale_fr} "
            f"({_fr_level(ci.level)}{NBSP}: {_signed(low, d, 'fr')} à {_signed(high, d, 'fr')})"
        )
        en += (
            f". Mean change {_signed(mean, d, 'en')} {scale_en} "
            f"({_en_level(ci.level)}: {_signed(low, d, 'en')} to {_signed(high, d, 'en')})"
        )
        reading_fr, reading_en = _READING[gain.verdict if gain.verdict in _READING else "unclear"]
        if gain.family == "confirmatory" and gain.p_holm is not None:
            reading_fr = reading_fr.format(m=m, p=f"{fr_p(gain.p_holm)} ajusté")
            reading_en = reading_en.format(m=m, p=f"adjusted {en_p(gain.p_holm)}")
            if gain.verdict == "unclear":
                reading_fr += f" (Holm, {fr_p(gain.p_holm)} ajusté)"
                reading_en += f" (Holm, adjusted {en_p(gain.p_holm)})"
        else:
            reading_fr = reading_fr.split(", qui tient")[0].split(", mais")[0] + _EXPLORATORY_FR
            reading_en = reading_en.split(", which holds")[0].split(", but")[0] + _EXPLORATORY_EN
        fr += f"{NBSP}: {reading_fr}."
        en += f": {reading_en}."
        indicative = change.n < INDICATIVE_MIN_N
        if indicative:
            fr += _FR_INDICATIVE
            en += _EN_INDICATIVE
        topic = f"gain:{gain.target}:{gain.from_wave}:{gain.to_wave}"
        out.append(Finding(topic, fr, en, indicative))
        better, worse = change.better.estimate, change.worse.estimate
        fell = gain.verdict.startswith("worse") or (
            oriented < 0
            and better is not None
            and worse is not None
            and worse - better >= WORSE_SIGNAL_GAP
        )
        if fell:
            topic = f"worse_signal:{gain.target}:{gain.from_wave}:{gain.to_wave}"
            if better is not None and worse is not None:
                fr = (
                    f"Signal défavorable{NBSP}: pour {fr_name} ({waves_fr}), plus de personnes "
                    f"suivies vont moins bien ({fr_percent(worse)}) que mieux "
                    f"({fr_percent(better)}), variation moyenne {_signed(mean, d, 'fr')} "
                    f"{scale_fr}."
                )
                en = (
                    f"Worse signal: for {en_name} ({waves_en}), more people followed were worse "
                    f"({en_number(100 * worse)}%) than better ({en_number(100 * better)}%), "
                    f"mean change {_signed(mean, d, 'en')} {scale_en}."
                )
            else:
                fr = (
                    f"Signal défavorable{NBSP}: pour {fr_name} ({waves_fr}), variation moyenne "
                    f"{_signed(mean, d, 'fr')} {scale_fr}."
                )
                en = (
                    f"Worse signal: for {en_name} ({waves_en}), mean change "
                    f"{_signed(mean, d, 'en')} {scale_en}."
                )
            out.append(Finding(topic, fr, en, indicative))
    return out


def attrition_findings(
    attrition: Iterable[AttritionResult],
    level: float,
    measures: Iterable[MeasureDefinition] = (),
) -> list[Finding]:
    """Loss to follow-up among the people who were due, and baseline levels.

    Differences between those followed and those lost are described as
    levels at baseline (a difference whose interval excludes 0), never as
    reassurance and never as a trajectory.
    """
    defined = {m.indicator: m for m in measures}
    out = []
    seen: set[tuple[str, str]] = set()
    for att in attrition:
        if att.suppressed or att.share_lost is None or att.n_baseline is None:
            continue
        waves = (att.from_wave, att.to_wave)
        if waves not in seen:
            seen.add(waves)
            lost_fr = fr_number(att.n_lost) if att.n_lost is not None else "?"
            lost_en = en_number(att.n_lost) if att.n_lost is not None else "?"
            fr = (
                f"Sur les {fr_number(att.n_baseline)} personnes interrogées en "
                f"{_quote(att.from_wave, 'fr')} dont le temps de mesure "
                f"{_quote(att.to_wave, 'fr')} "
                f"était dû pendant la période, {lost_fr} ({fr_percent(att.share_lost)}) "
                "n’y ont pas répondu"
            )
            en = (
                f"Of the {en_number(att.n_baseline)} people surveyed in "
                f"{_quote(att.from_wave, 'en')} whose {_quote(att.to_wave, 'en')} wave was due "
                f"within the period, {lost_en} ({en_number(100 * att.share_lost)}%) did not "
                "answer it"
            )
            extra_fr, extra_en = [], []
            if att.n_not_yet_due:
                extra_fr.append(f"{fr_number(att.n_not_yet_due)} pas encore dues")
                extra_en.append(f"{en_number(att.n_not_yet_due)} not yet due")
            if att.n_pending:
                extra_fr.append(f"{fr_number(att.n_pending)} pouvant encore répondre")
                extra_en.append(f"{en_number(att.n_pending)} still able to answer")
            if extra_fr:
                fr += f" (non comptées{NBSP}: {', '.join(extra_fr)})"
                en += f" (not counted: {', '.join(extra_en)})"
            fr += (
                ". Les évolutions ne décrivent que les personnes suivies, qui peuvent différer "
                "des autres sur des points que le questionnaire ne mesure pas."
            )
            en += (
                ". Changes describe only the people followed, who may differ from the others in "
                "ways the questionnaire does not measure."
            )
            out.append(Finding(f"attrition:{att.from_wave}:{att.to_wave}", fr, en, False))
        ci = att.difference_interval
        if (
            att.difference_baseline is None
            or ci is None
            or ci.low is None
            or ci.high is None
            or ci.low <= 0 <= ci.high
            or att.mean_baseline_lost is None
            or att.mean_baseline_followed is None
        ):
            continue
        name = defined.get(att.target)
        fr_name = _quote(name.label["fr"] if name else att.target, "fr")
        en_name = _quote(name.label["en"] if name else att.target, "en")
        unit_fr = f" {name.scale['fr']}" if name and name.scale.get("fr") else ""
        unit_en = f" {name.scale['en']}" if name and name.scale.get("en") else ""
        d = _decimals((att.difference_baseline, ci.low, ci.high), 2)
        fr = (
            f"En {_quote(att.from_wave, 'fr')}, les personnes non revues en "
            f"{_quote(att.to_wave, 'fr')} avaient un niveau moyen de {fr_name} différent de celles "
            f"qui ont été suivies{NBSP}: {fr_number(att.mean_baseline_lost, 2)} contre "
            f"{fr_number(att.mean_baseline_followed, 2)}{unit_fr} "
            f"(écart {_signed(att.difference_baseline, d, 'fr')}, {_fr_level(ci.level)}{NBSP}: "
            f"{_signed(ci.low, d, 'fr')} à {_signed(ci.high, d, 'fr')}). "
            "Cela compare des niveaux au départ, pas des évolutions."
        )
        en = (
            f"In {_quote(att.from_wave, 'en')}, people not seen again in "
            f"{_quote(att.to_wave, 'en')} had a different average level of {en_name} from those "
            f"followed: {en_number(att.mean_baseline_lost, 2)} vs "
            f"{en_number(att.mean_baseline_followed, 2)}{unit_en} (difference "
            f"{_signed(att.difference_baseline, d, 'en')}, {_en_level(ci.level)}: "
            f"{_signed(ci.low, d, 'en')} to {_signed(ci.high, d, 'en')}). This compares levels "
            "at baseline, not changes."
        )
        out.append(
            Finding(f"attrition_levels:{att.target}:{att.from_wave}:{att.to_wave}", fr, en, False)
        )
    return out


def mode_findings(breakdowns: Iterable[Breakdown], level: float) -> list[Finding]:
    """Answers differing by administration mode: self-selected groups, exploratory test."""
    alpha = 1 - level
    out = []
    for bd in breakdowns:
        if bd.by != "mode" or bd.test.p_value is None or bd.test.p_value >= alpha:
            continue
        wave_fr = f" (temps de mesure {_quote(bd.wave, 'fr')})" if bd.wave else ""
        wave_en = f" (wave {_quote(bd.wave, 'en')})" if bd.wave else ""
        fr = (
            f"Les réponses à {_quote(bd.target, 'fr')}{wave_fr} diffèrent selon le mode de "
            f"passation (autonome ou accompagné, {fr_p(bd.test.p_value)}, test exploratoire)"
            f"{NBSP}: les deux groupes se choisissent eux-mêmes et l’aide peut orienter les "
            "réponses, l’écart ne peut pas être attribué au seul mode."
        )
        en = (
            f"Answers to {_quote(bd.target, 'en')}{wave_en} differ by administration mode (self "
            f"or assisted, {en_p(bd.test.p_value)}, exploratory test): the two groups select "
            "themselves and help may sway answers, so the gap cannot be put down to the mode "
            "alone."
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


def baseline_timing_findings(profile: RespondentProfile | None) -> list[Finding]:
    """What "baseline" means here: time with the service when people answered it.

    Only when the start of support is known and no bin is suppressed.
    """
    if profile is None or profile.time_with_service_source != "support_start":
        return []
    bins = {row.group: row for row in profile.time_with_service}
    first, late = bins.get("lt_1m"), bins.get("m3_plus")
    if first is None or late is None or first.share is None or late.share is None:
        return []
    n = profile.n_baseline_people or 0
    fr = (
        f"Entrée{NBSP}: sur les {fr_number(n)} personnes interrogées, {fr_percent(first.share)} "
        f"ont répondu dans leur premier mois d’accompagnement et {fr_percent(late.share)} "
        "étaient accompagnées depuis 3 mois ou plus{NBSP}: pour elles, l’entrée n’est pas une "
        "mesure d’avant l’accompagnement."
    ).replace("{NBSP}", NBSP)
    en = (
        f"Baseline: of the {en_number(n)} people surveyed, {en_number(100 * first.share)}% "
        f"answered in their first month of support and {en_number(100 * late.share)}% had been "
        "supported for 3 months or more: for them, the baseline is not a measure taken before "
        "support."
    )
    return [Finding("baseline_timing", fr, en, False)]
