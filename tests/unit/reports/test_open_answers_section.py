"""The report section "In their own words" (issue 17): view model and partial, fr and en."""

from __future__ import annotations

import pytest

from analysis.themes import OpenAnswer, theme_section
from reports.open_answers import open_answers_view
from reports.render import _ENVIRONMENT


def _section(english_people: int = 2):
    answers = [
        OpenAnswer(
            f"p{i}",
            "a" if i % 2 else "b",
            "self" if i % 4 else "assisted",
            "fr",
            f"Le logement est trop petit, dit {'o' * (i + 1)}.",
            frozenset({"Logement"}) if i % 2 == 0 else frozenset(),
        )
        for i in range(30)
    ]
    answers += [
        OpenAnswer(f"e{i}", "a", "self", "en", "Housing is hard.", frozenset({"Logement"}))
        for i in range(english_people)
    ]
    return theme_section(answers, ["Logement"], k=5)


@pytest.mark.parametrize(
    ("lang", "title"), [("fr", "Avec leurs propres mots"), ("en", "In their own words")]
)
def test_section_renders_counts_quotes_and_bias(lang, title):
    view = open_answers_view(_section(), lang, {"a": "Site A", "b": "Site B"})
    html = _ENVIRONMENT.get_template("_open_answers.html").render(
        report={"open_answers": view}, suppressed="–"
    )
    assert title in html
    assert "Logement" in html
    assert "Site A" in html  # both sites have at least k people
    assert html.count('<blockquote class="quote">') == 3
    # Two people answered in English: nothing about them is shown, and no p value.
    line = next(b for b in view["bias"] if ("anglais" in b or "English" in b))
    assert ("masqué en anglais" in line) or ("suppressed in English" in line)
    assert "p =" not in line


def test_a_small_side_is_shown_as_a_bound_without_p_value():
    # 12 English speakers, all raising the theme: a bound (n ≥ 2k − 1), never 12/12;
    # French is then withheld too, or English would follow from the overall figure.
    view = open_answers_view(_section(english_people=12), "en")
    line = next(b for b in view["bias"] if "English" in b)
    assert "more than 7/12 in English" in line
    assert "15/30" not in line
    assert "p =" not in line


def test_no_validated_theme_says_so():
    view = open_answers_view(
        theme_section([OpenAnswer("p", "a", "self", "fr", "ok", frozenset())], [], k=5), "en"
    )
    assert view["none"] == "No theme has been validated by the quality team yet."
    assert view["table"] is None


def test_no_open_answer_no_section():
    assert open_answers_view(None, "fr") is None
    assert open_answers_view(theme_section([], [], k=5), "fr") is None
