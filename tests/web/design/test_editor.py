"""Editing a draft: questions, choices, conditions, indicators, sections, translations."""

from __future__ import annotations

from survey_app.services import questionnaire_store as store
from tests.design_factories import signed_in_quality_manager, stored_draft


def _definition(session, organisation, key="small"):
    session.expire_all()
    return store.definition_of(store.get_version(session, organisation.id, key))


def _question_data(**fields):
    data = {
        "key": "new_q",
        "type": "text_short",
        "section": "main",
        "label-fr": "Nouvelle ?",
        "label-en": "New?",
    }
    data.update(fields)
    return data


def test_add_question_page_and_save(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    page = client.get("/design/small/v1/questions/new?section=main")
    assert page.status_code == 200
    assert 'name="label-fr"' in page.get_data(as_text=True)
    # Only buttons carry "action": a rendered input would mask the clicked button.
    assert 'type="hidden" value="" name="action"' not in page.get_data(as_text=True)
    assert '<input id="action"' not in page.get_data(as_text=True)
    response = client.post("/design/small/v1/questions/new", data=_question_data())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/design/small/v1/#q-new_q")
    definition = _definition(session, organisation)
    assert [q.key for q in definition.questions][-1] == "new_q"


def test_add_single_choice_with_condition_and_indicator(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    data = _question_data(
        key="support",
        type="single_choice",
        **{
            "choices-0-code": "a",
            "choices-0-fr": "Beaucoup",
            "choices-0-en": "A lot",
            "choices-0-score": "2",
            "choices-1-code": "b",
            "choices-1-fr": "Peu",
            "choices-1-en": "A little",
            "choices-1-score": "1",
            "choices-2-code": "",
            "choices-2-fr": "",
            "choices-2-en": "",
            "choices-2-score": "",
            "clauses-0-question": "heard",
            "clauses-0-operator": "not_in",
            "clauses-0-codes": "1 2",
            "clauses-1-question": "help_kind",
            "clauses-1-operator": "in",
            "clauses-1-codes": "food",
            "combine": "any",
            "indicator": "__custom__",
            "custom_indicator": "support_felt",
            "polarity": "positive",
            "positive": "a",
        },
    )
    response = client.post("/design/small/v1/questions/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    question = _definition(session, organisation).question("support")
    assert [c.code for c in question.choices] == ["a", "b"]
    assert question.choices[0].score == 2.0
    assert question.indicator == "support_felt"
    assert question.positive == ("a",)
    assert question.show_if.combine == "any"
    assert [(c.question, c.codes, c.negate) for c in question.show_if.clauses] == [
        ("heard", ("1", "2"), True),
        ("help_kind", ("food",), False),
    ]


def test_invalid_question_shows_issues_and_keeps_typed_values(client, session):
    organisation = signed_in_quality_manager(client, session)
    draft = stored_draft(session, organisation)
    before = dict(draft.definition)
    data = _question_data(
        key="bad",
        type="single_choice",
        **{
            "label-en": "",  # missing translation
            "choices-0-code": "x",
            "choices-0-fr": "Seul <i>choix</i>",
            "choices-0-en": "Only",
            "clauses-0-question": "heard",
            "clauses-0-operator": "in",
            "clauses-0-codes": "9",
        },
    )
    response = client.post("/design/small/v1/questions/new", data=data)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "There is a problem" in text
    # One choice is allowed (an XLSForm "I agree" list): no "too few choices" here.
    assert 'href="#label-en"' in text  # the issue links to the field
    assert "&#39;9&#39; is not a code of &#39;heard&#39;" in text
    assert "Seul &lt;i&gt;choix&lt;/i&gt;" in text  # kept and escaped
    assert 'value="9"' in text
    session.expire_all()
    assert store.get_version(session, organisation.id, "small").definition == before


def test_form_level_errors_are_linked_in_the_summary(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    response = client.post(
        "/design/small/v1/questions/new",
        data=_question_data(key="Bad Key", **{"choices-0-score": "not a number"}),
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert 'href="#key"' in text
    assert 'href="#choices-0-score"' in text


def test_duplicate_key_is_refused(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    response = client.post("/design/small/v1/questions/new", data=_question_data(key="heard"))
    assert response.status_code == 400
    assert "already used" in response.get_data(as_text=True)


def test_edit_question_renames_and_conditions_follow(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    page = client.get("/design/small/v1/questions/heard")
    assert page.status_code == 200
    assert "I am heard." in page.get_data(as_text=True)
    response = client.post(
        "/design/small/v1/questions/heard",
        data=_question_data(
            key="listened",
            type="agreement",
            **{
                "label-fr": "On m'écoute bien.",
                "label-en": "I am well heard.",
                "indicator": "listening",
                "polarity": "positive",
            },
        ),
    )
    assert response.status_code == 302
    definition = _definition(session, organisation)
    assert definition.questions[0].key == "listened"
    assert definition.question("why").show_if.clauses[0].question == "listened"


def test_choice_row_buttons_reorder_without_saving(client, session):
    organisation = signed_in_quality_manager(client, session)
    draft = stored_draft(session, organisation)
    before = dict(draft.definition)
    data = _question_data(
        key="help_kind",
        type="single_choice",
        action="choice_down:0",
        **{
            "choices-0-code": "food",
            "choices-0-fr": "Repas",
            "choices-0-en": "Food",
            "choices-1-code": "housing",
            "choices-1-fr": "Logement",
            "choices-1-en": "Housing",
            "label-fr": "Changé mais pas enregistré",
        },
    )
    response = client.post("/design/small/v1/questions/help_kind", data=data)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.index('value="housing"') < text.index('value="food"')
    assert "Changé mais pas enregistré" in text
    session.expire_all()
    assert store.get_version(session, organisation.id, "small").definition == before
    added = client.post(
        "/design/small/v1/questions/help_kind", data={**data, "action": "add_choice"}
    )
    assert 'name="choices-4-code"' in added.get_data(as_text=True)
    removed = client.post(
        "/design/small/v1/questions/help_kind", data={**data, "action": "choice_remove:1"}
    )
    assert 'value="housing"' not in removed.get_data(as_text=True)
    # Then saving with the new order stores it.
    saved = client.post(
        "/design/small/v1/questions/help_kind",
        data={
            **data,
            "action": "",
            "choices-0-code": "housing",
            "choices-0-fr": "Logement",
            "choices-0-en": "Housing",
            "choices-1-code": "food",
            "choices-1-fr": "Repas",
            "choices-1-en": "Food",
            "label-fr": "Quelle aide ?",
        },
    )
    assert saved.status_code == 302
    assert [c.code for c in _definition(session, organisation).question("help_kind").choices] == [
        "housing",
        "food",
    ]


def test_move_question_up_and_down(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    assert (
        client.post(
            "/design/small/v1/questions/help_kind/move", data={"direction": "up"}
        ).status_code
        == 302
    )
    assert [q.key for q in _definition(session, organisation).questions] == [
        "help_kind",
        "heard",
        "why",
    ]
    # Moving "heard" below "why" would put a condition before its question: refused.
    response = client.post("/design/small/v1/questions/heard/move", data={"direction": "down"})
    assert response.status_code == 400
    assert "comes later" in response.get_data(as_text=True)
    assert [q.key for q in _definition(session, organisation).questions] == [
        "help_kind",
        "heard",
        "why",
    ]
    assert (
        client.post(
            "/design/small/v1/questions/heard/move", data={"direction": "sideways"}
        ).status_code
        == 400
    )


def test_delete_question_needs_confirmation_and_respects_conditions(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    assert client.get("/design/small/v1/questions/why/delete").status_code == 200
    assert client.post("/design/small/v1/questions/why/delete").status_code == 302
    assert "why" not in [q.key for q in _definition(session, organisation).questions]
    # "heard" is no longer referenced, but deleting a referenced one is refused:
    client.post(
        "/design/small/v1/questions/new",
        data=_question_data(
            key="why2",
            **{
                "clauses-0-question": "help_kind",
                "clauses-0-operator": "in",
                "clauses-0-codes": "food",
            },
        ),
    )
    refused = client.post("/design/small/v1/questions/help_kind/delete")
    assert refused.status_code == 400
    assert "unknown question" in refused.get_data(as_text=True)
    assert client.get("/design/small/v1/questions/nope/delete").status_code == 404


def test_new_section_move_edit_and_delete(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    response = client.post(
        "/design/small/v1/questions/new",
        data=_question_data(key="end_note", type="note", section="__new__", new_section_key="end"),
    )
    assert response.status_code == 302
    definition = _definition(session, organisation)
    assert [s.key for s in definition.sections] == ["main", "end"]
    assert (
        client.post("/design/small/v1/sections/end/move", data={"direction": "up"}).status_code
        == 302
    )
    assert [s.key for s in _definition(session, organisation).sections] == ["end", "main"]
    edit = client.post(
        "/design/small/v1/sections/end",
        data={"key": "closing", "title-fr": "Fin", "title-en": "End"},
    )
    assert edit.status_code == 302
    assert _definition(session, organisation).sections[0].title["en"] == "End"
    half = client.post(
        "/design/small/v1/sections/closing",
        data={"key": "closing", "title-fr": "Fin", "title-en": ""},
    )
    assert half.status_code == 400
    assert client.post("/design/small/v1/sections/closing/delete").status_code == 302
    assert [s.key for s in _definition(session, organisation).sections] == ["main"]
    missing_key = client.post(
        "/design/small/v1/questions/new",
        data=_question_data(key="x2", section="__new__", new_section_key=""),
    )
    assert missing_key.status_code == 400


def test_settings_and_translations_side_by_side(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    page = client.get("/design/small/v1/translations")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "I am heard." in text
    assert "On m&#39;écoute." in text
    assert client.get("/design/small/v1/settings").status_code == 200
    saved = client.post(
        "/design/small/v1/settings",
        data={
            "version_label": "2027.1",
            "title-fr": "Petit titre",
            "title-en": "Small title",
            "intro-fr": "Bonjour.",
            "intro-en": "Hello.",
            "consent-fr": "Libre.",
            "consent-en": "Free.",
        },
    )
    assert saved.status_code == 302
    definition = _definition(session, organisation)
    assert definition.title["fr"] == "Petit titre"
    assert definition.version == "2027.1"
    # No language at all is refused, and nothing changes.
    response = client.post("/design/small/v1/translations", data={"t0-fr": "Autre"})
    assert response.status_code == 400
    assert "Choose at least one language." in response.get_data(as_text=True)
    definition = _definition(session, organisation)
    assert definition.languages == ("fr", "en")


def test_translations_can_drop_a_language(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    page = client.get("/design/small/v1/translations").get_data(as_text=True)
    import re

    data = {"languages": ["fr"]}
    for name, value in re.findall(
        r'<textarea[^>]*name="(t\d+-fr)"[^>]*>\n?([^<]*)</textarea>', page
    ):
        data[name] = value.replace("&#39;", "'")
    response = client.post("/design/small/v1/translations", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    definition = _definition(session, organisation)
    assert definition.languages == ("fr",)
    assert definition.question("heard").label == {"fr": "On m'écoute."}


def test_a_question_keyed_as_xlsform_allows_can_be_edited(client, session):
    """Imported forms keep names such as ``P_Sex`` (issue 16); the designer must accept them."""
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    response = client.post("/design/small/v1/questions/new", data=_question_data(key="P_Sex-2.a"))
    assert response.status_code == 302
    assert "P_Sex-2.a" in [q.key for q in _definition(session, organisation).questions]
    refused = client.post("/design/small/v1/questions/new", data=_question_data(key="2bad key"))
    assert refused.status_code == 400
