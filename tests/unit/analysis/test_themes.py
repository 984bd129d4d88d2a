"""analysis.themes: deterministic suggestions; report figures under the disclosure rule."""

from __future__ import annotations

import pytest

from analysis.intervals import wilson_interval
from analysis.themes import OpenAnswer, quote_is_safe, suggest_themes, theme_section, theme_share

HOUSING = [
    "Je cherche un logement depuis longtemps.",
    "Le logement est trop petit et humide.",
    "On attend un logement social.",
    "Sans logement on ne peut rien faire.",
    "Le logement social tarde beaucoup.",
]
WAITING = [
    "Trop d'attente pour un rendez-vous.",
    "Les rendez-vous sont trop espacés.",
    "Le rendez-vous arrive trop tard, attente.",
    "Attente trop longue au rendez-vous.",
    "Rendez-vous difficile à obtenir, attente.",
]


def test_suggestions_are_deterministic_and_separate_clear_topics():
    texts = HOUSING + WAITING
    first = suggest_themes(texts, n_themes=2)
    assert first == suggest_themes(texts, n_themes=2)
    groups = [set(theme.members) for theme in first]
    assert set(range(5)) in groups
    assert set(range(5, 10)) in groups
    assert {"logement"} <= set(first[[set(range(5)) == g for g in groups].index(True)].top_words)


def test_placeholders_and_stop_words_never_become_theme_words():
    texts = [f"[nom] m'a aidé pour le logement {i}" for i in range(6)] + WAITING
    words = {w for theme in suggest_themes(texts, n_themes=2) for w in theme.top_words}
    assert not words & {"nom", "le", "pour", "aidé m"}


def test_too_few_answers_give_no_suggestion():
    assert suggest_themes(["merci", "", "ok"]) == ()


def test_theme_share_follows_the_disclosure_rule():
    shown = theme_share(12, 40, 5)
    assert (shown.count, shown.suppressed) == (12, False)
    assert shown.low == pytest.approx(wilson_interval(12, 40).low)
    small_side = theme_share(3, 40, 5)
    assert (small_side.count, small_side.suppressed, small_side.bound) == (None, True, "< 5")
    almost_all = theme_share(38, 40, 5)
    assert (almost_all.count, almost_all.bound) == (None, "> 35")
    tiny = theme_share(2, 4, 5)
    assert (tiny.count, tiny.total, tiny.bound) == (None, None, None)


def _answers(site_sizes: dict[str, int], theme_every: int = 2) -> list[OpenAnswer]:
    answers = []
    for site, size in site_sizes.items():
        for i in range(size):
            answers.append(
                OpenAnswer(
                    person=f"{site}{i}",
                    site=site,
                    mode="assisted" if i % 3 == 0 else "self",
                    language="fr",
                    text=f"Le logement est difficile à trouver, dit {site} {'o' * (i + 1)}.",
                    themes=frozenset({"Logement"}) if i % theme_every == 0 else frozenset(),
                )
            )
    return answers


def test_sites_are_shown_only_when_every_site_has_k_people():
    assert theme_section(_answers({"a": 20, "b": 12}), ["Logement"], k=5).sites_shown
    section = theme_section(_answers({"a": 20, "b": 4}), ["Logement"], k=5)
    assert not section.sites_shown
    assert section.themes[0].by_site == ()


def test_quotes_never_come_from_a_small_site_nor_an_excluded_answer():
    answers = _answers({"big": 20, "small": 3})
    section = theme_section(answers, ["Logement"], k=5)
    quoted = set(section.themes[0].quotes)
    small_texts = {a.text for a in answers if a.site == "small"}
    assert quoted
    assert len(quoted) <= 3
    assert not quoted & small_texts
    excluded = [
        OpenAnswer(a.person, a.site, a.mode, a.language, a.text, a.themes, quotable=False)
        for a in answers
    ]
    assert theme_section(excluded, ["Logement"], k=5).themes[0].quotes == ()


def test_people_are_counted_once_and_comparisons_add_up():
    answers = _answers({"a": 30})
    answers += [
        OpenAnswer("a0", "a", "assisted", "fr", "encore le logement", frozenset({"Logement"}))
    ]
    figure = theme_section(answers, ["Logement"], k=5).themes[0]
    assert figure.overall.count == 15
    mode = figure.by_mode
    assert sum(s.count for s in mode.shares) == 15
    assert mode.p_value is not None


def test_no_p_value_beside_a_hidden_count():
    answers = _answers({"a": 30})
    answers += [OpenAnswer("e1", "a", "self", "en", "housing is hard", frozenset({"Logement"}))]
    figure = theme_section(answers, ["Logement"], k=5).themes[0]
    assert figure.by_language.shares[1].suppressed
    assert figure.by_language.p_value is None


@pytest.mark.parametrize(
    ("quote", "safe"),
    [
        ("Les rendez-vous sont trop espacés.", True),
        ("Grâce à vous j'ai mes droits à la CAF.", True),
        ("Merci à [nom] pour tout.", False),
        ("J'ai 3 enfants et pas de logement.", False),
        ("Merci à Bakari pour tout.", False),
        ("Trop long. " * 30, False),
        ("Bien. Très bien. Vraiment.", True),
    ],
)
def test_a_quote_with_anything_that_could_identify_is_refused(quote, safe):
    assert quote_is_safe(quote) is safe


def test_no_quote_in_a_language_fewer_than_k_people_used():
    answers = _answers({"a": 20})
    answers += [
        OpenAnswer(f"e{i}", "a", "self", "en", "Housing is so hard here.", frozenset({"Logement"}))
        for i in range(3)
    ]
    quotes = theme_section(answers, ["Logement"], k=5).themes[0].quotes
    assert quotes
    assert "Housing is so hard here." not in quotes


def test_a_bounded_site_cannot_be_worked_out_from_the_overall_figure():
    """Overall 13 of 100 and site a 10 of 80 shown exactly would give site b's 3 of 20.

    Hundepool et al. (2012) §4.4: a table and its margin are protected together.
    """
    answers = []
    for site, size, raised in (("a", 80, 10), ("b", 20, 3)):
        for i in range(size):
            answers.append(
                OpenAnswer(
                    person=f"{site}{i}",
                    site=site,
                    mode="self",
                    language="fr",
                    text="Le logement est difficile.",
                    themes=frozenset({"Logement"}) if i < raised else frozenset(),
                )
            )
    figures = theme_section(answers, ["Logement"], k=5).themes[0]
    shown = dict(figures.by_site)
    assert shown["b"].count is None
    exact = [s for s in (figures.overall, shown["a"]) if s.count is not None]
    assert len(exact) < 2, "site b = overall − site a"
