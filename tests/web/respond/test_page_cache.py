"""Question pages rendered once per process: each person still gets their own page.

A question page (GET) is kept rendered with placeholders for the CSRF token,
the idempotency key and the revision; these tests check that what is
per person stays per person: the guards, the chosen answer, typed text.
"""

from __future__ import annotations

import re

import pytest

from tests.respond_factories import make_invitation, make_survey_study
from tests.web.respond.helpers import answer, guards, open_survey

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_LANGUAGE_CSRF = re.compile(r'type="hidden" name="csrf_token" value="([^"]+)"')


@pytest.fixture
def two_people(app, session):
    setup = make_survey_study(session)
    first, second = make_invitation(session, setup), make_invitation(session, setup)
    session.commit()
    clients = app.test_client(), app.test_client()
    for client, link in zip(clients, (first, second), strict=True):
        open_survey(client, link.token)
    return clients


def test_two_people_on_the_same_question_get_their_own_guards_and_both_save(two_people):
    pages = [client.get("/s/q/heard").get_data(as_text=True) for client in two_people]
    keys = [guards(page)["submission_key"] for page in pages]
    assert keys[0] != keys[1]
    for page in pages:
        # Both forms of the page (answer, language) carry the request's CSRF token.
        tokens = set(_CSRF.findall(page)) | set(_LANGUAGE_CSRF.findall(page))
        assert len(tokens) == 1
        assert "\x1f" not in page  # no placeholder left
    # Everything else on the page is the same.
    masked = [page.replace(key, "K") for page, key in zip(pages, keys, strict=True)]
    masked = [_CSRF.sub("T", _LANGUAGE_CSRF.sub("T", page)) for page in masked]
    assert masked[0] == masked[1]
    for client, page in zip(two_people, pages, strict=True):
        saved = client.post(
            "/s/q/heard",
            data={**guards(page), "csrf_token": _CSRF.search(page).group(1), "answer": "4"},
        )
        assert saved.status_code == 303
        assert saved.location == "/s/q/goal"


def test_the_same_page_twice_gets_a_new_idempotency_key(two_people):
    client = two_people[0]
    first = guards(client.get("/s/q/heard").get_data(as_text=True))
    second = guards(client.get("/s/q/heard").get_data(as_text=True))
    assert first["submission_key"] != second["submission_key"]
    assert first["revision"] == second["revision"]


def test_a_chosen_answer_is_shown_to_its_person_only(two_people):
    first, second = two_people
    assert answer(first, "heard", "2").status_code == 303
    mine = first.get("/s/q/heard").get_data(as_text=True)
    theirs = second.get("/s/q/heard").get_data(as_text=True)
    assert re.search(r'value="2" checked', mine)
    assert "checked" not in theirs
    assert guards(mine)["revision"] != guards(theirs)["revision"]


def test_typed_text_is_shown_to_its_person_only(two_people):
    first, second = two_people
    for client in two_people:
        for key, value in (("heard", "4"), ("goal", "no"), ("topics", "work"), ("children", "0")):
            assert answer(client, key, value).status_code == 303
    assert answer(first, "comment", "Mon voisin s'appelle Marcel").status_code == 303
    assert "Marcel" in first.get("/s/q/comment").get_data(as_text=True)
    assert "Marcel" not in second.get("/s/q/comment").get_data(as_text=True)
