"""Hypothesis-driven HTTP clients against every route: no 500, no unhandled exception.

The test app re-raises any unhandled exception (``TESTING``), so an input
that crashes a view fails here with its traceback, and the shrunk example is
printed. The budget is fixed (``ECOUTE_FUZZ_EXAMPLES`` examples per client,
default 100, derandomised) so CI time is stable; a bigger exploratory run:

    ECOUTE_FUZZ_EXAMPLES=3000 ECOUTE_FUZZ_RANDOM=1 .venv/bin/pytest tests/fuzz -q

Each example picks a route from ``app.url_map`` (so new routes are fuzzed
without editing this file), fills its path with valid or hostile values,
picks a method, and sends hostile query strings, form fields, multipart
files, raw bodies with lying content types, and tampered cookies, as an
anonymous visitor, a respondent in the middle of a survey, or a signed-in
staff member of each role.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule

from survey_app.models import Role
from survey_app.services import invitations, questionnaire_store
from survey_app.services.studies import WavePlan, create_study
from tests.factories import login, make_beneficiary, make_organisation, make_site, make_user

EXAMPLES = int(os.environ.get("ECOUTE_FUZZ_EXAMPLES", "100"))
DERANDOMIZE = os.environ.get("ECOUTE_FUZZ_RANDOM", "") != "1"

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=DERANDOMIZE,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Field names the app's forms use, so fuzzed values reach the validators.
FIELD_NAMES = [
    "answer",
    "pna",
    "change",
    "submission_key",
    "revision",
    "csrf_token",
    "mode",
    "email",
    "password",
    "new_password",
    "code",
    "token",
    "lang",
    "next",
    "name",
    "title",
    "slug",
    "key",
    "label",
    "type",
    "status",
    "role",
    "site",
    "sites",
    "wave",
    "version",
    "channel",
    "direction",
    "reason",
    "confirm",
    "file",
    "definition",
    "languages",
    "choices",
]

HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "999999999999999999999",
            "1e309",
            "NaN",
            "_pna",
            "yes",
            "5",
            "10",
            "\x00",
            "../../etc/passwd",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "%00%ff",
            "é" * 300,
            "a" * 5000,
            "0123456789abcdef0123456789abcdef",
            "K7QM-4TZ2-9B",
            "//evil.example/",
            "javascript:alert(1)",
            "\ud7ff\ue000",
        ]
    ),
)

TAMPERED_SESSIONS = [
    "eyJyZXNwb25kX3Jlc3BvbnNlIjoiMCJ9.ZZZZZZ.forged-signature",
    ".eJyrVkrOz0vJTFGyUkpKLElVqgUAJBEFAQ.ZZZZZZ.AAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "null",
    "{}",
    "\x00",
]

RAW_CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=zz",
    'multipart/form-data; boundary="unterminated',
    "application/json",
    "text/plain",
    "application/octet-stream",
    "image/png",
    "text/html; charset=utf-7",
    "application/x-www-form-urlencoded; charset=latin-1",
]

MALFORMED_MULTIPART = [
    b'--zz\r\nContent-Disposition: form-data; name="answer"\r\n\r\n3',  # no closing boundary
    b"--zz\r\n\r\n--zz--\r\n",  # part without headers
    b"--zz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--zz--\r\n",  # part without a name
    b'--zz\r\nContent-Disposition: form-data; name="file"; filename="\x00.xlsx"\r\n'
    b"Content-Type: application/vnd.ms-excel\r\n\r\nPK\x03\x04garbage\r\n--zz--\r\n",
    b"--zz--\r\n",
    b"\xff\xfe\x00garbage",
    b'--zz\r\nContent-Disposition: form-data; name="' + b"n" * 5000 + b'"\r\n\r\nx\r\n--zz--\r\n',
]


PLACEHOLDER = re.compile(r"<(?:(\w+):)?\w+>")


class Actors:
    """The clients the fuzzer acts as, and the valid values it can put in paths."""

    def __init__(self, app: Flask, session: Any) -> None:
        organisation = make_organisation(session)
        site = make_site(session, organisation)
        version = questionnaire_store.install_builtin(session, organisation, "impact-baseline")
        study = create_study(
            session,
            organisation,
            slug="fuzz",
            title="Fuzz study",
            sites=[site],
            waves=[WavePlan("baseline", "baseline", 0, version)],
        )
        people = [make_beneficiary(session, organisation, site) for _ in range(3)]
        issued = [invitations.invite(session, person, study.waves[0]) for person in people]
        emails = {role: make_user(session, organisation, role).email for role in Role}
        session.commit()

        self.values: dict[str, list[Any]] = {
            "int": [
                site.id,
                study.id,
                study.waves[0].id,
                people[0].id,
                issued[0].invitation.id,
                version.number,
                0,
                -1,
                2**63,
            ],
            "str": [
                "fuzz",
                "impact-baseline",
                "baseline",
                "listen_heard",
                "recommend",
                "xlsform",
                "json",
                organisation.slug,
                issued[1].token,
                issued[1].short_code,
            ],
        }
        self.clients: dict[str, FlaskClient] = {"anonymous": app.test_client()}
        respondent = app.test_client()
        respondent.get(f"/s/{issued[0].token}", follow_redirects=True)
        self.clients["respondent"] = respondent
        for role, email in emails.items():
            client = app.test_client()
            assert login(client, email).status_code in (302, 303)
            self.clients[role.value] = client


@pytest.fixture
def actors(app: Flask, session: Any) -> Actors:
    return Actors(app, session)


def routes(app: Flask) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"),
        key=lambda rule: rule.rule,
    )


@st.composite
def requests_for(draw: st.DrawFn, app: Flask, actors: Actors) -> dict[str, Any]:
    rule = draw(st.sampled_from(routes(app)))
    segment = st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#"),
        min_size=1,
        max_size=80,
    )

    def fill(match: re.Match[str]) -> str:
        if match.group(1) == "int":
            number = st.one_of(st.sampled_from(actors.values["int"][:6]), st.integers(0, 2**31))
            return str(draw(number))
        return draw(st.one_of(st.sampled_from(actors.values["str"]), segment))

    path = PLACEHOLDER.sub(fill, rule.rule)
    allowed = sorted(rule.methods - {"HEAD", "OPTIONS"})
    method = draw(st.one_of(st.sampled_from(allowed), st.sampled_from(["PUT", "DELETE", "PATCH"])))
    request: dict[str, Any] = {
        "method": method,
        "path": path,
        "query_string": draw(
            st.dictionaries(st.sampled_from(FIELD_NAMES), HOSTILE_TEXT, max_size=3)
        ),
        "headers": {"Accept-Language": draw(st.sampled_from(["fr", "en", "de", "*", "xx-YY;q=x"]))},
    }
    if method != "GET":
        body_kind = draw(st.sampled_from(["form", "multipart", "raw", "malformed", "none"]))
        if body_kind == "form":
            request["data"] = draw(
                st.dictionaries(st.sampled_from(FIELD_NAMES), HOSTILE_TEXT, max_size=6)
            )
        elif body_kind == "multipart":
            fields: dict[str, Any] = draw(
                st.dictionaries(st.sampled_from(FIELD_NAMES), HOSTILE_TEXT, max_size=3)
            )
            from io import BytesIO

            fields["file"] = (
                BytesIO(draw(st.binary(max_size=2048))),
                draw(st.sampled_from(["q.xlsx", "q.json", "q.yaml", "", "..\\x.csv", "a" * 300])),
            )
            request["data"] = fields
            request["content_type"] = "multipart/form-data"
        elif body_kind == "raw":
            request["data"] = draw(st.binary(max_size=4096))
            request["content_type"] = draw(st.sampled_from(RAW_CONTENT_TYPES))
        elif body_kind == "malformed":
            request["data"] = draw(st.sampled_from(MALFORMED_MULTIPART))
            request["content_type"] = "multipart/form-data; boundary=zz"
    return request


def _fuzz(app: Flask, actors: Actors, who: str, data: st.DataObject) -> None:
    client = actors.clients[who]
    request = data.draw(requests_for(app, actors), label="request")
    if data.draw(st.booleans(), label="tamper cookie") and who == "anonymous":
        # Below the 4 kB a browser keeps: werkzeug's client warns about bigger ones.
        tampered = st.one_of(st.text(max_size=200), st.sampled_from(TAMPERED_SESSIONS))
        client.set_cookie("ecoute", data.draw(tampered.filter(lambda v: ";" not in v)))
    response = client.open(**request)
    assert response.status_code < 500, (request["method"], request["path"], response.status_code)


@pytest.mark.parametrize("who", ["anonymous", "respondent"])
@FUZZ_SETTINGS
@given(data=st.data())
def test_public_and_respondent_routes_never_fail(
    app: Flask, actors: Actors, who: str, data: st.DataObject
) -> None:
    _fuzz(app, actors, who, data)


@pytest.mark.parametrize("who", [role.value for role in Role])
@FUZZ_SETTINGS
@given(data=st.data())
def test_staff_routes_never_fail(app: Flask, actors: Actors, who: str, data: st.DataObject) -> None:
    _fuzz(app, actors, who, data)
