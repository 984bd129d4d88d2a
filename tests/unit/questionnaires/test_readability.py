"""Readability of respondent-facing texts (textstat Flesch reading ease + length)."""

from __future__ import annotations

import pytest
import textstat

import questionnaires as qn
from questionnaires import readability


@pytest.mark.parametrize("key", qn.builtin_keys())
def test_builtin_texts_are_easy_to_read(key):
    problems = readability.check_questionnaire(qn.load_builtin(key))
    assert problems == [], "hard or long sentences:\n" + "\n".join(map(str, problems))


def test_every_builtin_text_is_checked():
    q = qn.load_builtin("impact-baseline")
    locations = {loc for loc, _, _ in readability.respondent_texts(q)}
    assert "intro [fr]" in locations
    assert "consent [en]" in locations
    assert "question recommend help [fr]" in locations
    assert "question listen_heard label [en]" in locations
    assert "section listening title [fr]" in locations
    assert "question ctx_age choice _pna [fr]" in locations  # "Je préfère ne pas répondre"
    assert "question ctx_since choice gt_1y [fr]" not in locations  # 3 words: a fragment


@pytest.mark.parametrize(
    "sentence",
    [
        "La personne qui m'aide m'écoute vraiment.",
        "Vos réponses sont confidentielles.",
        "Il n'y a pas de bonne ou de mauvaise réponse.",
        "L'accompagnement socio-éducatif pluridisciplinaire conditionne l'autonomisation.",
    ],
)
def test_french_score_is_textstats(sentence):
    textstat.set_lang("fr")
    assert readability.reading_ease(sentence, "fr") == pytest.approx(
        textstat.flesch_reading_ease(sentence)
    )


def test_check_texts_reports_every_failing_sentence_with_its_location():
    texts = [
        (
            "page intro [fr]",
            "Bonjour. L'accompagnement socio-éducatif pluridisciplinaire "
            "conditionne l'autonomisation administrative.",
            "fr",
        ),
        ("page help [en]", "Short and clear. " + " ".join(["word"] * 16) + ".", "en"),
        ("page ok [en]", "You can stop at any time.", "en"),
        (
            "page hard [en]",
            "Organisational interoperability necessitates comprehensive documentation.",
            "en",
        ),
    ]
    found = readability.check_texts(texts)
    assert [(i.location, i.code) for i in found] == [
        ("page intro [fr]", "hard_to_read"),
        ("page help [en]", "sentence_too_long"),
        ("page hard [en]", "hard_to_read"),
    ]
    assert "conditionne" in found[0].message
    assert found[1].message.startswith("16 words (max 15)")


def test_limits_can_be_changed():
    texts = [("x", "Je peux faire mes papiers sans aide.", "fr")]
    assert readability.check_texts(texts) == []
    assert [i.code for i in readability.check_texts(texts, max_words=5)] == ["sentence_too_long"]
    assert [i.code for i in readability.check_texts(texts, min_reading_ease=130)] == [
        "hard_to_read"
    ]


def test_fragments_are_not_scored():
    assert readability.check_texts([("x", "Confidentialité.", "fr")]) == []


def test_sentences_are_split_on_punctuation_and_lines():
    assert readability.split_sentences("Un. Deux ? Trois !\nQuatre : cinq") == [
        "Un.",
        "Deux ?",
        "Trois !",
        "Quatre :",
        "cinq",
    ]
