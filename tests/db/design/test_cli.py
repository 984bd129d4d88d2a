"""``flask questionnaire list | import | export`` on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

import questionnaires
from survey_app.models import AuditEvent, Questionnaire, QuestionnaireVersion
from survey_app.services import questionnaire_store as store
from tests.design_factories import (
    GOOD_CHOICES,
    GOOD_SETTINGS,
    GOOD_SURVEY,
    small_definition,
    stored_published,
    xlsform_bytes,
)
from tests.factories import make_organisation


@pytest.fixture
def organisation(session):
    organisation = make_organisation(session, slug="acme")
    session.commit()
    return organisation


def _count(session, organisation):
    return session.scalar(
        select(func.count())
        .select_from(Questionnaire)
        .where(Questionnaire.organisation_id == organisation.id)
    )


def test_list_builtins_without_org(runner):
    result = runner.invoke(args=["questionnaire", "list"])
    assert result.exit_code == 0
    for key in questionnaires.builtin_keys():
        assert key in result.output


def test_list_org_and_unknown_org(runner, session, organisation):
    stored_published(session, organisation, "alpha")
    result = runner.invoke(args=["questionnaire", "list", "--org", "acme"])
    assert result.exit_code == 0
    assert "alpha" in result.output
    assert "v1 published" in result.output
    unknown = runner.invoke(args=["questionnaire", "list", "--org", "nope"])
    assert unknown.exit_code != 0
    assert "no organisation" in unknown.output


def test_import_good_xlsform(runner, session, organisation, tmp_path):
    path = tmp_path / "jobs.xlsx"
    path.write_bytes(xlsform_bytes(GOOD_SURVEY, GOOD_CHOICES, GOOD_SETTINGS))
    result = runner.invoke(args=["questionnaire", "import", str(path), "--org", "acme"])
    assert result.exit_code == 0, result.output
    assert "imported jobs@1 (draft)" in result.output
    version = store.get_version(session, organisation.id, "jobs")
    assert [q.key for q in store.definition_of(version).questions] == [
        "has_job",
        "hours",
        "comment",
    ]
    assert (
        session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "questionnaire.import",
                AuditEvent.organisation_id == organisation.id,
            )
        )
        is not None
    )


def test_import_bad_xlsform_prints_every_problem_and_stores_nothing(
    runner, session, organisation, tmp_path
):
    # A missing translation or a condition on an unknown question no longer refuses a form
    # (issue 16: filled in, or dropped and listed); a list that does not exist and a name
    # used twice still do.
    survey = [
        ["type", "name", "label::French (fr)", "label::English (en)"],
        ["select_one nosuchlist", "q1", "Un", "One"],
        ["integer", "q2", "Deux", "Two"],
        ["text", "q2", "Trois", "Three"],
    ]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsform_bytes(survey, GOOD_CHOICES, GOOD_SETTINGS))
    result = runner.invoke(args=["questionnaire", "import", str(path), "--org", "acme"])
    assert result.exit_code != 0
    assert "2 problem(s), nothing imported" in result.output
    assert 'survey!R2 column A "type"' in result.output
    assert "nosuchlist" in result.output
    assert 'survey!R4 column B "name"' in result.output
    assert _count(session, organisation) == 0


def test_ignorable_constructs_need_accept_ignored(runner, session, organisation, tmp_path):
    survey = [*GOOD_SURVEY, ["calculate", "calc", "", "", "", ""]]
    path = tmp_path / "jobs.xlsx"
    path.write_bytes(xlsform_bytes(survey, GOOD_CHOICES, GOOD_SETTINGS))
    refused = runner.invoke(args=["questionnaire", "import", str(path), "--org", "acme"])
    assert refused.exit_code != 0
    assert "--accept-ignored" in refused.output
    assert "survey!R5" in refused.output
    assert _count(session, organisation) == 0
    accepted = runner.invoke(
        args=["questionnaire", "import", str(path), "--org", "acme", "--accept-ignored"]
    )
    assert accepted.exit_code == 0, accepted.output
    assert "ignored:" in accepted.output
    assert _count(session, organisation) == 1


def test_import_json_publish_and_refuse_existing_draft(runner, session, organisation, tmp_path):
    path = tmp_path / "def.json"
    path.write_text(json.dumps(small_definition("from-json")))
    first = runner.invoke(args=["questionnaire", "import", str(path), "--org", "acme", "--publish"])
    assert first.exit_code == 0, first.output
    assert store.get_version(session, organisation.id, "from-json").status == "published"
    second = runner.invoke(args=["questionnaire", "import", str(path), "--org", "acme"])
    assert second.exit_code == 0
    assert "from-json@2 (draft)" in second.output
    third = runner.invoke(args=["questionnaire", "import", str(path), "--org", "acme"])
    assert third.exit_code != 0
    assert "already has a draft" in third.output
    replaced = runner.invoke(
        args=["questionnaire", "import", str(path), "--org", "acme", "--replace-draft"]
    )
    assert replaced.exit_code == 0


def test_import_cannot_modify_a_published_version(runner, session, organisation, tmp_path):
    published = stored_published(session, organisation, "small")
    before = (dict(published.definition), published.fingerprint)
    changed = small_definition("small")
    changed["title"] = {"fr": "Changé", "en": "Changed"}
    path = tmp_path / "small.json"
    path.write_text(json.dumps(changed))
    result = runner.invoke(args=["questionnaire", "import", str(path), "--org", "acme"])
    assert result.exit_code == 0
    session.expire_all()
    again = session.get(QuestionnaireVersion, published.id)
    assert (again.definition, again.fingerprint, again.status) == (*before, "published")
    assert store.get_version(session, organisation.id, "small").number == 2


def test_import_errors(runner, organisation, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("key: [unclosed\n")
    result = runner.invoke(args=["questionnaire", "import", str(bad), "--org", "acme"])
    assert result.exit_code != 0
    assert "not valid YAML" in result.output
    csv = tmp_path / "x.csv"
    csv.write_text("a,b")
    result = runner.invoke(args=["questionnaire", "import", str(csv), "--org", "acme"])
    assert result.exit_code != 0
    assert "unsupported file type" in result.output
    good = tmp_path / "def.json"
    good.write_text(json.dumps(small_definition()))
    result = runner.invoke(args=["questionnaire", "import", str(good), "--org", "nope"])
    assert result.exit_code != 0
    assert "no organisation" in result.output
    result = runner.invoke(args=["questionnaire", "import", str(good)])
    assert result.exit_code != 0
    assert "--org" in result.output


@pytest.mark.parametrize("key", questionnaires.builtin_keys())
@pytest.mark.parametrize("fmt", ["xlsform", "json"])
def test_export_builtin_round_trip(runner, tmp_path, key, fmt):
    out = tmp_path / f"{key}.out"
    result = runner.invoke(
        args=["questionnaire", "export", key, "--format", fmt, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    if fmt == "json":
        back = questionnaires.load_definition(out.read_bytes())
    else:
        back = questionnaires.read_xlsform(out.read_bytes(), filename=out.name).questionnaire
    assert back == questionnaires.load_builtin(key)


def test_export_then_import_round_trip_through_an_organisation(
    runner, session, organisation, tmp_path
):
    stored_published(session, organisation, "small")
    out = tmp_path / "small.xlsx"
    result = runner.invoke(
        args=[
            "questionnaire",
            "export",
            "small",
            "--org",
            "acme",
            "--version",
            "1",
            "--format",
            "xlsform",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["questionnaire", "import", str(out), "--org", "acme", "--key", "small-copy"]
    )
    assert result.exit_code == 0, result.output
    original = store.definition_of(store.get_version(session, organisation.id, "small", 1))
    copy = store.definition_of(store.get_version(session, organisation.id, "small-copy"))
    assert questionnaires.dump_definition(copy) | {
        "key": "small"
    } == questionnaires.dump_definition(original)
    assert (
        session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "questionnaire.export",
                AuditEvent.organisation_id == organisation.id,
            )
        )
        is not None
    )


def test_export_errors(runner, organisation, tmp_path):
    out = tmp_path / "x.json"
    unknown = runner.invoke(
        args=["questionnaire", "export", "nope", "--format", "json", "--out", str(out)]
    )
    assert unknown.exit_code != 0
    assert "no built-in questionnaire" in unknown.output
    missing = runner.invoke(
        args=[
            "questionnaire",
            "export",
            "nope",
            "--org",
            "acme",
            "--format",
            "json",
            "--out",
            str(out),
        ]
    )
    assert missing.exit_code != 0
    assert "no questionnaire" in missing.output
    fmt = runner.invoke(
        args=["questionnaire", "export", "impact-exit", "--format", "pdf", "--out", str(out)]
    )
    assert fmt.exit_code != 0
    assert not out.exists()
