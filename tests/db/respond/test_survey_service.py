"""The survey state machine and the rate limiter on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from survey_app.models import Answer, Invitation, RateLimitCounter, Response, SubmissionKey, utcnow
from survey_app.services import ratelimit, survey
from tests.respond_factories import make_invitation, make_open_link, make_survey_study

pytestmark = pytest.mark.db


@pytest.fixture
def setup(session):
    return make_survey_study(session)


def _key(n: int) -> str:
    return f"{n:032x}"


def _started(session, setup):
    link = make_invitation(session, setup)
    response = survey.open_invitation(session, link.token, language="en")
    survey.give_consent(session, response, submission_key=_key(1), revision=0)
    return link, response


def test_opening_twice_gives_the_same_response(session, setup):
    link = make_invitation(session, setup)
    first = survey.open_invitation(session, link.token, language="fr")
    again = survey.open_invitation(session, link.short_code, language="en")
    assert first.id == again.id
    assert session.scalar(select(func.count()).select_from(Response)) == 1


def test_each_unusable_link_raises_the_same_error(session, setup):
    expired = make_invitation(session, setup, expires_in=timedelta(seconds=-5))
    for token in ("", "nope", "A" * 200, expired.token):
        with pytest.raises(survey.LinkUnavailable):
            survey.open_invitation(session, token, language="fr")


def test_a_submission_key_is_honoured_once(session, setup):
    _link, response = _started(session, setup)
    definition = survey.definition_for(setup.version)
    kwargs = {"submission_key": _key(2), "revision": response.revision, "language": "en"}
    assert survey.save_answer(session, response, definition, "heard", "4", **kwargs) is True
    assert survey.save_answer(session, response, definition, "heard", "1", **kwargs) is False
    rows = session.scalars(select(Answer).where(Answer.response_id == response.id)).all()
    assert [(a.question_key, a.value, a.number) for a in rows] == [("heard", "4", 4.0)]
    assert response.revision == 2
    assert response.resume_at == "goal"


def test_a_stale_revision_is_refused(session, setup):
    _link, response = _started(session, setup)
    definition = survey.definition_for(setup.version)
    stale = response.revision
    survey.save_answer(
        session, response, definition, "heard", "4",
        submission_key=_key(2), revision=stale, language="en",
    )  # fmt: skip
    with pytest.raises(survey.StalePage):
        survey.save_answer(
            session, response, definition, "heard", "2",
            submission_key=_key(3), revision=stale, language="en",
        )  # fmt: skip


def test_values_a_question_cannot_hold_are_refused(session, setup):
    _link, response = _started(session, setup)
    definition = survey.definition_for(setup.version)
    for key, value in [
        ("heard", None),  # required
        ("heard", "6"),
        ("heard", "_pna"),  # not offered
        ("topics", "work work"),
        ("topics", "work _pna"),
        ("children", "21"),
        ("children", "1.5"),
        ("progress", "4"),  # hidden: goal not answered yes
    ]:
        with pytest.raises(survey.DomainError):
            survey.save_answer(
                session, response, definition, key, value,
                submission_key=_key(9), revision=response.revision, language="en",
            )  # fmt: skip
    assert session.scalar(select(func.count()).select_from(SubmissionKey)) == 1  # consent only


def test_submit_completes_response_and_invitation(session, setup):
    link, response = _started(session, setup)
    definition = survey.definition_for(setup.version)
    for n, (key, value) in enumerate(
        [("heard", "5"), ("goal", "no"), ("topics", None), ("children", "_pna"), ("comment", "x")],
        start=2,
    ):
        survey.save_answer(
            session, response, definition, key, value,
            submission_key=_key(n), revision=response.revision, language="en",
        )  # fmt: skip
    assert survey.place_of(response, definition) == survey.Place("review")
    now = utcnow()
    done = survey.submit(
        session, response, definition,
        submission_key=_key(20), revision=response.revision, language="fr", now=now,
    )  # fmt: skip
    assert done is True
    session.expire_all()
    stored = session.get(Response, response.id)
    assert stored.completed_at == now
    assert stored.completed_on == now.date()
    assert stored.language == "fr"
    assert session.get(Invitation, link.invitation.id).completed_at is not None
    assert survey.place_of(stored, definition) == survey.Place("done")
    with pytest.raises(survey.LinkUnavailable):
        survey.open_invitation(session, link.token, language="fr")


def test_submit_names_the_question_still_to_answer(session, setup):
    _link, response = _started(session, setup)
    definition = survey.definition_for(setup.version)
    survey.save_answer(
        session, response, definition, "heard", "5",
        submission_key=_key(2), revision=response.revision, language="en",
    )  # fmt: skip
    with pytest.raises(survey.IncompleteResponse) as raised:
        survey.submit(
            session, response, definition,
            submission_key=_key(3), revision=response.revision, language="en",
        )  # fmt: skip
    assert raised.value.question_key == "goal"


def test_open_link_response_keeps_nothing_identifying(session, setup):
    link, _token = make_open_link(session, setup)
    response = survey.start_open_response(session, link.id, language="fr", submission_key=_key(1))
    twin = survey.start_open_response(session, link.id, language="fr", submission_key=_key(1))
    assert twin.id == response.id
    assert response.beneficiary_id is None
    assert response.invitation_id is None
    assert response.started_at is None


def test_rate_limit_window_counts_and_restarts(session):
    window = ratelimit.Window(limit=3, seconds=60)
    key = ratelimit.client_key("test", "198.51.100.4", "secret")
    assert "198.51.100.4" not in key
    start = utcnow()
    counts = [ratelimit.count(session, key, window, now=start) for _ in range(3)]
    assert counts == [1, 2, 3]
    assert ratelimit.is_limited(session, key, window, now=start + timedelta(seconds=59))
    later = start + timedelta(seconds=61)
    assert not ratelimit.is_limited(session, key, window, now=later)
    assert ratelimit.count(session, key, window, now=later) == 1
    assert ratelimit.purge_expired(session, older_than=timedelta(days=1)) == 0
    assert session.get(RateLimitCounter, key) is not None
    # A new key two days later forgets this prefix's old windows, not others'.
    other = ratelimit.client_key("other", "198.51.100.4", "secret")
    ratelimit.count(session, other, window, now=later)
    newcomer = ratelimit.client_key("test", "203.0.113.9", "secret")
    ratelimit.count(session, newcomer, window, now=later + timedelta(days=2))
    session.expire_all()
    assert session.get(RateLimitCounter, key) is None
    assert session.get(RateLimitCounter, other) is not None
