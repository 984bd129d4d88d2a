"""Issue 11 on the demo: every figure of 20 people or more is shown (exactly or as a
bound), and an interval audit of everything ``indicators --json`` publishes finds no
withheld count that can be recovered or narrowed, for the organisation's k."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from analysis.disclosure_audit import audit_publication
from survey_app.models import Organisation, Study
from survey_app.services.analysis_input import load_study_tables


def _published(runner, *args: str) -> dict:
    output = runner.invoke(args=["indicators", "demo", "--json", *args])
    assert output.exit_code == 0, output.output
    return json.loads(output.stdout)


def _reader_knowledge(session) -> tuple[dict, dict]:
    """Positive codes and wave kinds: what a reader knows from the questionnaire."""
    study = session.scalar(select(Study).where(Study.slug == "demo"))
    tables = load_study_tables(session, study)
    questions = tables.questions
    specs = questions.values() if isinstance(questions, dict) else questions
    codes = {spec.key: spec.effective_positive_codes() for spec in specs}
    answers = tables.answers
    return codes, dict(zip(answers["wave"], answers["wave_kind"], strict=True))


@pytest.mark.parametrize("k", [5, 8])
def test_demo_shows_every_figure_of_20_people_and_leaks_nothing(runner, session, k):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    organisation = session.scalar(select(Organisation).where(Organisation.slug == "demo"))
    organisation.min_cell_size = k
    session.commit()
    published = _published(runner)
    assert published["k"] == k  # the organisation's k flows into the analysis
    for row in published["indicators"]:
        positive = row["positive"]
        if positive is None or (row["n_respondents"] or 0) < 20:
            continue
        shown = positive["estimate"] is not None or positive["bound"] is not None
        assert shown, (row["indicator"], row["wave"], row["n_respondents"])
    codes, kinds = _reader_knowledge(session)
    leaks, audited = audit_publication(published, positive_codes=codes, wave_kinds=kinds)
    assert audited > 0
    assert leaks == []


def test_demo_one_site_and_one_quarter_leak_nothing(runner, session):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    published = _published(runner, "--site", "nord", "--from", "2026-07-01", "--to", "2026-09-30")
    codes, kinds = _reader_knowledge(session)
    leaks, _audited = audit_publication(published, positive_codes=codes, wave_kinds=kinds)
    assert leaks == []
