"""Keeping a checked upload between "here is what would be dropped" and
"I accept": the parsed definition travels in the confirmation form, signed.

Why not keep the file on the server: nothing to clean up, nothing left
behind when the user walks away. Why signed: the confirmation must import
exactly what was checked and shown, for this organisation, recently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app, flash
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

import questionnaires
from questionnaires.model import FrozenMap
from survey_app.design.issues import describe_issues
from survey_app.security.sessions import current_organisation_id

MAX_BYTES = questionnaires.xlsform.MAX_UPLOAD_BYTES
MAX_AGE_SECONDS = 3600
_SALT = "design.import-confirm"


class StaleUpload(ValueError):
    """The signed payload is too old, altered, or from another organisation."""


@dataclass(frozen=True)
class StagedImport:
    questionnaire: questionnaires.Questionnaire
    ignored: list[questionnaires.Issue]
    filename: str
    replace_draft: bool
    notes: list[questionnaires.Issue] = field(default_factory=list)


def _plain(issues: list[questionnaires.Issue]) -> list[list[Any]]:
    return [[i.location, i.message, i.code, dict(i.params)] for i in issues]


def _issues(items: list[list[Any]]) -> list[questionnaires.Issue]:
    return [
        questionnaires.Issue(*item[:3], FrozenMap(item[3] if len(item) > 3 else {}))
        for item in items
    ]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def sign(
    questionnaire: questionnaires.Questionnaire,
    ignored: list[questionnaires.Issue],
    filename: str,
    *,
    replace_draft: bool,
    notes: list[questionnaires.Issue] | None = None,
) -> str:
    payload: dict[str, Any] = {
        "org": current_organisation_id(),
        "definition": questionnaires.dump_definition(questionnaire),
        "ignored": _plain(ignored),
        "notes": _plain(notes or []),
        "filename": filename[:200],
        "replace_draft": replace_draft,
    }
    return str(_serializer().dumps(payload))


def unsign(token: str) -> StagedImport:
    try:
        payload = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature as error:
        raise StaleUpload(str(error)) from error
    if not isinstance(payload, dict) or payload.get("org") != current_organisation_id():
        raise StaleUpload("another organisation")
    try:
        definition = questionnaires.load_definition(payload["definition"])
    except questionnaires.DefinitionError as error:  # pragma: no cover - signed, so valid
        raise StaleUpload(str(error)) from error
    return StagedImport(
        definition,
        _issues(payload["ignored"]),
        str(payload["filename"]),
        bool(payload["replace_draft"]),
        _issues(payload.get("notes", [])),
    )


def flash_notes(notes: list[questionnaires.Issue]) -> None:
    """Tell what the import filled in (standard texts, missing translations…)."""
    if not notes:
        return
    flash(
        _(
            "%(count)s text(s) or setting(s) were filled in by the import; check them in the "
            "designer:",
            count=len(notes),
        ),
        "info",
    )
    for note in describe_issues(notes):
        flash(f"{note['location']} — {note['message']}", "info")
