"""Readability checks for texts shown to respondents.

Each sentence is checked for length (at most ``max_words`` words, 15 by
default, after the French "FALC" easy-to-read guidance) and, when it has at
least :data:`MIN_WORDS_SCORED` words, for Flesch reading ease (at least
``min_reading_ease``, 70 by default: "easy").

The score is textstat's Flesch reading ease with textstat's per-language
constants (French: Kandel & Moles, 207 − 1.015 × words/sentence − 73.6 ×
syllables/word) and textstat's word splitting. Syllables are counted as
textstat does when its pronunciation dictionary has no entry: hyphenation
points (pyphen) + 1. For French that is exactly what textstat does; for
English textstat would first look words up in NLTK's CMU dictionary, which it
downloads at run time — a server must not fetch data over the network, so
English uses the pyphen path too. Scores therefore equal textstat's for French
(a unit test checks this) and may differ slightly for English.

Flesch formulas are unreliable on fragments, hence no score under
:data:`MIN_WORDS_SCORED` words (choice labels such as "Pas d'accord").

textstat (and pyphen) are imported lazily: they are needed only by callers
of these functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from .model import Issue, Questionnaire

MIN_WORDS_SCORED = 4
DEFAULT_MIN_READING_EASE = 70.0
DEFAULT_MAX_WORDS = 15

_SENTENCE_END = re.compile(r"(?<=[.!?…:;])\s+|\n+")


def split_sentences(text: str) -> list[str]:
    """Split on sentence-ending punctuation (and ``:``/``;``) and on line breaks."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


@cache
def _hyphenator(lang: str) -> Any:
    import pyphen

    return pyphen.Pyphen(lang={"fr": "fr", "en": "en_US"}[lang])


def _words(text: str) -> list[str]:
    from textstat.backend.selections import list_words

    words: list[str] = list_words(text, lowercase=True)
    return words


def count_syllables(word: str, lang: str) -> int:
    return len(_hyphenator(lang).positions(word)) + 1


def reading_ease(sentence: str, lang: str) -> float:
    """Flesch reading ease of one sentence (see the module docstring)."""
    from textstat.backend.utils.constants import LANG_CONFIGS

    words = _words(sentence)
    if not words:
        return 0.0
    syllables = sum(count_syllables(w, lang) for w in words)
    cfg = {**LANG_CONFIGS["en"], **LANG_CONFIGS.get(lang, {})}
    return float(
        cfg["fre_base"]
        - cfg["fre_sentence_length"] * len(words)
        - cfg["fre_syll_per_word"] * syllables / len(words)
    )


def word_count(sentence: str) -> int:
    return len(_words(sentence))


def check_texts(
    texts: Iterable[tuple[str, str, str]],
    *,
    min_reading_ease: float = DEFAULT_MIN_READING_EASE,
    max_words: int = DEFAULT_MAX_WORDS,
) -> list[Issue]:
    """Check ``(location, text, lang)`` triples; one Issue per failing sentence.

    ``lang`` is ``fr`` or ``en``. Issue codes: ``sentence_too_long``,
    ``hard_to_read``.
    """
    issues: list[Issue] = []
    for location, text, lang in texts:
        for sentence in split_sentences(text):
            n = word_count(sentence)
            if n > max_words:
                issues.append(
                    Issue(
                        location, f"{n} words (max {max_words}): «{sentence}»", "sentence_too_long"
                    )
                )
            if n >= MIN_WORDS_SCORED:
                ease = reading_ease(sentence, lang)
                if ease < min_reading_ease:
                    issues.append(
                        Issue(
                            location,
                            f"reading ease {ease:.0f} (min {min_reading_ease:.0f}): «{sentence}»",
                            "hard_to_read",
                        )
                    )
    return issues


def respondent_texts(q: Questionnaire) -> Iterator[tuple[str, str, str]]:
    """Every text a respondent reads, as ``(location, text, lang)``.

    Choice labels of built-in scales are included; choice labels of three
    words or fewer are skipped (fragments, not sentences).
    """
    for lang in q.languages:
        yield f"title [{lang}]", q.title[lang], lang
        yield f"intro [{lang}]", q.intro[lang], lang
        yield f"consent [{lang}]", q.consent[lang], lang
        for section in q.sections:
            if section.title:
                yield f"section {section.key} title [{lang}]", section.title[lang], lang
            for question in section.questions:
                yield f"question {question.key} label [{lang}]", question.label[lang], lang
                if question.help:
                    yield f"question {question.key} help [{lang}]", question.help[lang], lang
                for choice in question.choices_for_display(lang):
                    if word_count(choice.label) > 3:
                        yield (
                            f"question {question.key} choice {choice.code} [{lang}]",
                            choice.label,
                            lang,
                        )


def check_questionnaire(q: Questionnaire, **limits: Any) -> list[Issue]:
    """:func:`check_texts` over :func:`respondent_texts`."""
    return check_texts(respondent_texts(q), **limits)
