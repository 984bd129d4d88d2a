"""Quality managers create, change, pause and close studies; open links per site."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey_app.models import AuditEvent, OpenLink, Role, Study
from survey_app.services.tokens import hash_secret
from tests.factories import login, make_organisation, make_site, make_user
from tests.studies_factories import make_study, make_version


def _manager(session):
    organisation = make_organisation(session)
    user = make_user(session, organisation, Role.QUALITY_MANAGER)
    return organisation, user


def _actions(session, organisation):
    return session.scalars(
        select(AuditEvent.action).where(AuditEvent.organisation_id == organisation.id)
    ).all()


def test_manager_creates_a_study_with_waves(client, session):
    organisation, user = _manager(session)
    site_a, site_b = make_site(session, organisation), make_site(session, organisation)
    baseline = make_version(session, organisation)
    follow = make_version(session, organisation)
    session.commit()
    login(client, user.email)
    assert client.get("/studies/new").status_code == 200
    response = client.post(
        "/studies/new",
        data={
            "slug": "impact-2026",
            "title": "Impact 2026",
            "invitation_validity_days": "21",
            "sites": [str(site_a.id)],
            "baseline_version": str(baseline.id),
            "followup1_version": str(follow.id),
            "followup1_delay": "90",
            "followup2_version": "0",
            "exit_version": str(follow.id),
            "exit_delay": "180",
            "enrol": "all",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    study = session.scalar(select(Study).where(Study.slug == "impact-2026"))
    assert [(w.key, w.kind, w.delay_days) for w in study.waves] == [
        ("baseline", "baseline", 0),
        ("followup1", "follow_up", 90),
        ("exit", "exit", 180),
    ]
    assert [s.id for s in study.sites] == [site_a.id]
    assert site_b.id not in [s.id for s in study.sites]
    assert "study.create" in _actions(session, organisation)
    page = client.get("/studies/impact-2026").get_data(as_text=True)
    assert "Impact 2026" in page


def test_bad_study_input_changes_nothing(client, session):
    organisation, user = _manager(session)
    site = make_site(session, organisation)
    draft = make_version(session, organisation, status="draft")
    published = make_version(session, organisation)
    session.commit()
    login(client, user.email)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    base = {
        "slug": "s1",
        "title": "T",
        "invitation_validity_days": "30",
        "sites": [str(site.id)],
        "baseline_version": str(published.id),
        "followup1_version": str(published.id),
        "followup1_delay": "",
        "enrol": "all",
    }
    missing_delay = client.post("/studies/new", data=base)
    assert missing_delay.status_code == 400
    assert "Give the number of days." in missing_delay.get_data(as_text=True)
    not_published = client.post(
        "/studies/new", data={**base, "followup1_version": "0", "baseline_version": str(draft.id)}
    )
    assert not_published.status_code == 400  # a draft is not even offered
    bad_slug = client.post(
        "/studies/new", data={**base, "slug": "Bad Slug!", "followup1_delay": "9"}
    )
    assert bad_slug.status_code == 400
    assert "lower-case letters" in bad_slug.get_data(as_text=True)
    assert session.scalar(select(Study).where(Study.organisation_id == organisation.id)) is None


def test_pause_resume_close_are_audited(client, session):
    organisation, user = _manager(session)
    site = make_site(session, organisation)
    study = make_study(session, organisation, [site], slug="s")
    session.commit()
    login(client, user.email)
    for action, status in (("pause", "paused"), ("resume", "active"), ("close", "closed")):
        assert client.post("/studies/s/status", data={"action": action}).status_code == 302
        session.refresh(study)
        assert study.status == status
    actions = _actions(session, organisation)
    assert {"study.pause", "study.resume", "study.close"} <= set(actions)
    # Closed is final.
    client.post("/studies/s/status", data={"action": "resume"})
    session.refresh(study)
    assert study.status == "closed"


def test_edit_sites_and_delays(client, session):
    organisation, user = _manager(session)
    site_a, site_b = make_site(session, organisation), make_site(session, organisation)
    study = make_study(session, organisation, [site_a], slug="s")
    session.commit()
    login(client, user.email)
    assert client.get("/studies/s/edit").status_code == 200
    response = client.post(
        "/studies/s/edit",
        data={
            "title": "Renamed",
            "invitation_validity_days": "14",
            "sites": [str(site_a.id), str(site_b.id)],
            "delay_followup1": "60",
        },
    )
    assert response.status_code == 302
    session.refresh(study)
    assert study.title == "Renamed"
    assert {s.id for s in study.sites} == {site_a.id, site_b.id}
    assert study.waves[1].delay_days == 60
    assert "study.update" in _actions(session, organisation)


def test_move_wave_to_newer_version(client, session):
    organisation, user = _manager(session)
    site = make_site(session, organisation)
    study = make_study(session, organisation, [site], slug="s")
    wave = study.waves[1]
    newer = make_version(
        session, organisation, number=2, questionnaire=wave.questionnaire_version.questionnaire
    )
    session.commit()
    login(client, user.email)
    response = client.post(
        "/studies/s/waves/followup1/version", data={f"w{wave.id}-version_id": str(newer.id)}
    )
    assert response.status_code == 302
    session.refresh(wave)
    assert wave.questionnaire_version_id == newer.id
    assert "study.wave_version" in _actions(session, organisation)


def test_open_link_token_shown_once_and_deactivated(client, session):
    organisation, user = _manager(session)
    site = make_site(session, organisation)
    study = make_study(session, organisation, [site], slug="s")
    session.commit()
    login(client, user.email)
    response = client.post(
        "/studies/s/open-links", data={"site_id": str(site.id), "wave_id": str(study.waves[0].id)}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    token = re.search(r'value="http://localhost/o/([^"]+)"', page).group(1)
    endpoint, _args = client.application.url_map.bind("localhost").match(f"/o/{token}")
    assert endpoint == "respond.open_anonymous"
    link = session.scalar(select(OpenLink).where(OpenLink.study_id == study.id))
    assert link.token_hash == hash_secret(token)
    assert "data:image/svg+xml;base64," in page
    assert token not in client.get("/studies/s").get_data(as_text=True)
    assert client.post(f"/studies/s/open-links/{link.id}/deactivate").status_code == 302
    session.refresh(link)
    assert link.active is False


def test_other_organisation_and_other_roles(client, session):
    organisation, user = _manager(session)
    other = make_organisation(session)
    other_site = make_site(session, other)
    make_study(session, other, [other_site], slug="theirs")
    worker = make_user(session, organisation, Role.SOCIAL_WORKER)
    session.commit()
    login(client, user.email)
    assert client.get("/studies/theirs").status_code == 404
    assert client.post("/studies/theirs/status", data={"action": "pause"}).status_code == 404
    assert client.get("/studies/theirs/edit").status_code == 404
    client.post("/auth/logout")
    login(client, worker.email)
    assert client.get("/studies/new").status_code == 403
