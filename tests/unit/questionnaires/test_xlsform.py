"""XLSForm import/export: round trips, a realistic KoboToolbox form, errors, zip bombs."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

import openpyxl
import pytest

import questionnaires as qn
from questionnaires import Clause, Condition, DefinitionError, Issue
from questionnaires.xlsform import parse_relevant, write_relevant


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


def codes(error: pytest.ExceptionInfo[DefinitionError]) -> list[tuple[str, str]]:
    return [(i.location, i.code) for i in error.value.issues]


# --- round trips --------------------------------------------------------------------------


@pytest.mark.parametrize("key", qn.builtin_keys())
def test_builtin_round_trip(key):
    q = qn.load_builtin(key)
    imported = qn.read_xlsform(qn.write_xlsform(q), filename=f"{key}.xlsx")
    assert imported.questionnaire == q
    assert imported.ignored == []


def test_full_feature_round_trip(full):
    q = qn.load_definition(full())
    assert qn.read_xlsform(qn.write_xlsform(q), filename="full.xlsx").questionnaire == q


def test_english_first_round_trip(minimal):
    data = minimal()
    data["languages"] = ["en", "fr"]
    q = qn.load_definition(data)
    assert q.languages == ("en", "fr")
    assert qn.dump_definition(q)["languages"] == ["en", "fr"]
    assert qn.read_xlsform(qn.write_xlsform(q), filename="en.xlsx").questionnaire == q


def test_single_language_round_trip(minimal):
    data = minimal()
    data["languages"] = ["en"]

    def english_only(node: Any) -> Any:
        if isinstance(node, dict):
            if set(node) == {"fr", "en"}:
                return {"en": node["en"]}
            return {k: english_only(v) for k, v in node.items()}
        if isinstance(node, list):
            return [english_only(x) for x in node]
        return node

    q = qn.load_definition(english_only(data))
    assert qn.read_xlsform(qn.write_xlsform(q), filename="en.xlsx").questionnaire == q


def test_export_follows_kobo_conventions():
    q = qn.load_builtin("impact-baseline")
    wb = openpyxl.load_workbook(io.BytesIO(qn.write_xlsform(q)), read_only=True)
    assert wb.sheetnames == ["survey", "choices", "settings"]
    survey = [list(r) for r in wb["survey"].iter_rows(values_only=True)]
    header = survey[0]
    assert header[:4] == ["type", "name", "label::French (fr)", "label::English (en)"]
    rows = {r[1]: dict(zip(header, r, strict=True)) for r in survey[1:] if r[0] != "end group"}
    assert rows["listening"]["type"] == "begin group"
    assert rows["listen_heard"]["type"] == "select_one agree5"
    assert rows["listen_heard"]["ecoute::type"] == "agreement"
    assert rows["listen_heard"]["ecoute::positive"] == "4 5"
    assert rows["recommend"]["type"] == "select_one rating0_10"
    assert rows["goal_progress"]["relevant"] == "${goal_set} = 'yes'"
    assert rows["ctx_since"]["type"] == "select_one ctx_since"
    assert rows["ctx_children"]["constraint"] == ". >= 0 and . <= 20"
    assert rows["comment"]["appearance"] == "multiline"
    settings = [list(r) for r in wb["settings"].iter_rows(values_only=True)]
    info = dict(zip(settings[0], settings[1], strict=True))
    assert info["form_id"] == "impact-baseline"
    assert info["default_language"] == "French (fr)"
    wb.close()


# --- relevant expressions -----------------------------------------------------------------

A, B = Clause("a", ("x",)), Clause("b", ("y",), negate=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${a} = 'x'", Condition((A,))),
        ('${a}="x"', Condition((A,))),
        ("selected(${a}, 'x')", Condition((A,))),
        ("${b} != 'y'", Condition((B,))),
        ("not(selected(${b}, 'y'))", Condition((B,))),
        ("not(${a} != 'x')", Condition((A,))),
        ("${a} = 'x' and ${b} != 'y'", Condition((A, B), "all")),
        ("${a} = 'x' or ${b} != 'y'", Condition((A, B), "any")),
        ("(${a} = 'x' or ${b} != 'y')", Condition((A, B), "any")),
        ("(${a} = 'x' or ${a} = 'z')", Condition((Clause("a", ("x", "z")),))),
        ("${a} = 'x' or ${a} = 'z'", Condition((A, Clause("a", ("z",))), "any")),
        (
            "(${a} = 'x' or ${a} = 'z') and ${b} != 'y'",
            Condition((Clause("a", ("x", "z")), B), "all"),
        ),
        (
            "(${b} != 'y' and ${b} != 'w') or ${a} = 'x'",
            Condition((Clause("b", ("y", "w"), negate=True), A), "any"),
        ),
        ("${a} = 4", Condition((Clause("a", ("4",)),))),
    ],
)
def test_parse_relevant(text, expected):
    assert parse_relevant(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "${a} = 'x' and ${b} = 'y' or ${c} = 'z'",  # and/or mixed without parentheses
        "${a} > 2",
        "(${a} = 'x' or ${b} = 'y') and ${c} = 'z'",  # two levels
        "count-selected(${a}) > 1",
        "${a} = 'x' and",
        "${a} = ${b}",
        "not(${a} = 'x' or ${b} = 'y')",
        "string-length(${a}) = 0",
        "",
    ],
)
def test_unsupported_relevant(text):
    with pytest.raises(ValueError):  # noqa: PT011 (the message varies with the construct)
        parse_relevant(text)


def test_write_relevant_uses_selected_for_multiple_choice(full):
    q = qn.load_definition(full())
    assert write_relevant(q.question("short").show_if, q) == (
        "(selected(${many}, 'x') or selected(${many}, 'y')) or ${pick} != 'a'"
    )
    assert write_relevant(q.question("long").show_if, q) == (
        "(${agree} = '4' or ${agree} = '5' or ${agree} = '_pna') and "
        "(not(selected(${many}, 'x')) and not(selected(${many}, 'y')))"
    )


# --- a realistic KoboToolbox form ---------------------------------------------------------

SURVEY_HEADER = [
    "type",
    "name",
    "label::French (fr)",
    "label::English (en)",
    "hint::French (fr)",
    "hint::English (en)",
    "required",
    "relevant",
    "appearance",
    "calculation",
    "$kuid",
]


def kobo_form(*, with_ecoute_settings: bool = True) -> bytes:
    survey = [
        SURVEY_HEADER,
        ["start", "start", None, None, None, None, None, None, None, None, "k1"],
        ["end", "end", None, None, None, None, None, None, None, None, "k2"],
        [
            "begin_group",
            "household",
            "Votre foyer",
            "Your household",
            None,
            None,
            None,
            None,
            "field-list",
            None,
            "k3",
        ],
        [
            "select_one yn",
            "has_children",
            "Avez-vous des enfants ?",
            "Do you have children?",
            None,
            None,
            "yes",
            None,
            None,
            None,
            "k4",
        ],
        [
            "integer",
            "n_children",
            "Combien ?",
            "How many?",
            "Nombre",
            "Number",
            "TRUE()",
            "${has_children} = 'yes'",
            None,
            None,
            "k5",
        ],
        [
            "calculate",
            "double",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "${n_children} * 2",
            "k6",
        ],
        ["begin repeat", "child", "Enfant", "Child", None, None, None, None, None, None, "k7"],
        ["text", "child_name", "Prénom", "First name", None, None, None, None, None, None, "k8"],
        ["end repeat", None, None, None, None, None, None, None, None, None, "k9"],
        ["end_group", None, None, None, None, None, None, None, None, None, "k10"],
        [
            "select_multiple services",
            "services",
            "Services utilisés",
            "Services used",
            None,
            None,
            "no",
            "selected(${has_children}, 'yes') or ${has_children} = 'no'",
            None,
            None,
            "k11",
        ],
        [
            "text",
            "comment",
            "Commentaire",
            "Comment",
            None,
            None,
            None,
            "${n_children} > 2",
            None,
            None,
            "k12",
        ],
        ["note", "thanks", "Merci !", "Thank you!", None, None, None, None, None, None, "k13"],
    ]
    choices = [
        ["list_name", "name", "label::French (fr)", "label::English (en)"],
        ["yn", "yes", "Oui", "Yes"],
        ["yn", "no", "Non", "No"],
        ["services", "food", "Alimentation", "Food"],
        ["services", "housing", "Logement", "Housing"],
        [None, None, None, None],
        ["services", "jobs", "Emploi", "Jobs"],
    ]
    settings_header = ["form_title", "form_id", "version", "default_language"]
    settings_row = ["Enquête foyer", "household_survey", 2024051501, "French (fr)"]
    if with_ecoute_settings:
        settings_header += [
            "ecoute::title::English (en)",
            "ecoute::intro::French (fr)",
            "ecoute::intro::English (en)",
            "ecoute::consent::French (fr)",
            "ecoute::consent::English (en)",
        ]
        settings_row += [
            "Household survey",
            "Bonjour.",
            "Hello.",
            "Vous choisissez.",
            "You choose.",
        ]
    return workbook(
        {"survey": survey, "choices": choices, "settings": [settings_header, settings_row]}
    )


KOBO_IGNORED = [
    Issue(
        'kobo.xlsx, survey!R2 column A "type"',
        "metadata field 'start' is not collected by Écoute; dropped",
        "unsupported_type",
    ),
    Issue(
        'kobo.xlsx, survey!R3 column A "type"',
        "metadata field 'end' is not collected by Écoute; dropped",
        "unsupported_type",
    ),
    Issue(
        'kobo.xlsx, survey!R4 column I "appearance"',
        "'appearance' on a group is not supported; dropped",
        "unsupported_column",
    ),
    Issue(
        'kobo.xlsx, survey!R7 column A "type"',
        "question type 'calculate' is not supported; the question is dropped",
        "unsupported_type",
    ),
    Issue(
        'kobo.xlsx, survey!R8 column A "type"',
        "repeat 'child' is asked once: Écoute does not repeat questions (nor loop over a list)",
        "repeat_asked_once",
    ),
    Issue(
        'kobo.xlsx, survey!R13 column H "relevant"',
        "relevant '${n_children} > 2' is not supported (unexpected '>'); the question will "
        "always be shown",
        "unsupported_relevant",
    ),
]


def test_kobo_form_is_refused_listing_every_unsupported_construct():
    with pytest.raises(DefinitionError) as caught:
        qn.read_xlsform(kobo_form(), filename="kobo.xlsx")
    assert caught.value.issues == KOBO_IGNORED


def test_kobo_form_imports_when_dropping_is_accepted():
    result = qn.read_xlsform(kobo_form(), filename="kobo.xlsx", accept_ignored=True)
    assert result.ignored == KOBO_IGNORED
    q = result.questionnaire
    assert q.key == "household_survey"
    assert q.version == "2024051501"
    assert q.title == {"fr": "Enquête foyer", "en": "Household survey"}
    assert [(s.key, [x.key for x in s.questions]) for s in q.sections] == [
        ("household", ["has_children", "n_children", "child_name"]),
        ("main", ["services", "comment", "thanks"]),
    ]
    assert q.sections[0].title == {"fr": "Votre foyer", "en": "Your household"}
    has_children = q.question("has_children")
    assert has_children.type == "single_choice"
    assert has_children.required is True
    assert [c.code for c in has_children.choices] == ["yes", "no"]
    n_children = q.question("n_children")
    assert n_children.type == "integer"
    assert n_children.required is True
    assert n_children.help == {"fr": "Nombre", "en": "Number"}
    assert n_children.show_if == Condition((Clause("has_children", ("yes",)),))
    services = q.question("services")
    assert services.type == "multiple_choice"
    assert [c.code for c in services.choices] == ["food", "housing", "jobs"]
    assert services.show_if == Condition(
        (Clause("has_children", ("yes",)), Clause("has_children", ("no",))), "any"
    )
    assert q.question("comment").show_if is None
    assert q.question("thanks").type == "note"


def test_kobo_form_without_ecoute_settings_imports_with_standard_texts_said():
    result = qn.read_xlsform(
        kobo_form(with_ecoute_settings=False), filename="kobo.xlsx", accept_ignored=True
    )
    assert result.ignored == KOBO_IGNORED
    q = result.questionnaire
    assert q.title == {"fr": "Enquête foyer", "en": "Enquête foyer"}
    assert q.intro == qn.xlsform.STANDARD_TEXTS["intro"]
    assert q.consent == qn.xlsform.STANDARD_TEXTS["consent"]
    assert [(i.location, i.code) for i in result.notes] == [
        ('kobo.xlsx, settings!R2 column "ecoute::intro::…"', "standard_text"),
        ('kobo.xlsx, settings!R2 column "ecoute::intro::…"', "standard_text"),
        ('kobo.xlsx, settings!R2 column "ecoute::consent::…"', "standard_text"),
        ('kobo.xlsx, settings!R2 column "ecoute::consent::…"', "standard_text"),
    ]
    assert "French introduction" in result.notes[0].message


# --- errors and ignored constructs, each located ---------------------------------------

SETTINGS = [
    ["form_id", "form_title", "ecoute::intro::French (fr)", "ecoute::consent::French (fr)"],
    ["t", "Titre", "Intro.", "Consentement."],
]
HEADER = ["type", "name", "label", "relevant", "constraint"]


def simple_form(
    rows: list[list[Any]], choices: list[list[Any]] | None = None, header: list[str] | None = None
) -> bytes:
    return workbook(
        {
            "survey": [header or HEADER, *rows],
            "choices": [
                ["list_name", "name", "label"],
                *(choices if choices is not None else [["yn", "yes", "Oui"], ["yn", "no", "Non"]]),
            ],
            "settings": SETTINGS,
        }
    )


def test_plain_label_uses_default_language():
    q = qn.read_xlsform(simple_form([["text", "a", "Bonjour"]]), filename="f.xlsx").questionnaire
    assert q.languages == ("fr",)
    assert q.question("a").label == {"fr": "Bonjour"}
    data = workbook(
        {
            "survey": [["type", "name", "label"], ["text", "a", "Hello"]],
            "settings": [
                ["form_id", "ecoute::intro::en", "ecoute::consent::en", "form_title"],
                ["t", "Hi.", "Ok.", "Title"],
            ],
        }
    )
    q = qn.read_xlsform(data, filename="f.xlsx", default_language="en").questionnaire
    assert q.languages == ("en",)
    assert q.title == {"en": "Title"}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [["select_one nolist", "a", "A"]],
            [('f.xlsx, survey!R2 column A "type"', "unknown_list")],
        ),
        ([["end group", None, None]], [('f.xlsx, survey!R2 column A "type"', "unbalanced_group")]),
        (
            [["begin group", "g", "G"], ["text", "a", "A"]],
            [("f.xlsx, survey!R2", "unbalanced_group")],
        ),
        (
            [["text", "a", "A"], ["text", "a", "B"]],
            [('f.xlsx, survey!R3 column B "name"', "duplicate_key")],
        ),
        (
            [
                ["begin group", "g", "G"],
                ["text", "a", "A"],
                ["end group"],
                ["begin group", "g", "H"],
                ["text", "b", "B"],
                ["end group"],
            ],
            [('f.xlsx, survey!R5 column B "name"', "duplicate_key")],
        ),
        ([["text", "Bad Name", "A"]], [('f.xlsx, survey!R2 column B "name"', "invalid_key")]),
        (
            [["integer", "n", "N", None, ". >= 10 and . <= 1"]],
            [('f.xlsx, survey!R2 column E "constraint"', "invalid_bounds")],
        ),
        (
            [["text", "a", "A"], ["text", None, "B"]],
            [('f.xlsx, survey!R3 column B "name"', "invalid_key")],
        ),
        ([["select_one yn", "a", "A"]], []),  # control: the same form without a mistake
    ],
)
def test_errors_name_sheet_row_and_column(rows, expected):
    if not expected:
        assert qn.read_xlsform(simple_form(rows), filename="f.xlsx").ignored == []
        return
    with pytest.raises(DefinitionError) as caught:
        qn.read_xlsform(simple_form(rows), filename="f.xlsx", accept_ignored=True)
    assert codes(caught) == expected


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [["decimal", "d", "D", None, ". > 0"], ["text", "a", "A"]],
            [('f.xlsx, survey!R2 column E "constraint"', "unsupported_constraint")],
        ),
        (
            [["geopoint", "g", "G"], ["text", "a", "A"]],
            [('f.xlsx, survey!R2 column A "type"', "unsupported_type")],
        ),
        (
            [["slider", "s", "S"], ["text", "a", "A"]],
            [('f.xlsx, survey!R2 column A "type"', "unknown_type")],
        ),
        (
            [["select_one_from_file places.csv", "s", "S"], ["text", "a", "A"]],
            [('f.xlsx, survey!R2 column A "type"', "unsupported_type")],
        ),
        # Conditions pyxform accepts and Écoute cannot apply: dropped, listed.
        (
            [["select_one yn", "a", "A"], ["text", "b", "B", "${a} = 'maybe'"]],
            [('f.xlsx, survey!R3 column D "relevant"', "unsupported_relevant")],
        ),
        (
            [["text", "b", "B", "${a} = 'yes'"], ["select_one yn", "a", "A"]],
            [('f.xlsx, survey!R2 column D "relevant"', "unsupported_relevant")],
        ),
        (
            [["text", "a", "A"], ["text", "b", "B", "${a} = 'x'"]],
            [('f.xlsx, survey!R3 column D "relevant"', "unsupported_relevant")],
        ),
        (
            [["text", "a", "A", None, "string-length(.) < 10"]],
            [('f.xlsx, survey!R2 column E "constraint"', "unsupported_constraint")],
        ),
        (
            [
                ["select_one yn", "a", "A"],
                ["text", "b", "B", "${a} = 'yes' and ${a} = 'no' or ${a} = 'yes'"],
            ],
            [('f.xlsx, survey!R3 column D "relevant"', "unsupported_relevant")],
        ),
        (
            [
                ["begin group", "g", "G"],
                ["begin group", "h", "H"],
                ["text", "a", "A"],
                ["end group"],
                ["end group"],
            ],
            [('f.xlsx, survey!R3 column A "type"', "nested_group")],
        ),
        (
            [
                ["begin group", "g", "G"],
                ["calculate", "c", None],
                ["end group"],
                ["text", "a", "A"],
            ],
            [
                ('f.xlsx, survey!R3 column A "type"', "unsupported_type"),
                ("f.xlsx, survey!R2", "empty_group"),
            ],
        ),
    ],
)
def test_ignored_constructs_are_located(rows, expected):
    with pytest.raises(DefinitionError) as caught:
        qn.read_xlsform(simple_form(rows), filename="f.xlsx")
    assert codes(caught) == expected
    result = qn.read_xlsform(simple_form(rows), filename="f.xlsx", accept_ignored=True)
    assert [(i.location, i.code) for i in result.ignored] == expected


def test_integer_constraint_becomes_bounds():
    q = qn.read_xlsform(
        simple_form([["integer", "n", "N", None, ". >= 1 and . <= 9"]]), filename="f.xlsx"
    ).questionnaire
    assert (q.question("n").min, q.question("n").max) == (1, 9)


def test_unsupported_columns_and_languages_are_reported_per_cell():
    header = [*HEADER, "label::Español (es)", "media::image", "$kuid"]
    rows = [
        ["text", "a", "A", None, None, "Hola", "pic.png", "abc"],
        ["text", "b", "B", None, None, None, None, "def"],
    ]
    with pytest.raises(DefinitionError) as caught:
        qn.read_xlsform(simple_form(rows, header=header), filename="f.xlsx")
    assert codes(caught) == [
        ('f.xlsx, survey!R2 column F "label::Español (es)"', "unsupported_language"),
        ('f.xlsx, survey!R2 column G "media::image"', "unsupported_column"),
    ]


def test_ecoute_columns_keep_scale_types():
    header = [
        "type",
        "name",
        "label",
        "ecoute::type",
        "ecoute::indicator",
        "ecoute::positive",
        "ecoute::prefer_not_to_answer",
    ]
    choices = [["agree", str(n), f"Niveau {n}"] for n in range(1, 6)]
    rows = [["select_one agree", "a", "A", "agreement", "listening", "5", "yes"]]
    result = qn.read_xlsform(
        simple_form(rows, choices, header), filename="f.xlsx", accept_ignored=True
    )
    a = result.questionnaire.question("a")
    assert a.type == "agreement"
    assert a.choices == qn.AGREEMENT_CHOICES
    assert a.positive == ("5",)
    assert a.prefer_not_to_answer is True
    assert {i.code for i in result.ignored} == {"builtin_label_replaced"}
    assert len(result.ignored) == 5


def test_scale_type_with_wrong_codes_is_an_error():
    header = ["type", "name", "label", "ecoute::type"]
    rows = [["select_one yn", "a", "A", "agreement"], ["text", "b", "B", "yes_no"]]
    with pytest.raises(DefinitionError) as caught:
        qn.read_xlsform(simple_form(rows, header=header), filename="f.xlsx")
    assert codes(caught) == [
        ('f.xlsx, survey!R2 column A "type"', "builtin_codes_mismatch"),
        ('f.xlsx, survey!R3 column D "ecoute::type"', "invalid_ecoute_type"),
    ]


def test_condition_on_a_dropped_question_is_dropped_and_listed():
    rows = [["calculate", "c", None], ["text", "b", "B", "${c} = 'x'"]]
    with pytest.raises(DefinitionError) as caught:
        qn.read_xlsform(simple_form(rows), filename="f.xlsx")
    assert codes(caught) == [
        ('f.xlsx, survey!R2 column A "type"', "unsupported_type"),
        ('f.xlsx, survey!R3 column D "relevant"', "unsupported_relevant"),
    ]
    imported = qn.read_xlsform(simple_form(rows), filename="f.xlsx", accept_ignored=True)
    assert imported.questionnaire.question("b").show_if is None


def test_missing_survey_sheet_and_unreadable_workbook():
    data = workbook({"settings": SETTINGS})
    with pytest.raises(DefinitionError) as caught:
        qn.read_xlsform(data, filename="f.xlsx")
    assert codes(caught) == [("f.xlsx", "missing_sheet")]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(DefinitionError) as caught:
        qn.read_xlsform(buffer.getvalue(), filename="f.xlsx")
    assert codes(caught) == [("f.xlsx", "unreadable_workbook")]


def test_key_override():
    data = simple_form([["text", "a", "A"]])
    assert qn.read_xlsform(data, filename="f.xlsx", key="mine").questionnaire.key == "mine"


# --- upload checks --------------------------------------------------------------------


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def upload_codes(data: bytes) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        qn.read_xlsform(data, filename="up.xlsx")
    return [i.code for i in caught.value.issues]


def test_zip_bomb_is_refused():
    bomb = zip_bytes({"xl/worksheets/sheet1.xml": b"\0" * (60 * 1024 * 1024)})
    assert len(bomb) < 200_000
    assert upload_codes(bomb) == ["zip_too_large_uncompressed"]


def test_highly_compressed_entry_is_refused():
    assert upload_codes(zip_bytes({"a.xml": b"\0" * (2 * 1024 * 1024)})) == ["zip_ratio_too_high"]


def test_under_declared_size_is_caught_while_decompressing():
    data = bytearray(zip_bytes({"a.xml": b"\0" * (3 * 1024 * 1024)}))
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 1000)  # uncompressed size, local header
    struct.pack_into("<I", data, central + 24, 1000)  # uncompressed size, central directory
    issues = qn.check_upload(bytes(data), filename="up.xlsx")
    assert [i.code for i in issues] == ["not_xlsx"]
    assert "damaged" in issues[0].message


def test_too_many_entries_too_large_and_not_a_zip():
    assert upload_codes(zip_bytes({f"f{i}.xml": b"x" for i in range(201)})) == [
        "zip_too_many_entries"
    ]
    assert upload_codes(b"\0" * (5 * 1024 * 1024 + 1)) == ["file_too_large"]
    assert upload_codes(b"type,name\ntext,a\n") == ["not_xlsx"]


def test_a_normal_export_passes_the_upload_checks():
    assert (
        qn.check_upload(qn.write_xlsform(qn.load_builtin("impact-exit")), filename="x.xlsx") == []
    )


@pytest.mark.parametrize("spec", [("fr", "en"), ("French", "English"), ("Français (fr)", "en")])
def test_language_column_spellings(spec):
    fr, en = spec
    data = workbook(
        {
            "survey": [
                ["type", "name", f"label::{fr}", f"label::{en}"],
                ["text", "a", "Oui", "Yes"],
            ],
            "settings": [
                [
                    "form_id",
                    "form_title",
                    f"ecoute::title::{en}",
                    f"ecoute::intro::{fr}",
                    f"ecoute::intro::{en}",
                    f"ecoute::consent::{fr}",
                    f"ecoute::consent::{en}",
                ],
                ["t", "Titre", "Title", "I", "I", "C", "C"],
            ],
        }
    )
    q = qn.read_xlsform(data, filename="f.xlsx").questionnaire
    assert q.languages == ("fr", "en")
    assert q.question("a").label == {"fr": "Oui", "en": "Yes"}
    assert q.title == {"fr": "Titre", "en": "Title"}
