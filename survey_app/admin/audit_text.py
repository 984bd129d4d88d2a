"""The audit log in words: "Exported the answers of study Demo, CSV" rather than codes.

Events store a stable action code and plain details (never personal content);
this module only reads them back in the reader's language. An action it does
not know is shown by its code, so a new action never breaks the page.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey_app.models import AuditEvent

ACTIONS: dict[str, Any] = {
    "beneficiary.create": _l("Registered a beneficiary"),
    "beneficiary.import": _l("Imported %(count)s beneficiaries from a file"),
    "beneficiary.erase": _l("Erased a beneficiary's personal data"),
    "beneficiary.access_export": _l("Exported a beneficiary's data (right of access)"),
    "invitation.create": _l("Created an invitation (%(wave)s, study %(study)s)"),
    "invitation.issue": _l("Issued a new survey link (%(channel)s)"),
    "invitation.send": _l("Handed over or sent a survey link (%(channel)s)"),
    "invitation.email": _l("E-mailed a survey link"),
    "invitation.sms": _l("Sent a survey link by SMS"),
    "invitation.remind": _l("Sent reminder number %(reminder)s"),
    "invitation.cards_print": _l("Printed %(cards)s invitation cards for study %(study)s"),
    "export.answers": _l("Exported the answers of study %(study)s, %(format)s"),
    "export.indicators": _l("Exported the indicator tables of study %(study)s, %(format)s"),
    "report.preview": _l("Viewed the dashboard of study %(study)s"),
    "report.download": _l("Downloaded the PDF report of study %(study)s"),
    "study.create": _l("Created study %(study)s"),
    "study.update": _l("Changed study %(study)s"),
    "study.status": _l("Changed the status of study %(study)s"),
    "study.wave_version": _l("Moved a wave of study %(study)s to a new questionnaire version"),
    "study.open_link_create": _l("Created an open link for study %(study)s"),
    "study.open_link_deactivate": _l("Closed an open link of study %(study)s"),
    "questionnaire.import": _l("Imported a questionnaire"),
    "questionnaire.export": _l("Exported a questionnaire"),
    "questionnaire.publish": _l("Published a questionnaire version"),
    "questionnaire.archive": _l("Archived a questionnaire version"),
    "membership.add": _l("Added a member"),
    "membership.role": _l("Changed a member's role"),
    "membership.set": _l("Changed a member's access"),
    "user.create": _l("Created an account"),
    "site.create": _l("Created a site"),
    "site.update": _l("Changed a site"),
    "site.activate": _l("Reactivated a site"),
    "site.deactivate": _l("Deactivated a site"),
    "organisation.create": _l("Created the organisation"),
    "organisation.settings": _l("Changed the settings"),
    "organisation.sms_gateway": _l("Changed the SMS gateway"),
    "message_text.change": _l("Changed an invitation text (%(object)s)"),
    "retention.purge": _l("Purged personal data past its retention period"),
    "response.assisted_start": _l("Started an assisted answer"),
    "login.success": _l("Signed in"),
    "login.failure": _l("Failed to sign in"),
    "login.throttled": _l("Sign-in blocked after repeated failures"),
    "password.change": _l("Changed their password"),
    "password.reset": _l("Reset their password"),
    "password.reset_requested": _l("Asked for a password reset"),
    "password.reset_link_created": _l("Created a password-reset link"),
    "password.set_by_operator": _l("Password set by an operator"),
    "totp.enable": _l("Turned on the second factor"),
    "totp.disable": _l("Turned off the second factor"),
    "totp.recovery_codes": _l("Renewed the recovery codes"),
    "study.open_link_print": _l("Printed the poster or QR code of an open link (%(format)s)"),
    "open_answers.suggested": _l(
        "Suggested %(themes)s themes for the free-text answers of study %(study)s"
    ),
    "open_answers.created": _l("Created a theme for the free-text answers of study %(study)s"),
    "open_answers.renamed": _l("Renamed a theme of the free-text answers of study %(study)s"),
    "open_answers.merged": _l("Merged two themes of the free-text answers of study %(study)s"),
    "open_answers.validated": _l("Validated a theme of the free-text answers of study %(study)s"),
    "open_answers.rejected": _l("Rejected a theme of the free-text answers of study %(study)s"),
    "open_answers.quotes_allowed": _l("Allowed free-text answers of study %(study)s as quotes"),
    "open_answers.quotes_excluded": _l("Excluded free-text answers of study %(study)s from quotes"),
    "api_key.create": _l("Created an API key"),
    "api_key.revoke": _l("Revoked an API key"),
    "api.request": _l("Used an API key"),
    "beneficiary.api_upsert": _l("Registered or updated a beneficiary through the API"),
    "webhook.create": _l("Created a webhook"),
    "webhook.enable": _l("Turned a webhook on"),
    "webhook.disable": _l("Turned a webhook off"),
}

#: The filter menu names an action without its details: a sentence with its
#: placeholders cut out reads badly in French ("A importé personnes …").
ACTION_MENU: dict[str, Any] = {
    "beneficiary.import": _l("Imported beneficiaries from a file"),
    "invitation.create": _l("Created an invitation"),
    "invitation.issue": _l("Issued a new survey link"),
    "invitation.send": _l("Handed over or sent a survey link"),
    "invitation.remind": _l("Sent a reminder"),
    "invitation.cards_print": _l("Printed invitation cards"),
    "export.answers": _l("Exported the answers of a study"),
    "export.indicators": _l("Exported the indicator tables of a study"),
    "report.preview": _l("Viewed the dashboard of a study"),
    "report.download": _l("Downloaded the PDF report of a study"),
    "study.create": _l("Created a study"),
    "study.update": _l("Changed a study"),
    "study.status": _l("Changed the status of a study"),
    "study.wave_version": _l("Moved a wave to a new questionnaire version"),
    "study.open_link_create": _l("Created an open link"),
    "study.open_link_deactivate": _l("Closed an open link"),
    "study.open_link_print": _l("Printed the poster or QR code of an open link"),
    "message_text.change": _l("Changed an invitation text"),
    "open_answers.suggested": _l("Suggested themes for free-text answers"),
    "open_answers.created": _l("Created a theme for free-text answers"),
    "open_answers.renamed": _l("Renamed a theme of free-text answers"),
    "open_answers.merged": _l("Merged two themes of free-text answers"),
    "open_answers.validated": _l("Validated a theme of free-text answers"),
    "open_answers.rejected": _l("Rejected a theme of free-text answers"),
    "open_answers.quotes_allowed": _l("Allowed free-text answers as quotes"),
    "open_answers.quotes_excluded": _l("Excluded free-text answers from quotes"),
}

DETAIL_NAMES: dict[str, Any] = {
    "format": _l("format"),
    "free_text": _l("free-text answers included"),
    "count": _l("people"),
    "with_contact": _l("with contact details"),
    "source": _l("source"),
    "channel": _l("channel"),
    "wave": _l("wave"),
    "reminder": _l("reminder"),
    "cards": _l("cards"),
    "skipped": _l("skipped"),
    "sites": _l("sites"),
    "waves": _l("waves"),
    "enrol": _l("who takes part"),
    "enrolled": _l("people enrolled"),
    "lang": _l("language"),
    "from": _l("from"),
    "to": _l("to"),
    "study": _l("study"),
    "service": _l("service"),
    "removed": _l("removed"),
    "contact": _l("contact details given"),
    "reset": _l("back to the built-in text"),
    "themes": _l("themes"),
    "answers": _l("answers"),
    "label": _l("theme"),
    "old": _l("before"),
    "new": _l("after"),
    "merged": _l("merged theme"),
    "into": _l("into"),
    "site": _l("site"),
    "period_label": _l("period"),
    "breakdown_wave": _l("wave compared across sites"),
}
OBJECT_TYPES: dict[str, Any] = {
    "api_key": _l("API key"),
    "beneficiary": _l("beneficiary"),
    "invitation": _l("invitation"),
    "message_text": _l("invitation text"),
    "open_answer_theme": _l("theme"),
    "open_link": _l("open link"),
    "organisation": _l("organisation"),
    "questionnaire_version": _l("questionnaire version"),
    "site": _l("site"),
    "study": _l("study"),
    "user": _l("account"),
    "webhook_endpoint": _l("webhook"),
}


def object_in_words(event: AuditEvent, study_titles: dict[str, str]) -> str:
    """ "study Demo", "invitation 42": the object's kind in the reader's language, a
    study by its title (the identifier stays for every other kind: it is what the
    log can be searched by)."""
    if not event.object_type:
        return ""
    kind = str(OBJECT_TYPES.get(event.object_type, event.object_type))
    if event.object_type == "study" and str(event.object_id) in study_titles:
        return f"{kind} {study_titles[str(event.object_id)]}"
    return f"{kind} {event.object_id or ''}".strip()


HIDDEN_DETAILS = {"study_id", "site_id"}


class _Values(dict[str, Any]):
    """Placeholders an event lacks read as "—" instead of failing."""

    def __missing__(self, key: str) -> str:
        return "—"


def _study_name(event: AuditEvent, titles: dict[str, str]) -> str:
    details = event.details or {}
    for candidate in (details.get("study"), details.get("study_id"), event.object_id):
        if candidate is not None and str(candidate) in titles:
            return titles[str(candidate)]
    return str(details.get("study") or event.object_id or "—")


def describe_action(action: str) -> str:
    """The action alone, for the filter's menu (placeholders left out)."""
    if action in ACTION_MENU:
        return str(ACTION_MENU[action])
    text = ACTIONS.get(action)
    if text is None:
        return action
    words = str(text) % _Values()
    return words.replace(" (—)", "").replace(" —", "").replace(", —", "")


WaveNames = dict[tuple[str, str], str]


def _study_slug(event: AuditEvent) -> str:
    details = event.details or {}
    return str(details.get("study") or event.object_id or "")


def _waves_word(event: AuditEvent, value: Any, waves: WaveNames | None) -> str:
    """A wave key (or a list of them) as the waves' names ("Follow-up 1"), when known."""
    slug = _study_slug(event)
    keys = value if isinstance(value, list | tuple) else [value]
    names = [(waves or {}).get((slug, str(key)), str(key)) for key in keys]
    return ", ".join(names)


def _value_word(event: AuditEvent, key: str, value: Any, waves: WaveNames | None) -> str:
    if key in ("wave", "waves", "breakdown_wave") and value:
        return _waves_word(event, value, waves)
    return _word(value)


def describe(
    event: AuditEvent, study_titles: dict[str, str], waves: WaveNames | None = None
) -> str:
    """The action in words, in the current language (waves by name when ``waves`` knows them)."""
    text = ACTIONS.get(event.action)
    if text is None:
        return event.action
    details = event.details or {}
    values = _Values(
        {key: _value_word(event, key, value, waves) for key, value in details.items()},
        object=event.object_id,
        study=_study_name(event, study_titles),
    )
    if "format" in details:
        values["format"] = str(details["format"]).upper()
    return str(text) % values


def _word(value: Any) -> str:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def details_in_words(event: AuditEvent, waves: WaveNames | None = None) -> str:
    """``key: value`` pairs with translated names, identifiers the action already says left out."""
    parts = []
    for key, value in (event.details or {}).items():
        if key in HIDDEN_DETAILS:
            continue
        name = DETAIL_NAMES.get(key)
        said = _value_word(event, key, value, waves)
        parts.append(f"{name if name is not None else key}: {said}")
    return "; ".join(parts)
