"""PostgreSQL: the loader reads responses and answers on two connections sharing one snapshot.

The other tests run inside an uncommitted outer transaction, where the
loader must (and does) read everything on the session's own connection. Here
the answers are committed to a database of this module's own, as in
production, so the concurrent path runs; it must give exactly the tables of
the one-connection path, and see nothing committed after its snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import func, select

from survey_app.extensions import begin_read_only, db
from survey_app.models import Organisation
from survey_app.services import analysis_input, answer_codes, raw_reads
from survey_app.services.analysis_input import load_study_tables
from tests.conftest import create_postgres_database, drop_postgres_database, make_test_app
from tests.core_factories import make_small_study
from tests.db.core.test_analysis_loader import _fill


@pytest.fixture(scope="module")
def committed_app() -> Iterator:
    """A migrated PostgreSQL database of its own, with a small study committed for real."""
    from tests.conftest import migrate_to_head

    url = create_postgres_database("ecoute_snapshot")
    app = make_test_app(url)
    try:
        migrate_to_head(app)
        with app.app_context():
            small = make_small_study(db.session, slug="snapshot")
            _fill(db.session, small)
            db.session.commit()
            db.session.remove()
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        drop_postgres_database(url)


def _load(session) -> analysis_input.StudyTables:
    study = session.scalars(select(analysis_input.Study).filter_by(slug="snapshot")).one()
    return load_study_tables(session, study)


def test_the_two_connection_read_gives_the_same_tables(committed_app, monkeypatch):
    opened = []
    real_readers = answer_codes.snapshot_readers

    def spy(session, count):
        opened.append(count)
        return real_readers(session, count)

    monkeypatch.setattr(answer_codes, "snapshot_readers", spy)
    with committed_app.app_context():
        begin_read_only(db.session)
        assert raw_reads.can_share_snapshot(db.session)
        concurrent = _load(db.session)
        db.session.rollback()
        assert opened == [2]

        monkeypatch.setattr(answer_codes, "can_share_snapshot", lambda session: False)
        in_turn = _load(db.session)
        db.session.rollback()
    assert len(concurrent.answers) > 500
    pd.testing.assert_frame_equal(concurrent.answers, in_turn.answers)
    pd.testing.assert_frame_equal(concurrent.invitations, in_turn.invitations)
    assert concurrent.versions == in_turn.versions


def test_readers_see_the_sessions_snapshot_not_later_commits(committed_app):
    with committed_app.app_context():
        db.session.execute(select(1))  # the transaction and its snapshot start here
        count = select(func.count()).select_from(Organisation)
        with raw_reads.snapshot_readers(db.session, 1) as (reader,):
            with db.engine.begin() as other:  # another client commits meanwhile
                other.execute(Organisation.__table__.insert().values(slug="later", name="Later"))
            seen = raw_reads.fetch_all(reader, count)[0][0]
            now = db.engine.connect()
            try:
                committed = now.execute(count).scalar_one()
            finally:
                now.close()
        db.session.rollback()
    assert committed == seen + 1


def test_a_transaction_that_wrote_reads_on_its_own_connection(committed_app):
    """Its writes are not in an exported snapshot, so no other connection may read for it."""
    with committed_app.app_context():
        db.session.add(Organisation(slug="unsaved", name="Unsaved"))
        db.session.flush()
        assert not raw_reads.can_share_snapshot(db.session)
        db.session.rollback()


def test_no_connection_to_spare_reads_on_the_sessions_own(committed_app, monkeypatch, caplog):
    """A server at max_connections must not fail the analysis: it reads on one connection."""
    from sqlalchemy.exc import OperationalError

    with committed_app.app_context():
        in_turn = _load(db.session)
        db.session.rollback()

        def refused():
            raise OperationalError("connect", {}, Exception("too many clients already"))

        begin_read_only(db.session)
        assert raw_reads.can_share_snapshot(db.session)  # the session has its connection
        monkeypatch.setattr(db.engine, "raw_connection", refused)  # and no other is to be had
        with caplog.at_level("WARNING"):
            alone = _load(db.session)
        db.session.rollback()
    assert "no second one available" in caplog.text
    pd.testing.assert_frame_equal(alone.answers, in_turn.answers)
