"""Helpers shared by CLI commands: one transaction per command, clean errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from survey_app.extensions import begin_read_only, db
from survey_app.services.errors import DomainError


@contextmanager
def command_transaction(*, read_only: bool = False) -> Iterator[Session]:
    """Commit once if the command succeeds, roll back and exit non-zero otherwise.

    ``read_only``: the command only reads (analysis, reports), so on SQLite it
    takes no write lock and respondents can keep answering while it runs.
    """
    try:
        if read_only:
            begin_read_only(db.session)
        yield db.session
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    except BaseException:
        db.session.rollback()
        raise
