"""View model of the report section "In their own words" (issue 17).

Input: :class:`analysis.results.ThemeSection` (validated themes only, figures
already disclosure-controlled, quotes already chosen and de-identified).
Output: plain values for ``templates/_open_answers.html``, in French or
English. Nothing here decides what may be published.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analysis.results import GroupComparison, Share, ThemeSection
from reports.formatting import format_count, format_p_value, format_percent, format_percent_interval
from reports.texts import french_typography, text

_TEXTS: dict[str, dict[str, str]] = {
    "title": {"fr": "Avec leurs propres mots", "en": "In their own words"},
    "intro": {
        "fr": "Ce que les personnes ont écrit en réponse aux questions ouvertes, regroupé en "
        "thèmes. %(answers)s réponses de %(people)s personnes, rendues anonymes avant toute "
        "lecture (noms, téléphones, adresses… remplacés).",
        "en": "What people wrote in answer to the open questions, grouped into themes. "
        "%(answers)s answers from %(people)s people, de-identified before anyone read them "
        "(names, phone numbers, addresses… replaced).",
    },
    "method": {
        "fr": "Les thèmes ont été proposés par un modèle statistique (%(method)s, calculé sur "
        "le serveur, sans service extérieur), puis relus, renommés, fusionnés ou écartés par "
        "une personne de l'équipe qualité : seuls les thèmes validés par elle figurent ici. Une "
        "même personne peut soulever plusieurs thèmes.",
        "en": "Themes were suggested by a statistical model (%(method)s, computed on the "
        "server, with no outside service), then read, renamed, merged or set aside by a member "
        "of the quality team: only the themes they validated appear here. One person may raise "
        "several themes.",
    },
    "none": {
        "fr": "Aucun thème n'a encore été validé par l'équipe qualité.",
        "en": "No theme has been validated by the quality team yet.",
    },
    "theme": {"fr": "Thème", "en": "Theme"},
    "site": {"fr": "Site", "en": "Site"},
    "people": {"fr": "Personnes", "en": "People"},
    "share": {"fr": "Part des répondants", "en": "Share of respondents"},
    "ci": {"fr": "IC 95 %", "en": "95% CI"},
    "caption": {
        "fr": "Personnes ayant soulevé chaque thème parmi les %(people)s qui ont répondu",
        "en": "People who raised each theme among the %(people)s who answered",
    },
    "site_caption": {
        "fr": "Part des répondants de chaque site ayant soulevé le thème",
        "en": "Share of each site's respondents who raised the theme",
    },
    "no_sites": {
        "fr": "Pas de détail par site : au moins un site compte moins de %(k)s personnes "
        "ayant répondu.",
        "en": "No breakdown by site: at least one site has fewer than %(k)s people who answered.",
    },
    "quotes": {"fr": "Quelques réponses", "en": "A few answers"},
    "no_quotes": {
        "fr": "Pas de citation : aucune réponse assez courte et sans détail identifiant, ou "
        "groupe trop petit.",
        "en": "No quote: no answer short enough and free of identifying detail, or too small "
        "a group.",
    },
    "bias_title": {"fr": "Biais possibles", "en": "Possible bias"},
    "bias_intro": {
        "fr": "Une réponse donnée avec l'aide d'un professionnel peut être influencée par "
        "lui ; la langue peut aussi changer ce qu'on écrit. Comparaison exploratoire, sans "
        "correction pour comparaisons multiples : une différence signale une question à "
        "creuser, pas une preuve.",
        "en": "An answer given with a worker's help may be shaped by them; the language may "
        "also change what people write. Exploratory comparison, without correction for "
        "multiple comparisons: a difference flags a question to look into, not a proof.",
    },
    "self": {"fr": "seul·e", "en": "self-completed"},
    "assisted": {"fr": "avec aide", "en": "assisted"},
    "fr": {"fr": "en français", "en": "in French"},
    "en": {"fr": "en anglais", "en": "in English"},
    "differs": {
        "fr": "« %(theme)s » : %(a)s %(first)s contre %(b)s %(second)s (%(p)s) — "
        "différence à examiner.",
        "en": "“%(theme)s”: %(a)s %(first)s against %(b)s %(second)s (%(p)s) — a "
        "difference to look into.",
    },
    "same": {
        "fr": "« %(theme)s » : %(a)s %(first)s contre %(b)s %(second)s (%(p)s) — pas de "
        "différence nette.",
        "en": "“%(theme)s”: %(a)s %(first)s against %(b)s %(second)s (%(p)s) — no clear "
        "difference.",
    },
    "too_few": {
        "fr": "« %(theme)s » : %(a)s %(first)s, %(b)s %(second)s — groupes trop petits pour "
        "comparer.",
        "en": "“%(theme)s”: %(a)s %(first)s, %(b)s %(second)s — groups too small to compare.",
    },
    "fewer_than": {"fr": "moins de %(k)s", "en": "fewer than %(k)s"},
    "all_but": {"fr": "plus de %(n)s", "en": "more than %(n)s"},
}

ALPHA = 0.05


def _t(lang: str, key: str, **values: object) -> str:
    sentence = _TEXTS[key][lang] % values if values else _TEXTS[key][lang]
    return french_typography(sentence) if lang == "fr" else sentence


def _count(share: Share, lang: str) -> str:
    if not share.suppressed:
        return format_count(share.count, lang)
    if share.bound and share.bound.startswith("<"):
        return _t(lang, "fewer_than", k=share.bound[1:].strip())
    if share.bound:
        return _t(lang, "all_but", n=share.bound[1:].strip())
    return text(lang, "suppressed")


def _share(share: Share, lang: str) -> tuple[str, str]:
    if share.suppressed:
        return text(lang, "suppressed"), text(lang, "suppressed")
    return format_percent(share.share, lang), format_percent_interval(share.low, share.high, lang)


def _group(share: Share, lang: str) -> str:
    value, _interval = _share(share, lang)
    if share.suppressed:
        if not share.total:
            return text(lang, "suppressed")
        return f"{_count(share, lang)}/{format_count(share.total, lang)}"
    return f"{value} ({format_count(share.count, lang)}/{format_count(share.total, lang)})"


def _comparison(label: str, comparison: GroupComparison | None, lang: str) -> str | None:
    if comparison is None:
        return None
    first, second = comparison.groups
    values = {
        "theme": label,
        "a": _group(comparison.shares[0], lang),
        "b": _group(comparison.shares[1], lang),
        "first": _t(lang, first),
        "second": _t(lang, second),
    }
    if comparison.p_value is None:
        return _t(lang, "too_few", **values)
    key = "differs" if comparison.p_value < ALPHA else "same"
    return _t(lang, key, p=format_p_value(comparison.p_value, lang), **values)


def open_answers_view(
    section: ThemeSection | None, lang: str, site_labels: Mapping[str, str] | None = None
) -> dict[str, Any] | None:
    """Plain values for the section, or None when the study has no open answer at all."""
    if section is None or section.answers == 0:
        return None
    site_labels = site_labels or {}
    rows = []
    for theme in section.themes:
        value, interval = _share(theme.overall, lang)
        rows.append(
            {"header": theme.label, "cells": [_count(theme.overall, lang), value, interval]}
        )
    site_tables = []
    if section.sites_shown:
        for theme in section.themes:
            site_tables.append(
                {
                    "caption": f"{_t(lang, 'site_caption')} — {theme.label}",
                    "columns": [
                        _t(lang, "site"),
                        _t(lang, "people"),
                        _t(lang, "share"),
                        _t(lang, "ci"),
                    ],
                    "rows": [
                        {
                            "header": site_labels.get(site, site),
                            "cells": [_count(share, lang), *_share(share, lang)],
                        }
                        for site, share in theme.by_site
                    ],
                }
            )
    bias = [
        line
        for theme in section.themes
        for line in (
            _comparison(theme.label, theme.by_mode, lang),
            _comparison(theme.label, theme.by_language, lang),
        )
        if line
    ]
    return {
        "anchor": "own-words",
        "title": _t(lang, "title"),
        "intro": _t(
            lang,
            "intro",
            answers=format_count(section.answers, lang),
            people=format_count(section.people, lang),
        ),
        "method": _t(lang, "method", method=section.method),
        "none": _t(lang, "none") if not section.themes else None,
        "table": {
            "caption": _t(lang, "caption", people=format_count(section.people, lang)),
            "columns": [_t(lang, "theme"), _t(lang, "people"), _t(lang, "share"), _t(lang, "ci")],
            "rows": rows,
        }
        if section.themes
        else None,
        "site_tables": site_tables,
        "no_sites": None if section.sites_shown else _t(lang, "no_sites", k=section.k),
        "quotes_title": _t(lang, "quotes"),
        "no_quotes": _t(lang, "no_quotes"),
        "themes": [{"label": t.label, "quotes": list(t.quotes)} for t in section.themes],
        "bias_title": _t(lang, "bias_title"),
        "bias_intro": _t(lang, "bias_intro"),
        "bias": bias,
    }
