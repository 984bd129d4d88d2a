"""Continuous follow-up: what ``flask invitations send-due`` does, safely twice at once.

Rules (decided here, documented in the command's help):

* **When a follow-up is due.** Every wave after the baseline (follow-up or
  exit) is due ``wave.delay_days`` days after the day the beneficiary's
  *baseline invitation was created*, i.e. when they joined the study —
  "follow-up N days after baseline". The baseline need not be answered: an
  outcome measured later is still informative, and a person may answer late.
  Beneficiaries of sites the study no longer covers are left out.
* **Only active studies** are processed: paused and closed studies get no new
  invitation, no reminder and no expiry marking.
* **SMS** goes to people with a phone number and no e-mail address (or whom
  no e-mail can reach: e-mail off for the server or the organisation), when
  their organisation set up an SMS gateway (:mod:`survey_app.services.messaging`)
  and the run was given the key to read it.
* **Reminders** go only for invitations that were delivered by e-mail or SMS
  (``channel`` ``'email'`` or ``'sms'``), the same way: a reminder carries a new link
  (tokens are stored as hashes only, so the old one cannot be re-sent), and
  rotating the token of a printed card would silently break the card.
  At most ``organisation.reminder_count`` reminders, spaced
  ``reminder_spacing_days`` after the first e-mail or the previous reminder,
  never after completion or expiry.
* **Expiry** stamps ``expired_at`` (with the time the invitation expired) on
  invitations past ``expires_at`` and not completed.

Concurrency: two runs may overlap (cron overlap, two servers). Each follow-up
insert runs in its own SAVEPOINT and relies on the unique (beneficiary, wave)
constraint: the loser gets an ``IntegrityError``, rolls back its savepoint
and counts nothing. Each reminder is claimed by an atomic conditional
``UPDATE … SET reminders_sent = reminders_sent + 1 … WHERE reminders_sent =
:seen``; only the run whose update touched the row sends it. On SQLite the
first statement of the run is a write (the expiry update), which takes the
database write lock before anything is read, so the two runs serialise
instead of failing on a stale snapshot.

E-mails are sent *after* the planning transaction commits (see
:func:`deliver`), so an e-mail never points at a link that was rolled back;
if sending fails the invitation stays "due" for the worker to hand over, and
a failed reminder is not retried (at most once, never twice).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import format_date
from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey_app.models import (
    Beneficiary,
    Invitation,
    Organisation,
    Study,
    StudySite,
    Wave,
)
from survey_app.services import audit, invitations, messaging
from survey_app.services.tokens import hash_secret, hash_short_code, new_link_token, new_short_code

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingEmail:
    """An e-mail to send once the planning transaction is committed."""

    invitation_id: int
    organisation_id: int
    message: invitations.OutgoingEmail
    reminder: bool


@dataclass(frozen=True)
class PendingSms:
    """An SMS to send once the planning transaction is committed."""

    invitation_id: int
    organisation_id: int
    gateway: str
    phone: str
    text: str
    reminder: bool


@dataclass
class SendDueResult:
    created: int = 0
    reminded: int = 0
    expired: int = 0
    emailed: int = 0
    email_failures: int = 0
    texted: int = 0
    sms_failures: int = 0
    outbox: list[PendingEmail] = field(default_factory=list)
    sms_outbox: list[PendingSms] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"created {self.created}, reminded {self.reminded}, expired {self.expired}, "
            f"e-mailed {self.emailed}, e-mail failures {self.email_failures}, "
            f"sent by SMS {self.texted}, SMS failures {self.sms_failures}"
        )


def _phone(invitation_or_beneficiary: Beneficiary) -> str | None:
    contact = invitation_or_beneficiary.contact
    return contact.phone if contact is not None and contact.phone else None


def _queue(
    session: Session,
    result: SendDueResult,
    invitation: Invitation,
    organisation: Organisation,
    *,
    base_url: str,
    token: str,
    short_code: str,
    reminder: bool,
    email_ok: bool,
    sms_secret: str | None,
) -> bool:
    """Queue the e-mail (or, without an address, the SMS) of this invitation."""
    beneficiary = session.get(Beneficiary, invitation.beneficiary_id)
    if beneficiary is None:  # pragma: no cover - deleted meanwhile
        return False
    kind = "reminder" if reminder else "invitation"
    values = {
        "link": invitations.survey_url(base_url, token),
        "code": short_code,
        "expires": format_date(invitation.expires_at.date()),
    }
    address = invitations.email_address_for(invitation, organisation) if email_ok else None
    if address and (not reminder or invitation.channel == "email"):
        message = messaging.compose(
            session,
            organisation,
            channel="email",
            kind=kind,
            language=beneficiary.language,
            **values,
        )
        result.outbox.append(
            PendingEmail(
                invitation_id=invitation.id,
                organisation_id=organisation.id,
                message=invitations.OutgoingEmail(
                    to=address, subject=message.subject, body=message.body
                ),
                reminder=reminder,
            )
        )
        return True
    if reminder and invitation.channel != "sms":
        return False
    gateway = messaging.gateway_url(organisation, sms_secret) if sms_secret else None
    phone = _phone(beneficiary)
    if gateway is None or phone is None or (address and not reminder):
        return False
    message = messaging.compose(
        session, organisation, channel="sms", kind=kind, language=beneficiary.language, **values
    )
    result.sms_outbox.append(
        PendingSms(
            invitation_id=invitation.id,
            organisation_id=organisation.id,
            gateway=gateway,
            phone=phone,
            text=message.body,
            reminder=reminder,
        )
    )
    return True


def _active_wave_ids():
    return (
        select(Wave.id)
        .join(Study, Study.id == Wave.study_id)
        .where(Study.status == "active")
        .scalar_subquery()
    )


def expire_stale(session: Session, now: datetime) -> int:
    """Stamp ``expired_at`` on overdue, unanswered invitations of active studies."""
    result = session.execute(
        update(Invitation)
        .where(
            Invitation.expired_at.is_(None),
            Invitation.completed_at.is_(None),
            Invitation.expires_at <= now,
            Invitation.wave_id.in_(_active_wave_ids()),
        )
        .values(expired_at=Invitation.expires_at)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def create_due_followups(
    session: Session,
    now: datetime,
    *,
    base_url: str | None,
    result: SendDueResult,
    email_ok: bool = True,
    sms_secret: str | None = None,
) -> None:
    """Create the follow-up/exit invitations that have become due."""
    today = now.date()
    for study in session.scalars(
        select(Study).where(Study.status == "active").order_by(Study.id)
    ).all():
        waves = list(study.waves)
        baseline = next((wave for wave in waves if wave.kind == "baseline"), None)
        later = [wave for wave in waves if wave.kind != "baseline"]
        if baseline is None or not later:
            continue
        organisation = session.get(Organisation, study.organisation_id)
        rows = session.execute(
            select(Invitation.beneficiary_id, Invitation.created_at)
            .join(Beneficiary, Beneficiary.id == Invitation.beneficiary_id)
            .join(
                StudySite,
                and_(StudySite.site_id == Beneficiary.site_id, StudySite.study_id == study.id),
            )
            .where(Invitation.wave_id == baseline.id)
            .order_by(Invitation.beneficiary_id)
        ).all()
        existing = set(
            session.execute(
                select(Invitation.beneficiary_id, Invitation.wave_id).where(
                    Invitation.wave_id.in_([wave.id for wave in later])
                )
            ).all()
        )
        for beneficiary_id, joined_at in rows:
            for wave in later:
                if (beneficiary_id, wave.id) in existing:
                    continue
                if joined_at.date() + timedelta(days=wave.delay_days) > today:
                    continue
                _create_one(
                    session,
                    study,
                    wave,
                    beneficiary_id,
                    now,
                    organisation,
                    base_url,
                    result,
                    email_ok=email_ok,
                    sms_secret=sms_secret,
                )


def _create_one(
    session: Session,
    study: Study,
    wave: Wave,
    beneficiary_id: int,
    now: datetime,
    organisation: Organisation | None,
    base_url: str | None,
    result: SendDueResult,
    *,
    email_ok: bool,
    sms_secret: str | None,
) -> None:
    beneficiary = session.get(Beneficiary, beneficiary_id)
    if beneficiary is None:  # pragma: no cover - deleted meanwhile
        return
    issued = invitations.new_invitation(beneficiary, wave, study, now=now)
    try:
        with session.begin_nested():
            session.add(issued.invitation)
            session.flush()
    except IntegrityError:
        # Another run created this (beneficiary, wave) first: nothing to do.
        # (Rolling back the savepoint also expunged the pending object.)
        return
    result.created += 1
    audit.record(
        session,
        "invitation.create",
        actor_label="invitations send-due",
        organisation_id=study.organisation_id,
        object_type="invitation",
        object_id=issued.invitation.id,
        details={"study": study.slug, "wave": wave.key},
    )
    if base_url and organisation is not None:
        _queue(
            session,
            result,
            issued.invitation,
            organisation,
            base_url=base_url,
            token=issued.token,
            short_code=issued.short_code,
            reminder=False,
            email_ok=email_ok,
            sms_secret=sms_secret,
        )


def send_reminders(
    session: Session,
    now: datetime,
    *,
    base_url: str,
    result: SendDueResult,
    email_ok: bool = True,
    sms_secret: str | None = None,
) -> None:
    """Claim and queue the reminders that are due (invitations e-mailed or sent by SMS)."""
    candidates = session.execute(
        select(Invitation, Organisation)
        .join(Wave, Wave.id == Invitation.wave_id)
        .join(Study, Study.id == Wave.study_id)
        .join(Organisation, Organisation.id == Study.organisation_id)
        .where(
            Study.status == "active",
            Invitation.channel.in_(("email", "sms")),
            Invitation.sent_at.is_not(None),
            Invitation.completed_at.is_(None),
            Invitation.expired_at.is_(None),
            Invitation.expires_at > now,
            Invitation.reminders_sent < Organisation.reminder_count,
        )
        .order_by(Invitation.id)
    ).all()
    for invitation, organisation in candidates:
        last = invitation.last_reminder_at or invitation.sent_at
        if last is None or last + timedelta(days=organisation.reminder_spacing_days) > now:
            continue
        if invitation.channel == "email" and not (
            email_ok and invitations.email_address_for(invitation, organisation)
        ):
            continue
        if invitation.channel == "sms" and not (
            sms_secret
            and messaging.gateway_url(organisation, sms_secret)
            and _phone(invitation.beneficiary)
        ):
            continue
        seen = invitation.reminders_sent
        token = new_link_token()
        short_code = new_short_code()
        claimed = session.execute(
            update(Invitation)
            .where(
                Invitation.id == invitation.id,
                Invitation.reminders_sent == seen,
                Invitation.completed_at.is_(None),
                Invitation.expired_at.is_(None),
            )
            .values(
                reminders_sent=Invitation.reminders_sent + 1,
                last_reminder_at=now,
                token_hash=hash_secret(token),
                short_code_hash=hash_short_code(short_code),
            )
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue  # another run claimed it, or the person answered meanwhile
        result.reminded += 1
        audit.record(
            session,
            "invitation.remind",
            actor_label="invitations send-due",
            organisation_id=organisation.id,
            object_type="invitation",
            object_id=invitation.id,
            details={"reminder": seen + 1},
        )
        _queue(
            session,
            result,
            invitation,
            organisation,
            base_url=base_url,
            token=token,
            short_code=short_code,
            reminder=True,
            email_ok=email_ok,
            sms_secret=sms_secret,
        )


def plan(
    session: Session,
    now: datetime,
    *,
    base_url: str | None,
    email_possible: bool,
    sms_secret: str | None = None,
) -> SendDueResult:
    """Everything that must be in the database before any e-mail leaves.

    The expiry update comes first on purpose: it is a write, so on SQLite it
    takes the write lock before the run reads anything (see module docstring).
    """
    result = SendDueResult()
    result.expired = expire_stale(session, now)
    can_send = email_possible or sms_secret is not None
    create_due_followups(
        session,
        now,
        base_url=base_url if can_send else None,
        result=result,
        email_ok=email_possible,
        sms_secret=sms_secret,
    )
    if can_send and base_url:
        send_reminders(
            session,
            now,
            base_url=base_url,
            result=result,
            email_ok=email_possible,
            sms_secret=sms_secret,
        )
    session.flush()
    return result


def _record_delivery(session: Session, pending: Any, channel: str, now: datetime) -> None:
    """Audit one delivered message; a first invitation (not a reminder) becomes sent."""
    audit.record(
        session,
        f"invitation.{channel}",
        actor_label="invitations send-due",
        organisation_id=pending.organisation_id,
        object_type="invitation",
        object_id=pending.invitation_id,
        details={"reminder": pending.reminder},
    )
    if not pending.reminder:
        session.execute(
            update(Invitation)
            .where(Invitation.id == pending.invitation_id, Invitation.sent_at.is_(None))
            .values(sent_at=now, channel=channel)
            .execution_options(synchronize_session=False)
        )


def deliver(
    session: Session, result: SendDueResult, mailer: invitations.Mailer, now: datetime
) -> None:
    """Send the queued e-mails (after commit) and record what was delivered."""
    for pending in result.outbox:
        try:
            mailer(pending.message)
        except Exception:  # any SMTP/network failure: keep going with the others
            logger.exception("invitation e-mail failed", extra={"event": "mail_failed"})
            result.email_failures += 1
            continue
        result.emailed += 1
        _record_delivery(session, pending, "email", now)
    result.outbox.clear()


def deliver_sms(
    session: Session, result: SendDueResult, sender: messaging.SmsSender, now: datetime
) -> None:
    """Send the queued SMS (after commit) and record what was delivered."""
    for pending in result.sms_outbox:
        try:
            sender(pending.gateway, pending.phone, pending.text)
        except Exception:  # any gateway/network failure: keep going with the others
            logger.exception("invitation SMS failed", extra={"event": "sms_failed"})
            result.sms_failures += 1
            continue
        result.texted += 1
        _record_delivery(session, pending, "sms", now)
    result.sms_outbox.clear()
