"""Regression tests for the outside security review (issue 13): HTTP-visible findings.

Each test names the finding it covers; each failed before its fix.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select

from survey_app.models import RateLimitCounter
from survey_app.security.redirects import safe_next
from survey_app.services.ratelimit import SURVEY_TOKEN_MISSES
from tests.conftest import make_test_app, migrate_to_head
from tests.factories import TEST_PASSWORD, make_organisation, make_user
from tests.respond_factories import make_invitation, make_survey_study
from tests.web.respond.helpers import (
    answer,
    answer_up_to_comment,
    finish_survey,
    guards,
    open_survey,
)

# --- 1. reset links never use the request's Host ----------------------------------------


def test_mail_on_without_public_base_url_refuses_to_start(tmp_path):
    from survey_app.config import ConfigurationError

    with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL"):
        make_test_app(
            f"sqlite:///{tmp_path / 'x.sqlite3'}",
            MAIL_SERVER="smtp.example.org",
            MAIL_SENDER="ecoute@example.org",
            PUBLIC_BASE_URL="",
        )


def test_trusted_hosts_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "ecoute.example.org, .ecoute.example.org")
    app = make_test_app(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert app.config["TRUSTED_HOSTS"] == ["ecoute.example.org", ".ecoute.example.org"]
    reply = app.test_client().get("/health", headers={"Host": "evil.example"})
    assert reply.status_code == 400


def test_readme_default_of_public_base_url_agrees_with_config(tmp_path, monkeypatch):
    from pathlib import Path

    from survey_app.config import build_config

    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    assert build_config(tmp_path, {"SECRET_KEY": "x"})["PUBLIC_BASE_URL"] == ""
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `PUBLIC_BASE_URL`"))
    assert "127.0.0.1" not in row
    assert "none" in row.lower()


# --- 2. answers never reach the logs when a write fails ---------------------------------

ANSWER_TEXT = "my-private-answer-4f1c"


def test_failing_write_logs_no_answer_text(tmp_path, caplog, capfd):
    app = make_test_app(f"sqlite:///{tmp_path / 'log.sqlite3'}", RENDER_500_IN_TESTS=True)
    migrate_to_head(app)
    from survey_app.extensions import db

    with app.app_context():
        assert db.engine.hide_parameters
        setup = make_survey_study(db.session)
        link = make_invitation(db.session, setup)
        db.session.commit()

        def _break_answer_insert(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("INSERT INTO ANSWER"):
                return statement + " BROKEN", parameters
            return statement, parameters

        event.listen(db.engine, "before_cursor_execute", _break_answer_insert, retval=True)
        app.logger.addHandler(caplog.handler)
        caplog.set_level(logging.DEBUG)
        try:
            client = app.test_client()
            open_survey(client, link.token)
            answer_up_to_comment(client)
            reply = answer(client, "comment", ANSWER_TEXT)
        finally:
            event.remove(db.engine, "before_cursor_execute", _break_answer_insert)
            app.logger.removeHandler(caplog.handler)
            db.session.remove()
    assert reply.status_code == 500
    logged = [r for r in caplog.records if r.exc_info]
    assert logged, "the failure was not logged at all"
    out, err = capfd.readouterr()
    json_lines = [json.loads(line) for line in (out + err).splitlines() if line.startswith("{")]
    assert any("exception" in line for line in json_lines)
    for line in json_lines:
        assert ANSWER_TEXT not in json.dumps(line)
    for record in caplog.records:
        assert ANSWER_TEXT not in caplog.handler.format(record)
    assert ANSWER_TEXT not in caplog.text


# --- 4. redirects stay on the site ----------------------------------------------------

HOSTILE_NEXT = [
    "/\t/evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "/\n/evil.example",
    "/\r\nSet-Cookie: x=1",
    " //evil.example",
    "/ /evil.example",
    "/\x00/evil.example",
    "/\u3000/evil.example",
    "//\tevil.example",
    "///evil.example",
    "",
    "evil.example",
]


def _browser_target(location: str) -> str:
    """What a browser makes of a Location: tabs and new lines dropped, ``\\`` read as ``/``."""
    return "".join(ch for ch in location if ch not in "\t\n\r").replace("\\", "/").strip()


def _stays_on_site(location: str) -> bool:
    parts = urlsplit(_browser_target(location))
    return not parts.scheme and not parts.netloc


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_safe_next_refuses_every_way_off_the_site(target):
    assert safe_next(target, "/fallback") == "/fallback"


@given(st.text(max_size=40))
@settings(max_examples=400, deadline=None)
def test_safe_next_never_leaves_the_site(target):
    chosen = safe_next(target, "/fallback")
    assert chosen in (target, "/fallback")
    assert _stays_on_site(chosen)
    assert all(ch.isprintable() and not ch.isspace() for ch in chosen)


@given(st.sampled_from(["/", "//", "/\t/", "/\\", "\\", "/%09/"]), st.text(max_size=20))
@settings(max_examples=200, deadline=None)
def test_safe_next_with_hostile_prefixes(prefix, rest):
    assert _stays_on_site(safe_next(prefix + "evil.example/" + rest, "/fallback"))


def test_safe_next_keeps_ordinary_paths():
    assert safe_next("/studies/impact?tab=waves", "/x") == "/studies/impact?tab=waves"
    assert safe_next("/s/q/heard?change=1", "/x") == "/s/q/heard?change=1"


@pytest.fixture
def member(session):
    organisation = make_organisation(session)
    user = make_user(session, organisation)
    session.commit()
    return user


@pytest.mark.parametrize("target", ["/%09/evil.example/", "/%0a/evil.example", "%2F%2Fevil"])
def test_login_redirect_stays_on_the_site(client, member, target):
    reply = client.post(
        f"/auth/login?next={target}", data={"email": member.email, "password": TEST_PASSWORD}
    )
    assert reply.status_code == 302
    assert _stays_on_site(reply.headers["Location"])


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_language_switch_stays_on_the_site(client, target):
    reply = client.post("/language", data={"lang": "en", "next": target})
    assert reply.status_code == 302
    assert _stays_on_site(reply.headers["Location"])


def test_newline_in_next_is_no_500(client, member):
    reply = client.post(
        "/auth/login?next=/a%0d%0aLocation:%20https://evil.example",
        data={"email": member.email, "password": TEST_PASSWORD},
    )
    assert reply.status_code == 302
    assert reply.headers["Location"] == "/studies/start"  # the landing page of the role


# --- 8. only misses are rate limited -------------------------------------------------


@pytest.fixture
def survey_setup(session):
    return make_survey_study(session)


def test_valid_link_works_after_25_bad_tokens_from_the_same_address(app, session, survey_setup):
    link = make_invitation(session, survey_setup)
    session.commit()
    client = app.test_client()
    statuses = [client.get(f"/s/bad-token-{n:04d}").status_code for n in range(25)]
    assert statuses[: SURVEY_TOKEN_MISSES.limit] == [404] * SURVEY_TOKEN_MISSES.limit
    assert statuses[-1] == 429  # misses are still limited...
    assert client.get(f"/s/{link.token}").status_code == 303  # ...never a valid link


def test_valid_card_code_works_after_25_bad_codes(app, session, survey_setup):
    link = make_invitation(session, survey_setup)
    session.commit()
    client = app.test_client()
    for number in range(25):
        client.post("/code", data={"code": f"K7QM-4TZ2-{number:02d}"[:12]})
    reply = client.post("/code", data={"code": link.short_code})
    assert reply.status_code == 303
    assert reply.headers["Location"].endswith("/s/")


# --- 10. a mistyped card code is not a dead end ------------------------------------------


def test_wrong_code_stays_on_the_code_page_with_an_inline_error(app, session, survey_setup):
    session.commit()
    client = app.test_client()
    reply = client.post("/code", data={"code": "k7qm 4tz2 9b"}, headers={"Accept-Language": "en"})
    assert reply.status_code == 400
    html = reply.get_data(as_text=True)
    message = "We do not recognise this code: check the letters and numbers"
    assert html.count(message) == 2  # error summary and inline message
    assert "error-summary" in html
    assert 'href="#code"' in html
    assert 'id="code-error"' in html
    assert 'value="k7qm 4tz2 9b"' in html
    assert 'action="/code"' in html
    counted = session.scalars(select(RateLimitCounter.count)).all()
    assert counted == [1]


def test_wrong_code_message_in_french(client):
    reply = client.post("/code", data={"code": "K7QM-4TZ2-9B"}, headers={"Accept-Language": "fr"})
    html = reply.get_data(as_text=True)
    assert "Nous ne reconnaissons pas ce code : vérifiez les lettres et les chiffres" in html


def test_used_and_unknown_codes_look_alike_on_the_code_page(app, session, survey_setup):
    used = make_invitation(session, survey_setup)
    session.commit()
    first = app.test_client()
    first.post("/code", data={"code": used.short_code})
    consent = first.get("/s/start")
    first.post("/s/start", data=guards(consent.get_data(as_text=True)))
    # The code keeps working while the survey is unfinished; expire it to make it unusable.
    used.invitation.expires_at = used.invitation.created_at
    session.commit()
    bodies = set()
    for code in (used.short_code, "HX3P-QQ7R-2M"):
        reply = app.test_client().post("/code", data={"code": code})
        assert reply.status_code == 400
        body = reply.get_data(as_text=True).replace(code, "")
        bodies.add(re.sub(r'name="csrf_token" value="[^"]*"', "", body))
    assert len(bodies) == 1


# --- 9. session cleared on completion, one charset, formula injection ---------------------


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "＋1", "－1", "＠SUM(A1)", "|calc"],
)
def test_formula_starts_are_neutralised_in_every_export(value):
    from survey_app.services.exports import safe_cell
    from survey_app.services.gdpr import export_as_csv

    assert safe_cell(value) == "'" + value
    export = {
        "beneficiary": {"code": value},
        "contact": None,
        "invitations": [],
        "responses": [],
    }
    assert f",'{value}" in export_as_csv(export).replace('"', "")


@pytest.mark.parametrize("value", ["hello", "1", "5 ans", "", "Marie-Claire"])
def test_ordinary_cells_are_left_alone(value):
    from survey_app.services.exports import safe_cell

    assert safe_cell(value) == value


def test_csv_download_says_charset_once(client, session, tmp_path, app):
    from tests.reports_factories import make_report_study

    app.config["REPORT_CACHE_DIR"] = str(tmp_path / "report-cache")
    built = make_report_study(session, people=12)
    director = make_user(session, built.organisation)
    session.commit()
    client.post("/auth/login", data={"email": director.email, "password": TEST_PASSWORD})
    reply = client.get(f"/reports/export/answers.csv?study={built.study.id}&period=all&lang=fr")
    app.config.pop("REPORT_CACHE_DIR", None)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "text/csv; charset=utf-8"


def _cookie_values(reply) -> list[str]:
    return reply.headers.getlist("Set-Cookie")


def test_respondent_session_cookie_is_cleared_on_completion(app, session, survey_setup):
    link = make_invitation(session, survey_setup)
    session.commit()
    client = app.test_client()
    open_survey(client, link.token)
    finish_survey(client)
    done = client.get("/s/done", headers={"Accept-Language": "en"})
    assert done.status_code == 200
    assert "Thank you" in done.get_data(as_text=True)
    cleared = [c for c in _cookie_values(done) if c.startswith("ecoute=")]
    assert cleared, "the session cookie is not touched on completion"
    assert "Expires=Thu, 01 Jan 1970" in cleared[0]
    assert client.get_cookie("ecoute") is None
    # Nothing of the survey is reachable from this browser afterwards.
    assert client.get("/s/review").status_code == 404
