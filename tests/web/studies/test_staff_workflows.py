"""Staff workflows at scale: find a person, import many, print many cards (issue 15)."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from survey_app.models import AuditEvent, Beneficiary, BeneficiaryContact, Invitation, Role, utcnow
from tests.factories import login, make_beneficiary, make_organisation, make_site, make_user
from tests.studies_factories import make_invitation, make_study


@pytest.fixture(autouse=True)
def english(client):
    """These tests read the English source strings (French has its own checks)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def _setup(session, people=0):
    organisation = make_organisation(session)
    site, other = make_site(session, organisation, "NORD"), make_site(session, organisation, "SUD")
    study = make_study(session, organisation, [site, other], slug="s")
    worker = make_user(session, organisation, Role.SOCIAL_WORKER)
    made = [
        make_beneficiary(session, organisation, site if i % 2 else other, f"P-{i:04d}")
        for i in range(people)
    ]
    return organisation, site, other, study, worker, made


def _codes(page: str) -> list[str]:
    return re.findall(r'<th scope="row">([A-Z0-9-]+)</th>', page)


def test_follow_up_searches_filters_and_pages_of_fifty(client, session):
    _org, site, _other, study, worker, made = _setup(session, people=120)
    baseline, _followup = study.waves
    make_invitation(session, made[3], baseline.id, completed_at=utcnow())
    make_invitation(session, made[5], baseline.id, sent_at=utcnow())
    session.commit()
    login(client, worker.email)
    first = client.get("/studies/follow-up?study=s").get_data(as_text=True)
    assert len(_codes(first)) == 50
    assert "120 people found — page 1 of 3" in first
    assert 'rel="next"' in first
    assert "page=2" in first
    last = client.get("/studies/follow-up?study=s&sort=code&page=3").get_data(as_text=True)
    assert _codes(last) == [f"P-{i:04d}" for i in range(100, 120)]
    found = client.get("/studies/follow-up?study=s&q=p-0003").get_data(as_text=True)
    assert _codes(found) == ["P-0003"]
    answered = client.get(f"/studies/follow-up?study=s&status=completed&wave={baseline.id}")
    assert _codes(answered.get_data(as_text=True)) == ["P-0003"]
    invited = client.get("/studies/follow-up?study=s&status=invited").get_data(as_text=True)
    assert _codes(invited) == ["P-0005"]
    by_site = client.get(f"/studies/follow-up?study=s&site={site.id}&sort=code&page=9")
    codes = _codes(by_site.get_data(as_text=True))
    assert codes
    assert all(int(code[2:]) % 2 for code in codes)
    # Waves by name, dates in the interface language.
    assert "Start of support" in first
    assert ">followup1<" not in first
    french = client.get(
        "/studies/follow-up?study=s&q=P-0007", headers={"Accept-Language": "fr"}
    ).get_data(as_text=True)
    assert "5 janv. 2026" in french


def test_follow_up_sorts_by_next_due_date(client, session):
    organisation, site, _other, study, worker, _made = _setup(session)
    baseline, followup = study.waves
    late = make_beneficiary(session, organisation, site, "LATE")
    early = make_beneficiary(session, organisation, site, "EARLY")
    now = utcnow()
    # EARLY joined 100 days ago: follow-up (90 days) due 10 days ago; LATE joined 10 days ago.
    make_invitation(
        session,
        early,
        baseline.id,
        created_at=now - timedelta(days=100),
        completed_at=now - timedelta(days=99),
    )
    make_invitation(
        session,
        late,
        baseline.id,
        created_at=now - timedelta(days=10),
        completed_at=now - timedelta(days=9),
    )
    session.commit()
    login(client, worker.email)
    page = client.get(f"/studies/follow-up?study=s&wave={followup.id}").get_data(as_text=True)
    assert _codes(page) == ["EARLY", "LATE"]
    due = client.get(f"/studies/follow-up?study=s&wave={followup.id}&status=due")
    assert _codes(due.get_data(as_text=True)) == ["EARLY"]
    upcoming = client.get(f"/studies/follow-up?study=s&wave={followup.id}&status=upcoming")
    assert _codes(upcoming.get_data(as_text=True)) == ["LATE"]


CSV_OK = (
    "reference;site;start_date;email;phone;language\n"
    "DOS-1;NORD;2026-01-05;a@example.org;;fr\n"
    ";sud;05/01/2026;;06 12 34 56 78;en\n"
)


def test_import_previews_then_registers_everyone(client, session):
    _organisation, _site, _other, _study, worker, _made = _setup(session)
    session.commit()
    login(client, worker.email)
    preview = client.post(
        "/studies/beneficiaries/import",
        data={"file": (io.BytesIO(CSV_OK.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page
    assert "2 people can be registered" in page
    assert "Jan 5, 2026" in page  # the start of support as the interface writes dates
    assert "2026-01-05" not in page
    assert session.scalar(select(func.count()).select_from(Beneficiary)) == 0  # nothing yet
    signed = re.search(r'name="rows" type="hidden" value="([^"]+)"', page).group(1)
    done = client.post("/studies/beneficiaries/import/confirm", data={"rows": signed})
    assert done.status_code == 302
    people = session.scalars(select(Beneficiary).order_by(Beneficiary.id)).all()
    assert next(p.code for p in people) == "DOS-1"
    assert re.fullmatch(r"B-[0-9A-Z]{4}-[0-9A-Z]{4}", people[1].code)
    assert [p.language for p in people] == ["fr", "en"]
    assert session.get(BeneficiaryContact, people[1].id).phone == "06 12 34 56 78"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "beneficiary.import"))
    assert event.details["count"] == 2
    assert "example.org" not in str(event.details)
    # Confirming twice (refresh) registers nobody more: the references are now taken.
    again = client.post("/studies/beneficiaries/import/confirm", data={"rows": signed})
    assert again.status_code == 409
    assert "DOS-1 is already registered" in again.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Beneficiary)) == 2
    forged = client.post("/studies/beneficiaries/import/confirm", data={"rows": signed + "x"})
    assert forged.status_code == 400


def test_import_lists_every_problem_and_saves_nothing(client, session):
    organisation, site, _other, _study, worker, _made = _setup(session)
    make_beneficiary(session, organisation, site, "TAKEN")
    session.commit()
    login(client, worker.email)
    bad = (
        "reference,site,start_date,email,language\n"
        "TAKEN,NORD,2026-01-05,,\n"
        "X-1,NOWHERE,2026-01-05,,\n"
        "X-2,NORD,31-31-2026,not-an-address,de\n"
        "X-3,NORD,2026-01-05,,\n"
        "X-3,NORD,2999-01-01,,\n"
    )
    response = client.post(
        "/studies/beneficiaries/import",
        data={"file": (io.BytesIO(bad.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    rows = re.findall(r"<tr><td>(\d+)</td><td>([a-z_]+)</td>", page)
    assert rows == [
        ("2", "reference"),
        ("3", "site"),
        ("4", "start_date"),
        ("4", "email"),
        ("4", "language"),
        ("6", "reference"),
        ("6", "start_date"),
    ]
    assert "X-3 is also on row 5" in page
    assert session.scalar(select(func.count()).select_from(Beneficiary)) == 1


def test_import_reads_xlsx_and_the_cli_imports_all_or_nothing(client, session, runner, tmp_path):
    from openpyxl import Workbook

    organisation, _site, _other, _study, _worker, _made = _setup(session)
    session.commit()
    book = Workbook()
    sheet = book.active
    sheet.append(["Référence", "Site", "Date de début", "Téléphone"])
    for i in range(30):
        sheet.append([f"X-{i}", "NORD", utcnow().date(), "0612345678"])
    path = tmp_path / "people.xlsx"
    book.save(path)
    result = runner.invoke(args=["beneficiaries", "import", str(path), "--org", organisation.slug])
    assert result.exit_code == 0, result.output
    assert "30 beneficiaries imported" in result.output
    assert session.scalar(select(func.count()).select_from(Beneficiary)) == 30
    again = runner.invoke(args=["beneficiaries", "import", str(path), "--org", organisation.slug])
    assert again.exit_code != 0
    assert "row 2, reference: X-0 " in again.output  # in the server's default language
    assert session.scalar(select(func.count()).select_from(Beneficiary)) == 30


def test_register_redirects_so_refresh_creates_nobody(client, session):
    _org, site, _other, study, worker, _made = _setup(session)
    session.commit()
    login(client, worker.email)
    response = client.post(
        "/studies/beneficiaries/new",
        data={
            "code": "B-PRG1-0001",
            "site_id": str(site.id),
            "support_started_on": utcnow().date().isoformat(),
            "study_id": str(study.id),
        },
    )
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "B-PRG1-0001" in page
    assert client.get(response.location).status_code == 200  # a refresh is a GET
    assert session.scalar(select(func.count()).select_from(Beneficiary)) == 1


def test_print_cards_for_a_selection_gives_one_a4_pdf_four_per_page(client, session, tmp_path):
    _org, _site, _other, study, worker, made = _setup(session, people=9)
    baseline = study.waves[0]
    make_invitation(session, made[0], baseline.id, completed_at=utcnow())  # nothing to print
    session.commit()
    login(client, worker.email)
    response = client.post("/studies/s/cards", data={"beneficiary": [str(p.id) for p in made]})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pdf = tmp_path / "cards.pdf"
    pdf.write_bytes(response.data)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "Pages:           2" in info.stdout  # 8 cards, 4 per A4 page
    assert "(A4)" in info.stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert len(re.findall(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}", text)) == 8
    invitations = session.scalars(select(Invitation).where(Invitation.channel == "card")).all()
    assert len(invitations) == 8
    assert all(i.sent_at for i in invitations)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation.cards_print"))
    assert event.details == {"cards": 8, "skipped": 1}


def test_new_study_asks_who_takes_part(client, session):
    from survey_app.models import Study
    from tests.studies_factories import make_version

    organisation, site, other, _study, worker, made = _setup(session, people=4)
    manager = make_user(session, organisation, Role.QUALITY_MANAGER)
    version = make_version(session, organisation)
    session.commit()
    login(client, manager.email)
    base = {
        "slug": "new-one",
        "title": "New",
        "invitation_validity_days": "30",
        "sites": [str(site.id), str(other.id)],
        "baseline_version": str(version.id),
        "followup1_version": "0",
        "followup2_version": "0",
        "exit_version": "0",
    }
    missing = client.post("/studies/new", data=base)
    assert missing.status_code == 400
    assert "Choose who takes part" in missing.get_data(as_text=True)
    unknown = client.post(
        "/studies/new", data={**base, "enrol": "selection", "enrol_codes": "P-0001\nNOPE"}
    )
    assert "NOPE" in unknown.get_data(as_text=True)
    assert session.scalar(select(Study).where(Study.slug == "new-one")) is None
    done = client.post(
        "/studies/new", data={**base, "enrol": "selection", "enrol_codes": "P-0001\nP-0002"}
    )
    assert done.status_code == 302
    login(client, worker.email)
    page = client.get("/studies/follow-up?study=new-one&sort=code").get_data(as_text=True)
    assert _codes(page) == ["P-0001", "P-0002"]
    refused = client.post("/studies/new", data={**base, "slug": "empty", "enrol": "none"})
    assert refused.status_code == 403
    login(client, manager.email)
    assert (
        client.post("/studies/new", data={**base, "slug": "empty", "enrol": "none"}).status_code
        == 302
    )
    login(client, worker.email)
    empty = client.get("/studies/follow-up?study=empty").get_data(as_text=True)
    assert _codes(empty) == []
    assert made  # the four people exist but take part in neither study silently


def test_study_page_counts_invited_answered_and_not_yet_due_per_wave_and_site(client, session):
    organisation, site, _other, study, _worker, made = _setup(session, people=6)
    baseline = study.waves[0]
    made[1].support_started_on = utcnow().date() + timedelta(days=5)  # NORD, not yet due
    make_invitation(session, made[3], baseline.id, sent_at=utcnow(), completed_at=utcnow())
    make_invitation(session, made[5], baseline.id, sent_at=utcnow())
    manager = make_user(session, organisation, Role.QUALITY_MANAGER)
    session.commit()
    login(client, manager.email)
    page = client.get("/studies/s", headers={"Accept-Language": "en"}).get_data(as_text=True)
    number = r'<td class="numeric">([^<]+)</td>\s*'
    cells = re.findall(
        r"<td>([^<]+)</td>\s*<td>(?:<strong>)?([^<]+)(?:</strong>)?</td>\s*" + number * 5,
        page,
    )
    by_key = {(wave, site_code): rest for wave, site_code, *rest in cells}
    # NORD holds P-0001, P-0003, P-0005: one not yet due, one answered, one invited.
    assert by_key[("Start of support", "NORD")] == ["2", "1", "50%", "0", "1"]
    assert by_key[("Start of support", "SUD")] == ["0", "0", "—", "3", "0"]
    assert by_key[("Start of support", "All sites")] == ["2", "1", "50%", "3", "1"]
    assert by_key[("Follow-up 1", "All sites")] == ["0", "0", "—", "0", "6"]
    assert site.code == "NORD"


def test_each_role_lands_on_its_work(client, session):
    organisation, _site, _other, study, worker, _made = _setup(session)
    director = make_user(session, organisation, Role.DIRECTOR)
    manager = make_user(session, organisation, Role.QUALITY_MANAGER)
    session.commit()
    login(client, worker.email)
    assert client.get("/").location.endswith("/studies/start")
    assert "/studies/follow-up?status=due" in client.get("/studies/start").location
    login(client, director.email)
    landing = client.get("/studies/start").location
    assert f"/reports/preview?study={study.id}&period=all" in landing
    login(client, manager.email)
    assert client.get("/studies/start").location.endswith("/studies/")
    page = client.get("/studies/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Response rate" in page


def test_audit_log_reads_in_words_keeps_filters_and_exports_csv(client, session):
    organisation, site, _other, study, worker, _made = _setup(session, people=3)
    admin = make_user(session, organisation, Role.ADMIN)
    from tests.studies_factories import limit_to_sites

    limit_to_sites(session, worker, [site])
    from survey_app.services import audit

    for _ in range(60):
        audit.record(
            session,
            "export.answers",
            actor=admin,
            organisation_id=organisation.id,
            object_type="study",
            object_id=study.id,
            details={"study_id": study.id, "format": "csv", "free_text": False},
        )
    session.commit()
    login(client, admin.email)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get("/admin/audit?action=export.answers").get_data(as_text=True)
    assert "Exported the answers of study Impact study, CSV" in page
    assert "free-text answers included: no" in page
    assert "study_id" not in page
    assert "action=export.answers" in page.split("Older events")[0].rsplit("href=", 1)[-1]
    exported = client.get("/admin/audit.csv?action=export.answers")
    assert exported.mimetype == "text/csv"
    lines = exported.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "when_utc,who,action,what,object,details"
    assert len(lines) == 61
    members = client.get("/admin/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Travailleur·euse social·e" in members
    assert ">NORD<" in members or "NORD</td>" in members


def test_retention_settings_explained_saved_and_applied(client, session):
    from survey_app.models import Answer, Organisation
    from survey_app.models import Response as SurveyResponse
    from survey_app.services import questionnaire_store
    from survey_app.services.retention import REVOKED_PREFIX, apply_retention

    organisation, site, _other, study, _worker, made = _setup(session, people=2)
    admin = make_user(session, organisation, Role.ADMIN)
    version = questionnaire_store.install_builtin(session, organisation, "impact-baseline")
    text_key = next(
        q.key
        for q in __import__("questionnaires").load_definition(version.definition).questions
        if q.type in ("text_short", "text_long")
    )
    session.commit()
    login(client, admin.email)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "Never below 3" in page
    assert "the answer counts as left blank" in page
    refused = client.post(
        "/admin/settings",
        data={"name": "Org", "contact_retention_days": "90", "min_cell_size": "2"},
    )
    assert refused.status_code == 400
    saved = client.post(
        "/admin/settings",
        data={
            "name": "Org",
            "contact_retention_days": "90",
            "text_retention_days": "30",
            "token_retention_days": "7",
            "min_cell_size": "8",
        },
    )
    assert saved.status_code == 302
    session.expire_all()
    stored = session.get(Organisation, organisation.id)
    assert (stored.text_retention_days, stored.token_retention_days, stored.min_cell_size) == (
        30,
        7,
        8,
    )
    now = utcnow()
    old, _t = make_invitation(
        session, made[0], study.waves[0].id, completed_at=now - timedelta(days=40)
    )
    new, _t = make_invitation(
        session, made[1], study.waves[0].id, completed_at=now - timedelta(days=3)
    )
    for invitation, age in ((old, 40), (new, 3)):
        response = SurveyResponse(
            organisation_id=organisation.id,
            study_id=study.id,
            wave_id=study.waves[0].id,
            questionnaire_version_id=version.id,
            site_id=site.id,
            invitation_id=invitation.id,
            completed_at=now - timedelta(days=age),
            completed_on=(now - timedelta(days=age)).date(),
        )
        session.add(response)
        session.flush()
        session.add(Answer(response_id=response.id, question_key=text_key, value="Mme X m'a aidée"))
        session.add(Answer(response_id=response.id, question_key="listen_heard", value="4"))
    session.commit()
    report = apply_retention(session)
    purge = next(p for p in report.organisations if p.slug == organisation.slug)
    assert (purge.texts_blanked, purge.tokens_invalidated) == (1, 1)
    texts = session.scalars(
        select(Answer.value).where(Answer.question_key == text_key).order_by(Answer.value)
    ).all()
    assert sorted(texts, key=str) == sorted([None, "Mme X m'a aidée"], key=str)
    assert len(session.scalars(select(Answer).where(Answer.value == "4")).all()) == 2
    session.expire_all()
    assert session.get(Invitation, old.id).token_hash.startswith(REVOKED_PREFIX)
    assert not session.get(Invitation, new.id).token_hash.startswith(REVOKED_PREFIX)
    again = apply_retention(session)
    assert not next(p for p in again.organisations if p.slug == organisation.slug).anything


def test_open_link_poster_and_qr_downloads_keep_the_link(client, session, tmp_path):
    from survey_app.models import OpenLink

    organisation, site, _other, study, _worker, _made = _setup(session)
    manager = make_user(session, organisation, Role.QUALITY_MANAGER)
    session.commit()
    login(client, manager.email)
    created = client.post(
        "/studies/s/open-links",
        data={"site_id": str(site.id), "wave_id": str(study.waves[0].id)},
    )
    assert created.status_code == 200
    url = re.search(r'value="(http://localhost/o/[^"]+)"', created.get_data(as_text=True)).group(1)
    link = session.scalar(select(OpenLink))
    token_hash = link.token_hash
    poster = client.get(f"/studies/s/open-links/{link.id}/poster.pdf")
    assert poster.mimetype == "application/pdf"
    path = tmp_path / "poster.pdf"
    path.write_bytes(poster.data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "(A4)" in info.stdout
    assert "Pages:           1" in info.stdout
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    # pdftotext joins a link broken at a hyphen without that hyphen: compare without them.
    assert url.replace("-", "") in "".join(text.split()).replace("-", "")
    svg = client.get(f"/studies/s/open-links/{link.id}/qr.svg")
    assert svg.mimetype == "image/svg+xml"
    png = client.get(f"/studies/s/open-links/{link.id}/qr.png")
    assert png.data.startswith(b"\x89PNG")
    session.expire_all()
    assert session.get(OpenLink, link.id).token_hash == token_hash  # the posted link still works
    assert client.get(url.removeprefix("http://localhost")).status_code == 303  # to the survey
    prints = session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "study.open_link_print")
    ).all()
    assert [d["format"] for d in prints] == ["poster.pdf", "qr.svg", "qr.png"]
    assert client.get(f"/studies/s/open-links/{link.id}/other.txt").status_code == 404
