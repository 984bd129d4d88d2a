"""Fuzzing the designer forms: any input gives a page (never a 500), and
whatever is typed comes back escaped."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey_app.services import questionnaire_store as store
from tests.design_factories import signed_in_quality_manager, stored_draft

SCRIPT = "<script>alert(1)</script>"
FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

text = st.one_of(
    st.text(max_size=80),
    st.sampled_from([SCRIPT, "", " ", "a" * 6000, "\x00", "heard", "1 2", "_pna", "-5", "1e309"]),
)
QUESTION_FIELDS = [
    "key",
    "type",
    "section",
    "new_section_key",
    "label-fr",
    "label-en",
    "help-fr",
    "help-en",
    "required",
    "prefer_not_to_answer",
    "min",
    "max",
    "choices-0-code",
    "choices-0-fr",
    "choices-0-en",
    "choices-0-score",
    "choices-1-code",
    "choices-1-fr",
    "choices-1-en",
    "clauses-0-question",
    "clauses-0-operator",
    "clauses-0-codes",
    "combine",
    "indicator",
    "custom_indicator",
    "polarity",
    "positive",
    "action",
]


@pytest.fixture
def designer(client, session):
    """A signed-in quality manager with the draft "small"; shared by the
    examples of one test (function-scoped fixtures run once per test)."""
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    client.organisation = organisation
    return client


def _first_keys(designer, session):
    """(first section key, first question key) now: earlier examples may
    have renamed them, and a stale key would rightly answer 404."""
    session.expire_all()
    definition = store.get_version(session, designer.organisation.id, "small").definition
    section = definition["sections"][0]
    return section["key"], section["questions"][0]["key"]


def _check(response):
    assert response.status_code in (200, 302, 400, 409), response.status_code
    body = response.get_data(as_text=True)
    assert SCRIPT not in body


@FUZZ
@given(st.dictionaries(st.sampled_from(QUESTION_FIELDS), text, max_size=len(QUESTION_FIELDS)))
def test_question_form_fuzz(designer, session, data):
    _check(designer.post("/design/small/v1/questions/new", data=data))
    _section, question = _first_keys(designer, session)
    _check(designer.post(f"/design/small/v1/questions/{question}", data=data))


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "key",
                "languages",
                "title-fr",
                "title-en",
                "intro-fr",
                "intro-en",
                "consent-fr",
                "consent-en",
                "first_question-fr",
                "first_question-en",
                "version_label",
                "new_key",
                "t0-fr",
                "t0-en",
                "t5-en",
            ]
        ),
        text,
        max_size=12,
    )
)
def test_other_forms_fuzz(designer, session, data):
    section, _question = _first_keys(designer, session)
    for path in (
        "/design/new",
        "/design/small/v1/settings",
        "/design/small/v1/translations",
        "/design/small/duplicate",
        f"/design/small/v1/sections/{section}",
    ):
        _check(designer.post(path, data=data))


def test_script_in_a_saved_label_is_escaped_everywhere(client, session):
    organisation = signed_in_quality_manager(client, session)
    stored_draft(session, organisation)
    saved = client.post(
        "/design/small/v1/questions/new",
        data={
            "key": "xss",
            "type": "text_short",
            "section": "main",
            "label-fr": SCRIPT,
            "label-en": SCRIPT,
        },
    )
    assert saved.status_code == 302
    for path in (
        "/design/small/v1/",
        "/design/small/v1/preview?in=fr",
        "/design/small/v1/translations",
        "/design/small/v1/questions/xss",
    ):
        response = client.get(path)
        assert response.status_code == 200
        assert SCRIPT not in response.get_data(as_text=True)
        assert "&lt;script&gt;" in response.get_data(as_text=True)


def test_row_limits_never_break_the_form(designer):
    data = {
        "key": "many",
        "type": "single_choice",
        "section": "main",
        "label-fr": "M",
        "label-en": "M",
        "action": "add_choice",
    }
    for i in range(0, 400, 2):
        data[f"choices-{i}-code"] = f"c{i}"
    data["clauses-99-question"] = "heard"
    _check(designer.post("/design/small/v1/questions/new", data=data))
    data["action"] = "add_clause"
    for i in range(30):
        data[f"clauses-{i}-question"] = "heard"
    _check(designer.post("/design/small/v1/questions/new", data=data))
    data["action"] = "choice_remove:999999999999999999999"
    _check(designer.post("/design/small/v1/questions/new", data=data))
