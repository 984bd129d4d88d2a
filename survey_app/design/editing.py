"""Edits of a definition as plain data (the ``dump_definition`` dict).

The designer never patches a stored version in place: each action builds a
new definition dict here, then the store validates the whole of it with
:func:`questionnaires.load_definition` and saves it only if it is valid. The
functions are pure (they return a deep copy) so a refused edit leaves the
draft untouched.
"""

from __future__ import annotations

import copy
from typing import Any

Definition = dict[str, Any]


class EditError(LookupError):
    """The question or section named in an edit is not in the definition."""


def questions(definition: Definition) -> list[dict[str, Any]]:
    return [q for s in definition.get("sections", []) for q in s.get("questions", [])]


def locate(definition: Definition, key: str) -> tuple[int, int]:
    """(section index, question index) of question ``key``."""
    for si, section in enumerate(definition.get("sections", [])):
        for qi, question in enumerate(section.get("questions", [])):
            if question.get("key") == key:
                return si, qi
    raise EditError(key)


def section_index(definition: Definition, key: str) -> int:
    for si, section in enumerate(definition.get("sections", [])):
        if section.get("key") == key:
            return si
    raise EditError(key)


def _rename_references(definition: Definition, old: str, new: str) -> None:
    """Conditions follow a question whose key is changed."""
    for question in questions(definition):
        condition = question.get("show_if")
        if not condition:
            continue
        for clause in [condition, *condition.get("all", []), *condition.get("any", [])]:
            if clause.get("question") == old:
                clause["question"] = new


def put_question(
    definition: Definition,
    question: dict[str, Any],
    *,
    section_key: str,
    replacing: str | None = None,
    new_section: dict[str, Any] | None = None,
) -> Definition:
    """Insert (``replacing=None``, at the end of the section) or replace a question.

    A replaced question stays at its place when it stays in its section, and
    moves to the end of ``section_key`` otherwise. With ``new_section`` the
    question opens that new section, appended after the others.
    """
    result = copy.deepcopy(definition)
    sections = result["sections"]
    position: tuple[int, int] | None = None
    if replacing is not None:
        si, qi = locate(result, replacing)
        position = (si, qi)
        if question["key"] != replacing:
            _rename_references(result, replacing, question["key"])
    if new_section is not None:
        if position is not None:
            del sections[position[0]]["questions"][position[1]]
        sections.append({**new_section, "questions": [question]})
    else:
        target = section_index(result, section_key)
        if position is not None and position[0] == target:
            sections[target]["questions"][position[1]] = question
        else:
            if position is not None:
                del sections[position[0]]["questions"][position[1]]
            sections[target]["questions"].append(question)
    result["sections"] = [s for s in sections if s["questions"]] or sections[:1]
    return result


def move_question(definition: Definition, key: str, direction: str) -> Definition:
    """Move a question one place up or down; across a section boundary it
    goes to the end of the previous (start of the next) section."""
    result = copy.deepcopy(definition)
    sections = result["sections"]
    si, qi = locate(result, key)
    items = sections[si]["questions"]
    if direction == "up":
        if qi > 0:
            items[qi - 1], items[qi] = items[qi], items[qi - 1]
        elif si > 0:
            sections[si - 1]["questions"].append(items.pop(qi))
    elif direction == "down":
        if qi < len(items) - 1:
            items[qi + 1], items[qi] = items[qi], items[qi + 1]
        elif si < len(sections) - 1:
            sections[si + 1]["questions"].insert(0, items.pop(qi))
    else:
        raise EditError(direction)
    result["sections"] = [s for s in sections if s["questions"]]
    return result


def delete_question(definition: Definition, key: str) -> Definition:
    """Remove a question; a section left empty goes too (the format has no
    empty sections). Conditions on it are left for validation to report."""
    result = copy.deepcopy(definition)
    si, qi = locate(result, key)
    del result["sections"][si]["questions"][qi]
    if not result["sections"][si]["questions"] and len(result["sections"]) > 1:
        del result["sections"][si]
    return result


def move_section(definition: Definition, key: str, direction: str) -> Definition:
    result = copy.deepcopy(definition)
    sections = result["sections"]
    si = section_index(result, key)
    other = si - 1 if direction == "up" else si + 1 if direction == "down" else None
    if other is None:
        raise EditError(direction)
    if 0 <= other < len(sections):
        sections[si], sections[other] = sections[other], sections[si]
    return result


def update_section(
    definition: Definition, key: str, *, new_key: str, title: dict[str, str]
) -> Definition:
    result = copy.deepcopy(definition)
    section = result["sections"][section_index(result, key)]
    section["key"] = new_key
    if any(v.strip() for v in title.values()):
        section["title"] = title
    else:
        section.pop("title", None)
    return result


def delete_section(definition: Definition, key: str) -> Definition:
    """Remove a section with all its questions."""
    result = copy.deepcopy(definition)
    del result["sections"][section_index(result, key)]
    return result


def set_texts(definition: Definition, texts: dict[tuple[Any, ...], dict[str, str]]) -> Definition:
    """Replace texts addressed by path (see :func:`text_paths`). An optional
    text (help, section title) left blank in every language is removed."""
    result = copy.deepcopy(definition)
    for path, value in texts.items():
        parent: Any = result
        for step in path[:-1]:
            parent = parent[step]
        name = path[-1]
        cleaned = {lang: text for lang, text in value.items() if text.strip()}
        if name in ("help", "title") and path != ("title",) and not cleaned:
            parent.pop(name, None)
        else:
            parent[name] = value
    return result


def text_paths(definition: Definition) -> list[tuple[tuple[Any, ...], str]]:
    """Every translatable text: (path in the definition, what it is), in reading order.

    The description is a short, untranslated locator (``title``, a question
    key, ``key / choice code``) shown beside the translation fields.
    """
    paths: list[tuple[tuple[Any, ...], str]] = [
        (("title",), "title"),
        (("intro",), "intro"),
        (("consent",), "consent"),
    ]
    for si, section in enumerate(definition.get("sections", [])):
        paths.append((("sections", si, "title"), f"[{section['key']}]"))
        for qi, question in enumerate(section.get("questions", [])):
            base = ("sections", si, "questions", qi)
            paths.append(((*base, "label"), question["key"]))
            paths.append(((*base, "help"), f"{question['key']} (help)"))
            for ci, choice in enumerate(question.get("choices", []) or []):
                paths.append(
                    ((*base, "choices", ci, "label"), f"{question['key']} / {choice['code']}")
                )
    return paths


def text_at(definition: Definition, path: tuple[Any, ...]) -> dict[str, str]:
    node: Any = definition
    for step in path:
        if (isinstance(node, dict) and step in node) or (
            isinstance(node, list) and isinstance(step, int) and step < len(node)
        ):
            node = node[step]
        else:
            return {}
    return dict(node) if isinstance(node, dict) else {}
