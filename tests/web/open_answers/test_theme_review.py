"""Theme review (issue 17): the model suggests, a quality manager decides, all recorded."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey_app.models import AuditEvent, OpenAnswerAssignment, OpenAnswerTheme, Role
from survey_app.services import open_answers
from tests.factories import login, make_organisation, make_site, make_user
from tests.open_answers_factories import THEMED_FR, make_open_answer_study


def _study(session, extra_texts=()):
    organisation = make_organisation(session)
    site_a, site_b = make_site(session, organisation), make_site(session, organisation)
    texts = [t for group in THEMED_FR.values() for t in group] * 2
    answers = [
        (site_a if i % 2 else site_b, "self" if i % 3 else "assisted", "fr", text)
        for i, text in enumerate(texts)
    ]
    answers += [(site_a, "self", "fr", text) for text in extra_texts]
    study = make_open_answer_study(session, organisation, [site_a, site_b], answers)
    manager = make_user(session, organisation, Role.QUALITY_MANAGER)
    return organisation, study, manager


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_suggestions_are_said_to_be_from_a_model_and_show_deidentified_text(client, session):
    _organisation, study, manager = _study(
        session, extra_texts=["Merci à Karim, appelez-moi au 06 12 34 56 78."]
    )
    session.commit()
    open_answers.suggest(session, study, manager)
    session.commit()
    login(client, manager.email)
    page = client.get(f"/studies/{study.slug}/open-answers").get_data(as_text=True)
    # The manager reads French (the default): the model is named and said to be fallible.
    assert "modèle statistique" in page
    assert "peuvent être faux" in page
    themes = open_answers.themes_of(session, study)
    assert themes
    assert all(t.status == "suggested" for t in themes)
    pages = "".join(
        client.get(f"/studies/{study.slug}/open-answers/themes/{t.id}").get_data(as_text=True)
        for t in themes
    ) + client.get(f"/studies/{study.slug}/open-answers/unthemed").get_data(as_text=True)
    assert "06 12 34 56 78" not in pages
    assert "Karim" not in pages


def test_rename_validate_merge_split_and_exclude_are_recorded(client, session):
    organisation, study, manager = _study(session)
    session.commit()
    open_answers.suggest(session, study, manager)
    session.commit()
    login(client, manager.email)
    first, second = open_answers.themes_of(session, study)[:2]
    page = client.get(f"/studies/{study.slug}/open-answers/themes/{first.id}").get_data(
        as_text=True
    )
    token = _csrf(page)
    base = f"/studies/{study.slug}/open-answers/themes/{first.id}"
    assert (
        client.post(base + "/rename", data={"csrf_token": token, "label": "Logement"}).status_code
        == 302
    )
    assert (
        client.post(
            base + "/decide", data={"csrf_token": token, "decision": "validated"}
        ).status_code
        == 302
    )
    session.expire_all()
    theme = session.get(OpenAnswerTheme, first.id)
    assert (theme.label, theme.status, theme.decided_by_id) == ("Logement", "validated", manager.id)
    assert theme.decided_at is not None
    # split: two answers of the first theme into a new theme
    keys = re.findall(r'name="answers" value="([^"]+)"', page)[:2]
    response = client.post(
        f"/studies/{study.slug}/open-answers/answers?theme={first.id}",
        data={
            "csrf_token": token,
            "answers": keys,
            "action": "move",
            "target": "0",
            "new_label": "Humidité",
        },
    )
    assert response.status_code == 302
    new = session.scalar(select(OpenAnswerTheme).where(OpenAnswerTheme.label == "Humidité"))
    assert new is not None
    assert new.origin == "person"
    moved = session.scalars(
        select(OpenAnswerAssignment).where(OpenAnswerAssignment.theme_id == new.id)
    ).all()
    assert {f"{a.response_id}:{a.question_key}" for a in moved} == set(keys)
    assert all(a.assigned_by_id == manager.id for a in moved)
    # exclude one answer from quotes
    client.post(
        f"/studies/{study.slug}/open-answers/answers?theme={first.id}",
        data={"csrf_token": token, "answers": keys[:1], "action": "exclude", "target": "0"},
    )
    assert not {a.key: a for a in open_answers.load_answers(session, study)}[keys[0]].quotable
    # merge the second theme into the first
    client.post(
        f"/studies/{study.slug}/open-answers/themes/{second.id}/merge",
        data={"csrf_token": token, "target": str(first.id)},
    )
    assert session.get(OpenAnswerTheme, second.id) is None
    actions = set(
        session.scalars(
            select(AuditEvent.action).where(AuditEvent.organisation_id == organisation.id)
        )
    )
    assert {
        "open_answers.suggested",
        "open_answers.renamed",
        "open_answers.validated",
        "open_answers.created",
        "open_answers.answers_moved",
        "open_answers.quotes_excluded",
        "open_answers.merged",
    } <= actions


def test_a_director_cannot_review(client, session):
    organisation, study, _manager = _study(session)
    director = make_user(session, organisation, Role.DIRECTOR)
    session.commit()
    login(client, director.email)
    assert client.get(f"/studies/{study.slug}/open-answers").status_code == 403


def test_another_organisations_manager_gets_404(client, session):
    _organisation, study, _manager = _study(session)
    other_manager = make_user(session, make_organisation(session), Role.QUALITY_MANAGER)
    session.commit()
    login(client, other_manager.email)
    assert client.get(f"/studies/{study.slug}/open-answers").status_code == 404
