"""What the design supports, in words: measures, multiplicity, period, profile, wording.

A before/after study without a comparison group describes change among the
people followed; it does not measure an effect of the service. The objects
built here let a report say so plainly, with the numbers behind it:

* :func:`measure_definitions` -- what each indicator measures, what counts as
  *positive* and as *better*, on which scale (French and English);
* :func:`multiplicity_policy` -- the one family of tests adjusted by Holm's
  method, and what is exploratory;
* :func:`period_info` -- first and last completed dates and who is counted;
* :func:`respondent_profile` -- people vs questionnaires per wave, the
  baseline respondents by site, mode and language, and their time with the
  service when they answered the baseline;
* :func:`wave_wording` -- each question as the questionnaire version used in
  each wave words it, and where two waves' wordings differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.disclosure import suppress
from analysis.findings import fr_typography
from analysis.inputs import QuestionSpec
from analysis.paired import STEP_SHARE_OF_RANGE
from analysis.results import (
    CountShare,
    MeasureDefinition,
    Multiplicity,
    PeriodInfo,
    RespondentProfile,
    WaveWording,
    WordingDifference,
)

__all__ = [
    "INDICATOR_LABELS",
    "TIME_WITH_SERVICE_BINS",
    "indicator_label",
    "measure_definitions",
    "method_texts",
    "multiplicity_policy",
    "period_info",
    "respondent_profile",
    "scale_words",
    "wave_wording",
]

#: Names of the built-in indicators (others fall back to their key).
INDICATOR_LABELS: Mapping[str, Mapping[str, str]] = {
    "listening": {"fr": "Se sentir écouté·e", "en": "Feeling listened to"},
    "confidence": {"fr": "Confiance en soi", "en": "Self-confidence"},
    "autonomy": {"fr": "Autonomie dans les démarches", "en": "Independence in everyday tasks"},
    "satisfaction": {"fr": "Satisfaction", "en": "Satisfaction"},
    "recommendation": {"fr": "Recommandation", "en": "Recommendation"},
}

#: Time with the service at baseline: (code, first day of the bin, fr, en).
TIME_WITH_SERVICE_BINS: tuple[tuple[str, int, str, str], ...] = (
    ("lt_1m", 0, "moins d’un mois", "less than 1 month"),
    ("m1_3", 31, "de 1 à 3 mois", "1 to 3 months"),
    ("m3_plus", 92, "3 mois ou plus", "3 months or more"),
)


def indicator_label(indicator: str, specs: Sequence[QuestionSpec] = ()) -> dict[str, str]:
    """The indicator's name by language (its only question's wording if unnamed)."""
    if indicator in INDICATOR_LABELS:
        return dict(INDICATOR_LABELS[indicator])
    if len(specs) == 1 and specs[0].label:
        return dict(specs[0].label)
    return {"fr": indicator, "en": indicator}


def _range(spec: QuestionSpec) -> tuple[float, float] | None:
    scores = list(spec.score_map().values())
    return (min(scores), max(scores)) if scores else None


def scale_words(low: float, high: float, pomp: bool = False) -> dict[str, str]:
    """The unit of a change: ``points on the 1–5 scale`` / ``points sur l’échelle de 1 à 5``."""
    if pomp:
        return {"fr": "points sur une échelle de 0 à 100", "en": "points on a 0–100 scale"}
    lo, hi = f"{low:g}", f"{high:g}"
    return {"fr": f"points sur l’échelle de {lo} à {hi}", "en": f"points on the {lo}–{hi} scale"}


def _agree_label(specs: Sequence[QuestionSpec]) -> dict[str, str]:
    for spec in specs:
        text = spec.choice_labels.get("4")
        if spec.kind == "agreement" and text and text.get("fr") and text.get("en"):
            return {"fr": str(text["fr"]), "en": str(text["en"])}
    return {"fr": "D’accord", "en": "Agree"}


def _number(value: float, lang: str) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "fr" else text


def measure_definitions(
    by_indicator: Mapping[str, Sequence[QuestionSpec]], pomp: Mapping[str, bool]
) -> tuple[MeasureDefinition, ...]:
    """What each indicator measures, what is positive and what is better, in words.

    Parameters
    ----------
    by_indicator : mapping of indicator to its question specs
    pomp : mapping of indicator to whether its score is rescaled to 0–100
    """
    out = []
    for name in sorted(by_indicator):
        specs = list(by_indicator[name])
        keys = tuple(s.key for s in specs)
        agree = _agree_label(specs)
        single = specs[0] if len(specs) == 1 else None
        bounds = _range(specs[0])
        if pomp.get(name):
            low, high = 0.0, 100.0
        elif bounds is not None:
            low, high = bounds
        else:
            low = high = float("nan")
        threshold = STEP_SHARE_OF_RANGE * (high - low) if high > low else None
        scale = scale_words(low, high, bool(pomp.get(name))) if high > low else {}
        kind = "scale" if single is None else "question"
        if single is not None and single.kind == "rating" and name == "recommendation":
            kind = "nps"
            positive = {
                "fr": "promoteurs : réponse 9 ou 10 sur 10 "
                "(0 à 6 : détracteurs ; 7 ou 8 : passifs)",
                "en": "promoters: answered 9 or 10 out of 10 (0–6: detractors; 7–8: passives)",
            }
        elif single is not None and single.kind == "yes_no":
            positive = {"fr": "réponse « oui »", "en": "answered “yes”"}
            scale = {"fr": "points de pourcentage de « oui »", "en": "percentage points of “yes”"}
            threshold = None
        elif single is not None and single.kind == "agreement":
            positive = {
                "fr": f"réponse « {agree['fr']} » ou « Tout à fait d’accord »",
                "en": f"answered “{agree['en']}” or “Strongly agree”",
            }
        elif pomp.get(name):
            positive = {
                "fr": "score moyen (de 0 à 100) au moins égal à 75, le niveau de "
                f"« {agree['fr']} » ; chaque question compte autant",
                "en": "average score (0 to 100) at or above 75, the level of "
                f"“{agree['en']}”; each question weighs the same",
            }
        elif single is None and all(s.kind == "agreement" for s in specs):
            positive = {
                "fr": f"réponse moyenne aux {len(specs)} questions au moins égale à "
                f"« {agree['fr']} » (4 sur 5)",
                "en": f"average answer to the {len(specs)} questions at or above "
                f"“{agree['en']}” (4 out of 5)",
            }
        else:
            positive = {"fr": "réponse jugée positive", "en": "answer counted as positive"}
        if threshold is None:
            better = {
                "fr": "mieux : passer de « non » à « oui »",
                "en": "better: moving from “no” to “yes”",
            }
            if single is None or single.kind != "yes_no":
                better = {"fr": "mieux : toute hausse", "en": "better: any rise"}
        else:
            unit = {
                lang: text.replace("points", "point", 1) if threshold == 1 else text
                for lang, text in scale.items()
            }
            step_fr = {
                "fr": f"mieux : une hausse d’au moins {_number(threshold, 'fr')} "
                f"{unit['fr']} (la taille d’un cran sur une échelle en 5 cases), "
                "moins bien : une baisse d’autant ; entre les deux : pareil",
                "en": f"better: a rise of at least {_number(threshold, 'en')} "
                f"{unit['en']} (the size of one step on a 5-point scale); "
                "worse: a fall as large; in between: the same",
            }
            better = step_fr
        out.append(
            MeasureDefinition(
                indicator=name,
                label=indicator_label(name, specs),
                kind=kind,
                question_keys=keys,
                scale=_typeset(scale),
                positive_text=_typeset(positive),
                better_text=_typeset(better),
                threshold=threshold,
            )
        )
    return tuple(out)


def multiplicity_policy(family: Sequence[str], alpha: float) -> Multiplicity:
    """The one multiplicity policy, stated once (Holm over indicator-level changes).

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    Scandinavian Journal of Statistics 6:65–70.
    """
    n = len(family)
    text = {
        "en": (
            f"One family of tests is adjusted for multiple comparisons, with Holm's method: "
            f"the change of each indicator between the baseline and each later wave ({n} "
            f"test{'s' if n != 1 else ''}). Each indicator counts once; its questions are shown "
            "for detail and are exploratory, like questions outside an indicator and every "
            "comparison between sites, modes, languages or periods (not adjusted). Intervals "
            "are not adjusted: a verdict first says what the interval shows, then whether it "
            "holds once the number of tests is allowed for."
        ),
        "fr": (
            "Une seule famille de tests est ajustée pour les comparaisons multiples, par la "
            "méthode de Holm : l’évolution de chaque indicateur entre l’entrée et chaque temps "
            f"de mesure suivant ({n} test{'s' if n != 1 else ''}). Chaque indicateur compte une "
            "fois ; "
            "ses questions sont données pour le détail et sont exploratoires, comme les questions "
            "hors indicateur et toutes les comparaisons entre sites, modes, langues ou périodes "
            "(non ajustées). Les intervalles ne sont pas ajustés : un constat dit d’abord ce que "
            "montre l’intervalle, puis s’il tient une fois le nombre de tests pris en compte."
        ),
    }
    return Multiplicity("holm", alpha, n, tuple(family), _typeset(text))


def period_info(
    dates: pd.Series,
    date_from: dt.date | None,
    date_to: dt.date | None,
    sites: Sequence[str] | None,
) -> PeriodInfo:
    """First and last completed dates, the filters, and who is counted."""
    known = pd.to_datetime(dates).dropna()
    first = known.min().date().isoformat() if len(known) else None
    last = known.max().date().isoformat() if len(known) else None
    where_fr = "tous les sites" if not sites else "les sites " + ", ".join(sites)
    where_en = "all sites" if not sites else "sites " + ", ".join(sites)
    eligibility = {
        "fr": (
            f"Questionnaires remplis du {first or '?'} au {last or '?'} ({where_fr}), par des "
            "personnes accompagnées qui ont accepté de répondre. Une personne compte une fois par "
            "temps de mesure (son dernier questionnaire de ce temps). Les évolutions portent sur "
            "les "
            "personnes qui ont répondu à l’entrée et au temps de mesure suivant ; les pertes de "
            "vue, "
            "sur celles dont le suivi était dû pendant la période."
        ),
        "en": (
            f"Questionnaires completed from {first or '?'} to {last or '?'} ({where_en}) by "
            "people supported who agreed to answer. A person counts once per wave (their latest "
            "questionnaire in the wave). Changes concern the people who answered at baseline and "
            "at the later wave; loss to follow-up, those whose follow-up was due within the "
            "period."
        ),
    }
    return PeriodInfo(
        first,
        last,
        date_from.isoformat() if date_from else None,
        date_to.isoformat() if date_to else None,
        _typeset(eligibility),
    )


def _counts(labels: Sequence[str], values: np.ndarray, k: int, total: int) -> tuple:
    """CountShare rows (share of ``total``), small counts suppressed (cell rule)."""
    if not len(labels):
        return ()
    counts = [int((values == label).sum()) for label in labels]
    mask = suppress(pd.DataFrame([counts], columns=list(labels)), k).mask.iloc[0]
    return tuple(
        CountShare(label, None, None, True)
        if mask[label]
        else CountShare(label, c, c / total if total else None)
        for label, c in zip(labels, counts, strict=True)
    )


def _as_objects(column: pd.Series) -> np.ndarray:
    """The column's values as Python objects, ``None`` where a categorical has no value."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.to_numpy(dtype=object, na_value=None)
    return column.astype(object).to_numpy()


def respondent_profile(
    responses: pd.DataFrame,
    latest_in_wave: np.ndarray,
    waves: Sequence[str],
    wave_kind: Mapping[str, str],
    support_start: Mapping[str, pd.Timestamp],
    k: int,
) -> RespondentProfile:
    """People and questionnaires per wave; who answered the baseline.

    ``responses`` has one row per questionnaire (``beneficiary_code`` None in
    open-link mode, counted as one person each); ``latest_in_wave`` marks
    each person's latest questionnaire in its wave. Time with the service is
    the baseline completion day minus the recorded start of support
    (``support_start`` by beneficiary code), in :data:`TIME_WITH_SERVICE_BINS`.
    """
    codes = responses["beneficiary_code"]  # categorical or text: the same count of distinct codes
    anonymous = codes.isna().to_numpy()
    person_row = latest_in_wave | anonymous
    wave_col = responses["wave"].astype(object).to_numpy()
    people_by_wave: dict[str, int | None] = {}
    questionnaires_by_wave: dict[str, int | None] = {}
    for wave in waves:
        in_wave = wave_col == wave
        people_by_wave[wave] = int((in_wave & person_row).sum())
        questionnaires_by_wave[wave] = int(in_wave.sum())
    # issue 11: a wave of fewer than k people is withheld with its size, and the totals
    # (people, questionnaires) must not give it back by subtraction (cell rule)
    if waves:
        from analysis.disclosure import suppress

        line = pd.DataFrame([[people_by_wave[w] for w in waves]], columns=list(waves))
        hidden = suppress(line, k).mask.iloc[0]
        for wave in waves:
            if hidden[wave]:
                people_by_wave[wave] = questionnaires_by_wave[wave] = None
    n_people = int(codes.dropna().nunique() + anonymous.sum())
    baseline = next((w for w in waves if wave_kind.get(w) == "baseline"), None)
    if baseline is None:
        return RespondentProfile(
            n_people,
            len(responses),
            people_by_wave,
            questionnaires_by_wave,
            None,
            None,
            (),
            (),
            (),
            (),
            None,
            "unknown",
        )
    rows = responses[(wave_col == baseline) & person_row]
    n_base = len(rows)

    def by(column: str) -> tuple:
        values = _as_objects(rows[column])
        labels = sorted({str(v) for v in values if v is not None})
        return _counts(labels, values.astype(str), k, n_base)

    days = np.full(n_base, np.nan)
    if support_start:
        start = rows["beneficiary_code"].astype(object).map(support_start)
        delta = pd.to_datetime(rows["completed_date"]) - pd.to_datetime(start)
        days = delta.dt.days.to_numpy(dtype=float)
    known = np.isfinite(days)
    source = "support_start" if known.any() else "unknown"
    bins = np.full(n_base, "unknown", dtype=object)
    for code, first_day, _fr, _en in TIME_WITH_SERVICE_BINS:
        bins[known & (days >= first_day)] = code
    labels = [b[0] for b in TIME_WITH_SERVICE_BINS] + (["unknown"] if (~known).any() else [])
    time_rows = _counts(labels, bins, k, n_base) if known.any() else ()
    median = float(np.median(np.maximum(days[known], 0))) if known.sum() >= k else None
    return RespondentProfile(
        n_people=n_people,
        n_questionnaires=len(responses),
        people_by_wave=people_by_wave,
        questionnaires_by_wave=questionnaires_by_wave,
        baseline_wave=baseline,
        n_baseline_people=n_base,
        by_site=by("site"),
        by_mode=by("mode"),
        by_language=by("language"),
        time_with_service=time_rows,
        median_days_with_service=median,
        time_with_service_source=source,
    )


def wave_wording(
    responses: pd.DataFrame,
    waves: Sequence[str],
    answered: Mapping[str, set[str]],
    specs: Mapping[str, QuestionSpec],
) -> tuple[tuple[WaveWording, ...], tuple[WordingDifference, ...]]:
    """Each wave's question labels, from the questionnaire version(s) it used.

    ``answered`` maps each wave to the question keys answered in it. A
    question's label comes from ``QuestionSpec.version_labels`` for the
    wave's version (the most recent version used in the wave when several
    were), else from ``QuestionSpec.label``. A difference is reported for
    each question answered in the first wave and a later wave whose wording
    differs in any language.
    """
    wave_col = responses["wave"].astype(object)
    version_col = responses["questionnaire_version"].astype(object)
    out: list[WaveWording] = []
    for wave in waves:
        versions = tuple(sorted(set(version_col[wave_col == wave].dropna()), key=_version_key))
        labels: dict[str, dict[str, str]] = {}
        for key in sorted(answered.get(wave, set())):
            spec = specs[key]
            text = dict(spec.label)
            for version in versions:  # the latest version used in the wave wins
                if version in spec.version_labels:
                    text = dict(spec.version_labels[version])
            labels[key] = text
        out.append(WaveWording(wave, versions, labels))
    differences: list[WordingDifference] = []
    if out:
        first = out[0]
        for later in out[1:]:
            for key, wording in first.labels.items():
                other = later.labels.get(key)
                if other is not None and other != wording:
                    differences.append(
                        WordingDifference(key, (first.wave, later.wave), (wording, other))
                    )
    return tuple(out), tuple(differences)


def _version_key(label: str) -> tuple[str, int]:
    name, _, number = str(label).rpartition("@")
    return (name, int(number)) if number.isdigit() else (str(label), 0)


def _typeset(text: Mapping[str, str]) -> dict[str, str]:
    """French typography on the ``fr`` entry of a text by language."""
    return {lang: fr_typography(t) if lang == "fr" else t for lang, t in text.items()}


def method_texts(k: int, level: float) -> dict[str, dict[str, str]]:
    """Plain description of each method note, in French and English."""
    return {name: _typeset(text) for name, text in _method_texts(k, level).items()}


def _method_texts(k: int, level: float) -> dict[str, dict[str, str]]:
    pct = f"{100 * level:g}"
    return {
        "disclosure": {
            "fr": f"Aucun chiffre ne repose sur moins de {k} personnes : les groupes, périodes "
            "et cases plus petits sont masqués, ainsi que la case suivante quand un total "
            "permettrait de les retrouver. Les réponses libres ne sont jamais analysées.",
            "en": f"No figure rests on fewer than {k} people: smaller groups, periods and "
            "cells are hidden, and so is the next one when a total would give them away. "
            "Free-text answers are never analysed.",
        },
        "share_positive": {
            "fr": f"Part de réponses positives parmi les personnes qui ont répondu, avec un "
            f"intervalle de confiance à {pct} % (Wilson). L’intervalle tient compte du hasard de "
            "l’échantillon, pas des personnes qui n’ont pas répondu.",
            "en": f"Share of positive answers among the people who answered, with a {pct}% "
            "confidence interval (Wilson). The interval covers sampling chance, not the people "
            "who did not answer.",
        },
        "mean_median": {
            "fr": "Moyenne avec un intervalle de Student ; médiane avec un intervalle sans "
            "hypothèse de loi.",
            "en": "Mean with a Student t interval; median with a distribution-free interval.",
        },
        "multi_item_indicator": {
            "fr": "Un indicateur à plusieurs questions donne un score par personne : la moyenne "
            "de ses réponses (au moins la moitié des questions). Quand les questions n’ont pas la "
            "même échelle, les scores sont ramenés de 0 à 100. Positif = score au moins égal au "
            "niveau « D’accord ».",
            "en": "An indicator with several questions gives one score per person: the mean of "
            "their answers (at least half the questions). When the questions have different "
            "scales, scores are put on 0 to 100. Positive = a score at or above the level of "
            "“Agree”.",
        },
        "nps": {
            "fr": "Question de 0 à 10 : promoteurs (9–10), passifs (7–8), détracteurs (0–6). "
            "Le score net (promoteurs moins détracteurs, en points) a un intervalle de Rocks.",
            "en": "0–10 question: promoters (9–10), passives (7–8), detractors (0–6). The net "
            "score (promoters minus detractors, in points) has a Rocks interval.",
        },
        "paired_gain": {
            "fr": "Mêmes personnes à l’entrée et plus tard. Mieux / pareil / moins bien : un "
            "écart d’au moins un cran d’une échelle en 5 cases (1 point sur 1 à 5, 25 points sur "
            "0 à 100). Test de Wilcoxon, intervalle de Student pour la variation moyenne. C’est "
            "l’évolution des personnes suivies, pas un effet du service : il n’y a pas de groupe "
            "de comparaison, et les personnes loin de la moyenne au départ s’en rapprochent "
            "souvent ensuite (régression vers la moyenne).",
            "en": "The same people at baseline and later. Better / same / worse: a change of at "
            "least one step of a 5-point scale (1 point on 1–5, 25 points on 0–100). Wilcoxon "
            "test, Student interval for the mean change. This is change among the people "
            "followed, not an effect of the service: there is no comparison group, and people "
            "far from the average at baseline often come closer to it later (regression to the "
            "mean).",
        },
        "mcnemar": {
            "fr": "Questions oui/non posées deux fois : test de McNemar, écart de la part de "
            "« oui » avec un intervalle d’Agresti–Min.",
            "en": "Yes/no questions asked twice: McNemar test, difference in the share of “yes” "
            "with an Agresti–Min interval.",
        },
        "multiplicity": {
            "fr": "Une seule famille de tests ajustée (Holm) : l’évolution de chaque indicateur "
            "entre l’entrée et chaque temps de mesure suivant. Les questions détaillées et les "
            "comparaisons entre groupes sont exploratoires (non ajustées). Les intervalles ne "
            "sont pas ajustés.",
            "en": "One family of tests is adjusted (Holm): the change of each indicator between "
            "baseline and each later wave. Question-level changes and comparisons between "
            "groups are exploratory (not adjusted). Intervals are not adjusted.",
        },
        "attrition": {
            "fr": "Perdues de vue : personnes interrogées à l’entrée, dont le temps de mesure "
            "suivant "
            "était dû pendant la période, sans réponse à ce temps. Leur niveau au départ est "
            "comparé à celui des personnes suivies : cela décrit des niveaux, pas des évolutions.",
            "en": "Lost to follow-up: people surveyed at baseline whose later wave was due "
            "within the period and who did not answer it. Their baseline level is compared with "
            "that of the people followed: this describes levels, not changes.",
        },
        "scales": {
            "fr": "Cohérence des questions d’un indicateur : alpha de Cronbach avec son "
            "intervalle. Une échelle n’est dite fiable que si alpha atteint 0,70.",
            "en": "Consistency of an indicator's questions: Cronbach's alpha with its interval. "
            "A scale is called reliable only when alpha reaches 0.70.",
        },
        "trends": {
            "fr": "Une courbe par type de temps de mesure (entrée, suivi, sortie), jamais "
            "mélangées, par "
            "mois ou par trimestre. Le plus petit écart détectable entre deux périodes est "
            "indiqué : un écart plus petit passerait inaperçu.",
            "en": "One trend per kind of wave (baseline, follow-up, exit), never mixed, by month "
            "or quarter. The smallest difference between two periods that could be detected is "
            "stated: a smaller one would go unnoticed.",
        },
        "breakdowns": {
            "fr": "Par site, mode et langue dans un seul temps de mesure (l’entrée par défaut), "
            "une "
            "réponse par personne. Tests exploratoires, non ajustés. Les personnes aidées pour "
            "répondre se choisissent elles-mêmes : l’écart avec les autres ne vient pas du seul "
            "mode.",
            "en": "By site, mode and language within one wave (baseline by default), one answer "
            "per person. Exploratory tests, not adjusted. People helped to answer select "
            "themselves: the gap with the others is not due to the mode alone.",
        },
        "filters": {
            "fr": "Filtres de période et de sites appliqués aux réponses et aux invitations.",
            "en": "Period and site filters applied to responses and invitations.",
        },
    }
