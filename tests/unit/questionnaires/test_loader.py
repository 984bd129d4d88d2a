"""Definition format: parsing, validation rules (each with its exact issues), dumping."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import questionnaires as qn
from questionnaires import DefinitionError, Issue

Q0 = "<definition>, sections[0] (main).questions[0] (heard)"
Q1 = "<definition>, sections[0] (main).questions[1] (help_ok)"
Q2 = "<definition>, sections[0] (main).questions[2] (colour)"


def issues(source: Any, **kwargs: Any) -> list[tuple[str, str]]:
    with pytest.raises(DefinitionError) as caught:
        qn.load_definition(source, **kwargs)
    return [(i.location, i.code) for i in caught.value.issues]


def test_minimal_definition_loads(minimal):
    q = qn.load_definition(minimal())
    assert q.key == "demo"
    assert [x.key for x in q.questions] == ["heard", "help_ok", "colour"]
    assert q.question("heard").choices == qn.AGREEMENT_CHOICES
    assert q.question("heard").positive == ("4", "5")
    assert q.indicator_questions() == (q.question("heard"),)
    with pytest.raises(KeyError):
        q.question("nope")


def test_full_definition_round_trips_through_dump_and_json(full):
    q = qn.load_definition(full())
    dumped = qn.dump_definition(q)
    assert qn.load_definition(dumped) == q
    assert qn.load_definition(json.dumps(dumped)) == q
    assert qn.load_definition(yaml.safe_dump(dumped, allow_unicode=True)) == q
    # The dump is canonical: dumping again gives the same dict.
    assert qn.dump_definition(qn.load_definition(dumped)) == dumped
    # Defaults that matter for analysis are written out.
    nps = next(x for x in dumped["sections"][0]["questions"] if x["key"] == "nps")
    assert nps["positive"] == ["9", "10"]
    assert nps["polarity"] == "positive"


def test_dump_validates_against_the_shipped_schema(full):
    schema = qn.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(qn.dump_definition(qn.load_definition(full())), schema)


def test_programmatic_questionnaire_equals_loaded_one(minimal):
    both = {"fr": "", "en": ""}
    built = qn.Questionnaire(
        key="demo",
        title={"fr": "Démo", "en": "Demo"},
        languages=("fr", "en"),
        intro={"fr": "Bonjour.", "en": "Hello."},
        consent={"fr": "Vous répondez si vous voulez.", "en": "You answer if you want."},
        sections=(
            qn.Section(
                "main",
                (
                    qn.Question(
                        "heard",
                        "agreement",
                        {"fr": "On m'écoute.", "en": "I am heard."},
                        indicator="listening",
                    ),
                    qn.Question("help_ok", "yes_no", {"fr": "Aidé ?", "en": "Helped?"}),
                    qn.Question(
                        "colour",
                        "single_choice",
                        {"fr": "Couleur ?", "en": "Colour?"},
                        choices=(
                            qn.Choice("red", {"fr": "Rouge", "en": "Red"}),
                            qn.Choice("blue", {"fr": "Bleu", "en": "Blue"}),
                        ),
                    ),
                ),
            ),
        ),
    )
    assert built == qn.load_definition(minimal())
    assert qn.validate(built) == []
    assert qn.validated(built) == built
    broken = qn.Questionnaire("demo", both, ("fr", "en"), both, both, built.sections)
    assert {i.code for i in qn.validate(broken)} == {"empty_text"}
    with pytest.raises(DefinitionError):
        qn.validated(broken)


def test_dataclasses_are_immutable(minimal):
    q = qn.load_definition(minimal())
    with pytest.raises(AttributeError):
        q.key = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        q.title["fr"] = "x"  # type: ignore[index]


def test_fingerprint_is_stable_and_detects_changes(minimal):
    a = qn.load_definition(minimal())
    b = qn.load_definition(minimal())
    assert qn.fingerprint(a) == qn.fingerprint(b)
    assert len(qn.fingerprint(a)) == 64
    changed = minimal()
    changed["sections"][0]["questions"][0]["label"]["en"] = "I am listened to."
    assert qn.fingerprint(qn.load_definition(changed)) != qn.fingerprint(a)
    # Giving a default explicitly does not change the content.
    explicit = minimal()
    explicit["sections"][0]["questions"][0].update(polarity="positive", positive=["5", "4"])
    assert qn.fingerprint(qn.load_definition(explicit)) == qn.fingerprint(a)


def test_yaml_text_errors_carry_line_numbers_and_question_keys(minimal):
    text = yaml.safe_dump(minimal(), sort_keys=False, allow_unicode=True)
    text = text.replace("type: yes_no", "type: slider")
    found = issues(text, source_name="demo.yaml")
    line = next(n for n, s in enumerate(text.splitlines(), 1) if "type: slider" in s)
    assert found == [
        (f"demo.yaml, line {line}, sections[0] (main).questions[1] (help_ok).type", "unknown_type"),
    ]


def test_path_source_uses_file_name(tmp_path: Path, minimal):
    path = tmp_path / "mine.yaml"
    data = minimal()
    data["sections"][0]["questions"][0]["label"].pop("en")
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    found = issues(path)
    assert len(found) == 1
    location, code = found[0]
    assert location.startswith("mine.yaml, line ")
    assert location.endswith("sections[0] (main).questions[0] (heard).label")
    assert code == "missing_translation"


def test_json_text_and_bytes_sources(minimal):
    text = json.dumps(minimal(), indent=2)
    assert (
        qn.load_definition(text)
        == qn.load_definition(text.encode())
        == qn.load_definition(minimal())
    )


def test_syntax_errors_are_reported_not_raised():
    assert issues("{ not json") == [("<definition>, line 1", "syntax_error")]
    assert issues("key: a\nsections: [unclosed") == [("<definition>, line 2", "syntax_error")]
    assert issues("- a list") == [("<definition>, line 1", "wrong_type")]
    assert issues(b"\xff\xfe") == [("<definition>", "unreadable")]
    assert issues("=") == [("<definition>, line 1", "syntax_error")]
    assert issues("[" * 1000) == [("<definition>", "syntax_error")]
    assert issues("!!python/object/apply:os.system ['true']") == [
        ("<definition>, line 1", "syntax_error")
    ]


def test_yaml_aliases_and_huge_texts_are_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    assert issues(bomb) == [("<definition>, line 1", "yaml_alias")]
    assert issues("#" * 2_000_001) == [("<definition>", "too_large")]


def test_duplicate_yaml_field_is_reported(minimal):
    text = yaml.safe_dump(minimal(), sort_keys=False)
    text = text.replace("key: demo\n", "key: demo\nkey: demo2\n", 1)
    with pytest.raises(DefinitionError) as caught:
        qn.load_definition(text)
    assert caught.value.issues == [
        Issue(
            "<definition>, line 2, key",
            "'key' is given twice (lines 2 and 3); only the last one would count",
            "duplicate_field",
        ),
    ]


def test_yes_and_no_stay_codes_in_yaml_and_numbers_become_codes(minimal):
    data = minimal()
    data["sections"][0]["questions"][2]["show_if"] = {"question": "help_ok", "in": ["yes"]}
    data["sections"][0]["questions"][0]["positive"] = ["4", "5"]
    text = yaml.safe_dump(data, sort_keys=False).replace("- '4'", "- 4").replace("- '5'", "- 5")
    text = text.replace("- 'yes'", "- yes")
    assert "- yes" in text
    assert "- 4" in text
    q = qn.load_definition(text)
    assert q.question("colour").show_if == qn.Condition((qn.Clause("help_ok", ("yes",)),))
    assert q.question("heard").positive == ("4", "5")


def test_every_problem_is_reported_at_once(minimal):
    data = minimal()
    data["title"].pop("en")
    data["sections"][0]["questions"][1]["key"] = "heard"
    data["sections"][0]["questions"][2]["choices"][1]["code"] = "red"
    assert issues(data) == [
        ("<definition>, title", "missing_translation"),
        ("<definition>, sections[0] (main).questions[1] (heard).key", "duplicate_key"),
        (f"{Q2}.choices[1].code", "duplicate_choice_code"),
    ]


# --- one test per rule: the exact issue list --------------------------------------------


def _q(data: dict[str, Any], n: int) -> dict[str, Any]:
    question: dict[str, Any] = data["sections"][0]["questions"][n]
    return question


RULES: list[tuple[str, Any, list[tuple[str, str]]]] = [
    (
        "unsupported schema",
        lambda d: d.update(schema="ecoute-questionnaire/2"),
        [("<definition>, schema", "unsupported_schema")],
    ),
    ("missing field", lambda d: d.pop("consent"), [("<definition>", "missing_field")]),
    ("unknown field", lambda d: _q(d, 0).update(colour="red"), [(Q0, "unknown_field")]),
    (
        "invalid question key",
        lambda d: _q(d, 0).update(key="1heard"),
        [("<definition>, sections[0] (main).questions[0] (1heard).key", "invalid_key")],
    ),
    ("unknown type", lambda d: _q(d, 1).update(type="slider"), [(f"{Q1}.type", "unknown_type")]),
    (
        "unknown language",
        lambda d: d.update(languages=["fr", "en", "de"]),
        [("<definition>, languages[2]", "unknown_language")],
    ),
    (
        "unknown language in a text",
        lambda d: _q(d, 0)["label"].update(de="Hallo"),
        [(f"{Q0}.label", "unknown_language")],
    ),
    (
        "text in an undeclared language",
        lambda d: d.update(languages=["fr"]),
        [
            ("<definition>, title.en", "undeclared_language"),
            ("<definition>, intro.en", "undeclared_language"),
            ("<definition>, consent.en", "undeclared_language"),
            (f"{Q0}.label.en", "undeclared_language"),
            (f"{Q1}.label.en", "undeclared_language"),
            (f"{Q2}.label.en", "undeclared_language"),
            (f"{Q2}.choices[0].label.en", "undeclared_language"),
            (f"{Q2}.choices[1].label.en", "undeclared_language"),
        ],
    ),
    (
        "missing translation",
        lambda d: _q(d, 2)["choices"][0]["label"].pop("fr"),
        [(f"{Q2}.choices[0].label", "missing_translation")],
    ),
    (
        "empty label",
        lambda d: _q(d, 0)["label"].update(en="  "),
        [(f"{Q0}.label.en", "empty_text")],
    ),
    (
        "control character",
        lambda d: _q(d, 0)["label"].update(en="a\x00b"),
        [(f"{Q0}.label.en", "invalid_character")],
    ),
    (
        "duplicate section key",
        lambda d: d["sections"].append(
            {
                "key": "main",
                "questions": [{"key": "z", "type": "note", "label": {"fr": "N", "en": "N"}}],
            }
        ),
        [("<definition>, sections[1] (main).key", "duplicate_key")],
    ),
    (
        "choices on a built-in scale",
        lambda d: _q(d, 0).update(choices=_q(d, 2)["choices"]),
        [(f"{Q0}.choices", "unexpected_choices")],
    ),
    ("choices missing", lambda d: _q(d, 2).pop("choices"), [(Q2, "missing_choices")]),
    (
        "too few choices",
        lambda d: _q(d, 2)["choices"].clear(),
        [(f"{Q2}.choices", "too_few_choices")],
    ),
    (
        "duplicate choice code",
        lambda d: _q(d, 2)["choices"][1].update(code="red"),
        [(f"{Q2}.choices[1].code", "duplicate_choice_code")],
    ),
    (
        "reserved choice code",
        lambda d: _q(d, 2)["choices"][1].update(code="_pna"),
        [(f"{Q2}.choices[1].code", "reserved_choice_code")],
    ),
    (
        "choice code with a space",
        lambda d: _q(d, 2)["choices"][1].update(code=" blue"),
        [(f"{Q2}.choices[1].code", "invalid_choice_code")],
    ),
    (
        "incomplete scores",
        lambda d: _q(d, 2)["choices"][0].update(score=1),
        [(f"{Q2}.choices", "incomplete_scores")],
    ),
    (
        "score on multiple choice",
        lambda d: (_q(d, 2).update(type="multiple_choice"), _q(d, 2)["choices"][0].update(score=1)),
        [(f"{Q2}.choices[0].score", "unexpected_field")],
    ),
    (
        "bounds on a non-integer",
        lambda d: _q(d, 1).update(min=1),
        [(f"{Q1}.min", "unexpected_field")],
    ),
    (
        "min above max",
        lambda d: _q(d, 1).update(type="integer", min=5, max=1),
        [(f"{Q1}.min", "invalid_bounds")],
    ),
    (
        "note with answer options",
        lambda d: _q(d, 1).update(type="note", required=True),
        [(f"{Q1}.required", "unexpected_field")],
    ),
    (
        "condition on a later question",
        lambda d: _q(d, 0).update(show_if={"question": "help_ok", "in": ["yes"]}),
        [(f"{Q0}.show_if.question", "forward_reference")],
    ),
    (
        "condition on an unknown question",
        lambda d: _q(d, 2).update(show_if={"question": "ghost", "in": ["yes"]}),
        [(f"{Q2}.show_if.question", "unknown_question")],
    ),
    (
        "condition on itself",
        lambda d: _q(d, 2).update(show_if={"question": "colour", "in": ["red"]}),
        [(f"{Q2}.show_if.question", "self_reference")],
    ),
    (
        "condition with an unknown code",
        lambda d: _q(d, 2).update(
            show_if={
                "any": [
                    {"question": "help_ok", "in": ["yes"]},
                    {"question": "heard", "not_in": ["6", "_pna"]},
                ]
            }
        ),
        [
            (f"{Q2}.show_if.any[1].not_in", "unknown_code"),
            (f"{Q2}.show_if.any[1].not_in", "unknown_code"),
        ],
    ),
    (
        "condition with both in and not_in",
        lambda d: _q(d, 2).update(show_if={"question": "help_ok", "in": ["yes"], "not_in": ["no"]}),
        [(f"{Q2}.show_if", "invalid_condition")],
    ),
    (
        "condition with question and all",
        lambda d: _q(d, 2).update(
            show_if={
                "question": "help_ok",
                "in": ["yes"],
                "all": [{"question": "help_ok", "in": ["yes"]}],
            }
        ),
        [(f"{Q2}.show_if", "invalid_condition")],
    ),
    (
        "condition nested two levels",
        lambda d: _q(d, 2).update(
            show_if={"all": [{"any": [{"question": "help_ok", "in": ["yes"]}]}]}
        ),
        [(f"{Q2}.show_if.all[0]", "missing_field"), (f"{Q2}.show_if.all[0]", "unknown_field")],
    ),
    (
        "condition without in or not_in",
        lambda d: _q(d, 2).update(show_if={"question": "help_ok"}),
        [(f"{Q2}.show_if", "invalid_condition")],
    ),
    (
        "condition on an open question",
        lambda d: (
            _q(d, 1).update(type="text_short"),
            _q(d, 2).update(show_if={"question": "help_ok", "in": ["yes"]}),
        ),
        [(f"{Q2}.show_if.question", "condition_on_open_question")],
    ),
    (
        "indicator on free text",
        lambda d: _q(d, 1).update(type="text_long", indicator="autonomy"),
        [(f"{Q1}.indicator", "indicator_type")],
    ),
    (
        "indicator on a note",
        lambda d: _q(d, 1).update(type="note", indicator="autonomy"),
        [(f"{Q1}.indicator", "indicator_type")],
    ),
    (
        "indicator on an integer",
        lambda d: _q(d, 1).update(type="integer", indicator="autonomy"),
        [(f"{Q1}.indicator", "indicator_type")],
    ),
    (
        "indicator on multiple choice",
        lambda d: _q(d, 2).update(type="multiple_choice", indicator="autonomy", positive=["red"]),
        [(f"{Q2}.indicator", "indicator_type")],
    ),
    (
        "recommendation needs a rating",
        lambda d: _q(d, 0).update(indicator="recommendation"),
        [(f"{Q0}.indicator", "indicator_type")],
    ),
    (
        "invalid indicator slug",
        lambda d: _q(d, 0).update(indicator="Well-being"),
        [(f"{Q0}.indicator", "invalid_indicator")],
    ),
    (
        "positive code not among the choices",
        lambda d: _q(d, 0).update(positive=["5", "yes"]),
        [(f"{Q0}.positive", "unknown_positive_code")],
    ),
    (
        "positive _pna",
        lambda d: _q(d, 0).update(prefer_not_to_answer=True, positive=["_pna"]),
        [(f"{Q0}.positive", "unknown_positive_code")],
    ),
    (
        "empty positive",
        lambda d: _q(d, 0).update(positive=[]),
        [(f"{Q0}.positive", "empty_positive")],
    ),
    (
        "single choice indicator without positive",
        lambda d: _q(d, 2).update(indicator="mood"),
        [(Q2, "missing_positive")],
    ),
    (
        "positive without indicator",
        lambda d: _q(d, 1).update(positive=["yes"]),
        [(f"{Q1}.positive", "unexpected_field")],
    ),
    (
        "wrong type of value",
        lambda d: _q(d, 0).update(required="yes"),
        [(f"{Q0}.required", "wrong_type")],
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"), [(r[1], r[2]) for r in RULES], ids=[r[0] for r in RULES]
)
def test_validation_rule(minimal, change, expected):
    data = minimal()
    change(data)
    assert issues(data) == expected


def test_issue_and_error_render_readably():
    issue = Issue("f.yaml, line 3, key", "bad key", "invalid_key")
    assert str(issue) == "f.yaml, line 3, key: bad key [invalid_key]"
    error = DefinitionError([issue] * 7)
    assert "7 problem(s)" in str(error)
    assert "(and 2 more)" in str(error)


def test_line_endings_are_normalised(minimal):
    data = minimal()
    data["intro"]["fr"] = "Un.\r\nDeux.\rTrois."
    assert qn.load_definition(data).intro["fr"] == "Un.\nDeux.\nTrois."


def test_choices_for_display_adds_prefer_not_to_answer(full):
    q = qn.load_definition(full())
    shown = q.question("agree").choices_for_display("fr")
    assert [c.code for c in shown] == ["1", "2", "3", "4", "5", "_pna"]
    assert shown[0] == qn.DisplayChoice("1", "Pas du tout d'accord", "very_sad")
    assert shown[-1].label == "Je préfère ne pas répondre"
    assert [c.pictogram for c in q.question("yn").choices_for_display("en")] == ["yes", "no"]
    assert {c.pictogram for c in qn.AGREEMENT_CHOICES} <= qn.PICTOGRAMS
    assert q.question("pick").codes() == ("a", "b", "c", "_pna")
    assert q.section_of("count").key == "second"
