"""Staff pages name waves ("Follow-up 1"), never by their key ``followup1`` (issue 15)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey_app.models import OpenLink, Role
from survey_app.services import audit
from tests.factories import login, make_beneficiary, make_organisation, make_site, make_user
from tests.studies_factories import make_invitation, make_study

KEY = re.compile(r">\s*followup1\s*<|: followup1\b|\(followup1,|/followup1\b")


@pytest.fixture
def world(session):
    organisation = make_organisation(session)
    site = make_site(session, organisation, "NORD")
    study = make_study(session, organisation, [site], slug="s")
    person = make_beneficiary(session, organisation, site, "P-0001")
    invitation, _token = make_invitation(session, person, study.waves[1].id)
    session.commit()
    return organisation, site, study, invitation


def _page(client, url: str, lang: str = "en") -> str:
    response = client.get(url, headers={"Accept-Language": lang})
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_study_pages_and_open_links_name_the_waves(client, session, world):
    organisation, site, study, _invitation = world
    manager = make_user(session, organisation, Role.QUALITY_MANAGER)
    session.commit()
    login(client, manager.email)
    detail = _page(client, "/studies/s")
    assert "Follow-up 1" in detail
    assert not KEY.search(detail), KEY.search(detail)
    assert re.search(r'<option value="\d+">Follow-up 1</option>', detail)  # open-link wave
    edit = _page(client, "/studies/s/edit")
    assert "Follow-up 1: days after the first invitation" in edit
    assert "Suivi 1 : nombre de jours après la première invitation" in _page(
        client, "/studies/s/edit", "fr"
    )
    created = client.post(
        "/studies/s/open-links",
        data={"site_id": str(site.id), "wave_id": str(study.waves[1].id)},
        headers={"Accept-Language": "en"},
    ).get_data(as_text=True)
    assert "<dd>Follow-up 1</dd>" in created
    assert session.scalar(select(OpenLink)) is not None
    detail = _page(client, "/studies/s")
    assert not KEY.search(detail)
    questionnaire = study.waves[1].questionnaire_version.questionnaire
    usage = _page(client, f"/design/{questionnaire.key}/")
    assert "Impact study — Follow-up 1" in usage
    assert "s/followup1" not in usage


def test_assisted_mode_page_names_the_wave(client, session, world):
    organisation, _site, _study, invitation = world
    worker = make_user(session, organisation, Role.SOCIAL_WORKER)
    session.commit()
    login(client, worker.email)
    page = _page(client, f"/s/assist/{invitation.id}")
    assert "wave: Follow-up 1" in page
    assert "followup1" not in page
    assert "vague : Suivi 1" in _page(client, f"/s/assist/{invitation.id}", "fr")


def test_audit_log_names_the_waves(client, session, world):
    organisation, _site, study, invitation = world
    admin = make_user(session, organisation, Role.ADMIN)
    audit.record(
        session,
        "invitation.create",
        actor=admin,
        organisation_id=organisation.id,
        object_type="invitation",
        object_id=invitation.id,
        details={"study": study.slug, "wave": "followup1"},
    )
    session.commit()
    login(client, admin.email)
    page = _page(client, "/admin/audit?action=invitation.create")
    assert "Created an invitation (Follow-up 1, study Impact study)" in page
    exported = client.get(
        "/admin/audit.csv?action=invitation.create", headers={"Accept-Language": "en"}
    ).data.decode("utf-8-sig")
    assert "Follow-up 1" in exported
    assert "followup1" not in exported


def test_audit_filter_menu_names_every_action_in_whole_french_words(client, session, world):
    organisation, _site, study, _invitation = world
    admin = make_user(session, organisation, Role.ADMIN)
    for action, details in (
        ("beneficiary.import", {"count": 3, "source": "web"}),
        ("export.answers", {"study_id": study.id, "format": "csv"}),
        ("open_answers.suggested", {"study": study.slug, "themes": 4, "answers": 20}),
        ("export.indicators", {"study_id": study.id, "breakdown_wave": "followup1"}),
    ):
        audit.record(
            session,
            action,
            actor=admin,
            organisation_id=organisation.id,
            object_type="study",
            object_id=study.slug,
            details=details,
        )
    session.commit()
    login(client, admin.email)
    page = _page(client, "/admin/audit", "fr")
    menu = re.search(r'<select[^>]*id="action".*?</select>', page, re.S).group(0)
    assert ">A importé des personnes accompagnées depuis un fichier<" in menu
    assert ">A exporté les réponses d’une étude<" in menu
    assert ">A suggéré des thèmes pour les réponses libres<" in menu
    assert "open_answers." not in menu.replace('value="open_answers.suggested"', "")
    assert "A suggéré 4 thèmes pour les réponses libres de l’étude Impact study" in page
    assert "<td>étude Impact study</td>" in page  # the object in words, not "study s"
    assert re.search(r"<td>\d{1,2} [a-zéû]+\.? 20\d\d, \d\d:\d\d</td>", page)  # month by name
    assert "vague où les sites sont comparés: Suivi 1" in page


def test_import_with_thousands_of_problems_says_first_where_they_are(client, session, world):
    import io

    organisation, _site, _study, _invitation = world
    worker = make_user(session, organisation, Role.SOCIAL_WORKER)
    session.commit()
    login(client, worker.email)
    rows = ["reference,site,start_date"] + [f"R-{i:04d},NOWHERE,2026-01-05" for i in range(30)]
    page = client.post(
        "/studies/beneficiaries/import",
        data={"file": (io.BytesIO("\n".join(rows).encode()), "people.csv")},
        content_type="multipart/form-data",
        headers={"Accept-Language": "fr"},
    ).get_data(as_text=True)
    assert "Problèmes par colonne : site (30)." in page
    assert page.count("<tr><td>") == 30  # and every problem is still listed
