"""Questionnaire definitions for Écoute: format, validation, built-ins, XLSForm.

Pure package: it imports neither Flask, SQLAlchemy nor ``survey_app``.

The ``ecoute-questionnaire/1`` format
-------------------------------------
A definition (YAML or JSON; JSON Schema in ``schema/questionnaire.schema.json``)::

    schema: ecoute-questionnaire/1
    key: impact-baseline            # ^[a-z][a-z0-9_-]{0,63}$
    version: "2026.1"               # optional, the author's label
    languages: [fr, en]             # every text in each; the first is the primary one
    title:   {fr: …, en: …}
    intro:   {fr: …, en: …}
    consent: {fr: …, en: …}         # consent and privacy text
    sections:
      - key: listening              # an XLSForm name (letter or _, then letters, digits, _ - .)
        title: {fr: …, en: …}       # optional
        questions:
          - key: listen_heard       # stable: answers are stored under it
            type: agreement         # agreement | rating | single_choice |
                                    # multiple_choice | yes_no | integer |
                                    # decimal | date | text_short |
                                    # text_long | note
            label: {fr: …, en: …}
            help: {fr: …, en: …}    # optional
            required: false
            prefer_not_to_answer: false   # offers the reserved code "_pna"
            choices:                # single/multiple choice only
              - {code: a, label: {fr: …, en: …}, score: 1}   # score: single_choice
            min: 0                  # integer only, optional
            max: 20
            show_if: {question: earlier_key, in: [yes]}       # or not_in;
                     # or {all: [...]} / {any: [...]} of such, one level deep
            indicator: listening    # listening, confidence, autonomy,
                                    # satisfaction, recommendation or a custom slug
            polarity: positive      # or negative
            positive: ["4", "5"]    # codes counted as favourable

Built-in scales: ``agreement`` codes "1"…"5" with pictograms ``very_sad``,
``sad``, ``neutral``, ``happy``, ``very_happy`` (always shown with words),
``rating`` codes "0"…"10", ``yes_no`` codes "yes"/"no" (pictograms ``yes``,
``no``). Default favourable codes: see :func:`default_positive`. Conditions
may only point at earlier questions that have choices.
"""

from .builtin import builtin_keys, load_builtin
from .compare import comparability_warnings
from .conditions import is_shown
from .loader import (
    dump_definition,
    fingerprint,
    json_schema,
    load_definition,
    validate,
    validated,
)
from .model import (
    AGREEMENT_CHOICES,
    LANGUAGES,
    PICTOGRAMS,
    PNA_CODE,
    QUESTION_TYPES,
    SCHEMA_ID,
    STANDARD_INDICATORS,
    Choice,
    Clause,
    Condition,
    DefinitionError,
    DisplayChoice,
    Issue,
    Question,
    Questionnaire,
    Section,
    default_positive,
)
from .scoring import QuestionScoring, question_scoring, question_scorings, score
from .xlsform import XLSFormImport, check_upload, read_xlsform, write_xlsform

__all__ = [
    "AGREEMENT_CHOICES",
    "LANGUAGES",
    "PICTOGRAMS",
    "PNA_CODE",
    "QUESTION_TYPES",
    "SCHEMA_ID",
    "STANDARD_INDICATORS",
    "Choice",
    "Clause",
    "Condition",
    "DefinitionError",
    "DisplayChoice",
    "Issue",
    "Question",
    "QuestionScoring",
    "Questionnaire",
    "Section",
    "XLSFormImport",
    "builtin_keys",
    "check_upload",
    "comparability_warnings",
    "default_positive",
    "dump_definition",
    "fingerprint",
    "is_shown",
    "json_schema",
    "load_builtin",
    "load_definition",
    "question_scoring",
    "question_scorings",
    "read_xlsform",
    "score",
    "validate",
    "validated",
    "write_xlsform",
]
