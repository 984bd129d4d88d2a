"""Uploading XLSForm/JSON in the designer and downloading versions."""

from __future__ import annotations

import io
import json
import re
import zipfile

from sqlalchemy import func, select

import questionnaires
from survey_app.models import AuditEvent, Questionnaire
from survey_app.services import questionnaire_store as store
from tests.design_factories import (
    GOOD_CHOICES,
    GOOD_SETTINGS,
    GOOD_SURVEY,
    signed_in_quality_manager,
    small_definition,
    stored_draft,
    stored_published,
    xlsform_bytes,
)


def _upload(client, data, filename, **fields):
    return client.post(
        "/design/import",
        data={"file": (io.BytesIO(data), filename), **fields},
        content_type="multipart/form-data",
    )


def _count(session, organisation):
    return session.scalar(
        select(func.count())
        .select_from(Questionnaire)
        .where(Questionnaire.organisation_id == organisation.id)
    )


def _actions(session, organisation):
    return [
        e.action
        for e in session.scalars(
            select(AuditEvent).where(AuditEvent.organisation_id == organisation.id)
        )
    ]


def test_import_page(client, session):
    signed_in_quality_manager(client, session)
    page = client.get("/design/import")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.get_data(as_text=True)


def test_import_good_xlsform_creates_a_draft_and_audits(client, session):
    organisation = signed_in_quality_manager(client, session)
    response = _upload(client, xlsform_bytes(GOOD_SURVEY, GOOD_CHOICES, GOOD_SETTINGS), "jobs.xlsx")
    assert response.status_code == 302
    version = store.get_version(session, organisation.id, "jobs")
    assert version.status == "draft"
    definition = store.definition_of(version)
    assert [q.key for q in definition.questions] == ["has_job", "hours", "comment"]
    assert definition.question("hours").show_if.clauses[0].codes == ("yes",)
    assert "questionnaire.import" in _actions(session, organisation)


def test_import_bad_xlsform_lists_every_problem_with_cells_and_stores_nothing(client, session):
    organisation = signed_in_quality_manager(client, session)
    survey = [
        ["type", "name", "label::French (fr)", "label::English (en)"],
        ["select_one missing_list", "q1", "Un", "One"],
        ["integer", "q1", "Deux", "Two"],
        ["nonsense_type", "q3", "Trois", "Three"],
    ]
    response = _upload(client, xlsform_bytes(survey, GOOD_CHOICES, GOOD_SETTINGS), "bad.xlsx")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "There is a problem" in text
    assert len(re.findall(r"survey!R\d+", text)) >= 2
    assert "survey!R2" in text
    assert _count(session, organisation) == 0


def test_ignorable_constructs_need_explicit_consent(client, session):
    organisation = signed_in_quality_manager(client, session)
    survey = [*GOOD_SURVEY, ["calculate", "calc", "", "", "", ""]]
    response = _upload(client, xlsform_bytes(survey, GOOD_CHOICES, GOOD_SETTINGS), "jobs.xlsx")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "cannot be imported" in text
    assert "survey!R5" in text
    assert "calculate" in text
    assert _count(session, organisation) == 0
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', text).group(1)
    without = client.post("/design/import/confirm", data={"payload": payload})
    assert without.status_code == 400
    assert "Tick the box" in without.get_data(as_text=True)
    assert _count(session, organisation) == 0
    tampered = client.post(
        "/design/import/confirm", data={"payload": payload[:-3] + "abc", "accept_ignored": "y"}
    )
    assert tampered.status_code == 302
    assert tampered.headers["Location"].endswith("/design/import")
    assert _count(session, organisation) == 0
    accepted = client.post(
        "/design/import/confirm", data={"payload": payload, "accept_ignored": "y"}
    )
    assert accepted.status_code == 302
    definition = store.definition_of(store.get_version(session, organisation.id, "jobs"))
    assert "calc" not in [q.key for q in definition.questions]
    audit = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "questionnaire.import",
            AuditEvent.organisation_id == organisation.id,
        )
    ).one()
    assert audit.details["ignored"] == 1


def test_signed_payload_is_bound_to_the_organisation(client, session, app):
    first = signed_in_quality_manager(client, session)
    survey = [*GOOD_SURVEY, ["calculate", "calc", "", "", "", ""]]
    text = _upload(
        client, xlsform_bytes(survey, GOOD_CHOICES, GOOD_SETTINGS), "jobs.xlsx"
    ).get_data(as_text=True)
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', text).group(1)
    other_client = app.test_client()
    second = signed_in_quality_manager(other_client, session)
    response = other_client.post(
        "/design/import/confirm", data={"payload": payload, "accept_ignored": "y"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/design/import")
    assert _count(session, second) == 0
    assert _count(session, first) == 0


def test_import_json_and_existing_draft_is_protected(client, session):
    organisation = signed_in_quality_manager(client, session)
    data = json.dumps(small_definition("from-json")).encode()
    assert _upload(client, data, "def.json").status_code == 302
    again = _upload(client, data, "def.json")
    assert again.status_code == 400
    assert "already has a draft" in again.get_data(as_text=True)
    replaced = _upload(client, data, "def.json", replace_draft="y")
    assert replaced.status_code == 302
    assert [
        v.number for v in store.get_questionnaire(session, organisation.id, "from-json").versions
    ] == [1]


def test_import_with_key_override_and_new_version_of_published(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_published(session, organisation, "small")
    data = json.dumps(small_definition("whatever")).encode()
    response = _upload(client, data, "def.json", key="small")
    assert response.status_code == 302
    assert store.get_version(session, organisation.id, "small").number == 2


def test_import_refuses_bad_files(client, session):
    organisation = signed_in_quality_manager(client, session)
    not_xlsx = _upload(client, b"name,label\nq1,Hello\n", "form.xlsx")
    assert not_xlsx.status_code == 400
    assert "This is not an Excel workbook (.xlsx or legacy .xls)" in not_xlsx.get_data(as_text=True)
    csv = _upload(client, b"a,b", "form.csv")
    assert csv.status_code == 400
    assert "unsupported file type" in csv.get_data(as_text=True)
    broken_json = _upload(client, b'{"key": ', "def.json")
    assert broken_json.status_code == 400
    assert "not valid JSON" in broken_json.get_data(as_text=True)
    invalid = dict(small_definition("inv"))
    invalid["sections"][0]["questions"][0]["type"] = "slider"
    wrong = _upload(client, json.dumps(invalid).encode(), "def.json")
    assert wrong.status_code == 400
    assert "unknown question type" in wrong.get_data(as_text=True)
    no_file = client.post("/design/import", data={}, content_type="multipart/form-data")
    assert no_file.status_code == 400
    assert "Choose a file." in no_file.get_data(as_text=True)
    assert _count(session, organisation) == 0


def test_zip_bomb_is_refused_before_parsing(client, session):
    organisation = signed_in_quality_manager(client, session)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    response = _upload(client, buffer.getvalue(), "bomb.xlsx")
    assert response.status_code == 400
    assert "zip bomb" in response.get_data(as_text=True)
    assert _count(session, organisation) == 0


def test_import_page_in_french_explains_issues(client, session):
    signed_in_quality_manager(client, session)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    response = _upload(client, b"a,b", "form.csv")
    text = response.get_data(as_text=True)
    assert "Type de fichier non pris en charge" in text
    assert "Il y a un problème" in text or "There is a problem" not in text


def test_export_json_and_xlsform_round_trip_and_audit(client, session):
    organisation = signed_in_quality_manager(client, session)
    version = stored_published(session, organisation)
    original = store.definition_of(version)
    as_json = client.get("/design/small/v1/export/json")
    assert as_json.status_code == 200
    assert as_json.headers["Content-Disposition"] == 'attachment; filename="small-v1.json"'
    assert questionnaires.load_definition(as_json.get_data()) == original
    as_xlsx = client.get("/design/small/v1/export/xlsform")
    assert as_xlsx.status_code == 200
    assert as_xlsx.mimetype == store.XLSX_MIMETYPE
    assert (
        questionnaires.read_xlsform(as_xlsx.get_data(), filename="x.xlsx").questionnaire == original
    )
    assert _actions(session, organisation).count("questionnaire.export") == 2
    assert client.get("/design/small/v1/export/pdf").status_code == 404


def test_export_of_a_draft_is_allowed(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    assert client.get("/design/small/v1/export/json").status_code == 200
