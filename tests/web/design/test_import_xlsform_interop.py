"""An ordinary XLSForm imports through the designer; what was filled in is said
in the interface language."""

from __future__ import annotations

import io

from survey_app.services import questionnaire_store as store
from tests.design_factories import signed_in_quality_manager, xlsform_bytes

PLAIN_SURVEY = [["type", "name", "label"], ["text", "P_Name", "Your name?"]]


def _upload(client, data, filename, **fields):
    return client.post(
        "/design/import",
        data={"file": (io.BytesIO(data), filename), **fields},
        content_type="multipart/form-data",
    )


def test_a_form_without_ecoute_settings_imports_and_the_notes_are_in_french(client, session):
    organisation = signed_in_quality_manager(client, session)
    client.get("/design/import?lang=fr")
    data = xlsform_bytes(PLAIN_SURVEY, [["list_name", "name", "label"]], None)
    response = _upload(client, data, "Suivi Familles.xlsx", language="en")
    assert response.status_code == 302
    version = store.get_version(session, organisation.id, "suivi-familles")
    definition = store.definition_of(version)
    assert definition.languages == ("en",)
    assert definition.question("P_Name").label == {"en": "Your name?"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Pas de form_id : la clé suivi-familles est tirée du nom du fichier." in page
    assert "texte standard d&#39;Écoute" in page
    assert "no form_id" not in page  # no English detail beside the French sentence


def test_refusals_and_drops_are_said_in_french_without_english_detail(client, session):
    signed_in_quality_manager(client, session)
    client.get("/design/import?lang=fr")
    survey = [
        ["type", "name", "label::French (fr)", "constraint"],
        ["select_one Yn", "venu", "Venu ?", ""],
        ["integer", "visites", "Combien ?", ". > ${venu}"],
    ]
    choices = [["list name", "name", "label::French (fr)"], ["yn", "oui", "Oui"]]
    page = _upload(client, xlsform_bytes(survey, choices), "visites.xlsx").get_data(as_text=True)
    assert "La liste « Yn » n&#39;est pas dans la feuille choices" in page
    assert "La contrainte « . &gt; ${venu} » n&#39;est pas prise en charge" in page
    assert "is not in the choices sheet" not in page
    assert "is not supported" not in page
