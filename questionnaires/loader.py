"""Parse, validate and dump ``ecoute-questionnaire/1`` definitions.

Validation runs in two passes over the plain data: the JSON Schema shipped in
``questionnaires/schema/`` (structure), then the rules that need the whole
document (unique keys, translations, conditions, indicators). Every problem of
both passes is collected; the :class:`~questionnaires.model.Questionnaire` is
built only when there is none, so nothing partial is ever returned.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    import jsonschema

from .model import (
    BUILTIN_CHOICE_TYPES,
    LANGUAGES,
    PNA_CODE,
    QUESTION_TYPES,
    SCHEMA_ID,
    Choice,
    Clause,
    Condition,
    DefinitionError,
    FrozenMap,
    Issue,
    Question,
    Questionnaire,
    Section,
    default_positive,
)

JsonPath = tuple[str | int, ...]
Report = Callable[..., None]  # (path, message, code, **params)

#: Section and question keys: XLSForm names (XML NCName: a letter, Unicode
#: included, or "_", then letters, digits, "_", "-", "."), at most 64 characters.
KEY_RE = re.compile(r"^[^\W\d][\w.-]{0,63}$")
#: Choice codes: no quote (they are quoted in XLSForm expressions), no space
#: first or last; "_" first is reserved ("_pna"). Codes of a multiple choice
#: question take no space at all: its answers are codes joined by spaces.
CHOICE_CODE_RE = re.compile(r"^[^\s'\"](?:[^'\"]{0,62}[^\s'\"])?$")
#: ``${name}`` in a text: XLSForm reads it as a reference to an answer.
ANSWER_REFERENCE_RE = re.compile(r"\$\{[^}]*\}")
#: Characters that cannot travel through XML (XLSForm) or are invisible controls.
INVALID_TEXT_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
INDICATOR_TYPES_MSG = "agreement, rating, single_choice or yes_no"
#: Text definitions larger than this are refused before parsing.
MAX_DEFINITION_CHARS = 2_000_000


@cache
def json_schema() -> dict[str, Any]:
    """The JSON Schema of the format, as shipped in the package."""
    text = (
        resources.files(__package__)
        .joinpath("schema/questionnaire.schema.json")
        .read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


# --------------------------------------------------------------------------- parsing


class _Yaml12Loader(yaml.SafeLoader):
    """SafeLoader where only true/false are booleans (YAML 1.2), so that a
    choice code written ``yes`` or ``no`` stays the string it looks like."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class _AliasFound(Exception):
    pass


def _node_lines(
    node: yaml.Node, path: JsonPath, lines: dict[JsonPath, int], report: Report, seen: set[int]
) -> None:
    """Record the line of every value; report duplicate keys; refuse aliases."""
    if id(node) in seen:
        # An alias (*name) makes the composer reuse a node; nested aliases can
        # expand exponentially ("billion laughs"), and definitions never need them.
        raise _AliasFound
    seen.add(id(node))
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        keys: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in keys:
                lines.setdefault((*path, key), keys[key])
                report(
                    (*path, key),
                    f"'{key}' is given twice (lines {keys[key]} and {line}); "
                    "only the last one would count",
                    "duplicate_field",
                )
            keys.setdefault(key, line)
            _node_lines(value_node, (*path, key), lines, report, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _node_lines(item, (*path, i), lines, report, seen)


def _parse_text(text: str, report: Report, lines: dict[JsonPath, int]) -> Any:
    if len(text) > MAX_DEFINITION_CHARS:
        report(
            (),
            f"the definition has {len(text)} characters; the limit is {MAX_DEFINITION_CHARS}",
            "too_large",
        )
        return None
    data = None
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            lines[()] = exc.lineno
            report((), f"not valid JSON (column {exc.colno}): {exc.msg}", "syntax_error")
            return None
        except RecursionError:
            report((), "the definition is nested too deeply", "syntax_error")
            return None
    try:
        node = yaml.compose(text, Loader=_Yaml12Loader)
        if node is not None:
            _node_lines(node, (), lines, report, set())
        if data is None:
            # _Yaml12Loader is a SafeLoader subclass: no arbitrary objects.
            data = yaml.load(text, Loader=_Yaml12Loader)  # noqa: S506  # nosec B506
    except _AliasFound:
        report((), "YAML anchors and aliases (&name, *name) are not supported", "yaml_alias")
        return None
    except RecursionError:
        report((), "the definition is nested too deeply", "syntax_error")
        return None
    except yaml.YAMLError as exc:
        if data is None:
            mark = getattr(exc, "problem_mark", None)
            if mark is not None:
                lines[()] = mark.line + 1
            report((), f"not valid YAML: {getattr(exc, 'problem', None) or exc}", "syntax_error")
    return data


# --------------------------------------------------------------------------- locations


class _Reporter:
    def __init__(self, source_name: str, locations: Mapping[JsonPath, str] | None = None) -> None:
        self.source_name = source_name
        self.lines: dict[JsonPath, int] = {}
        self.locations = locations
        self.issues: list[Issue] = []
        self.data: Any = None

    def location(self, path: JsonPath) -> str:
        if self.locations is not None:
            # Converted data (XLSForm): name the cell the value came from.
            for n in range(len(path), -1, -1):
                if path[:n] in self.locations:
                    return self.locations[path[:n]]
        parts = [self.source_name]
        for n in range(len(path), -1, -1):
            if path[:n] in self.lines:
                parts.append(f"line {self.lines[path[:n]]}")
                break
        if path:
            parts.append(self.render_path(path))
        return ", ".join(parts)

    def render_path(self, path: JsonPath) -> str:
        out = ""
        node = self.data
        for step in path:
            if isinstance(step, int):
                out += f"[{step}]"
            else:
                out += f".{step}" if out else str(step)
            node = node[step] if _has(node, step) else None
            if (
                isinstance(step, int)
                and isinstance(node, Mapping)
                and isinstance(node.get("key"), str)
            ):
                out += f" ({node['key']})"
        return out

    def __call__(self, path: JsonPath, message: str, code: str, /, **params: str) -> None:
        issue = Issue(self.location(path), message, code, FrozenMap(params))
        if issue not in self.issues:
            self.issues.append(issue)


def _has(node: Any, step: str | int) -> bool:
    if isinstance(step, int):
        return isinstance(node, list) and 0 <= step < len(node)
    return isinstance(node, Mapping) and step in node


# --------------------------------------------------------------------------- schema pass

_CODE_FIELDS = ("in", "not_in", "positive")


def _coerce_codes(data: Any) -> Any:
    """Numbers written without quotes where a code is expected become strings
    (``positive: [4, 5]`` means the codes "4" and "5")."""
    if isinstance(data, list):
        return [_coerce_codes(x) for x in data]
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for k, v in data.items():
        if k in _CODE_FIELDS and isinstance(v, list):
            v = [str(x) if isinstance(x, int) and not isinstance(x, bool) else x for x in v]
        elif k == "code" and isinstance(v, int) and not isinstance(v, bool):
            v = str(v)
        out[k] = _coerce_codes(v)
    return out


def _schema_code(error: jsonschema.ValidationError) -> str:
    path = list(error.absolute_path)
    last = path[-1] if path else None
    if "propertyNames" in error.schema_path:
        return "unknown_language"
    match error.validator:
        case "required":
            return "missing_field"
        case "additionalProperties":
            return "unknown_field"
        case "enum" if last == "type":
            return "unknown_type"
        case "enum" if len(path) >= 2 and path[-2] == "languages":
            return "unknown_language"
        case "pattern" if last == "key":
            return "invalid_key"
        case "pattern" if last == "indicator":
            return "invalid_indicator"
        case "type":
            return "wrong_type"
        case "const":
            return "unsupported_schema"
        case _:
            return f"invalid_{error.validator}"


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "enum" and list(error.absolute_path)[-1:] == ["type"]:
        expected = ", ".join(QUESTION_TYPES)
        return f"unknown question type {error.instance!r}; expected one of {expected}"
    if error.validator == "const":
        return f"unsupported format {error.instance!r}; expected {SCHEMA_ID!r}"
    if "propertyNames" in error.schema_path:
        return f"unknown language {error.instance!r}; expected fr or en"
    return error.message


def _schema_pass(data: Any, report: Report) -> None:
    # Imported here: jsonschema (and its format and referencing modules) costs a
    # noticeable share of every `flask` command's start-up, and only validation needs it.
    import jsonschema

    validator = jsonschema.Draft202012Validator(json_schema())
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        report(tuple(error.absolute_path), _schema_message(error), _schema_code(error))


# --------------------------------------------------------------------------- rules pass


class _Rules:
    """Whole-document rules. Robust to structurally broken input: what the
    schema pass already reported is skipped, never crashed on."""

    def __init__(self, data: Mapping[str, Any], report: Report) -> None:
        self.data = data
        self.report = report
        langs = data.get("languages")
        self.languages = (
            [x for x in dict.fromkeys(langs) if x in LANGUAGES]
            if isinstance(langs, list) and all(isinstance(x, str) for x in langs)
            else []
        )
        self.seen_keys: dict[str, JsonPath] = {}
        # key -> (type, codes or None when unknown) of earlier questions, for conditions.
        self.earlier: dict[str, tuple[str, set[str] | None]] = {}
        self.all_keys: set[str] = set()

    def check(self) -> None:
        for name in ("title", "intro", "consent"):
            self.text((name,))
        sections = self.data.get("sections")
        if not isinstance(sections, list):
            return
        for s in sections:
            questions = s.get("questions") if isinstance(s, Mapping) else None
            for q in questions if isinstance(questions, list) else []:
                if isinstance(q, Mapping) and isinstance(q.get("key"), str):
                    self.all_keys.add(q["key"])
        section_keys: dict[str, JsonPath] = {}
        for i, section in enumerate(sections):
            path: JsonPath = ("sections", i)
            if not isinstance(section, Mapping):
                continue
            key = section.get("key")
            if isinstance(key, str):
                if key in section_keys:
                    self.report(
                        (*path, "key"),
                        f"section key '{key}' is used twice",
                        "duplicate_key",
                        key=key,
                    )
                section_keys.setdefault(key, path)
            if "title" in section:
                self.text((*path, "title"))
            questions = section.get("questions")
            if isinstance(questions, list):
                for j, question in enumerate(questions):
                    if isinstance(question, Mapping):
                        self.question((*path, "questions", j), question)

    # -- texts

    def text(self, path: JsonPath) -> None:
        node: Any = self.data
        for step in path:
            node = node[step] if _has(node, step) else None
        if node is None:
            return  # missing required fields are reported by the schema
        if not isinstance(node, Mapping):
            return
        for lang in self.languages:
            value = node.get(lang)
            if value is None:
                self.report(
                    path,
                    f"missing '{lang}' text (every text is needed in {', '.join(self.languages)})",
                    "missing_translation",
                    language=lang,
                )
            elif isinstance(value, str) and not value.strip():
                self.report((*path, lang), "text is empty", "empty_text")
        for lang, value in node.items():
            if lang in LANGUAGES and lang not in self.languages:
                self.report(
                    (*path, lang),
                    f"text in '{lang}', which is not among the questionnaire's languages",
                    "undeclared_language",
                    language=lang,
                )
            # Any "${" (also unclosed, or around a non-name): pyxform reads it
            # as a reference to an answer and refuses the export otherwise.
            if isinstance(value, str) and "${" in value:
                self.report(
                    (*path, lang),
                    "text contains ${…}, which XLSForm reads as a reference to an answer; "
                    "Écoute does not show earlier answers in texts",
                    "answer_reference",
                )
            if isinstance(value, str) and INVALID_TEXT_RE.search(value):
                self.report(
                    (*path, lang),
                    "text contains an invisible control character",
                    "invalid_character",
                )

    # -- questions

    def question(self, path: JsonPath, q: Mapping[str, Any]) -> None:
        key = q.get("key")
        qtype = q.get("type") if q.get("type") in QUESTION_TYPES else None
        if isinstance(key, str):
            if key in self.seen_keys:
                first = self.render(self.seen_keys[key])
                self.report(
                    (*path, "key"),
                    f"question key '{key}' is already used at {first}",
                    "duplicate_key",
                    key=key,
                    first=first,
                )
            else:
                self.seen_keys[key] = path
        self.text((*path, "label"))
        if "help" in q:
            self.text((*path, "help"))
        codes = self.choices(path, q, qtype)
        if qtype == "note":
            for flag in ("required", "prefer_not_to_answer"):
                if q.get(flag) is True:
                    self.report((*path, flag), "a note takes no answer", "unexpected_field")
        if qtype != "integer":
            for bound in ("min", "max"):
                if bound in q:
                    self.report(
                        (*path, bound),
                        "min and max apply only to integer questions",
                        "unexpected_field",
                    )
        elif (
            isinstance(q.get("min"), int)
            and isinstance(q.get("max"), int)
            and (q["min"] > q["max"])
        ):
            self.report(
                (*path, "min"),
                f"min ({q['min']}) is greater than max ({q['max']})",
                "invalid_bounds",
                min=str(q["min"]),
                max=str(q["max"]),
            )
        if "show_if" in q:
            self.condition((*path, "show_if"), q["show_if"], key)
        self.indicator(path, q, qtype, codes)
        if isinstance(key, str) and qtype is not None and key not in self.earlier:
            allowed = None if codes is None else set(codes)
            if allowed is not None and q.get("prefer_not_to_answer") is True:
                allowed.add(PNA_CODE)
            self.earlier[key] = (qtype, allowed)

    def render(self, path: JsonPath) -> str:
        reporter = self.report
        return reporter.render_path(path) if isinstance(reporter, _Reporter) else str(path)

    def choices(self, path: JsonPath, q: Mapping[str, Any], qtype: str | None) -> list[str] | None:
        """Check the choices; return the question's codes (None when unknown)."""
        if qtype is None:
            return None
        given = q.get("choices")
        if qtype in BUILTIN_CHOICE_TYPES:
            if given is not None:
                self.report(
                    (*path, "choices"),
                    f"{qtype} questions have built-in choices; remove 'choices'",
                    "unexpected_choices",
                )
            return [c.code for c in Question("x", qtype, {}).choices]
        if qtype not in ("single_choice", "multiple_choice"):
            if given is not None:
                self.report(
                    (*path, "choices"), f"{qtype} questions take no choices", "unexpected_choices"
                )
            return None
        if not isinstance(given, list):
            if given is None:
                self.report(path, f"{qtype} questions need 'choices'", "missing_choices")
            return None
        if not given:
            self.report((*path, "choices"), "give at least one choice", "too_few_choices")
        codes: list[str] = []
        scored = 0
        for k, choice in enumerate(given):
            cpath: JsonPath = (*path, "choices", k)
            if not isinstance(choice, Mapping):
                continue
            code = choice.get("code")
            if isinstance(code, str):
                if code in codes:
                    self.report(
                        (*cpath, "code"),
                        f"choice code '{code}' is used twice",
                        "duplicate_choice_code",
                        code=code,
                    )
                elif code.startswith("_"):
                    self.report(
                        (*cpath, "code"),
                        f"choice code '{code}' starts with '_', "
                        "which is reserved ('_pna' = prefer not to answer)",
                        "reserved_choice_code",
                        code=code,
                    )
                elif not CHOICE_CODE_RE.match(code) or (
                    qtype == "multiple_choice" and re.search(r"\s", code)
                ):
                    self.report(
                        (*cpath, "code"),
                        f"choice code '{code}' may not contain quotes nor start or end with a "
                        "space (nor contain one in a multiple choice question)",
                        "invalid_choice_code",
                        code=code,
                    )
                codes.append(code)
            self.text((*cpath, "label"))
            if "score" in choice:
                scored += 1
                if qtype != "single_choice":
                    self.report(
                        (*cpath, "score"),
                        "only single_choice choices take a score",
                        "unexpected_field",
                    )
        if qtype == "single_choice" and 0 < scored < len(given):
            self.report(
                (*path, "choices"), "give a score to every choice or to none", "incomplete_scores"
            )
        return codes

    def condition(self, path: JsonPath, cond: Any, own_key: Any) -> None:
        if not isinstance(cond, Mapping):
            return
        forms = [f for f in ("question", "all", "any") if f in cond]
        if len(forms) != 1:
            self.report(
                path,
                "show_if needs exactly one of: question (with in or not_in), all, any",
                "invalid_condition",
            )
            return
        if forms[0] == "question":
            self.clause(path, cond, own_key)
            return
        items = cond[forms[0]]
        if isinstance(items, list):
            for k, item in enumerate(items):
                if isinstance(item, Mapping):
                    self.clause((*path, forms[0], k), item, own_key)

    def clause(self, path: JsonPath, clause: Mapping[str, Any], own_key: Any) -> None:
        if "question" not in clause:
            return  # reported by the schema pass
        ops = [op for op in ("in", "not_in") if op in clause]
        if len(ops) != 1:
            self.report(
                path, "a condition needs exactly one of 'in' or 'not_in'", "invalid_condition"
            )
        target = clause.get("question")
        if not isinstance(target, str):
            return  # reported by the schema pass
        if target == own_key:
            self.report((*path, "question"), "a question cannot depend on itself", "self_reference")
            return
        if target not in self.earlier:
            if target in self.all_keys:
                self.report(
                    (*path, "question"),
                    f"condition refers to '{target}', which "
                    "comes later; it must refer to an earlier question",
                    "forward_reference",
                    question=target,
                )
            else:
                self.report(
                    (*path, "question"),
                    f"condition refers to unknown question '{target}'",
                    "unknown_question",
                    question=target,
                )
            return
        ttype, tcodes = self.earlier[target]
        if ttype not in ("agreement", "rating", "single_choice", "multiple_choice", "yes_no"):
            self.report(
                (*path, "question"),
                f"condition refers to '{target}', a {ttype} "
                "question; conditions need a question with choices",
                "condition_on_open_question",
                question=target,
            )
            return
        for op in ops:
            values = clause.get(op)
            if not isinstance(values, list) or tcodes is None:
                continue
            for value in values:
                if isinstance(value, str) and value not in tcodes:
                    self.report(
                        (*path, op),
                        f"'{value}' is not a code of '{target}' "
                        f"(codes: {', '.join(sorted(tcodes))})",
                        "unknown_code",
                        code=str(value),
                        question=target,
                        codes=", ".join(sorted(tcodes)),
                    )

    def indicator(
        self, path: JsonPath, q: Mapping[str, Any], qtype: str | None, codes: list[str] | None
    ) -> None:
        indicator = q.get("indicator")
        if indicator is None:
            for name in ("polarity", "positive"):
                if name in q:
                    self.report(
                        (*path, name),
                        f"'{name}' is only meaningful with an 'indicator'",
                        "unexpected_field",
                    )
            return
        if qtype is None or not isinstance(indicator, str):
            return
        if qtype not in ("agreement", "rating", "single_choice", "yes_no"):
            self.report(
                (*path, "indicator"),
                f"a {qtype} question cannot feed an indicator (use {INDICATOR_TYPES_MSG})",
                "indicator_type",
            )
            return
        if indicator == "recommendation" and qtype != "rating":
            self.report(
                (*path, "indicator"),
                "the recommendation indicator (NPS) needs a rating (0–10) question",
                "indicator_type",
            )
        positive = q.get("positive")
        if positive is None:
            if qtype == "single_choice":
                self.report(
                    path,
                    "say which choices count as favourable with 'positive'",
                    "missing_positive",
                )
            return
        if not isinstance(positive, list):
            return
        if not positive:
            self.report((*path, "positive"), "'positive' needs at least one code", "empty_positive")
        for code in positive:
            if isinstance(code, str) and codes is not None and code not in codes:
                self.report(
                    (*path, "positive"),
                    f"positive code '{code}' is not among the choices ({', '.join(codes)})",
                    "unknown_positive_code",
                    code=code,
                    codes=", ".join(codes),
                )


# --------------------------------------------------------------------------- building


def _normalise_newlines(data: Any) -> Any:
    if isinstance(data, str):
        return data.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(data, list):
        return [_normalise_newlines(x) for x in data]
    if isinstance(data, dict):
        return {k: _normalise_newlines(v) for k, v in data.items()}
    return data


def _build_condition(raw: Mapping[str, Any]) -> Condition:
    def clause(c: Mapping[str, Any]) -> Clause:
        if "in" in c:
            return Clause(c["question"], tuple(c["in"]), negate=False)
        return Clause(c["question"], tuple(c["not_in"]), negate=True)

    if "question" in raw:
        return Condition((clause(raw),))
    if "all" in raw:
        return Condition(tuple(clause(c) for c in raw["all"]), "all")
    return Condition(tuple(clause(c) for c in raw["any"]), "any")


def _build(data: Mapping[str, Any]) -> Questionnaire:
    # Declared order is kept: the first language is the primary one (XLSForm
    # default_language, fallback when a page has no translation).
    languages = tuple(dict.fromkeys(data["languages"]))

    def text(value: Mapping[str, str] | None) -> dict[str, str]:
        return {lang: value[lang] for lang in languages} if value else {}

    sections = []
    for s in data["sections"]:
        questions = []
        for q in s["questions"]:
            choices = tuple(
                Choice(c["code"], text(c["label"]), float(c["score"]) if "score" in c else None)
                for c in q.get("choices", ())
            )
            questions.append(
                Question(
                    key=q["key"],
                    type=q["type"],
                    label=text(q["label"]),
                    help=text(q.get("help")),
                    required=q.get("required", False),
                    prefer_not_to_answer=q.get("prefer_not_to_answer", False),
                    choices=choices,
                    min=q.get("min"),
                    max=q.get("max"),
                    show_if=_build_condition(q["show_if"]) if "show_if" in q else None,
                    indicator=q.get("indicator"),
                    polarity=q.get("polarity", "positive"),
                    positive=tuple(q["positive"]) if "positive" in q else None,
                )
            )
        sections.append(Section(s["key"], tuple(questions), text(s.get("title"))))
    return Questionnaire(
        key=data["key"],
        title=text(data["title"]),
        languages=languages,
        intro=text(data["intro"]),
        consent=text(data["consent"]),
        sections=tuple(sections),
        version=data.get("version"),
    )


# --------------------------------------------------------------------------- public API


def _issues_and_questionnaire(
    source: Mapping[str, Any] | str | bytes | Path,
    source_name: str | None,
    locations: Mapping[JsonPath, str] | None = None,
) -> tuple[list[Issue], Questionnaire | None]:
    if isinstance(source, Path):
        name = source_name or source.name
        reporter = _Reporter(name)
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reporter((), f"cannot read the file: {exc}", "unreadable")
            return reporter.issues, None
        data = _parse_text(text, reporter, reporter.lines)
    else:
        reporter = _Reporter(source_name or "<definition>", locations)
        if isinstance(source, bytes):
            try:
                source = source.decode("utf-8")
            except UnicodeDecodeError:
                reporter((), "the file is not UTF-8 text", "unreadable")
                return reporter.issues, None
        data = (
            _parse_text(source, reporter, reporter.lines) if isinstance(source, str) else (source)
        )
    if reporter.issues and data is None:
        return reporter.issues, None
    if not isinstance(data, Mapping):
        reporter((), "a definition is a mapping with 'schema', 'key', 'sections'…", "wrong_type")
        return reporter.issues, None
    data = _normalise_newlines(_coerce_codes(dict(data)))
    reporter.data = data
    _schema_pass(data, reporter)
    _Rules(data, reporter).check()
    if reporter.issues:
        return reporter.issues, None
    return [], _build(data)


def load_definition(
    source: Mapping[str, Any] | str | bytes | Path, *, source_name: str | None = None
) -> Questionnaire:
    """Parse and validate a definition: a dict, JSON or YAML text, or a path.

    Raises :class:`DefinitionError` listing every problem (file, line when the
    source is text, JSON path with the question key). Line endings in texts
    are normalised to ``\\n``.
    """
    issues, questionnaire = _issues_and_questionnaire(source, source_name)
    if questionnaire is None:
        raise DefinitionError(issues)
    return questionnaire


def validate(q: Questionnaire) -> list[Issue]:
    """Every problem of a questionnaire built in Python (empty when valid)."""
    issues, _ = _issues_and_questionnaire(dump_definition(q), "<questionnaire>")
    return issues


def validated(q: Questionnaire) -> Questionnaire:
    """Return ``q`` in canonical form, or raise :class:`DefinitionError`."""
    return load_definition(dump_definition(q), source_name="<questionnaire>")


def _dump_text(text: Mapping[str, str], languages: tuple[str, ...]) -> dict[str, str]:
    return {lang: text[lang] for lang in languages if lang in text}


def _dump_condition(cond: Condition) -> dict[str, Any]:
    def clause(c: Clause) -> dict[str, Any]:
        return {"question": c.question, ("not_in" if c.negate else "in"): list(c.codes)}

    if len(cond.clauses) == 1:
        return clause(cond.clauses[0])
    return {cond.combine: [clause(c) for c in cond.clauses]}


def _is_number(x: float) -> float | int:
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else x


def dump_definition(q: Questionnaire) -> dict[str, Any]:
    """The canonical, JSON-serialisable form of a questionnaire.

    Defaults that matter for analysis (``polarity``, ``positive``) are written
    out, so a stored definition keeps its meaning if a default changes.
    """
    langs = q.languages
    out: dict[str, Any] = {"schema": SCHEMA_ID, "key": q.key}
    if q.version is not None:
        out["version"] = q.version
    out["languages"] = list(langs)
    out["title"] = _dump_text(q.title, langs)
    out["intro"] = _dump_text(q.intro, langs)
    out["consent"] = _dump_text(q.consent, langs)
    sections = []
    for s in q.sections:
        section: dict[str, Any] = {"key": s.key}
        if s.title:
            section["title"] = _dump_text(s.title, langs)
        questions = []
        for question in s.questions:
            d: dict[str, Any] = {
                "key": question.key,
                "type": question.type,
                "label": _dump_text(question.label, langs),
            }
            if question.help:
                d["help"] = _dump_text(question.help, langs)
            d["required"] = question.required
            d["prefer_not_to_answer"] = question.prefer_not_to_answer
            if question.type not in BUILTIN_CHOICE_TYPES and question.choices:
                choices = []
                for c in question.choices:
                    choice: dict[str, Any] = {"code": c.code, "label": _dump_text(c.label, langs)}
                    if c.score is not None:
                        choice["score"] = _is_number(c.score)
                    choices.append(choice)
                d["choices"] = choices
            if question.min is not None:
                d["min"] = question.min
            if question.max is not None:
                d["max"] = question.max
            if question.show_if is not None:
                d["show_if"] = _dump_condition(question.show_if)
            if question.indicator is not None:
                d["indicator"] = question.indicator
                d["polarity"] = question.polarity
                if question.positive is not None:
                    d["positive"] = list(question.positive)
            questions.append(d)
        section["questions"] = questions
        sections.append(section)
    out["sections"] = sections
    return out


def fingerprint(q: Questionnaire) -> str:
    """sha256 (hex) of the canonical dump: equal content ⇔ equal fingerprint."""
    canonical = json.dumps(
        dump_definition(q), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


__all__ = [
    "default_positive",
    "dump_definition",
    "fingerprint",
    "json_schema",
    "load_definition",
    "validate",
    "validated",
]
