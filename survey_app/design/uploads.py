"""Keeping a checked upload between "here is what would be dropped" and
"I accept": the parsed definition travels in the confirmation form, signed.

Why not keep the file on the server: nothing to clean up, nothing left
behind when the user walks away. Why signed: the confirmation must import
exactly what was checked and shown, for this organisation, recently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

import questionnaires
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


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def sign(
    questionnaire: questionnaires.Questionnaire,
    ignored: list[questionnaires.Issue],
    filename: str,
    *,
    replace_draft: bool,
) -> str:
    payload: dict[str, Any] = {
        "org": current_organisation_id(),
        "definition": questionnaires.dump_definition(questionnaire),
        "ignored": [[i.location, i.message, i.code] for i in ignored],
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
        [questionnaires.Issue(*item) for item in payload["ignored"]],
        str(payload["filename"]),
        bool(payload["replace_draft"]),
    )
