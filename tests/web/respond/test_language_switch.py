"""Switching language on a question page keeps what the person chose there (issue 5).

The language button of a question page belongs to the answer form, after
Continue, and posts to ``/s/q/<key>/language`` (``formaction``): a valid
answer is saved as Continue would save it, a blank page saves nothing, an
answer that cannot be saved comes back on the page in the other language.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey_app.models import Answer, Response, SubmissionKey
from tests.respond_factories import make_invitation, make_survey_study
from tests.web.respond.helpers import answer, guards, main_text, open_survey, submit_review

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def link(session):
    issued = make_invitation(session, make_survey_study(session))
    session.commit()
    return issued


def _response(session, link):
    session.expire_all()
    return session.scalar(select(Response).where(Response.invitation_id == link.invitation.id))


def _answers(session, response):
    rows = session.scalars(select(Answer).where(Answer.response_id == response.id)).all()
    return {row.question_key: row.value for row in rows}


def _keys_used(session, response):
    return session.scalar(
        select(func.count())
        .select_from(SubmissionKey)
        .where(SubmissionKey.response_id == response.id)
    )


def _switch(client, key, lang, value=None, *, page_html=None, **extra):
    """Press the language button of question ``key`` with ``value`` on the page."""
    html = page_html or client.get(f"/s/q/{key}", headers=ENGLISH).get_data(as_text=True)
    data = {**guards(html), "lang": lang, **extra}
    if value is not None:
        data["answer"] = value
    return client.post(f"/s/q/{key}/language", data=data, headers=ENGLISH)


def _reach(client, link, key):
    open_survey(client, link.token, **ENGLISH)
    steps = [("heard", "4"), ("goal", "no"), ("topics", "work"), ("children", "1")]
    for step, value in steps:
        if step == key:
            return
        assert answer(client, step, value).status_code == 303


def test_question_page_language_button_is_in_the_header_and_belongs_to_the_form(client, link):
    """One place for the language switch (the header, issue 13 item 14), still part of the
    answer form so switching keeps the answer; a hidden Continue of the same form comes
    first, so Enter still means Continue."""
    open_survey(client, link.token, **ENGLISH)
    html = client.get("/s/q/heard", headers=ENGLISH).get_data(as_text=True)
    assert 'action="/language"' not in html  # not the plain header form on a question page
    header = html[html.index("<header") : html.index("</header>")]
    buttons = re.findall(r'<button type="submit" form="answer-form"[^>]*>', html)
    assert len(buttons) == 2
    assert "hidden" in buttons[0]
    assert 'formaction="/s/q/heard/language"' in buttons[1]
    assert 'name="lang" value="fr" lang="fr"' in buttons[1]
    assert buttons[1] in header
    assert 'id="answer-form"' in html
    assert link.token not in html
    # Other respondent pages keep the header switch.
    assert 'action="/language"' in client.get("/s/start", headers=ENGLISH).get_data(as_text=True)


def test_ticked_radio_survives_the_switch_and_is_saved_once(client, session, link):
    _reach(client, link, "heard")
    switched = _switch(client, "heard", "fr", "4")
    assert switched.status_code == 303
    assert switched.location == "/s/q/heard"
    response = _response(session, link)
    assert _answers(session, response) == {"heard": "4"}
    assert response.language == "fr"
    page = client.get("/s/q/heard").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "On m&#39;écoute vraiment." in page
    assert 'value="4" checked' in page
    assert "Il y a un problème" not in page
    # Continue then moves on; still one answer row.
    assert client.post("/s/q/heard", data={**guards(page), "answer": "4"}).location == "/s/q/goal"
    assert _answers(session, _response(session, link)) == {"heard": "4"}


def test_double_press_of_the_language_button_is_recorded_once(client, session, link):
    _reach(client, link, "heard")
    html = client.get("/s/q/heard", headers=ENGLISH).get_data(as_text=True)
    first = _switch(client, "heard", "fr", "4", page_html=html)
    revision = _response(session, link).revision
    keys = _keys_used(session, _response(session, link))
    # The same page posted again (double tap, retry) with another value: nothing changes.
    second = _switch(client, "heard", "en", "1", page_html=html)
    assert first.status_code == second.status_code == 303
    response = _response(session, link)
    assert _answers(session, response) == {"heard": "4"}
    assert response.revision == revision
    assert _keys_used(session, response) == keys == 2  # consent + the switch
    # ... and Continue from that old page cannot save a second time either.
    again = client.post("/s/q/heard", data={**guards(html), "answer": "2"})
    assert again.status_code == 303
    assert _answers(session, _response(session, link)) == {"heard": "4"}
    assert _keys_used(session, _response(session, link)) == 2


def test_ticked_checkboxes_survive_the_switch(client, session, link):
    _reach(client, link, "topics")
    switched = _switch(client, "topics", "fr", ["money", "housing"])
    assert switched.location == "/s/q/topics"
    assert _answers(session, _response(session, link))["topics"] == "housing money"
    page = client.get("/s/q/topics").get_data(as_text=True)
    assert "Pour quoi venez-vous ?" in page
    assert 'value="housing" checked' in page
    assert 'value="money" checked' in page
    assert 'value="work" checked' not in page


def test_typed_text_and_number_survive_the_switch(client, session, link):
    _reach(client, link, "children")
    assert _switch(client, "children", "fr", " 3 ").location == "/s/q/children"
    page = client.get("/s/q/children").get_data(as_text=True)
    assert "Combien d&#39;enfants ?" in page
    assert 'value="3"' in page
    answer(client, "children", "3")
    switched = _switch(client, "comment", "fr", "Merci  beaucoup")
    assert switched.location == "/s/q/comment"
    page = client.get("/s/q/comment").get_data(as_text=True)
    assert ">Merci  beaucoup</textarea>" in page
    assert _answers(session, _response(session, link))["comment"] == "Merci  beaucoup"


def test_invalid_typed_value_is_kept_and_shown_with_the_error_in_the_new_language(
    client, session, link
):
    _reach(client, link, "children")
    shown = _switch(client, "children", "fr", "beaucoup")
    assert shown.status_code == 400
    html = shown.get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert 'value="beaucoup"' in html
    assert "Il y a un problème" in html
    assert "Combien d&#39;enfants ?" in main_text(html)
    assert "children" not in _answers(session, _response(session, link))
    # The page shown keeps working: correcting and pressing Continue saves once.
    fixed = client.post("/s/q/children", data={**guards(html), "answer": "2"})
    assert fixed.location == "/s/q/comment"
    assert _answers(session, _response(session, link))["children"] == "2"


def test_blank_page_switch_saves_nothing_and_shows_no_error(client, session, link):
    _reach(client, link, "heard")  # a required question
    keys = _keys_used(session, _response(session, link))
    switched = _switch(client, "heard", "fr")
    assert switched.status_code == 303
    assert switched.location == "/s/q/heard"
    page = client.get("/s/q/heard").get_data(as_text=True)
    assert "Il y a un problème" not in page
    assert "error-summary" not in page
    assert "error-message" not in page
    response = _response(session, link)
    assert _answers(session, response) == {}
    assert _keys_used(session, response) == keys
    assert client.get("/s/").location == "/s/q/heard"  # still the question to answer


def test_clearing_a_saved_answer_then_switching_keeps_the_page_as_it_is(client, session, link):
    _reach(client, link, "topics")
    answer(client, "topics", ["work"])
    shown = _switch(client, "topics", "fr")  # every box unticked, then the language button
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert "Pour quoi venez-vous ?" in html
    assert "checked" not in main_text(html)
    assert "Il y a un problème" not in html
    assert _answers(session, _response(session, link))["topics"] == "work"


def test_change_from_the_review_is_kept_through_the_switch(client, session, link):
    _reach(client, link, "comment")
    answer(client, "comment", "")
    switched = _switch(client, "goal", "fr", "yes", change="1")
    assert switched.location == "/s/q/goal?change=1"
    assert _answers(session, _response(session, link))["goal"] == "yes"


def test_language_at_submission_is_the_last_one_chosen(client, session, link):
    _reach(client, link, "heard")
    _switch(client, "heard", "fr", "4")
    answer(client, "goal", "no")
    page = client.get("/s/q/topics").get_data(as_text=True)
    _switch(client, "topics", "en", "work", page_html=page)
    _switch(client, "children", "fr", "1")
    _switch(client, "children", "en", "1")
    answer(client, "children", "1")
    answer(client, "comment", "")
    assert submit_review(client).location == "/s/done"
    response = _response(session, link)
    assert response.language == "en"
    assert _answers(session, response) == {
        "heard": "4",
        "goal": "no",
        "topics": "work",
        "children": "1",
        "comment": None,
    }


def test_stale_page_switch_does_not_overwrite_and_keeps_the_choice(client, session, link):
    _reach(client, link, "heard")
    old = client.get("/s/q/heard", headers=ENGLISH).get_data(as_text=True)
    answer(client, "heard", "5")
    stale = _switch(client, "heard", "fr", "1", page_html=old)
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert 'value="1" checked' in html
    assert '<html lang="fr">' in html
    assert _answers(session, _response(session, link))["heard"] == "5"


def test_switch_needs_the_respondent_session_and_well_formed_guards(client, session, link):
    assert client.post("/s/q/heard/language", data={"lang": "fr"}).status_code == 404
    _reach(client, link, "heard")
    bad = client.post(
        "/s/q/heard/language", data={"lang": "fr", "answer": "4", "submission_key": "x"}
    )
    assert bad.status_code == 400
    assert _answers(session, _response(session, link)) == {}
