"""The API flow an outside client runs: beneficiaries in, invitations out, results back."""

from __future__ import annotations

import json
from datetime import date

import pytest

from survey_app.models import AuditEvent, Organisation, Study
from survey_app.models.api import API_SCOPES
from survey_app.services import api_keys
from tests.core_factories import make_small_study

PROBLEM = "application/problem+json"


def key_for(session, organisation, scopes=API_SCOPES, label="CRM"):
    issued = api_keys.create_key(
        session, organisation, label=label, scopes=list(scopes), valid_days=30
    )
    session.commit()
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.fixture
def world(session):
    setup = make_small_study(session)
    session.commit()
    return setup


def items(n, site="north"):
    return [
        {"reference": f"CASE-{i:04d}", "site": site, "support_started_on": "2026-01-05"}
        for i in range(n)
    ]


def test_thousand_beneficiaries_enrolled_and_invited(client, session, world):
    headers = key_for(session, world.organisation)
    created = client.post("/api/v1/beneficiaries", json={"items": items(1000)}, headers=headers)
    assert created.status_code == 200, created.json
    assert created.json["created"] == 1000
    assert created.json["updated"] == 0
    # Idempotent on the reference: the same call again updates, creates nothing.
    again = items(1000, site="south")
    repeated = client.post("/api/v1/beneficiaries", json={"items": again}, headers=headers)
    assert repeated.json["created"] == 0
    assert repeated.json["updated"] == 1000
    assert {row["site"] for row in repeated.json["items"]} == {"south"}

    seen, cursor = [], ""
    while cursor is not None:
        page = client.get(f"/api/v1/beneficiaries?limit=300&cursor={cursor}", headers=headers)
        assert page.status_code == 200
        seen += [row["reference"] for row in page.json["items"]]
        cursor = page.json["next_cursor"]
    assert len(seen) == len(set(seen)) == 1000

    references = [f"CASE-{i:04d}" for i in range(1000)]
    enrolled = client.post(
        f"/api/v1/studies/{world.study.slug}/enrolments",
        json={"references": references},
        headers=headers,
    )
    assert enrolled.status_code == 200, enrolled.json
    rows = enrolled.json["items"]
    assert all(row["link"] and "/s/" in row["link"] and row["card_code"] for row in rows)
    # Enrolling again shows the invitations, never their secrets a second time.
    twice = client.post(
        f"/api/v1/studies/{world.study.slug}/enrolments",
        json={"references": references[:3]},
        headers=headers,
    )
    assert [row["link"] for row in twice.json["items"]] == [None, None, None]

    reissued = client.post(f"/api/v1/invitations/{rows[0]['id']}/reissue", headers=headers)
    assert reissued.status_code == 200
    assert reissued.json["link"] != rows[0]["link"]
    survey = client.get(reissued.json["link"].replace("http://localhost", ""))
    assert survey.status_code in (200, 302, 303)
    assert client.get(rows[0]["link"].replace("http://localhost", "")).status_code >= 400

    status = client.get(
        f"/api/v1/studies/{world.study.slug}/invitations?wave=baseline&limit=1000", headers=headers
    )
    assert status.status_code == 200
    assert len(status.json["items"]) == 1000
    assert sum(status.json["counts"]["baseline"].values()) == 1000

    uses = session.query(AuditEvent).filter_by(action="api.request").all()
    assert uses
    assert all(event.actor_label == "API key: CRM" for event in uses)


def test_bulk_is_all_or_nothing_with_every_item_error(client, session, world):
    headers = key_for(session, world.organisation)
    body = items(5)
    body[1]["site"] = "nowhere"
    body[3]["reference"] = "bad reference!"
    body[4]["support_started_on"] = "2999-01-01"
    response = client.post("/api/v1/beneficiaries", json={"items": body}, headers=headers)
    assert response.status_code == 400
    assert response.mimetype == PROBLEM
    fields = {error["field"] for error in response.json["errors"]}
    assert fields == {"/items/1/site", "/items/3/reference", "/items/4/support_started_on"}
    listed = client.get("/api/v1/beneficiaries", headers=headers)
    assert listed.json["items"] == []
    too_many = client.post("/api/v1/beneficiaries", json={"items": items(1001)}, headers=headers)
    assert too_many.status_code == 400
    assert too_many.json["errors"][0]["field"] == "/items"


def test_keys_are_checked(client, session, world):
    assert client.get("/api/v1/studies").status_code == 401
    wrong = client.get("/api/v1/studies", headers={"Authorization": "Bearer ek_nope"})
    assert wrong.status_code == 401
    assert wrong.mimetype == PROBLEM
    reader = key_for(session, world.organisation, scopes=["results:read"])
    assert client.get("/api/v1/studies", headers=reader).status_code == 200
    refused = client.post("/api/v1/beneficiaries", json={"items": items(1)}, headers=reader)
    assert refused.status_code == 403
    assert refused.json["status"] == 403
    key = session.query(api_keys.ApiKey).filter_by(scopes="results:read").one()
    api_keys.revoke_key(session, world.organisation.id, key.id)
    session.commit()
    assert client.get("/api/v1/studies", headers=reader).status_code == 401


def test_rate_limited(client, session, world, monkeypatch):
    monkeypatch.setattr(api_keys, "REQUESTS_PER_KEY", api_keys.ratelimit.Window(3, 60))
    headers = key_for(session, world.organisation)
    statuses = [client.get("/api/v1/studies", headers=headers).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    last = client.get("/api/v1/studies", headers=headers)
    assert last.headers["Retry-After"] == "60"
    assert last.mimetype == PROBLEM


def test_another_organisations_objects_are_not_found(client, session, world):
    own = key_for(session, world.organisation)
    client.post("/api/v1/beneficiaries", json={"items": items(2)}, headers=own)
    enrolled = client.post(
        f"/api/v1/studies/{world.study.slug}/enrolments",
        json={"references": ["CASE-0000"]},
        headers=own,
    ).json["items"][0]
    other = make_small_study(session, slug="other")
    stranger = key_for(session, other.organisation, label="Other CRM")
    slug = world.study.slug
    for method, url, body in [
        ("GET", "/api/v1/beneficiaries/CASE-0000", None),
        ("GET", f"/api/v1/studies/{slug}/invitations", None),
        ("GET", f"/api/v1/studies/{slug}/indicators", None),
        ("GET", f"/api/v1/studies/{slug}/answers", None),
        ("POST", f"/api/v1/studies/{slug}/enrolments", {"references": ["CASE-0001"]}),
        ("POST", f"/api/v1/invitations/{enrolled['id']}/reissue", None),
    ]:
        response = client.open(url, method=method, json=body, headers=stranger)
        assert response.status_code == 404, (url, response.json)
        assert response.mimetype == PROBLEM
    listed = client.get("/api/v1/beneficiaries", headers=stranger)
    assert listed.json["items"] == []
    # Their bulk write with the same references creates their own, separate people.
    theirs = client.post("/api/v1/beneficiaries", json={"items": items(1)}, headers=stranger)
    assert theirs.json["created"] == 1


HOSTILE = [
    b"",
    b"null",
    b"[]",
    b"{}",
    b'{"items": null}',
    b'{"items": "x"}',
    b'{"items": [null]}',
    b'{"items": [{"reference": 5, "site": [], "support_started_on": "yesterday"}]}',
    b'{"items": [{"reference": "'
    + b"A" * 5000
    + b'", "site": "north", "support_started_on": "2026-01-01"}]}',
    b'{"references": {"$ne": 1}}',
    b"{not json",
    b"\xff\xfe",
    b'{"items": [' + b"1," * 2000 + b"1]}",
]


@pytest.mark.parametrize("body", HOSTILE)
@pytest.mark.parametrize("path", ["/api/v1/beneficiaries", "/api/v1/studies/impact/enrolments"])
def test_hostile_bodies_get_problem_details(client, session, world, body, path):
    headers = key_for(session, world.organisation)
    response = client.post(path, data=body, headers={**headers, "Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, response.data[:300]
    assert response.mimetype == PROBLEM
    problem = json.loads(response.data)
    assert problem["status"] == response.status_code
    assert problem["title"]
    assert problem["detail"]


def test_bad_query_parameters(client, session, world):
    headers = key_for(session, world.organisation)
    for url in [
        "/api/v1/beneficiaries?limit=0",
        "/api/v1/beneficiaries?limit=abc",
        "/api/v1/beneficiaries?cursor=xyz",
        "/api/v1/studies/impact/answers?cursor=../../etc",
        "/api/v1/studies/impact/indicators?from=2026-13-01",
        "/api/v1/studies/impact/indicators?from=2026-02-01&to=2026-01-01",
    ]:
        response = client.get(url, headers=headers)
        assert response.status_code == 400, url
        assert response.json["errors"], url


def test_indicators_and_answers_equal_the_command(app, client, session, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    organisation = session.query(Study).filter_by(slug="demo").one().organisation_id
    headers = key_for(session, session.get(Organisation, organisation))
    expected = json.loads(runner.invoke(args=["indicators", "demo", "--json"]).stdout)
    served = client.get("/api/v1/studies/demo/indicators", headers=headers)
    assert served.status_code == 200
    assert served.json == expected
    north = json.loads(
        runner.invoke(args=["indicators", "demo", "--site", "nord", "--json"]).stdout
    )
    assert client.get("/api/v1/studies/demo/indicators?site=nord", headers=headers).json == north

    rows, cursor = [], ""
    while cursor is not None:
        page = client.get(
            f"/api/v1/studies/demo/answers?limit=200&cursor={cursor}", headers=headers
        )
        assert page.status_code == 200
        rows += page.json["items"]
        cursor = page.json["next_cursor"]
    assert len({row["response_id"] for row in rows}) == len(rows) == expected["n_responses"]
    assert all(set(row) >= {"beneficiary_code", "wave", "answers"} for row in rows)


def test_openapi_document_is_valid_and_readable(client):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    spec = document.json
    assert spec["openapi"].startswith("3.1")
    validate(spec)
    assert "/api/v1/studies/{slug}/indicators" in spec["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert b"/api/v1/studies/{slug}/enrolments" in page.data
    assert b"<script" not in page.data
    assert b"Authorization: Bearer &lt;key&gt;" in page.data
    assert b'href="#schema-BeneficiaryBatch"' in page.data


def test_dates_are_iso(client, session, world):
    headers = key_for(session, world.organisation)
    row = client.post("/api/v1/beneficiaries", json={"items": items(1)}, headers=headers).json
    assert row["items"][0]["support_started_on"] == date(2026, 1, 5).isoformat()


def test_a_concurrent_duplicate_is_a_conflict_not_a_crash(client, session, world, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from survey_app.services import api_records

    def racing(*args, **kwargs):
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    headers = key_for(session, world.organisation)
    monkeypatch.setattr(api_records, "upsert_beneficiaries", racing)
    response = client.post("/api/v1/beneficiaries", json={"items": items(1)}, headers=headers)
    assert response.status_code == 409
    assert response.mimetype == PROBLEM


def test_unknown_api_address_is_a_problem(client):
    response = client.get("/api/v1/no/such/thing")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_too_large_and_not_json(client, session, world):
    headers = key_for(session, world.organisation)
    huge = b'{"items": [' + b'{"reference": "x"},' * 400_000 + b"{}]}"
    too_large = client.post(
        "/api/v1/beneficiaries", data=huge, headers={**headers, "Content-Type": "application/json"}
    )
    assert too_large.status_code == 413
    assert too_large.mimetype == PROBLEM
    form = client.post("/api/v1/beneficiaries", data={"items": "x"}, headers=headers)
    assert form.status_code == 415
    assert form.mimetype == PROBLEM


def test_out_of_range_identifier_is_not_found(client, session, world):
    headers = key_for(session, world.organisation)
    response = client.post("/api/v1/invitations/99999999999999999999/reissue", headers=headers)
    assert response.status_code == 404
    assert response.mimetype == PROBLEM
