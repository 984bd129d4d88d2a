"""The answer export carries every question of every version, integers included (issue 15)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

import questionnaires
from survey_app.models import Answer, Response, Role
from tests.factories import login, make_user
from tests.reports_factories import make_report_study


def test_answers_export_has_every_question_with_integers_and_one_pna_note(client, session):
    built = make_report_study(session, people=12)
    director = make_user(session, built.organisation, Role.DIRECTOR)
    first = session.scalar(select(Response).order_by(Response.id))
    session.add(Answer(response_id=first.id, question_key="ctx_children", value="3", number=3))
    session.commit()
    expected = []
    for wave in built.study.waves:
        definition = questionnaires.load_definition(wave.questionnaire_version.definition)
        for question in definition.questions:
            if question.type not in ("note", "text_short", "text_long") and (
                question.key not in expected
            ):
                expected.append(question.key)
    assert "ctx_children" in expected
    login(client, director.email)
    query = f"study={built.study.id}&period=all&lang=fr"
    result = client.get(f"/reports/export/answers.csv?{query}")
    rows = list(csv.DictReader(io.StringIO(result.data.decode("utf-8-sig"))))
    assert set(expected) <= set(rows[0])
    children = [row["ctx_children"] for row in rows if row["ctx_children"]]
    assert children == ["3"]
    book = load_workbook(
        io.BytesIO(client.get(f"/reports/export/answers.xlsx?{query}").data), read_only=True
    )
    answers = list(book["answers"].iter_rows(values_only=True))
    column = answers[0].index("ctx_children")
    assert [row[column] for row in answers[1:] if row[column] is not None] == [3]  # a number
    dictionary = list(book["data dictionary"].iter_rows(values_only=True))
    assert dictionary[0][3] == "libellé (fr)"
    by_key = {row[0]: row for row in dictionary}
    assert set(expected) <= set(by_key)
    assert by_key["ctx_children"][1] == "integer"
    pna = [row for row in dictionary if "_pna" in " ".join(str(cell) for cell in row)]
    assert len(pna) == 1, pna
    single = next(row for row in dictionary if row[1] == "single_choice")
    assert single[5]  # choice labels, in French
