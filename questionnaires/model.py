"""Typed, immutable questionnaire definitions.

The dataclasses here are the *resolved* form of a definition: built-in choices
(agreement, rating, yes/no) are materialised and the default ``positive`` set
of an indicator question is filled in, so that a questionnaire built in Python
compares equal to the same questionnaire loaded from YAML, JSON or XLSForm.

Constructing the dataclasses does not validate them; pass the result through
:func:`questionnaires.validate` (or ``load_definition(dump_definition(q))``) to
get every problem reported as :class:`Issue` objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_ID = "ecoute-questionnaire/1"
LANGUAGES: tuple[str, ...] = ("fr", "en")

QUESTION_TYPES: tuple[str, ...] = (
    "agreement",
    "rating",
    "single_choice",
    "multiple_choice",
    "yes_no",
    "integer",
    "decimal",
    "date",
    "text_short",
    "text_long",
    "note",
)
#: Types whose answers are one of a fixed, enumerable set of codes.
CLOSED_TYPES = frozenset({"agreement", "rating", "single_choice", "multiple_choice", "yes_no"})
#: Types whose choices are built in (not given in the definition).
BUILTIN_CHOICE_TYPES = frozenset({"agreement", "rating", "yes_no"})
#: Types that may feed an indicator (one answer = one favourable/unfavourable outcome).
INDICATOR_TYPES = frozenset({"agreement", "rating", "single_choice", "yes_no"})

STANDARD_INDICATORS: tuple[str, ...] = (
    "listening",
    "confidence",
    "autonomy",
    "satisfaction",
    "recommendation",
)

PNA_CODE = "_pna"

Text = Mapping[str, str]
Polarity = Literal["positive", "negative"]


class FrozenMap(Mapping[str, Any]):
    """A read-only, hashable, picklable mapping (texts per language, scores…).

    Compares equal to any mapping with the same items, plain dicts included.
    """

    __slots__ = ("_data",)
    _data: dict[str, Any]

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        object.__setattr__(self, "_data", dict(data or {}))

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FrozenMap is read-only")

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._data,))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


PNA_LABEL: Mapping[str, str] = FrozenMap(
    {"fr": "Je préfère ne pas répondre", "en": "I prefer not to answer"}
)


def _text(value: Mapping[str, str] | None) -> Mapping[str, str]:
    """Return an immutable copy of a per-language text mapping."""
    return value if isinstance(value, FrozenMap) else FrozenMap(value)


@dataclass(frozen=True)
class Issue:
    """One problem found in a definition, an upload or a comparison.

    ``location`` names where (file, line, JSON path and question key, or
    ``sheet!Rrow column "name"`` for XLSForm); ``code`` is a stable machine
    name (for tests and for translating messages in the web app); ``message``
    is English, for logs and the command line. The package speaks no other
    language: the web app translates from ``code`` and ``params``.
    """

    location: str
    message: str
    code: str
    #: The values the message names (``language``, ``name``…), so that an
    #: application can say it in its interface language from ``code``; empty
    #: for codes whose message needs no value. Not part of equality.
    params: Mapping[str, str] = field(default_factory=lambda: FrozenMap(), compare=False)

    def __str__(self) -> str:
        return f"{self.location}: {self.message} [{self.code}]"


class DefinitionError(ValueError):
    """A definition could not be accepted; ``issues`` lists every problem."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues: list[Issue] = list(issues)
        summary = "; ".join(str(i) for i in self.issues[:5])
        more = f" (and {len(self.issues) - 5} more)" if len(self.issues) > 5 else ""
        super().__init__(f"{len(self.issues)} problem(s): {summary}{more}")


@dataclass(frozen=True)
class Choice:
    """One answer option; ``code`` is what is stored, never shown."""

    code: str
    label: Text
    score: float | None = None
    pictogram: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", _text(self.label))


@dataclass(frozen=True)
class DisplayChoice:
    """A choice ready for rendering in one language."""

    code: str
    label: str
    pictogram: str | None


@dataclass(frozen=True)
class Clause:
    """``question``'s answer is (``negate=False``) or is not among ``codes``.

    For a multiple choice question, "is among" means at least one selected
    code is in ``codes``. A missing answer is never among the codes, so a
    ``not_in`` clause is true for an unanswered or hidden question (as
    ``${q} != 'x'`` is in ODK).
    """

    question: str
    codes: tuple[str, ...]
    negate: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "codes", tuple(self.codes))


@dataclass(frozen=True)
class Condition:
    """``show_if``: the clauses combined with ``all`` (and) or ``any`` (or)."""

    clauses: tuple[Clause, ...]
    combine: Literal["all", "any"] = "all"

    def __post_init__(self) -> None:
        object.__setattr__(self, "clauses", tuple(self.clauses))
        if len(self.clauses) == 1 and self.combine != "all":
            # One clause: "all" and "any" mean the same; keep one spelling.
            object.__setattr__(self, "combine", "all")

    @property
    def questions(self) -> tuple[str, ...]:
        return tuple(c.question for c in self.clauses)


# Built-in scales. The pictogram names are rendered as inline SVG by the web
# app; a text label is always shown next to the pictogram.
AGREEMENT_CHOICES: tuple[Choice, ...] = (
    Choice("1", {"fr": "Pas du tout d'accord", "en": "Strongly disagree"}, 1.0, "very_sad"),
    Choice("2", {"fr": "Pas d'accord", "en": "Disagree"}, 2.0, "sad"),
    Choice("3", {"fr": "Entre les deux", "en": "In between"}, 3.0, "neutral"),
    Choice("4", {"fr": "D'accord", "en": "Agree"}, 4.0, "happy"),
    Choice("5", {"fr": "Tout à fait d'accord", "en": "Strongly agree"}, 5.0, "very_happy"),
)
RATING_CHOICES: tuple[Choice, ...] = tuple(
    Choice(str(n), {"fr": str(n), "en": str(n)}, float(n), None) for n in range(11)
)
YES_NO_CHOICES: tuple[Choice, ...] = (
    Choice("yes", {"fr": "Oui", "en": "Yes"}, 1.0, "yes"),
    Choice("no", {"fr": "Non", "en": "No"}, 0.0, "no"),
)
PICTOGRAMS: frozenset[str] = frozenset(
    {"very_sad", "sad", "neutral", "happy", "very_happy", "yes", "no"}
)


def builtin_choices(qtype: str) -> tuple[Choice, ...]:
    """Return the fixed choices of a built-in scale type (empty otherwise)."""
    return {
        "agreement": AGREEMENT_CHOICES,
        "rating": RATING_CHOICES,
        "yes_no": YES_NO_CHOICES,
    }.get(qtype, ())


def default_positive(qtype: str, indicator: str | None, polarity: str) -> tuple[str, ...] | None:
    """Codes counted as a favourable answer when the definition gives none.

    * agreement: "4", "5" (agree, strongly agree); "1", "2" for a negative item;
    * yes_no: "yes"; "no" for a negative item;
    * rating 0–10: "9", "10" for ``recommendation`` (the NPS *promoters*, so
      "% favourable" equals the promoter share; the NPS itself is computed by
      the analysis package), otherwise "7"–"10" (upper third of the scale);
      mirrored ("0"–"3", "0"–"1") for a negative item;
    * single_choice: no default — the author must say which choices are favourable.
    """
    negative = polarity == "negative"
    if qtype == "agreement":
        return ("1", "2") if negative else ("4", "5")
    if qtype == "yes_no":
        return ("no",) if negative else ("yes",)
    if qtype == "rating":
        if indicator == "recommendation":
            return ("0", "1") if negative else ("9", "10")
        return ("0", "1", "2", "3") if negative else ("7", "8", "9", "10")
    return None


@dataclass(frozen=True)
class Question:
    """One question. ``choices`` is resolved (built-in scales included)."""

    key: str
    type: str
    label: Text
    help: Text = field(default_factory=dict)
    required: bool = False
    prefer_not_to_answer: bool = False
    choices: tuple[Choice, ...] = ()
    min: int | None = None
    max: int | None = None
    show_if: Condition | None = None
    indicator: str | None = None
    polarity: Polarity = "positive"
    positive: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", _text(self.label))
        object.__setattr__(self, "help", _text(self.help))
        choices = tuple(self.choices) or builtin_choices(self.type)
        object.__setattr__(self, "choices", choices)
        positive = self.positive
        if positive is None and self.indicator is not None:
            positive = default_positive(self.type, self.indicator, self.polarity)
        if positive is not None:
            # Canonical order: the order of the choices, unknown codes last.
            order = {c.code: i for i, c in enumerate(choices)}
            positive = tuple(sorted(dict.fromkeys(positive), key=lambda c: order.get(c, 10**6)))
        object.__setattr__(self, "positive", positive)

    @property
    def is_closed(self) -> bool:
        return self.type in CLOSED_TYPES

    @property
    def stores_answer(self) -> bool:
        return self.type != "note"

    def codes(self) -> tuple[str, ...]:
        """Every storable code, ``_pna`` included when it is offered."""
        codes = tuple(c.code for c in self.choices)
        return (*codes, PNA_CODE) if self.prefer_not_to_answer else codes

    def choice(self, code: str) -> Choice:
        for c in self.choices:
            if c.code == code:
                return c
        raise KeyError(code)

    def choices_for_display(self, lang: str) -> list[DisplayChoice]:
        """Choices in display order, "prefer not to answer" last when offered."""
        shown = [DisplayChoice(c.code, c.label[lang], c.pictogram) for c in self.choices]
        if self.prefer_not_to_answer and self.type != "note":
            shown.append(DisplayChoice(PNA_CODE, PNA_LABEL[lang], None))
        return shown


@dataclass(frozen=True)
class Section:
    key: str
    questions: tuple[Question, ...]
    title: Text = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "questions", tuple(self.questions))
        object.__setattr__(self, "title", _text(self.title))


@dataclass(frozen=True)
class Questionnaire:
    """A whole questionnaire in the ``ecoute-questionnaire/1`` format."""

    key: str
    title: Text
    languages: tuple[str, ...]
    intro: Text
    consent: Text
    sections: tuple[Section, ...]
    version: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", _text(self.title))
        object.__setattr__(self, "intro", _text(self.intro))
        object.__setattr__(self, "consent", _text(self.consent))
        object.__setattr__(self, "languages", tuple(self.languages))
        object.__setattr__(self, "sections", tuple(self.sections))

    @property
    def questions(self) -> tuple[Question, ...]:
        """All questions, flattened, in display order."""
        return tuple(q for s in self.sections for q in s.questions)

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def question(self, key: str) -> Question:
        for q in self.questions:
            if q.key == key:
                return q
        raise KeyError(key)

    def section_of(self, key: str) -> Section:
        for s in self.sections:
            if any(q.key == key for q in s.questions):
                return s
        raise KeyError(key)

    def indicator_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.indicator is not None)
