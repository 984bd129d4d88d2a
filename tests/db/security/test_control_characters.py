"""Control characters in text input (issue 13, item 3), on SQLite and PostgreSQL.

A NUL byte in a text answer gave a 500 on PostgreSQL (``psycopg.DataError``)
and left the respondent stuck on the page; on SQLite it was stored raw.
Every text field of every form now refuses control characters (tab and new
lines pass in multi-line fields) with an inline message; nothing is stored.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_app.models import Answer
from tests.respond_factories import make_invitation, make_survey_study
from tests.web.respond.helpers import answer, answer_up_to_comment, open_survey

MESSAGE = "This contains invisible characters that cannot be saved"


@pytest.fixture
def survey_link(session):
    setup = make_survey_study(session)
    link = make_invitation(session, setup)
    session.commit()
    return link


@pytest.mark.parametrize("bad", ["before\x00after", "esc\x1b[31m", "bell\x07"])
def test_nul_in_a_text_answer_is_refused_inline_and_never_stored(app, session, survey_link, bad):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    open_survey(client, survey_link.token)
    answer_up_to_comment(client)
    before = session.scalar(select(func.count()).select_from(Answer))
    reply = answer(client, "comment", bad)
    assert reply.status_code == 400
    html = reply.get_data(as_text=True)
    assert MESSAGE in html
    assert "error-summary" in html
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Answer)) == before
    stored = session.scalars(select(Answer.value).where(Answer.value.is_not(None))).all()
    assert not any("\x00" in value or "\x1b" in value for value in stored)
    # The person can correct it and carry on.
    assert answer(client, "comment", "now\tfine\nthanks").status_code == 303


def test_tab_and_new_lines_are_kept_in_a_long_answer(app, session, survey_link):
    client = app.test_client()
    open_survey(client, survey_link.token)
    answer_up_to_comment(client)
    assert answer(client, "comment", "line one\r\n\tline two").status_code == 303
    session.expire_all()
    values = session.scalars(select(Answer.value).where(Answer.question_key == "comment")).all()
    assert values == ["line one\r\n\tline two"] or values == ["line one\n\tline two"]


@pytest.mark.parametrize(
    "path",
    [
        "/privacy/a%00b",
        "/privacy/%1b",
        "/s/q/he%00ard",
        "/code?code=K7QM%00",
        "/s/link-unavailable?lang=%00",
        "/o/abc%00def",
        "/s/abc%00",
        "/auth/reset/abc%00def",
    ],
)
def test_control_characters_in_addresses_never_give_a_500(app, path):
    app.config["RENDER_500_IN_TESTS"] = True
    try:
        reply = app.test_client().get(path)
    finally:
        app.config.pop("RENDER_500_IN_TESTS", None)
    assert reply.status_code in (200, 302, 303, 400, 404)
