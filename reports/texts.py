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
    "report_title": {
        "fr": "Ce que disent les personnes accompagnées",
        "en": "What the people we support tell us",
    },
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
    "suppressed": {"fr": "masqué", "en": "suppressed"},
    "suppressed_note": {
        "fr": "« masqué » : chiffre non publié pour que personne ne puisse être reconnu : il "
        "repose sur moins de %(k)s personnes, ou il permettrait de retrouver un autre chiffre "
        "masqué, par soustraction à partir d’un total ou avec les autres chiffres. « ≥ » ou "
        "« ≤ » devant une part : moins de %(k)s personnes sont d’un même côté ; la borne vient "
        "du nombre de personnes et de k seulement.",
        "en": "“suppressed”: a figure not published so that no one can be recognised: it "
        "rests on fewer than %(k)s people, or it would let someone work out another "
        "suppressed figure, by subtracting it from a total or with the other figures. “≥” or "
        "“≤” before a share: fewer than %(k)s people are on one side; the bound comes from "
        "the number of people and k only.",
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
    "breakdown_in_wave": {
        "fr": "%(by)s, questionnaires « %(wave)s »",
        "en": "%(by)s, “%(wave)s” questionnaires",
    },
    "n_people_col": {"fr": "Personnes", "en": "People"},
    "trend_of_kind": {
        "fr": "Évolution dans le temps, questionnaires « %(kind)s »",
        "en": "Trend over time, “%(kind)s” questionnaires",
    },
    "trend_table": {"fr": "Par %(unit)s", "en": "By %(unit)s"},
    "colon": {"fr": " : ", "en": ": "},
    "wording_differs": {
        "fr": "Formulation différente selon le temps de mesure (version du questionnaire) : "
        "%(versions)s.",
        "en": "Wording differs between waves (questionnaire version): %(versions)s.",
    },
    "trend_all_suppressed": {
        "fr": "Trop peu de réponses par %(unit)s pour publier une évolution.",
        "en": "Too few answers per %(unit)s to publish a trend.",
    },
    "kind_baseline": {"fr": "Entrée", "en": "Baseline"},
    "kind_follow_up": {"fr": "Suivi", "en": "Follow-up"},
    "kind_exit": {"fr": "Sortie", "en": "Exit"},
    "alpha_reliable": {
        "fr": "Au moins %(threshold)s : les questions vont assez dans le même sens pour former "
        "un score.",
        "en": "At least %(threshold)s: the questions agree well enough to form one score.",
    },
    "alpha_unreliable": {
        "fr": "Moins de %(threshold)s : les questions ne vont pas assez dans le même sens pour "
        "former une échelle fiable ; lisez-les une à une.",
        "en": "Below %(threshold)s: the questions do not agree well enough to form a reliable "
        "scale; read them one by one.",
    },
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
    "gains": {
        "fr": "Évolutions parmi les personnes suivies",
        "en": "Change among the people followed",
    },
    "gains_intro": {
        "fr": "Ces chiffres comparent les réponses des mêmes personnes à deux temps de mesure "
        "(appariement par code pseudonyme), depuis « %(baseline)s », leur premier "
        "questionnaire. Ils décrivent une évolution parmi les personnes suivies, pas l’effet "
        "de l’accompagnement : il n’y a pas de groupe de comparaison, et d’autres choses ont "
        "pu changer dans leur vie. « Mieux » ou « moins bien » : un écart d’au moins un quart "
        "de l’échelle (un cran de 1 à 5) ; en deçà, « pareil ».",
        "en": "These figures compare the answers of the same people at two waves (matched on "
        "their pseudonymous code), from “%(baseline)s”, their first questionnaire. They "
        "describe change among the people followed, not the effect of the support: there is "
        "no comparison group, and other things may have changed in their lives. “Better” or "
        "“worse”: a move of at least a quarter of the scale (one step from 1 to 5); less than "
        "that counts as “the same”.",
    },
    "regression_to_mean": {
        "fr": "Retour vers la moyenne : une personne qui répond très bas (ou très haut) un jour "
        "donné répond souvent plus près du milieu la fois suivante, sans que rien n’ait "
        "changé. Une partie des évolutions peut venir de là.",
        "en": "Regression to the mean: someone who answers very low (or very high) on one day "
        "often answers nearer the middle the next time, with nothing having changed. Part "
        "of any change may come from this.",
    },
    "rounding_note": {
        "fr": "Arrondis : les écarts sont calculés avant d’arrondir, et un chiffre garde assez "
        "de décimales pour rester du bon côté de zéro (un intervalle n’a jamais l’air de "
        "toucher ou d’exclure zéro à tort).",
        "en": "Rounding: differences are computed before rounding, and a figure keeps enough "
        "decimals to stay on its own side of zero (an interval never seems to touch or "
        "exclude zero when it does not).",
    },
    "verdict": {"fr": "Lecture", "en": "Reading"},
    "verdict_better": {"fr": "mieux", "en": "better"},
    "verdict_worse": {"fr": "moins bien", "en": "worse"},
    "verdict_unclear": {"fr": "pas de changement net", "en": "no clear change"},
    "verdict_better_unadjusted": {
        "fr": "mieux selon l’intervalle, pas après ajustement",
        "en": "better by its interval, not after adjustment",
    },
    "verdict_worse_unadjusted": {
        "fr": "moins bien selon l’intervalle, pas après ajustement",
        "en": "worse by its interval, not after adjustment",
    },
    "exploratory": {"fr": "exploratoire", "en": "exploratory"},
    "items_table": {
        "fr": "Question par question (exploratoire : p non ajustés)",
        "en": "Question by question (exploratory: p-values not adjusted)",
    },
    "due": {"fr": "Dues", "en": "Due"},
    "not_yet_due": {"fr": "Pas encore dues", "en": "Not yet due"},
    "difference_lost_followed": {
        "fr": "Écart perdues − suivies (IC)",
        "en": "Difference lost − followed (CI)",
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
    "improved": {"fr": "Mieux", "en": "Better"},
    "summary_share_gain": {
        "fr": "%(improved)s vont mieux · oui : %(before)s → %(after)s",
        "en": "%(improved)s improved · yes: %(before)s → %(after)s",
    },
    "summary_gain": {
        "fr": "%(improved)s vont mieux · score moyen %(change)s %(ci)s",
        "en": "%(improved)s improved · mean score %(change)s %(ci)s",
    },
    "unchanged": {"fr": "Pareil", "en": "Same"},
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
        "fr": "Les évolutions ne portent que sur les personnes qui ont répondu deux fois. Sont "
        "comptées ici les seules personnes dont le questionnaire suivant était dû pendant la "
        "période. Le tableau compare les niveaux de départ des personnes suivies et perdues "
        "de vue ; il ne dit rien de l’évolution des perdues de vue. Un écart faible ne "
        "prouve pas qu’elles auraient évolué de la même façon.",
        "en": "Change is measured only on people who answered twice. Only people whose next "
        "questionnaire was due within the period are counted here. The table compares the "
        "starting levels of the people followed and of those lost; it says nothing of how "
        "those lost have changed. A small difference does not show that they would have "
        "changed in the same way.",
    },
    "baseline_respondents": {"fr": "Au départ", "en": "At baseline"},
    "followed": {"fr": "Suivies", "en": "Followed up"},
    "lost": {"fr": "Perdues de vue", "en": "Lost"},
    "mean_followed": {"fr": "Score de départ, suivies", "en": "Baseline score, followed"},
    "mean_lost": {"fr": "Score de départ, perdues", "en": "Baseline score, lost"},
    "difference_test": {"fr": "Différence (Mann-Whitney)", "en": "Difference (Mann-Whitney)"},
    "responses": {"fr": "Participation", "en": "Response"},
    "response_rates": {"fr": "Taux de réponse", "en": "Response rates"},
    "invited": {"fr": "Invitations", "en": "Invitations"},
    "response_rates_note": {
        "fr": "Les nombres comptent des invitations (un questionnaire chacune) : une personne "
        "invitée à plusieurs temps de mesure compte une fois par temps. La ligne « Tous temps "
        "confondus » les additionne : son taux se lit par questionnaire, pas par personne.",
        "en": "The counts are invitations (one questionnaire each): a person invited at several "
        "waves counts once per wave. The “All waves” row adds them up: its rate is per "
        "questionnaire, not per person.",
    },
    "sent": {"fr": "Envoyées", "en": "Sent"},
    "opened": {"fr": "Ouvertes", "en": "Opened"},
    "completed": {"fr": "Remplies", "en": "Completed"},
    "rate": {"fr": "Taux", "en": "Rate"},
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
    "assisted_people": {
        "fr": "Au temps « %(wave)s », %(n)s personnes sur %(total)s (%(share)s) ont répondu avec "
        "l’aide d’un·e intervenant·e ou avec le questionnaire lu à voix haute.",
        "en": "At “%(wave)s”, %(n)s of %(total)s people (%(share)s) answered with a worker’s "
        "help or had the questionnaire read aloud.",
    },
    "who_counted": {"fr": "Qui est compté", "en": "Who is counted"},
    "profile_people": {
        "fr": "%(people)s personnes ont rempli %(questionnaires)s questionnaires ; personnes "
        "par temps de mesure : %(per_wave)s. Une personne compte une fois par temps.",
        "en": "%(people)s people completed %(questionnaires)s questionnaires; people per "
        "wave: %(per_wave)s. A person counts once per wave.",
    },
    "profile_by_site": {
        "fr": "Personnes par site (temps « %(wave)s ») : %(groups)s.",
        "en": "People by site (“%(wave)s”): %(groups)s.",
    },
    "profile_by_language": {
        "fr": "Personnes par langue (temps « %(wave)s ») : %(groups)s.",
        "en": "People by language (“%(wave)s”): %(groups)s.",
    },
    "assisted_share_suppressed": {
        "fr": "Part des questionnaires remplis avec aide : masquée "
        "(voir la règle de confidentialité).",
        "en": "Share of questionnaires completed with help: suppressed (see the suppression rule).",
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
    "dates_between": {"fr": "du %(first)s au %(last)s", "en": "from %(first)s to %(last)s"},
    "dates_from": {"fr": "depuis le %(first)s", "en": "from %(first)s"},
    "dates_to": {"fr": "jusqu’au %(last)s", "en": "up to %(last)s"},
    "dates_all": {"fr": "sur toute la période", "en": "over the whole period"},
    "method_tests": {
        "fr": "Tests utilisés et corrections",
        "en": "Tests and corrections used",
    },
    "method_name": {"fr": "Méthode", "en": "Method"},
    "method_description": {"fr": "Description", "en": "Description"},
    "method_reference": {"fr": "Référence", "en": "Reference"},
    "suppression_rule": {"fr": "Règle de confidentialité", "en": "Suppression rule"},
    "suppression_text": {
        "fr": "Aucun chiffre portant sur moins de %(k)s personnes n’est publié. Quand moins "
        "de %(k)s personnes d’un groupe sont d’un même côté (réponse positive ou non), la "
        "part exacte n’est pas donnée : une borne comme « ≥ 95 %% » est publiée, calculée à "
        "partir du nombre de personnes et de k seulement, arrondie vers l’extérieur ; elle "
        "dit seulement « moins de %(k)s de ce côté ». D’autres chiffres sont masqués quand, "
        "avec les totaux, les bornes, les tendances ou les autres tableaux, ils permettraient "
        "de retrouver un chiffre masqué ; un contrôle automatique le vérifie.",
        "en": "No figure about fewer than %(k)s people is published. When fewer than %(k)s "
        "people of a group are on one side (positive answer or not), the exact share is not "
        "given: a bound such as “≥ 95%%” is published, computed from the number of people "
        "and k only, rounded outward; it says only “fewer than %(k)s on that side”. Other "
        "figures are suppressed when, with the totals, bounds, trends or other tables, they "
        "would let a reader work a suppressed figure out; an automatic check verifies it.",
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
    "method_detail": {"fr": "Pour les statisticien·nes :", "en": "For statisticians:"},
    "warnings": {"fr": "Avertissements de l’analyse", "en": "Analysis warnings"},
    "chart_data": {
        "fr": "Chiffres du graphique : %(what)s",
        "en": "Figures of the chart: %(what)s",
    },
    "nps": {"fr": "Score de recommandation (NPS)", "en": "Net Promoter Score"},
    "promoters": {"fr": "Promoteurs", "en": "Promoters"},
    "nps_note": {
        "fr": "NPS : part des promoteurs (9 ou 10) moins part des détracteurs (0 à 6), de −100 à "
        "+100. L’écart entre deux temps ne se lit pas ici : les personnes ne sont pas les "
        "mêmes. Voir les évolutions parmi les personnes suivies.",
        "en": "NPS: share of promoters (9 or 10) minus share of detractors (0 to 6), from −100 "
        "to +100. Do not read change from two of these scores: the people differ. See change "
        "among the people followed.",
    },
    "passives": {"fr": "Neutres", "en": "Passives"},
    "detractors": {"fr": "Détracteurs", "en": "Detractors"},
    "alpha": {
        "fr": "Cohérence des questions (alpha de Cronbach) : %(alpha)s, %(ci)s, %(n)s personnes.",
        "en": "Consistency of the questions (Cronbach’s alpha): %(alpha)s, %(ci)s, %(n)s people.",
    },
    "summary_table": {"fr": "Messages principaux", "en": "Main messages"},
    "summary_col_measure": {"fr": "Indicateur", "en": "Indicator"},
    "summary_col_latest": {"fr": "Dernier résultat", "en": "Latest figure"},
    "summary_col_change": {
        "fr": "Évolution des mêmes personnes",
        "en": "Change for the same people",
    },
    "people_one": {"fr": "%(n)s personne", "en": "%(n)s person"},
    "people_many": {"fr": "%(n)s personnes", "en": "%(n)s people"},
    "questionnaires_one": {"fr": "%(n)s questionnaire", "en": "%(n)s questionnaire"},
    "questionnaires_many": {"fr": "%(n)s questionnaires", "en": "%(n)s questionnaires"},
    "sites_count_one": {"fr": "%(n)s site", "en": "%(n)s site"},
    "sites_count_many": {"fr": "%(n)s sites", "en": "%(n)s sites"},
    "summary_nothing_yet": {
        "fr": "Pas encore de réponse. Les résultats seront ici dès les premières.",
        "en": "Nobody has answered yet. The results will show here with the first answers.",
    },
    "summary_who": {
        "fr": "%(people)s ont rempli %(questionnaires)s, sur %(sites)s.",
        "en": "%(people)s answered %(questionnaires)s at %(sites)s.",
    },
    "summary_when": {
        "fr": "Les réponses vont du %(first)s au %(last)s.",
        "en": "The answers run from %(first)s to %(last)s.",
    },
    "summary_positive_is": {"fr": "Positif : %(definition)s", "en": "Positive: %(definition)s"},
    "summary_positive_scale": {
        "fr": "Positif : la réponse moyenne de la personne est « D’accord » ou mieux.",
        "en": "Positive: the person’s average answer is “Agree” or better.",
    },
    "summary_positive_nps": {
        "fr": "Positif : 9 ou 10 sur 10 (promoteurs).",
        "en": "Positive: 9 or 10 out of 10 (promoters).",
    },
    "summary_positive_item": {
        "fr": "Positif : « D’accord », « Tout à fait d’accord » ou « Oui ».",
        "en": "Positive: “Agree”, “Strongly agree” or “Yes”.",
    },
    "summary_latest": {
        "fr": "%(wave)s : %(share)s de positifs, sur %(n)s personnes.",
        "en": "%(wave)s: %(share)s positive, out of %(n)s people.",
    },
    "summary_interval": {
        "fr": "La vraie part est sans doute entre %(low)s et %(high)s.",
        "en": "The true share is likely between %(low)s and %(high)s.",
    },
    "summary_response_rate": {
        "fr": "%(rate)s des personnes invitées ont répondu.",
        "en": "%(rate)s of the people invited took part.",
    },
    "summary_few": {
        "fr": "Peu de personnes ou fourchette large : à lire avec prudence.",
        "en": "Few people or a wide range: read with care.",
    },
    "summary_latest_suppressed": {
        "fr": "Non publié : trop peu de réponses pour protéger l’anonymat.",
        "en": "Not published: too few answers to keep people anonymous.",
    },
    "summary_no_change_measured": {
        "fr": "Pas mesuré deux fois auprès des mêmes personnes.",
        "en": "Not measured twice with the same people.",
    },
    "summary_change_suppressed": {
        "fr": "Non publié : trop peu de personnes pour protéger l’anonymat.",
        "en": "Not published: too few people to keep them anonymous.",
    },
    "summary_pairs": {
        "fr": "%(n)s personnes ont répondu deux fois : %(first)s puis %(second)s.",
        "en": "%(n)s people answered twice: %(first)s, then %(second)s.",
    },
    "summary_better_same_worse": {
        "fr": "Mieux : %(better)s ; pareil : %(same)s ; moins bien : %(worse)s.",
        "en": "Better: %(better)s; the same: %(same)s; worse: %(worse)s.",
    },
    "summary_verdict_better": {
        "fr": "En moyenne, les réponses s’améliorent.",
        "en": "On average, scores rose.",
    },
    "summary_verdict_worse": {
        "fr": "En moyenne, les réponses se dégradent.",
        "en": "On average, scores fell.",
    },
    "summary_verdict_unclear": {
        "fr": "En moyenne, pas de changement net.",
        "en": "On average, no clear change.",
    },
    "summary_verdict_better_unadjusted": {
        "fr": "En moyenne, les réponses s’améliorent, mais ce peut être le hasard.",
        "en": "On average, scores rose, but this may be chance.",
    },
    "summary_verdict_worse_unadjusted": {
        "fr": "En moyenne, les réponses se dégradent, mais ce peut être le hasard.",
        "en": "On average, scores fell, but this may be chance.",
    },
    "summary_better_means": {
        "fr": "« Mieux » ou « moins bien » : un écart d’au moins un quart de l’échelle, "
        "soit un cran de 1 à 5.",
        "en": "“Better” or “worse”: a move of at least a quarter of the scale, "
        "such as one step from 1 to 5.",
    },
    "summary_better_any": {
        "fr": "« Mieux » : le score de la personne a monté. « Moins bien » : il a baissé.",
        "en": "“Better”: the person’s score went up. “Worse”: it went down.",
    },
    "summary_baseline": {
        "fr": "« %(baseline)s » est la première fois que la personne répond. "
        "Certaines étaient déjà suivies depuis un moment.",
        "en": "“%(baseline)s” is the first time a person answers. "
        "Some people had already had help for a while.",
    },
    "summary_baseline_new": {
        "fr": "« %(baseline)s » est la première fois que la personne répond, "
        "dans son premier mois d’accompagnement.",
        "en": "“%(baseline)s” is the first time a person answers, in their first month of help.",
    },
    "summary_baseline_share": {
        "fr": "« %(baseline)s » est la première fois que la personne répond. "
        "%(share)s étaient déjà accompagnées depuis un mois ou plus.",
        "en": "“%(baseline)s” is the first time a person answers. "
        "%(share)s had already had help for a month or more.",
    },
    "summary_not_caused": {
        "fr": "Ces évolutions portent sur les mêmes personnes. Elles ne prouvent pas que "
        "l’accompagnement en est la cause : il n’y a pas de groupe de comparaison.",
        "en": "These changes are for the same people. They do not prove that the service "
        "caused them: there is no group to compare with.",
    },
    "summary_regression": {
        "fr": "Qui part très bas ou très haut se rapproche souvent du milieu, par simple hasard.",
        "en": "People who start very low or very high often move toward the middle by chance.",
    },
    "summary_suppressed": {
        "fr": "« masqué » : trop peu de personnes pour publier ce chiffre sans risque.",
        "en": "“suppressed”: too few people to publish this figure safely.",
    },
    "summary_more": {
        "fr": "Le détail, les tests et les méthodes sont dans les pages qui suivent.",
        "en": "The details, tests and methods are in the pages that follow.",
    },
    "yes_label": {"fr": "Oui", "en": "Yes"},
    "no_label": {"fr": "Non", "en": "No"},
}

#: Plain-language description of every method the analysis engine names in
#: ``StudyAnalysis.methods`` (keyed by ``MethodNote.name``): ``name`` is the row
#: header, ``plain`` one or two sentences a director understands, ``detail``
#: the technical settings (test names, corrections, options), kept exact to
#: what the engine does. Placeholders: ``k``, ``level``, ``seed``, ``period``,
#: ``dates``, ``sites``, ``exact_max_n``, ``mcnemar_exact_below``,
#: ``monte_carlo_tables``, ``min_monthly_median``, ``min_item_share`` (see
#: ``reports.viewmodel._method_values``). A key missing here falls back to the
#: engine's English note; a test fails when the engine emits one.
METHOD_TEXTS: Mapping[str, Mapping[str, Mapping[str, str]]] = {
    "disclosure": {
        "name": {"fr": "Confidentialité", "en": "Confidentiality"},
        "plain": {
            "fr": "Aucun chiffre publié ne repose sur moins de %(k)s personnes. Quand moins de "
            "%(k)s personnes sont d’un même côté, seule une borne est donnée (« ≥ 95 %% »). Un "
            "contrôle automatique vérifie qu’aucun chiffre masqué ne peut être retrouvé, ni "
            "même resserré, à partir de tout ce qui est publié. Les réponses libres ne sont "
            "jamais analysées.",
            "en": "No published figure rests on fewer than %(k)s people. When fewer than %(k)s "
            "people are on one side, only a bound is given (“≥ 95%%”). An automatic check "
            "verifies that no suppressed figure can be worked out, or even narrowed, from "
            "everything published. Free-text answers are never analysed.",
        },
        "detail": {
            "fr": "Seuil k = %(k)s. Un groupe de moins de k personnes est masqué avec son "
            "effectif ; de k à 2k − 2 personnes, l’effectif est donné et la part masquée ; à "
            "partir de 2k − 1 personnes, la part est exacte quand au moins k personnes sont de "
            "chaque côté (positif, non positif), sinon une borne calculée à partir de n et k "
            "seulement, arrondie vers l’extérieur à 5 points (n = 133, k = 5 : au moins "
            "95 %%). Le masquage secondaire est décidé par un audit d’intervalles par "
            "programmation linéaire (Hundepool et al. 2012, ch. 4) sur chaque tableau avec ses "
            "totaux, les bornes, les tendances et les tableaux liés : tout nombre masqué qui "
            "pourrait être petit peut encore valoir n’importe quelle valeur de 0 à k − 1, et "
            "un nombre forcément grand garde au moins k valeurs possibles. Les moyennes, "
            "catégories NPS, tests, tailles d’effet et valeurs p voisins d’un chiffre masqué "
            "ou borné sont masqués ; les tests entre groupes ne portent que sur les groupes "
            "publiés exactement. Ce que l’audit ne couvre pas : le nombre total de personnes "
            "qui n’ont pas répondu à une question peut se déduire ; sa répartition entre "
            "« préfère ne pas répondre » et « sans réponse » est masquée sous k.",
            "en": "Threshold k = %(k)s. A group of fewer than k people is suppressed with its "
            "size; from k to 2k − 2 people its size is shown and its share suppressed; from "
            "2k − 1 people the share is exact when at least k people are on each side "
            "(positive, not positive), otherwise a bound computed from n and k only, rounded "
            "outward to 5 points (n = 133, k = 5: at least 95%%). Secondary suppression is "
            "decided by an interval audit by linear programming (Hundepool et al. 2012, ch. 4) "
            "over each table with its totals, bounds, trends and linked tables: every "
            "suppressed count that could be small can still be anything from 0 to k − 1, and a "
            "count that is surely large keeps at least k possible values. Means, NPS bands, "
            "tests, effect sizes and p-values beside a suppressed or bounded figure are "
            "suppressed; tests across groups use only the groups published exactly. Not "
            "covered by the audit: the total number of people who did not answer a question "
            "can be worked out; how it splits between “prefer not to answer” and “no answer” "
            "is suppressed below k.",
        },
    },
    "share_positive": {
        "name": {"fr": "Part de réponses positives", "en": "Share of positive answers"},
        "plain": {
            "fr": "Part des personnes qui donnent une réponse positive, parmi celles qui ont "
            "répondu à la question. La fourchette indique la précision du chiffre : elle est "
            "d’autant plus étroite qu’il y a de réponses.",
            "en": "Share of people who gave a positive answer, among those who answered the "
            "question. The range shows how precise the figure is: the more answers, the "
            "narrower it is.",
        },
        "detail": {
            "fr": "« Préfère ne pas répondre » et absences de réponse exclues. Intervalle de "
            "confiance à %(level)s %% par la méthode du score de Wilson (statsmodels "
            "proportion_confint) ; les taux de réponse utilisent le même intervalle.",
            "en": "“Prefer not to answer” and missing answers excluded. %(level)s%% Wilson "
            "score interval (statsmodels proportion_confint); response rates use the same "
            "interval.",
        },
    },
    "mean_median": {
        "name": {"fr": "Moyenne et médiane", "en": "Mean and median"},
        "plain": {
            "fr": "Le score moyen, et le score du milieu (la moitié des personnes au-dessus, "
            "l’autre moitié en dessous), chacun avec sa fourchette de précision.",
            "en": "The average score, and the middle score (half of the people above it, half "
            "below), each with its range of precision.",
        },
        "detail": {
            "fr": "Moyenne avec un intervalle de Student (t) ; médiane avec un intervalle sans "
            "hypothèse sur la distribution, tiré des statistiques d’ordre et des quantiles de "
            "la loi binomiale (n, 1/2) (scipy.stats.quantile_test).",
            "en": "Mean with a Student t interval; median with a distribution-free "
            "order-statistic interval from binomial(n, 1/2) quantiles "
            "(scipy.stats.quantile_test).",
        },
    },
    "multi_item_indicator": {
        "name": {
            "fr": "Indicateur à plusieurs questions",
            "en": "Indicator made of several questions",
        },
        "plain": {
            "fr": "Quand un indicateur regroupe plusieurs questions, chaque personne reçoit un "
            "score : la moyenne de ses réponses à ces questions. Sa réponse compte comme "
            "positive si ce score atteint celui d’une réponse positive.",
            "en": "When an indicator groups several questions, each person gets one score: the "
            "average of their answers to those questions. It counts as positive when that "
            "score reaches the score of a positive answer.",
        },
        "detail": {
            "fr": "Une observation par répondant : moyenne des scores des questions répondues "
            "(au moins %(min_item_share)s des questions) ; questions de polarité −1 inversées ; "
            "scores ramenés sur 0–100 (POMP) quand les échelles des questions diffèrent ; "
            "positif quand cette moyenne atteint au moins le plus petit score d’un code positif.",
            "en": "One observation per respondent: the mean of the respondent’s answered item "
            "scores (at least %(min_item_share)s of the items); polarity −1 items "
            "reverse-scored; 0–100 rescaling (POMP) when item ranges differ; positive when "
            "that mean is at or above the lowest score of a positive code.",
        },
    },
    "nps": {
        "name": {"fr": "Score de recommandation (NPS)", "en": "Net Promoter Score (NPS)"},
        "plain": {
            "fr": "Sur une échelle de 0 à 10 : part des personnes qui recommanderaient le "
            "service (9 ou 10), moins la part de celles qui ne le recommanderaient pas (0 à 6). "
            "Le résultat va de −100 à +100 points.",
            "en": "On a 0–10 scale: the share of people who would recommend the service (9 or "
            "10) minus the share who would not (0 to 6). The result runs from −100 to +100 "
            "points.",
        },
        "detail": {
            "fr": "Intervalle de Wald ajusté : 3/4 ajouté aux promoteurs et aux détracteurs, "
            "3 à n ; bornes limitées à [−100 ; 100].",
            "en": "Adjusted Wald interval: 3/4 added to promoters and to detractors, 3 to n; "
            "limits clipped to [−100, 100].",
        },
    },
    "paired_gain": {
        "name": {"fr": "Évolution des mêmes personnes", "en": "Change for the same people"},
        "plain": {
            "fr": "On compare les réponses d’une même personne au premier temps de mesure et "
            "à chaque temps suivant. Le test dit si l’évolution pourrait n’être due qu’au "
            "hasard ; la taille d’effet dit si elle est petite ou grande.",
            "en": "Each person’s answers at the first wave are compared with their answers at "
            "each later wave. The test says whether the change could be due to chance alone; "
            "the effect size says whether it is small or large.",
        },
        "detail": {
            "fr": "Appariement sur le code pseudonyme, dernière réponse de chaque temps, du "
            "temps initial vers chaque temps ultérieur. Test des rangs signés de Wilcoxon "
            "(zero_method='wilcox' : différences nulles écartées, comme R) ; p exact seulement "
            "sans différence nulle, sans ex æquo et avec moins de %(exact_max_n)s paires, sinon "
            "approximation normale avec correction de continuité ; V de R (W+) indiqué. Test "
            "secondaire : test t apparié avec son intervalle. Tailles d’effet : r rang-bisérial "
            "apparié (Kerby) avec intervalle par la transformation z de Fisher ; d_z de Cohen "
            "avec intervalle par la loi t non centrale.",
            "en": "Matched on the pseudonymous code, latest response of each wave, baseline "
            "to each later wave. Wilcoxon signed-rank test (zero_method='wilcox': zero "
            "differences dropped, as in R); exact p only with no zeros, no ties and fewer than "
            "%(exact_max_n)s pairs, otherwise normal approximation with continuity correction; "
            "R’s V (W+) reported. Secondary: paired t-test with its interval. Effect sizes: "
            "matched-pairs rank-biserial r (Kerby) with a Fisher-z interval; Cohen’s d_z with "
            "a noncentral-t interval.",
        },
    },
    "mcnemar": {
        "name": {"fr": "Évolution des réponses oui/non", "en": "Change in yes/no answers"},
        "plain": {
            "fr": "Pour une question oui/non, on compte les personnes passées de « non » à "
            "« oui » et celles passées de « oui » à « non », et on vérifie si l’écart entre les "
            "deux dépasse ce que le hasard produirait.",
            "en": "For a yes/no question, the people who went from “no” to “yes” are compared "
            "with those who went from “yes” to “no”, to see whether the gap is larger than "
            "chance would give.",
        },
        "detail": {
            "fr": "Test de McNemar : binomial exact quand il y a moins de "
            "%(mcnemar_exact_below)s paires discordantes, sinon khi² avec correction de "
            "continuité ; différence de la part de « oui » avec l’intervalle d’Agresti–Min.",
            "en": "McNemar test: exact binomial when there are fewer than "
            "%(mcnemar_exact_below)s discordant pairs, otherwise chi-square with continuity "
            "correction; difference in the share of “yes” with the Agresti–Min interval.",
        },
    },
    "multiplicity": {
        "name": {"fr": "Correction pour tests multiples", "en": "Correction for many tests"},
        "plain": {
            "fr": "Plus on fait de tests, plus on risque de trouver une évolution par hasard. "
            "Les valeurs p sont donc corrigées pour l’ensemble des évolutions testées.",
            "en": "The more tests are run, the more likely one shows a change by chance alone. "
            "p-values are therefore adjusted over all the changes tested.",
        },
        "detail": {
            "fr": "Famille ajustée : l’évolution de chaque indicateur entre l’entrée et chaque "
            "temps suivant (un indicateur compte une fois, ses questions n’y sont pas) ; "
            "méthode de Holm (statsmodels multipletests), un p masqué compté comme 1. Les "
            "questions une à une et les comparaisons entre groupes sont exploratoires (p "
            "bruts). Les intervalles ne sont pas ajustés : un constat lit d’abord "
            "l’intervalle, puis le p ajusté.",
            "en": "Adjusted family: the change of each indicator between baseline and each "
            "later wave (an indicator counts once; its questions are not in it); Holm’s method "
            "(statsmodels multipletests), a withheld p counted as 1. Questions one by one and "
            "comparisons between groups are exploratory (raw p). Intervals are not adjusted: "
            "a verdict reads the interval first, then the adjusted p.",
        },
    },
    "attrition": {
        "name": {"fr": "Personnes perdues de vue", "en": "People lost to follow-up"},
        "plain": {
            "fr": "On vérifie si les personnes qui n’ont pas répondu au temps suivant allaient "
            "mieux ou moins bien au départ que celles qui ont continué : si c’est le cas, les "
            "évolutions sont à lire avec prudence.",
            "en": "We check whether the people who did not answer at the later wave were better "
            "or worse off at the start than those who stayed: if so, read the changes with "
            "care.",
        },
        "detail": {
            "fr": "Seules comptent les personnes dont le temps suivant était dû pendant la "
            "période ; celles dont l’invitation est encore ouverte ne sont ni suivies ni "
            "perdues. Écart des scores de départ (perdues − suivies) avec un intervalle de "
            "Welch : il décrit des niveaux de départ, pas des évolutions.",
            "en": "Only people whose later wave was due within the period count; those whose "
            "invitation is still open are neither followed nor lost. Difference in baseline "
            "scores (lost − followed) with a Welch interval: it describes starting levels, not "
            "changes.",
        },
    },
    "scales": {
        "name": {"fr": "Cohérence des questions", "en": "Consistency of the questions"},
        "plain": {
            "fr": "Vérifie que les questions d’un même indicateur mesurent bien la même chose : "
            "plus l’alpha est proche de 1, plus les réponses à ces questions vont dans le même "
            "sens.",
            "en": "Checks that the questions of one indicator measure the same thing: the "
            "closer alpha is to 1, the more the answers to those questions agree.",
        },
        "detail": {
            "fr": "Alpha de Cronbach par temps de mesure, sur les personnes ayant répondu à "
            "toutes les questions, avec l’intervalle de Feldt (loi F). Une échelle n’est dite "
            "fiable qu’à partir de 0,70.",
            "en": "Cronbach’s alpha per wave, on respondents who answered every item, with "
            "Feldt’s F-based interval. A scale is called reliable only from 0.70.",
        },
    },
    "trends": {
        "name": {"fr": "Évolution dans le temps", "en": "Trend over time"},
        "plain": {
            "fr": "Les réponses sont regroupées par mois, ou par trimestre quand il y en a trop "
            "peu par mois. Une période hors des limites de contrôle s’écarte plus que le "
            "hasard ne l’explique : il vaut la peine d’en chercher la cause.",
            "en": "Answers are grouped by month, or by quarter when there are too few per "
            "month. A period outside the control limits differs more than chance explains: it "
            "is worth looking for a cause.",
        },
        "detail": {
            "fr": "Regroupement choisi : %(period)s (en automatique : par mois, sauf si le nombre "
            "médian de répondants par mois est inférieur à %(min_monthly_median)s, alors par "
            "trimestre). Carte p de Shewhart : ligne centrale = part globale ; limites à "
            "3 écarts-types, ± 3 √(p(1 − p)/n_i), bornées à [0 ; 1].",
            "en": "Grouping: %(period)s (when automatic: by month, unless the median monthly "
            "number of respondents is below %(min_monthly_median)s, then by quarter). Shewhart "
            "p-chart: centre = pooled share; 3-sigma limits, ± 3 √(p(1 − p)/n_i), clipped to "
            "[0, 1].",
        },
    },
    "breakdowns": {
        "name": {"fr": "Comparaison entre groupes", "en": "Differences between groups"},
        "plain": {
            "fr": "Les résultats sont comparés entre sites, façons de répondre et langues, sur "
            "la dernière réponse de chaque personne. Le test dit si les écarts entre groupes "
            "pourraient n’être dus qu’au hasard. Les réponses données avec aide sont comparées "
            "à celles données seul·e, car l’aide peut rendre les réponses plus positives.",
            "en": "Results are compared across sites, ways of answering and languages, on each "
            "person’s latest response. The test says whether the gaps between groups could be "
            "due to chance alone. Answers given with help are compared with self-completed "
            "ones, as help can make answers more positive.",
        },
        "detail": {
            "fr": "Dans un seul temps de mesure (l’entrée par défaut), une réponse par personne ; "
            "tests exploratoires, non ajustés. Test du khi² quand tous les effectifs "
            "attendus sont d’au moins 5 (correction de Yates pour un tableau 2×2), sinon test "
            "exact de Fisher (2×2) ou de Fisher–Freeman–Halton avec une valeur p de "
            "Monte-Carlo sur %(monte_carlo_tables)s tableaux (graine %(seed)s).",
            "en": "Within one wave (baseline by default), one answer per person; exploratory "
            "tests, not adjusted. Chi-square test when all expected counts are at least 5 (Yates "
            "correction on a 2×2 table), otherwise Fisher’s exact test (2×2) or "
            "Fisher–Freeman–Halton with a Monte-Carlo p from %(monte_carlo_tables)s tables "
            "(seed %(seed)s).",
        },
    },
    "filters": {
        "name": {"fr": "Données prises en compte", "en": "Data included"},
        "plain": {
            "fr": "Réponses %(dates)s ; sites : %(sites)s.",
            "en": "Answers %(dates)s; sites: %(sites)s.",
        },
        "detail": {
            "fr": "Niveau de confiance des intervalles : %(level)s %%.",
            "en": "Confidence level of the intervals: %(level)s%%.",
        },
    },
}

#: How the analysis period option reads in the methods annex.
PERIOD_OPTION_LABELS: Mapping[str, Mapping[str, str]] = {
    "auto": {"fr": "automatique", "en": "automatic"},
    "month": {"fr": "mois", "en": "month"},
    "quarter": {"fr": "trimestre", "en": "quarter"},
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


def _fill(template: str, lang: str, values: Mapping[str, object]) -> str:
    template = template.replace("n = ", "n\u00a0=\u00a0").replace("(n < ", "(n\u00a0<\u00a0")
    template = template.replace("k = ", "k\u00a0=\u00a0")
    if lang == "fr":
        template = french_typography(template)
    if values:
        return template % values
    return template.replace("%%", "%")


def text(lang: str, key: str, **values: object) -> str:
    """The sentence ``key`` in ``lang`` with its named placeholders filled."""
    entry = TEXTS[key]
    return _fill(entry.get(lang) or entry["en"], lang, values)


def has_method_text(key: str) -> bool:
    """Whether the methods annex has its own words for the engine's method ``key``."""
    entry = METHOD_TEXTS.get(key)
    return bool(entry) and all(
        entry.get(part, {}).get(lang) for part in ("name", "plain", "detail") for lang in LANGUAGES
    )


def method_text(lang: str, key: str, part: str, **values: object) -> str:
    """Part ``name``, ``plain`` or ``detail`` of the method ``key`` in ``lang``, filled."""
    entry = METHOD_TEXTS[key][part]
    return _fill(entry.get(lang) or entry["en"], lang, values)


def label_of(labels: Mapping[str, Mapping[str, str]], key: str, lang: str) -> str:
    """Label of ``key`` in ``lang``, falling back to English, then to the key."""
    entry = labels.get(key)
    if not entry:
        return key
    return entry.get(lang) or entry.get("en") or key
