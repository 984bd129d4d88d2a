"""Shared fixtures: small, valid definitions that each test breaks on purpose."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

Definition = dict[str, Any]


def _both(fr: str, en: str) -> dict[str, str]:
    return {"fr": fr, "en": en}


MINIMAL: Definition = {
    "schema": "ecoute-questionnaire/1",
    "key": "demo",
    "languages": ["fr", "en"],
    "title": _both("Démo", "Demo"),
    "intro": _both("Bonjour.", "Hello."),
    "consent": _both("Vous répondez si vous voulez.", "You answer if you want."),
    "sections": [
        {
            "key": "main",
            "questions": [
                {
                    "key": "heard",
                    "type": "agreement",
                    "label": _both("On m'écoute.", "I am heard."),
                    "indicator": "listening",
                },
                {"key": "help_ok", "type": "yes_no", "label": _both("Aidé ?", "Helped?")},
                {
                    "key": "colour",
                    "type": "single_choice",
                    "label": _both("Couleur ?", "Colour?"),
                    "choices": [
                        {"code": "red", "label": _both("Rouge", "Red")},
                        {"code": "blue", "label": _both("Bleu", "Blue")},
                    ],
                },
            ],
        }
    ],
}

#: Every feature of the format at least once (used for round trips).
FULL: Definition = {
    "schema": "ecoute-questionnaire/1",
    "key": "full-demo",
    "version": "3",
    "languages": ["fr", "en"],
    "title": _both("Tout", "Everything"),
    "intro": _both("Intro.", "Intro."),
    "consent": _both("Consentement.", "Consent."),
    "sections": [
        {
            "key": "first",
            "title": _both("Premier", "First"),
            "questions": [
                {
                    "key": "agree",
                    "type": "agreement",
                    "label": _both("A", "A"),
                    "help": _both("Aide", "Help"),
                    "required": True,
                    "prefer_not_to_answer": True,
                    "indicator": "listening",
                    "polarity": "negative",
                    "positive": ["1", "2"],
                },
                {
                    "key": "nps",
                    "type": "rating",
                    "label": _both("N", "N"),
                    "indicator": "recommendation",
                },
                {"key": "yn", "type": "yes_no", "label": _both("O", "Y"), "indicator": "wellbeing"},
                {
                    "key": "pick",
                    "type": "single_choice",
                    "label": _both("P", "P"),
                    "prefer_not_to_answer": True,
                    "choices": [
                        {"code": "a", "label": _both("A", "A"), "score": 1},
                        {"code": "b", "label": _both("B", "B"), "score": 2.5},
                        {"code": "c", "label": _both("C", "C"), "score": -1},
                    ],
                    "indicator": "satisfaction",
                    "positive": ["b"],
                },
                {
                    "key": "many",
                    "type": "multiple_choice",
                    "label": _both("M", "M"),
                    "choices": [
                        {"code": "x", "label": _both("X", "X")},
                        {"code": "y", "label": _both("Y", "Y")},
                    ],
                },
            ],
        },
        {
            "key": "second",
            "questions": [
                {
                    "key": "count",
                    "type": "integer",
                    "label": _both("C", "C"),
                    "min": 0,
                    "max": 12,
                    "show_if": {"question": "yn", "in": ["yes"]},
                },
                {
                    "key": "short",
                    "type": "text_short",
                    "label": _both("S", "S"),
                    "show_if": {
                        "any": [
                            {"question": "many", "in": ["x", "y"]},
                            {"question": "pick", "not_in": ["a"]},
                        ]
                    },
                },
                {
                    "key": "long",
                    "type": "text_long",
                    "label": _both("L", "L"),
                    "show_if": {
                        "all": [
                            {"question": "agree", "in": ["4", "5", "_pna"]},
                            {"question": "many", "not_in": ["x", "y"]},
                        ]
                    },
                },
                {"key": "info", "type": "note", "label": _both("Note", "Note")},
            ],
        },
    ],
}


@pytest.fixture
def minimal() -> Callable[[], Definition]:
    """A factory: each call returns a fresh deep copy of a valid definition."""
    return lambda: copy.deepcopy(MINIMAL)


@pytest.fixture
def full() -> Callable[[], Definition]:
    return lambda: copy.deepcopy(FULL)


def _pyxform_problem(q: Any) -> str:
    """Empty when ``q``'s export converts with pyxform without error or warning
    and reads back unchanged."""
    import io
    import warnings as warnings_module

    from pyxform.xls2xform import convert

    import questionnaires

    exported = questionnaires.write_xlsform(q)
    found: list[str] = []
    try:
        with warnings_module.catch_warnings():
            warnings_module.simplefilter("ignore")  # openpyxl on styles
            convert(xlsform=io.BytesIO(exported), warnings=found)
    except Exception as error:
        return f"pyxform refuses the export: {error}"
    if found:
        return f"pyxform warns: {found}"
    again = questionnaires.xlsform.read_xlsform(exported, filename=f"{q.key}.xlsx")
    return "" if again.questionnaire == q else "the export reads back different"


@pytest.fixture(autouse=True)
def every_imported_form_exports_to_what_pyxform_accepts(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Any:
    """Every questionnaire an XLSForm test imports is exported after the test:
    pyxform must convert the export without error or warning, and it must read
    back unchanged (the corpus test checks its own forms)."""
    import questionnaires

    module = request.node.module.__name__
    if ("xlsform" not in module and "hostile" not in module) or "corpus" in module:
        yield
        return
    imported: list[Any] = []
    real = questionnaires.read_xlsform

    def recording(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        imported.append(result.questionnaire)
        return result

    monkeypatch.setattr(questionnaires, "read_xlsform", recording)
    yield
    monkeypatch.undo()
    problems = [(q.key, _pyxform_problem(q)) for q in imported]
    assert [p for p in problems if p[1]] == []
