"""Version workflow in the designer: draft → published (immutable) → archived."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey_app.models import AuditEvent, QuestionnaireVersion, Role
from survey_app.services import questionnaire_store as store
from tests.design_factories import (
    signed_in_quality_manager,
    small_definition,
    stored_draft,
    stored_published,
)
from tests.factories import login, make_organisation, make_user


def _audit_actions(session, organisation):
    return [
        e.action
        for e in session.scalars(
            select(AuditEvent).where(AuditEvent.organisation_id == organisation.id)
        )
    ]


def test_list_shows_questionnaires_and_versions(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_published(session, organisation, "alpha")
    page = client.get("/design/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "alpha" in text
    assert "published" in text
    assert "impact-baseline" in text  # offered as a standard questionnaire


def test_create_questionnaire_makes_a_valid_draft(client, session):
    organisation = signed_in_quality_manager(client, session)
    response = client.post(
        "/design/new",
        data={
            "key": "my-survey",
            "languages": ["fr", "en"],
            "title-fr": "Mon enquête",
            "title-en": "My survey",
            "intro-fr": "Bonjour.",
            "intro-en": "Hello.",
            "consent-fr": "Libre.",
            "consent-en": "Free.",
            "first_question-fr": "Comment allez-vous ?",
            "first_question-en": "How are you?",
        },
    )
    assert response.status_code == 302
    version = store.get_version(session, organisation.id, "my-survey")
    assert version.status == "draft"
    assert version.number == 1
    assert store.definition_of(version).question("q1").label["en"] == "How are you?"


def test_create_with_missing_translation_keeps_what_was_typed(client, session):
    signed_in_quality_manager(client, session)
    response = client.post(
        "/design/new",
        data={
            "key": "half",
            "languages": ["fr", "en"],
            "title-fr": "Titre <b>typed</b>",
            "title-en": "",
            "intro-fr": "Bonjour.",
            "intro-en": "Hello.",
            "consent-fr": "Libre.",
            "consent-en": "Free.",
            "first_question-fr": "Q ?",
            "first_question-en": "Q?",
        },
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "There is a problem" in text
    assert "Titre &lt;b&gt;typed&lt;/b&gt;" in text  # kept, and escaped
    assert 'href="#title-en"' in text  # the summary links to the empty field
    assert "empty" in text or "missing" in text


def test_create_refuses_bad_key_and_existing_key(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation, "taken")
    base = {
        "languages": ["fr"],
        "title-fr": "T",
        "intro-fr": "I",
        "consent-fr": "C",
        "first_question-fr": "Q",
    }
    bad = client.post("/design/new", data={**base, "key": "Bad Key"})
    assert bad.status_code == 400
    assert "lowercase letter" in bad.get_data(as_text=True)
    taken = client.post("/design/new", data={**base, "key": "taken"})
    assert taken.status_code == 400
    assert "already exists" in taken.get_data(as_text=True)


def test_publish_asks_confirmation_then_freezes_and_audits(client, session):
    organisation = signed_in_quality_manager(client, session)
    draft = stored_draft(session, organisation)
    page = client.get("/design/small/v1/publish")
    assert page.status_code == 200
    assert "can never change" in page.get_data(as_text=True)
    assert session.get(QuestionnaireVersion, draft.id).status == "draft"
    done = client.post("/design/small/v1/publish")
    assert done.status_code == 302
    session.expire_all()
    assert session.get(QuestionnaireVersion, draft.id).status == "published"
    assert "questionnaire.publish" in _audit_actions(session, organisation)


def test_edit_published_creates_new_draft_and_warns_on_comparability(client, session):
    organisation = signed_in_quality_manager(client, session)
    published = stored_published(session, organisation)
    response = client.post("/design/small/v1/new-draft")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/design/small/v2/")
    # A second "edit" while the draft exists is refused with the reason.
    again = client.post("/design/small/v1/new-draft")
    assert again.status_code == 409
    assert "already has a draft" in again.get_data(as_text=True)
    # Change the scale of the indicator question: the designer warns.
    draft = store.get_version(session, organisation.id, "small", 2)
    changed = small_definition()
    changed["sections"][0]["questions"][0]["polarity"] = "negative"
    store.update_draft(session, draft, changed)
    session.commit()
    page = client.get("/design/small/v2/").get_data(as_text=True)
    assert "break comparability" in page
    assert "heard" in page
    assert "polarity" in page
    confirm = client.get("/design/small/v2/publish").get_data(as_text=True)
    assert "comparability with version 1 is broken" in confirm
    assert session.get(QuestionnaireVersion, published.id).status == "published"


def test_archive_published_and_refuse_archive_of_draft(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_published(session, organisation)
    assert client.post("/design/small/v1/archive").status_code == 302
    assert store.get_version(session, organisation.id, "small", 1).status == "archived"
    assert "questionnaire.archive" in _audit_actions(session, organisation)
    stored_draft(session, organisation, "other")
    refused = client.post("/design/other/v1/archive")
    assert refused.status_code == 409
    # An archived version can still be the base of a new draft.
    assert client.post("/design/small/v1/new-draft").status_code == 302


def test_delete_draft_with_confirmation(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation, "gone")
    assert client.get("/design/gone/v1/delete").status_code == 200
    assert client.post("/design/gone/v1/delete").status_code == 302
    with pytest.raises(store.NotFound):
        store.get_questionnaire(session, organisation.id, "gone")


CRAFTED_POSTS = [
    (
        "/design/small/v1/settings",
        {
            "title-fr": "Piraté",
            "title-en": "Hacked",
            "intro-fr": "x",
            "intro-en": "x",
            "consent-fr": "x",
            "consent-en": "x",
        },
    ),
    (
        "/design/small/v1/translations",
        {"languages": ["fr", "en"], "t0-fr": "Piraté", "t0-en": "Hacked"},
    ),
    (
        "/design/small/v1/questions/new",
        {"key": "extra", "type": "text_short", "section": "main", "label-fr": "X", "label-en": "X"},
    ),
    (
        "/design/small/v1/questions/heard",
        {
            "key": "heard",
            "type": "agreement",
            "section": "main",
            "label-fr": "Piraté",
            "label-en": "Hacked",
        },
    ),
    ("/design/small/v1/questions/heard/move", {"direction": "down"}),
    ("/design/small/v1/questions/heard/delete", {}),
    ("/design/small/v1/sections/main", {"key": "renamed"}),
    ("/design/small/v1/sections/main/move", {"direction": "down"}),
    ("/design/small/v1/sections/main/delete", {}),
    ("/design/small/v1/publish", {}),
    ("/design/small/v1/delete", {}),
]


@pytest.mark.parametrize(("path", "data"), CRAFTED_POSTS)
def test_crafted_post_cannot_change_a_published_version(client, session, path, data):
    organisation = signed_in_quality_manager(client, session)
    published = stored_published(session, organisation)
    before = (dict(published.definition), published.fingerprint, published.status)
    response = client.post(path, data=data)
    assert response.status_code == 409
    assert "cannot be changed" in response.get_data(as_text=True)
    session.expire_all()
    after = session.get(QuestionnaireVersion, published.id)
    assert (after.definition, after.fingerprint, after.status) == before


def test_other_organisation_gets_404(client, session):
    other = make_organisation(session)
    stored_published(session, other, "secret")
    signed_in_quality_manager(client, session)
    for path in (
        "/design/secret/",
        "/design/secret/v1/",
        "/design/secret/v1/preview",
        "/design/secret/v1/export/json",
        "/design/secret/duplicate",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post("/design/secret/v1/archive").status_code == 404


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.SOCIAL_WORKER, Role.ADMIN])
def test_other_roles_cannot_design(client, session, role):
    organisation = make_organisation(session)
    user = make_user(session, organisation, role)
    stored_draft(session, organisation)
    session.commit()
    login(client, user.email)
    assert client.get("/design/").status_code == 403
    assert client.post("/design/small/v1/publish").status_code == 403


def test_duplicate_makes_an_independent_draft(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_published(session, organisation)
    assert client.get("/design/small/duplicate?version=1").status_code == 200
    response = client.post("/design/small/duplicate?version=1", data={"new_key": "small-copy"})
    assert response.status_code == 302
    copy = store.get_version(session, organisation.id, "small-copy")
    assert copy.status == "draft"
    assert copy.number == 1
    assert (
        copy.definition["sections"]
        == store.get_version(session, organisation.id, "small", 1).definition["sections"]
    )
    taken = client.post("/design/small/duplicate", data={"new_key": "small-copy"})
    assert taken.status_code == 400


def test_install_builtin_and_preview_in_both_languages(client, session):
    organisation = signed_in_quality_manager(client, session)
    response = client.post("/design/builtin", data={"builtin": "impact-exit"})
    assert response.status_code == 302
    version = store.get_version(session, organisation.id, "impact-exit")
    assert version.status == "published"
    french = client.get("/design/impact-exit/v1/preview?in=fr").get_data(as_text=True)
    english = client.get("/design/impact-exit/v1/preview?in=en").get_data(as_text=True)
    assert "Pas du tout d&#39;accord" in french
    assert "Je préfère" not in french
    assert "Strongly disagree" in english
    assert 'name="sat_help"' in english
    assert 'type="radio"' in english
    assert "Question 1 of 7" in english
    assert "Question 1 sur 7" in french
    assert re.search(r"respond/very_happy(\.[0-9a-f]+)?\.svg", french)  # content-hashed name


def test_pages_in_french(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    page = client.get("/design/small/v1/").get_data(as_text=True)
    assert "Ajouter une question" in page
    assert "brouillon" in page


def test_install_builtin_over_an_unpublished_draft_explains(client, session):
    organisation = signed_in_quality_manager(client, session)
    client.post("/design/builtin", data={"builtin": "impact-exit"})
    version = store.get_version(session, organisation.id, "impact-exit")
    store.archive(session, version)
    session.commit()
    # Only an archived version: nothing published to return; same for a lone draft.
    response = client.post(
        "/design/builtin", data={"builtin": "impact-exit"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "no published version" in response.get_data(as_text=True)
    assert client.post("/design/builtin", data={"builtin": "nope"}).status_code == 400
