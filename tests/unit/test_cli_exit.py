"""A batch command's exit: connections closed properly, then objects frozen for speed."""

import gc

from sqlalchemy import create_engine, text

from survey_app.cli._common import _close_and_freeze


def test_pooled_connections_are_closed_before_the_freeze(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'exit.sqlite3'}")
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert engine.pool.checkedin() == 1  # pooled, open: what a command leaves behind
    try:
        _close_and_freeze([engine])
        assert engine.pool.checkedin() == 0
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
