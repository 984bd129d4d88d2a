"""XLSForm import and export (KoboToolbox / ODK conventions), with openpyxl and xlrd.

An ordinary form imports without editing: Écoute's own settings are optional
and every construct outside the subset below is either dropped and listed
(``XLSFormImport.ignored``: imported only with ``accept_ignored=True``) or
filled in and said (``XLSFormImport.notes``). Nothing is dropped silently.

Supported subset
----------------
Sheets ``survey``, ``choices`` and ``settings`` (any other sheet with content
is listed as dropped); ``.xlsx`` and legacy ``.xls`` workbooks.

* types: ``select_one LIST``, ``select_multiple LIST`` (list names are
  case-sensitive, as in pyxform; ``… or_other`` adds the choice ``other`` and
  the text question ``<name>_other``), ``integer``, ``decimal``, ``date``,
  ``text``, ``note``, ``range`` (a 0–10 range is a rating, another whole-step
  range a bounded integer), ``begin group`` / ``end group`` (one level: a group
  is a section; nested groups are flattened; questions outside any group form a
  section of their own), ``begin repeat`` (asked once, listed);
* names: any XLSForm name (letters, Unicode included, digits, ``_``, ``-``,
  ``.``); a name met again in another group, or differing only in case, or
  reserved (``meta``), gets a suffix (noted);
* headers: ``list_name`` or ``list name``, ``relevance``, ``caption``; a column
  repeating another one for the same language is listed and dropped;
* labels and hints: ``label``/``hint`` (in the settings' ``default_language``,
  or the ``default_language`` argument: the import option for unlabelled
  columns) and ``label::French (fr)``, ``label::English (en)`` (also
  ``label::fr``, ``label::French``); a text missing in one of the form's
  languages is filled from another language (noted); ``${name}`` in a text is
  removed (listed): Écoute does not show earlier answers;
* ``required``: ``yes``/``true``/``true()``/``1`` or ``no``/``false``/blank;
* ``relevant``: ``${q} = 'code'``, ``${q} != 'code'``, ``selected(${q}, 'code')``,
  ``not(…)`` of those, combined with ``and`` or ``or`` (not both at one level
  without parentheses), and parenthesised groups on one question
  (``(${q} = 'a' or ${q} = 'b')``); a condition on a dropped, later or open
  question, or on a code the list lacks, is listed and dropped;
* ``constraint`` on an ``integer``: ``. >= MIN``, ``. <= MAX`` or both joined by
  ``and`` (become ``min``/``max``);
* ``appearance`` ``multiline`` on ``text`` (a long text);
* Écoute columns: ``ecoute::type`` (``agreement``, ``rating``, ``yes_no`` on a
  ``select_one`` whose list has the scale's codes; ``text_long`` on ``text``),
  ``ecoute::indicator``, ``ecoute::polarity``, ``ecoute::positive`` (codes
  separated by spaces), ``ecoute::prefer_not_to_answer``; in ``choices``:
  ``ecoute_score`` (``ecoute::score`` is read too); in ``settings``, all
  optional: ``form_id`` (key; else the file name, normalised), ``form_title``,
  ``version``, ``default_language``, ``allow_choice_duplicates`` (later
  duplicates listed and dropped), ``ecoute::title::<language>``,
  ``ecoute::intro::<language>``, ``ecoute::consent::<language>`` (else a
  standard text, noted).

Everything else (calculate, metadata such as ``start``, media, geopoints,
constraint other than integer bounds, choice_filter, media columns, unknown
types, unparseable ``relevant``, languages other than French and English…) is
listed with its sheet, row and column. A form whose texts are in neither French
nor English, or that keeps no question, is refused with that reason.

Messages are English; each issue has a stable ``code`` and, for the notes and
drops, ``params`` from which the web app says it in the interface language.

Uploads are checked before parsing (size, zip structure, entry count, total
and per-entry uncompressed size): see :func:`check_upload`.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from .loader import ANSWER_REFERENCE_RE, CHOICE_CODE_RE, JsonPath, _issues_and_questionnaire
from .model import (
    BUILTIN_CHOICE_TYPES,
    LANGUAGES,
    PNA_CODE,
    Clause,
    Condition,
    DefinitionError,
    FrozenMap,
    Issue,
    Questionnaire,
    builtin_choices,
)
from .xlsform_export import (
    LANGUAGE_NAMES,
    SCORE_COLUMN,
    lang_header,
)
from .xlsform_export import write_relevant as write_relevant  # the module's public API
from .xlsform_export import write_xlsform as write_xlsform

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ZIP_ENTRIES = 200
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
#: Entries smaller than this are not ratio-checked (tiny XML compresses well).
RATIO_CHECK_MIN_BYTES = 1024 * 1024

#: Texts that stand in when a form has no ``ecoute::intro``/``ecoute::consent``.
STANDARD_TEXTS = {
    "intro": {
        "fr": "Bonjour. Ces questions parlent de l'aide que vous recevez ici. "
        "Il n'y a pas de bonne ou de mauvaise réponse.",
        "en": "Hello. These questions are about the help you get here. "
        "There are no right or wrong answers.",
    },
    "consent": {
        "fr": "Vous répondez seulement si vous le voulez. Les résultats parlent de groupes, "
        "jamais d'une seule personne. Vous pouvez arrêter quand vous voulez.",
        "en": "You only answer if you want to. Results are about groups, never about one "
        "person. You can stop at any time.",
    },
}
STANDARD_TEXT_NAMES = {"intro": "introduction", "consent": "consent text"}
#: The choice and follow-up question that ``select_one LIST or_other`` adds.
OTHER_CODE = "other"
OTHER_LABEL = {"fr": "Autre", "en": "Other"}
SPECIFY_OTHER_LABEL = {"fr": "Précisez.", "en": "Specify other."}
_LANGUAGE_WORDS = {
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "english": "en",
    "anglais": "en",
    "fr": "fr",
    "en": "en",
}
_SHEET_KINDS = ("survey", "choices", "settings")
LANGUAGE_WORDS = {"fr": "French", "en": "English"}
#: Other spellings of column headers that XLSForm tools accept.
_HEADER_ALIASES = {
    "list name": "list_name",
    "relevance": "relevant",
    "caption": "label",
}

_METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "background-audio",
    "uuid",
}
_UNSUPPORTED_TYPES = {
    "calculate",
    "acknowledge",
    "geopoint",
    "geotrace",
    "geoshape",
    "time",
    "datetime",
    "image",
    "audio",
    "video",
    "file",
    "barcode",
    "rank",
    "hidden",
    "xml-external",
    "csv-external",
    "select_one_from_file",
    "select_multiple_from_file",
    "trigger",
    "background-geopoint",
}
_TRUE = {"yes", "true", "true()", "1"}
_FALSE = {"no", "false", "false()", "0", ""}


@dataclass(frozen=True)
class XLSFormImport:
    """The imported questionnaire and the constructs that were dropped."""

    questionnaire: Questionnaire
    ignored: list[Issue] = field(default_factory=list)
    #: What the import filled in or changed (imported, and said): defaults for
    #: Écoute's own settings, texts standing in for a missing translation…
    notes: list[Issue] = field(default_factory=list)


# --------------------------------------------------------------------------- upload checks


def check_upload(data: bytes, *, filename: str) -> list[Issue]:
    """Problems that make an upload unsafe or unreadable, before any parsing.

    Refuses files over :data:`MAX_UPLOAD_BYTES`, anything that is not a zip
    (an ``.xlsx`` is one), more than :data:`MAX_ZIP_ENTRIES` entries, a total
    uncompressed size over :data:`MAX_UNCOMPRESSED_BYTES`, and any entry over
    1 MiB expanding more than :data:`MAX_COMPRESSION_RATIO` times (zip bombs).
    The sizes are checked as declared *and* by decompressing each entry with
    a byte budget, so a header that under-declares is caught too.
    """

    def issue(message: str, code: str, /, **params: str) -> list[Issue]:
        return [Issue(filename, message, code, FrozenMap(params))]

    if len(data) > MAX_UPLOAD_BYTES:
        return issue(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is {MAX_UPLOAD_BYTES / 1e6:.0f} MB",
            "file_too_large",
            size=f"{len(data) / 1e6:.1f}",
            limit=f"{MAX_UPLOAD_BYTES / 1e6:.0f}",
        )
    if is_xls(data):
        return []  # a legacy workbook: no zip inside; xlrd reads it within the size limit
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return issue(
            "not an .xlsx workbook (nor a legacy .xls one); CSV files are not accepted",
            "not_xlsx",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                return issue(
                    f"the workbook has {len(entries)} parts; the limit is {MAX_ZIP_ENTRIES}",
                    "zip_too_many_entries",
                    count=str(len(entries)),
                    limit=str(MAX_ZIP_ENTRIES),
                )
            declared = sum(e.file_size for e in entries)
            if declared > MAX_UNCOMPRESSED_BYTES:
                return issue(
                    f"the workbook expands to {declared / 1e6:.0f} MB; the limit "
                    f"is {MAX_UNCOMPRESSED_BYTES / 1e6:.0f} MB (zip bomb?)",
                    "zip_too_large_uncompressed",
                    limit=f"{MAX_UNCOMPRESSED_BYTES / 1e6:.0f}",
                )
            for entry in entries:
                ratio = entry.file_size / max(entry.compress_size, 1)
                if entry.file_size >= RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
                    return issue(
                        f"part {entry.filename!r} expands {ratio:.0f} times; the "
                        f"limit is {MAX_COMPRESSION_RATIO} (zip bomb?)",
                        "zip_ratio_too_high",
                        part=entry.filename,
                        ratio=f"{ratio:.0f}",
                        limit=str(MAX_COMPRESSION_RATIO),
                    )
            budget = MAX_UNCOMPRESSED_BYTES
            for entry in entries:
                with archive.open(entry) as stream:
                    while chunk := stream.read(min(65536, budget + 1)):
                        budget -= len(chunk)
                        if budget < 0:
                            return issue(
                                "the workbook expands beyond "
                                f"{MAX_UNCOMPRESSED_BYTES / 1e6:.0f} MB (zip bomb?)",
                                "zip_too_large_uncompressed",
                                limit=f"{MAX_UNCOMPRESSED_BYTES / 1e6:.0f}",
                            )
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        return issue(f"the workbook is damaged: {exc}", "not_xlsx", detail=str(exc))
    return []


# --------------------------------------------------------------------------- sheets


@dataclass
class _Sheet:
    name: str
    headers: list[str]
    rows: list[tuple[int, dict[int, str]]]  # (row number, column index -> text)

    def column(self, header: str) -> int | None:
        for i, h in enumerate(self.headers):
            if h == header:
                return i
        return None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


#: The first bytes of an OLE2 compound file: a legacy ``.xls`` workbook.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_xls(data: bytes) -> bool:
    """True for a legacy Excel 97–2003 (``.xls``) workbook."""
    return data[:8] == OLE2_MAGIC


def _sheet_from_rows(title: str, rows: Any) -> _Sheet:
    """A sheet from its rows of cell values (the first row is the header)."""
    header_row = next(rows, ())
    headers = [_cell_text(h).strip() for h in header_row]
    body = []
    for n, row in enumerate(rows, start=2):
        if row.count(None) == len(row):
            continue  # spreadsheets often carry thousands of formatted but empty rows
        cells = {i: _cell_text(v) for i, v in enumerate(row) if v is not None}
        if any(v.strip() for v in cells.values()):
            body.append((n, cells))
    return _Sheet(title, headers, body)


def _xls_rows(sheet: Any) -> Any:
    """Rows of an xlrd sheet as plain values (empty cells None, booleans bool).

    Reads whole rows of types and values rather than one ``Cell`` object per
    cell: legacy workbooks often pad every row to hundreds of empty columns.
    """
    import xlrd

    empty = (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)
    for r in range(sheet.nrows):
        types = sheet.row_types(r)
        if all(t in empty for t in types):
            yield ()
            continue
        yield tuple(
            None if t in empty else bool(v) if t == xlrd.XL_CELL_BOOLEAN else v
            for t, v in zip(types, sheet.row_values(r), strict=True)
        )


def _workbook_sheets(data: bytes) -> list[_Sheet]:
    """Every worksheet of an ``.xlsx`` (openpyxl) or ``.xls`` (xlrd) workbook."""
    if is_xls(data):
        import xlrd

        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        try:
            return [
                _sheet_from_rows(book.sheet_by_index(i).name, _xls_rows(book.sheet_by_index(i)))
                for i in range(book.nsheets)
            ]
        finally:
            book.release_resources()
    import openpyxl

    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it does not read.
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [
                _sheet_from_rows(ws.title, ws.iter_rows(values_only=True))
                for ws in workbook.worksheets
            ]
        finally:
            workbook.close()


def _read_sheets(data: bytes, filename: str) -> tuple[dict[str, _Sheet], list[_Sheet]]:
    """The form's sheets by kind (survey, choices, settings: first one of each
    name, case-insensitive) and every other sheet (reported when not empty)."""
    try:
        found = _workbook_sheets(data)
    except Exception as exc:  # openpyxl and xlrd raise many types on malformed files
        raise DefinitionError(
            [
                Issue(
                    filename,
                    f"cannot read the workbook: {type(exc).__name__}: {exc}",
                    "unreadable_workbook",
                    FrozenMap({"detail": f"{type(exc).__name__}: {exc}"}),
                )
            ]
        ) from exc
    sheets: dict[str, _Sheet] = {}
    others: list[_Sheet] = []
    if len(found) == 1 and found[0].name.strip().lower() not in _SHEET_KINDS:
        # One sheet, whatever its name, is the survey (as pyxform reads it).
        return {"survey": found[0]}, []
    for sheet in found:
        name = sheet.name.strip().lower()
        if name in _SHEET_KINDS and name not in sheets:
            sheets[name] = sheet
        else:
            others.append(sheet)
    return sheets, others


def _usable_code(code: str, *, multiple: bool, taken: set[str]) -> str:
    """A choice code Écoute can store for ``code``: XLSForm allows quotes and a
    leading ``_`` (Écoute's conditions quote codes, and ``_pna`` is reserved);
    they become ``_`` and are stripped from the start. Unchanged when usable."""
    if not code or (
        CHOICE_CODE_RE.match(code) and not code.startswith("_") and not (multiple and " " in code)
    ):
        return code
    usable = re.sub(r"['\"]" + (r"|\s" if multiple else ""), "_", code.strip()).lstrip("_")
    usable = usable[:60].strip() or "code"
    base, k = usable, 2
    while usable in taken:
        usable, k = f"{base}_{k}", k + 1
    return usable


def _col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _language(spec: str) -> str | None:
    """'French (fr)' / 'fr' / 'French' -> 'fr'; None for other languages."""
    match = re.search(r"\(([A-Za-z_-]+)\)\s*$", spec)
    code = match.group(1).lower() if match else spec.strip().lower()
    # A regional variant is the language: "English (en-GB)", "fr_CA".
    code = re.sub(r"^([a-z]{2})[-_][a-z0-9]+$", r"\1", code)
    return _LANGUAGE_WORDS.get(code) if code not in LANGUAGES else code


# --------------------------------------------------------------------------- relevant


class _Unsupported(ValueError):
    pass


_TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{[^\W\d][\w.-]*\})|(?P<str>'[^']*'|\"[^\"]*\")"
    r"|(?P<num>-?\d+)|(?P<op>!=|=|\(|\)|,)|(?P<word>[A-Za-z_][A-Za-z0-9_-]*)|(?P<bad>\S))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            break
        kind = m.lastgroup or "bad"
        value = m.group(kind)
        if kind == "bad":
            raise _Unsupported(f"unexpected {value!r}")
        out.append((kind, value))
        pos = m.end()
    return out


class _RelevantParser:
    """Recursive descent over the supported subset of XPath in ``relevant``.

    AST: ``("atom", question, code, negate)`` or ``("group", op, items, parenthesised)``.
    """

    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, value: str | None = None, kind: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if (
            tok is None
            or (value is not None and tok[1] != value)
            or (kind is not None and tok[0] != kind)
        ):
            want = value or kind
            raise _Unsupported(f"expected {want!r} at {tok[1] if tok else 'the end'!r}")
        self.i += 1
        return tok

    def parse(self) -> tuple[Any, ...]:
        expr = self.expr(parenthesised=False)
        if self.peek() is not None:
            raise _Unsupported(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return expr

    def expr(self, *, parenthesised: bool) -> tuple[Any, ...]:
        items = [self.term()]
        op = None
        while (tok := self.peek()) is not None and tok[0] == "word" and tok[1] in ("and", "or"):
            if op is not None and tok[1] != op:
                raise _Unsupported("'and' and 'or' are mixed without parentheses")
            op = tok[1]
            self.i += 1
            items.append(self.term())
        if op is None:
            return items[0]
        return ("group", op, items, parenthesised)

    def term(self) -> tuple[Any, ...]:
        tok = self.peek()
        if tok is None:
            raise _Unsupported("the expression ends too early")
        if tok == ("op", "("):
            self.i += 1
            inner = self.expr(parenthesised=True)
            self.take(")")
            if inner[0] == "atom":
                return inner
            return ("group", inner[1], inner[2], True)
        if tok == ("word", "not"):
            self.i += 1
            self.take("(")
            inner = self.term()
            self.take(")")
            if inner[0] != "atom":
                raise _Unsupported("not(…) of a combination is not supported")
            return ("atom", inner[1], inner[2], not inner[3])
        if tok == ("word", "selected"):
            self.i += 1
            self.take("(")
            ref = self.take(kind="ref")[1]
            self.take(",")
            code = self.literal()
            self.take(")")
            return ("atom", ref[2:-1], code, False)
        if tok[0] == "ref":
            self.i += 1
            op = self.take(kind="op")[1]
            if op not in ("=", "!="):
                raise _Unsupported(f"unexpected {op!r}")
            return ("atom", tok[1][2:-1], self.literal(), op == "!=")
        raise _Unsupported(f"unexpected {tok[1]!r}")

    def literal(self) -> str:
        tok = self.peek()
        if tok is not None and tok[0] in ("str", "num"):
            self.i += 1
            return tok[1][1:-1] if tok[0] == "str" else tok[1]
        raise _Unsupported("a comparison needs a quoted code, e.g. 'yes'")


def _as_clause(node: tuple[Any, ...]) -> Clause:
    if node[0] == "atom":
        return Clause(node[1], (node[2],), negate=node[3])
    _, op, items, _ = node
    if all(i[0] == "atom" for i in items) and len({i[1] for i in items}) == 1:
        negated = {i[3] for i in items}
        if negated == {False} and op == "or":
            return Clause(items[0][1], tuple(i[2] for i in items), negate=False)
        if negated == {True} and op == "and":
            return Clause(items[0][1], tuple(i[2] for i in items), negate=True)
    raise _Unsupported("nested combinations are not supported (only one level of and/or)")


def parse_relevant(text: str) -> Condition:
    """Parse a supported ``relevant`` expression; ``ValueError`` otherwise."""
    node = _RelevantParser(text).parse()
    if node[0] == "atom" or node[3]:
        try:
            return Condition((_as_clause(node),))
        except _Unsupported:
            if node[0] == "atom":
                raise
    _, op, items, _ = node
    return Condition(tuple(_as_clause(i) for i in items), "all" if op == "and" else "any")


# --------------------------------------------------------------------------- import


_INTEGER_BOUND = re.compile(r"^\s*\.\s*(>=|<=)\s*(-?\d+)\s*$")


#: Column kinds that carry no form content (no header, "$" bookkeeping,
#: unsupported or repeated columns: the last two are listed when not empty).
_NO_CONTENT = frozenset({"", "?", "?lang", "dup"})
#: Older spellings of the select types that pyxform still reads (longest first).
_SELECT_SPELLINGS = {
    "add select multiple prompt using": "select_multiple",
    "add select one prompt using": "select_one",
    "select all that apply from": "select_multiple",
    "select all that apply": "select_multiple",
    "select one from": "select_one",
    "select multiple": "select_multiple",
    "select one": "select_one",
    "select1": "select_one",
}
#: Other names pyxform gives the plain types (its question type dictionary).
_TYPE_ALIASES = {
    "int": "integer",
    "q int": "integer",
    "add integer prompt": "integer",
    "string": "text",
    "q string": "text",
    "add text prompt": "text",
    "q decimal": "decimal",
    "add decimal prompt": "decimal",
    "q date": "date",
    "add date prompt": "date",
    "q note": "note",
    "add note prompt": "note",
}
#: Groups that pyxform repeats (a loop repeats over a list's choices).
_REPEAT_SPELLINGS = ("begin repeat", "begin lgroup", "begin looped group", "begin loop")


def _type_words(raw: str) -> list[str]:
    """The words of a ``type`` cell: the type in lower case, a list name as
    written (list names are case-sensitive, as in pyxform), then any option
    such as ``or_other`` in lower case."""
    words = raw.split()
    if not words:
        return [""]
    lowered = " ".join(words).lower()
    if lowered in _TYPE_ALIASES:
        return [_TYPE_ALIASES[lowered]]
    for spelling, canonical in _SELECT_SPELLINGS.items():
        if lowered == spelling or lowered.startswith(spelling + " "):
            words = [canonical, *words[len(spelling.split()) :]]
            break
    head = words[0].lower()
    if head in ("select_one", "select_multiple", "rank"):
        options = [w.lower() for w in words[2:]]
        if options == ["or", "specify", "other"]:
            options = ["or_other"]  # the older spelling
        return [head, *words[1:2], *options]
    return [w.lower() for w in words]


def _specify_other(question: dict[str, Any], where: str) -> dict[str, Any]:
    """The text question that ``or_other`` adds after a select: asked when
    "Other" is chosen, named ``<name>_other`` (as pyxform names it)."""
    key = f"{question['key']}_other"
    return {
        "key": key,
        "type": "text_short",
        "label": dict(SPECIFY_OTHER_LABEL),
        "show_if": {"question": question["key"], "in": [OTHER_CODE]},
        "_loc": {(): where},
    }


#: Presentation parameters of a range (ticks, placeholder): dropped, listed.
_RANGE_DISPLAY_PARAMETERS = frozenset({"tick_interval", "placeholder", "tick_labelset"})


def _range_parameters(parameters: str) -> tuple[float, float, float] | None:
    """(start, end, step) of a ``range`` (XLSForm defaults: start=1 end=10
    step=1); None when the parameters cannot be read."""
    values = {"start": "1", "end": "10", "step": "1"}
    for part in parameters.replace(";", " ").replace(",", " ").split():
        name, sep, number = part.partition("=")
        name = name.strip().lower()
        if sep and name in _RANGE_DISPLAY_PARAMETERS:
            continue
        if not sep or name not in values:
            return None
        values[name] = number.strip()
    try:
        start, end, step = (float(values[k]) for k in ("start", "end", "step"))
    except ValueError:
        return None
    if not all(math.isfinite(x) for x in (start, end, step)) or step == 0 or start == end:
        return None
    return start, end, step


def _parse_bounds(text: str) -> tuple[int | None, int | None]:
    low = high = None
    for part in re.split(r"\s+and\s+", text.strip()):
        m = _INTEGER_BOUND.match(part)
        if m is None:
            raise _Unsupported(text)
        if m.group(1) == ">=":
            if low is not None:
                raise _Unsupported(text)
            low = int(m.group(2))
        else:
            if high is not None:
                raise _Unsupported(text)
            high = int(m.group(2))
    return low, high


class _Importer:
    def __init__(
        self,
        sheets: dict[str, _Sheet],
        filename: str,
        default_language: str | None,
        key: str | None,
    ) -> None:
        self.sheets = sheets
        self.filename = filename
        self.default_language = default_language
        self.key_override = key
        self.errors: list[Issue] = []
        self.ignored: list[Issue] = []
        self.notes: list[Issue] = []
        self.allow_choice_duplicates = False
        self.locations: dict[JsonPath, str] = {}
        self.languages: set[str] = set()
        self.survey_col: dict[str, int] = {}
        self.choices_sheet: _Sheet | None = None
        # Column of each language of the choices' labels (first one wins).
        self.choice_label_cols: dict[str, int] = {}
        # Problems the definition pass would find only because of an error
        # already reported (e.g. "needs choices" for a select whose list is
        # unknown): (path, code), code None for any.
        self.suppressed: set[tuple[JsonPath, str | None]] = set()
        # Text fields read from a sheet row -> their header ("label", "hint"),
        # to name the column a missing translation belongs in.
        self.text_headers: dict[JsonPath, str] = {}

    # -- locations

    def where(self, sheet: _Sheet, row: int | None = None, col: int | None = None) -> str:
        loc = f"{self.filename}, {sheet.name}"
        if row is not None:
            loc += f"!R{row}"
        if col is not None:
            loc += f' column {_col_letter(col)} "{sheet.headers[col]}"'
        return loc

    def other_sheets(self, others: Sequence[_Sheet]) -> None:
        """List every sheet the import does not read that has content."""
        for sheet in others:
            if sheet.rows or any(sheet.headers):
                self.ignore(
                    f"{self.filename}, {sheet.name}",
                    f"sheet {sheet.name!r} is not read by Écoute (survey, choices and settings "
                    "only); its content is dropped",
                    "unsupported_sheet",
                    sheet=sheet.name,
                )

    def note(self, where: str, message: str, code: str, /, **params: str) -> None:
        """Something the import filled in or changed: imported, and said."""
        self.notes.append(Issue(where, message, code, FrozenMap(params)))

    def ignore(self, where: str, message: str, code: str, /, **params: str) -> None:
        issue = Issue(where, message, code, FrozenMap(params))
        if issue not in self.ignored:  # one cell read for two languages: said once
            self.ignored.append(issue)

    def error(self, where: str, message: str, code: str, /, **params: str) -> None:
        self.errors.append(Issue(where, message, code, FrozenMap(params)))

    # -- headers

    def classify(
        self, sheet: _Sheet, known: set[str], texts: tuple[str, ...]
    ) -> dict[int, tuple[str, str | None]]:
        """Column index -> (field, language). Unsupported columns are reported
        once per non-empty cell when rows are read (field ``"?"``); a column
        repeating an earlier one (same field, same language) is reported once
        and its cells are dropped (field ``"dup"``, language: the first column)."""
        out: dict[int, tuple[str, str | None]] = {}
        lang_default = self.default_language
        first: dict[tuple[str, str | None], int] = {}
        # "label:English" (one colon) is read as pyxform reads it: only in a
        # sheet where no header uses "::".
        separator = "::" if any("::" in h for h in sheet.headers) else ":"
        for i, header in enumerate(sheet.headers):
            if not header or header.startswith("$"):
                out[i] = ("", None)
                continue
            base, _, rest = header.partition(separator)
            base_l = _HEADER_ALIASES.get(" ".join(base.lower().split()), base.strip().lower())
            if base_l in texts and not rest:
                out[i] = (base_l, lang_default) if lang_default else ("?lang", None)
            elif base_l in texts:
                lang = _language(rest)
                out[i] = (base_l, lang) if lang else ("?lang", None)
            elif base_l == "ecoute" and rest:
                sub, _, lang_spec = rest.partition("::")
                name = f"ecoute::{sub.strip().lower()}"
                if lang_spec and name[8:] in ("title", "intro", "consent"):
                    lang = _language(lang_spec)
                    out[i] = (name, lang) if lang else ("?lang", None)
                elif name in known and not lang_spec:
                    out[i] = (name, None)
                else:
                    out[i] = ("?", None)
            elif base_l in known and not rest:
                out[i] = (base_l, None)
            else:
                out[i] = ("?", None)
            if out[i][0] not in ("?", "?lang"):
                if out[i] in first:
                    self.report_duplicate_column(sheet, i, first[out[i]], out[i][1])
                    out[i] = ("dup", None)
                else:
                    first[out[i]] = i
        return out

    def report_duplicate_column(
        self, sheet: _Sheet, col: int, first: int, lang: str | None
    ) -> None:
        filled = [row for row, cells in sheet.rows if cells.get(col, "").strip()]
        if not filled:
            return
        what = f"the {LANGUAGE_WORDS[lang]} text" if lang in LANGUAGE_WORDS else "the values"
        self.ignore(
            self.where(sheet, None, col),
            f'column repeats {what} of column {_col_letter(first)} "{sheet.headers[first]}"; '
            f"its {len(filled)} cell(s) (rows {filled[0]}–{filled[-1]}) are dropped",
            "duplicate_column",
            first=f'{_col_letter(first)} "{sheet.headers[first]}"',
            count=str(len(filled)),
        )

    def report_unknown_cells(
        self,
        sheet: _Sheet,
        row: int,
        cells: Mapping[int, str],
        columns: Mapping[int, tuple[str, str | None]],
    ) -> None:
        for i, value in cells.items():
            kind = columns.get(i, ("?", None))[0]
            if i >= len(sheet.headers):
                kind = "?"
            if kind in ("?", "?lang") and value.strip():
                header = sheet.headers[i] if i < len(sheet.headers) else ""
                if kind == "?lang":
                    msg = (
                        f'language of column "{header}" is not supported (fr, en only); '
                        "its text is dropped"
                    )
                    code = "unsupported_language"
                    params = {"header": header}
                else:
                    msg = f'column "{header}" is not supported; its value {value[:60]!r} is dropped'
                    code = "unsupported_column"
                    params = {"header": header, "value": value[:60]}
                where = (
                    self.where(sheet, row, i)
                    if i < len(sheet.headers)
                    else f"{self.filename}, {sheet.name}!R{row} column {_col_letter(i)}"
                )
                self.ignore(where, msg, code, **params)

    def report_group_cells(
        self,
        sheet: _Sheet,
        row: int,
        cells: Mapping[int, str],
        columns: Mapping[int, tuple[str, str | None]],
        used: tuple[str, ...],
    ) -> None:
        """List the cells of a group's begin or end row that Écoute does not
        use (relevant, hint, appearance… of a group); unknown columns are
        listed by :meth:`report_unknown_cells`."""
        for i, text in cells.items():
            field_name = columns.get(i, ("?", None))[0]
            if field_name in _NO_CONTENT or field_name in used or not text.strip():
                continue
            header = sheet.headers[i]
            self.ignore(
                self.where(sheet, row, i),
                f"'{header}' on a group is not supported; dropped",
                "unsupported_column",
                header=header,
                on="group",
            )

    # -- settings

    def settings(self) -> dict[str, Any]:
        """Key, version and the Écoute texts of the settings sheet (all optional:
        the caller fills in defaults and says so)."""
        out: dict[str, Any] = {"title": {}, "intro": {}, "consent": {}}
        sheet = self.sheets.get("settings")
        known = {
            "form_id",
            "form_title",
            "version",
            "default_language",
            "allow_choice_duplicates",
            "ecoute::title",
            "ecoute::intro",
            "ecoute::consent",
        }
        if sheet is None or not sheet.rows:
            for name in ("title", "intro", "consent"):
                self.locations[(name,)] = f'{self.filename}, settings column "ecoute::{name}::…"'
            return out
        row, cells = sheet.rows[0]
        for extra_row, _ in sheet.rows[1:]:
            self.ignore(
                self.where(sheet, extra_row),
                "only the first settings row is read",
                "unsupported_row",
                sheet="settings",
            )
        col_default = sheet.column("default_language")
        if col_default is not None and cells.get(col_default, "").strip():
            spec = cells[col_default].strip()
            lang = _language(spec)
            if lang is None:
                # Plain label/hint columns are in a language Écoute does not
                # collect in: their texts are dropped, and listed.
                self.default_language = None
            else:
                self.default_language = lang
        columns = self.classify(sheet, known, ())
        self.report_unknown_cells(sheet, row, cells, columns)
        texts: dict[str, dict[str, str]] = out
        for i, (name, lang) in columns.items():
            value = cells.get(i, "")
            where = self.where(sheet, row, i)
            if name == "form_id" and value.strip():
                out["key"] = value.strip()
                self.locations[("key",)] = where
            elif name == "form_title" and value.strip():
                out["form_title"] = value.strip()
                self.locations["form_title",] = where
            elif name == "allow_choice_duplicates":
                self.allow_choice_duplicates = value.strip().lower() in _TRUE
            elif name == "version" and value.strip():
                out["version"] = value  # as written: the export writes it back unchanged
                self.locations[("version",)] = where
            elif name.startswith("ecoute::") and lang is not None and value != "":
                field_name = name[8:]
                texts[field_name][lang] = value
                self.languages.add(lang)
                self.locations[(field_name, lang)] = where
        for i, (name, lang) in columns.items():
            # Empty cells of text columns still name where a missing text goes.
            if name.startswith("ecoute::") and lang is not None:
                self.locations.setdefault((name[8:], lang), self.where(sheet, row, i))
        for name in ("title", "intro", "consent"):
            self.locations[(name,)] = f'{self.where(sheet, row)} column "ecoute::{name}::…"'
        return out

    # -- choices

    def choice_lists(self) -> dict[str, list[tuple[int, dict[str, Any]]]]:
        sheet = self.sheets.get("choices")
        lists: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        if sheet is None:
            return lists
        known = {"list_name", "name", "ecoute::score", SCORE_COLUMN}
        columns = self.classify(sheet, known, ("label",))
        self.choices_sheet = sheet
        for i, (name, lang) in columns.items():
            if name == "label" and lang:
                self.choice_label_cols.setdefault(lang, i)
        for row, cells in sheet.rows:
            self.report_unknown_cells(sheet, row, cells, columns)
            item: dict[str, Any] = {"label": {}, "_cols": {}}
            for i, (name, lang) in columns.items():
                value = cells.get(i, "")
                if name == "label" and lang and value != "":
                    item["label"][lang] = value
                    item["_cols"][lang] = i
                    self.languages.add(lang)
                elif name in ("list_name", "name"):
                    item[name] = value.strip()
                    item["_cols"][name] = i
                elif name in ("ecoute::score", SCORE_COLUMN) and value.strip():
                    try:
                        item["score"] = float(value)
                    except ValueError:
                        self.error(
                            self.where(sheet, row, i),
                            f"score {value!r} is not a number",
                            "invalid_score",
                            value=value,
                        )
                        # A stand-in, so that the other choices' scores are
                        # not reported as incomplete on top of this.
                        item["score"] = 0.0
            if not item.get("list_name"):
                self.ignore(
                    self.where(sheet, row),
                    "choice row without list_name; dropped",
                    "choice_without_list",
                )
                continue
            lists.setdefault(item["list_name"], []).append((row, item))
        return lists

    # -- survey

    def survey(self, lists: dict[str, list[tuple[int, dict[str, Any]]]]) -> list[dict[str, Any]]:
        sheet = self.sheets.get("survey")
        if sheet is None:
            self.error(
                self.filename, "the workbook has no 'survey' sheet", "missing_sheet", sheet="survey"
            )
            return []
        known = {
            "type",
            "name",
            "required",
            "relevant",
            "constraint",
            "appearance",
            "ecoute::type",
            "ecoute::indicator",
            "ecoute::polarity",
            "ecoute::positive",
            "ecoute::prefer_not_to_answer",
            "parameters",
        }
        columns = self.classify(sheet, known, ("label", "hint"))
        self.survey_col = {name: i for i, (name, lang) in columns.items() if lang is None and name}
        text_cols: dict[str, dict[str, int]] = {"label": {}, "hint": {}}
        for i, (name, lang) in columns.items():
            if name in text_cols and lang:
                text_cols[name].setdefault(lang, i)
        col = self.survey_col
        sections: list[dict[str, Any]] = []
        current: dict[str, Any] | None = None  # the open group, if any
        loose: dict[str, Any] | None = None  # the section collecting ungrouped questions
        open_groups: list[int] = []  # rows of the groups and repeats open (nested: flattened)
        used_keys: set[str] = set()

        def value(cells: Mapping[int, str], name: str) -> str:
            return cells.get(col[name], "").strip() if name in col else ""

        def texts(cells: Mapping[int, str], name: str) -> tuple[dict[str, str], dict[str, int]]:
            out: dict[str, str] = {}
            where: dict[str, int] = {}
            for i, (field_name, lang) in columns.items():
                if field_name == name and lang and cells.get(i, "") != "":
                    out[lang] = cells[i]
                    where[lang] = i
                    self.languages.add(lang)
            for lang, i in text_cols[name].items():
                where.setdefault(lang, i)  # an empty cell: where its text belongs
            return out, where

        def new_section(key: str, row: int, *, implicit: bool = False) -> dict[str, Any]:
            # Implicit sections (questions outside groups) get a free key; a
            # group's own name is kept, so that a duplicate is reported.
            base, n = key, 2
            while implicit and key in used_keys:
                key, n = f"{base}_{n}", n + 1
            used_keys.add(key)
            section: dict[str, Any] = {
                "key": key,
                "questions": [],
                "_row": row,
                "_loc": {(): self.where(sheet, row)},
                "_text": {("title",): "label"},
            }
            sections.append(section)
            return section

        for row, cells in sheet.rows:
            qtype_raw = value(cells, "type")
            words = _type_words(qtype_raw)
            qtype = " ".join(words).lower()
            head = words[0].replace("begin_", "begin ").replace("end_", "end ")
            kind = " ".join([head, *words[1:]]) if head.startswith(("begin ", "end ")) else qtype
            if kind.startswith(_REPEAT_SPELLINGS):
                kind = "begin repeat"
            elif kind in ("end loop", "end lgroup", "end looped group"):
                kind = "end repeat"
            type_where = (
                self.where(sheet, row, col["type"]) if "type" in col else self.where(sheet, row)
            )

            if kind in ("begin group", "end group", "begin repeat", "end repeat"):
                self.report_unknown_cells(sheet, row, cells, columns)
            if kind == "begin repeat":
                self.ignore(
                    type_where,
                    f"repeat '{value(cells, 'name')}' is asked once: Écoute does not repeat "
                    "questions (nor loop over a list)",
                    "repeat_asked_once",
                    name=value(cells, "name"),
                )
            if kind in ("begin group", "begin repeat"):
                open_groups.append(row)
                # A nested group's label goes with it (listed); its other cells too.
                self.report_group_cells(sheet, row, cells, columns, ("type", "name", "label"))
                if current is not None and kind == "begin repeat":
                    continue  # its questions stay in the enclosing section (said above)
                if current is not None:
                    self.ignore(
                        type_where,
                        "nested group is not supported; its questions "
                        "are kept in the enclosing section",
                        "nested_group",
                    )
                    continue
                name = value(cells, "name")
                current = new_section(name or f"section{len(sections) + 1}", row)
                title, title_cols = texts(cells, "label")
                if title:
                    current["title"] = title
                loc: dict[JsonPath, str] = current["_loc"]
                if "name" in col:
                    loc[("key",)] = self.where(sheet, row, col["name"])
                loc[("title",)] = self.where(sheet, row)
                for lang, i in title_cols.items():
                    loc[("title", lang)] = self.where(sheet, row, i)
                loose = None
                continue
            if kind in ("end group", "end repeat"):
                self.report_group_cells(sheet, row, cells, columns, ("type", "name"))
                if not open_groups:
                    opening = kind.replace("end", "begin")
                    self.error(
                        type_where,
                        f"'{kind}' without '{opening}'",
                        "unbalanced_group",
                        kind=kind,
                        opening=opening,
                    )
                else:
                    open_groups.pop()
                    if not open_groups:
                        current = None
                continue
            if not qtype:
                if any(columns.get(i, ("?",))[0] not in _NO_CONTENT for i in cells):
                    self.error(
                        self.where(sheet, row), "row without a type", "missing_field", field="type"
                    )
                else:  # a comment row (pyxform skips it): its cells are listed
                    self.report_unknown_cells(sheet, row, cells, columns)
                continue
            question = self.question(
                sheet, row, cells, value, texts, words, qtype_raw, type_where, lists
            )
            if question is None:
                continue  # dropped rows are reported once, for their type
            self.report_unknown_cells(sheet, row, cells, columns)
            target = current
            if target is None:
                if loose is None:
                    loose = new_section("main", row, implicit=True)
                target = loose
            # The XLSForm group or repeat the row is in (its begin row; 0 at
            # the top): names are unique within it, not within the section a
            # nested group or repeat is flattened into.
            question["_container"] = open_groups[-1] if open_groups else 0
            target["questions"].append(question)
            if question.pop("_or_other", False):
                other = _specify_other(question, self.where(sheet, row))
                other["_container"] = question["_container"]
                target["questions"].append(other)
        for row in open_groups:
            self.error(
                self.where(sheet, row),
                "'begin group' is never closed",
                "unbalanced_group",
                kind="begin group",
            )
        kept = []
        for section in sections:
            if section["questions"]:
                kept.append(section)
            else:
                self.ignore(
                    self.where(sheet, section["_row"]),
                    f"group '{section['key']}' has no supported question; dropped",
                    "empty_group",
                    name=section["key"],
                )
        return kept

    def question(
        self,
        sheet: _Sheet,
        row: int,
        cells: Mapping[int, str],
        value: Any,
        texts: Any,
        words: list[str],
        qtype_raw: str,
        type_where: str,
        lists: dict[str, list[tuple[int, dict[str, Any]]]],
    ) -> dict[str, Any] | None:
        col = self.survey_col
        head = words[0]
        ecoute_type = value(cells, "ecoute::type").lower()
        q: dict[str, Any] = {"key": value(cells, "name")}
        if not q["key"] and head == "note":
            # pyxform accepts a note without a name; Écoute needs a key.
            q["key"] = f"note_{row}"
            self.note(
                type_where,
                f"a note without a name is named {q['key']!r}",
                "note_named",
                key=q["key"],
            )
        loc: dict[tuple[str | int, ...], str] = {(): self.where(sheet, row)}

        def at(name: str) -> str:
            return self.where(sheet, row, col[name]) if name in col else self.where(sheet, row)

        list_name = None
        broken_list = False
        if head in _METADATA_TYPES:
            self.ignore(
                type_where,
                f"metadata field '{qtype_raw}' is not collected by Écoute; dropped",
                "unsupported_type",
                type=qtype_raw,
                kind="metadata",
            )
            return None
        or_other = head in ("select_one", "select_multiple") and words[2:] == ["or_other"]
        if head in _UNSUPPORTED_TYPES or (
            head in ("select_one", "select_multiple") and len(words) > 2 and not or_other
        ):
            self.ignore(
                type_where,
                f"question type '{qtype_raw}' is not supported; the question is dropped",
                "unsupported_type",
                type=qtype_raw,
            )
            return None
        parameters = value(cells, "parameters")
        if parameters and head != "range":
            self.ignore(
                at("parameters"),
                f"parameters {parameters!r} are not supported on '{qtype_raw}'; dropped",
                "unsupported_parameters",
                parameters=parameters,
                type=qtype_raw,
            )
        if or_other:
            q["_or_other"] = True
            words = words[:2]
        if head == "range":
            spec = _range_parameters(parameters)
            where_range = at("parameters") if parameters else type_where
            if spec is None:
                self.ignore(
                    where_range,
                    f"range with parameters {parameters!r} cannot be read; the question is dropped",
                    "unsupported_range",
                    parameters=parameters,
                )
                return None
            display = sorted(
                {p.partition("=")[0].strip().lower() for p in parameters.split()}
                & _RANGE_DISPLAY_PARAMETERS
            )
            if display:
                self.ignore(
                    where_range,
                    f"range display parameters ({', '.join(display)}) are not supported; dropped",
                    "unsupported_parameters",
                    parameters=", ".join(display),
                    type="range",
                )
            start, end, step = spec
            first, last = int(min(start, end)), int(max(start, end))
            whole = all(x.is_integer() for x in (start, end, step))
            if whole and (first, last, abs(step)) == (0, 10, 1) and ecoute_type in ("", "rating"):
                qtype = "rating"
            elif whole:
                qtype = "integer"
                q["min"], q["max"] = first, last
                loc[("min",)] = loc[("max",)] = where_range
                self.note(
                    type_where,
                    f"range {first}–{last} is asked as a whole number between {first} and {last}",
                    "range_as_integer",
                    low=str(first),
                    high=str(last),
                )
                if abs(step) != 1:
                    self.ignore(
                        where_range,
                        f"the range's step of {int(abs(step))} is not enforced: any whole "
                        "number between its bounds is accepted",
                        "unsupported_range_step",
                        step=str(int(abs(step))),
                    )
            else:
                qtype = "decimal"
                self.ignore(
                    where_range,
                    f"range {parameters!r} is asked as a decimal number; its bounds and "
                    "step are not enforced",
                    "unsupported_range_step",
                    parameters=parameters,
                )
        elif head in ("select_one", "select_multiple"):
            if len(words) != 2:
                self.error(
                    type_where, f"'{qtype_raw}' needs a list name", "missing_list", type=qtype_raw
                )
                broken_list = True  # kept, without choices, to check the rest of the row
            elif words[1].startswith("${"):
                self.ignore(
                    type_where,
                    f"'{qtype_raw}' chooses among the answers of a repeat, which Écoute does "
                    "not support; the question is dropped",
                    "unsupported_type",
                    type=qtype_raw,
                    kind="repeat_choices",
                )
                return None
            else:
                list_name = words[1]
            if head == "select_multiple":
                qtype = "multiple_choice"
            elif ecoute_type in BUILTIN_CHOICE_TYPES:
                qtype = ecoute_type
            else:
                qtype = "single_choice"
        elif head in ("integer", "decimal", "date"):
            qtype = head
        elif head == "text":
            multiline = value(cells, "appearance").lower() == "multiline"
            qtype = "text_long" if ecoute_type == "text_long" or multiline else "text_short"
        elif head == "note":
            qtype = "note"
        else:
            self.ignore(
                type_where,
                f"unknown question type '{qtype_raw}'; the question is dropped",
                "unknown_type",
                type=qtype_raw,
            )
            return None
        if ecoute_type and ecoute_type != qtype:
            self.error(
                at("ecoute::type"),
                f"ecoute::type '{ecoute_type}' does not fit type '{qtype_raw}'",
                "invalid_ecoute_type",
                value=ecoute_type,
                type=qtype_raw,
            )
        q["type"] = qtype
        q["_text"] = {("label",): "label", ("help",): "hint"}
        loc[("key",)] = at("name")
        loc[("type",)] = type_where
        label, label_cols = texts(cells, "label")
        q["label"] = label
        loc[("label",)] = self.where(sheet, row)
        for lang, i in label_cols.items():
            loc[("label", lang)] = self.where(sheet, row, i)
        hint, hint_cols = texts(cells, "hint")
        if hint:
            q["help"] = hint
            loc[("help",)] = self.where(sheet, row)
            for lang, i in hint_cols.items():
                loc[("help", lang)] = self.where(sheet, row, i)
        required = value(cells, "required").lower()
        if required and required not in _FALSE and qtype == "note":
            # pyxform accepts it (a note has no answer to require): listed.
            self.ignore(
                at("required"),
                f"required {required!r} on a note is dropped: a note takes no answer",
                "unsupported_required",
                value=required,
                on="note",
            )
        elif required in _TRUE:
            q["required"] = True
        elif required not in _FALSE:
            self.ignore(
                at("required"),
                f"required expression {required!r} is not supported "
                "(yes or no); the question is not required",
                "unsupported_required",
                value=required,
            )
        loc[("required",)] = at("required")
        pna = value(cells, "ecoute::prefer_not_to_answer").lower()
        if pna in _TRUE:
            q["prefer_not_to_answer"] = True
        elif pna not in _FALSE:
            self.error(
                at("ecoute::prefer_not_to_answer"),
                f"{pna!r} is not yes or no",
                "invalid_value",
                value=pna,
            )
        loc[("prefer_not_to_answer",)] = at("ecoute::prefer_not_to_answer")
        appearance = value(cells, "appearance")
        if appearance and not (head == "text" and appearance.lower() == "multiline"):
            self.ignore(
                at("appearance"),
                f"appearance {appearance!r} is not supported; dropped",
                "unsupported_appearance",
                value=appearance,
            )
        constraint = value(cells, "constraint")
        if constraint:
            try:
                if qtype != "integer":
                    raise _Unsupported(constraint)
                low, high = _parse_bounds(constraint)
            except _Unsupported:
                self.ignore(
                    at("constraint"),
                    f"constraint {constraint!r} is not supported "
                    "(only '. >= MIN and . <= MAX' on integers); dropped",
                    "unsupported_constraint",
                    value=constraint,
                )
            else:
                if low is not None:
                    q["min"] = low
                if high is not None:
                    q["max"] = high
                loc[("min",)] = loc[("max",)] = at("constraint")
        relevant = value(cells, "relevant")
        if relevant:
            try:
                condition = parse_relevant(relevant)
            except _Unsupported as exc:
                self.ignore(
                    at("relevant"),
                    f"relevant {relevant!r} is not supported ({exc}); "
                    "the question will always be shown",
                    "unsupported_relevant",
                    value=relevant,
                )
            else:
                q["show_if"] = _dump_condition_dict(condition)
                loc[("show_if",)] = at("relevant")
        for name in ("indicator", "polarity"):
            text = value(cells, f"ecoute::{name}")
            if text:
                q[name] = text
                loc[(name,)] = at(f"ecoute::{name}")
        positive = value(cells, "ecoute::positive")
        if positive:
            q["positive"] = positive.split()
            loc[("positive",)] = at("ecoute::positive")
        if list_name is not None:
            broken_list = not self.choices(q, loc, list_name, type_where, lists)
        if broken_list:
            # The error is reported; the question stays, with unknown codes,
            # so that the definition-level rules still check the rest of it
            # (and conditions on it are not reported as unknown questions).
            q["_suppress"] = {((), "missing_choices")}
        q["_loc"] = loc
        return q

    def without_repeated_codes(
        self, sheet: _Sheet, items: list[tuple[int, dict[str, Any]]]
    ) -> list[tuple[int, dict[str, Any]]]:
        """With ``allow_choice_duplicates``, XLSForm lets two choices share a
        code; an answer stores one code, so the later ones are dropped (listed)."""
        kept: list[tuple[int, dict[str, Any]]] = []
        seen: set[str] = set()
        for row, item in items:
            code = item.get("name", "")
            if code in seen:
                where = self.where(sheet, row, item["_cols"].get("name"))
                message = f"choice code '{code}' is used again; this choice is dropped"
                self.ignore(where, message, "duplicate_choice_dropped", code=code)
                continue
            seen.add(code)
            kept.append((row, item))
        return kept

    def choices(
        self,
        q: dict[str, Any],
        loc: dict[tuple[str | int, ...], str],
        list_name: str,
        type_where: str,
        lists: dict[str, list[tuple[int, dict[str, Any]]]],
    ) -> bool:
        """Add the list's choices to ``q``; False when the list is unknown
        (error reported). A scale type keeps its standard choices, also when
        the list's codes do not match them (error reported)."""
        items = lists.get(list_name)
        sheet = self.choices_sheet
        if not items or sheet is None:
            self.error(
                type_where,
                f"list '{list_name}' is not in the choices sheet",
                "unknown_list",
                list=list_name,
            )
            return False
        if self.allow_choice_duplicates:
            items = self.without_repeated_codes(sheet, items)
        if q["type"] in BUILTIN_CHOICE_TYPES:
            expected = builtin_choices(q["type"])
            codes = [item.get("name", "") for _, item in items]
            if codes != [c.code for c in expected]:
                self.error(
                    type_where,
                    f"list '{list_name}' must have the codes of the "
                    f"{q['type']} scale ({' '.join(c.code for c in expected)}), in order;"
                    f" it has {' '.join(codes)}",
                    "builtin_codes_mismatch",
                    list=list_name,
                    expected=" ".join(c.code for c in expected),
                    codes=" ".join(codes),
                )
                return True  # the scale's own codes stand in for the list's
            for (row, item), standard in zip(items, expected, strict=True):
                for lang, text in item["label"].items():
                    if standard.label.get(lang) != text:
                        self.ignore(
                            self.where(sheet, row, item["_cols"][lang]),
                            f"label {text!r} is replaced by the standard "
                            f"{q['type']} label {standard.label.get(lang)!r}",
                            "builtin_label_replaced",
                            label=text,
                            standard=str(standard.label.get(lang)),
                        )
            return True
        choices = []
        taken = {item.get("name", "") for _, item in items}
        for k, (row, item) in enumerate(items):
            code = item.get("name", "")
            usable = _usable_code(code, multiple=q["type"] == "multiple_choice", taken=taken)
            if usable != code:
                taken.add(usable)
                q.setdefault("_codes_renamed", {})[code] = usable
                self.note(
                    self.where(sheet, row, item["_cols"].get("name")),
                    f"choice code {code!r} is stored as {usable!r} (Écoute's codes do not start "
                    "with '_' nor contain quotes)",
                    "choice_code_changed",
                    code=code,
                    new=usable,
                )
                code = usable
            choice: dict[str, Any] = {"code": code, "label": item["label"]}
            if "score" in item:
                choice["score"] = item["score"]
            choices.append(choice)
            loc[("choices", k)] = self.where(sheet, row)
            if "name" in item["_cols"]:
                loc[("choices", k, "code")] = self.where(sheet, row, item["_cols"]["name"])
            q["_text"][("choices", k, "label")] = "label"
            loc[("choices", k, "label")] = self.where(sheet, row)
            for lang in LANGUAGES:
                i = item["_cols"].get(lang, self.choice_label_cols.get(lang))
                if i is not None:
                    loc[("choices", k, "label", lang)] = self.where(sheet, row, i)
        if q.get("_or_other") and OTHER_CODE not in [c["code"] for c in choices]:
            choices.append({"code": OTHER_CODE, "label": dict(OTHER_LABEL)})
            loc[("choices", len(choices) - 1)] = type_where
        q["choices"] = choices
        return True


def _dump_condition_dict(condition: Condition) -> dict[str, Any]:
    def clause(c: Clause) -> dict[str, Any]:
        return {"question": c.question, ("not_in" if c.negate else "in"): list(c.codes)}

    if len(condition.clauses) == 1:
        return clause(condition.clauses[0])
    return {condition.combine: [clause(c) for c in condition.clauses]}


_MISSING_TEXT = re.compile(r"missing '([^']+)' text")


def _check_definition(
    importer: _Importer, definition: dict[str, Any]
) -> tuple[list[Issue], Questionnaire | None]:
    """The definition-level rules (loader), located in the workbook.

    Each path the importer located gets a unique token, so that every issue
    of the loader can be traced to its path: issues caused only by an error
    the importer already reported are dropped, and a missing translation is
    located in the column of its language.
    """
    tokens = {path: f"\x00{n}\x00" for n, path in enumerate(importer.locations)}
    paths = {token: path for path, token in tokens.items()}
    issues, questionnaire = _issues_and_questionnaire(definition, importer.filename, tokens)
    out: list[Issue] = []
    for issue in issues:
        path = paths.get(issue.location)
        if path is None:  # not located by the importer: keep the loader's words
            out.append(issue)
            continue
        if (path, issue.code) in importer.suppressed or (path, None) in importer.suppressed:
            continue
        where = importer.locations[path]
        match = _MISSING_TEXT.match(issue.message)
        if issue.code == "missing_translation" and match:
            lang = match.group(1)
            if (*path, lang) in importer.locations:
                where = importer.locations[(*path, lang)]
            elif path in importer.text_headers and lang in LANGUAGE_NAMES:
                where += f' column "{importer.text_headers[path]}::{LANGUAGE_NAMES[lang]}"'
        out.append(Issue(where, issue.message, issue.code, issue.params))
    return out, questionnaire


def _in_sheet_order(importer: _Importer, issues: Sequence[Issue]) -> list[Issue]:
    """Issues without duplicates, by sheet (workbook order; whole-file issues
    first, absent sheets last), row and column; stable otherwise."""
    prefix = f"{importer.filename}, "
    ranks: list[tuple[int, set[str]]] = [
        (n, {sheet.name.lower(), kind}) for n, (kind, sheet) in enumerate(importer.sheets.items())
    ]
    absent = [kind for kind in _SHEET_KINDS if kind not in importer.sheets]
    ranks += [(len(ranks) + n, {kind}) for n, kind in enumerate(absent)]

    def key(issue: Issue) -> tuple[int, int, int, int, str]:
        rest = issue.location.removeprefix(prefix)
        for rank, names in ranks:
            for name in names:
                if issue.location.startswith(prefix) and (
                    rest.lower() == name or rest.lower().startswith((f"{name}!", f"{name} "))
                ):
                    tail = rest[len(name) :]
                    row = re.match(r"!R(\d+)", tail)
                    col = re.search(r" column ([A-Z]+) ", tail)
                    # Row-level issues first, then by column (A < Z < AA), then
                    # columns named without a letter (absent from the sheet).
                    if col is not None:
                        col_key = (1, len(col.group(1)), col.group(1))
                    else:
                        col_key = (2 if " column " in tail else 0, 0, "")
                    return (rank, int(row.group(1)) if row else 0, *col_key)
        return (-1, 0, 0, 0, "")  # the whole file

    return sorted(dict.fromkeys(issues), key=key)


def read_xlsform(
    data: bytes,
    *,
    filename: str,
    accept_ignored: bool = False,
    default_language: str = "fr",
    key: str | None = None,
) -> XLSFormImport:
    """Import an XLSForm workbook (``.xlsx`` or legacy ``.xls`` bytes).

    ``default_language`` is the language of plain ``label``/``hint`` columns
    when the settings sheet gives no ``default_language`` (the import option
    "language of unlabelled columns"); ``key`` overrides ``form_id``. Raises
    :class:`DefinitionError` for an unsafe or unreadable upload, for any
    error, and — unless ``accept_ignored`` — when a construct outside the
    supported subset would be dropped.

    Écoute's own settings are optional: the key comes from ``form_id`` or the
    file name, the title from ``form_title``, and a standard introduction and
    consent text stand in until the designer changes them. A text missing in
    one of the form's languages is filled from another language. Each of these
    is listed in ``XLSFormImport.notes`` (imported, but said).

    Every problem is reported in one pass: when the sheets have errors, the
    rows that can be read still form a definition (a select whose list is
    unknown has unknown codes…) that the definition-level rules check too.
    The errors come first, in sheet, row and column order, then the
    constructs that would be dropped.
    """
    issues = check_upload(data, filename=filename)
    if issues:
        raise DefinitionError(issues)
    sheets, others = _read_sheets(data, filename)
    importer = _Importer(sheets, filename, default_language, key)
    importer.other_sheets(others)
    settings = importer.settings()
    lists = importer.choice_lists()
    errors_before_survey = len(importer.errors)
    sections = importer.survey(lists)
    _rename_duplicates(importer, sections)
    _drop_unusable_conditions(importer, sections)
    languages = sorted(
        importer.languages,
        key=lambda lang: (lang != importer.default_language, LANGUAGES.index(lang)),
    )
    if not sections:
        if "survey" in sheets and len(importer.errors) == errors_before_survey:
            importer.error(
                f"{filename}, survey",
                "the survey has no question Écoute can ask",
                "empty_survey",
            )
        # Already reported (no question, no survey sheet, or only broken rows).
        importer.locations[("sections",)] = f"{filename}, survey"
        importer.suppressed.add((("sections",), None))
    elif not languages:
        importer.error(
            filename,
            "no text in French or English: Écoute asks its questions in French and English "
            "(name the language of plain label columns with the import's language option or "
            "the settings' default_language)",
            "no_supported_language",
        )
    if not languages:
        # Check the rest against one language rather than report every text.
        languages = [importer.default_language or LANGUAGES[0]]
    definition: dict[str, Any] = {"schema": "ecoute-questionnaire/1"}
    definition["key"] = key if key is not None else _form_key(importer, settings)
    if "version" in settings:
        definition["version"] = settings["version"][:64]
    definition["languages"] = languages
    importer.locations.setdefault(("languages",), f"{filename}, survey!R1")
    out_sections = []
    for i, section in enumerate(sections):
        _place(importer, ("sections", i), section)
        out_questions = []
        for j, question in enumerate(section["questions"]):
            _place(importer, ("sections", i, "questions", j), question)
            out_questions.append(question)
        out_section = {"key": section["key"], "questions": out_questions}
        if "title" in section:
            out_section["title"] = section["title"]
        out_sections.append(out_section)
    definition["sections"] = out_sections
    _settings_texts(importer, settings, definition)
    _complete_texts(importer, definition)
    # Always run, also after errors: a problem must not wait for others to be fixed.
    rule_issues, questionnaire = _check_definition(importer, definition)
    errors = _in_sheet_order(importer, importer.errors + rule_issues)
    if errors:
        raise DefinitionError(errors + [i for i in importer.ignored if i not in errors])
    if importer.ignored and not accept_ignored:
        raise DefinitionError(importer.ignored)
    assert questionnaire is not None  # noqa: S101 (no errors implies a questionnaire)
    return XLSFormImport(
        questionnaire, list(importer.ignored), _in_sheet_order(importer, importer.notes)
    )


def normalise_key(text: str) -> str:
    """A questionnaire key (``^[a-z][a-z0-9_-]{0,63}$``) made from a form_id or
    a file name: accents removed, lower case, other characters as ``-``."""
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    )
    key = re.sub(r"[^a-z0-9_-]+", "-", ascii_text).strip("-_")
    key = re.sub(r"^[^a-z]+", "", key)[:64].rstrip("-_")
    return key or "form"


def _form_key(importer: _Importer, settings: Mapping[str, Any]) -> str:
    given = settings.get("key")
    if given is not None:
        key = normalise_key(given)
        if key != given:
            importer.note(
                importer.locations[("key",)],
                f"form_id {given!r} becomes the key {key!r} (lower-case letters, digits, "
                "'_' and '-')",
                "key_normalised",
                given=given,
                key=key,
            )
        return key
    stem = PurePath(importer.filename).stem
    key = normalise_key(stem)
    importer.note(
        importer.filename,
        f"no form_id: the key {key!r} is made from the file name",
        "key_from_filename",
        key=key,
    )
    importer.locations[("key",)] = importer.filename
    return key


def _settings_texts(
    importer: _Importer, settings: Mapping[str, Any], definition: dict[str, Any]
) -> None:
    """Title, introduction and consent in every language: the ``ecoute::``
    settings, else ``form_title`` (or the file name) for the title and the
    standard texts for the others, each default said in a note."""
    languages = definition["languages"]
    form_title = settings.get("form_title")
    for name in ("title", "intro", "consent"):
        given = {lang: t for lang, t in settings[name].items() if lang in languages}
        text: dict[str, str] = {}
        for lang in languages:
            where = importer.locations.get((name, lang), importer.locations[(name,)])
            if given.get(lang, "").strip():
                text[lang] = _without_references(importer, where, given[lang])
                continue
            if name == "title" and form_title:
                # XLSForm's title serves every language.
                text[lang] = _without_references(importer, where, form_title)
            elif name == "title":
                text[lang] = PurePath(importer.filename).stem
                importer.note(
                    where,
                    f"no form_title: the {LANGUAGE_WORDS[lang]} title is the file name",
                    "title_from_filename",
                    language=lang,
                )
            else:
                text[lang] = STANDARD_TEXTS[name][lang]
                importer.note(
                    where,
                    f"no {LANGUAGE_WORDS[lang]} {STANDARD_TEXT_NAMES[name]}: Écoute's standard "
                    "text is used; read it and adapt it in the designer",
                    "standard_text",
                    language=lang,
                    text=name,
                )
        definition[name] = text


def _text_paths(definition: Mapping[str, Any]) -> list[tuple[JsonPath, dict[str, Any], str]]:
    """(path, owner, field) of every text of the sections, in form order."""
    found: list[tuple[JsonPath, dict[str, Any], str]] = []
    for i, section in enumerate(definition["sections"]):
        found.append((("sections", i), section, "title"))
        for j, question in enumerate(section["questions"]):
            qpath: JsonPath = ("sections", i, "questions", j)
            found.append((qpath, question, "label"))
            found.append((qpath, question, "help"))
            for k, choice in enumerate(question.get("choices", ())):
                found.append(((*qpath, "choices", k), choice, "label"))
    return found


def _without_references(importer: _Importer, where: str, value: str) -> str:
    """``value`` without its ``${name}`` references (listed as drops)."""
    found = ANSWER_REFERENCE_RE.findall(value)
    if not found:
        return value
    importer.ignore(
        where,
        f"{', '.join(found)} in this text is removed (Écoute does not show earlier answers "
        "in texts); '…' stands in its place",
        "answer_reference",
        references=", ".join(found),
    )
    return ANSWER_REFERENCE_RE.sub("…", value)


def _complete_texts(importer: _Importer, definition: dict[str, Any]) -> None:
    """Fill a text missing in one of the form's languages from another language
    (the form's first language first) and say so; remove ``${name}``
    references, which Écoute cannot show (listed as drops)."""
    languages = definition["languages"]
    paths = _text_paths(definition)
    for path, owner, field_name in paths:  # first every text as read…
        text = owner.get(field_name)
        if not isinstance(text, dict):
            continue
        for lang in list(text):
            if lang not in languages:
                del text[lang]  # a generated text ("Other") in an absent language
            else:
                where = importer.locations.get(
                    (*path, field_name, lang), importer.locations.get(path, importer.filename)
                )
                text[lang] = _without_references(importer, where, text[lang])
                if not text[lang].strip():
                    del text[lang]
    for path, owner, field_name in paths:  # …then what stands in for a missing one
        text = owner.get(field_name)
        if not isinstance(text, dict):
            continue
        fpath = (*path, field_name)
        if not text:
            if field_name in ("help", "title"):
                owner.pop(field_name, None)
                continue
            stand_in = owner.get("help") if field_name == "label" and "code" not in owner else None
            if isinstance(stand_in, dict) and stand_in:
                text.update(stand_in)
                owner.pop("help")
                message, params = "no label: the hint becomes the label", {}
            else:
                name = str(owner.get("code") or owner.get("key") or "?")
                text.update({languages[0]: name})
                message = f"no label: the name {name!r} stands in; write a label in the designer"
                params = {"name": name}
            importer.note(
                importer.locations.get(path, importer.filename), message, "no_label", **params
            )
        source = next(lang for lang in [*languages, *text] if lang in text)
        for lang in languages:
            if lang not in text:
                text[lang] = text[source]
                cell = importer.locations.get((*fpath, lang))
                if cell is not None:
                    where = cell
                else:
                    where = importer.locations.get(path, importer.filename)
                    header = importer.text_headers.get(fpath)
                    if header:
                        where += f' column "{lang_header(header, lang)}"'
                importer.note(
                    where,
                    f"no {LANGUAGE_WORDS[lang]} text: the {LANGUAGE_WORDS[source]} text stands "
                    "in until it is translated in the designer",
                    "translation_filled",
                    language=lang,
                    source=source,
                )


#: The longest question or group key Écoute stores (pyxform has no limit).
MAX_KEY_LENGTH = 64
#: Names XLSForm reserves for itself (pyxform refuses them).
_RESERVED_NAMES = frozenset({"meta"})


def _rename_duplicates(importer: _Importer, sections: list[dict[str, Any]]) -> None:
    """XLSForm allows one name in two groups and names that differ only in case;
    Écoute's keys are unique in the questionnaire, and an export must not draw
    pyxform's warning on names equal but for case. Such a name met again, or a
    reserved name, gets a suffix (said); the same name twice in one group stays
    an error, as in pyxform."""
    _rename_items(importer, [(0, s) for s in sections])
    _rename_items(
        importer,
        [(q.pop("_container", i), q) for i, s in enumerate(sections) for q in s["questions"]],
    )


def _rename_items(importer: _Importer, items: list[tuple[int, dict[str, Any]]]) -> None:
    taken = {item["key"].lower() for _, item in items}
    seen: dict[str, tuple[str, int]] = {}  # folded name -> (first name, its group)
    for group, item in items:
        key = item["key"]
        if not key:
            continue
        first = seen.get(key.lower())
        too_long = len(key) > MAX_KEY_LENGTH
        if first is None and key.lower() not in _RESERVED_NAMES and not too_long:
            seen[key.lower()] = (key, group)
            continue
        if first == (key, group) and not too_long:
            continue  # the same name twice in one group: the loader reports it
        base, k = key[:60], 2
        while f"{base}_{k}".lower() in taken:
            k += 1
        item["key"] = f"{base}_{k}"
        taken.add(item["key"].lower())
        if too_long:
            importer.note(
                item["_loc"].get(("key",), item["_loc"][()]),
                f"the name {key!r} is longer than {MAX_KEY_LENGTH} characters; it is stored "
                f"as {item['key']!r}",
                "name_shortened",
                name=key,
                key=item["key"],
                limit=str(MAX_KEY_LENGTH),
            )
            continue
        importer.note(
            item["_loc"].get(("key",), item["_loc"][()]),
            f"the name {key!r} is reserved or already used (case aside); it is stored "
            f"as {item['key']!r}",
            "renamed_duplicate",
            name=key,
            key=item["key"],
        )


def _drop_unusable_conditions(importer: _Importer, sections: list[dict[str, Any]]) -> None:
    """A ``relevant`` that pyxform accepts but Écoute cannot apply (it refers to
    a dropped, later or open question, or to a code the list lacks) is dropped
    and listed: the question is then always shown."""
    earlier: dict[str, tuple[str, set[str] | None]] = {}
    renamed: dict[str, dict[str, str]] = {}  # question -> its codes stored otherwise
    for section in sections:
        for q in section["questions"]:
            condition = q.get("show_if")
            if condition is not None:
                for clause in condition.get("all") or condition.get("any") or [condition]:
                    codes_map = renamed.get(clause.get("question", ""), {})
                    for op in ("in", "not_in"):
                        if op in clause:
                            clause[op] = [codes_map.get(c, c) for c in clause[op]]
                problem = _condition_problem(condition, earlier)
                if problem:
                    del q["show_if"]
                    where = q["_loc"].pop(("show_if",), q["_loc"][()])
                    importer.ignore(
                        where,
                        f"relevant {problem[0]}; the question will always be shown",
                        "unsupported_relevant",
                        **problem[1],
                    )
            qtype = q.get("type")
            if qtype in BUILTIN_CHOICE_TYPES:
                codes: set[str] | None = {c.code for c in builtin_choices(qtype)}
            elif "choices" in q:
                codes = {c["code"] for c in q["choices"]}
            else:
                codes = None
            if codes is not None and q.get("prefer_not_to_answer"):
                codes.add(PNA_CODE)
            earlier.setdefault(q.get("key", ""), (qtype or "", codes))
            renamed.setdefault(q.get("key", ""), q.pop("_codes_renamed", {}))


def _condition_problem(
    condition: Mapping[str, Any], earlier: Mapping[str, tuple[str, set[str] | None]]
) -> tuple[str, dict[str, str]] | None:
    """Why Écoute cannot apply ``condition`` (English, and the message's params)."""
    clauses = condition.get("all") or condition.get("any") or [condition]
    for clause in clauses:
        target = clause["question"]
        if target not in earlier:
            return (
                f"refers to '{target}', which is not an earlier question Écoute keeps",
                {"question": target, "problem": "not_earlier"},
            )
        qtype, codes = earlier[target]
        if qtype not in ("agreement", "rating", "single_choice", "multiple_choice", "yes_no"):
            return (
                f"refers to '{target}', a question without choices",
                {"question": target, "problem": "no_choices"},
            )
        for code in clause.get("in", clause.get("not_in", [])):
            if codes is not None and code not in codes:
                return (
                    f"compares '{target}' with '{code}', which is not one of its codes",
                    {"question": target, "code": code, "problem": "unknown_code"},
                )
    return None


def _place(importer: _Importer, path: JsonPath, item: dict[str, Any]) -> None:
    """Record the locations, text headers and suppressed issues of a section or
    question at its path in the definition (and remove them from ``item``)."""
    for suffix, where in item.pop("_loc", {}).items():
        importer.locations[(*path, *suffix)] = where
    for suffix, header in item.pop("_text", {}).items():
        importer.text_headers[(*path, *suffix)] = header
    for suffix, code in item.pop("_suppress", set()):
        importer.suppressed.add(((*path, *suffix), code))
