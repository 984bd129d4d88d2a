"""XLSForm import reports every problem of a workbook in one pass.

Errors found while reading the sheets (unknown list, bad values…) do not hide
the definition-level problems (duplicate keys, indicators…): both are reported
together, each with its sheet, row and column. Missing translations and
settings are not problems: they are filled in, and each is noted with its cell.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

import questionnaires as qn
from questionnaires import DefinitionError, Issue

LABELS = ["label::French (fr)", "label::English (en)"]
CHOICES = [
    ["list_name", "name", *LABELS],
    ["yn", "yes", "Oui", "Yes"],
    ["yn", "no", "Non", "No"],
]
SETTINGS = [
    [
        "form_id",
        "form_title",
        "ecoute::title::English (en)",
        "ecoute::intro::French (fr)",
        "ecoute::intro::English (en)",
        "ecoute::consent::French (fr)",
        "ecoute::consent::English (en)",
    ],
    ["form", "Titre", "Title", "Bonjour.", "Hello.", "Vous choisissez.", "You choose."],
]


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def problems(data: bytes, **kwargs: Any) -> list[Issue]:
    with pytest.raises(DefinitionError) as caught:
        qn.read_xlsform(data, filename="f.xlsx", **kwargs)
    issues = caught.value.issues
    assert len(issues) == len(set(issues)), "an issue is reported twice"
    return issues


def located(issues: list[Issue]) -> list[tuple[str, str]]:
    return [(i.location, i.code) for i in issues]


def noted(data: bytes, **kwargs: Any) -> list[tuple[str, str]]:
    """The notes of an import that succeeds: what was filled in, located."""
    result = qn.read_xlsform(data, filename="f.xlsx", **kwargs)
    return located(result.notes)


def test_structural_error_does_not_hide_the_definition_rules():
    """The reproducer: unknown list on R2, empty English label on R3, no settings:
    the error is reported; the missing texts would only be filled (notes)."""
    data = workbook(
        {
            "survey": [
                ["type", "name", *LABELS],
                ["select_one nolist", "q1", "Un", "One"],
                ["integer", "q2", "Deux", "", "${q1} = 'x'"],
            ],
            "choices": CHOICES,
        }
    )
    assert problems(data) == [
        Issue(
            'f.xlsx, survey!R2 column A "type"',
            "list 'nolist' is not in the choices sheet",
            "unknown_list",
        ),
    ]


SURVEY_HEADER = ["type", "name", *LABELS, "relevant", "ecoute::indicator", "ecoute::positive"]


def several_problems() -> bytes:
    survey = [
        SURVEY_HEADER,
        [
            "select_one yn",
            "likes",
            "Aimez-vous ?",
            "Do you like it?",
            None,
            "satisfaction",
            "yes maybe",
        ],  # R2 positive code
        ["slider", "level", "Niveau", "Level"],  # R3 unknown type
        ["text", "why", "Pourquoi ?", "Why?", "${likes} > 'yes'"],  # R4 bad relevant
        ["text", "why", "Encore ?", "Again?"],  # R5 duplicate name
        ["integer", "age", "Âge", None],  # R6 no English
        ["select_one nolist", "pick", "Choix", "Pick", "${likes} = 'yes'"],  # R7 unknown list
        ["text", "after", "Après", "After", "${pick} = 'x'"],  # R8 fine
    ]
    return workbook({"survey": survey, "choices": CHOICES, "settings": SETTINGS})


@pytest.mark.parametrize("accept_ignored", [False, True])
def test_independent_problems_in_different_rows_are_each_reported_once(accept_ignored):
    issues = problems(several_problems(), accept_ignored=accept_ignored)
    assert located(issues) == [
        # errors, in row order…
        ('f.xlsx, survey!R2 column G "ecoute::positive"', "unknown_positive_code"),
        ('f.xlsx, survey!R5 column B "name"', "duplicate_key"),
        ('f.xlsx, survey!R7 column A "type"', "unknown_list"),
        # …then the constructs that would be dropped.
        ('f.xlsx, survey!R3 column A "type"', "unknown_type"),
        ('f.xlsx, survey!R4 column E "relevant"', "unsupported_relevant"),
    ]
    assert "positive code 'maybe' is not among the choices (yes, no)" in issues[0].message


def test_missing_translations_are_filled_and_named_with_their_column_in_every_sheet():
    survey = [
        ["type", "name", *LABELS, "hint::French (fr)", "hint::English (en)"],
        ["select_one yn", "a", "A", None, "Aide", None],
        ["begin group", "g", "Groupe", None],
        ["text", "b", "B", "B"],
        ["end group"],
    ]
    choices = [
        ["list_name", "name", *LABELS],
        ["yn", "yes", "Oui", None],
        ["yn", "no", "Non", "No"],
    ]
    settings = [[*SETTINGS[0], "ecoute::title::French (fr)"], [*SETTINGS[1], None]]
    settings[1][2] = None  # no English title, no French one besides the empty cell
    settings[1][1] = None
    data = workbook({"survey": survey, "choices": choices, "settings": settings})
    assert noted(data) == [
        ('f.xlsx, survey!R2 column D "label::English (en)"', "translation_filled"),
        ('f.xlsx, survey!R2 column F "hint::English (en)"', "translation_filled"),
        ('f.xlsx, survey!R3 column D "label::English (en)"', "translation_filled"),
        ('f.xlsx, choices!R2 column D "label::English (en)"', "translation_filled"),
        ('f.xlsx, settings!R2 column C "ecoute::title::English (en)"', "title_from_filename"),
        ('f.xlsx, settings!R2 column H "ecoute::title::French (fr)"', "title_from_filename"),
    ]
    q = qn.read_xlsform(data, filename="f.xlsx").questionnaire
    assert q.question("a").label == {"fr": "A", "en": "A"}
    assert q.question("a").help == {"fr": "Aide", "en": "Aide"}
    assert q.question("a").choices[0].label == {"fr": "Oui", "en": "Oui"}
    assert q.title == {"fr": "f", "en": "f"}


def test_a_language_without_a_column_names_the_column_to_add():
    data = workbook(
        {
            "survey": [["type", "name", "label::French (fr)"], ["select_one yn", "a", "A"]],
            "choices": CHOICES,
            "settings": SETTINGS,
        }
    )
    assert noted(data) == [
        ('f.xlsx, survey!R2 column "label::English (en)"', "translation_filled"),
    ]


def test_an_empty_survey_is_refused_and_missing_settings_are_not_problems():
    data = workbook({"survey": [["type", "name", "label"]]})
    assert located(problems(data)) == [("f.xlsx, survey", "empty_survey")]


def test_broken_selects_keep_the_rest_of_their_row_checked():
    survey = [
        ["type", "name", *LABELS, "ecoute::type", "ecoute::prefer_not_to_answer"],
        ["select_one", "a", "A", None],  # no list name
        ["select_one yn", "b", "B", "B", "agreement"],  # codes of yn are not 1…5
        ["select_multiple nolist", "c", None, "C"],  # unknown list
        ["text", "d", "D", "D", None, "perhaps"],  # not yes or no
    ]
    data = workbook({"survey": survey, "choices": CHOICES, "settings": SETTINGS})
    assert located(problems(data)) == [
        ('f.xlsx, survey!R2 column A "type"', "missing_list"),
        ('f.xlsx, survey!R3 column A "type"', "builtin_codes_mismatch"),
        ('f.xlsx, survey!R4 column A "type"', "unknown_list"),
        ('f.xlsx, survey!R5 column F "ecoute::prefer_not_to_answer"', "invalid_value"),
    ]


def test_a_bad_score_is_reported_alone_with_the_other_problems():
    choices = [
        ["list_name", "name", *LABELS, "ecoute::score"],
        ["yn", "yes", "Oui", "Yes", "1"],
        ["yn", "no", "Non", "No", "zero"],
    ]
    survey = [["type", "name", *LABELS], ["select_one yn", "a", "A", "A"], ["text", "a", "B", "B"]]
    data = workbook({"survey": survey, "choices": choices, "settings": SETTINGS})
    assert located(problems(data)) == [
        ('f.xlsx, survey!R3 column B "name"', "duplicate_key"),
        ('f.xlsx, choices!R3 column E "ecoute::score"', "invalid_score"),
    ]


def test_missing_form_id_takes_the_key_from_the_file_name():
    settings = [SETTINGS[0], [None, *SETTINGS[1][1:]]]
    survey = [["type", "name", *LABELS], ["text", "a", "A", "A"], ["text", "a", "B", "B"]]
    data = workbook({"survey": survey, "choices": CHOICES, "settings": settings})
    assert located(problems(data)) == [('f.xlsx, survey!R3 column B "name"', "duplicate_key")]
    survey.pop()
    data = workbook({"survey": survey, "choices": CHOICES, "settings": settings})
    result = qn.read_xlsform(data, filename="Enquête Foyer 2024.xlsx")
    assert result.questionnaire.key == "enquete-foyer-2024"
    assert located(result.notes) == [("Enquête Foyer 2024.xlsx", "key_from_filename")]


def test_same_language_missing_in_label_and_hint_of_one_row_are_two_notes():
    survey = [
        ["type", "name", *LABELS, "hint::French (fr)", "hint::English (en)"],
        ["text", "a", "A", None, "Aide", None],
    ]
    data = workbook({"survey": survey, "choices": CHOICES, "settings": SETTINGS})
    assert len(noted(data)) == 2


def test_a_form_without_problems_still_imports():
    survey = [["type", "name", *LABELS], ["select_one yn", "a", "A", "A"]]
    data = workbook({"survey": survey, "choices": CHOICES, "settings": SETTINGS})
    result = qn.read_xlsform(data, filename="f.xlsx")
    assert result.ignored == []
    assert result.questionnaire.key == "form"
