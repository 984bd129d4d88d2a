"""The administration pages: members, sites, settings, audit log, privacy notice."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey_app.models import AuditEvent, Membership, MembershipSite, Role, Site, User
from tests.factories import login, make_organisation, make_user
from tests.security_factories import build_world, sign_in


@pytest.fixture
def world(session):
    world = build_world(session, "adm")
    session.commit()
    return world


@pytest.fixture
def admin(app, session, world):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in(client, session, world.users[Role.ADMIN], world.organisation.id)
    return client


def _events(session, action):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_members_page_lists_this_organisation_only(admin, session, world):
    other = make_organisation(session)
    outsider = make_user(session, other, Role.ADMIN, email="outsider@elsewhere.org")
    session.commit()
    page = admin.get("/admin/").get_data(as_text=True)
    assert world.users[Role.DIRECTOR].email in page
    assert outsider.email not in page


def test_invite_a_new_member_shows_a_one_time_link(admin, session, world, app):
    response = admin.post(
        "/admin/users/new",
        data={
            "email": "New.Person@Example.org",
            "display_name": "New",
            "role": "social_worker",
            "sites": [str(world.site.id)],
        },
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    path = re.search(r"http://localhost(/auth/reset/[^<\s]+)", body).group(1)
    user = session.scalar(select(User).where(User.email == "new.person@example.org"))
    membership = user.memberships[0]
    assert membership.role == "social_worker"
    assert [s.site_id for s in membership.sites] == [world.site.id]
    assert _events(session, "user.create")[0].object_id == str(user.id)
    fresh = app.test_client()
    new_password = "the new member's own long password"
    assert fresh.post(path, data={"new": new_password, "confirm": new_password}).status_code == 302
    assert login(app.test_client(), user.email, new_password).status_code == 302


def test_invite_someone_of_another_organisation_adds_a_membership_without_link(
    admin, session, world
):
    other = make_organisation(session)
    person = make_user(session, other, Role.DIRECTOR, email="shared@example.org")
    session.commit()
    body = admin.post(
        "/admin/users/new", data={"email": person.email, "role": "director"}
    ).get_data(as_text=True)
    assert "/auth/reset/" not in body
    assert (
        len(session.scalars(select(Membership).where(Membership.user_id == person.id)).all()) == 2
    )


def test_invite_refuses_bad_input(admin, session):
    before = session.scalar(select(User.id).order_by(User.id.desc()))
    for data in (
        {"email": "not an email", "role": "director"},
        {"email": "ok@example.org", "role": "emperor"},
        {"email": "ok@example.org", "role": "social_worker", "sites": ["999999"]},
    ):
        assert admin.post("/admin/users/new", data=data).status_code == 400
    assert session.scalar(select(User.id).order_by(User.id.desc())) == before


def test_site_of_another_organisation_cannot_be_given(admin, session, world):
    other = build_world(session, "oth")
    session.commit()
    response = admin.post(
        f"/admin/users/{world.victim.id}",
        data={"role": "social_worker", "sites": [str(other.site.id)]},
    )
    assert response.status_code == 400
    assert (
        session.scalars(
            select(MembershipSite).where(MembershipSite.membership_id == world.victim.id)
        ).all()
        == []
    )
    session.refresh(world.victim)
    assert world.victim.role == "social_worker"


def test_change_role_is_audited(admin, session, world):
    response = admin.post(f"/admin/users/{world.victim.id}", data={"role": "director"})
    assert response.status_code == 302
    session.refresh(world.victim)
    assert world.victim.role == "director"
    event = _events(session, "membership.role")[0]
    assert event.details == {"from": "social_worker", "to": "director", "sites": 0}


def test_admin_cannot_demote_or_disable_themselves(admin, session, world):
    own = world.memberships[Role.ADMIN]
    admin.post(f"/admin/users/{own.id}", data={"role": "director"})
    admin.post(f"/admin/users/{own.id}/disable")
    session.refresh(own)
    assert own.role == "admin"
    assert own.user.active


def test_shared_account_is_removed_not_disabled(admin, session, world):
    other = make_organisation(session)
    make_user(session, other, Role.DIRECTOR, email=world.victim.user.email)
    session.commit()
    admin.post(f"/admin/users/{world.victim.id}/disable")
    session.refresh(world.victim.user)
    assert world.victim.user.active  # another organisation still relies on the account
    assert admin.post(f"/admin/users/{world.victim.id}/remove").status_code == 302
    assert session.get(Membership, world.victim.id) is None


def test_sites_create_rename_deactivate(admin, session, world):
    assert (
        admin.post(
            "/admin/sites/new", data={"code": "NORD", "name": "Nord", "address": "1 rue"}
        ).status_code
        == 302
    )
    site = session.scalar(
        select(Site).where(Site.organisation_id == world.organisation.id, Site.code == "NORD")
    )
    assert (
        admin.post("/admin/sites/new", data={"code": "NORD", "name": "Duplicate"}).status_code
        == 400
    )
    assert admin.post(f"/admin/sites/{site.id}", data={"name": "Nord-Est"}).status_code == 302
    assert admin.post(f"/admin/sites/{site.id}/deactivate").status_code == 302
    session.refresh(site)
    assert site.name == "Nord-Est"
    assert site.code == "NORD"
    assert not site.active
    assert {"site.create", "site.update", "site.deactivate"} <= {
        e.action for e in session.scalars(select(AuditEvent)).all()
    }


def test_settings_and_privacy_notice(admin, session, world, client):
    response = admin.post(
        "/admin/settings",
        data={
            "name": "Association Entraide",
            "contact_retention_days": "60",
            "require_totp_for_admins": "",
            "privacy_controller_name": "Association Entraide <b>DPO</b>",
            "privacy_contact": "dpo@entraide.example",
        },
    )
    assert response.status_code == 302
    session.refresh(world.organisation)
    assert world.organisation.contact_retention_days == 60
    notice = client.get(f"/privacy/{world.organisation.slug}", headers={"Accept-Language": "fr"})
    body = notice.get_data(as_text=True)
    assert "Association Entraide &lt;b&gt;DPO&lt;/b&gt;" in body
    assert "dpo@entraide.example" in body
    assert "60" in body
    assert "Vos réponses" in body
    assert client.get("/privacy/no-such-org").status_code == 404
    event = _events(session, "organisation.settings")[0]
    assert "privacy_contact" in event.details["changed"]
    assert "dpo@entraide.example" not in str(event.details)


def test_settings_refuse_bad_retention(admin, session, world):
    for days in ("0", "-5", "100000", "abc", ""):
        response = admin.post(
            "/admin/settings",
            data={"name": "X", "contact_retention_days": days},
        )
        assert response.status_code == 400
    session.refresh(world.organisation)
    assert world.organisation.contact_retention_days == 90


def test_audit_log_filters_and_stays_in_the_organisation(admin, session, world):
    other = build_world(session, "aud")
    session.commit()
    admin.post(f"/admin/users/{world.victim.id}", data={"role": "director"})
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "membership.role" in page
    filtered = admin.get("/admin/audit?action=login.success").get_data(as_text=True)
    assert "membership.role</code>" not in filtered
    by_actor = admin.get(
        "/admin/audit", query_string={"actor": world.users[Role.ADMIN].email[:8]}
    ).get_data(as_text=True)
    assert "membership.role" in by_actor
    assert admin.get("/admin/audit?since=not-a-date").status_code == 400
    # Another organisation's events never show.
    from survey_app.services import audit

    audit.record(session, "secret.other", organisation_id=other.organisation.id)
    session.commit()
    assert "secret.other" not in admin.get("/admin/audit").get_data(as_text=True)


def test_audit_log_is_read_only(app, world):
    methods = {
        method
        for rule in app.url_map.iter_rules()
        if rule.endpoint == "admin.audit_log"
        for method in rule.methods
    }
    assert methods <= {"GET", "HEAD", "OPTIONS"}
