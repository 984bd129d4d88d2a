"""XLSForm import messages in the interface language.

``questionnaires`` stays free of Flask and speaks English only: each
:class:`questionnaires.Issue` carries a stable ``code`` and, for the XLSForm
import's notes and drops, the ``params`` its message names. This module says
those issues in the user's language with Flask-Babel, so that a French page
shows a French sentence (not a French summary beside an English detail). Codes
not listed here keep the designer's explanation + English detail
(:func:`survey_app.design.issues.describe_issues`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask_babel import gettext as _
from flask_babel import pgettext

import questionnaires


def _language(code: str) -> str:
    """A language's name inside a sentence ("français" in French)."""
    names = {
        "fr": pgettext("language in a sentence", "French"),
        "en": pgettext("language in a sentence", "English"),
    }
    return names.get(code, code)


def _text_name(name: str) -> str:
    return {"intro": _("introduction"), "consent": _("consent text")}.get(name, name)


Params = Mapping[str, str]

MESSAGES: dict[str, Callable[[Params], str]] = {
    "standard_text": lambda p: _(
        "No %(language)s %(text)s in the file: Écoute's standard text is used. Read it and "
        "adapt it in the designer.",
        language=_language(p["language"]),
        text=_text_name(p["text"]),
    ),
    "title_from_filename": lambda p: _(
        "No form_title: the %(language)s title is the file name.",
        language=_language(p["language"]),
    ),
    "translation_filled": lambda p: _(
        "No %(language)s text: the %(source)s text stands in until you translate it in the "
        "designer.",
        language=_language(p["language"]),
        source=_language(p["source"]),
    ),
    "key_from_filename": lambda p: _(
        "No form_id: the key %(key)s is made from the file name.", key=p["key"]
    ),
    "key_normalised": lambda p: _(
        "The form_id %(given)s becomes the key %(key)s (lowercase letters, digits, '_' and '-').",
        given=p["given"],
        key=p["key"],
    ),
    "renamed_duplicate": lambda p: _(
        "The name %(name)s is reserved or already used (case aside): this question is stored "
        "as %(key)s.",
        name=p["name"],
        key=p["key"],
    ),
    "no_label": lambda p: (
        _("No label: the name %(name)s stands in. Write a label in the designer.", name=p["name"])
        if "name" in p
        else _("No label: the hint becomes the label.")
    ),
    "range_as_integer": lambda p: _(
        "This range is asked as a whole number between %(low)s and %(high)s.",
        low=p["low"],
        high=p["high"],
    ),
    "answer_reference": lambda p: _(
        "%(references)s is removed from this text: Écoute does not show earlier answers in "
        "texts. '…' stands in its place.",
        references=p["references"],
    ),
    "unsupported_sheet": lambda p: _(
        "The sheet %(sheet)s is not read (only survey, choices and settings are): its content "
        "is dropped.",
        sheet=p["sheet"],
    ),
    "duplicate_column": lambda p: _(
        "This column repeats column %(first)s (same text, same language): its %(count)s "
        "cell(s) are dropped.",
        first=p["first"],
        count=p["count"],
    ),
    "repeat_asked_once": lambda p: _(
        "The repeat %(name)s is asked once: Écoute does not repeat questions.", name=p["name"]
    ),
    "unsupported_range_step": lambda p: _(
        "The range's step (or its bounds) is not enforced: the question asks for a number."
    ),
    "note_named": lambda p: _("A note without a name is named %(key)s.", key=p["key"]),
    "choice_without_list": lambda p: _("This choice row has no list_name: it is dropped."),
    "no_supported_language": lambda p: _(
        "No text in French or English: Écoute asks its questions in French and English. Name "
        "the language of label columns without one with the import's language option."
    ),
}


def describe(issue: questionnaires.Issue) -> str | None:
    """The issue in the interface language, or None when it has no message here."""
    message = MESSAGES.get(issue.code)
    if message is None:
        return None
    try:
        return message(issue.params)
    except KeyError:  # an issue made without the params (older signed payloads)
        return None
