"""``flask --app wsgi invitations send-due``: the cron job of continuous follow-up."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask, current_app
from sqlalchemy.orm import Session

from survey_app.cli._common import command_transaction
from survey_app.extensions import db
from survey_app.models import utcnow
from survey_app.services import followup, invitations, messaging


def register(app: Flask) -> None:
    app.cli.add_command(group)


@click.group("invitations")
def group() -> None:
    """Survey invitations of beneficiaries."""


def configured_mailer() -> invitations.Mailer | None:
    """The test override ``INVITATION_MAILER`` (a callable), else SMTP from ``MAIL_*``."""
    override = current_app.config.get("INVITATION_MAILER")
    if override is not None:
        return override
    return invitations.smtp_mailer(current_app.config)


def configured_sms_sender() -> messaging.SmsSender:
    """The test override ``SMS_SENDER`` (a callable), else Apprise."""
    return current_app.config.get("SMS_SENDER") or messaging.apprise_sender


def run_send_due(
    session: Session,
    *,
    now: datetime,
    base_url: str | None,
    mailer: invitations.Mailer | None,
    sms_secret: str | None = None,
    sms_sender: messaging.SmsSender | None = None,
) -> followup.SendDueResult:
    """Plan and commit, then send e-mails and commit what was delivered.

    Two commits on purpose: an e-mail must never carry a link whose
    invitation could still be rolled back.
    """
    with command_transaction():
        result = followup.plan(
            session,
            now,
            base_url=base_url,
            email_possible=mailer is not None and bool(base_url),
            sms_secret=sms_secret if sms_sender is not None and base_url else None,
        )
    if mailer is not None and result.outbox:
        with command_transaction():
            followup.deliver(session, result, mailer, now)
    if sms_sender is not None and result.sms_outbox:
        with command_transaction():
            followup.deliver_sms(session, result, sms_sender, now)
    return result


@group.command("send-due")
@click.option(
    "--now",
    "now_text",
    default=None,
    metavar="YYYY-MM-DDTHH:MM",
    help="Act as if it were this UTC time (to catch up or to test); default: now.",
)
def send_due(now_text: str | None) -> None:
    """Create due follow-ups, send reminders, expire stale invitations.

    Meant for cron (e.g. hourly); idempotent and safe to run twice at once.
    A follow-up or exit wave is due WAVE.DELAY_DAYS days after the
    beneficiary's baseline invitation was created. Paused and closed studies
    are skipped. New follow-ups are e-mailed when the organisation enabled
    e-mail invitations, the person gave an address, MAIL_SERVER/MAIL_SENDER
    and PUBLIC_BASE_URL are set; otherwise they wait, as "due", for the
    social worker to hand them over. Reminders (organisation's count and
    spacing) carry a fresh link, by e-mail or SMS as the invitation went.
    People with a phone and no e-mail get an SMS when their organisation set
    up an SMS gateway (Administration → Invitation messages).
    """
    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError as error:
            raise click.BadParameter(
                f"{now_text!r} is not a date-time like 2026-03-01T08:00", param_hint="--now"
            ) from error
        if now.tzinfo is not None:
            raise click.BadParameter("give the UTC time without a time zone", param_hint="--now")
    else:
        now = utcnow()
    base_url = current_app.config.get("PUBLIC_BASE_URL") or None
    mailer = configured_mailer()
    if mailer is None:
        click.echo(
            "note: e-mail is not configured (MAIL_SERVER, MAIL_SENDER); no e-mail sent", err=True
        )
    elif base_url is None:
        click.echo("note: PUBLIC_BASE_URL is not set; no e-mail sent", err=True)
    result = run_send_due(
        db.session,
        now=now,
        base_url=base_url,
        mailer=mailer,
        sms_secret=current_app.config["SECRET_KEY"],
        sms_sender=configured_sms_sender(),
    )
    click.echo(result.summary())
