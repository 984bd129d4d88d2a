"""Pure edits of a definition dict (no app, no database)."""

from __future__ import annotations

import pytest

import questionnaires
from survey_app.design import editing
from tests.design_factories import small_definition


def _keys(definition):
    return [q["key"] for q in editing.questions(definition)]


def _with_second_section():
    definition = small_definition()
    definition["sections"].append(
        {
            "key": "end",
            "questions": [{"key": "bye", "type": "note", "label": {"fr": "Merci", "en": "Thanks"}}],
        }
    )
    return definition


def test_edits_return_copies():
    definition = small_definition()
    moved = editing.move_question(definition, "why", "up")
    assert _keys(definition) == ["heard", "help_kind", "why"]
    assert _keys(moved) == ["heard", "why", "help_kind"]


def test_move_across_sections_and_at_the_ends():
    definition = _with_second_section()
    down = editing.move_question(definition, "why", "down")
    assert [[q["key"] for q in s["questions"]] for s in down["sections"]] == [
        ["heard", "help_kind"],
        ["why", "bye"],
    ]
    up = editing.move_question(definition, "bye", "up")
    assert [s["key"] for s in up["sections"]] == ["main"]  # the emptied section goes
    assert _keys(up) == ["heard", "help_kind", "why", "bye"]
    assert editing.move_question(definition, "heard", "up") == definition
    with pytest.raises(editing.EditError):
        editing.move_question(definition, "heard", "left")
    with pytest.raises(editing.EditError):
        editing.move_question(definition, "nope", "up")


def test_put_question_insert_replace_rename_and_new_section():
    definition = small_definition()
    new = {"key": "extra", "type": "text_short", "label": {"fr": "E", "en": "E"}}
    inserted = editing.put_question(definition, new, section_key="main")
    assert _keys(inserted)[-1] == "extra"
    renamed = editing.put_question(
        definition,
        {**definition["sections"][0]["questions"][0], "key": "heard2"},
        section_key="main",
        replacing="heard",
    )
    assert _keys(renamed) == ["heard2", "help_kind", "why"]
    assert renamed["sections"][0]["questions"][2]["show_if"]["question"] == "heard2"
    questionnaires.load_definition(renamed)
    opened = editing.put_question(definition, new, section_key="main", new_section={"key": "later"})
    assert [s["key"] for s in opened["sections"]] == ["main", "later"]
    with pytest.raises(editing.EditError):
        editing.put_question(definition, new, section_key="nope")


def test_delete_question_and_sections():
    definition = _with_second_section()
    assert [s["key"] for s in editing.delete_question(definition, "bye")["sections"]] == ["main"]
    only = small_definition()
    for key in ("why", "help_kind"):
        only = editing.delete_question(only, key)
    last = editing.delete_question(only, "heard")
    assert last["sections"][0]["questions"] == []  # left for validation to refuse
    with pytest.raises(questionnaires.DefinitionError):
        questionnaires.load_definition(last)
    assert [s["key"] for s in editing.delete_section(definition, "main")["sections"]] == ["end"]
    swapped = editing.move_section(definition, "end", "up")
    assert [s["key"] for s in swapped["sections"]] == ["end", "main"]
    assert editing.move_section(definition, "end", "down") == definition


def test_update_section_and_texts():
    definition = small_definition()
    titled = editing.update_section(
        definition, "main", new_key="first", title={"fr": "Début", "en": "Start"}
    )
    assert titled["sections"][0] == {
        **titled["sections"][0],
        "key": "first",
        "title": {"fr": "Début", "en": "Start"},
    }
    untitled = editing.update_section(titled, "first", new_key="first", title={"fr": " ", "en": ""})
    assert "title" not in untitled["sections"][0]
    paths = editing.text_paths(definition)
    assert paths[0] == (("title",), "title")
    assert (("sections", 0, "questions", 1, "choices", 0, "label"), "help_kind / food") in paths
    help_path = ("sections", 0, "questions", 0, "help")
    changed = editing.set_texts(
        definition, {("title",): {"fr": "T", "en": "T"}, help_path: {"fr": "", "en": ""}}
    )
    assert changed["title"] == {"fr": "T", "en": "T"}
    assert "help" not in changed["sections"][0]["questions"][0]
    assert editing.text_at(definition, help_path) == {}
    assert (
        editing.text_at(definition, ("sections", 0, "questions", 0, "label"))["en"] == "I am heard."
    )


@pytest.mark.parametrize(
    ("location", "field"),
    [
        ("d, sections[0] (main).questions[1] (q).label.en", "label-en"),
        ("d, sections[0] (main).questions[1] (q).choices[2].code", "choices-2-code"),
        ("d, sections[0] (main).questions[1] (q).choices[1].label.fr", "choices-1-fr"),
        ("d, sections[0] (main).questions[1] (q).show_if.any[1].in", "clauses-1-codes"),
        ("d, sections[0] (main).questions[1] (q).show_if.question", "clauses-0-question"),
        ("d, sections[0] (main).questions[1] (q).positive", "positive"),
        ("d, sections[0] (main).questions[1] (q)", "key"),
        ("d, sections[0] (main).questions[1] (other).label.en", None),
        ("d, title", None),
    ],
)
def test_issue_locations_map_to_question_fields(location, field):
    from survey_app.design.issues import question_field

    assert question_field(location, "q") == field
