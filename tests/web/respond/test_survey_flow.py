"""The survey by link, as a browser without JavaScript uses it: exchange, answer, review, submit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from survey_app.models import Answer, Invitation, Response, SubmissionKey, utcnow
from tests.respond_factories import make_invitation, make_survey_study
from tests.web.respond.helpers import answer, guards, main_text, open_survey, submit_review


@pytest.fixture
def setup(session):
    return make_survey_study(session)


@pytest.fixture
def link(session, setup):
    issued = make_invitation(session, setup)
    session.commit()
    return issued


def _response(session, invitation):
    session.expire_all()
    return session.scalar(select(Response).where(Response.invitation_id == invitation.id))


def _answers(session, response):
    rows = session.scalars(select(Answer).where(Answer.response_id == response.id)).all()
    return {row.question_key: (row.value, row.number) for row in rows}


def test_token_is_exchanged_for_a_session_and_leaves_the_url(client, session, setup, link):
    opened = client.get(f"/s/{link.token}")
    assert opened.status_code == 303
    assert opened.location == "/s/"
    assert link.token not in opened.headers.get("Set-Cookie", "")
    follow = client.get("/s/")
    assert follow.location == "/s/start"
    consent = client.get("/s/start", headers={"Accept-Language": "en"})
    html = consent.get_data(as_text=True)
    assert consent.status_code == 200
    assert link.token not in html
    assert "Your answers do not change the help you receive." in html
    assert consent.headers["Referrer-Policy"] == "no-referrer"
    assert consent.headers["Cache-Control"] == "no-store"
    response = _response(session, link.invitation)
    assert response.wave_id == setup.wave.id
    assert response.questionnaire_version_id == setup.version.id
    assert response.site_id == link.beneficiary.site_id
    assert response.beneficiary_id == link.beneficiary.id
    assert response.mode == "self"
    assert response.consented is False
    invitation = session.get(Invitation, link.invitation.id)
    assert invitation.opened_at is not None
    assert invitation.started_at is None


def test_printed_short_code_opens_the_same_survey(client, session, link):
    typed = link.short_code.lower().replace("-", " ")
    opened = client.get("/code", query_string={"code": typed})
    assert opened.status_code == 303
    assert opened.location == "/s/"
    assert _response(session, link.invitation) is not None


def test_whole_survey_is_recorded_with_the_right_codes(client, session, setup, link):
    before = utcnow()
    first = open_survey(client, link.token)
    assert first.location == "/s/q/heard"
    assert answer(client, "heard", "4").location == "/s/q/goal"
    assert answer(client, "goal", "yes").location == "/s/q/progress"
    assert answer(client, "progress", "5").location == "/s/q/topics"
    assert answer(client, "topics", ["money", "housing"]).location == "/s/q/children"
    assert answer(client, "children", " 2 ").location == "/s/q/comment"
    assert answer(client, "comment", "  Merci  ").location == "/s/review"
    review = client.get("/s/review", headers={"Accept-Language": "en"})
    text = review.get_data(as_text=True)
    assert "Housing, Money" in text
    assert 'href="/s/q/children?change=1"' in text
    sent = submit_review(client)
    assert sent.location == "/s/done"
    assert client.get("/s/done").status_code == 200

    response = _response(session, link.invitation)
    assert _answers(session, response) == {
        "heard": ("4", 4.0),
        "goal": ("yes", 1.0),
        "progress": ("5", 5.0),
        "topics": ("housing money", None),
        "children": ("2", 2.0),
        "comment": ("Merci", None),
    }
    assert response.completed_at is not None
    assert response.completed_at >= before
    assert response.completed_on == response.completed_at.date()
    assert response.started_at is not None
    assert response.consented is True
    assert response.resume_at is None
    invitation = session.get(Invitation, link.invitation.id)
    assert invitation.started_at is not None
    assert invitation.completed_at == response.completed_at


def test_blank_answers_are_stored_as_null_and_hidden_questions_have_no_row(client, session, link):
    open_survey(client, link.token)
    answer(client, "heard", "3")
    assert answer(client, "goal", None).location == "/s/q/topics"  # progress hidden
    answer(client, "topics", None)
    answer(client, "children", "", pna="y")
    answer(client, "comment", "")
    submit_review(client)
    response = _response(session, link.invitation)
    assert _answers(session, response) == {
        "heard": ("3", 3.0),
        "goal": (None, None),
        "topics": (None, None),
        "children": ("_pna", None),
        "comment": (None, None),
    }


def test_used_link_cannot_be_opened_again(client, session, link):
    open_survey(client, link.token)
    for key, value in [("heard", "5"), ("goal", "no"), ("topics", "work")]:
        answer(client, key, value)
    answer(client, "children", "0")
    answer(client, "comment", "")
    submit_review(client)
    again = client.get(f"/s/{link.token}")
    assert again.status_code == 404
    # The finished session itself only shows the thank-you page.
    assert client.get("/s/q/heard").location == "/s/done"
    assert client.post("/s/review", data={}).location == "/s/done"


def test_validation_error_is_shown_govuk_style_and_keeps_the_answer(client, session, link):
    open_survey(client, link.token)
    page = client.get("/s/q/heard")
    refused = client.post(
        "/s/q/heard", data=guards(page.get_data(as_text=True)), headers={"Accept-Language": "en"}
    )
    assert refused.status_code == 400
    html = main_text(refused.get_data(as_text=True))
    assert "There is a problem" in html
    assert '<a href="#answer-0">Select an answer</a>' in html
    assert 'id="answer-error"' in html
    assert 'aria-describedby="answer-hint answer-error"' in html
    assert "<title>Error:" in refused.get_data(as_text=True)
    answer(client, "heard", "1")
    answer(client, "goal", "no")
    answer(client, "topics", "work")
    bad = answer(client, "children", "twelve")
    assert bad.status_code == 400
    assert 'value="twelve"' in bad.get_data(as_text=True)
    too_big = answer(client, "children", "21")
    assert too_big.status_code == 400
    assert "20" in main_text(too_big.get_data(as_text=True))
    both = answer(client, "topics", ["work", "_pna"])
    assert both.status_code == 400
    response = _response(session, link.invitation)
    assert "children" not in _answers(session, response)
    assert _answers(session, response)["topics"] == ("work", None)


def test_double_submission_records_the_answer_once(client, session, link):
    open_survey(client, link.token)
    page = client.get("/s/q/heard")
    data = {**guards(page.get_data(as_text=True)), "answer": "4"}
    first = client.post("/s/q/heard", data=data)
    second = client.post("/s/q/heard", data=data)
    assert first.status_code == second.status_code == 303
    assert second.location == "/s/q/goal"
    response = _response(session, link.invitation)
    assert _answers(session, response) == {"heard": ("4", 4.0)}
    revision = response.revision
    # A retry with another value but the same key changes nothing either.
    client.post("/s/q/heard", data={**data, "answer": "1"})
    response = _response(session, link.invitation)
    assert _answers(session, response) == {"heard": ("4", 4.0)}
    assert response.revision == revision
    count = session.scalar(
        select(func.count())
        .select_from(SubmissionKey)
        .where(SubmissionKey.response_id == response.id)
    )
    assert count == 2  # consent + one answer


def test_double_submit_of_the_review_completes_once(client, session, link):
    open_survey(client, link.token)
    for key, value in [("heard", "5"), ("goal", "no"), ("topics", "work"), ("children", "1")]:
        answer(client, key, value)
    answer(client, "comment", "")
    page = client.get("/s/review")
    data = guards(page.get_data(as_text=True))
    assert client.post("/s/review", data=data).location == "/s/done"
    completed_at = _response(session, link.invitation).completed_at
    assert client.post("/s/review", data=data).location == "/s/done"
    assert _response(session, link.invitation).completed_at == completed_at


def test_stale_page_cannot_overwrite_a_newer_answer(client, session, link):
    open_survey(client, link.token)
    old_page = guards(client.get("/s/q/heard").get_data(as_text=True))
    answer(client, "heard", "5")
    answer(client, "goal", "no")
    # The old tab (rendered before both saves) submits with a fresh key: refused.
    stale = client.post(
        "/s/q/heard",
        data={"submission_key": "a" * 32, "revision": old_page["revision"], "answer": "1"},
        headers={"Accept-Language": "en"},
    )
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "This page was opened before your latest answers" in html
    assert 'value="1" checked' in html  # what they chose is still on the page
    response = _response(session, link.invitation)
    assert _answers(session, response)["heard"] == ("5", 5.0)
    # Re-submitting the refreshed page works.
    again = client.post("/s/q/heard", data={**guards(html), "answer": "1"})
    assert again.status_code == 303
    assert _answers(session, _response(session, link.invitation))["heard"] == ("1", 1.0)


def test_malformed_guards_are_a_bad_request_and_change_nothing(client, session, link):
    open_survey(client, link.token)
    for data in (
        {"answer": "4"},
        {"answer": "4", "submission_key": "x' OR 1=1 --", "revision": "1"},
        {"answer": "4", "submission_key": "a" * 32, "revision": "-1"},
    ):
        assert client.post("/s/q/heard", data=data).status_code == 400
    assert _answers(session, _response(session, link.invitation)) == {}


def test_closing_and_reopening_the_link_resumes_where_the_person_stopped(app, session, link):
    phone = app.test_client()
    open_survey(phone, link.token)
    answer(phone, "heard", "4")
    answer(phone, "goal", "yes")
    # The browser is closed (cookie lost); the link is opened again, maybe on another phone.
    other = app.test_client()
    reopened = other.get(f"/s/{link.token}")
    assert reopened.location == "/s/"
    assert other.get("/s/").location == "/s/q/progress"
    back = other.get("/s/q/goal")
    assert 'value="yes" checked' in back.get_data(as_text=True)
    for key, value in [("progress", "3"), ("topics", "work"), ("children", "4")]:
        answer(other, key, value)
    answer(other, "comment", "")
    assert submit_review(other).location == "/s/done"
    response = _response(session, link.invitation)
    assert response.completed_at is not None
    assert len(_answers(session, response)) == 6
    # The old phone's session now only sees the thank-you page.
    assert phone.get("/s/").location == "/s/done"


def test_changing_an_answer_from_the_review_honours_conditions(client, session, link):
    open_survey(client, link.token)
    for key, value in [("heard", "4"), ("goal", "yes"), ("progress", "4"), ("topics", "work")]:
        answer(client, key, value)
    answer(client, "children", "1")
    answer(client, "comment", "")
    change = client.get("/s/q/goal?change=1")
    assert 'href="/s/review"' in change.get_data(as_text=True)  # Back goes to the review
    data = {**guards(change.get_data(as_text=True)), "answer": "no", "change": "1"}
    assert client.post("/s/q/goal", data=data).location == "/s/review"
    assert "progress" not in _answers(session, _response(session, link.invitation))
    # Saying yes again shows the follow-up question before going back to the review.
    change = client.get("/s/q/goal?change=1")
    data = {**guards(change.get_data(as_text=True)), "answer": "yes", "change": "1"}
    assert client.post("/s/q/goal", data=data).location == "/s/q/progress?change=1"
    assert client.get("/s/review").location == "/s/q/progress"


def test_review_refuses_to_submit_when_a_shown_question_was_skipped_by_url(client, session, link):
    open_survey(client, link.token)
    answer(client, "heard", "2")
    # Jump over "goal" by typing the address of a later question.
    answer(client, "topics", "work")
    assert client.get("/s/review").location == "/s/q/goal"


def test_language_switch_keeps_answers_and_is_recorded_at_submission(client, session, link):
    open_survey(client, link.token, **{"Accept-Language": "en"})
    answer(client, "heard", "4")
    switched = client.post("/language", data={"lang": "fr", "next": "/s/q/goal"})
    assert switched.location == "/s/q/goal"
    page = client.get("/s/q/goal").get_data(as_text=True)
    assert "Avez-vous un but ?" in page
    assert 'lang="fr"' in page
    back = client.get("/s/q/heard").get_data(as_text=True)
    assert 'value="4" checked' in back
    for key, value in [("goal", "no"), ("topics", "work"), ("children", "1")]:
        answer(client, key, value)
    answer(client, "comment", "")
    submit_review(client)
    assert _response(session, link.invitation).language == "fr"


def test_every_page_offers_the_language_switch_without_the_token(client, link):
    unknown = client.get("/s/not-a-real-token", headers={"Accept-Language": "en"})
    html = unknown.get_data(as_text=True)
    assert 'name="next" value="/s/link-unavailable"' in html
    assert "not-a-real-token" not in html
    open_survey(client, link.token)
    start = client.get("/s/start").get_data(as_text=True)
    assert 'action="/language"' in start
    assert link.token not in start
    # On a question page the switch is a button of the answer form (it keeps the answer).
    question = client.get("/s/q/heard").get_data(as_text=True)
    assert 'formaction="/s/q/heard/language"' in question
    assert link.token not in question


def test_survey_pages_without_a_respondent_session_ask_to_reopen_the_link(client):
    for path in ("/s/", "/s/start", "/s/q/heard", "/s/review", "/s/done"):
        page = client.get(path, headers={"Accept-Language": "en"})
        assert page.status_code == 404
        assert "Open your link again" in page.get_data(as_text=True)
    assert client.post("/s/q/heard", data={"answer": "1"}).status_code == 404


def test_paused_study_stops_new_answers_and_unlocks_on_resume(client, session, setup, link):
    open_survey(client, link.token)
    answer(client, "heard", "4")
    setup.study.status = "paused"
    session.commit()
    assert client.get("/s/q/goal").status_code == 404
    assert client.get(f"/s/{link.token}").status_code == 404
    setup.study.status = "active"
    session.commit()
    assert client.get(f"/s/{link.token}").status_code == 303
    assert client.get("/s/").location == "/s/q/goal"


def test_expired_link_is_refused(client, session, setup):
    expired = make_invitation(session, setup, expires_in=timedelta(seconds=-1))
    session.commit()
    assert client.get(f"/s/{expired.token}").status_code == 404
    assert _response(session, expired.invitation) is None


def test_a_note_page_is_shown_and_stores_nothing(client, session):
    import copy

    from tests.respond_factories import SMALL_DEFINITION

    definition = copy.deepcopy(SMALL_DEFINITION)
    definition["key"] = "with-note"
    note = {"key": "intro_note", "type": "note", "label": {"fr": "Merci.", "en": "Thanks."}}
    definition["sections"][0]["questions"].insert(0, note)
    setup = make_survey_study(session, definition=definition)
    link = make_invitation(session, setup)
    session.commit()
    assert open_survey(client, link.token).location == "/s/q/intro_note"
    page = client.get("/s/q/intro_note", headers={"Accept-Language": "en"})
    assert "Question 1 of 6" in page.get_data(as_text=True)
    assert answer(client, "intro_note", None).location == "/s/q/heard"
    answer(client, "heard", "3")
    assert client.get("/s/").location == "/s/q/goal"  # the note is not asked again
    assert _answers(session, _response(session, link.invitation)) == {"heard": ("3", 3.0)}
