"""Factories for the questionnaire designer tests."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

import questionnaires
from survey_app.models import Role
from survey_app.services import questionnaire_store as store
from tests.factories import login, make_organisation, make_user


def signed_in_quality_manager(client: Any, session: Any, **org: Any) -> Any:
    """Create an organisation with a quality manager, sign them in, return the organisation."""
    organisation = make_organisation(session, **org)
    user = make_user(session, organisation, Role.QUALITY_MANAGER)
    session.commit()
    login(client, user.email)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return organisation


def small_definition(key: str = "small", **changes: Any) -> dict[str, Any]:
    """A valid two-language definition with a choice question and a condition."""
    definition: dict[str, Any] = {
        "schema": questionnaires.SCHEMA_ID,
        "key": key,
        "languages": ["fr", "en"],
        "title": {"fr": "Petit", "en": "Small"},
        "intro": {"fr": "Bonjour.", "en": "Hello."},
        "consent": {"fr": "Vous êtes libre.", "en": "You are free."},
        "sections": [
            {
                "key": "main",
                "questions": [
                    {
                        "key": "heard",
                        "type": "agreement",
                        "label": {"fr": "On m'écoute.", "en": "I am heard."},
                        "indicator": "listening",
                    },
                    {
                        "key": "help_kind",
                        "type": "single_choice",
                        "label": {"fr": "Quelle aide ?", "en": "Which help?"},
                        "choices": [
                            {"code": "food", "label": {"fr": "Repas", "en": "Food"}},
                            {"code": "housing", "label": {"fr": "Logement", "en": "Housing"}},
                        ],
                    },
                    {
                        "key": "why",
                        "type": "text_short",
                        "label": {"fr": "Pourquoi ?", "en": "Why?"},
                        "show_if": {"question": "heard", "in": ["1", "2"]},
                    },
                ],
            }
        ],
    }
    definition.update(changes)
    return definition


def stored_draft(session: Any, organisation: Any, key: str = "small") -> Any:
    version = store.create_questionnaire(
        session, organisation, questionnaires.load_definition(small_definition(key))
    )
    session.commit()
    return version


def stored_published(session: Any, organisation: Any, key: str = "small") -> Any:
    version = store.publish(session, stored_draft(session, organisation, key))
    session.commit()
    return version


def xlsform_bytes(
    survey: list[list[Any]],
    choices: list[list[Any]] | None = None,
    settings: list[list[Any]] | None = None,
) -> bytes:
    """An XLSForm workbook built with openpyxl: first row of each list = headers."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    if choices is not None:
        ws = workbook.create_sheet("choices")
        for row in choices:
            ws.append(row)
    if settings is not None:
        ws = workbook.create_sheet("settings")
        for row in settings:
            ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD_SURVEY = [
    ["type", "name", "label::French (fr)", "label::English (en)", "required", "relevant"],
    ["select_one yn", "has_job", "Avez-vous un emploi ?", "Do you have a job?", "yes", ""],
    ["integer", "hours", "Combien d'heures ?", "How many hours?", "", "${has_job} = 'yes'"],
    ["text", "comment", "Un commentaire ?", "A comment?", "", ""],
]
GOOD_CHOICES = [
    ["list_name", "name", "label::French (fr)", "label::English (en)"],
    ["yn", "yes", "Oui", "Yes"],
    ["yn", "no", "Non", "No"],
]
GOOD_SETTINGS = [
    [
        "form_id",
        "form_title",
        "ecoute::title::fr",
        "ecoute::title::en",
        "ecoute::intro::fr",
        "ecoute::intro::en",
        "ecoute::consent::fr",
        "ecoute::consent::en",
    ],
    ["jobs", "Jobs", "Emploi", "Jobs", "Bonjour.", "Hello.", "Libre.", "Free."],
]
