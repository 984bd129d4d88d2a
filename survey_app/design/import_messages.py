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

from flask_babel import get_locale, pgettext
from flask_babel import gettext as _

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

MESSAGES: dict[str, Callable[[Params], str | None]] = {
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
    "choice_code_changed": lambda p: _(
        'The choice code "%(code)s" is stored as "%(new)s": Écoute\'s codes do not start '
        "with '_' nor contain quotes.",
        code=p["code"],
        new=p["new"],
    ),
    "name_shortened": lambda p: _(
        "The name %(name)s is longer than %(limit)s characters: it is stored as %(key)s.",
        name=p["name"],
        limit=p["limit"],
        key=p["key"],
    ),
    "note_named": lambda p: _("A note without a name is named %(key)s.", key=p["key"]),
    "choice_without_list": lambda p: _("This choice row has no list_name: it is dropped."),
    "no_supported_language": lambda p: _(
        "No text in French or English: Écoute asks its questions in French and English. Name "
        "the language of label columns without one with the import's language option."
    ),
    # -- the workbook itself
    "file_too_large": lambda p: _(
        "The file is %(size)s MB; the limit is %(limit)s MB.", size=p["size"], limit=p["limit"]
    ),
    "not_xlsx": lambda p: (
        _("The workbook is damaged (%(detail)s).", detail=p["detail"])
        if "detail" in p
        else _("This is not an Excel workbook (.xlsx or legacy .xls); CSV files are not accepted.")
    ),
    "zip_too_many_entries": lambda p: _(
        "The workbook has %(count)s parts; the limit is %(limit)s.",
        count=p["count"],
        limit=p["limit"],
    ),
    "zip_too_large_uncompressed": lambda p: _(
        "The workbook expands beyond %(limit)s MB (possible zip bomb).", limit=p["limit"]
    ),
    "zip_ratio_too_high": lambda p: _(
        "The part %(part)s expands %(ratio)s times; the limit is %(limit)s (possible zip bomb).",
        part=p["part"],
        ratio=p["ratio"],
        limit=p["limit"],
    ),
    "unreadable_workbook": lambda p: _(
        "The workbook cannot be read (%(detail)s).", detail=p["detail"]
    ),
    "missing_sheet": lambda p: _("The workbook has no %(sheet)s sheet.", sheet=p["sheet"]),
    # -- columns and rows
    "unsupported_language": lambda p: _(
        'The language of column "%(header)s" is not supported (French and English only): its '
        "text is dropped.",
        header=p["header"],
    ),
    "unsupported_column": lambda p: (
        _('The column "%(header)s" is not supported on a group: it is dropped.', header=p["header"])
        if p.get("on") == "group"
        else _(
            'The column "%(header)s" is not supported: its value "%(value)s" is dropped.',
            header=p["header"],
            value=p["value"],
        )
    ),
    "unsupported_row": lambda p: _(
        "Only the first row of the settings sheet is read: this row is dropped."
    ),
    "missing_field": lambda p: _("This row has no type.") if p["field"] == "type" else None,
    "invalid_score": lambda p: _('The score "%(value)s" is not a number.', value=p["value"]),
    "invalid_value": lambda p: _('"%(value)s" is not yes or no.', value=p["value"]),
    "duplicate_choice_dropped": lambda p: _(
        'The choice code "%(code)s" is used again: this choice is dropped.', code=p["code"]
    ),
    # -- groups
    "nested_group": lambda p: _(
        "A group inside a group is not supported: its questions are kept in the enclosing section."
    ),
    "unbalanced_group": lambda p: (
        _('"%(kind)s" without "%(opening)s".', kind=p["kind"], opening=p["opening"])
        if "opening" in p
        else _('This "begin group" is never closed.')
    ),
    "empty_group": lambda p: _(
        "The group %(name)s has no question Écoute can ask: it is dropped.", name=p["name"]
    ),
    "empty_survey": lambda p: _("The survey has no question Écoute can ask."),
    # -- types
    "unsupported_type": lambda p: {
        "metadata": lambda: _(
            'The metadata field "%(type)s" is not collected by Écoute: it is dropped.',
            type=p["type"],
        ),
        "repeat_choices": lambda: _(
            '"%(type)s" chooses among the answers of a repeat, which Écoute does not support: '
            "the question is dropped.",
            type=p["type"],
        ),
    }.get(
        p.get("kind", ""),
        lambda: _(
            'The question type "%(type)s" is not supported: the question is dropped.',
            type=p["type"],
        ),
    )(),
    "unknown_type": lambda p: _(
        'Unknown question type "%(type)s": the question is dropped.', type=p["type"]
    ),
    "missing_list": lambda p: _('"%(type)s" needs a list name.', type=p["type"]),
    "unknown_list": lambda p: _(
        'The list "%(list)s" is not in the choices sheet (list names are case-sensitive).',
        list=p["list"],
    ),
    "invalid_ecoute_type": lambda p: _(
        'ecoute::type "%(value)s" does not fit the type "%(type)s".',
        value=p["value"],
        type=p["type"],
    ),
    "builtin_codes_mismatch": lambda p: _(
        'The list "%(list)s" must have the codes of the scale (%(expected)s), in this order; it '
        "has %(codes)s.",
        list=p["list"],
        expected=p["expected"],
        codes=p["codes"],
    ),
    "builtin_label_replaced": lambda p: _(
        'The label "%(label)s" is replaced by the standard label of the scale, "%(standard)s".',
        label=p["label"],
        standard=p["standard"],
    ),
    "unsupported_parameters": lambda p: (
        _(
            "The range's display parameters (%(parameters)s) are not supported: they are dropped.",
            parameters=p["parameters"],
        )
        if p["type"] == "range"
        else _(
            'The parameters "%(parameters)s" are not supported on "%(type)s": they are dropped.',
            parameters=p["parameters"],
            type=p["type"],
        )
    ),
    "unsupported_range": lambda p: _(
        'The range parameters "%(parameters)s" cannot be read: the question is dropped.',
        parameters=p["parameters"],
    ),
    # -- columns of a question
    "unsupported_required": lambda p: (
        _('"required" (%(value)s) on a note is dropped: a note takes no answer.', value=p["value"])
        if p.get("on") == "note"
        else _(
            'The required value "%(value)s" is not supported (yes or no): the question is not '
            "required.",
            value=p["value"],
        )
    ),
    "unsupported_appearance": lambda p: _(
        'The appearance "%(value)s" is not supported: it is dropped.', value=p["value"]
    ),
    "unsupported_constraint": lambda p: _(
        'The constraint "%(value)s" is not supported (only ". >= MIN and . <= MAX" on whole '
        "numbers): it is dropped.",
        value=p["value"],
    ),
    "unsupported_relevant": lambda p: {
        "not_earlier": lambda: _(
            "The condition refers to %(question)s, which is not an earlier question Écoute "
            "keeps: the question will always be shown.",
            question=p["question"],
        ),
        "no_choices": lambda: _(
            "The condition refers to %(question)s, a question without choices: the question "
            "will always be shown.",
            question=p["question"],
        ),
        "unknown_code": lambda: _(
            'The condition compares %(question)s with "%(code)s", which is not one of its '
            "codes: the question will always be shown.",
            question=p["question"],
            code=p["code"],
        ),
    }.get(
        p.get("problem", ""),
        lambda: _(
            'The condition "%(value)s" is not supported: the question will always be shown.',
            value=p["value"],
        ),
    )(),
    # -- the definition's rules, as an import meets them
    "duplicate_key": lambda p: (
        _("The name %(key)s is already used (%(first)s).", key=p["key"], first=p["first"])
        if "first" in p
        else _("The group name %(key)s is used twice.", key=p["key"])
    ),
    "missing_translation": lambda p: _(
        "The %(language)s text is missing.", language=_language(p["language"])
    ),
    "undeclared_language": lambda p: _(
        "A text in %(language)s, which is not among the questionnaire's languages.",
        language=_language(p["language"]),
    ),
    "duplicate_choice_code": lambda p: _(
        'The choice code "%(code)s" is used twice.', code=p["code"]
    ),
    "reserved_choice_code": lambda p: _(
        "The choice code \"%(code)s\" starts with '_', which is reserved ('_pna' = prefer not "
        "to answer).",
        code=p["code"],
    ),
    "invalid_choice_code": lambda p: _(
        'The choice code "%(code)s" may not contain quotes nor start or end with a space (nor '
        "contain one in a multiple choice question).",
        code=p["code"],
    ),
    "invalid_bounds": lambda p: _(
        "The smallest number (%(min)s) is greater than the largest (%(max)s).",
        min=p["min"],
        max=p["max"],
    ),
    "forward_reference": lambda p: _(
        "The condition refers to %(question)s, which comes later: it must refer to an earlier "
        "question.",
        question=p["question"],
    ),
    "unknown_question": lambda p: _(
        "The condition refers to an unknown question, %(question)s.", question=p["question"]
    ),
    "condition_on_open_question": lambda p: _(
        "The condition refers to %(question)s, a question without choices: a condition needs "
        "a question with choices.",
        question=p["question"],
    ),
    "unknown_code": lambda p: _(
        '"%(code)s" is not a code of %(question)s (codes: %(codes)s).',
        code=p["code"],
        question=p["question"],
        codes=p["codes"],
    ),
    "unknown_positive_code": lambda p: _(
        'The favourable code "%(code)s" is not among the choices (%(codes)s).',
        code=p["code"],
        codes=p["codes"],
    ),
}


#: Rules of the definition format (the loader's), met by imports and by the
#: designer alike: in English the package's own sentence is already right (and
#: names the JSON path the designer links to), so only other languages get one.
DEFINITION_CODES = frozenset(
    {
        "duplicate_key",
        "missing_translation",
        "undeclared_language",
        "duplicate_choice_code",
        "reserved_choice_code",
        "invalid_choice_code",
        "invalid_bounds",
        "forward_reference",
        "unknown_question",
        "condition_on_open_question",
        "unknown_code",
        "unknown_positive_code",
    }
)


def describe(issue: questionnaires.Issue) -> str | None:
    """The issue in the interface language, or None when it has no message here."""
    message = MESSAGES.get(issue.code)
    if message is None:
        return None
    if issue.code in DEFINITION_CODES and str(get_locale() or "fr") == "en":
        return None
    try:
        return message(issue.params)
    except KeyError:  # an issue made without the params (older signed payloads)
        return None
