"""XLSForm export: a workbook that pyxform (ODK, KoboToolbox) converts without
error or warning and that :func:`questionnaires.read_xlsform` reads back into an
equal questionnaire (both tested, the first with pyxform itself)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from .model import Clause, Condition, Question, Questionnaire

LANGUAGE_NAMES = {"fr": "French (fr)", "en": "English (en)"}
#: The choices' score column. Written without "::": pyxform reads "a::b" as
#: column a in language b and fails on it in the choices sheet; the older
#: ``ecoute::score`` is still read.
SCORE_COLUMN = "ecoute_score"
BUILTIN_LISTS = {"agreement": "agree5", "rating": "rating0_10", "yes_no": "yes_no"}


def write_relevant(condition: Condition, questionnaire: Questionnaire) -> str:
    """The XLSForm ``relevant`` expression of a condition."""
    types = {q.key: q.type for q in questionnaire.questions}

    def atom(question: str, code: str, negate: bool) -> str:
        if types.get(question) == "multiple_choice":
            test = f"selected(${{{question}}}, '{code}')"
            return f"not({test})" if negate else test
        return f"${{{question}}} {'!=' if negate else '='} '{code}'"

    def clause(c: Clause) -> str:
        parts = [atom(c.question, code, c.negate) for code in c.codes]
        if len(parts) == 1:
            return parts[0]
        return "(" + (" and " if c.negate else " or ").join(parts) + ")"

    joiner = " and " if condition.combine == "all" else " or "
    return joiner.join(clause(c) for c in condition.clauses)


def lang_header(base: str, lang: str) -> str:
    return f"{base}::{LANGUAGE_NAMES[lang]}"


def write_xlsform(q: Questionnaire) -> bytes:
    """Export to an XLSForm workbook that KoboToolbox/ODK can read and that
    :func:`read_xlsform` turns back into an equal questionnaire."""
    import openpyxl

    langs = q.languages
    survey_headers = [
        "type",
        "name",
        *(lang_header("label", lang) for lang in langs),
        *(lang_header("hint", lang) for lang in langs),
        "required",
        "relevant",
        "constraint",
        "appearance",
        "ecoute::type",
        "ecoute::indicator",
        "ecoute::polarity",
        "ecoute::positive",
        "ecoute::prefer_not_to_answer",
    ]
    choice_headers = [
        "list_name",
        "name",
        *(lang_header("label", lang) for lang in langs),
        SCORE_COLUMN,
    ]
    settings_headers = [
        "form_title",
        "form_id",
        "version",
        "default_language",
        *(
            f"ecoute::{n}::{LANGUAGE_NAMES[lang]}"
            for n in ("title", "intro", "consent")
            for lang in langs
        ),
    ]
    survey_rows: list[dict[str, str]] = []
    choice_rows: list[dict[str, str]] = []
    written_lists: set[str] = set()

    def labels(base: str, text: Mapping[str, str]) -> dict[str, str]:
        return {lang_header(base, lang): text[lang] for lang in langs if lang in text}

    def add_list(name: str, question: Question) -> None:
        if name in written_lists:
            return
        written_lists.add(name)
        for choice in question.choices:
            row = {"list_name": name, "name": choice.code, **labels("label", choice.label)}
            if choice.score is not None and question.type == "single_choice":
                score = choice.score
                row[SCORE_COLUMN] = str(int(score)) if score.is_integer() else repr(score)
            choice_rows.append(row)

    reserved = set(BUILTIN_LISTS.values())
    for section in q.sections:
        survey_rows.append(
            {"type": "begin group", "name": section.key, **labels("label", section.title)}
        )
        for question in section.questions:
            row: dict[str, str] = {
                "name": question.key,
                **labels("label", question.label),
                **labels("hint", question.help),
            }
            if question.type in BUILTIN_LISTS:
                list_name = BUILTIN_LISTS[question.type]
                row["type"] = f"select_one {list_name}"
                row["ecoute::type"] = question.type
                add_list(list_name, question)
            elif question.type in ("single_choice", "multiple_choice"):
                list_name = question.key if question.key not in reserved else f"{question.key}_list"
                kind = "select_one" if question.type == "single_choice" else "select_multiple"
                row["type"] = f"{kind} {list_name}"
                add_list(list_name, question)
            elif question.type in ("decimal", "date"):
                row["type"] = question.type
            elif question.type == "integer":
                row["type"] = "integer"
                bounds = []
                if question.min is not None:
                    bounds.append(f". >= {question.min}")
                if question.max is not None:
                    bounds.append(f". <= {question.max}")
                if bounds:
                    row["constraint"] = " and ".join(bounds)
            elif question.type in ("text_short", "text_long"):
                row["type"] = "text"
                if question.type == "text_long":
                    row["appearance"] = "multiline"
                    row["ecoute::type"] = "text_long"
            else:
                row["type"] = "note"
            if question.required:
                row["required"] = "yes"
            if question.prefer_not_to_answer:
                row["ecoute::prefer_not_to_answer"] = "yes"
            if question.show_if is not None:
                row["relevant"] = write_relevant(question.show_if, q)
            if question.indicator is not None:
                row["ecoute::indicator"] = question.indicator
                row["ecoute::polarity"] = question.polarity
                row["ecoute::positive"] = " ".join(question.positive or ())
            survey_rows.append(row)
        survey_rows.append({"type": "end group", "name": section.key})
    settings_row = {
        "form_title": q.title[langs[0]],
        "form_id": q.key,
        "version": q.version or "",
        "default_language": LANGUAGE_NAMES[langs[0]],
    }
    for name, text in (("title", q.title), ("intro", q.intro), ("consent", q.consent)):
        for lang in langs:
            settings_row[f"ecoute::{name}::{LANGUAGE_NAMES[lang]}"] = text[lang]

    workbook = openpyxl.Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    for title, headers, rows in (
        ("survey", survey_headers, survey_rows),
        ("choices", choice_headers, choice_rows),
        ("settings", settings_headers, [settings_row]),
    ):
        ws = workbook.create_sheet(title)
        _write_rows(ws, headers, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_rows(ws: Any, headers: Sequence[str], rows: Sequence[Mapping[str, str]]) -> None:
    for c, header in enumerate(headers, start=1):
        ws.cell(row=1, column=c, value=header)
    for r, row in enumerate(rows, start=2):
        for c, header in enumerate(headers, start=1):
            text = row.get(header, "")
            if text == "":
                continue
            cell = ws.cell(row=r, column=c, value=text)
            # A text starting with "=" must stay text, never become a formula.
            cell.data_type = "s"
