"""Designing without typing codes: type-dependent fields, conditions from lists, shown in
words, a preview that runs them, a key from the title (issue 15)."""

from __future__ import annotations

import re

from survey_app.services import questionnaire_store as store
from tests.design_factories import signed_in_quality_manager, stored_draft


def test_condition_picked_from_an_earlier_question_and_shown_in_words(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    base = {
        "key": "how_come",
        "type": "text_short",
        "section": "main",
        "label-fr": "Pourquoi ce choix ?",
        "label-en": "Why this choice?",
        "clauses-0-question": "help_kind",
        "clauses-0-operator": "in",
        "clauses-0-codes": "",
    }
    # No JavaScript: choose the question, press "Show its answers": its answers become boxes.
    page = client.post(
        "/design/small/v1/questions/new", data={**base, "action": "refresh"}
    ).get_data(as_text=True)
    boxes = re.findall(
        r'type="checkbox" id="clauses-0-codes-\d" name="clauses-0-codes" value="(\w+)"', page
    )
    assert boxes == ["food", "housing"]
    assert "Food" in page
    assert "Housing" in page
    # Fields follow the type: a text question shows no choices, numbers nor indicator.
    assert re.search(r'<fieldset class="panel" id="choices"[^>]* hidden>', page)
    assert re.search(r'id="indicator-panel"[^>]* hidden>', page)
    assert page.count('id="indicator"') == 1  # the select only, labelled
    assert '<label for="indicator">' in page
    # Ticking two boxes sends the codes as two values.
    saved = client.post(
        "/design/small/v1/questions/new",
        data={**base, "clauses-0-codes": ["food", "housing"]},
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    session.expire_all()
    question = store.definition_of(store.get_version(session, organisation.id, "small")).question(
        "how_come"
    )
    assert question.show_if.clauses[0].codes == ("food", "housing")
    # The condition reads in the interface language, labels included (issue 15).
    version_page = client.get("/design/small/v1/", headers={"Accept-Language": "en"})
    assert "Shown if ‘Which help?’ is ‘Food’ or ‘Housing’" in version_page.get_data(as_text=True)
    assert "<strong>Why this choice?</strong>" in version_page.get_data(as_text=True)
    french = client.get("/design/small/v1/", headers={"Accept-Language": "fr"})
    assert "Posée si « Quelle aide ? » est « Repas » ou « Logement »" in french.get_data(
        as_text=True
    )
    # The question page says it in words too, from the ticked answers.
    again = client.get(
        "/design/small/v1/questions/how_come", headers={"Accept-Language": "fr"}
    ).get_data(as_text=True)
    assert "Posée si « Quelle aide ? » est « Repas » ou « Logement »" in again
    # Only earlier questions can be conditions: editing "heard" (first) offers none.
    first = client.get("/design/small/v1/questions/heard").get_data(as_text=True)
    assert "Which help? (help_kind)" not in first
    later = client.get("/design/small/v1/questions/how_come").get_data(as_text=True)
    assert "Which help? (help_kind)" in later


def test_preview_runs_the_conditions(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    # "why" is shown only if "heard" is 1 or 2.
    nothing = client.get("/design/small/v1/preview?in=en").get_data(as_text=True)
    assert 'class="respondent-preview preview-hidden" id="preview-why"' in nothing
    shown = client.get("/design/small/v1/preview?in=en&heard=2").get_data(as_text=True)
    assert 'class="respondent-preview respondent" lang="en" id="preview-why"' in shown
    assert re.search(r'name="heard" value="2" checked', shown)
    hidden = client.get("/design/small/v1/preview?in=en&heard=5").get_data(as_text=True)
    assert 'preview-hidden" id="preview-why"' in hidden
    # Previewing the English wording on a French screen: the condition is in French.
    french = client.get(
        "/design/small/v1/preview?in=en&heard=2", headers={"Accept-Language": "fr"}
    ).get_data(as_text=True)
    assert re.search(r'<p class="preview-condition" lang="fr">Posée si « [^»]+ » est « ', french)


def test_new_questionnaire_key_comes_from_the_title(client, session):
    organisation = signed_in_quality_manager(client, session)
    data = {
        "key": "",
        "languages": ["fr"],
        "title-fr": "Suivi à 6 mois",
        "intro-fr": "Bonjour.",
        "consent-fr": "Libre.",
        "first_question-fr": "Comment allez-vous ?",
    }
    assert client.post("/design/new", data=data).status_code == 302
    assert client.post("/design/new", data=data).status_code == 302
    assert store.get_version(session, organisation.id, "suivi-a-6-mois").number == 1
    assert store.get_version(session, organisation.id, "suivi-a-6-mois-2").number == 1


def test_xlsform_conventions_page_is_linked_from_the_import(client, session):
    signed_in_quality_manager(client, session)
    page = client.get("/design/import").get_data(as_text=True)
    assert "/design/xlsform-conventions" in page
    help_page = client.get("/design/xlsform-conventions").get_data(as_text=True)
    assert "ecoute::indicator" in help_page
    assert "ecoute::prefer_not_to_answer" in help_page


def test_keys_and_choice_codes_come_from_the_labels_when_left_empty(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    response = client.post(
        "/design/small/v1/questions/new",
        data={
            "key": "",
            "type": "single_choice",
            "section": "main",
            "label-fr": "Comment êtes-vous venu ?",
            "label-en": "How did you come?",
            "choices-0-code": "",
            "choices-0-fr": "En bus",
            "choices-0-en": "By bus",
            "choices-1-code": "",
            "choices-1-fr": "À pied",
            "choices-1-en": "On foot",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    question = store.definition_of(store.get_version(session, organisation.id, "small")).question(
        "comment_etes_vous_venu"
    )
    assert [c.code for c in question.choices] == ["en_bus", "a_pied"]


def test_new_questionnaire_offers_the_standard_texts_and_errors_speak_french(client, session):
    signed_in_quality_manager(client, session)
    form = client.get("/design/new", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Il n&#39;y a pas de bonne ou de mauvaise réponse." in form  # intro offered
    assert "Vous pouvez arrêter quand vous voulez." in form  # consent offered
    refused = client.post(
        "/design/new",
        data={
            "languages": ["fr", "en"],
            "title-fr": "Accueil",
            "title-en": "Welcome",
            "first_question-fr": "Comment êtes-vous venu·e ?",
            "first_question-en": "How did you come?",
        },
        headers={"Accept-Language": "fr"},
    ).get_data(as_text=True)
    assert "Un texte est vide." in refused
    assert "(text is empty)" not in refused  # no English echo of a sentence said in French
