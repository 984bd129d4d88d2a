"""Social workers register beneficiaries, hand over invitations and follow their status."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

from sqlalchemy import func, select

from survey_app.models import (
    AuditEvent,
    Beneficiary,
    BeneficiaryContact,
    Invitation,
    Role,
    utcnow,
)
from survey_app.services.tokens import hash_secret, hash_short_code
from tests.factories import login, make_beneficiary, make_organisation, make_site, make_user
from tests.studies_factories import add_contact, limit_to_sites, make_invitation, make_study

LINK_RE = re.compile(r'value="http://localhost/s/([A-Za-z0-9_-]+)"')
SHORT_RE = re.compile(r'class="short-code">([0-9A-Z-]+)<')


def _worker(session, *, limited=False):
    organisation = make_organisation(session)
    site, other_site = make_site(session, organisation), make_site(session, organisation)
    study = make_study(session, organisation, [site, other_site], slug="s")
    worker = make_user(session, organisation, Role.SOCIAL_WORKER)
    if limited:
        limit_to_sites(session, worker, [site])
    return organisation, site, other_site, study, worker


def _register(client, site, study, **extra):
    data = {
        "code": "B-TEST-0001",
        "site_id": str(site.id),
        "support_started_on": utcnow().date().isoformat(),
        "study_id": str(study.id),
    }
    data.update(extra)
    response = client.post("/studies/beneficiaries/new", data=data)
    if response.status_code != 302 or "/invitations/" not in response.location:
        return response
    # Post/redirect/get: the invitation page issues the link the worker hands over.
    assert client.get(response.location).status_code == 200
    return client.post(response.location.rstrip("/") + "/issue")


def test_register_creates_beneficiary_contact_and_baseline_invitation(client, session):
    organisation, site, _other, study, worker = _worker(session)
    session.commit()
    login(client, worker.email)
    form = client.get("/studies/beneficiaries/new").get_data(as_text=True)
    assert re.search(r'name="code"[^>]*value="B-[0-9A-Z]{4}-[0-9A-Z]{4}"', form)  # suggested
    assert "name" not in re.findall(r'name="([a-z_]+)"', form)  # no name field
    response = _register(client, site, study, email="person@example.org", phone="06 12 34 56 78")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    beneficiary = session.scalar(select(Beneficiary).where(Beneficiary.code == "B-TEST-0001"))
    assert beneficiary.site_id == site.id
    contact = session.get(BeneficiaryContact, beneficiary.id)
    assert (contact.email, contact.phone) == ("person@example.org", "06 12 34 56 78")
    invitation = session.scalar(
        select(Invitation).where(Invitation.beneficiary_id == beneficiary.id)
    )
    assert invitation.wave.kind == "baseline"
    token = LINK_RE.search(page).group(1)
    short_code = SHORT_RE.search(page).group(1)
    assert invitation.token_hash == hash_secret(token)
    assert invitation.short_code_hash == hash_short_code(short_code)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}", short_code)
    assert "data:image/svg+xml;base64," in page
    assert invitation.expires_at - invitation.created_at == timedelta(days=30)
    # Shown once: the invitation page does not contain the token.
    assert token not in client.get(f"/studies/invitations/{invitation.id}").get_data(as_text=True)
    details = session.scalars(
        select(AuditEvent.details).where(AuditEvent.organisation_id == organisation.id)
    ).all()
    assert details
    assert all(token not in str(d) and "example.org" not in str(d) for d in details)


def test_card_is_an_a6_pdf_with_code_and_only_for_the_current_token(client, session, tmp_path):
    _organisation, site, _other, study, worker = _worker(session)
    session.commit()
    login(client, worker.email)
    page = _register(client, site, study).get_data(as_text=True)
    token, short_code = LINK_RE.search(page).group(1), SHORT_RE.search(page).group(1)
    invitation = session.scalar(select(Invitation))
    response = client.post(
        f"/studies/invitations/{invitation.id}/card",
        data={"token": token, "short_code": short_code},
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(response.data)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "297.6" in info.stdout
    assert "419.5" in info.stdout
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert short_code in text
    assert "localhost/code" in "".join(text.split())
    assert "Pages:           1" in info.stdout  # one card, one page
    forged = client.post(
        f"/studies/invitations/{invitation.id}/card",
        data={"token": "not-the-token", "short_code": short_code},
    )
    assert forged.status_code == 302
    assert forged.mimetype != "application/pdf"


def test_reissue_replaces_the_link(client, session):
    _organisation, site, _other, study, worker = _worker(session)
    session.commit()
    login(client, worker.email)
    first = LINK_RE.search(_register(client, site, study).get_data(as_text=True)).group(1)
    invitation = session.scalar(select(Invitation))
    page = client.post(f"/studies/invitations/{invitation.id}/issue").get_data(as_text=True)
    second = LINK_RE.search(page).group(1)
    session.refresh(invitation)
    assert first != second
    assert invitation.token_hash == hash_secret(second)
    assert invitation.token_hash != hash_secret(first)


def test_bad_registration_changes_nothing(client, session):
    organisation, site, other_site, study, worker = _worker(session, limited=True)
    make_beneficiary(session, organisation, site, code="TAKEN")
    session.commit()
    login(client, worker.email)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    taken = _register(client, site, study, code="TAKEN")
    assert taken.status_code == 400
    assert "already used" in taken.get_data(as_text=True)
    bad_email = _register(client, site, study, email="not-an-address")
    assert bad_email.status_code == 400
    assert "name@example.org" in bad_email.get_data(as_text=True)
    future = _register(
        client, site, study, support_started_on=(utcnow().date() + timedelta(days=3)).isoformat()
    )
    assert future.status_code == 400
    not_my_site = _register(client, other_site, study)
    assert not_my_site.status_code == 400  # not offered: "Not a valid choice"
    count = session.scalar(
        select(func.count())
        .select_from(Beneficiary)
        .where(Beneficiary.organisation_id == organisation.id)
    )
    assert count == 1
    assert session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_follow_up_list_shows_status_per_wave_for_my_sites_only(client, session):
    organisation, site, other_site, study, worker = _worker(session, limited=True)
    baseline, follow = study.waves
    long_ago = utcnow() - timedelta(days=120)
    done = make_beneficiary(session, organisation, site, code="DONE")
    make_invitation(session, done, baseline.id, created_at=long_ago, completed_at=long_ago)
    make_invitation(session, done, follow.id, sent_at=utcnow())
    started = make_beneficiary(session, organisation, site, code="STARTED")
    make_invitation(session, started, baseline.id, sent_at=utcnow(), started_at=utcnow())
    stale = make_beneficiary(session, organisation, site, code="STALE")
    make_invitation(session, stale, baseline.id, created_at=long_ago)
    hidden = make_beneficiary(session, organisation, other_site, code="ELSEWHERE")
    make_invitation(session, hidden, baseline.id)
    session.commit()
    login(client, worker.email)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get("/studies/follow-up").get_data(as_text=True)
    rows = {
        code: re.search(rf"<th scope=\"row\">{code}</th>(.*?)</tr>", page, re.S).group(1)
        for code in ("DONE", "STARTED", "STALE")
    }
    assert re.findall(r"status-(\w+)", rows["DONE"]) == ["completed", "invited"]
    assert re.findall(r"status-(\w+)", rows["STARTED"]) == ["started", "upcoming"]
    assert re.findall(r"status-(\w+)", rows["STALE"]) == ["expired", "due"]
    assert "Invite now" in rows["STALE"]
    assert "ELSEWHERE" not in page
    only_due = client.get("/studies/follow-up?status=due").get_data(as_text=True)
    assert "STALE" in only_due
    assert "DONE" not in only_due


def test_invite_now_creates_a_due_follow_up(client, session):
    organisation, site, _other, study, worker = _worker(session)
    baseline, follow = study.waves
    person = make_beneficiary(session, organisation, site)
    make_invitation(session, person, baseline.id, created_at=utcnow() - timedelta(days=100))
    session.commit()
    login(client, worker.email)
    response = client.post(f"/studies/beneficiaries/{person.id}/waves/{follow.id}/invite")
    assert response.status_code == 200
    token = LINK_RE.search(response.get_data(as_text=True)).group(1)
    created = session.scalar(select(Invitation).where(Invitation.wave_id == follow.id))
    assert created.token_hash == hash_secret(token)
    again = client.post(f"/studies/beneficiaries/{person.id}/waves/{follow.id}/invite")
    assert again.status_code == 302  # already invited: message, nothing created
    assert session.scalar(select(func.count()).select_from(Invitation)) == 2


def test_email_sends_a_fresh_link(app, client, session):
    organisation, site, _other, study, worker = _worker(session)
    organisation.email_invitations_enabled = True
    person = make_beneficiary(session, organisation, site)
    add_contact(session, person, "person@example.org")
    invitation, old_token = make_invitation(session, person, study.waves[0].id)
    session.commit()
    sent = []
    app.config["INVITATION_MAILER"] = sent.append
    try:
        login(client, worker.email)
        page = client.get(f"/studies/invitations/{invitation.id}").get_data(as_text=True)
        assert f"/studies/invitations/{invitation.id}/email" in page
        response = client.post(f"/studies/invitations/{invitation.id}/email")
    finally:
        del app.config["INVITATION_MAILER"]
    assert response.status_code == 302
    [message] = sent
    assert message.to == "person@example.org"
    token = message.body.split("http://localhost/s/", 1)[1].split()[0]
    session.refresh(invitation)
    assert invitation.token_hash == hash_secret(token) != hash_secret(old_token)
    assert invitation.channel == "email"
    assert person.code not in message.body


def test_other_organisation_and_other_sites_answer_404(client, session):
    organisation, _site, other_site, study, worker = _worker(session, limited=True)
    elsewhere = make_beneficiary(session, organisation, other_site)
    elsewhere_invitation, _ = make_invitation(session, elsewhere, study.waves[0].id)
    foreign_org = make_organisation(session)
    foreign_site = make_site(session, foreign_org)
    foreign_study = make_study(session, foreign_org, [foreign_site], slug="f")
    foreign = make_beneficiary(session, foreign_org, foreign_site)
    foreign_invitation, _ = make_invitation(session, foreign, foreign_study.waves[0].id)
    session.commit()
    login(client, worker.email)
    for invitation in (elsewhere_invitation, foreign_invitation):
        assert client.get(f"/studies/invitations/{invitation.id}").status_code == 404
        assert client.post(f"/studies/invitations/{invitation.id}/issue").status_code == 404
        assert client.post(f"/studies/invitations/{invitation.id}/card").status_code == 404
        assert client.post(f"/studies/invitations/{invitation.id}/email").status_code == 404
    assert (
        client.post(
            f"/studies/beneficiaries/{foreign.id}/waves/{foreign_study.waves[0].id}/invite"
        ).status_code
        == 404
    )
    assert client.get("/studies/s").status_code == 403  # workers do not manage studies


def test_delivery_page_emails_the_link_just_shown(app, client, session):
    organisation, site, _other, study, worker = _worker(session)
    organisation.email_invitations_enabled = True
    session.commit()
    sent = []
    app.config["INVITATION_MAILER"] = sent.append
    try:
        login(client, worker.email)
        page = _register(client, site, study, email="person@example.org").get_data(as_text=True)
        token, short_code = LINK_RE.search(page).group(1), SHORT_RE.search(page).group(1)
        invitation = session.scalar(select(Invitation))
        assert f"/studies/invitations/{invitation.id}/email" in page
        response = client.post(
            f"/studies/invitations/{invitation.id}/email",
            data={"token": token, "short_code": short_code},
        )
    finally:
        del app.config["INVITATION_MAILER"]
    assert response.status_code == 302
    [message] = sent
    assert f"http://localhost/s/{token}" in message.body  # the same link, not a new one
    session.refresh(invitation)
    assert invitation.token_hash == hash_secret(token)
    assert invitation.channel == "email"
