"""Two app servers and one report worker share one PostgreSQL (issue 14, point 5).

Two gunicorn instances on two ports stand for two machines behind a load
balancer: they share nothing but the database and ``SECRET_KEY``. A
director signs in on one, asks for a PDF there, and the first server is
stopped at once; the second one shows the build's progress (the same
session cookie works there) and serves the PDF that a separate
``flask jobs worker`` process built. A client probing survey tokens on one
server is refused on the other. Needs PostgreSQL (skipped without it,
except in CI).
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from survey_app.models import ReportArtefact, ReportJob, Role
from survey_app.services import ratelimit
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    make_test_app,
    migrate_to_head,
)
from tests.factories import TEST_PASSWORD, make_user
from tests.reports_factories import make_report_study

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "shared-by-every-instance-" + "x" * 24
START_TIMEOUT = 60
BUILD_TIMEOUT = 120


@dataclass
class Browser:
    """A client that keeps one session cookie, whichever server it talks to."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, port: int, method: str, path: str, body: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            headers = {"Accept-Language": "en"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            data = None
            if body is not None:
                data = urlencode(body)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=data, headers=headers)
            reply = connection.getresponse()
            content = reply.read()
        finally:
            connection.close()
        for header in reply.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return reply.status, dict(reply.headers.items()), content


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(database_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "REPORT_WORKER", "ECOUTE_ENV"}
    }
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=SECRET_KEY,
        REPORT_WORKER="procrastinate",
        ECOUTE_ENV="development",
        LOG_LEVEL="WARNING",
        ECOUTE_PROXY_HOPS="0",
        ECOUTE_GUNICORN_LOGLEVEL="warning",
        WEB_CONCURRENCY="1",
    )
    return env


def _spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def _start_server(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
    return _spawn(command, {**env, "ECOUTE_BIND": f"127.0.0.1:{port}"}, log)


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    return _spawn([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"], env, log)


def _wait_until_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server on {port} exited:\n{log.read_text(errors='replace')}")
        try:
            status, _headers, _body = Browser().request(port, "GET", "/auth/login")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"server on {port} did not answer:\n{log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def shared_database() -> Iterator[tuple[str, dict]]:
    """A migrated PostgreSQL database with a study and a director, really committed."""
    from survey_app.extensions import db

    url = create_postgres_database("ecoute_multi")
    app = make_test_app(url)
    try:
        migrate_to_head(app)
        with app.app_context():
            built = make_report_study(db.session, people=20)
            director = make_user(db.session, built.organisation, Role.DIRECTOR)
            facts = {
                "study_id": built.study.id,
                "organisation_id": built.organisation.id,
                "email": director.email,
                "director_id": director.id,
            }
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        yield url, {**facts, "app": app}
    finally:
        with app.app_context():
            db.engine.dispose()
        drop_postgres_database(url)


def test_a_report_asked_on_one_server_is_followed_and_downloaded_on_another(
    shared_database, tmp_path
):
    url, facts = shared_database
    env = _environment(url)
    first_port, second_port = _free_port(), _free_port()
    logs = {name: tmp_path / f"{name}.log" for name in ("first", "second", "worker")}
    first = _start_server(first_port, env, logs["first"])
    second = _start_server(second_port, env, logs["second"])
    worker = _start_worker(env, logs["worker"])
    processes = [first, second, worker]
    try:
        _wait_until_listening(first_port, first, logs["first"])
        _wait_until_listening(second_port, second, logs["second"])
        listening = time.monotonic()

        browser = Browser()
        _status, _headers, page = browser.request(first_port, "GET", "/auth/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert token is not None
        status, headers, _body = browser.request(
            first_port,
            "POST",
            "/auth/login",
            {
                "csrf_token": token.group(1).decode(),
                "email": facts["email"],
                "password": TEST_PASSWORD,
            },
        )
        assert status == 302, "sign-in failed"

        report = "/reports/report.pdf?" + urlencode(
            {"study": facts["study_id"], "period": "all", "lang": "en"}
        )
        status, _headers, page = browser.request(first_port, "GET", report)
        assert status == 202
        assert b"Preparing the report" in page
        _stop(first)  # the server that took the request is gone: nothing lived only there

        deadline = time.monotonic() + BUILD_TIMEOUT
        while True:
            status, headers, body = browser.request(second_port, "GET", report)
            if status != 202:
                break
            assert b'http-equiv="refresh"' in body  # same session, same build, on the other server
            if time.monotonic() > deadline or worker.poll() is not None:
                pytest.fail("no PDF:\n" + logs["worker"].read_text(errors="replace"))
            time.sleep(0.5)
        assert status == 200, body[:2000]
        print(f"PDF served by the other server {time.monotonic() - listening:.1f} s after start")
        assert headers["Content-Type"] == "application/pdf"
        assert body.startswith(b"%PDF-")

        with facts["app"].app_context():
            from survey_app.extensions import db

            jobs = db.session.scalars(select(ReportJob)).all()
            assert [(job.state, job.requested_by_id) for job in jobs] == [
                ("done", facts["director_id"])
            ]
            assert jobs[0].parameters["lang"] == "en"
            cached = db.session.scalars(select(ReportArtefact.format)).all()
            assert cached == ["pdf"]
            db.session.remove()
            db.engine.dispose()

        # Rate limits are counted in the database: misses on one server count on the other.
        third = _start_server(first_port, env, tmp_path / "third.log")
        processes.append(third)
        _wait_until_listening(first_port, third, tmp_path / "third.log")
        prober = Browser()
        for attempt in range(ratelimit.SURVEY_TOKEN_MISSES.limit):
            port = first_port if attempt % 2 else second_port
            status, _headers, _body = prober.request(port, "GET", f"/s/no-such-token-{attempt}")
            assert status != 429
        status, _headers, _body = prober.request(first_port, "GET", "/s/one-more-unknown-token")
        assert status == 429
        # The restarted server knows the director's session and serves the cached PDF.
        status, headers, again = browser.request(first_port, "GET", report)
        assert status == 200
        assert again == body
    finally:
        for process in processes:
            _stop(process)
