"""Sending plain-text e-mail through the SMTP server named by the ``MAIL_*`` settings.

Kept tiny on purpose: one message at a time, STARTTLS unless turned off, no
HTML (nothing to escape, nothing to track). When ``MAIL_SERVER`` is empty the
feature is off and callers print or show the message instead.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any


class MailNotConfigured(Exception):
    """No SMTP server is configured."""


def mail_configured(config: Mapping[str, Any]) -> bool:
    return bool(config.get("MAIL_SERVER")) and bool(config.get("MAIL_SENDER"))


def send_mail(config: Mapping[str, Any], *, to: str, subject: str, body: str) -> None:
    """Send one message; raise :class:`MailNotConfigured` or ``smtplib``/``OSError`` errors."""
    if not mail_configured(config):
        raise MailNotConfigured("MAIL_SERVER and MAIL_SENDER must be set")
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 587)), timeout=20) as smtp:
        if config.get("MAIL_USE_TLS", True):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)
