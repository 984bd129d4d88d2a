"""The report's words in French and English.

``reports`` imports no Flask (hence no Flask-Babel): the report is rendered
in the language asked for, which need not be the reader's interface
language, so its small catalogue lives here, one entry per sentence, with
named placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("fr", "en")

TEXTS: Mapping[str, Mapping[str, str]] = {
    "report_title": {"fr": "Rapport d’impact", "en": "Impact report"},
    "contents": {"fr": "Sommaire", "en": "Contents"},
    "summary": {"fr": "Synthèse", "en": "Executive summary"},
    "key_figures": {"fr": "Chiffres clés", "en": "Key figures"},
    "period": {"fr": "Période", "en": "Period"},
    "sites": {"fr": "Sites", "en": "Sites"},
    "all_sites": {"fr": "Tous les sites", "en": "All sites"},
    "study": {"fr": "Étude", "en": "Study"},
    "organisation": {"fr": "Organisation", "en": "Organisation"},
    "generated": {"fr": "Rapport produit le", "en": "Report generated on"},
    "cutoff": {"fr": "Données arrêtées au", "en": "Data cut-off"},
    "software": {"fr": "Logiciel", "en": "Software"},
    "page_of": {"fr": "p.", "en": "p."},
    "respondents": {"fr": "personnes", "en": "people"},
    "n_people": {"fr": "n = %(n)s", "en": "n = %(n)s"},
    "ci": {"fr": "IC %(level)s %%", "en": "%(level)s%% CI"},
    "ci_value": {"fr": "IC %(level)s %% : %(interval)s", "en": "%(level)s%% CI %(interval)s"},
    "positive_share": {"fr": "Réponses positives", "en": "Positive answers"},
    "mean_score": {"fr": "Score moyen", "en": "Mean score"},
    "median": {"fr": "Médiane", "en": "Median"},
    "wave": {"fr": "Temps de mesure", "en": "Wave"},
    "all_waves": {"fr": "Tous temps confondus", "en": "All waves"},
    "all_answers": {"fr": "Toutes les réponses", "en": "All answers"},
    "suppressed": {"fr": "masqué (n < %(k)s)", "en": "suppressed (n < %(k)s)"},
    "suppressed_note": {
        "fr": "« masqué (n < %(k)s) » : moins de %(k)s personnes, ou un chiffre qui "
        "permettrait de retrouver une réponse individuelle ; le chiffre n’est pas publié.",
        "en": "“suppressed (n < %(k)s)”: fewer than %(k)s people, or a figure that would "
        "reveal an individual answer; the figure is not published.",
    },
    "indicative": {"fr": "indicatif", "en": "indicative only"},
    "findings": {"fr": "Ce que disent les résultats", "en": "What the results say"},
    "no_findings": {
        "fr": "Pas assez de réponses pour formuler un constat.",
        "en": "Not enough answers to state a finding.",
    },
    "gains_summary": {"fr": "Évolutions entre deux temps", "en": "Change between two waves"},
    "no_data": {"fr": "Aucune donnée publiable.", "en": "No figure can be published."},
    "overview": {
        "fr": "%(responses)s questionnaires remplis par %(people)s personnes "
        "sur %(sites)s site(s).",
        "en": "%(responses)s questionnaires completed by %(people)s people at %(sites)s site(s).",
    },
    "indicator_section": {"fr": "Indicateur : %(label)s", "en": "Indicator: %(label)s"},
    "by_wave": {"fr": "Résultats par temps de mesure", "en": "Results by wave"},
    "distribution": {"fr": "Répartition des réponses", "en": "How people answered"},
    "distribution_chart": {
        "fr": "Graphique : répartition des réponses aux questions « %(label)s ». "
        "Les chiffres sont dans le tableau qui suit.",
        "en": "Chart: how people answered the “%(label)s” questions. "
        "The figures are in the table that follows.",
    },
    "question": {"fr": "Question", "en": "Question"},
    "answers": {"fr": "Réponses", "en": "Answers"},
    "pna": {"fr": "Préfère ne pas répondre", "en": "Prefer not to answer"},
    "missing": {"fr": "Sans réponse", "en": "No answer"},
    "trend": {"fr": "Évolution dans le temps", "en": "Trend over time"},
    "trend_chart": {
        "fr": "Graphique : part de réponses positives pour « %(label)s » par %(unit)s, "
        "avec l’intervalle de confiance (bande) et les limites de contrôle (pointillés). "
        "Les chiffres sont dans le tableau qui suit.",
        "en": "Chart: share of positive answers for “%(label)s” by %(unit)s, with the "
        "confidence interval (band) and the control limits (dotted). "
        "The figures are in the table that follows.",
    },
    "month": {"fr": "mois", "en": "month"},
    "quarter": {"fr": "trimestre", "en": "quarter"},
    "period_col": {"fr": "Période", "en": "Period"},
    "control_limits": {"fr": "Limites de contrôle", "en": "Control limits"},
    "out_of_control": {"fr": "Hors contrôle", "en": "Out of control"},
    "yes": {"fr": "oui", "en": "yes"},
    "no": {"fr": "non", "en": "no"},
    "centre_line": {"fr": "Ligne centrale", "en": "Centre line"},
    "trend_explained": {
        "fr": "Une période « hors contrôle » sort des limites attendues si seul le hasard "
        "jouait (carte p de Shewhart, 3 écarts-types) : elle mérite qu’on en cherche la cause.",
        "en": "A period “out of control” falls outside the limits expected from chance alone "
        "(Shewhart p-chart, 3 standard deviations): it is worth looking for a cause.",
    },
    "breakdown_site": {"fr": "Par site", "en": "By site"},
    "breakdown_mode": {"fr": "Selon la façon de répondre", "en": "By way of answering"},
    "breakdown_wave": {"fr": "Par temps de mesure", "en": "By wave"},
    "breakdown_language": {"fr": "Par langue", "en": "By language"},
    "group": {"fr": "Groupe", "en": "Group"},
    "group_test": {
        "fr": "Différence entre groupes : %(test)s, %(p)s.",
        "en": "Difference between groups: %(test)s, %(p)s.",
    },
    "group_test_none": {
        "fr": "Pas de test de différence : trop peu de groupes publiables.",
        "en": "No test of difference: too few groups can be published.",
    },
    "mode_caveat": {
        "fr": "Les réponses données avec l’aide d’un·e intervenant·e peuvent être plus "
        "positives que celles données seul·e (désirabilité sociale) : comparez avant "
        "de regrouper.",
        "en": "Answers given with help may be more positive than self-completed ones "
        "(social desirability); compare before pooling.",
    },
    "gains": {"fr": "Évolutions des mêmes personnes", "en": "Change for the same people"},
    "gains_intro": {
        "fr": "Ces chiffres comparent les réponses des mêmes personnes à deux temps de mesure "
        "(appariement par code pseudonyme). Les p sont corrigés par la méthode de Holm "
        "pour l’ensemble des tests du rapport.",
        "en": "These figures compare the answers of the same people at two waves "
        "(matched on their pseudonymous code). p-values are adjusted with Holm’s method "
        "over all the tests of the report.",
    },
    "gains_chart": {
        "fr": "Graphique : part des personnes dont la réponse s’améliore, reste stable ou "
        "se dégrade, par indicateur. Les chiffres sont dans le tableau qui suit.",
        "en": "Chart: share of people whose answer improved, stayed the same or got worse, "
        "by indicator. The figures are in the table that follows.",
    },
    "target": {"fr": "Indicateur ou question", "en": "Indicator or question"},
    "from_to": {"fr": "Comparaison", "en": "Comparison"},
    "pairs": {"fr": "Paires", "en": "Pairs"},
    "before": {"fr": "Avant", "en": "Before"},
    "after": {"fr": "Après", "en": "After"},
    "change": {"fr": "Évolution (IC)", "en": "Change (CI)"},
    "improved": {"fr": "Mieux", "en": "Improved"},
    "summary_share_gain": {
        "fr": "%(improved)s vont mieux · oui : %(before)s → %(after)s",
        "en": "%(improved)s improved · yes: %(before)s → %(after)s",
    },
    "summary_gain": {
        "fr": "%(improved)s vont mieux · score moyen %(change)s %(ci)s",
        "en": "%(improved)s improved · mean score %(change)s %(ci)s",
    },
    "unchanged": {"fr": "Pareil", "en": "Unchanged"},
    "worse": {"fr": "Moins bien", "en": "Worse"},
    "test": {"fr": "Test", "en": "Test"},
    "p_raw": {"fr": "p brut", "en": "Raw p"},
    "p_holm": {"fr": "p ajusté (Holm)", "en": "Adjusted p (Holm)"},
    "effect_size": {"fr": "Taille d’effet (IC)", "en": "Effect size (CI)"},
    "rank_biserial": {"fr": "r rang-bisérial", "en": "rank-biserial r"},
    "cohen_dz": {"fr": "d_z de Cohen", "en": "Cohen’s d_z"},
    "wilcoxon": {"fr": "Wilcoxon signé", "en": "Wilcoxon signed-rank"},
    "mcnemar": {"fr": "McNemar", "en": "McNemar"},
    "mcnemar_exact": {"fr": "McNemar exact", "en": "exact McNemar"},
    "no_gains": {
        "fr": "Pas encore assez de personnes ayant répondu à deux temps de mesure.",
        "en": "Not yet enough people who answered at two waves.",
    },
    "attrition": {"fr": "Personnes perdues de vue", "en": "People lost to follow-up"},
    "attrition_caveat": {
        "fr": "Les évolutions ne portent que sur les personnes qui ont répondu deux fois. "
        "Si celles qui n’ont pas répondu la seconde fois allaient moins bien au départ, "
        "les évolutions peuvent paraître meilleures qu’elles ne sont.",
        "en": "Change is measured only on people who answered twice. If those who did not "
        "answer the second time were worse off at the start, change can look better than "
        "it is.",
    },
    "baseline_respondents": {"fr": "Au départ", "en": "At baseline"},
    "followed": {"fr": "Suivies", "en": "Followed up"},
    "lost": {"fr": "Perdues de vue", "en": "Lost"},
    "mean_followed": {"fr": "Score de départ, suivies", "en": "Baseline score, followed"},
    "mean_lost": {"fr": "Score de départ, perdues", "en": "Baseline score, lost"},
    "difference_test": {"fr": "Différence (Mann-Whitney)", "en": "Difference (Mann-Whitney)"},
    "responses": {"fr": "Participation", "en": "Response"},
    "response_rates": {"fr": "Taux de réponse", "en": "Response rates"},
    "invited": {"fr": "Invitées", "en": "Invited"},
    "sent": {"fr": "Envoyées", "en": "Sent"},
    "opened": {"fr": "Ouvertes", "en": "Opened"},
    "completed": {"fr": "Remplies", "en": "Completed"},
    "rate": {"fr": "Taux (IC)", "en": "Rate (CI)"},
    "median_minutes": {"fr": "Durée médiane (min)", "en": "Median time (min)"},
    "all": {"fr": "Ensemble", "en": "All"},
    "no_invitations": {
        "fr": "Pas d’invitation individuelle sur la période (réponses par lien ouvert).",
        "en": "No individual invitation in the period (answers through open links).",
    },
    "assisted_share": {
        "fr": "Part des questionnaires remplis avec l’aide d’un·e intervenant·e "
        "ou lus à voix haute : %(share)s (%(n)s sur %(total)s).",
        "en": "Share of questionnaires completed with a worker’s help or read aloud: "
        "%(share)s (%(n)s of %(total)s).",
    },
    "assisted_share_suppressed": {
        "fr": "Part des questionnaires remplis avec aide : masquée (moins de %(k)s).",
        "en": "Share of questionnaires completed with help: suppressed (fewer than %(k)s).",
    },
    "methods": {"fr": "Méthodes et limites", "en": "Methods and limitations"},
    "what_was_asked": {"fr": "Ce qui a été demandé", "en": "What was asked"},
    "versions": {
        "fr": "Versions exactes des questionnaires utilisées :",
        "en": "Exact questionnaire versions used:",
    },
    "how_computed": {"fr": "Comment les chiffres sont calculés", "en": "How the figures are made"},
    "method_positive": {
        "fr": "Une réponse est « positive » quand la personne est d’accord ou tout à fait "
        "d’accord (ou répond oui). La part de réponses positives est donnée avec son "
        "intervalle de confiance à %(level)s %% (méthode de Wilson) : la vraie valeur a de "
        "fortes chances de s’y trouver.",
        "en": "An answer is “positive” when the person agrees or strongly agrees (or says "
        "yes). The share of positive answers comes with its %(level)s%% confidence interval "
        "(Wilson method): the true value is very likely to lie within it.",
    },
    "method_tests": {
        "fr": "Tests utilisés et corrections",
        "en": "Tests and corrections used",
    },
    "method_name": {"fr": "Méthode", "en": "Method"},
    "method_description": {"fr": "Description", "en": "Description"},
    "method_reference": {"fr": "Référence", "en": "Reference"},
    "suppression_rule": {"fr": "Règle de confidentialité", "en": "Suppression rule"},
    "suppression_text": {
        "fr": "Aucun chiffre portant sur moins de %(k)s personnes n’est publié. Une part de "
        "0 %% ou 100 %% dans un petit groupe révèlerait la réponse de chacun : elle est aussi "
        "masquée. D’autres cases sont masquées quand elles permettraient de recalculer un "
        "chiffre masqué à partir des totaux.",
        "en": "No figure about fewer than %(k)s people is published. A share of 0%% or 100%% "
        "in a small group would reveal everyone’s answer: it is suppressed too. Other cells "
        "are suppressed when they would let a reader work a suppressed figure out from "
        "the totals.",
    },
    "limits": {"fr": "Limites", "en": "Limitations"},
    "limit_self_report": {
        "fr": "Déclaratif : les personnes disent ce qu’elles ressentent ; ce n’est pas une "
        "mesure externe de leur situation.",
        "en": "Self-report: people say how they feel; this is not an outside measure of "
        "their situation.",
    },
    "limit_nonresponse": {
        "fr": "Non-réponse : les personnes qui ne répondent pas peuvent différer de celles "
        "qui répondent ; le taux de réponse est indiqué pour en juger.",
        "en": "Non-response: people who do not answer may differ from those who do; the "
        "response rate is given so you can judge.",
    },
    "limit_assisted": {
        "fr": "Réponse accompagnée : répondre avec l’aide d’un·e intervenant·e peut rendre "
        "les réponses plus positives ; les résultats sont donnés séparément selon la façon "
        "de répondre.",
        "en": "Assisted answering: answering with a worker’s help can make answers more "
        "positive; results are shown separately by way of answering.",
    },
    "limit_causality": {
        "fr": "Une évolution entre deux temps ne prouve pas que l’accompagnement en est la "
        "cause : il n’y a pas de groupe de comparaison.",
        "en": "Change between two waves does not prove that the support caused it: there is "
        "no comparison group.",
    },
    "limit_indicative": {
        "fr": "« indicatif » : moins de 30 personnes, ou un intervalle de plus de 20 points ; "
        "à lire avec prudence.",
        "en": "“indicative only”: fewer than 30 people, or an interval wider than 20 points; "
        "read with care.",
    },
    "all_findings": {"fr": "Tous les constats", "en": "All findings"},
    "warnings": {"fr": "Avertissements de l’analyse", "en": "Analysis warnings"},
    "chart_data": {
        "fr": "Chiffres du graphique : %(what)s",
        "en": "Figures of the chart: %(what)s",
    },
    "nps": {"fr": "Score de recommandation (NPS)", "en": "Net Promoter Score"},
    "promoters": {"fr": "Promoteurs", "en": "Promoters"},
    "passives": {"fr": "Neutres", "en": "Passives"},
    "detractors": {"fr": "Détracteurs", "en": "Detractors"},
    "alpha": {
        "fr": "Cohérence des questions (alpha de Cronbach) : %(alpha)s, %(ci)s, %(n)s personnes.",
        "en": "Consistency of the questions (Cronbach’s alpha): %(alpha)s, %(ci)s, %(n)s people.",
    },
    "yes_label": {"fr": "Oui", "en": "Yes"},
    "no_label": {"fr": "Non", "en": "No"},
}

INDICATOR_LABELS: Mapping[str, Mapping[str, str]] = {
    "listening": {"fr": "Se sentir écouté·e", "en": "Feeling listened to"},
    "confidence": {"fr": "Confiance en soi", "en": "Confidence"},
    "autonomy": {"fr": "Autonomie", "en": "Autonomy"},
    "satisfaction": {"fr": "Satisfaction", "en": "Satisfaction"},
    "recommendation": {"fr": "Recommandation", "en": "Recommendation"},
}

MODE_LABELS: Mapping[str, Mapping[str, str]] = {
    "self": {"fr": "Seul·e", "en": "On their own"},
    "assisted": {"fr": "Avec un·e intervenant·e", "en": "With a worker"},
    "read_aloud": {"fr": "Lu à voix haute", "en": "Read aloud"},
}

LANGUAGE_LABELS: Mapping[str, Mapping[str, str]] = {
    "fr": {"fr": "Français", "en": "French"},
    "en": {"fr": "Anglais", "en": "English"},
}

AGREEMENT_LABELS: Mapping[str, Mapping[str, str]] = {
    "1": {"fr": "Pas du tout d’accord", "en": "Strongly disagree"},
    "2": {"fr": "Pas d’accord", "en": "Disagree"},
    "3": {"fr": "Ni l’un ni l’autre", "en": "Neither"},
    "4": {"fr": "D’accord", "en": "Agree"},
    "5": {"fr": "Tout à fait d’accord", "en": "Strongly agree"},
    "yes": {"fr": "Oui", "en": "Yes"},
    "no": {"fr": "Non", "en": "No"},
    "_pna": {"fr": "Préfère ne pas répondre", "en": "Prefer not to answer"},
}


_FRENCH_SPACES = (
    (" %%", "\u202f%%"),
    (" :", "\u00a0:"),
    (" ;", "\u202f;"),
    (" ?", "\u202f?"),
    (" !", "\u202f!"),
    ("« ", "«\u00a0"),
    (" »", "\u00a0»"),
    ("IC ", "IC\u00a0"),
)


def french_typography(sentence: str) -> str:
    """No-break spaces where French typography wants them (before ``% : ; ? !``, in « »)."""
    for plain_space, no_break in _FRENCH_SPACES:
        sentence = sentence.replace(plain_space, no_break)
    return sentence


def text(lang: str, key: str, **values: object) -> str:
    """The sentence ``key`` in ``lang`` with its named placeholders filled."""
    entry = TEXTS[key]
    template = entry.get(lang) or entry["en"]
    template = template.replace("n = ", "n\u00a0=\u00a0").replace("(n < ", "(n\u00a0<\u00a0")
    if lang == "fr":
        template = french_typography(template)
    if values:
        return template % values
    return template.replace("%%", "%")


def label_of(labels: Mapping[str, Mapping[str, str]], key: str, lang: str) -> str:
    """Label of ``key`` in ``lang``, falling back to English, then to the key."""
    entry = labels.get(key)
    if not entry:
        return key
    return entry.get(lang) or entry.get("en") or key
