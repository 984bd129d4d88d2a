"""The embedded SQLite mode: reports built by a thread of the web process, no worker to run.

Two app objects on one SQLite file stand for two gunicorn processes of
``make run``: the build asked of one runs in its thread, and the other
shows its progress and serves the PDF (state and bytes are in the file).
"""

from __future__ import annotations

import time

from survey_app.models import Role
from tests.conftest import make_test_app, migrate_to_head
from tests.factories import TEST_PASSWORD, make_user
from tests.reports_factories import make_report_study

BUILD_TIMEOUT = 120


def test_a_report_built_by_one_process_is_served_by_another(tmp_path):
    from survey_app.extensions import db

    url = f"sqlite:///{tmp_path / 'ecoute.sqlite3'}"
    first, second = make_test_app(url), make_test_app(url)
    migrate_to_head(first)
    with first.app_context():
        built = make_report_study(db.session, people=12)
        director = make_user(db.session, built.organisation, Role.DIRECTOR)
        study_id, email = built.study.id, director.email
        db.session.commit()
    try:
        asking, polling = first.test_client(), second.test_client()
        assert asking.post("/auth/login", data={"email": email, "password": TEST_PASSWORD})
        cookie = asking.get_cookie("ecoute")
        assert cookie is not None
        polling.set_cookie("ecoute", cookie.value)

        url = f"/reports/report.pdf?study={study_id}&period=all&lang=fr"
        assert asking.get(url).status_code == 202
        deadline = time.monotonic() + BUILD_TIMEOUT
        reply = polling.get(url)
        while reply.status_code == 202 and time.monotonic() < deadline:
            time.sleep(0.3)
            reply = polling.get(url)
        assert reply.status_code == 200, reply.get_data(as_text=True)[:2000]
        assert reply.data.startswith(b"%PDF-")
    finally:
        for app in (first, second):
            with app.app_context():
                db.engine.dispose()
