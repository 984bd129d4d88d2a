"""The database loader and the CSV reader give the same analysis of the same answers.

The answers are generated once (fixed seed) and written twice: as rows in the
database and as a CSV tidy table. Both sides are analysed with the same
options, with and without a period and a site filter, on SQLite and
PostgreSQL. Missing answers, "prefer not to answer", questions hidden by a
condition (no row), open-link responses (no beneficiary), an unfinished
response and a free-text answer are all in the data.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta

import pandas as pd
import pytest

import analysis
import questionnaires
from analysis.inputs import ANSWER_COLUMNS, read_answers_csv
from survey_app.models import Answer, Beneficiary, QuestionnaireVersion, Response
from survey_app.services.analysis_input import load_study_tables
from tests.core_factories import make_small_study

N_BENEFICIARIES = 60


def _fill(session, small, seed: int = 7) -> list[dict]:
    """Write responses and answers to the database; return the CSV rows of the completed ones."""
    rng = random.Random(seed)
    study = small.study
    waves = sorted(study.waves, key=lambda wave: wave.position)
    rows: list[dict] = []
    for number in range(N_BENEFICIARIES + 3):
        open_link = number >= N_BENEFICIARIES
        site = small.sites[number % 2]
        beneficiary = None
        if not open_link:
            beneficiary = Beneficiary(
                organisation_id=small.organisation.id,
                code=f"H-{number:03d}",
                site_id=site.id,
                support_started_on=date(2025, 1, 1),
            )
            session.add(beneficiary)
            session.flush()
        for wave in waves[: 1 if open_link or number % 7 == 0 else 2]:
            version = session.get(QuestionnaireVersion, wave.questionnaire_version_id)
            definition = questionnaires.load_definition(version.definition)
            day = date(2025, 1, 1) + timedelta(days=rng.randrange(300) + wave.delay_days)
            unfinished = number == 5 and wave.kind == "follow_up"
            response = Response(
                organisation_id=small.organisation.id,
                study_id=study.id,
                wave_id=wave.id,
                questionnaire_version_id=version.id,
                site_id=site.id,
                beneficiary_id=beneficiary.id if beneficiary else None,
                mode=rng.choice(["self", "assisted"]),
                language=rng.choice(["fr", "en"]),
                completed_on=None if unfinished else day,
                consented=True,
            )
            session.add(response)
            session.flush()
            for question in definition.questions:
                if question.type in ("text_short", "text_long"):
                    session.add(
                        Answer(response_id=response.id, question_key=question.key, value="x")
                    )
                    continue
                if not question.is_closed or rng.random() < 0.1:  # hidden: no row
                    continue
                draw = rng.random()
                codes = [choice.code for choice in question.choices]
                value = None if draw < 0.05 else "_pna" if draw < 0.1 else rng.choice(codes)
                session.add(
                    Answer(
                        response_id=response.id,
                        question_key=question.key,
                        value=value,
                        number=questionnaires.score(question, value) if value else None,
                    )
                )
                if unfinished:
                    continue
                rows.append(
                    {
                        "response_id": response.id,
                        "beneficiary_code": beneficiary.code if beneficiary else "",
                        "study": study.slug,
                        "wave": wave.key,
                        "wave_kind": wave.kind,
                        "site": site.code,
                        "questionnaire_version": version.label,
                        "question_key": question.key,
                        "indicator": question.indicator or "",
                        "value": value or "",
                        "completed_date": day.isoformat(),
                        "mode": response.mode,
                        "language": response.language,
                    }
                )
    session.flush()
    return rows


@pytest.mark.parametrize(
    "options",
    [
        analysis.AnalysisOptions(k=3),
        analysis.AnalysisOptions(
            k=3, date_from=date(2025, 3, 1), date_to=date(2025, 10, 31), sites=("north",)
        ),
    ],
    ids=["whole-study", "period-and-site"],
)
def test_database_and_csv_give_the_same_analysis(session, tmp_path, options):
    small = make_small_study(session)
    rows = _fill(session, small)
    path = tmp_path / "answers.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(ANSWER_COLUMNS))
        writer.writeheader()
        writer.writerows(rows)

    tables = load_study_tables(
        session,
        small.study,
        date_from=options.date_from,
        date_to=options.date_to,
        site_codes=list(options.sites) if options.sites else None,
    )
    from_csv = read_answers_csv(path, tables.questions)
    assert len(from_csv) == len(rows)
    in_scope = from_csv
    if options.sites:
        in_scope = in_scope[in_scope["site"].isin(options.sites)]
    in_scope = in_scope[
        (in_scope["completed_date"] >= pd.Timestamp(options.date_from or "1900-01-01"))
        & (in_scope["completed_date"] <= pd.Timestamp(options.date_to or "2100-01-01"))
    ]
    assert len(tables.answers) == len(in_scope) > 0
    # Text columns are categoricals of labels, never one object per cell.
    for column in ANSWER_COLUMNS:
        if column != "completed_date":
            assert isinstance(tables.answers[column].dtype, pd.CategoricalDtype), column

    from_database = analysis.analyse_study(
        tables.answers, tables.questions, invitations=tables.invitations, options=options
    )
    from_file = analysis.analyse_study(
        from_csv, tables.questions, invitations=tables.invitations, options=options
    )
    assert from_database.to_dict() == from_file.to_dict()
    assert from_database.to_dict()["n_answers"] == len(in_scope)


def test_an_empty_scope_loads_an_empty_table(session):
    small = make_small_study(session)
    _fill(session, small)
    tables = load_study_tables(session, small.study, site_codes=["nowhere"])
    assert list(tables.answers.columns) == list(ANSWER_COLUMNS)
    assert len(tables.answers) == 0
    assert tables.versions == []


@pytest.mark.parametrize("database_backend", ["sqlite"])  # PostgreSQL: ..._snapshot.py
def test_sqlite_reads_the_answers_in_a_thread_with_the_same_result(session, monkeypatch):
    """SQLite: the answers' aggregates run beside the responses' shaping, on the same connection."""
    import threading

    from survey_app.services import answer_codes

    small = make_small_study(session)
    _fill(session, small)
    threads = []
    real_pairs = answer_codes._sqlite_pairs

    def spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real_pairs(*args, **kwargs)

    monkeypatch.setattr(answer_codes, "_sqlite_pairs", spy)
    beside = load_study_tables(session, small.study)
    monkeypatch.setattr(answer_codes, "_sqlite_file", lambda session: False)
    in_turn = load_study_tables(session, small.study)
    assert [name.startswith("answers") for name in threads] == [True, False]
    pd.testing.assert_frame_equal(beside.answers, in_turn.answers)
    assert len(beside.answers) > 500
