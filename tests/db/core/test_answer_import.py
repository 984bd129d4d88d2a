"""``responses import``: historical answers, all or nothing, row-precise errors."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from survey_app.models import Answer, Beneficiary, Response
from survey_app.services.analysis_input import load_study_tables
from tests.core_factories import make_small_study

HEADER = [
    "response_id", "beneficiary_code", "study", "wave", "wave_kind", "site",
    "questionnaire_version", "question_key", "indicator", "value", "completed_date",
    "mode", "language",
]  # fmt: skip


def csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


INDICATORS = {"listen_heard": "listening", "conf_future": "confidence"}


def answer_rows(org_study, response_id, code, wave, kind, version, values, day="2025-03-04"):
    return [
        [response_id, code, org_study.study.slug, wave, kind, "north", version, key,
         INDICATORS.get(key, ""), value, day, "self", "fr"]
        for key, value in values.items()
    ]  # fmt: skip


def write(tmp_path, text: str):
    path = tmp_path / "answers.csv"
    path.write_text(text, encoding="utf-8")
    return path


def counts(session):
    return (
        session.scalar(select(func.count()).select_from(Response)),
        session.scalar(select(func.count()).select_from(Answer)),
    )


def test_import_then_reimport_is_refused(runner, session, tmp_path):
    small = make_small_study(session)
    session.commit()
    rows = answer_rows(
        small,
        "r1",
        "H-001",
        "baseline",
        "baseline",
        "impact-baseline@1",
        {"listen_heard": "4", "conf_future": "2"},
    )
    rows += answer_rows(
        small,
        "r2",
        "H-001",
        "followup1",
        "follow_up",
        "impact-followup@1",
        {"listen_heard": "5", "conf_future": "4"},
        day="2025-06-10",
    )
    path = write(tmp_path, csv_text(rows))
    result = runner.invoke(args=["responses", "import", "impact", str(path)])
    assert result.exit_code == 0, result.output
    assert "imported 2 responses, 4 answers (1 new beneficiary codes)" in result.stdout
    assert counts(session) == (2, 4)
    tables = load_study_tables(session, small.study)
    pairs = tables.answers.pivot_table(
        index="beneficiary_code", columns=["wave", "question_key"], values="value", aggfunc="first"
    )
    assert pairs.loc["H-001", ("followup1", "conf_future")] == "4"

    again = runner.invoke(args=["responses", "import", "impact", str(path)])
    assert again.exit_code != 0
    assert "already imported" in again.output
    assert counts(session) == (2, 4)


def test_every_problem_is_reported_and_nothing_saved(runner, session, tmp_path):
    small = make_small_study(session)
    session.commit()
    rows = answer_rows(
        small,
        "r1",
        "H-001",
        "baseline",
        "baseline",
        "impact-baseline@1",
        {"listen_heard": "4", "conf_future": "9"},
    )  # 9 is not on the scale
    rows += answer_rows(
        small, "r2", "H-002", "later", "follow_up", "impact-followup@1", {"listen_heard": "5"}
    )  # unknown wave
    rows += answer_rows(
        small, "r3", "H-003", "baseline", "baseline", "impact-baseline@7", {"listen_heard": "5"}
    )  # unknown version
    path = write(tmp_path, csv_text(rows))
    result = runner.invoke(args=["responses", "import", "impact", str(path)])
    assert result.exit_code != 0
    assert "nothing was saved" in result.output
    assert "row 3, column 'value'" in result.output
    assert "row 4, column 'wave'" in result.output
    assert "row 5, column 'questionnaire_version'" in result.output
    assert counts(session) == (0, 0)
    assert session.scalar(select(func.count()).select_from(Beneficiary)) == 0


def test_missing_column_and_unknown_study(runner, session, tmp_path):
    make_small_study(session)
    session.commit()
    path = write(tmp_path, "response_id,value\nr1,4\n")
    result = runner.invoke(args=["responses", "import", "impact", str(path)])
    assert result.exit_code != 0
    assert "column" in result.output
    unknown = runner.invoke(args=["responses", "import", "nope", str(path)])
    assert unknown.exit_code != 0
    assert "no study 'nope'" in unknown.output


def test_a_large_import_refreshes_postgresql_statistics_for_the_analysis(
    runner, session, tmp_path, database_backend
):
    from sqlalchemy import text

    from survey_app.services.beneficiary_import import ANALYSE_FROM

    small = make_small_study(session)
    session.commit()
    rows = []
    for i in range(ANALYSE_FROM):
        rows += answer_rows(
            small, f"r{i}", f"H-{i:04d}", "baseline", "baseline", "impact-baseline@1",
            {"listen_heard": "4"},
        )  # fmt: skip
    result = runner.invoke(
        args=["responses", "import", "impact", str(write(tmp_path, csv_text(rows)))]
    )
    assert result.exit_code == 0, result.output
    if database_backend != "postgresql":
        return  # SQLite plans without sampled statistics
    # Without ANALYZE the planner still believes the tables empty (autovacuum has not run)
    # and the first analysis after a 2.4 M-answer import took twice as long.
    for table in ("answer", "response"):
        estimated = session.scalar(
            text("SELECT reltuples FROM pg_class WHERE relname = :table"), {"table": table}
        )
        assert estimated >= ANALYSE_FROM, table
