"""The tidy table contract: columns, codes by question kind, row-precise CSV errors."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from analysis import ANSWER_COLUMNS, AnswerTableError, QuestionSpec, read_answers_csv
from analysis.inputs import validate_answers, validate_invitations

QUESTIONS = [
    QuestionSpec("listened", "agreement", "listened", frozenset({"4", "5"})),
    QuestionSpec("recommend", "rating", "recommendation", frozenset({"9", "10"})),
    QuestionSpec("housed", "yes_no", None),
    QuestionSpec("visits", "integer", None),
    QuestionSpec("help", "multiple_choice", None, choice_labels={"a": {}, "b": {}}),
    QuestionSpec("contact", "single_choice", None, choice_labels={"phone": {}, "visit": {}}),
    QuestionSpec("comment", "text_long", None),
]
HEADER = ",".join(ANSWER_COLUMNS)


def _row(response="r1", key="listened", indicator="listened", value="4", **over):
    cells = {
        "response_id": response,
        "beneficiary_code": "B1",
        "study": "s",
        "wave": "baseline",
        "wave_kind": "baseline",
        "site": "A",
        "questionnaire_version": "q@1",
        "question_key": key,
        "indicator": indicator,
        "value": value,
        "completed_date": "2025-03-01",
        "mode": "self",
        "language": "fr",
    }
    cells.update(over)
    return ",".join(cells[c] for c in ANSWER_COLUMNS)


def _csv(*rows: str) -> io.StringIO:
    return io.StringIO("\n".join([HEADER, *rows]) + "\n")


def test_reads_a_valid_file_with_every_kind_and_missing_values():
    table = read_answers_csv(
        _csv(
            _row(),
            _row(key="recommend", indicator="recommendation", value="10"),
            _row(key="housed", indicator="", value="yes"),
            _row(key="visits", indicator="", value="-3"),
            _row(key="help", indicator="", value="a b"),
            _row(key="contact", indicator="", value="_pna"),
            _row(response="r2", value="", beneficiary_code=""),
        ),
        QUESTIONS,
    )
    assert list(table.columns) == list(ANSWER_COLUMNS)
    assert len(table) == 7
    r2 = table[table["response_id"] == "r2"].iloc[0]
    assert r2["value"] is None
    assert r2["beneficiary_code"] is None
    assert table["completed_date"].dtype == "datetime64[ns]"
    assert table.loc[table["question_key"] == "housed", "indicator"].iloc[0] is None


def test_every_problem_is_reported_with_file_row_column_and_value():
    source = _csv(
        _row(),  # row 2: fine
        _row(key="listened", value="7", response="r2"),  # row 3: bad code
        _row(key="nope", response="r3"),  # row 4: unknown question
        _row(key="housed", indicator="", value="maybe", response="r4"),  # row 5
        _row(key="visits", indicator="", value="3.5", response="r5"),  # row 6
        _row(key="help", indicator="", value="a z", response="r6"),  # row 7
        _row(response="r7", mode="phone", language="de", completed_date="2025-13-45"),  # row 8
        _row(response="r1"),  # row 9: second answer to 'listened' in r1
        _row(key="comment", indicator="", value="free text", response="r8"),  # row 10
        _row(response="r9", indicator="other"),  # row 11: wrong indicator
    )
    with pytest.raises(AnswerTableError) as caught:
        read_answers_csv(source, QUESTIONS)
    problems = {(p.row, p.column): p for p in caught.value.problems}
    assert problems[(3, "value")].value == "7"
    assert "allows ['1', '2', '3', '4', '5']" in problems[(3, "value")].message
    assert problems[(4, "question_key")].message == "unknown question"
    assert problems[(5, "value")].value == "maybe"
    assert problems[(6, "value")].value == "3.5"
    assert problems[(7, "value")].value == "a z"
    assert problems[(8, "mode")].value == "phone"
    assert problems[(8, "language")].value == "de"
    assert problems[(8, "completed_date")].message == "not a date"
    assert "second answer" in problems[(9, "question_key")].message
    assert "free-text" in problems[(10, "question_key")].message
    assert problems[(11, "indicator")].value == "other"
    assert (2, "value") not in problems
    assert caught.value.n_problems == len(caught.value.problems)
    assert "row 3, column 'value' (value '7')" in str(caught.value)


def test_missing_and_unexpected_columns():
    frame = pd.DataFrame({"response_id": ["r1"], "extra": [1]})
    with pytest.raises(AnswerTableError) as caught:
        validate_answers(frame, QUESTIONS)
    columns = {p.column for p in caught.value.problems}
    assert "extra" in columns
    assert "value" in columns
    assert all(p.row is None for p in caught.value.problems)


def test_response_level_columns_must_agree_within_a_response():
    with pytest.raises(AnswerTableError) as caught:
        read_answers_csv(
            _csv(_row(), _row(key="housed", indicator="", value="no", site="B")), QUESTIONS
        )
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "site")]


def test_whitespace_is_stripped_and_blank_counts_as_missing():
    table = read_answers_csv(
        _csv(_row(value=" 4 ", site=" A "), _row(response="r2", value="  ")), QUESTIONS
    )
    assert table["value"].tolist() == ["4", None]
    assert set(table["site"]) == {"A"}


def test_unreadable_file_is_an_answer_table_error():
    with pytest.raises(AnswerTableError):
        read_answers_csv(io.BytesIO(b"\xff\xfe\x00garbage"), QUESTIONS)


def test_question_spec_validates_and_is_immutable():
    with pytest.raises(ValueError, match="kind"):
        QuestionSpec("x", "slider")
    with pytest.raises(ValueError, match="polarity"):
        QuestionSpec("x", "agreement", polarity=0)
    spec = QuestionSpec("x", "agreement", positive_codes={"5"}, scores={"1": 1})
    assert spec.positive_codes == frozenset({"5"})
    with pytest.raises(TypeError):
        spec.scores["2"] = 2.0  # type: ignore[index]


def test_invitations_are_normalised():
    inv = pd.DataFrame(
        {
            "invitation_id": ["1", "2"],
            "wave": ["baseline"] * 2,
            "wave_kind": ["baseline"] * 2,
            "site": ["A", "A"],
            "created_at": ["2025-01-01T10:00", "2025-01-01T10:00"],
            "sent_at": ["2025-01-01T10:00", ""],
            "opened_at": [None, None],
            "started_at": ["2025-01-01T11:00", None],
            "completed_at": ["2025-01-01T11:12", None],
            "expired": ["false", "true"],
        }
    )
    clean = validate_invitations(inv)
    assert clean["expired"].tolist() == [False, True]
    assert clean["sent_at"].isna().tolist() == [False, True]
    assert np.issubdtype(clean["completed_at"].dtype, np.datetime64)


def test_reads_from_a_path_and_from_bytes_with_bom(tmp_path):
    text = "\n".join([HEADER, _row(), _row(key="housed", indicator="", value="no")]) + "\n"
    path = tmp_path / "answers.csv"
    path.write_text(text, encoding="utf-8")
    from_path = read_answers_csv(path, QUESTIONS)
    from_bytes = read_answers_csv(io.BytesIO(b"\xef\xbb\xbf" + text.encode()), QUESTIONS)
    pd.testing.assert_frame_equal(from_path, from_bytes)
    assert from_path["value"].tolist() == ["4", "no"]


@pytest.mark.parametrize("response_id", ["r1", "a-response-id-far-beyond-the-others"])
def test_a_second_answer_is_found_in_text_and_categorical_tables(response_id):
    """However the table is typed (CSV text, the loader's categoricals), a repeat is reported."""
    table = pd.read_csv(
        _csv(
            _row(response=response_id),
            _row(response=response_id, key="recommend", indicator="recommendation", value="9"),
            _row(response=response_id, value="5"),
        ),
        dtype=str,
    )
    for typed in (table, table.astype("category")):
        with pytest.raises(AnswerTableError) as caught:
            validate_answers(typed, QUESTIONS)
        [problem] = caught.value.problems
        assert (problem.row, problem.column) == (2, "question_key")
        assert "second answer" in problem.message
    clean = validate_answers(table.iloc[:2].astype("category"), QUESTIONS)
    assert list(clean["question_key"]) == ["listened", "recommend"]


def test_response_level_problems_are_found_in_text_and_categorical_tables():
    """Blank, unknown and inconsistent response-level values are reported however typed."""
    table = pd.read_csv(
        _csv(
            _row(),
            _row(response="r2", wave="later", wave_kind="follow_up"),
            _row(response="r3", wave="later", wave_kind="exit"),  # 'later' has two kinds
            _row(response="r4", mode="phone"),
            _row(response="r5", site=" "),
        ),
        dtype=str,
        keep_default_na=False,
    )
    expected = {
        (3, "wave_kind", "the same wave has several wave kinds"),
        (4, "wave_kind", "the same wave has several wave kinds"),
        (5, "mode", "must be one of ['assisted', 'read_aloud', 'self']"),
        (6, "site", "must not be empty"),
    }
    for typed in (table, table.astype("category")):
        with pytest.raises(AnswerTableError) as caught:
            validate_answers(typed, QUESTIONS, row_labels=np.arange(2, len(table) + 2))
        assert {(p.row, p.column, p.message) for p in caught.value.problems} == expected


@pytest.mark.parametrize("r2_first", [False, True])
def test_a_response_level_difference_is_found_wherever_the_rows_are(r2_first):
    """Rows of a response one after another or interleaved: the row that differs is named."""
    r2 = _row(response="r2", key="housed", indicator="", value="no")
    rows = [
        _row(),
        _row(key="housed", indicator="", value="yes"),
        _row(key="visits", indicator="", value="3", site="B"),
    ]
    table = pd.read_csv(_csv(*([r2, *rows] if r2_first else [rows[0], r2, *rows[1:]])), dtype=str)
    for typed in (table, table.astype("category")):
        with pytest.raises(AnswerTableError) as caught:
            validate_answers(typed, QUESTIONS, row_labels=np.arange(2, len(table) + 2))
        assert [(p.row, p.column) for p in caught.value.problems] == [(5, "site")]
