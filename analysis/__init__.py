"""Écoute statistics: tidy answer table in, frozen results out.

Pure Python (pandas, NumPy, SciPy, statsmodels); never imports Flask,
SQLAlchemy or ``survey_app``. Every function works from a notebook on plain
lists, NumPy arrays or pandas objects::

    >>> from analysis import wilson_interval, paired_gain
    >>> wilson_interval(81, 263)          # Newcombe (1998) Table I: 0.2553–0.3662
    >>> paired_gain(before=[3, 2, 4, 3], after=[4, 4, 4, 5]).wilcoxon.v

Building blocks (each returns a frozen dataclass of :mod:`analysis.results`
with ``to_dict()``):

* :func:`wilson_interval` -- share with its Wilson interval;
* :func:`nps` -- Net Promoter Score with the Rocks (2016) interval;
* :func:`paired_gain` / :func:`mcnemar_gain` -- change on the same people;
* :func:`cronbach_alpha` -- alpha with Feldt's interval;
* :func:`p_chart` -- control limits for shares over periods;
* :func:`compare_groups` -- chi-square / Fisher test across groups;
* :func:`suppress` -- small-cell suppression of a table of counts.

Main entry point: :func:`analyse_study` (the tidy table of
``docs/CONTRACTS.md`` + :class:`QuestionSpec` → :class:`StudyAnalysis`, whose
``to_dict()`` is what ``indicators --json`` prints); :func:`read_answers_csv`
reads that table from CSV with row-precise :class:`AnswerTableError`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Each public name and the module that defines it. The package imports them
# on first use (PEP 562): the database loader needs ``analysis.inputs``
# (pandas only) while SciPy and statsmodels, a second or more to import, can
# load at the same time in another thread (see survey_app.cli._common).
_EXPORTS = {
    "SuppressionResult": "analysis.disclosure",
    "suppress": "analysis.disclosure",
    "compare_groups": "analysis.groups",
    "ANSWER_COLUMNS": "analysis.inputs",
    "INVITATION_COLUMNS": "analysis.inputs",
    "PNA": "analysis.inputs",
    "AnswerTableError": "analysis.inputs",
    "QuestionSpec": "analysis.inputs",
    "TableProblem": "analysis.inputs",
    "read_answers_csv": "analysis.inputs",
    "validate_answers": "analysis.inputs",
    "nps": "analysis.intervals",
    "wilson_interval": "analysis.intervals",
    "mcnemar_gain": "analysis.paired",
    "paired_gain": "analysis.paired",
    "redact": "analysis.redact",
    "StudyAnalysis": "analysis.results",
    "cronbach_alpha": "analysis.scales",
    "AnalysisOptions": "analysis.study",
    "analyse_study": "analysis.study",
    "p_chart": "analysis.trends",
}

if TYPE_CHECKING:
    from analysis.disclosure import SuppressionResult, suppress
    from analysis.groups import compare_groups
    from analysis.inputs import (
        ANSWER_COLUMNS,
        INVITATION_COLUMNS,
        PNA,
        AnswerTableError,
        QuestionSpec,
        TableProblem,
        read_answers_csv,
        validate_answers,
    )
    from analysis.intervals import nps, wilson_interval
    from analysis.paired import mcnemar_gain, paired_gain
    from analysis.redact import redact
    from analysis.results import StudyAnalysis
    from analysis.scales import cronbach_alpha
    from analysis.study import AnalysisOptions, analyse_study
    from analysis.trends import p_chart


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "ANSWER_COLUMNS",
    "INVITATION_COLUMNS",
    "PNA",
    "AnalysisOptions",
    "AnswerTableError",
    "QuestionSpec",
    "StudyAnalysis",
    "SuppressionResult",
    "TableProblem",
    "analyse_study",
    "compare_groups",
    "cronbach_alpha",
    "mcnemar_gain",
    "nps",
    "p_chart",
    "paired_gain",
    "read_answers_csv",
    "redact",
    "suppress",
    "validate_answers",
    "wilson_interval",
]
