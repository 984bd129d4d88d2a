"""``flask questionnaire import`` of ordinary KoboToolbox/ODK forms (.xlsx, .xls)."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.services import questionnaire_store as store
from tests.design_factories import xlsform_bytes
from tests.factories import make_organisation

CORPUS = Path(__file__).resolve().parents[2] / "data" / "xlsforms"


@pytest.fixture
def organisation(session):
    organisation = make_organisation(session, slug="acme")
    session.commit()
    return organisation


def test_a_plain_form_imports_in_the_language_given_and_the_notes_are_printed(
    runner, session, organisation, tmp_path
):
    path = tmp_path / "Family Follow-up.xlsx"
    path.write_bytes(xlsform_bytes([["type", "name", "label"], ["integer", "Visits", "Visits?"]]))
    result = runner.invoke(
        args=["questionnaire", "import", str(path), "--org", "acme", "--language", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "imported family-follow-up@1 (draft)" in result.output
    assert "note: Family Follow-up.xlsx: no form_id: the key 'family-follow-up'" in result.output
    definition = store.definition_of(
        store.get_version(session, organisation.id, "family-follow-up")
    )
    assert definition.languages == ("en",)
    assert definition.question("Visits").type == "integer"


def test_a_legacy_xls_form_imports_with_its_drops_accepted(runner, session, organisation):
    path = CORPUS / "kobocat" / "tutorial.xls"
    refused = runner.invoke(args=["questionnaire", "import", str(path), "--org", "acme"])
    assert refused.exit_code != 0
    accepted = runner.invoke(
        args=["questionnaire", "import", str(path), "--org", "acme", "--accept-ignored"]
    )
    assert accepted.exit_code == 0, accepted.output
    assert "ignored: tutorial.xls" in accepted.output
