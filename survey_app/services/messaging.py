"""Invitation texts (e-mail and SMS, per language) and the SMS gateway of an organisation.

**Texts.** Each organisation may write its own invitation and reminder texts
per channel and language; without one, the built-in translated text is used.
Texts hold placeholders among :data:`PLACEHOLDERS` only (``{link}``,
``{code}``, ``{organisation}``, ``{expires}``); anything else in braces is
refused when saving, so a text can never read another value. An SMS must
carry ``{link}``.

**SMS gateway.** SMS leave through Apprise (one URL for Twilio, Vonage, OVH,
Brevo, … or a local JSON endpoint). The URL holds the provider's credentials:
it is stored encrypted (Fernet, key derived from ``SECRET_KEY``), never shown
back in full (:func:`masked`), and every change is audited without it. The
recipient goes where the URL says ``{phone}``; without that placeholder it is
added as ``to=`` (the parameter most SMS services of Apprise read).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import (
    MessageTemplate,
    Organisation,
    User,
    utcnow,
)
from survey_app.models.messaging import MESSAGE_CHANNELS, MESSAGE_KINDS
from survey_app.services import audit
from survey_app.services.errors import DomainError

LANGUAGES = ("fr", "en")
PLACEHOLDERS = ("organisation", "link", "code", "expires")
_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
SMS_MAX_CHARACTERS = 480  # three concatenated SMS; a link and a code fit easily in one or two
SAMPLE_PHONE = "+33600000000"

SmsSender = Callable[[str, str, str], None]  # (gateway URL, phone, text)


# --- texts ------------------------------------------------------------------------


def default_text(channel: str, kind: str, language: str) -> tuple[str, str]:
    """The built-in (subject, body) in ``language``; the subject is empty for SMS."""
    with force_locale(language):
        if channel == "sms":
            if kind == "reminder":
                body = _(
                    "{organisation}: reminder, your opinion matters. Answer in 5 minutes, "
                    "anonymously: {link} (or code {code})"
                )
            else:
                body = _(
                    "{organisation} asks for your opinion on the support you receive. "
                    "5 minutes, anonymous: {link} (or code {code})"
                )
            return "", str(body)
        if kind == "reminder":
            subject = _("Reminder: your opinion matters to {organisation}")
        else:
            subject = _("Your opinion matters to {organisation}")
        body = "\n".join(
            str(line)
            for line in (
                _("Hello,"),
                "",
                _(
                    "{organisation} would like to know how the support you received went "
                    "and what has changed for you. It takes about five minutes."
                ),
                _("Your answers are anonymous and do not affect the help you receive."),
                "",
                _("Open this link to answer:"),
                "{link}",
                _("Or type the code {code}. The link works until {expires}."),
                "",
                _("This link is personal: please do not share it."),
                _("If you do not want to answer, simply ignore this message."),
            )
        )
        return str(subject), body


def _check(channel: str, kind: str, language: str) -> None:
    if channel not in MESSAGE_CHANNELS or kind not in MESSAGE_KINDS or language not in LANGUAGES:
        raise DomainError(f"unknown text {channel}/{kind}/{language}")


def get_text(
    session: Session, organisation_id: int, channel: str, kind: str, language: str
) -> tuple[str, str, bool]:
    """(subject, body, customised) for this organisation."""
    _check(channel, kind, language)
    stored = session.scalar(
        select(MessageTemplate).where(
            MessageTemplate.organisation_id == organisation_id,
            MessageTemplate.channel == channel,
            MessageTemplate.kind == kind,
            MessageTemplate.language == language,
        )
    )
    if stored is None:
        return (*default_text(channel, kind, language), False)
    return stored.subject, stored.body, True


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in _PLACEHOLDER_RE.findall(text) if name not in PLACEHOLDERS]


def fill(text: str, values: dict[str, str]) -> str:
    """Replace the known placeholders; nothing else in the text is interpreted."""
    return _PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def sample_values(organisation: Organisation, base_url: str) -> dict[str, str]:
    return {
        "organisation": organisation.name,
        "link": f"{base_url.rstrip('/')}/s/EXAMPLE-LINK-abcdefghijklmnopqrstuvw",
        "code": "ABCD-EFGH-JK",
        "expires": "31/01/2027",
    }


def save_text(
    session: Session,
    organisation: Organisation,
    *,
    channel: str,
    kind: str,
    language: str,
    subject: str,
    body: str,
    actor: User | None = None,
) -> None:
    """Store the organisation's own text (an empty body returns to the built-in one)."""
    _check(channel, kind, language)
    body = body.strip()
    subject = subject.strip()
    stored = session.scalar(
        select(MessageTemplate).where(
            MessageTemplate.organisation_id == organisation.id,
            MessageTemplate.channel == channel,
            MessageTemplate.kind == kind,
            MessageTemplate.language == language,
        )
    )
    if not body:
        if stored is not None:
            session.delete(stored)
    else:
        unknown = unknown_placeholders(subject + body)
        if unknown:
            raise DomainError(
                _(
                    "Unknown placeholder: %(names)s. Use only %(allowed)s.",
                    names=", ".join("{" + name + "}" for name in unknown),
                    allowed=", ".join("{" + name + "}" for name in PLACEHOLDERS),
                )
            )
        if "{link}" not in body:
            raise DomainError(_("The text must contain {link}, or nobody can answer."))
        if channel == "sms" and len(body) > SMS_MAX_CHARACTERS:
            raise DomainError(
                _("An SMS text may have at most %(n)s characters.", n=SMS_MAX_CHARACTERS)
            )
        if stored is None:
            stored = MessageTemplate(
                organisation_id=organisation.id,
                channel=channel,
                kind=kind,
                language=language,
            )
            session.add(stored)
        stored.subject = subject[:200]
        stored.body = body
        stored.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        "message_text.change",
        actor=actor,
        organisation_id=organisation.id,
        object_type="message_text",
        object_id=f"{channel}/{kind}/{language}",
        details={"reset": not body},
    )


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def compose(
    session: Session,
    organisation: Organisation,
    *,
    channel: str,
    kind: str,
    language: str | None,
    link: str,
    code: str,
    expires: str,
) -> Message:
    """The text to send, in the person's language (else the organisation's)."""
    language = language if language in LANGUAGES else organisation.default_language
    if language not in LANGUAGES:
        language = "fr"
    subject, body, _custom = get_text(session, organisation.id, channel, kind, language)
    values = {"organisation": organisation.name, "link": link, "code": code, "expires": expires}
    return Message(fill(subject, values), fill(body, values))


# --- SMS gateway --------------------------------------------------------------------


def _fernet(secret_key: str, purpose: bytes = b"ecoute-sms-gateway:") -> Any:
    from cryptography.fernet import Fernet

    digest = hashlib.sha256(purpose + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(secret_key: str, text: str, purpose: str) -> str:
    """``text`` encrypted with a key derived from ``SECRET_KEY`` and ``purpose``."""
    return str(_fernet(secret_key, purpose.encode() + b":").encrypt(text.encode()).decode())


def unseal(secret_key: str, sealed: str | None, purpose: str) -> str | None:
    """The text :func:`seal` hid, or None (nothing sealed, or another key)."""
    if not sealed:
        return None
    from cryptography.fernet import InvalidToken

    try:
        return str(_fernet(secret_key, purpose.encode() + b":").decrypt(sealed.encode()).decode())
    except InvalidToken:
        return None


def gateway_url(organisation: Organisation, secret_key: str) -> str | None:
    """The decrypted Apprise URL, or None when SMS is not set up (or the key changed)."""
    if not organisation.sms_url_encrypted:
        return None
    from cryptography.fernet import InvalidToken

    try:
        return str(_fernet(secret_key).decrypt(organisation.sms_url_encrypted.encode()).decode())
    except InvalidToken:
        return None


def masked(organisation: Organisation, secret_key: str) -> str | None:
    """What the settings page shows: the service and the last four characters."""
    url = gateway_url(organisation, secret_key)
    if url is None:
        return None
    scheme = url.split("://", 1)[0]
    return f"{scheme}://…{url[-4:]}" if len(url) > 16 else f"{scheme}://…"


def recipient_url(url: str, phone: str) -> str:
    """The gateway URL addressed to ``phone`` (at ``{phone}``, else as ``to=``)."""
    quoted = quote(phone, safe="")
    if "{phone}" in url:
        return url.replace("{phone}", quoted)
    return f"{url}{'&' if '?' in url else '?'}to={quoted}"


def normalise_phone(phone: str) -> str:
    """International form: spaces and dots removed, 00 → +, a French 0X… → +33X…."""
    digits = re.sub(r"[\s.()-]", "", phone)
    if digits.startswith("00"):
        return "+" + digits[2:]
    if re.fullmatch(r"0[1-9]\d{8}", digits):
        return "+33" + digits[1:]
    return digits


def set_gateway(
    session: Session,
    organisation: Organisation,
    url: str,
    *,
    secret_key: str,
    actor: User | None = None,
) -> None:
    """Store (encrypted) or clear (empty ``url``) the organisation's SMS gateway."""
    url = url.strip()
    if url:
        if len(url) > 2000:
            raise DomainError(_("This address is too long."))
        if not _accepts(recipient_url(url, SAMPLE_PHONE)):
            raise DomainError(
                _("This is not a notification address Apprise knows (e.g. twilio://…).")
            )
        organisation.sms_url_encrypted = _fernet(secret_key).encrypt(url.encode()).decode()
    else:
        organisation.sms_url_encrypted = None
    session.flush()
    audit.record(
        session,
        "organisation.sms_gateway",
        actor=actor,
        organisation_id=organisation.id,
        object_type="organisation",
        object_id=organisation.slug,
        details={"service": url.split("://", 1)[0] if url else "", "removed": not url},
    )


def _accepts(url: str) -> bool:
    """Whether Apprise knows this address (it loads its plugins on first use)."""
    import warnings

    import apprise

    with warnings.catch_warnings():
        # Apprise 2.2's e-mail plugin imports the standard library's deprecated imghdr.
        warnings.simplefilter("ignore", DeprecationWarning)
        return bool(apprise.Apprise().add(url))


def apprise_sender(url: str, phone: str, text: str) -> None:
    """Send one SMS through Apprise; raises :class:`DomainError` when it failed."""
    import warnings

    import apprise

    notifier = apprise.Apprise()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if not notifier.add(recipient_url(url, normalise_phone(phone))):
            raise DomainError("the SMS gateway address is not valid")
        if not notifier.notify(body=text, title=""):
            raise DomainError("the SMS gateway refused the message")
