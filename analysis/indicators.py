"""Indicators: shares positive, mean and median scores, distributions, NPS.

The tidy table is first scored once (:func:`score_answers`, vectorised per
question). A *measure* is then one row per response with a ``score`` and a
``positive`` flag: for a question, its own answer; for an indicator fed by
several questions, the per-respondent scale score (:func:`indicator_measure`).

Multi-item rule (documented in ``methods``): answers to items with polarity
−1 are reverse-scored (``min + max − score``) so that higher is always
better; when the items do not share one score range, oriented scores are
rescaled to 0–100 (percent of maximum possible, Cohen et al. 1999). A
respondent's scale score is the mean of the answered items, required for at
least half of them. The respondent counts as *positive* when that mean
reaches the positive region, i.e. is at least the lowest oriented score of
any positive code of the items (4 on a 1–5 agreement scale with positive
codes {4, 5}). Pooling answers across items would count each person several
times and treat correlated answers as independent; the per-respondent rule
keeps one observation per person.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.disclosure import (
    ShareDecision,
    primary_share,
    protect_counts,
    shown_share,
    suppress,
)
from analysis.inputs import PNA, PreparedAnswers, QuestionSpec
from analysis.intervals import mean_interval, median_interval, nps_from_counts
from analysis.paired import nearly_constant
from analysis.results import (
    AnswerCount,
    Interval,
    LocationEstimate,
    NpsResult,
    ProportionEstimate,
)
from analysis.scales import MIN_ITEM_SHARE

__all__ = [
    "Measure",
    "ScoredAnswers",
    "distribution",
    "indicator_measure",
    "is_nps_question",
    "location_estimate",
    "measure_frame",
    "nps_estimate",
    "positive_threshold",
    "question_measure",
    "score_answers",
    "share_estimate",
]


def is_nps_question(spec: QuestionSpec) -> bool:
    """A 0–10 rating question feeding the ``recommendation`` indicator."""
    return spec.kind == "rating" and spec.indicator == "recommendation"


def _score_range(spec: QuestionSpec) -> tuple[float, float] | None:
    scores = spec.score_map()
    if not scores:
        return None
    values = list(scores.values())
    return min(values), max(values)


ANSWERED, PREFER_NOT, MISSING = 0, 1, 2


@dataclass
class ScoredAnswers:
    """Per-answer numeric columns beside a :class:`PreparedAnswers`.

    ``status``: 0 answered, 1 prefer not to answer, 2 missing; ``score``:
    the code's score (NaN when not scored); ``oriented``: score reversed for
    polarity −1 so that higher is better; ``positive``: 1.0/0.0, NaN when
    not answered or the question has no positive codes.
    """

    prepared: PreparedAnswers
    status: np.ndarray
    score: np.ndarray
    oriented: np.ndarray
    positive: np.ndarray
    # rows_of(key): a question's rows are asked for its measure and its indicator's
    rows_cache: dict[str, np.ndarray] = dataclasses.field(
        default_factory=dict, repr=False, compare=False
    )

    def rows_of(self, key: str) -> np.ndarray:
        """Positions of the answers to one question (ascending)."""
        rows = self.rows_cache.get(key)
        if rows is None:
            prep = self.prepared
            rows = np.flatnonzero(prep.question == prep.question_keys.index(key))
            self.rows_cache[key] = rows
        return rows


@dataclass
class Measure:
    """One value per response (arrays aligned with ``prepared.responses``).

    ``present`` marks responses with a row for the target; ``status`` and
    ``value`` (code index, −1 missing) exist for single questions only.
    """

    name: str
    present: np.ndarray
    score: np.ndarray
    positive: np.ndarray
    status: np.ndarray | None = None
    value: np.ndarray | None = None


def score_answers(prepared: PreparedAnswers) -> ScoredAnswers:
    """Score every answer, computing each (question, code) pair only once."""
    n_val = len(prepared.values) + 1
    pair, pair_index = pd.factorize(prepared.question.astype(np.int64) * n_val + prepared.value + 1)
    m = len(pair_index)
    status = np.zeros(m, dtype=np.int8)
    score = np.full(m, np.nan)
    oriented = np.full(m, np.nan)
    positive = np.full(m, np.nan)
    for j, combined in enumerate(pair_index):
        qi, vi = divmod(int(combined), n_val)
        spec = prepared.specs[prepared.question_keys[qi]]
        if vi == 0:
            status[j] = MISSING
            continue
        code = str(prepared.values[vi - 1])
        if code == PNA:
            status[j] = PREFER_NOT
            continue
        if spec.kind == "integer":
            s = float(int(code))
        elif spec.kind == "multiple_choice":
            s = np.nan
        else:
            s = spec.score_map().get(code, np.nan)
        score[j] = s
        bounds = _score_range(spec)
        if spec.polarity == 1:
            oriented[j] = s
        elif bounds is not None:
            oriented[j] = bounds[0] + bounds[1] - s
        codes = spec.effective_positive_codes()
        if codes:
            if spec.kind == "multiple_choice":
                positive[j] = float(not codes.isdisjoint(code.split()))
            else:
                positive[j] = float(code in codes)
    return ScoredAnswers(prepared, status[pair], score[pair], oriented[pair], positive[pair])


def question_measure(scored: ScoredAnswers, key: str) -> Measure:
    """Per-response answer to one question (raw score, positive flag, status, code)."""
    prep = scored.prepared
    n_resp = len(prep.responses)
    rows = scored.rows_of(key)
    resp = prep.response[rows]
    present = np.zeros(n_resp, dtype=bool)
    present[resp] = True
    score = np.full(n_resp, np.nan)
    score[resp] = scored.score[rows]
    positive = np.full(n_resp, np.nan)
    positive[resp] = scored.positive[rows]
    status = np.full(n_resp, -1, dtype=np.int8)
    status[resp] = scored.status[rows]
    value = np.full(n_resp, -1, dtype=np.int64)
    value[resp] = prep.value[rows]
    return Measure(key, present, score, positive, status, value)


def positive_threshold(specs: list[QuestionSpec], pomp: bool) -> float | None:
    """Lowest oriented score (or POMP) of any positive code of the items."""
    thresholds = []
    for spec in specs:
        bounds = _score_range(spec)
        scores = spec.score_map()
        codes = [c for c in spec.effective_positive_codes() if c in scores]
        if bounds is None or not codes:
            continue
        lo, hi = bounds
        for code in codes:
            s = scores[code]
            o = s if spec.polarity == 1 else lo + hi - s
            thresholds.append(100 * (o - lo) / (hi - lo) if pomp and hi > lo else o)
    return min(thresholds) if thresholds else None


def indicator_measure(
    scored: ScoredAnswers, name: str, specs: list[QuestionSpec]
) -> tuple[Measure, pd.DataFrame, bool]:
    """Per-response scale score and positive flag of a multi-item indicator.

    Returns
    -------
    measure : Measure
        ``score`` = mean of the oriented item scores (NaN with fewer than
        half the items answered); ``positive`` = score at or above
        :func:`positive_threshold` (see the module docstring).
    items : DataFrame
        Responses × items oriented scores (for Cronbach's alpha), indexed by
        response position, only responses with at least one item row.
    pomp : bool
        Whether scores were rescaled to 0–100 because item ranges differ.
    """
    prep = scored.prepared
    n_resp = len(prep.responses)
    ranges = {_score_range(s) for s in specs}
    pomp = len(ranges) > 1
    matrix = np.full((n_resp, len(specs)), np.nan)
    present = np.zeros(n_resp, dtype=bool)
    for j, spec in enumerate(specs):
        rows = scored.rows_of(spec.key)
        values = scored.oriented[rows]
        bounds = _score_range(spec)
        if pomp and bounds is not None and bounds[1] > bounds[0]:
            values = 100 * (values - bounds[0]) / (bounds[1] - bounds[0])
        elif pomp:
            values = np.full(rows.size, np.nan)
        matrix[prep.response[rows], j] = values
        present[prep.response[rows]] = True
    need = max(1, math.ceil(MIN_ITEM_SHARE * len(specs)))
    answered = np.isfinite(matrix).sum(axis=1)
    sums = np.where(np.isfinite(matrix), matrix, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(answered >= need, sums / np.maximum(answered, 1), np.nan)
    threshold = positive_threshold(specs, pomp)
    if threshold is None:
        positive = np.full(n_resp, np.nan)
    else:
        positive = np.where(np.isfinite(score), (score >= threshold - 1e-9).astype(float), np.nan)
    idx = np.flatnonzero(present)
    items = pd.DataFrame(matrix[idx], index=idx, columns=[s.key for s in specs])
    return Measure(name, present, score, positive), items, pomp


def measure_frame(
    responses: pd.DataFrame, measure: Measure, columns: Iterable[str] | None = None
) -> pd.DataFrame:
    """Response columns plus ``score`` and ``positive`` for responses with the target."""
    idx = np.flatnonzero(measure.present)
    source = responses if columns is None else responses.loc[:, list(columns)]
    frame = source.iloc[idx].reset_index(drop=True)
    return frame.assign(score=measure.score[idx], positive=measure.positive[idx])


def _empty_interval(level: float, method: str) -> Interval:
    return Interval(None, None, level, method)


def share_estimate(
    positive: np.ndarray,
    k: int,
    level: float,
    *,
    hidden: bool = False,
    decision: ShareDecision | None = None,
) -> ProportionEstimate:
    """Share of 1.0 among the non-NaN entries, published by the share rule.

    ``decision`` is the rule's outcome for this share within its table of
    groups (:func:`analysis.disclosure.protect_shares`); without it the
    primary rule alone applies (:func:`analysis.disclosure.primary_share`):
    exact, a bound on the side with fewer than ``k``, or hidden. ``hidden``
    withholds the share (and its size) whatever the counts.
    """
    known = positive[~np.isnan(positive)]
    n = int(known.size)
    x = int(known.sum())
    if hidden or n == 0:
        return ProportionEstimate(None, None, None, _empty_interval(level, "wilson"), True)
    return shown_share(x, n, decision or primary_share(x, n, k), level)


def location_estimate(scores: np.ndarray, k: int, level: float) -> LocationEstimate:
    """Mean (t interval) and median (order-statistic interval) of scores.

    Suppressed when fewer than ``k`` scores, or when all scores are equal
    (the mean would then tell each person's answer).
    """
    x = scores[~np.isnan(scores)]
    n = int(x.size)
    if n < k or n == 0 or nearly_constant(x):
        return LocationEstimate(
            None,
            None,
            None,
            _empty_interval(level, "student_t"),
            None,
            _empty_interval(level, "order_statistic_binomial"),
            True,
        )
    mean, mean_ci = mean_interval(x, level)
    median, median_ci = median_interval(x, level)
    return LocationEstimate(n, mean, float(x.std(ddof=1)), mean_ci, median, median_ci)


def nps_estimate(scores: np.ndarray, k: int, level: float) -> NpsResult:
    """NPS of 0–10 scores; suppressed when any of the three groups has fewer than ``k``."""
    x = scores[~np.isnan(scores)]
    promoters = int((x >= 9).sum())
    detractors = int((x <= 6).sum())
    passives = int(x.size) - promoters - detractors
    if min(promoters, passives, detractors) < k:
        return NpsResult(
            None, None, None, None, None, _empty_interval(level, "rocks_adjusted_wald"), True
        )
    result = nps_from_counts(promoters, passives, detractors, level)
    n = promoters + passives + detractors
    return dataclasses.replace(
        result,
        share_promoters=promoters / n,
        share_passives=passives / n,
        share_detractors=detractors / n,
    )


def distribution(
    counts: Mapping[str, int],
    n_answered: int,
    n_pna: int,
    n_missing: int,
    spec: QuestionSpec,
    k: int,
    *,
    share: ProportionEstimate | None = None,
    nps_shown: bool = False,
) -> tuple[tuple[AnswerCount, ...], dict[str, int | None]]:
    """Counts per code in code order, plus answered / pna / missing counts.

    ``counts`` maps each code to its number of answers (for multiple choice,
    the number of respondents who ticked it, so counts add up to more than
    ``n_answered``). ``share`` is the question's published share (exact,
    bounded or hidden) and ``nps_shown`` whether its NPS bands are
    published: both are relations an attacker can combine with the codes,
    so the codes are protected together with them
    (:func:`analysis.disclosure.protect_counts`, an interval audit). The
    answered / pna / missing line (total = responses) uses the cell rule;
    when the share publishes ``n`` = answered, pna and missing are withheld
    together, so only their sum can be worked out.
    """
    order = list(spec.code_order())
    order += sorted(c for c in counts if c not in order)
    status = pd.DataFrame([[n_answered, n_pna, n_missing]], columns=["answered", "pna", "missing"])
    status_mask = suppress(status, k).mask.iloc[0].to_dict()
    n_hidden = share is not None and share.n is None and share.suppressed
    if n_hidden:
        status_mask = dict.fromkeys(status_mask, True)
    elif share is not None and status_mask["answered"]:
        status_mask = {"answered": False, "pna": True, "missing": True}
    if status_mask["pna"] != status_mask["missing"] and not status_mask["answered"]:
        status_mask = {"answered": False, "pna": True, "missing": True}
    sizes: dict[str, int | None] = {
        "answered": None if status_mask["answered"] else n_answered,
        "pna": None if status_mask["pna"] else n_pna,
        "missing": None if status_mask["missing"] else n_missing,
    }
    if not order:
        return (), sizes
    values = [int(counts.get(c, 0)) for c in order]
    if status_mask["answered"]:
        code_mask = np.ones(len(order), dtype=bool)
    elif spec.kind == "multiple_choice":
        code_mask = suppress(pd.DataFrame([values], columns=order), k).mask.iloc[0].to_numpy()
        if share is not None and share.estimate is None:
            code_mask[:] = True  # "ticked any positive code" is not a sum of codes
    else:
        relations, sums = _code_relations(order, values, n_answered, spec, share, nps_shown)
        code_mask = protect_counts(values, k, relations, protect_sums=sums)
    result = []
    for code, c, hidden in zip(order, values, code_mask, strict=True):
        # multiple choice: share of respondents who ticked the code (shares add up to > 1)
        shown_share_ = c / n_answered if n_answered else None
        result.append(
            AnswerCount(code, None if hidden else c, None if hidden else shown_share_, bool(hidden))
        )
    return tuple(result), sizes


def _code_relations(
    order: list[str],
    values: list[int],
    n_answered: int,
    spec: QuestionSpec,
    share: ProportionEstimate | None,
    nps_shown: bool,
) -> tuple[list[tuple[str, list[int], float]], list[list[int]]]:
    """What else is published about the codes' counts: total, share, NPS bands."""
    everything = list(range(len(order)))
    relations: list[tuple[str, list[int], float]] = [("==", everything, n_answered)]
    sums: list[list[int]] = []
    codes = spec.effective_positive_codes()
    if share is not None and codes:
        pos = [j for j, c in enumerate(order) if c in codes]
        neg = [j for j, c in enumerate(order) if c not in codes]
        if share.estimate is not None and share.successes is not None:
            relations.append(("==", pos, share.successes))
        elif share.bound is not None:
            op = "<=" if share.bound.relation == "<=" else ">="
            relations.append((op, pos, share.bound.value * n_answered))
            sums.append(pos if op == "<=" else neg)
        else:
            sums += [pos, neg]
    if nps_shown:
        for low, high in ((0, 6), (7, 8), (9, 10)):
            band = [j for j, c in enumerate(order) if c.isdigit() and low <= int(c) <= high]
            relations.append(("==", band, sum(values[j] for j in band)))
    return relations, sums
