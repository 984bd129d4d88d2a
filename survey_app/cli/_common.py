"""Helpers shared by CLI commands: one transaction per command, clean errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from survey_app.extensions import db
from survey_app.services.errors import DomainError


@contextmanager
def command_transaction() -> Iterator[Session]:
    """Commit once if the command succeeds, roll back and exit non-zero otherwise."""
    try:
        yield db.session
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    except BaseException:
        db.session.rollback()
        raise
