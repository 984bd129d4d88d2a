"""Ordinary KoboToolbox / ODK forms: names, headers, constructs and what is said."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import questionnaires as qn
from questionnaires import Clause, Condition, DefinitionError

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "data" / "xlsforms"


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


def read(sheets: dict[str, list[list[Any]]], **kwargs: Any) -> qn.XLSFormImport:
    return qn.read_xlsform(workbook(sheets), filename="form.xlsx", **kwargs)


def located(issues: list[qn.Issue]) -> list[tuple[str, str]]:
    return [(i.location, i.code) for i in issues]


YES_NO = [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]


def test_list_names_keep_their_case_and_the_list_name_header_may_have_a_space():
    result = read(
        {
            "survey": [["type", "name", "label"], ["select_one Sex", "P_Sex", "Sex"]],
            "choices": [["list name", "name", "label"], ["Sex", "F", "F"], ["sex", "x", "x"]],
        }
    )
    question = result.questionnaire.question("P_Sex")
    assert [c.code for c in question.choices] == ["F"]


def test_a_list_differing_only_in_case_is_not_taken_for_another():
    with pytest.raises(DefinitionError) as caught:
        read(
            {
                "survey": [["type", "name", "label"], ["select_one Sex", "s", "Sex"]],
                "choices": [["list_name", "name", "label"], ["sex", "f", "F"]],
            }
        )
    assert [i.message for i in caught.value.issues] == ["list 'Sex' is not in the choices sheet"]


@pytest.mark.parametrize("name", ["P_Enumerator", "S1", "my-group", "écoute.1", "_x", "Ω"])
def test_every_xlsform_name_is_a_key(name):
    result = read(
        {
            "survey": [
                ["type", "name", "label"],
                ["begin group", name, "G"],
                ["text", name, "Q"],
                ["end group"],
            ]
        }
    )
    assert result.questionnaire.sections[0].key == name
    assert result.questionnaire.questions[0].key == name


@pytest.mark.parametrize("name", ["1a", "-a", ".a", "a b", "a/b"])
def test_invalid_xlsform_names_are_refused(name):
    with pytest.raises(DefinitionError) as caught:
        read({"survey": [["type", "name", "label"], ["text", name, "Q"]]})
    assert [i.code for i in caught.value.issues] == ["invalid_key"]


def test_unicode_choice_codes_and_names_differing_in_case_across_groups():
    result = read(
        {
            "survey": [
                ["type", "name", "label"],
                ["begin group", "g1", "One"],
                ["select_one c", "q", "Q"],
                ["end group"],
                ["begin group", "g2", "Two"],
                ["text", "Q", "Again"],
                ["end group"],
            ],
            "choices": [["list_name", "name", "label"], ["c", "grün", "Grün"], ["c", "ü", "Ü"]],
        }
    )
    q = result.questionnaire
    assert [c.code for c in q.question("q").choices] == ["grün", "ü"]
    assert q.question("Q_2").label == {"fr": "Again"}
    assert ('form.xlsx, survey!R6 column B "name"', "renamed_duplicate") in located(result.notes)


def test_duplicate_text_columns_for_one_language_are_reported_with_their_column():
    with pytest.raises(DefinitionError) as caught:
        read(
            {
                "survey": [
                    ["type", "name", "label::English (en)", "label::English"],
                    ["text", "a", "First", "Second"],
                ],
            }
        )
    assert located(caught.value.issues) == [
        ('form.xlsx, survey column D "label::English"', "duplicate_column")
    ]
    assert "English text of column C" in caught.value.issues[0].message


def test_plain_label_in_the_default_language_beside_its_named_column_is_a_duplicate():
    sheets = {
        "survey": [["type", "name", "label", "label::French"], ["text", "a", "Un", "Deux"]],
        "settings": [["default_language"], ["French"]],
    }
    result = read(sheets, accept_ignored=True)
    assert result.questionnaire.question("a").label == {"fr": "Un"}
    assert located(result.ignored) == [
        ('form.xlsx, survey column D "label::French"', "duplicate_column")
    ]


def test_references_in_texts_are_removed_and_listed_and_refused_in_definitions(minimal):
    result = read(
        {
            "survey": [
                ["type", "name", "label"],
                ["text", "first", "Name?"],
                ["note", "hi", "Hello ${first}!"],
            ]
        },
        accept_ignored=True,
    )
    assert result.questionnaire.question("hi").label == {"fr": "Hello …!"}
    assert located(result.ignored) == [
        ('form.xlsx, survey!R3 column C "label"', "answer_reference")
    ]
    data = minimal()
    data["title"]["fr"] = "Bonjour ${first}"
    with pytest.raises(DefinitionError) as caught:
        qn.load_definition(data)
    assert [i.code for i in caught.value.issues] == ["answer_reference"]


def test_every_unread_sheet_with_content_is_listed():
    result = read(
        {
            "survey": [["type", "name", "label"], ["text", "a", "A"]],
            "entities": [["list_name", "label"], ["people", "${a}"]],
            "external_choices": [["list_name", "name"]],
            "empty": [],
        },
        accept_ignored=True,
    )
    assert located(result.ignored) == [
        ("form.xlsx, entities", "unsupported_sheet"),
        ("form.xlsx, external_choices", "unsupported_sheet"),
    ]


def test_or_other_adds_the_choice_and_the_question_pyxform_adds():
    result = read(
        {
            "survey": [
                ["type", "name", "label::English (en)"],
                ["select_one yn or_other", "s", "S"],
            ],
            "choices": [["list_name", "name", "label::English (en)"], ["yn", "yes", "Yes"]],
        }
    )
    q = result.questionnaire
    assert [c.code for c in q.question("s").choices] == ["yes", "other"]
    assert q.question("s").choices[1].label == {"en": "Other"}
    other = q.question("s_other")
    assert other.type == "text_short"
    assert other.show_if == Condition((Clause("s", ("other",)),))


@pytest.mark.parametrize(
    ("parameters", "expected"),
    [
        ("start=0 end=10 step=1", ("rating", None, None)),
        ("start=1 end=5", ("integer", 1, 5)),
        (None, ("integer", 1, 10)),
    ],
)
def test_range_becomes_a_rating_when_it_fits_else_a_bounded_number(parameters, expected):
    result = read(
        {"survey": [["type", "name", "label", "parameters"], ["range", "r", "R", parameters]]}
    )
    q = result.questionnaire.question("r")
    assert (q.type, q.min, q.max) == expected


@pytest.mark.parametrize(
    ("parameters", "expected", "where"),
    [
        ("start=0 end=100 step=10", ("integer", 0, 100), "unsupported_range_step"),
        ("start=0 end=1 step=0.1", ("decimal", None, None), "unsupported_range_step"),
        ("start=a", None, "unsupported_range"),
    ],
)
def test_other_ranges_keep_the_question_and_list_what_is_lost(parameters, expected, where):
    sheets = {
        "survey": [
            ["type", "name", "label", "parameters"],
            ["range", "r", "R", parameters],
            ["text", "t", "T"],
        ]
    }
    with pytest.raises(DefinitionError) as caught:
        read(sheets)
    assert located(caught.value.issues) == [('form.xlsx, survey!R2 column D "parameters"', where)]
    q = read(sheets, accept_ignored=True).questionnaire
    if expected is None:
        assert [x.key for x in q.questions] == ["t"]
    else:
        r = q.question("r")
        assert (r.type, r.min, r.max) == expected


def test_default_language_of_settings_and_the_import_option():
    sheets = {"survey": [["type", "name", "label"], ["text", "a", "Hello"]]}
    assert read(sheets).questionnaire.languages == ("fr",)
    assert read(sheets, default_language="en").questionnaire.languages == ("en",)
    sheets["settings"] = [["default_language"], ["English (en)"]]
    assert read(sheets).questionnaire.languages == ("en",)


def test_a_form_in_another_language_only_is_refused_with_the_reason():
    sheets = {
        "survey": [["type", "name", "label"], ["text", "a", "Hola"]],
        "settings": [["default_language"], ["Español (es)"]],
    }
    with pytest.raises(DefinitionError) as caught:
        read(sheets, accept_ignored=True)
    assert located(caught.value.issues) == [
        ("form.xlsx", "no_supported_language"),
        ('form.xlsx, survey!R2 column C "label"', "unsupported_language"),
    ]


def test_a_question_without_label_takes_its_hint_or_its_name_said_in_notes():
    result = read(
        {
            "survey": [
                ["type", "name", "label", "hint"],
                ["text", "a", None, "Write here"],
                ["text", "b", None, None],
            ]
        }
    )
    q = result.questionnaire
    assert q.question("a").label == {"fr": "Write here"}
    assert not q.question("a").help
    assert q.question("b").label == {"fr": "b"}
    assert [c for _, c in located(result.notes)].count("no_label") == 2


def test_form_id_is_normalised_into_a_key_and_said():
    result = read(
        {
            "survey": [["type", "name", "label"], ["text", "a", "A"]],
            "settings": [["form_id", "form_title"], ["Suivi_Bénéficiaires v2", "Suivi"]],
        }
    )
    assert result.questionnaire.key == "suivi_beneficiaires-v2"
    assert result.questionnaire.title == {"fr": "Suivi"}
    assert ('form.xlsx, settings!R2 column A "form_id"', "key_normalised") in located(result.notes)


def test_legacy_xls_workbooks_are_read():
    path = CORPUS / "kobocat" / "tutorial.xls"
    result = qn.read_xlsform(path.read_bytes(), filename=path.name, accept_ignored=True)
    assert result.questionnaire.questions


def test_a_hint_standing_in_for_a_missing_label_loses_its_references_too():
    result = read(
        {
            "survey": [
                ["type", "name", "label", "hint"],
                ["text", "a", "A"],
                ["note", "b", None, "About ${a}"],
            ],
            "settings": [["form_title"], ["Survey of ${a}"]],
        },
        accept_ignored=True,
    )
    assert result.questionnaire.question("b").label == {"fr": "About …"}
    assert result.questionnaire.title == {"fr": "Survey of …"}
    assert [i.code for i in result.ignored] == ["answer_reference", "answer_reference"]


def test_older_layouts_pyxform_still_reads():
    """One colon before the language (when no header uses two), a workbook whose
    only sheet is the survey, a note without a name, a choice row without list."""
    result = read(
        {
            "Sheet1": [
                ["type", "name", "label:English", "label:French"],
                ["note", None, "Welcome", "Bienvenue"],
                ["text", "a", "Name?", "Nom ?"],
            ]
        }
    )
    q = result.questionnaire
    assert set(q.languages) == {"en", "fr"}
    assert q.question("note_2").label == {"en": "Welcome", "fr": "Bienvenue"}
    assert ('form.xlsx, Sheet1!R2 column A "type"', "note_named") in located(result.notes)
    dropped = read(
        {
            "survey": [["type", "name", "label"], ["select_one yn", "a", "A"]],
            "choices": [*YES_NO, [None, None, "stray"]],
        },
        accept_ignored=True,
    )
    assert located(dropped.ignored) == [("form.xlsx, choices!R4", "choice_without_list")]


def test_older_select_and_loop_spellings():
    result = read(
        {
            "survey": [
                ["type", "name", "label"],
                ["select one from yn or specify other", "a", "A"],
                ["select all that apply from yn", "b", "B"],
                ["begin loop over yn", "l", "L"],
                ["text", "c", "C"],
                ["end loop"],
            ],
            "choices": YES_NO,
        },
        accept_ignored=True,
    )
    q = result.questionnaire
    assert [x.key for x in q.questions] == ["a", "a_other", "b", "c"]
    assert q.question("b").type == "multiple_choice"
    assert [i.code for i in result.ignored] == ["repeat_asked_once"]


def test_choice_codes_pyxform_allows_but_ecoute_cannot_store_are_renamed_and_said():
    result = read(
        {
            "survey": [
                ["type", "name", "label", "relevant"],
                ["select_one c", "a", "A?", ""],
                ["text", "why", "Why?", "${a} = '_x'"],
            ],
            "choices": [
                ["list_name", "name", "label"],
                ["c", "_x", "X"],
                ["c", "x", "Y"],
                ["c", "don't", "D"],
            ],
        }
    )
    question = result.questionnaire.question("a")
    assert [c.code for c in question.choices] == ["x_2", "x", "don_t"]
    renamed = [i for i in result.notes if i.code == "choice_code_changed"]
    assert [(i.location, dict(i.params)) for i in renamed] == [
        ('form.xlsx, choices!R2 column B "name"', {"code": "_x", "new": "x_2"}),
        ('form.xlsx, choices!R4 column B "name"', {"code": "don't", "new": "don_t"}),
    ]
    # The condition follows the renamed code.
    assert result.questionnaire.question("why").show_if == Condition(
        clauses=(Clause("a", ("x_2",)),)
    )


def test_a_name_longer_than_ecoute_keys_is_shortened_and_said():
    long_name = "how_many_times_did_you_visit_the_centre_during_the_last_twelve_months_in_total"
    result = read({"survey": [["type", "name", "label"], ["integer", long_name, "Visits?"]]})
    (question,) = result.questionnaire.questions
    assert len(question.key) <= 64
    assert long_name.startswith(question.key.rsplit("_", 1)[0])
    (note,) = [i for i in result.notes if i.code == "name_shortened"]
    assert note.params["name"] == long_name
    assert note.params["key"] == question.key


@pytest.mark.parametrize(
    ("header", "language"),
    [("label::English (en-GB)", "en"), ("label::Français (fr-CA)", "fr"), ("label::fr_FR", "fr")],
)
def test_regional_language_tags_are_their_language(header, language):
    result = read({"survey": [["type", "name", header], ["text", "q", "Q?"]]})
    assert result.questionnaire.languages == (language,)


def test_a_condition_on_a_unicode_name_is_kept():
    result = read(
        {
            "survey": [
                ["type", "name", "label", "relevant"],
                ["select_one yn", "année", "Year?", ""],
                ["text", "why", "Why?", "${année} = 'yes'"],
            ],
            "choices": YES_NO,
        }
    )
    assert result.questionnaire.question("why").show_if == Condition(
        clauses=(Clause("année", ("yes",)),)
    )


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("int", "integer"),
        ("add integer prompt", "integer"),
        ("string", "text_short"),
        ("q decimal", "decimal"),
        ("add date prompt", "date"),
    ],
)
def test_the_other_names_pyxform_gives_plain_types_are_read(spelling, expected):
    result = read({"survey": [["type", "name", "label"], [spelling, "q", "Q?"]]})
    assert result.ignored == []
    assert result.questionnaire.question("q").type == expected


def test_one_name_in_two_nested_repeats_of_a_group_is_renamed_not_refused():
    result = read(
        {
            "survey": [
                ["type", "name", "label"],
                ["begin group", "respondent", "Respondent"],
                ["text", "name", "Your name?"],
                ["begin repeat", "child", "Child"],
                ["text", "name", "Child's name?"],
                ["end repeat", "", ""],
                ["end group", "", ""],
            ]
        },
        accept_ignored=True,
    )
    assert [q.key for q in result.questionnaire.questions] == ["name", "name_2"]
    assert [i.code for i in result.notes if i.params.get("name") == "name"] == ["renamed_duplicate"]


def test_cells_of_group_rows_and_required_on_a_note_are_listed_not_lost():
    result = read(
        {
            "survey": [
                ["type", "name", "label", "hint", "relevant", "required"],
                ["begin group", "g", "G", "Group hint", "", ""],
                ["text", "q", "Q", "", "", ""],
                ["begin group", "inner", "Inner", "", "${q} != ''", ""],
                ["note", "n", "N", "", "", "yes"],
                ["end group", "", "", "", "", ""],
                ["end group", "g", "End label", "", "", ""],
            ]
        },
        accept_ignored=True,
    )
    dropped = {(i.location, i.code) for i in result.ignored}
    assert ('form.xlsx, survey!R2 column D "hint"', "unsupported_column") in dropped
    assert ('form.xlsx, survey!R4 column E "relevant"', "unsupported_column") in dropped
    assert ('form.xlsx, survey!R5 column F "required"', "unsupported_required") in dropped
    assert ('form.xlsx, survey!R7 column C "label"', "unsupported_column") in dropped
    assert result.questionnaire.question("n").type == "note"
