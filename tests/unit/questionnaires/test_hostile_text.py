"""Random and hostile text never breaks load / dump / JSON / YAML / XLSForm round trips."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import questionnaires as qn

HOSTILE = [
    "<script>alert('x')</script>",
    "=1+1",
    '=HYPERLINK("http://x")',
    "+cmd",
    "@SUM(A1)",
    "'",
    '"',
    "$ {other}",
    "${",
    "_x0041_",
    "&amp; &lt;",
    "\t",
    "\n",
    "\r\n",
    "\u202e",
    "🙂",
    "é" * 3,
    "  ",
    "null",
    "yes",
    "no",
    "0",
    "1e3",
    "~",
    "- a",
    "key: value",
    "# not a comment",
    "\u00a0",
    "\u200b",
    "\U0001f4a9",
]

plain = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    min_size=1,
    max_size=40,
)
long_text = st.builds(lambda s, n: s * n, plain, st.integers(min_value=50, max_value=120))
piece = st.one_of(plain, st.sampled_from(HOSTILE))
# "${" is refused in texts (XLSForm would read an answer reference): see test_xlsform.
text = st.one_of(st.lists(piece, min_size=1, max_size=6).map("".join), long_text).filter(
    lambda s: s.strip() != "" and len(s) <= 5000 and "${" not in s
)


def both(fr: str, en: str) -> dict[str, str]:
    return {"fr": fr, "en": en}


@st.composite
def definitions(draw: st.DrawFn) -> dict[str, Any]:
    t = lambda: both(draw(text), draw(text))  # noqa: E731
    choices = [{"code": code, "label": t()} for code in ("a", "b", "c")]
    return {
        "schema": "ecoute-questionnaire/1",
        "key": "hostile",
        "version": draw(st.one_of(st.none(), plain.filter(lambda s: s.strip() != ""))),
        "languages": ["fr", "en"],
        "title": t(),
        "intro": t(),
        "consent": t(),
        "sections": [
            {
                "key": "s",
                "title": t(),
                "questions": [
                    {
                        "key": "agree",
                        "type": "agreement",
                        "label": t(),
                        "help": t(),
                        "indicator": "listening",
                    },
                    {"key": "pick", "type": "single_choice", "label": t(), "choices": choices},
                    {
                        "key": "many",
                        "type": "multiple_choice",
                        "label": t(),
                        "choices": choices,
                        "show_if": {"question": "pick", "not_in": ["a"]},
                    },
                    {"key": "free", "type": "text_long", "label": t()},
                    {"key": "info", "type": "note", "label": t()},
                ],
            }
        ],
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definitions())
def test_hostile_text_round_trips_everywhere(data):
    if data["version"] is None:
        del data["version"]
    q = qn.load_definition(data)
    dumped = qn.dump_definition(q)
    assert qn.load_definition(dumped) == q
    assert qn.load_definition(json.dumps(dumped, ensure_ascii=False)) == q
    assert qn.load_definition(yaml.safe_dump(dumped, allow_unicode=True)) == q
    imported = qn.read_xlsform(qn.write_xlsform(q), filename="hostile.xlsx")
    assert imported.ignored == []
    assert imported.questionnaire == q
    assert qn.fingerprint(imported.questionnaire) == qn.fingerprint(q)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_input_never_crashes_the_loader(source):
    # Random text is never a valid definition: it must be refused with issues,
    # never with another exception.
    with pytest.raises(qn.DefinitionError) as caught:
        qn.load_definition(source)
    assert caught.value.issues
    assert all(isinstance(i, qn.Issue) for i in caught.value.issues)


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(max_size=10),
        st.sampled_from(["yes", "_pna", "agreement", "heard"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.one_of(st.text(max_size=8), st.integers()), children, max_size=3),
    ),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


# ``full`` is a factory returning a fresh copy, so sharing it across examples is safe.
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_broken_structure_is_reported_never_crashes(full, data):
    definition = full()
    paths = _paths(definition)[1:]
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        path = data.draw(st.sampled_from(paths))
        node = definition
        try:
            for step in path[:-1]:
                node = node[step]
            node[path[-1]] = data.draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced this branch
    issues: list[qn.Issue] = []
    try:
        q = qn.load_definition(definition)
    except qn.DefinitionError as error:
        issues = error.issues
    else:
        assert qn.load_definition(qn.dump_definition(q)) == q
        return
    assert issues


cell = st.one_of(
    st.none(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "text",
            "integer",
            "note",
            "select_one yn",
            "select_multiple yn",
            "begin group",
            "end group",
            "begin repeat",
            "end repeat",
            "calculate",
            "select_one",
            "yes",
            "no",
            "a",
            "b",
            "${a} = 'yes'",
            "${a} = 'x' or",
            "(",
            ". >= 1",
            "agreement",
            "listening",
            "4 5",
            "French (fr)",
        ]
    ),
    plain,
)
SURVEY_COLUMNS = [
    "type",
    "name",
    "label::French (fr)",
    "label::English (en)",
    "required",
    "relevant",
    "constraint",
    "ecoute::type",
    "ecoute::indicator",
    "ecoute::positive",
    "weird",
]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.lists(cell, min_size=len(SURVEY_COLUMNS), max_size=len(SURVEY_COLUMNS)), max_size=8)
)
def test_random_xlsform_rows_are_reported_never_crash(rows):
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(SURVEY_COLUMNS)
    for row in rows:
        ws.append([("'" + v) if isinstance(v, str) and v.startswith("=") else v for v in row])
    choices = wb.create_sheet("choices")
    for row in (["list_name", "name", "label"], ["yn", "yes", "Oui"], ["yn", "no", "Non"]):
        choices.append(row)
    settings_ws = wb.create_sheet("settings")
    settings_ws.append(["form_id", "ecoute::intro::fr", "ecoute::consent::fr", "form_title"])
    settings_ws.append(["f", "Intro", "Consent", "Titre"])
    buffer = io.BytesIO()
    wb.save(buffer)
    issues: list[qn.Issue] = []
    try:
        result = qn.read_xlsform(buffer.getvalue(), filename="r.xlsx", accept_ignored=True)
    except qn.DefinitionError as error:
        issues = error.issues
    else:
        q = result.questionnaire
        assert qn.read_xlsform(qn.write_xlsform(q), filename="again.xlsx").questionnaire == q
        return
    assert issues


@pytest.mark.parametrize("label", ["Cost in ${", "${ not a name }", "a ${b} c"])
def test_a_text_pyxform_would_read_as_a_reference_is_refused(minimal, label):
    # pyxform reads any "${" as the start of an answer reference and refuses
    # an export whose reference is unclosed or not a name.
    data = minimal()
    data["sections"][0]["questions"][0]["label"]["en"] = label
    with pytest.raises(qn.DefinitionError) as caught:
        qn.load_definition(data)
    assert [i.code for i in caught.value.issues] == ["answer_reference"]
