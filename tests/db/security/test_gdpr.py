"""Right of access and right to erasure, checked by SQL on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import MetaData, select, text

from survey_app.models import AuditEvent, Role
from survey_app.services import gdpr
from tests.security_factories import (
    build_world,
    make_beneficiary_with_contact,
    make_invitation,
    make_response,
    sign_in,
)

PRIVATE_COMMENT = "Mon voisin s'appelle Jean Secret-Dupont"
PRIVATE_EMAIL = "erase.me@private.example"


@pytest.fixture
def world(session):
    world = build_world(session, "gdpr")
    session.commit()
    return world


@pytest.fixture
def person(session, world):
    """A beneficiary with contact details, two responses and a free-text answer."""
    beneficiary = make_beneficiary_with_contact(
        session, world.organisation, world.site, email=PRIVATE_EMAIL, phone="+33 6 12 34 56 78"
    )
    baseline, _token, _short = make_invitation(session, beneficiary, world.wave, completed=True)
    make_response(session, baseline, {"listen_heard": "2", "comment": PRIVATE_COMMENT})
    follow, _token, _short = make_invitation(session, beneficiary, world.follow_up, completed=True)
    make_response(session, follow, {"listen_heard": "5", "comment": "=HYPERLINK(evil)"})
    session.commit()
    return beneficiary


def _client(app, session, world, role):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in(client, session, world.users[role], world.organisation.id)
    return client


def _dump_database(session) -> str:
    """Every row of every table as text: what a search of the database would find."""
    metadata = MetaData()
    metadata.reflect(bind=session.connection())
    chunks = []
    for table in metadata.sorted_tables:
        for row in session.execute(select(table)).all():
            chunks.append(" ".join(str(value) for value in row))
    return "\n".join(chunks)


def test_export_as_json_holds_everything(app, session, world, person):
    client = _client(app, session, world, Role.ADMIN)
    response = client.post(
        "/admin/data-requests/export", data={"code": person.code, "format": "json"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    export = json.loads(response.get_data(as_text=True))
    assert export["beneficiary"]["code"] == person.code
    assert export["contact"]["email"] == PRIVATE_EMAIL
    assert len(export["invitations"]) == 2
    answers = [a for r in export["responses"] for a in r["answers"]]
    comment = next(a for a in answers if a["value"] == PRIVATE_COMMENT)
    assert comment["question_key"] == "comment"
    heard = next(a for a in answers if a["question_key"] == "listen_heard")
    assert heard["question"]["fr"]  # the question's wording travels with the answer
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "beneficiary.access_export")
    ).one()
    assert PRIVATE_EMAIL not in str(event.details)


def test_export_as_csv_defuses_formulas(app, session, world, person):
    client = _client(app, session, world, Role.ADMIN)
    response = client.post(
        "/admin/data-requests/export", data={"code": person.code, "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == list(gdpr.CSV_COLUMNS)
    values = [row[3] for row in rows[1:]]
    assert PRIVATE_EMAIL in values
    assert PRIVATE_COMMENT in values
    assert "'=HYPERLINK(evil)" in values
    assert "=HYPERLINK(evil)" not in values


def test_social_worker_reaches_only_their_sites(app, session, world, person):
    worker = _client(app, session, world, Role.SOCIAL_WORKER)
    ok = worker.post("/admin/data-requests/export", data={"code": person.code, "format": "json"})
    assert ok.status_code == 200
    elsewhere = make_beneficiary_with_contact(
        session, world.organisation, world.other_site, email="x@y.example"
    )
    session.commit()
    refused = worker.post(
        "/admin/data-requests/export", data={"code": elsewhere.code, "format": "json"}
    )
    assert refused.status_code == 404
    assert (
        worker.post(
            "/admin/data-requests/erase", data={"code": person.code, "confirm": person.code}
        ).status_code
        == 403
    )


def test_other_organisation_gets_404(app, session, world, person):
    other = build_world(session, "gdpr-other")
    session.commit()
    for role in (Role.ADMIN, Role.SOCIAL_WORKER):
        client = _client(app, session, other, role)
        assert client.post("/admin/data-requests", data={"code": person.code}).status_code == 404
        assert (
            client.post(
                "/admin/data-requests/export", data={"code": person.code, "format": "json"}
            ).status_code
            == 404
        )
    admin = _client(app, session, other, Role.ADMIN)
    assert (
        admin.post(
            "/admin/data-requests/erase", data={"code": person.code, "confirm": person.code}
        ).status_code
        == 404
    )
    assert PRIVATE_EMAIL in _dump_database(session)


def test_erasure_leaves_no_trace(app, session, world, person):
    from survey_app.services.analysis_input import load_study_tables

    before = load_study_tables(session, world.study)
    response_ids = set(before.answers["response_id"])
    assert len(response_ids) == 3  # the world's response and this person's two
    beneficiary_id = person.id
    client = _client(app, session, world, Role.ADMIN)
    summary = client.post("/admin/data-requests", data={"code": person.code})
    assert summary.status_code == 200
    assert "Erase everything" in summary.get_data(as_text=True)
    refused = client.post(
        "/admin/data-requests/erase", data={"code": person.code, "confirm": "wrong"}
    )
    assert refused.status_code == 400
    assert PRIVATE_EMAIL in _dump_database(session)

    done = client.post(
        "/admin/data-requests/erase", data={"code": person.code, "confirm": person.code}
    )
    assert done.status_code == 302
    session.expire_all()
    connection = session.connection()
    for table, column in (
        ("beneficiary_contact", "beneficiary_id"),
        ("invitation", "beneficiary_id"),
        ("response", "beneficiary_id"),
        ("beneficiary", "id"),
    ):
        count = connection.execute(
            text(f"SELECT COUNT(*) FROM {table} WHERE {column} = :id"),
            {"id": beneficiary_id},
        ).scalar()
        assert count == 0, table
    dump = _dump_database(session)
    for secret in (PRIVATE_EMAIL, "+33 6 12 34 56 78", PRIVATE_COMMENT, "=HYPERLINK(evil)"):
        assert secret not in dump
    # The rest of the study is untouched.
    assert (
        connection.execute(
            text("SELECT COUNT(*) FROM answer WHERE response_id = :id"), {"id": world.response.id}
        ).scalar()
        == 2
    )
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "beneficiary.erase")
    ).one()
    assert event.details == {"contact": True, "responses": 2, "answers": 4, "invitations": 2}
    assert event.object_id == str(beneficiary_id)
    # Analyses made afterwards no longer see the erased responses.
    after = load_study_tables(session, world.study)
    assert set(after.answers["response_id"]) == {world.response.id}


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/admin/settings", {"name": "A\x00B", "contact_retention_days": "30"}),
        ("/admin/sites/new", {"code": "NUL", "name": "Site\x00", "address": "x"}),
        ("/admin/users/new", {"email": "a\x00@example.org", "role": "director"}),
        ("/admin/data-requests", {"code": "B\x00"}),
        ("/admin/audit?actor=%00", None),
    ],
)
def test_nul_characters_are_refused_not_crashing(app, session, world, path, data):
    """PostgreSQL refuses NUL in text: the forms must answer 400, never 500."""
    client = _client(app, session, world, Role.ADMIN)
    response = client.get(path) if data is None else client.post(path, data=data)
    assert response.status_code == 400


def test_nul_in_login_is_refused_not_crashing(app, session, world):
    response = app.test_client().post(
        "/auth/login", data={"email": "x\x00@example.org", "password": "whatever it is"}
    )
    assert response.status_code == 400  # the form is shown again, nothing looked up
