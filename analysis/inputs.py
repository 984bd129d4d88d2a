"""The tidy answer table, question metadata and their validation.

The table layout and the answer coding are fixed by ``docs/CONTRACTS.md``:
one row per answer to a closed question, with the columns of
:data:`ANSWER_COLUMNS`; ``value`` holds the stored code (``"_pna"`` = prefer
not to answer, ``None`` = shown but left blank).

:func:`validate_answers` checks a :class:`pandas.DataFrame` and
:func:`read_answers_csv` reads and checks a CSV file; both collect *every*
problem (row, column, value, what is wrong) before raising
:class:`AnswerTableError`, so a user can fix a file in one pass.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import IO, Any

import numpy as np
import pandas as pd

__all__ = [
    "ANSWER_COLUMNS",
    "INVITATION_COLUMNS",
    "INVITATION_OPTIONAL_COLUMNS",
    "MODES",
    "PNA",
    "QUESTION_KINDS",
    "WAVE_KINDS",
    "AnswerTableError",
    "PreparedAnswers",
    "QuestionSpec",
    "TableProblem",
    "prepare_answers",
    "question_map",
    "read_answers_csv",
    "validate_answers",
    "validate_invitations",
]

#: Columns of the tidy answer table, in order (docs/CONTRACTS.md).
ANSWER_COLUMNS: tuple[str, ...] = (
    "response_id",
    "beneficiary_code",
    "study",
    "wave",
    "wave_kind",
    "site",
    "questionnaire_version",
    "question_key",
    "indicator",
    "value",
    "completed_date",
    "mode",
    "language",
)

#: Columns of the invitations table (docs/CONTRACTS.md).
INVITATION_COLUMNS: tuple[str, ...] = (
    "invitation_id",
    "wave",
    "wave_kind",
    "site",
    "created_at",
    "sent_at",
    "opened_at",
    "started_at",
    "completed_at",
    "expired",
)

#: Optional columns of the invitations table: the invited person's pseudonymous
#: code and the day their support started (attrition among people due, time
#: with the service at baseline). Kept when present, ``None`` otherwise.
INVITATION_OPTIONAL_COLUMNS: tuple[str, ...] = ("beneficiary_code", "support_started_on")

#: Reserved code for "prefer not to answer".
PNA = "_pna"

QUESTION_KINDS = frozenset(
    {
        "agreement",
        "rating",
        "yes_no",
        "single_choice",
        "multiple_choice",
        "integer",
        "text_short",
        "text_long",
        "note",
    }
)
TEXT_KINDS = frozenset({"text_short", "text_long", "note"})
WAVE_KINDS = frozenset({"baseline", "follow_up", "exit"})
MODES = frozenset({"self", "assisted", "read_aloud"})
LANGUAGES = frozenset({"fr", "en"})

#: Columns that must hold a non-empty string on every row.
_REQUIRED_TEXT = (
    "response_id",
    "study",
    "wave",
    "wave_kind",
    "site",
    "questionnaire_version",
    "question_key",
    "mode",
    "language",
)
#: Columns describing the response, identical on all rows of one response_id.
_RESPONSE_LEVEL = (
    "beneficiary_code",
    "study",
    "wave",
    "wave_kind",
    "site",
    "questionnaire_version",
    "completed_date",
    "mode",
    "language",
)
_INTEGER = re.compile(r"[+-]?[0-9]+")
_MAX_LISTED = 200

_DEFAULT_SCORES: dict[str, dict[str, float]] = {
    "agreement": {str(i): float(i) for i in range(1, 6)},
    "rating": {str(i): float(i) for i in range(11)},
    "yes_no": {"no": 0.0, "yes": 1.0},
}
_DEFAULT_POSITIVE: dict[str, frozenset[str]] = {
    "agreement": frozenset({"4", "5"}),
    "yes_no": frozenset({"yes"}),
}


@dataclass(frozen=True)
class QuestionSpec:
    """Metadata of one closed question, travelling beside the answer table.

    Parameters
    ----------
    key : str
        Stable question key (``question_key`` in the table).
    kind : str
        Question type: ``agreement``, ``rating``, ``yes_no``,
        ``single_choice``, ``multiple_choice``, ``integer`` (text kinds are
        accepted here but never analysed).
    indicator : str or None
        Indicator the question feeds (e.g. ``listened``, ``recommendation``).
    positive_codes : frozenset of str
        Codes counted as a positive answer. When empty, ``agreement`` uses
        ``{"4", "5"}`` and ``yes_no`` uses ``{"yes"}``; other kinds have no
        positive share.
    scores : mapping of code to float
        Numeric score of each code. When empty the coding of
        ``docs/CONTRACTS.md`` applies (agreement 1–5, rating 0–10,
        yes/no 1/0, integer = its value).
    polarity : {1, -1}
        +1 when a higher score is better, −1 otherwise.
    label, choice_labels : mappings
        Texts by language, for reports.
    version_labels : mapping
        Wording of the question in each questionnaire version that has it
        (``"<questionnaire key>@<version number>"`` → language → text), so
        each wave is shown in its own words; ``label`` is the latest.
    """

    key: str
    kind: str
    indicator: str | None = None
    positive_codes: frozenset[str] = frozenset()
    scores: Mapping[str, float] = field(default_factory=dict)
    polarity: int = 1
    label: Mapping[str, str] = field(default_factory=dict)
    choice_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    version_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in QUESTION_KINDS:
            raise ValueError(f"question {self.key!r}: unknown kind {self.kind!r}")
        if self.polarity not in (1, -1):
            raise ValueError(f"question {self.key!r}: polarity must be 1 or -1")
        object.__setattr__(self, "positive_codes", frozenset(self.positive_codes))
        scores = {str(code): float(score) for code, score in dict(self.scores).items()}
        object.__setattr__(self, "scores", MappingProxyType(scores))
        object.__setattr__(self, "label", MappingProxyType(dict(self.label)))
        choices = {str(c): MappingProxyType(dict(t)) for c, t in dict(self.choice_labels).items()}
        object.__setattr__(self, "choice_labels", MappingProxyType(choices))
        versions = {str(v): MappingProxyType(dict(t)) for v, t in dict(self.version_labels).items()}
        object.__setattr__(self, "version_labels", MappingProxyType(versions))

    @property
    def analysed(self) -> bool:
        """False for free-text and note questions, which are never analysed."""
        return self.kind not in TEXT_KINDS

    def score_map(self) -> dict[str, float]:
        """Effective code → score mapping (explicit ``scores`` or the contract's coding)."""
        if self.scores:
            return dict(self.scores)
        return dict(_DEFAULT_SCORES.get(self.kind, {}))

    def effective_positive_codes(self) -> frozenset[str]:
        """Positive codes (explicit, or the default of the kind, or empty)."""
        if self.positive_codes:
            return self.positive_codes
        return _DEFAULT_POSITIVE.get(self.kind, frozenset())

    def code_order(self) -> tuple[str, ...]:
        """Codes in their natural order, for answer distributions."""
        if self.kind in _DEFAULT_SCORES and not self.choice_labels:
            base = list(self.score_map())
            if self.kind == "yes_no":
                base = ["yes", "no"]
            return tuple(base)
        codes = list(self.choice_labels) or list(self.scores) or sorted(self.positive_codes)
        return tuple(codes)

    def allowed_codes(self) -> frozenset[str] | None:
        """Codes a stored value may take (``None``: checked by pattern instead)."""
        if self.kind in ("agreement", "rating", "yes_no"):
            return frozenset(_DEFAULT_SCORES[self.kind])
        if self.kind in ("single_choice", "multiple_choice"):
            known = set(self.choice_labels) | set(self.scores) | set(self.positive_codes)
            return frozenset(known) if known else None
        return None


def question_map(questions: Mapping[str, QuestionSpec] | Iterable[QuestionSpec]) -> dict:
    """Return ``{key: QuestionSpec}`` from a mapping or an iterable of specs."""
    specs = list(questions.values()) if isinstance(questions, Mapping) else list(questions)
    result: dict[str, QuestionSpec] = {}
    for spec in specs:
        if not isinstance(spec, QuestionSpec):
            raise TypeError(f"expected QuestionSpec, got {type(spec).__name__}")
        if spec.key in result:
            raise ValueError(f"question {spec.key!r} is specified twice")
        result[spec.key] = spec
    return result


@dataclass(frozen=True)
class TableProblem:
    """One problem in an answer table.

    ``row`` is the row number as in the file (header = row 1, first data
    row = row 2) for CSV input, or the index label for a DataFrame; ``None``
    for a problem with the whole table (e.g. a missing column).
    """

    row: Any
    column: str | None
    value: Any
    message: str

    def __str__(self) -> str:
        where = "table" if self.row is None else f"row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        shown = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}{shown}: {self.message}"


class AnswerTableError(ValueError):
    """Raised when an answer table violates the contract.

    Attributes
    ----------
    problems : list of TableProblem
        Every problem found (at most 200 per kind of check are listed;
        ``n_problems`` gives the full count).
    n_problems : int
    """

    def __init__(self, problems: list[TableProblem], n_problems: int | None = None):
        self.problems = problems
        self.n_problems = len(problems) if n_problems is None else n_problems
        lines = [str(p) for p in problems[:20]]
        more = self.n_problems - len(lines)
        if more > 0:
            lines.append(f"… and {more} more")
        super().__init__(f"{self.n_problems} problem(s) in the answer table:\n" + "\n".join(lines))


class _Collector:
    def __init__(self, labels: np.ndarray):
        self.labels = labels
        self.problems: list[TableProblem] = []
        self.count = 0

    def table(self, column: str | None, message: str) -> None:
        self.problems.append(TableProblem(None, column, None, message))
        self.count += 1

    def rows(self, mask: np.ndarray, column: str, values: pd.Series, message: str) -> None:
        positions = np.flatnonzero(mask)
        self.count += len(positions)
        for pos in positions[:_MAX_LISTED]:
            value = values.iloc[pos]
            value = None if _clean_text(value) is None and not isinstance(value, str) else value
            label = self.labels[pos]
            self.problems.append(TableProblem(_to_python(label), column, value, message))


def _to_python(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _clean_text(value: Any) -> str | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def _factorize_clean(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of the cleaned (stripped) text values; −1 = missing or blank.

    Works on the distinct values only, so a column of millions of rows with
    few distinct values is cheap.
    """
    codes, raw_uniques = pd.factorize(series, use_na_sentinel=True)
    uniques = np.asarray(raw_uniques, dtype=object)  # iterating an ExtensionArray is slow
    stripped = _stripped_if_clean(uniques)
    if stripped is not None:
        return codes.astype(np.int64), stripped
    cleaned = [u.strip() if isinstance(u, str) else _clean_text(u) for u in uniques]
    present = [c for c in cleaned if c]
    final_codes, final_uniques = pd.factorize(pd.Series(present, dtype=object))
    remap = np.full(len(cleaned) + 1, -1, dtype=np.int64)
    j = 0
    for i, c in enumerate(cleaned):
        if c:
            remap[i] = final_codes[j]
            j += 1
    return remap[codes], np.asarray(final_uniques, dtype=object)


def _stripped_if_clean(uniques: np.ndarray) -> np.ndarray | None:
    """The distinct values as plain ``str`` when all are non-empty text without
    surrounding blanks, else None (they need cleaning).

    The usual case (a database export) is checked with array operations, since a
    column such as ``response_id`` has hundreds of thousands of distinct values.
    """
    if not len(uniques) or pd.api.types.infer_dtype(uniques, skipna=False) != "string":
        return None
    stripped = np.empty(len(uniques), dtype=object)
    stripped[:] = list(map(str.strip, uniques))
    return stripped if all(stripped) and bool((stripped == uniques).all()) else None


def _as_optional_text(series: pd.Series) -> pd.Series:
    """Text column with ``None`` for missing or empty cells (object dtype)."""
    codes, uniques = _factorize_clean(series)
    lookup = np.array([*uniques, None], dtype=object)
    return pd.Series(lookup[codes], index=series.index, dtype=object)


def _blank(series: pd.Series) -> np.ndarray:
    """True where a text cell is missing or empty/whitespace."""
    return _factorize_clean(series)[0] < 0


@dataclass
class PreparedAnswers:
    """A validated answer table in compact form (internal to :mod:`analysis`).

    ``responses`` has one row per response (sorted by ``response_id``, so
    that results never depend on row order) with the response-level
    columns; per-answer arrays hold integer codes: ``response`` (row of
    ``responses``), ``question`` (index into ``question_keys``) and
    ``value`` (index into ``values``, −1 = missing).

    ``response_codes`` keeps, for response-level text columns, the integer
    codes (one per row of ``responses``, −1 = missing) and distinct values that
    validation already computed: later grouping by site, wave or beneficiary
    then works on integers instead of hashing hundreds of thousands of strings
    again. ``responses`` itself stays plain text (``None`` when missing).
    """

    responses: pd.DataFrame
    response: np.ndarray
    question: np.ndarray
    question_keys: tuple[str, ...]
    value: np.ndarray
    values: np.ndarray
    specs: dict[str, QuestionSpec]
    response_codes: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def column_codes(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Integer codes (−1 = missing) and distinct values of a response-level column."""
        if column in self.response_codes:
            return self.response_codes[column]
        codes, uniques = pd.factorize(self.responses[column].astype(object), use_na_sentinel=True)
        return codes.astype(np.int64), np.asarray(uniques, dtype=object)

    def subset_responses(self, keep: np.ndarray) -> PreparedAnswers:
        """Keep the responses where ``keep`` (boolean, one per response) is true."""
        new_code = np.cumsum(keep) - 1
        rows = keep[self.response]
        return PreparedAnswers(
            responses=self.responses.loc[keep].reset_index(drop=True),
            response=new_code[self.response[rows]],
            question=self.question[rows],
            question_keys=self.question_keys,
            value=self.value[rows],
            values=self.values,
            specs=self.specs,
            response_codes={c: (codes[keep], u) for c, (codes, u) in self.response_codes.items()},
        )

    def to_frame(self) -> pd.DataFrame:
        """The clean tidy table (columns in :data:`ANSWER_COLUMNS` order)."""
        taken = self.responses.iloc[self.response].reset_index(drop=True)
        keys = np.asarray(self.question_keys, dtype=object)
        indicators = np.asarray([self.specs[k].indicator for k in self.question_keys], dtype=object)
        lookup = np.array([*self.values, None], dtype=object)
        columns: dict[str, Any] = {}
        for column in ANSWER_COLUMNS:
            if column == "question_key":
                data = keys[self.question] if len(keys) else np.array([], dtype=object)
            elif column == "indicator":
                data = indicators[self.question] if len(keys) else np.array([], dtype=object)
            elif column == "value":
                data = lookup[self.value]
            elif column == "completed_date":
                columns[column] = taken[column].astype("datetime64[ns]")
                continue
            else:
                data = taken[column].to_numpy(dtype=object, na_value=None)
            columns[column] = pd.Series(data, dtype=object)
        return pd.DataFrame(columns)


def validate_answers(
    table: pd.DataFrame,
    questions: Mapping[str, QuestionSpec] | Iterable[QuestionSpec],
    *,
    row_labels: Iterable[Any] | None = None,
) -> pd.DataFrame:
    """Check a tidy answer table against the contract and return a clean copy.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns exactly :data:`ANSWER_COLUMNS` (any order).
    questions : mapping or iterable of QuestionSpec
        Specification of every question appearing in the table.
    row_labels : iterable, optional
        Row numbers to quote in problems (default: the table's index labels).

    Returns
    -------
    pandas.DataFrame
        Columns in :data:`ANSWER_COLUMNS` order, text stripped, ``None`` for
        missing or empty cells, ``completed_date`` as ``datetime64[ns]``
        normalised to the day; rows grouped by response, sorted by
        ``response_id``.

    Raises
    ------
    AnswerTableError
        Listing every problem: missing or unexpected columns, empty required
        cells, unknown questions, codes not allowed by the question kind,
        free-text questions, unknown wave kinds/modes/languages, a wave key
        with two wave kinds, unreadable dates, duplicate answers, an
        ``indicator`` that is not the question's, and response-level columns
        that differ within one ``response_id``.
    """
    return prepare_answers(table, questions, row_labels=row_labels).to_frame()


def prepare_answers(
    table: pd.DataFrame,
    questions: Mapping[str, QuestionSpec] | Iterable[QuestionSpec],
    *,
    row_labels: Iterable[Any] | None = None,
) -> PreparedAnswers:
    """Validate (see :func:`validate_answers`) and return the compact form.

    Vectorised: each text column is factorised once and checks run on
    distinct values or on integer codes.
    """
    specs = question_map(questions)
    labels = np.asarray(list(row_labels) if row_labels is not None else table.index)
    found = _Collector(labels)
    missing = [c for c in ANSWER_COLUMNS if c not in table.columns]
    extra = [str(c) for c in table.columns if c not in ANSWER_COLUMNS]
    for column in missing:
        found.table(column, "required column is missing")
    for column in extra:
        found.table(column, "unexpected column (the table has exactly the contract's columns)")
    if missing or extra:
        raise AnswerTableError(found.problems, found.count)
    raw = table.reset_index(drop=True)
    n = len(raw)

    resp, resp_ids = _factorize_clean(raw["response_id"])
    found.rows(resp < 0, "response_id", raw["response_id"], "must not be empty")
    question, qkeys = _factorize_clean(raw["question_key"])
    found.rows(question < 0, "question_key", raw["question_key"], "must not be empty")
    value, values = _factorize_clean(raw["value"])
    indicator, indicators = _factorize_clean(raw["indicator"])

    # Questions: known, analysable, indicator as specified, codes allowed.
    q_spec = [specs.get(k) for k in qkeys]
    q_unknown = np.array([s is None for s in q_spec] + [False], dtype=bool)
    q_text = np.array([s is not None and not s.analysed for s in q_spec] + [False], dtype=bool)
    found.rows(q_unknown[question], "question_key", raw["question_key"], "unknown question")
    found.rows(
        q_text[question], "question_key", raw["question_key"], "free-text answers are not analysed"
    )
    n_ind = len(indicators) + 1
    pair_ind, pair_ind_index = pd.factorize(question.astype(np.int64) * n_ind + (indicator + 1))
    bad_ind = np.zeros(len(pair_ind_index), dtype=bool)
    for j, combined in enumerate(pair_ind_index):
        qi, ii = divmod(int(combined), n_ind)
        spec = q_spec[qi] if qi >= 0 and qi < len(q_spec) else None
        if spec is None or not spec.analysed:
            continue
        actual = indicators[ii - 1] if ii > 0 else None
        bad_ind[j] = actual != spec.indicator
    for qi in np.unique(question[bad_ind[pair_ind]]) if bad_ind.any() else []:
        mask = bad_ind[pair_ind] & (question == qi)
        key = qkeys[qi]
        found.rows(
            mask,
            "indicator",
            raw["indicator"],
            f"question {key!r} feeds indicator {specs[key].indicator!r}",
        )
    n_val = len(values) + 1
    pair_val, pair_val_index = pd.factorize(question.astype(np.int64) * n_val + (value + 1))
    bad_val = np.zeros(len(pair_val_index), dtype=bool)
    for j, combined in enumerate(pair_val_index):
        qi, vi = divmod(int(combined), n_val)
        spec = q_spec[qi] if 0 <= qi < len(q_spec) else None
        if spec is None or not spec.analysed or vi == 0:
            continue
        bad_val[j] = not _code_ok(spec, values[vi - 1])
    for qi in np.unique(question[bad_val[pair_val]]) if bad_val.any() else []:
        mask = bad_val[pair_val] & (question == qi)
        found.rows(mask, "value", raw["value"], _code_message(specs[qkeys[qi]]))

    # One answer per question and response.
    valid = (resp >= 0) & (question >= 0)
    key = resp.astype(np.int64) * (len(qkeys) + 1) + question
    dup = _second_occurrences(key, valid)
    found.rows(
        dup, "question_key", raw["question_key"], "second answer to this question in the response"
    )

    # Response-level columns: identical on every row of a response.
    n_resp = len(resp_ids)
    first = np.zeros(n_resp, dtype=np.int64)
    rows_with_id = np.flatnonzero(resp >= 0)
    first[resp[rows_with_id][::-1]] = rows_with_id[::-1]
    ref_row = np.where(resp >= 0, first[np.maximum(resp, 0)], np.arange(n))
    run_inside = _inside_contiguous_responses(resp, n_resp)
    for column in _RESPONSE_LEVEL:
        col = raw[column]
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            arr = col.to_numpy().astype("datetime64[ns]").view(np.int64)
            if _constant_within_runs(arr, run_inside):
                continue
            differs = arr != arr[ref_row]
        elif isinstance(col.dtype, pd.CategoricalDtype):  # compare codes, confirm as text below
            codes = col.cat.codes.to_numpy()
            if _constant_within_runs(codes, run_inside):
                continue
            differs = codes != codes[ref_row]
            if differs.any():
                arr = col.to_numpy(dtype=object)
                idx = np.flatnonzero(differs)
                differs[idx] = [_clean_text(arr[i]) != _clean_text(arr[ref_row[i]]) for i in idx]
        else:
            arr = col.to_numpy(dtype=object)
            if _constant_within_runs(arr, run_inside):
                continue
            differs = np.asarray(arr != arr[ref_row], dtype=bool)
            if differs.any():  # confirm on cleaned text (whitespace, NaN vs None)
                idx = np.flatnonzero(differs)
                differs[idx] = [_clean_text(arr[i]) != _clean_text(arr[ref_row[i]]) for i in idx]
        found.rows(
            differs & (resp >= 0), column, col, "differs between rows of the same response_id"
        )

    responses = pd.DataFrame({"response_id": resp_ids})
    firsts = raw.iloc[first]
    response_codes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for column in _RESPONSE_LEVEL:
        if column == "completed_date":
            continue
        codes, uniques = _factorize_clean(firsts[column].reset_index(drop=True))
        response_codes[column] = (codes, uniques)
        responses[column] = np.array([*uniques, None], dtype=object)[codes]
    dates = firsts["completed_date"].reset_index(drop=True)
    parsed = pd.to_datetime(dates, errors="coerce", format="mixed")
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)
    responses["completed_date"] = parsed.dt.normalize().astype("datetime64[ns]").to_numpy()

    def per_row(bad_response: np.ndarray) -> np.ndarray:
        if not n_resp or not bad_response.any():
            return np.zeros(n, dtype=bool)
        return (resp >= 0) & bad_response[np.maximum(resp, 0)]

    found.rows(
        per_row(responses["completed_date"].isna().to_numpy()),
        "completed_date",
        raw["completed_date"],
        "not a date",
    )
    for column in _REQUIRED_TEXT:
        if column in ("response_id", "question_key"):
            continue
        found.rows(per_row(response_codes[column][0] < 0), column, raw[column], "must not be empty")
    for column, allowed in (("wave_kind", WAVE_KINDS), ("mode", MODES), ("language", LANGUAGES)):
        codes, uniques = response_codes[column]
        bad = np.array([u not in allowed for u in uniques] + [False], dtype=bool)[codes]
        found.rows(per_row(bad), column, raw[column], f"must be one of {sorted(allowed)}")
    mixed = _waves_with_several_kinds(response_codes["wave"][0], response_codes["wave_kind"][0])
    found.rows(
        per_row(mixed), "wave_kind", raw["wave_kind"], "the same wave has several wave kinds"
    )

    if found.count:
        raise AnswerTableError(_sorted(found.problems), found.count)

    # Canonical order: responses sorted by response_id, so results never depend on row order.
    order = np.argsort(resp_ids.astype(str), kind="stable")
    rank = np.empty(n_resp, dtype=np.int64)
    rank[order] = np.arange(n_resp)
    responses = responses.iloc[order].reset_index(drop=True)
    return PreparedAnswers(
        responses=responses,
        response=rank[resp],
        question=question,
        question_keys=tuple(str(k) for k in qkeys),
        value=value,
        values=values,
        specs=specs,
        response_codes={c: (codes[order], u) for c, (codes, u) in response_codes.items()},
    )


def _waves_with_several_kinds(wave: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """True for responses whose wave (code ≥ 0) has more than one wave kind among its responses."""
    known = (wave >= 0) & (kind >= 0)
    if not known.any():
        return np.zeros(wave.size, dtype=bool)
    n_kind = int(kind.max()) + 1
    pairs = np.unique(wave[known] * n_kind + kind[known])
    kinds_per_wave = np.bincount(pairs // n_kind, minlength=int(wave.max()) + 1)
    return (wave >= 0) & (kinds_per_wave[np.maximum(wave, 0)] > 1)


def _inside_contiguous_responses(resp: np.ndarray, n_resp: int) -> np.ndarray | None:
    """When each response's rows are consecutive (the usual export order): True on
    each row that continues the response of the row before it. None otherwise."""
    if resp.size < 2:
        return None
    inside = (resp[1:] == resp[:-1]) & (resp[1:] >= 0)
    runs = int((resp >= 0).sum()) - int(inside.sum())
    return inside if runs == n_resp else None


def _constant_within_runs(values: np.ndarray, inside: np.ndarray | None) -> bool:
    """Whether every row has the value of the row before it within its response.

    With consecutive rows this proves "same value as the response's first row"
    on every row, without gathering each row's first row; False means: look.
    """
    return inside is not None and not (inside & (values[1:] != values[:-1])).any()


def _second_occurrences(key: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """True on each valid row whose non-negative ``key`` appeared on an earlier valid row.

    Almost every table has no duplicate at all: a count per key (when the keys
    are few enough to count) proves it without hashing millions of rows.
    """
    countable = key.size and key.max(initial=0) < 8 * key.size + 1024
    if countable and np.bincount(key[valid], minlength=1).max(initial=0) <= 1:
        return np.zeros(key.size, dtype=bool)
    marked = np.where(valid, key, -1 - np.arange(key.size))
    return pd.Series(marked).duplicated(keep="first").to_numpy()


def _sorted(problems: list[TableProblem]) -> list[TableProblem]:
    """Problems in row order (whole-table problems first), stable within a row."""
    try:
        return sorted(
            problems, key=lambda p: (p.row is not None, p.row if p.row is not None else 0)
        )
    except TypeError:  # index labels of mixed types: keep detection order
        return problems


def _code_ok(spec: QuestionSpec, code: str) -> bool:
    """Whether a stored (non-missing) code is allowed for the question."""
    if code == PNA:
        return True
    allowed = spec.allowed_codes()
    if spec.kind == "integer":
        return _INTEGER.fullmatch(code) is not None
    if spec.kind == "multiple_choice":
        parts = code.split()
        if allowed is None:
            return all(not p.startswith("_") for p in parts)
        return set(parts) <= allowed
    if allowed is None:
        return not code.startswith("_")
    return code in allowed


def _code_message(spec: QuestionSpec) -> str:
    allowed = spec.allowed_codes()
    if spec.kind == "integer":
        return f"question {spec.key!r} ({spec.kind}) expects an integer or {PNA!r}"
    if allowed is None:
        return f"question {spec.key!r} ({spec.kind}): codes may not start with '_' (except {PNA!r})"
    order = [c for c in spec.code_order() if c in allowed] or sorted(allowed)
    return f"question {spec.key!r} ({spec.kind}) allows {order} or {PNA!r}"


def read_answers_csv(
    path_or_file: str | os.PathLike[str] | IO[str] | IO[bytes],
    questions: Mapping[str, QuestionSpec] | Iterable[QuestionSpec],
) -> pd.DataFrame:
    """Read a tidy answer table from a CSV file (UTF-8, comma-separated, header row).

    Empty cells are missing (``None``). Problems quote the row number as in
    the file: the header is row 1, the first data row is row 2 (this is the
    line number unless a quoted field spans several lines).

    Parameters
    ----------
    path_or_file : path or file object
    questions : mapping or iterable of QuestionSpec

    Returns
    -------
    pandas.DataFrame
        The validated table (see :func:`validate_answers`).

    Raises
    ------
    AnswerTableError
        With every problem found (unreadable file, columns, cells).
    """
    source: Any = path_or_file
    try:
        if hasattr(path_or_file, "read"):
            content = path_or_file.read()  # type: ignore[union-attr]
            if isinstance(content, bytes):
                content = content.decode("utf-8-sig")
            source = io.StringIO(content)
        table = pd.read_csv(
            source,
            dtype=str,
            keep_default_na=False,
            na_values=[],
            encoding="utf-8-sig",
            skipinitialspace=False,
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise AnswerTableError([TableProblem(None, None, None, f"cannot read CSV: {exc}")]) from exc
    table.columns = [str(c).strip() for c in table.columns]
    return validate_answers(table, questions, row_labels=np.arange(2, len(table) + 2))


def validate_invitations(invitations: pd.DataFrame) -> pd.DataFrame:
    """Check the invitations table's columns and return a normalised copy.

    Timestamps become ``datetime64`` (``NaT`` when absent) and ``expired`` a
    boolean.

    Raises
    ------
    AnswerTableError
        When a column is missing or a timestamp cannot be read.
    """
    problems = [
        TableProblem(None, c, None, "required column is missing")
        for c in INVITATION_COLUMNS
        if c not in invitations.columns
    ]
    if problems:
        raise AnswerTableError(problems)
    clean = invitations.loc[:, list(INVITATION_COLUMNS)].reset_index(drop=True).copy()
    for column in INVITATION_OPTIONAL_COLUMNS:
        clean[column] = (
            invitations[column].reset_index(drop=True) if column in invitations.columns else None
        )
    clean["beneficiary_code"] = _as_optional_text(clean["beneficiary_code"].astype(object))
    clean["support_started_on"] = pd.to_datetime(
        clean["support_started_on"], errors="coerce"
    ).astype("datetime64[ns]")
    found = _Collector(np.asarray(invitations.index))
    for column in ("created_at", "sent_at", "opened_at", "started_at", "completed_at"):
        raw = clean[column]
        if pd.api.types.is_datetime64_any_dtype(raw.dtype):
            parsed = raw
            unreadable = np.zeros(len(raw), dtype=bool)
        else:
            parsed = pd.to_datetime(raw, errors="coerce", format="mixed")
            unreadable = parsed.isna().to_numpy() & ~_blank(raw)
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):
            parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
        found.rows(unreadable, column, raw, "not a timestamp")
        clean[column] = parsed.astype("datetime64[ns]")
    for column in ("wave", "wave_kind", "site"):
        clean[column] = _as_optional_text(clean[column])
    truthy = {"1", "true", "yes", "t", "y"}
    codes, uniques = pd.factorize(clean["expired"], use_na_sentinel=True)
    flags = [
        bool(v) if isinstance(v, (bool, np.bool_, int, np.integer)) else str(v).lower() in truthy
        for v in uniques
    ]
    clean["expired"] = np.array([*flags, False], dtype=bool)[codes]
    if found.count:
        raise AnswerTableError(found.problems, found.count)
    return clean
