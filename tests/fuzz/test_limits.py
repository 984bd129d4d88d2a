"""Oversized and malformed requests get a 4xx and change nothing.

Bodies above ``MAX_CONTENT_LENGTH`` answer 413 (the app's own bilingual
page) whether they are forms, files or lie about their length; malformed
multipart bodies are a client error, never a 500. Slow clients are handled
outside the app (nginx buffering, gunicorn timeouts: docs/DEPLOYMENT.md).
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey_app.models import Answer, Role, SubmissionKey
from survey_app.services import invitations, questionnaire_store
from survey_app.services.studies import WavePlan, create_study
from tests.factories import login, make_beneficiary, make_organisation, make_site, make_user


@pytest.fixture
def respondent(app: Flask, session: Any) -> FlaskClient:
    """A client in the middle of a survey: consent given, on the first question."""
    organisation = make_organisation(session)
    site = make_site(session, organisation)
    version = questionnaire_store.install_builtin(session, organisation, "impact-baseline")
    study = create_study(
        session,
        organisation,
        slug="limits",
        title="Limits",
        sites=[site],
        waves=[WavePlan("baseline", "baseline", 0, version)],
    )
    issued = invitations.invite(
        session, make_beneficiary(session, organisation, site), study.waves[0]
    )
    session.commit()
    client = app.test_client()
    consent = client.get(f"/s/{issued.token}", follow_redirects=True)
    assert consent.request.path == "/s/start"
    started = client.post("/s/start", data=_guards(consent.get_data(as_text=True)))
    assert started.status_code == 303
    return client


def _guards(page: str) -> dict[str, str]:
    import re

    key = re.search(r'name="submission_key" type="hidden" value="([0-9a-f]{32})"', page)
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', page)
    if key is None or revision is None:  # attribute order differs between WTForms versions
        key = re.search(r'name="submission_key"[^>]*value="([0-9a-f]{32})"', page)
        revision = re.search(r'name="revision"[^>]*value="(\d+)"', page)
    assert key is not None, "the page carries its idempotency key"
    assert revision is not None, "the page carries its revision"
    return {"submission_key": key.group(1), "revision": revision.group(1)}


def _stored(session: Any) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(Answer)),
        session.scalar(select(func.count()).select_from(SubmissionKey)),
    )


def test_a_form_over_the_size_limit_is_refused_with_413_and_nothing_is_saved(
    app: Flask, session: Any, respondent: FlaskClient
) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    page = respondent.get("/s/q/listen_heard").get_data(as_text=True)
    fields = {**_guards(page), "answer": "4", "padding": "x" * limit}
    before = _stored(session)

    response = respondent.post("/s/q/listen_heard", data=fields, headers={"Accept-Language": "en"})

    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert _stored(session) == before


def test_the_413_page_is_in_french_too(app: Flask, client: FlaskClient) -> None:
    body = b"email=" + b"a" * app.config["MAX_CONTENT_LENGTH"]

    response = client.post(
        "/auth/login",
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers={"Accept-Language": "fr"},
    )

    assert response.status_code == 413
    assert "trop" in response.get_data(as_text=True).lower()


def test_a_file_over_the_size_limit_is_refused_with_413(
    app: Flask, client: FlaskClient, session: Any
) -> None:
    organisation = make_organisation(session)
    manager = make_user(session, organisation, Role.QUALITY_MANAGER)
    session.commit()
    login(client, manager.email)
    # The multipart body is built here as bytes: the test client would spool
    # a file this size to a temporary file it never closes.
    body = (
        b'--zz\r\nContent-Disposition: form-data; name="file"; filename="q.xlsx"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\nPK\x03\x04"
        + b"\0" * app.config["MAX_CONTENT_LENGTH"]
        + b"\r\n--zz--\r\n"
    )

    response = client.post(
        "/design/import", data=body, content_type="multipart/form-data; boundary=zz"
    )

    assert response.status_code == 413


def test_a_body_announcing_a_huge_length_is_refused_before_it_is_read(
    client: FlaskClient,
) -> None:
    response = client.post(
        "/auth/login",
        data=b"email=a",
        content_type="application/x-www-form-urlencoded",
        environ_overrides={"CONTENT_LENGTH": str(10**12)},
    )

    assert response.status_code == 413


def test_thousands_of_form_parts_are_refused(respondent: FlaskClient) -> None:
    boundary = "zz"
    parts = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="f{n}"\r\n\r\nx\r\n'.encode()
        for n in range(5000)
    )

    response = respondent.post(
        "/s/q/listen_heard",
        data=parts + f"--{boundary}--\r\n".encode(),
        content_type=f"multipart/form-data; boundary={boundary}",
    )

    assert response.status_code == 413


MALFORMED = {
    "no closing boundary": b'--zz\r\nContent-Disposition: form-data; name="answer"\r\n\r\n4',
    "no headers": b"--zz\r\n\r\n--zz--\r\n",
    "no name": b"--zz\r\nContent-Disposition: form-data\r\n\r\n4\r\n--zz--\r\n",
    "binary garbage": b"\xff\xfe\x00\x01garbage",
    "only the end": b"--zz--\r\n",
    "wrong boundary": (
        b'--yy\r\nContent-Disposition: form-data; name="answer"\r\n\r\n4\r\n--yy--\r\n'
    ),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data; boundary=zz", "multipart/form-data", "multipart/form-data; boundary="],
)
def test_malformed_multipart_is_a_client_error_and_saves_nothing(
    session: Any, respondent: FlaskClient, body: bytes, content_type: str
) -> None:
    before = _stored(session)

    response = respondent.post("/s/q/listen_heard", data=body, content_type=content_type)

    assert 400 <= response.status_code < 500
    assert _stored(session) == before
