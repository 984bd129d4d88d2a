"""``jobs worker``: the process that builds reports on PostgreSQL (procrastinate)."""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app
from flask.cli import AppGroup

jobs = AppGroup("jobs", help="Background jobs (report builds).")


def register(app: Flask) -> None:
    app.cli.add_command(jobs)


@jobs.command("worker")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 16),
    default=1,
    show_default=True,
    help="Reports built at once by this process (each uses one core while it renders).",
)
@click.option("--once", is_flag=True, help="Build every queued report, then exit (for cron).")
def worker_command(concurrency: int, once: bool) -> None:
    """Build queued reports until stopped (SIGTERM/Ctrl-C finish the current one first).

    Run one or more on any machine that reaches the database; each web server
    only queues builds. Needs PostgreSQL: on SQLite, reports are built in the
    web process and no worker is needed.
    """
    from survey_app.report_jobs import queue
    from survey_app.report_jobs.runner import worker_mode

    if worker_mode(current_app) != "procrastinate":
        raise click.ClickException(
            "reports are built in the web process here (REPORT_WORKER is not procrastinate): "
            "no worker is needed"
        )
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"report worker: queue {queue.QUEUE!r}, {concurrency} at a time", err=True)
    # A finished build's history is its report_job row: procrastinate's own row
    # (which holds only the job id) goes when it succeeds, so its table stays small.
    queue.worker_app(app, concurrency=concurrency).run_worker(
        queues=[queue.QUEUE], concurrency=concurrency, wait=not once, delete_jobs="successful"
    )
