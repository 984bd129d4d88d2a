"""Issuing survey invitations and delivering them (link, QR, card, e-mail).

A token is generated here, handed back to the caller exactly once and stored
only as a hash. "Showing the link again" is therefore impossible by design:
the worker *re-issues* the invitation, which replaces the token and the short
code, so any link or card handed out before stops working. That is also why a
reminder e-mail carries a fresh link (see :mod:`survey_app.services.followup`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import Beneficiary, Invitation, Organisation, Study, Wave, utcnow
from survey_app.services import audit, mail
from survey_app.services.errors import Conflict, DomainError, NotFound
from survey_app.services.tokens import (
    hash_secret,
    hash_short_code,
    new_link_token,
    new_short_code,
)

# Status of one beneficiary for one wave, as shown to social workers.
UPCOMING = "upcoming"  # not due yet
DUE = "due"  # due: no invitation yet, or one created but not handed over / e-mailed
INVITED = "invited"
STARTED = "started"
COMPLETED = "completed"
EXPIRED = "expired"
STATUSES = (UPCOMING, DUE, INVITED, STARTED, COMPLETED, EXPIRED)


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation with its secrets in clear: shown once, never stored."""

    invitation: Invitation
    token: str
    short_code: str


def _new_secrets() -> tuple[str, str, str, str]:
    token = new_link_token()
    short_code = new_short_code()
    short_hash = hash_short_code(short_code)
    if short_hash is None:  # pragma: no cover - new_short_code always yields a valid code
        raise DomainError("could not generate a short code")
    return token, short_code, hash_secret(token), short_hash


def new_invitation(
    beneficiary: Beneficiary, wave: Wave, study: Study, *, now: datetime, channel: str = "link"
) -> IssuedInvitation:
    """Build (not add) an invitation valid ``study.invitation_validity_days`` days."""
    token, short_code, token_hash, short_hash = _new_secrets()
    invitation = Invitation(
        beneficiary_id=beneficiary.id,
        wave_id=wave.id,
        token_hash=token_hash,
        short_code_hash=short_hash,
        channel=channel,
        created_at=now,
        expires_at=now + timedelta(days=study.invitation_validity_days),
    )
    return IssuedInvitation(invitation, token, short_code)


def invite(
    session: Session,
    beneficiary: Beneficiary,
    wave: Wave,
    *,
    actor: Any = None,
    now: datetime | None = None,
) -> IssuedInvitation:
    """Create the invitation of ``beneficiary`` to ``wave`` (one per pair)."""
    study = wave.study
    if study.organisation_id != beneficiary.organisation_id:
        raise NotFound("wave not found")
    if study.status != "active":
        raise Conflict(_("This study is not active: no invitation can be created."))
    existing = session.scalar(
        select(Invitation).where(
            Invitation.beneficiary_id == beneficiary.id, Invitation.wave_id == wave.id
        )
    )
    if existing is not None:
        raise Conflict(_("This person already has an invitation for this wave."))
    issued = new_invitation(beneficiary, wave, study, now=now or utcnow())
    session.add(issued.invitation)
    session.flush()
    audit.record(
        session,
        "invitation.create",
        actor=actor,
        organisation_id=study.organisation_id,
        object_type="invitation",
        object_id=issued.invitation.id,
        details={"study": study.slug, "wave": wave.key},
    )
    return issued


def reissue(
    session: Session,
    invitation: Invitation,
    *,
    channel: str,
    actor: Any = None,
    now: datetime | None = None,
) -> IssuedInvitation:
    """Replace the token and short code and mark the invitation as handed over.

    The previous link and printed card stop working. A completed or expired
    invitation cannot be re-issued: the person has answered, or the window
    has closed.
    """
    now = now or utcnow()
    if invitation.completed_at is not None:
        raise Conflict(_("This survey has already been answered."))
    if invitation.expired_at is not None or invitation.expires_at <= now:
        raise Conflict(_("This invitation has expired."))
    if invitation.wave.study.status != "active":
        raise Conflict(_("This study is not active: no invitation can be sent."))
    token, short_code, token_hash, short_hash = _new_secrets()
    invitation.token_hash = token_hash
    invitation.short_code_hash = short_hash
    invitation.channel = channel
    invitation.sent_at = now
    session.flush()
    audit.record(
        session,
        "invitation.issue",
        actor=actor,
        organisation_id=invitation.wave.study.organisation_id,
        object_type="invitation",
        object_id=invitation.id,
        details={"channel": channel, "wave": invitation.wave.key},
    )
    return IssuedInvitation(invitation, token, short_code)


def mark_sent(
    session: Session,
    invitation: Invitation,
    *,
    channel: str,
    actor: Any = None,
    now: datetime | None = None,
) -> None:
    """Record that the current link was handed over or sent (no new token)."""
    now = now or utcnow()
    if invitation.completed_at is not None:
        raise Conflict(_("This survey has already been answered."))
    if invitation.expired_at is not None or invitation.expires_at <= now:
        raise Conflict(_("This invitation has expired."))
    invitation.channel = channel
    invitation.sent_at = now
    session.flush()
    audit.record(
        session,
        "invitation.send",
        actor=actor,
        organisation_id=invitation.wave.study.organisation_id,
        object_type="invitation",
        object_id=invitation.id,
        details={"channel": channel, "wave": invitation.wave.key},
    )


def matches_secrets(invitation: Invitation, token: str, short_code: str) -> bool:
    """Whether ``token`` and ``short_code`` are the invitation's current ones.

    Lets the card be rendered from the secrets the worker's page holds,
    without the server ever keeping them.
    """
    return (
        bool(token)
        and len(token) <= 128
        and hash_secret(token) == invitation.token_hash
        and hash_short_code(short_code) == invitation.short_code_hash
    )


def get_invitation(session: Session, organisation_id: int, invitation_id: int) -> Invitation:
    """The invitation if it belongs to the organisation, else :class:`NotFound`."""
    invitation = session.scalar(
        select(Invitation)
        .join(Beneficiary, Beneficiary.id == Invitation.beneficiary_id)
        .where(Invitation.id == invitation_id, Beneficiary.organisation_id == organisation_id)
    )
    if invitation is None:
        raise NotFound("invitation not found")
    return invitation


def status_of(invitation: Invitation | None, *, due_on: date | None, today: date) -> str:
    """One word for the worker's list; see :data:`STATUSES`."""
    if invitation is None:
        if due_on is None or due_on > today:
            return UPCOMING
        return DUE
    if invitation.completed_at is not None:
        return COMPLETED
    if invitation.expired_at is not None or invitation.expires_at.date() < today:
        return EXPIRED
    if invitation.started_at is not None or invitation.opened_at is not None:
        return STARTED
    if invitation.sent_at is not None:
        return INVITED
    return DUE


# --- links -------------------------------------------------------------------


def survey_url(base_url: str, token: str) -> str:
    """The single-use link ``<base>/s/<token>``."""
    return f"{base_url.rstrip('/')}/s/{token}"


def code_url(base_url: str) -> str:
    """Where a printed card's short code is typed: ``<base>/code``."""
    return f"{base_url.rstrip('/')}/code"


# --- e-mail --------------------------------------------------------------------


@dataclass(frozen=True)
class OutgoingEmail:
    """A plain-text message: the link and nothing personal beyond the address."""

    to: str
    subject: str
    body: str


Mailer = Callable[[OutgoingEmail], None]


def invitation_email(
    *, to: str, link: str, organisation_name: str, language: str, reminder: bool = False
) -> OutgoingEmail:
    """Compose the invitation (or reminder) in the organisation's language."""
    with force_locale(language):
        if reminder:
            subject = _(
                "Reminder: your opinion matters to %(organisation)s", organisation=organisation_name
            )
        else:
            subject = _("Your opinion matters to %(organisation)s", organisation=organisation_name)
        lines = [
            _("Hello,"),
            "",
            _(
                "%(organisation)s would like to know how the support you received went "
                "and what has changed for you. It takes about five minutes.",
                organisation=organisation_name,
            ),
            _("Your answers are anonymous and do not affect the help you receive."),
            "",
            _("Open this link to answer:"),
            link,
            "",
            _("This link is personal: please do not share it."),
            _("If you do not want to answer, simply ignore this message."),
        ]
    return OutgoingEmail(to=to, subject=subject, body="\n".join(str(line) for line in lines))


def smtp_mailer(config: Mapping[str, Any]) -> Mailer | None:
    """An SMTP sender built from ``MAIL_*`` settings, or None when mail is not configured."""
    if not mail.mail_configured(config):
        return None

    def send(message: OutgoingEmail) -> None:
        mail.send_mail(config, to=message.to, subject=message.subject, body=message.body)

    return send


def email_address_for(invitation: Invitation, organisation: Organisation) -> str | None:
    """The address to e-mail, if the organisation allows it and the person gave one."""
    beneficiary = invitation.beneficiary
    if not organisation.email_invitations_enabled:
        return None
    contact = beneficiary.contact
    if contact is None or not contact.email:
        return None
    return contact.email


# --- cards printed in batches ----------------------------------------------------

MAX_CARDS = 200  # one PDF; larger batches are split by the worker


def open_wave_for(
    session: Session, beneficiary: Beneficiary, study: Study, *, today: date
) -> tuple[Wave, Invitation | None] | None:
    """The wave to print a card for: the first one due, invited or started."""
    waves = list(study.waves)
    found = {
        inv.wave_id: inv
        for inv in session.scalars(
            select(Invitation).where(
                Invitation.beneficiary_id == beneficiary.id,
                Invitation.wave_id.in_([wave.id for wave in waves]),
            )
        ).all()
    }
    baseline = next((wave for wave in waves if wave.kind == "baseline"), None)
    joined = found.get(baseline.id) if baseline else None
    for wave in waves:
        invitation = found.get(wave.id)
        if wave.kind == "baseline":
            due_on: date | None = beneficiary.support_started_on
        elif joined is not None:
            due_on = joined.created_at.date() + timedelta(days=wave.delay_days)
        else:
            due_on = None
        if status_of(invitation, due_on=due_on, today=today) in (DUE, INVITED, STARTED):
            return wave, invitation
    return None


def issue_cards(
    session: Session,
    study: Study,
    people: list[Beneficiary],
    *,
    actor: Any = None,
    now: datetime | None = None,
) -> tuple[list[IssuedInvitation], list[Beneficiary]]:
    """Fresh secrets for one card per person (creating the invitation when due).

    Returns the issued invitations and the people with nothing open to print
    (everything answered, expired or not yet due). A card replaces the link
    handed over before (tokens are stored as hashes: there is no other way
    to print it). One audit event records the batch.
    """
    now = now or utcnow()
    if study.status != "active":
        raise Conflict(_("This study is not active: no invitation can be sent."))
    if len(people) > MAX_CARDS:
        raise DomainError(_("Print at most %(n)s cards at once.", n=MAX_CARDS))
    issued: list[IssuedInvitation] = []
    skipped: list[Beneficiary] = []
    for person in people:
        found = open_wave_for(session, person, study, today=now.date())
        if found is None:
            skipped.append(person)
            continue
        wave, invitation = found
        if invitation is None:
            card = invite(session, person, wave, actor=actor, now=now)
            card.invitation.channel = "card"
            card.invitation.sent_at = now
        else:
            card = reissue(session, invitation, channel="card", actor=actor, now=now)
        issued.append(card)
    session.flush()
    audit.record(
        session,
        "invitation.cards_print",
        actor=actor,
        organisation_id=study.organisation_id,
        object_type="study",
        object_id=study.slug,
        details={"cards": len(issued), "skipped": len(skipped)},
    )
    return issued, skipped
