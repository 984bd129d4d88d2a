"""Links that cannot be used, hostile tokens, rate limiting, assisted mode and open links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from survey_app.models import (
    AuditEvent,
    Invitation,
    MembershipSite,
    RateLimitCounter,
    Response,
    Role,
)
from survey_app.services.ratelimit import SURVEY_TOKEN_MISSES
from tests.factories import login, make_organisation, make_site, make_user
from tests.respond_factories import (
    make_invitation,
    make_open_link,
    make_survey_study,
)
from tests.web.respond.helpers import answer, guards, open_survey, submit_review


@pytest.fixture
def setup(session):
    return make_survey_study(session)


def _unavailable_body(response) -> str:
    assert response.status_code == 404
    return response.get_data(as_text=True)


def test_unknown_used_expired_and_paused_links_look_exactly_alike(app, session, setup):
    used = make_invitation(session, setup)
    expired = make_invitation(session, setup, expires_in=timedelta(days=-1))
    other = make_survey_study(session)
    paused = make_invitation(session, other)
    other.study.status = "paused"
    session.commit()
    finisher = app.test_client()
    open_survey(finisher, used.token)
    for key, value in [("heard", "4"), ("goal", "no"), ("topics", "work"), ("children", "0")]:
        answer(finisher, key, value)
    answer(finisher, "comment", "")
    submit_review(finisher)

    bodies = set()
    for token in ("A" * 43, used.token, expired.token, paused.token):
        fresh = app.test_client()
        reply = fresh.get(f"/s/{token}", headers={"Accept-Language": "en"})
        body = _unavailable_body(reply).replace(token, "")
        assert "This link cannot be used" in body
        assert "Set-Cookie" not in reply.headers or "ecoute=" not in reply.headers["Set-Cookie"]
        bodies.add(body)
    assert len(bodies) == 1


@pytest.mark.parametrize(
    "token",
    [
        "zqzqzq",
        "' OR '1'='1",
        "<script>alert(1)</script>",
        "%3Cimg%20src%3Dx%3E",
        "é" * 50,
        "A" * 129,
        "A" * 5000,
        "0000-0000-00",
        "..%2F..%2Fetc%2Fpasswd",
    ],
)
def test_hostile_tokens_never_give_a_500_nor_echo_anything(client, token):
    reply = client.get(f"/s/{token}")
    assert reply.status_code == 404
    body = reply.get_data(as_text=True)
    assert "<script>alert" not in body
    assert token not in body
    typed = client.get("/code", query_string={"code": token})
    # A well-formed code gets the unusable-link page; anything else the entry
    # form again, with an error and the typed text escaped.
    assert typed.status_code in (400, 404)
    assert "<script>alert" not in typed.get_data(as_text=True)
    assert client.get(f"/o/{token}").status_code == 404


def test_truncated_and_other_organisations_tokens_are_refused(app, session, setup):
    link = make_invitation(session, setup)
    session.commit()
    assert app.test_client().get(f"/s/{link.token[:-1]}").status_code == 404
    assert app.test_client().get(f"/s/{link.token[:20]}").status_code == 404
    # A signed-in member of another organisation gains nothing either.
    stranger_org = make_organisation(session)
    stranger = make_user(session, stranger_org, Role.SOCIAL_WORKER)
    session.commit()
    client = app.test_client()
    login(client, stranger.email)
    assert client.get(f"/s/assist/{link.invitation.id}").status_code == 404
    assert (
        client.post(f"/s/assist/{link.invitation.id}", data={"mode": "assisted"}).status_code == 404
    )


def test_unknown_tokens_are_rate_limited_per_client(app, session, setup):
    link = make_invitation(session, setup)
    session.commit()
    prober = app.test_client()
    for number in range(SURVEY_TOKEN_MISSES.limit):
        assert prober.get(f"/s/unknown-{number}").status_code == 404
    refused = prober.get("/s/unknown-again", headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert "Too many attempts" in refused.get_data(as_text=True)
    # A good token from the same address still works: only misses are limited...
    assert prober.get(f"/s/{link.token}").status_code == 303
    # ...and another client address is not affected.
    other = app.test_client()
    reply = other.get(f"/s/{link.token}", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert reply.status_code == 303
    # The counter table never holds the address in clear.
    keys = session.scalars(select(RateLimitCounter.key)).all()
    assert keys
    assert all("127.0.0.1" not in key for key in keys)


def test_good_tokens_are_not_counted(app, session, setup):
    links = [make_invitation(session, setup) for _ in range(3)]
    session.commit()
    client = app.test_client()
    for _ in range(SURVEY_TOKEN_MISSES.limit + 2):
        for issued in links:
            assert client.get(f"/s/{issued.token}").status_code == 303


# --- assisted mode ---------------------------------------------------------------------


def _worker(session, setup, *, with_site=True):
    """A social worker listed on the survey's site, or (with_site=False) on another site only.

    A worker with no listed site covers every site of the organisation
    (services/beneficiaries.worker_site_ids), so "not on this site" means
    "listed on another one".
    """
    worker = make_user(session, setup.organisation, Role.SOCIAL_WORKER)
    membership = worker.memberships[0]
    site = setup.site if with_site else make_site(session, setup.organisation)
    session.add(MembershipSite(membership_id=membership.id, site_id=site.id))
    session.commit()
    return worker


def test_social_worker_opens_the_survey_in_read_aloud_mode(client, session, setup):
    link = make_invitation(session, setup)
    worker = _worker(session, setup)
    login(client, worker.email)
    form = client.get(f"/s/assist/{link.invitation.id}", headers={"Accept-Language": "en"})
    assert form.status_code == 200
    assert "How will the person answer?" in form.get_data(as_text=True)
    started = client.post(f"/s/assist/{link.invitation.id}", data={"mode": "read_aloud"})
    assert started.location == "/s/"
    consent = client.get("/s/start")
    client.post("/s/start", data=guards(consent.get_data(as_text=True)))
    for key, value in [("heard", "4"), ("goal", "no"), ("topics", "work"), ("children", "2")]:
        answer(client, key, value)
    answer(client, "comment", "")
    submit_review(client)
    done = client.get("/s/done", headers={"Accept-Language": "en"})
    assert "Back to my list" in done.get_data(as_text=True)
    session.expire_all()
    response = session.scalar(select(Response).where(Response.invitation_id == link.invitation.id))
    assert response.mode == "read_aloud"
    assert response.completed_at is not None
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "response.assisted_start"))
    assert event.actor_user_id == worker.id
    assert event.details == {"mode": "read_aloud", "wave": "baseline"}


def test_assisted_mode_is_scoped_to_the_workers_sites_and_role(app, session, setup):
    link = make_invitation(session, setup)
    outsider = _worker(session, setup, with_site=False)
    director = make_user(session, setup.organisation, Role.DIRECTOR)
    session.commit()
    client = app.test_client()
    login(client, outsider.email)
    assert (
        client.post(f"/s/assist/{link.invitation.id}", data={"mode": "assisted"}).status_code == 404
    )
    assert client.post("/s/assist/999999", data={"mode": "assisted"}).status_code == 404
    client = app.test_client()
    login(client, director.email)
    assert client.get(f"/s/assist/{link.invitation.id}").status_code == 403
    anonymous = app.test_client().get(f"/s/assist/{link.invitation.id}")
    assert anonymous.status_code == 302
    assert "/auth/login" in anonymous.location


def test_assisted_mode_refuses_a_completed_invitation_clearly(client, session, setup):
    link = make_invitation(session, setup)
    session.get(Invitation, link.invitation.id).completed_at = link.invitation.created_at
    worker = _worker(session, setup)
    login(client, worker.email)
    refused = client.post(
        f"/s/assist/{link.invitation.id}",
        data={"mode": "assisted"},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 409
    assert "already been answered" in refused.get_data(as_text=True)


# --- open links --------------------------------------------------------------------------


def test_open_link_response_is_anonymous_and_kept_to_the_day(app, session, setup):
    _link, token = make_open_link(session, setup)
    session.commit()
    client = app.test_client()
    opened = client.get(f"/o/{token}")
    assert opened.status_code == 303
    assert opened.location == "/s/start"
    assert session.scalar(select(Response).where(Response.study_id == setup.study.id)) is None
    consent = client.get("/s/start")
    data = guards(consent.get_data(as_text=True))
    first = client.post("/s/start", data=data)
    again = client.post("/s/start", data=data)  # double tap on "Start"
    assert first.location == again.location == "/s/q/heard"
    responses = session.scalars(select(Response).where(Response.study_id == setup.study.id)).all()
    assert len(responses) == 1
    for key, value in [("heard", "2"), ("goal", "no"), ("topics", "money"), ("children", "3")]:
        answer(client, key, value)
    answer(client, "comment", "")
    submit_review(client)
    done = client.get("/s/done")
    assert "ecoute_open_done=" in done.headers["Set-Cookie"]
    session.expire_all()
    response = session.scalar(select(Response).where(Response.study_id == setup.study.id))
    assert response.site_id == setup.site.id
    assert response.wave_id == setup.wave.id
    assert response.beneficiary_id is None
    assert response.invitation_id is None
    assert response.started_at is None
    assert response.completed_at is None
    assert response.completed_on is not None
    assert len(response.id) == 32
    # Basic duplicate protection: the same browser is thanked, not asked again.
    repeat = client.get(f"/o/{token}", headers={"Accept-Language": "en"})
    assert repeat.status_code == 200
    assert "You have already answered" in repeat.get_data(as_text=True)


def test_closed_open_link_is_unavailable(client, session, setup):
    link, token = make_open_link(session, setup)
    link.active = False
    session.commit()
    assert client.get(f"/o/{token}").status_code == 404


def test_worker_with_no_listed_site_covers_every_site_as_in_their_list(app, session, setup):
    link = make_invitation(session, setup)
    worker = make_user(session, setup.organisation, Role.SOCIAL_WORKER)
    session.commit()
    client = app.test_client()
    login(client, worker.email)
    assert client.get(f"/s/assist/{link.invitation.id}").status_code == 200
