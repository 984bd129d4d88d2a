"""``retention apply``: the GDPR purge, for cron."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from survey_app.cli._common import command_transaction
from survey_app.services.retention import apply_retention

retention = AppGroup("retention", help="GDPR retention of personal data.")


def register(app: Flask) -> None:
    app.cli.add_command(retention)


@retention.command("apply")
def apply_command() -> None:
    """Purge contact details and invalidate tokens that the retention rules say are due.

    Idempotent: a second run right after the first purges nothing.
    """
    with command_transaction() as session:
        report = apply_retention(session)
    for purge in report.organisations:
        click.echo(
            f"{purge.slug}: {purge.contacts_purged} contact record(s) purged, "
            f"{purge.tokens_invalidated} completed invitation token(s) invalidated, "
            f"{purge.texts_blanked} free-text answer(s) blanked"
        )
    click.echo(
        f"housekeeping: {report.sessions_purged} ended session(s), "
        f"{report.reset_tokens_purged} password-reset token(s), "
        f"{report.counters_purged} stale counter(s) removed"
    )
    if not report.anything:
        click.echo("nothing to purge")
