"""Helpers shared by CLI commands: one transaction per command, clean errors."""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import click
from sqlalchemy.engine import Engine
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


def checked_period(
    date_from: datetime | None, date_to: datetime | None
) -> tuple[date | None, date | None]:
    """The ``--from``/``--to`` days of a command, refused when the period runs backwards."""
    first = date_from.date() if date_from else None
    last = date_to.date() if date_to else None
    if first and last and first > last:
        raise click.BadParameter("--from must be on or before --to", param_hint="--from")
    return first, last


#: Cyclic garbage collector thresholds while one command analyses or renders one study.
BATCH_GC_THRESHOLDS = (10_000, 50, 1_000)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector tens of times instead of hundreds.

    With CPython's default thresholds (700, 10, 10), ``report demo`` ran
    about 1,300 young and 9 full collections, each full one walking the
    ~300,000 objects of pandas, SciPy, matplotlib and WeasyPrint: 1.5 s of a
    10 s command (measured with ``gc.callbacks``). A command analyses one
    study and exits; with higher thresholds collection still runs (cycles
    are still freed, peak memory unchanged on the demo), only less often.
    The web process keeps the defaults.

    At exit (:func:`_close_and_freeze`) it closes the database connections,
    then freezes every object before the interpreter's own clean-up.
    """
    atexit.unregister(_close_and_freeze)  # once, however many commands run in this process
    atexit.register(_close_and_freeze, list(db.engines.values()))
    previous = gc.get_threshold()
    gc.set_threshold(*BATCH_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _close_and_freeze(engines: list[Engine]) -> None:
    """Close the pooled connections, then take every object out of the final collections.

    Python's finalisation runs full collections over everything the command
    built and imported: 0.2–0.3 s of a 4 s ``report demo``, freeing nothing
    the operating system would not. Frozen objects are skipped, but objects
    in reference cycles are then never finalised, database connections
    included: they are closed here first, so the server sees a proper
    goodbye rather than a dropped socket. The other ``atexit`` handlers still run.
    """
    for engine in engines:
        with contextlib.suppress(Exception):
            engine.dispose()
    gc.freeze()


#: What an analysis command imports while it reads the database: SciPy, statsmodels.
ANALYSIS_MODULES = ("analysis.study",)


@contextmanager
def imported_meanwhile(modules: tuple[str, ...] = ANALYSIS_MODULES) -> Iterator[None]:
    """Import ``modules`` in a background thread while the block reads the database.

    Importing SciPy and statsmodels takes a second or more and holds the
    GIL; a SQLite query walking millions of answers in one aggregate step,
    or PostgreSQL computing one on its server, does not. Started together,
    the two overlap on a machine with two cores. The block itself needs
    only ``analysis.inputs`` (the package imports the rest lazily). An
    import that fails here fails again, with its message, where the command
    needs the module. In a command that forks (``report``), fork first: a
    child must not inherit an import lock held by this thread.
    """

    def import_all() -> None:
        with contextlib.suppress(Exception):  # the command's own import reports it
            for module in modules:
                importlib.import_module(module)

    thread = threading.Thread(target=import_all, name="import-meanwhile", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()
