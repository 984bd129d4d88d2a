"""The anonymous open link (QR poster) never loses progress (issue 13, item 11).

Closing the browser after two questions and scanning the poster again goes on
at question 3 on the same device (a per-link resume cookie holding only a
signed random response id); opening the link in a second tab never throws
away the first tab's answers; the pages say only what is true for open links.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_app.models import Response
from tests.respond_factories import make_open_link, make_survey_study
from tests.web.respond.helpers import answer, guards, main_text, submit_review

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def setup(session):
    return make_survey_study(session)


def _start(client, token):
    assert client.get(f"/o/{token}").status_code == 303
    consent = client.get("/s/start", headers=ENGLISH)
    started = client.post("/s/start", data=guards(consent.get_data(as_text=True)))
    assert started.status_code == 303
    return consent, started


def _close_browser(client) -> None:
    """What closing the browser does: session cookies go, persistent cookies stay."""
    client.delete_cookie("ecoute")


def _responses(session, setup) -> int:
    return session.scalar(
        select(func.count()).select_from(Response).where(Response.study_id == setup.study.id)
    )


def test_closed_and_reopened_open_link_continues_where_the_person_stopped(app, session, setup):
    _link, token = make_open_link(session, setup)
    session.commit()
    client = app.test_client()
    _consent, started = _start(client, token)
    resume_cookies = [c for c in started.headers.getlist("Set-Cookie") if "open_resume" in c]
    assert resume_cookies
    assert "HttpOnly" in resume_cookies[0]
    assert "Max-Age=" in resume_cookies[0]
    answer(client, "heard", "2")
    answer(client, "goal", "no")
    _close_browser(client)
    reopened = client.get(f"/o/{token}")
    assert reopened.status_code == 303
    page = client.get(reopened.location, follow_redirects=True)
    assert "/s/q/" in page.request.path
    assert page.request.path not in ("/s/q/heard", "/s/q/goal")
    assert _responses(session, setup) == 1


def test_second_tab_never_destroys_the_answer_in_progress(app, session, setup):
    _link, token = make_open_link(session, setup)
    session.commit()
    client = app.test_client()
    _start(client, token)
    answer(client, "heard", "2")
    first_tab_page = client.get("/s/q/goal").get_data(as_text=True)
    # The same link opened again in another tab of the same browser.
    assert client.get(f"/o/{token}").status_code == 303
    # The first tab goes on with its page as if nothing happened.
    data = guards(first_tab_page)
    data["answer"] = "no"
    saved = client.post("/s/q/goal", data=data)
    assert saved.status_code == 303
    assert saved.location != "/s/start"
    assert _responses(session, setup) == 1
    for key, value in [("topics", "work"), ("children", "0")]:
        answer(client, key, value)
    answer(client, "comment", "")
    assert submit_review(client).location == "/s/done"
    done = client.get("/s/done")
    assert done.status_code == 200
    cleared = [c for c in done.headers.getlist("Set-Cookie") if "open_resume" in c]
    assert cleared
    assert "Expires=Thu, 01 Jan 1970" in cleared[0]


def test_a_forged_or_foreign_resume_cookie_is_ignored(app, session, setup):
    link, token = make_open_link(session, setup)
    other = make_survey_study(session, organisation=setup.organisation)
    _other_link, other_token = make_open_link(session, other)
    session.commit()
    client = app.test_client()
    client.set_cookie(f"ecoute_open_resume_{link.id}", "not-signed")
    assert client.get(f"/o/{token}").location == "/s/start"
    # A response started through another link is not continued through this one.
    _start(client, other_token)
    other_cookie = client.get_cookie(f"ecoute_open_resume_{_other_link.id}").value
    fresh = app.test_client()
    fresh.set_cookie(f"ecoute_open_resume_{link.id}", other_cookie)
    assert fresh.get(f"/o/{token}").location == "/s/start"


def test_open_link_pages_say_only_what_is_true(app, session, setup):
    _link, token = make_open_link(session, setup)
    session.commit()
    client = app.test_client()
    consent, _started = _start(client, token)
    text = main_text(consent.get_data(as_text=True))
    assert "saved on this phone or computer as you go" in text
    assert "open the same link again" in text
    lost = app.test_client().get("/s/q/heard", headers=ENGLISH)
    lost_text = main_text(lost.get_data(as_text=True))
    assert "the link you received" not in lost_text
    assert "same phone or computer" in lost_text
    assert 'href="/code"' in lost_text
