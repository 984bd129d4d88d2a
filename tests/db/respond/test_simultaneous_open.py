"""Two requests opening the same link at the same moment share one response."""

from __future__ import annotations

from sqlalchemy import func, select

from survey_app.models import Response
from survey_app.services import survey
from tests.respond_factories import make_invitation, make_survey_study


def test_second_opening_that_loses_the_race_reuses_the_first_response(session, monkeypatch):
    setup = make_survey_study(session)
    link = make_invitation(session, setup)
    first = survey.open_invitation(session, link.token, language="fr")
    session.commit()

    # The losing request looked before the winner committed: it saw no response.
    real_scalar = session.scalar
    calls = {"n": 0}

    def scalar_missing_once(statement, *args, **kwargs):
        if "response" in str(statement).lower() and calls["n"] == 0:
            calls["n"] += 1
            return None
        return real_scalar(statement, *args, **kwargs)

    monkeypatch.setattr(session, "scalar", scalar_missing_once)
    second = survey.open_invitation(session, link.token, language="fr")
    session.commit()

    assert calls["n"] == 1
    assert second.id == first.id
    count = real_scalar(
        select(func.count())
        .select_from(Response)
        .where(Response.invitation_id == link.invitation.id)
    )
    assert count == 1
