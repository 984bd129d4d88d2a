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
    assert (
        "note: Family Follow-up.xlsx: No form_id: the key family-follow-up is made from the file "
        "name. [key_from_filename]" in result.output
    )
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


def test_messages_follow_the_interface_language_option(runner, organisation, tmp_path):
    path = tmp_path / "visits.xlsx"
    path.write_bytes(
        xlsform_bytes(
            [
                ["type", "name", "label::French (fr)", "media::image"],
                ["select_one Yn", "came", "Venu ?", "x.png"],
            ],
            choices=[["list_name", "name", "label::French (fr)"], ["yn", "yes", "Oui"]],
        )
    )
    result = runner.invoke(
        args=["questionnaire", "import", str(path), "--org", "acme", "--lang", "fr"]
    )
    assert result.exit_code != 0
    assert "2 problème(s), rien n'est importé" in result.output
    assert (
        "La liste « Yn » n'est pas dans la feuille choices (les noms de liste distinguent "
        "majuscules et minuscules). [unknown_list]" in result.output
    )
    assert "list 'Yn' is not in the choices sheet" not in result.output


def test_drops_and_notes_are_said_in_the_language_of_the_environment(
    runner, organisation, tmp_path
):
    path = tmp_path / "visits.xlsx"
    path.write_bytes(
        xlsform_bytes(
            [
                ["type", "name", "label::French (fr)", "media::image"],
                ["integer", "visits", "Combien de visites ?", "x.png"],
            ]
        )
    )
    args = ["questionnaire", "import", str(path), "--org", "acme"]
    refused = runner.invoke(args=args, env={"LC_ALL": "", "LANG": "fr_FR.UTF-8"})
    assert refused.exit_code != 0
    assert "1 élément(s) hors du sous-ensemble pris en charge seraient abandonnés" in (
        refused.output
    )
    assert "La colonne « media::image » n'est pas prise en charge : sa valeur « x.png »" in (
        refused.output
    )
    english = runner.invoke(
        args=[*args, "--accept-ignored", "--lang", "en"], env={"LANG": "fr_FR.UTF-8"}
    )
    assert english.exit_code == 0, english.output
    assert 'The column "media::image" is not supported: its value "x.png" is dropped.' in (
        english.output
    )
    assert "note: visits.xlsx: No form_id: the key visits is made from the file name." in (
        english.output
    )
    assert "imported visits@1 (draft)" in english.output
