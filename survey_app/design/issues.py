"""Turning :class:`questionnaires.Issue` objects and domain errors into text
for the designer's error summary, in the user's language.

The ``questionnaires`` package speaks English and names each problem with a
stable ``code``; the designer shows a translated explanation per code, and the
package's precise message (which names keys, codes and cells) beside it.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import questionnaires
from survey_app.design import import_messages
from survey_app.services import questionnaire_store as store
from survey_app.services.errors import DomainError

EXPLANATIONS = {
    "missing_field": _l("A required field is missing."),
    "unknown_field": _l("This field is not part of the format."),
    "unknown_language": _l("Only French (fr) and English (en) are supported."),
    "unknown_type": _l("Unknown question type."),
    "invalid_key": _l("Invalid key: a lowercase letter, then lowercase letters, digits or '_'."),
    "invalid_indicator": _l("Invalid indicator name."),
    "wrong_type": _l("A value has the wrong kind (text, number, list…)."),
    "unsupported_schema": _l("Unsupported format version."),
    "duplicate_field": _l("A field is given twice."),
    "duplicate_key": _l("This key is already used by another question or section."),
    "missing_translation": _l("A translation is missing."),
    "empty_text": _l("A text is empty."),
    "undeclared_language": _l("A text is in a language the questionnaire does not use."),
    "invalid_character": _l("A text contains an invisible control character."),
    "unexpected_field": _l("This setting does not apply to this kind of question."),
    "invalid_bounds": _l("The smallest number is greater than the largest."),
    "unexpected_choices": _l("This kind of question takes no choices of its own."),
    "missing_choices": _l("This question needs choices."),
    "too_few_choices": _l("Give at least two choices."),
    "duplicate_choice_code": _l("Two choices have the same code."),
    "reserved_choice_code": _l("Choice codes may not start with '_' (reserved)."),
    "invalid_choice_code": _l("A choice code may use only letters, digits, '_', '.' and '-'."),
    "incomplete_scores": _l("Give a score to every choice or to none."),
    "invalid_condition": _l("The condition is incomplete."),
    "self_reference": _l("A question cannot depend on itself."),
    "forward_reference": _l("A condition may only refer to an earlier question."),
    "unknown_question": _l("The condition refers to a question that does not exist."),
    "condition_on_open_question": _l("A condition needs a question with choices."),
    "unknown_code": _l("The condition uses a code the question does not have."),
    "indicator_type": _l("This kind of question cannot feed this indicator."),
    "missing_positive": _l("Say which choices count as favourable."),
    "empty_positive": _l("Give at least one favourable code."),
    "unknown_positive_code": _l("A favourable code is not among the choices."),
    "syntax_error": _l("The file is not valid JSON or YAML."),
    "unreadable": _l("The file cannot be read."),
    "file_too_large": _l("The file is too large."),
    "not_xlsx": _l("This is not an Excel workbook (.xlsx or .xls)."),
    "zip_too_many_entries": _l("The workbook has too many parts."),
    "zip_too_large_uncompressed": _l("The workbook expands too much (possible zip bomb)."),
    "zip_ratio_too_high": _l("The workbook expands too much (possible zip bomb)."),
    "unreadable_workbook": _l("The workbook cannot be read."),
    "unsupported_file_type": _l("Unsupported file type: use .xlsx, .json or .yaml."),
    "missing_sheet": _l("A sheet is missing."),
    "empty_survey": _l("The survey has no question."),
    "missing_list": _l("A choice list is missing."),
    "unknown_list": _l("The choice list is not in the choices sheet."),
    "nested_group": _l("Groups inside groups are not supported."),
    "unbalanced_group": _l("A group is not closed, or closed without being opened."),
    "unsupported_type": _l("This question type is not supported and would be dropped."),
    "unsupported_row": _l("This row is not supported and would be dropped."),
    "unsupported_column": _l("This column is not supported and would be dropped."),
    "unsupported_relevant": _l("This display condition is not supported."),
    "unsupported_constraint": _l("This constraint is not supported and would be dropped."),
    "unsupported_required": _l("This 'required' value is not supported."),
    "unsupported_appearance": _l("This appearance is not supported and would be dropped."),
    "unsupported_repeat": _l("Repeats are not supported and would be dropped."),
    "invalid_value": _l("Invalid value."),
    "invalid_score": _l("Invalid score."),
    "invalid_ecoute_type": _l("Invalid ecoute::type value."),
    "builtin_codes_mismatch": _l("The list does not have the codes of the built-in scale."),
    "builtin_label_replaced": _l("The labels of the built-in scale would be replaced."),
    "type_changed": _l("The type of the question changed."),
    "choices_changed": _l("The choices changed."),
    "pna_changed": _l("'Prefer not to answer' was added or removed."),
    "indicator_question_removed": _l("An indicator question was removed."),
    "indicator_changed": _l("The indicator changed."),
    "scale_changed": _l("The scores of the choices (the scale) changed."),
    "polarity_changed": _l("The polarity changed."),
    "positive_changed": _l("The favourable codes changed."),
    "wording_changed": _l("The wording of an indicator question changed."),
}


_CELL = re.compile(r"(?P<sheet>[^\s,!]+)!R(?P<row>\d+)")
_COLUMN = re.compile(r"\bcolumns? (?=[A-Z]{1,3}\b|\")")


def localised_location(location: str) -> str:
    """The package's ``survey!R2 column A "type"`` in the interface language.

    English keeps the spreadsheet notation; other languages read "feuille
    survey, ligne 2, colonne A" (file names, sheet names and headers unchanged).
    """
    if str(get_locale() or "fr") == "en" or not location:
        return location
    location = _CELL.sub(
        lambda m: _("sheet %(sheet)s, row %(row)s", sheet=m["sheet"], row=m["row"]), location
    )
    return _COLUMN.sub(lambda m: _("column") + " ", location)


def describe_issues(issues: list[questionnaires.Issue]) -> list[dict[str, str]]:
    """``location``, ``message`` (translated when known) and ``detail`` (the
    package's precise English message, shown when the page is not in English)."""
    english = str(get_locale() or "fr") == "en"
    out = []
    for issue in issues:
        said = import_messages.describe(issue)
        location = localised_location(issue.location)
        if said is not None:  # the whole sentence in the interface language
            out.append({"location": location, "message": said, "detail": ""})
            continue
        explanation = EXPLANATIONS.get(issue.code)
        if english or explanation is None:
            out.append({"location": location, "message": issue.message, "detail": ""})
        else:
            # The English message is worth showing only when it names something
            # (a key, a code) the translated explanation leaves out.
            detail = issue.message if getattr(issue, "params", None) else ""
            out.append({"location": location, "message": str(explanation), "detail": detail})
    return out


def describe_error(error: Exception) -> str:
    """A translated sentence for a refused change."""
    if isinstance(error, store.NotADraft):
        return _(
            "Version %(label)s is %(status)s: it cannot be changed. Create a new draft "
            "from it to make changes.",
            label=error.label,
            status=status_label(error.status),
        )
    if isinstance(error, store.DraftExists):
        return _(
            "This questionnaire already has a draft (version %(number)s). Edit, publish or "
            "delete it first.",
            number=error.number,
        )
    if isinstance(error, store.KeyTaken):
        return _("A questionnaire with the key %(key)s already exists.", key=error.key)
    if isinstance(error, store.KeyChanged):
        return _(
            "The key %(given)s differs from the questionnaire's key %(expected)s.",
            given=error.given,
            expected=error.expected,
        )
    if isinstance(error, store.VersionInUse):
        return _("Version %(label)s is used by a study or by answers.", label=error.label)
    if isinstance(error, store.NotPublished):
        return _(
            "Version %(label)s is %(status)s: only a published version can be archived.",
            label=error.label,
            status=status_label(error.status),
        )
    if isinstance(error, questionnaires.DefinitionError):
        return _("The definition is not valid: %(problems)s", problems=str(error))
    if isinstance(error, DomainError):
        return str(error)
    return _("Something went wrong")


def status_label(status: str) -> str:
    return {
        "draft": _("draft"),
        "published": _("published"),
        "archived": _("archived"),
    }.get(status, status)


_STEP = re.compile(r"\.?([a-z_]+)(?:\[(\d+)\])?")


def question_field(location: str, key: str) -> str | None:
    """The id of the question form field an issue points at, if it is about
    question ``key`` (``…questions[1] (key).choices[0].code`` → ``choices-0-code``)."""
    marker = f"({key})"
    if marker not in location:
        return None
    rest = location.rsplit(marker, 1)[1]
    steps = [(m.group(1), m.group(2)) for m in _STEP.finditer(rest)]
    if not steps:
        return "key"
    name, index = steps[0]
    tail = [s[0] for s in steps[1:]]
    if name in ("label", "help"):
        return f"{name}-{tail[0]}" if tail and tail[0] in ("fr", "en") else f"{name}-fr"
    if name == "choices":
        row = index or "0"
        part = next((t for t in tail if t in ("code", "score", "fr", "en")), "code")
        return f"choices-{row}-{part}"
    if name == "show_if":
        clause = steps[1][1] if len(steps) > 1 and steps[1][0] in ("all", "any") else "0"
        part = "question" if tail and tail[-1] == "question" else "codes"
        return f"clauses-{clause or '0'}-{part}"
    if name in (
        "key",
        "type",
        "required",
        "prefer_not_to_answer",
        "min",
        "max",
        "indicator",
        "polarity",
        "positive",
    ):
        return name
    return None


_TOP_TEXT = re.compile(r"(?:^|, )(title|intro|consent)(?:\.(fr|en))?$")


def settings_field(location: str) -> str | None:
    """``…, title.en`` → ``title-en``: the questionnaire texts of the create
    and settings forms."""
    match = _TOP_TEXT.search(location)
    if match is None:
        return None
    return f"{match.group(1)}-{match.group(2) or 'fr'}"


def field_label(form: Any, field_id: str) -> str | None:
    """A readable name for a form field id (``choices-1-en`` → "Choice 2 – English")."""
    parts = field_id.split("-")
    try:
        field = form[parts[0]]
    except KeyError:
        return None
    if len(parts) == 1:
        return str(field.label.text)
    if len(parts) == 2:
        return f"{field.label.text} ({parts[1]})"
    row = int(parts[1]) + 1 if parts[1].isdigit() else 0
    try:
        sub = field.entries[row - 1].form[parts[2]] if row else None
    except (IndexError, KeyError):
        sub = None
    name = _("Choice %(n)s", n=row) if parts[0] == "choices" else _("Condition %(n)s", n=row)
    return f"{name} – {sub.label.text}" if sub is not None else name


def attach_fields(issues: list[dict[str, str]], form: Any, locate: Any) -> list[dict[str, str]]:
    """Give each issue the ``field`` (id) and ``label`` it is about, when
    ``locate(location)`` finds one, so the summary links to the field."""
    out = []
    for issue in issues:
        field = locate(issue["location"])
        label = field_label(form, field) if field else None
        if field and label:
            out.append({**issue, "field": field, "label": label})
        else:
            out.append(issue)
    return out
