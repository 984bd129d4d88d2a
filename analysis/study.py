"""``analyse_study``: the whole analysis of one study, from the tidy table."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import design
from analysis import findings as words
from analysis.attrition import attrition_result, due_people
from analysis.disclosure import (
    BOUND_STEP_PERCENT,
    EXACT,
    HIDDEN,
    ShareDecision,
    check_k,
    protect_shares,
    share_bound,
    suppress,
)
from analysis.groups import (
    DEFAULT_SEED,
    MONTE_CARLO_TABLES,
    breakdown,
    group_counts_of_codes,
)
from analysis.indicators import (
    ANSWERED,
    MISSING,
    PREFER_NOT,
    Measure,
    distribution,
    indicator_measure,
    is_nps_question,
    location_estimate,
    measure_frame,
    nps_estimate,
    question_measure,
    score_answers,
    share_estimate,
)
from analysis.inputs import (
    PreparedAnswers,
    QuestionSpec,
    prepare_answers,
    question_map,
    validate_invitations,
)
from analysis.intervals import wilson_interval
from analysis.multiplicity import holm_adjusted
from analysis.paired import (
    EXACT_MAX_N,
    MCNEMAR_EXACT_BELOW,
    STEP_SHARE_OF_RANGE,
    change_counts,
    change_threshold,
    mcnemar_gain,
    nearly_constant,
    paired_gain,
    verdict,
)
from analysis.responses import response_rates
from analysis.results import (
    AttritionResult,
    Breakdown,
    ChangeCounts,
    GainResult,
    GroupTest,
    IndicatorResult,
    Interval,
    MethodNote,
    ProportionEstimate,
    QuestionResult,
    ScaleResult,
    ShareBound,
    StudyAnalysis,
    TrendResult,
)
from analysis.scales import MIN_ITEM_SHARE, RELIABILITY_THRESHOLD, cronbach_alpha
from analysis.trends import MIN_MONTHLY_MEDIAN, trend

__all__ = ["AnalysisOptions", "analyse_study"]

_WAVE_KIND_ORDER = {"baseline": 0, "follow_up": 1, "exit": 2}
_BREAKDOWN_BY = ("site", "wave", "mode", "language")
_SCORED_KINDS = ("agreement", "rating", "yes_no", "integer", "single_choice")
_HIDDEN = ShareDecision(HIDDEN)


@dataclass(frozen=True)
class AnalysisOptions:
    """Options of :func:`analyse_study`.

    Parameters
    ----------
    k : int
        Minimum number of respondents behind any published figure (≥ 3).
    level : float
        Confidence level of every interval (tests use ``alpha = 1 − level``).
    date_from, date_to : datetime.date, optional
        Keep responses completed on or after / on or before these days.
    sites : iterable of str, optional
        Keep only these sites.
    period : {'auto', 'month', 'quarter'}
        Trend periods (``'auto'``: months unless the median monthly n < 30).
    seed : int
        Seed of the Monte-Carlo Fisher test (results are deterministic).
    breakdown_wave : str, optional
        Wave in which the breakdowns by site, mode and language are computed
        (default: the baseline wave).
    """

    k: int = 5
    level: float = 0.95
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sites: tuple[str, ...] | None = None
    period: str = "auto"
    seed: int = DEFAULT_SEED
    breakdown_wave: str | None = None

    def __post_init__(self) -> None:
        check_k(self.k)
        if not 0.5 <= self.level < 1:
            raise ValueError(f"level must be in [0.5, 1), got {self.level}")
        if self.period not in ("auto", "month", "quarter"):
            raise ValueError(f"period must be 'auto', 'month' or 'quarter', got {self.period!r}")
        if self.sites is not None:
            if isinstance(self.sites, str):
                raise TypeError("sites must be an iterable of site codes, not a string")
            object.__setattr__(self, "sites", tuple(sorted(str(s) for s in self.sites)))
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")


def analyse_study(
    answers: pd.DataFrame,
    questions: Mapping[str, QuestionSpec] | Iterable[QuestionSpec],
    *,
    invitations: pd.DataFrame | None = None,
    options: AnalysisOptions | None = None,
) -> StudyAnalysis:
    """Analyse one study: indicators, gains, scales, trends, breakdowns, findings.

    Parameters
    ----------
    answers : DataFrame
        The tidy answer table of ``docs/CONTRACTS.md`` (validated here).
    questions : mapping or iterable of QuestionSpec
    invitations : DataFrame, optional
        The invitations table, for response rates.
    options : AnalysisOptions, optional

    Returns
    -------
    StudyAnalysis
        Frozen result; ``to_dict()`` is what ``indicators --json`` prints.
        Results do not depend on the order of the rows.

    Raises
    ------
    AnswerTableError
        When the table violates the contract (every problem listed).
    """
    options = options or AnalysisOptions()
    k, level = options.k, options.level
    specs = question_map(questions)
    prepared = _filter(prepare_answers(answers, specs), options)
    scored = score_answers(prepared)
    ctx = _Context.build(prepared, k, level)
    warnings: list[str] = []

    used = np.bincount(prepared.question, minlength=len(prepared.question_keys)) > 0
    present = sorted(
        key for key, is_used in zip(prepared.question_keys, used, strict=True) if is_used
    )
    questions_out: list[QuestionResult] = []
    question_measures: dict[str, Measure] = {}
    for key in present:
        measure = question_measure(scored, key)
        question_measures[key] = measure
        questions_out.extend(_question_results(ctx, measure, specs[key]))

    by_indicator: dict[str, list[QuestionSpec]] = {}
    for key in present:
        if specs[key].indicator:
            by_indicator.setdefault(str(specs[key].indicator), []).append(specs[key])

    indicators_out: list[IndicatorResult] = []
    scales_out: list[ScaleResult] = []
    targets: list[_Target] = []
    indicator_targets: list[Measure] = []
    pomp_of: dict[str, bool] = {}
    single_keys: set[str] = set()
    for name in sorted(by_indicator):
        items = by_indicator[name]
        keys = tuple(s.key for s in items)
        if len(items) == 1:
            measure = dataclasses.replace(question_measures[items[0].key], name=name)
            rule = "single question: share of respondents giving a positive code"
            pomp_of[name] = False
            target = _question_target(items[0], measure, "indicator")
            if target is not None:
                single_keys.add(items[0].key)
                targets.append(dataclasses.replace(target, name=name, keys=keys))
        else:
            measure, item_scores, pomp = indicator_measure(scored, name, items)
            pomp_of[name] = pomp
            rule = (
                "per-respondent scale score = mean of the answered items (at least half), "
                "items with polarity −1 reverse-scored"
                + (", rescaled to 0–100 because item ranges differ" if pomp else "")
                + "; positive = scale score at or above the lowest positive code's score"
            )
            scales_out.extend(_scales(ctx, name, item_scores))
            bounds = (0.0, 100.0) if pomp else _score_bounds(items[0])
            threshold = change_threshold(*bounds) if bounds else None
            targets.append(
                _Target(name, "indicator", measure, 1, "wilcoxon", threshold, keys, bounds, pomp)
            )
        indicator_targets.append(measure)
        nps_spec = items[0] if len(items) == 1 and is_nps_question(items[0]) else None
        indicators_out.extend(_indicator_results(ctx, measure, keys, rule, nps_spec))

    for key in present:
        if key in single_keys:
            continue  # its indicator's test is the same test: never counted twice
        target = _question_target(specs[key], question_measures[key], "question")
        if target is not None:
            targets.append(target)
    targets.sort(key=lambda t: (t.kind, t.name))

    if invitations is not None:
        invitations = validate_invitations(invitations)
    has_codes = bool((ctx.bene >= 0).any())
    if not has_codes:
        warnings.append("no beneficiary codes (open-link mode): paired gains and attrition skipped")
    gains = _gains(ctx, targets) if has_codes else []
    attrition = _attrition(ctx, indicator_targets, invitations, options) if has_codes else []

    first_wave = ctx.waves[0] if ctx.waves else None
    breakdown_wave = options.breakdown_wave or next(
        (w for w in ctx.waves if ctx.wave_kind[w] == "baseline"), first_wave
    )
    if breakdown_wave is not None and breakdown_wave not in ctx.waves:
        warnings.append(
            f"breakdown_wave {breakdown_wave!r} has no responses (waves: {', '.join(ctx.waves)}): "
            "no breakdowns by site, mode or language"
        )
    trends_out: list[TrendResult] = []
    breakdowns_out: list[Breakdown] = []
    kinds = sorted(set(ctx.wave_kind.values()), key=lambda kd: _WAVE_KIND_ORDER.get(kd, 9))
    for measure in indicator_targets:
        if not np.isfinite(measure.positive[measure.present]).any():
            continue
        for kind in kinds:
            in_kind = np.isin(
                ctx.wave_idx, [i for i, w in enumerate(ctx.waves) if ctx.wave_kind[w] == kind]
            )
            of_kind = dataclasses.replace(measure, present=measure.present & in_kind)
            if not np.isfinite(of_kind.positive[of_kind.present]).any():
                continue
            frame = measure_frame(ctx.responses, of_kind, ["completed_date"])
            trends_out.append(
                _protect_trend(
                    trend(
                        frame,
                        target=measure.name,
                        k=k,
                        level=level,
                        period=options.period,
                        wave_kind=kind,
                    ),
                    ctx,
                    measure,
                    kind,
                )
            )
        breakdowns_out.extend(_breakdowns(ctx, measure, options.seed, breakdown_wave))

    rates = None
    if invitations is not None:
        rates = response_rates(
            invitations,
            k=k,
            level=level,
            sites=options.sites,
            date_from=options.date_from,
            date_to=options.date_to,
        )

    measures = design.measure_definitions(by_indicator, pomp_of)
    family = [f"{g.target}:{g.from_wave}:{g.to_wave}" for g in gains if g.family == "confirmatory"]
    multiplicity = design.multiplicity_policy(family, 1 - level)
    found = [
        *words.indicator_findings(indicators_out, specs, measures),
        *words.gain_findings(gains, specs, level, measures, len(family)),
        *words.attrition_findings(attrition, level, measures),
        *words.mode_findings(breakdowns_out, level),
        *(words.response_rate_findings(rates) if rates else []),
    ]
    responses = prepared.responses
    studies = sorted(set(responses["study"].dropna().unique()))  # not row by row
    answered_in: dict[str, set[str]] = {}
    wave_of_answer = ctx.wave_idx[prepared.response]
    for w, wave in enumerate(ctx.waves):
        asked = np.unique(prepared.question[wave_of_answer == w])
        answered_in[wave] = {prepared.question_keys[int(q)] for q in asked}
    # the context's categorical columns: counting distinct people or versions hashes no text
    wording, differences = design.wave_wording(ctx.responses, ctx.waves, answered_in, specs)
    profile = design.respondent_profile(
        ctx.responses,
        ctx.latest_in_wave,
        ctx.waves,
        ctx.wave_kind,
        _support_start(invitations),
        k,
    )
    period = design.period_info(
        responses["completed_date"], options.date_from, options.date_to, options.sites
    )
    return StudyAnalysis(
        study=studies[0] if len(studies) == 1 else None,
        k=k,
        level=level,
        options=_options_dict(options),
        n_answers=int(prepared.response.size),
        n_responses=len(responses),
        n_beneficiaries=ctx.n_bene,
        n_sites=int(ctx.responses["site"].nunique()),
        waves=tuple(ctx.waves),
        indicators=tuple(indicators_out),
        questions=tuple(questions_out),
        scales=tuple(scales_out),
        gains=tuple(gains),
        attrition=tuple(attrition),
        trends=tuple(trends_out),
        breakdowns=tuple(breakdowns_out),
        response_rates=tuple(rates) if rates is not None else None,
        findings=(*words.baseline_timing_findings(profile), *found),
        methods=_methods(options),
        warnings=tuple(warnings),
        measures=measures,
        period=period,
        profile=profile,
        multiplicity=multiplicity,
        wave_wording=wording,
        wording_differences=differences,
    )


@dataclass(frozen=True)
class _Target:
    """One paired comparison target: an indicator or a question."""

    name: str
    kind: str  # "indicator" or "question"
    measure: Measure
    polarity: int
    test: str  # "wilcoxon" or "mcnemar"
    threshold: float | None
    keys: tuple[str, ...]
    bounds: tuple[float, float] | None = None
    pomp: bool = False


def _score_bounds(spec: QuestionSpec) -> tuple[float, float] | None:
    scores = list(spec.score_map().values())
    return (min(scores), max(scores)) if scores else None


def _question_target(spec: QuestionSpec, measure: Measure, kind: str) -> _Target | None:
    """The paired target of one scored question (None when it has no score)."""
    if spec.kind not in _SCORED_KINDS or (spec.kind != "integer" and not spec.score_map()):
        return None
    test = "mcnemar" if spec.kind == "yes_no" else "wilcoxon"
    bounds = _score_bounds(spec) if spec.kind != "integer" else None
    threshold = change_threshold(*bounds) if bounds else None
    return _Target(spec.key, kind, measure, spec.polarity, test, threshold, (spec.key,), bounds)


def _support_start(invitations: pd.DataFrame | None) -> dict[str, pd.Timestamp]:
    """Start of support by beneficiary code, from the invitations' optional columns."""
    if invitations is None:
        return {}
    known = invitations.dropna(subset=["beneficiary_code", "support_started_on"])
    return dict(known.groupby("beneficiary_code")["support_started_on"].min().items())


@dataclass
class _Context:
    """Response-level arrays shared by every part of one analysis."""

    responses: pd.DataFrame  # grouping columns as categoricals (see _GROUPING_COLUMNS)
    k: int
    level: float
    waves: list[str]
    wave_idx: np.ndarray  # position of each response's wave in ``waves``
    wave_kind: dict[str, str]
    bene: np.ndarray  # beneficiary code index, −1 when none
    n_bene: int
    bene_codes: pd.Index  # the beneficiary code of each index in ``bene``
    latest_in_wave: np.ndarray  # latest response of its beneficiary in its wave
    latest_of_person: np.ndarray  # latest response of its person (any wave)
    values: np.ndarray  # stored codes, indexed by ``Measure.value``
    # protect_shares of the by-wave tables already audited: a measure's table is
    # decided for its questions, its indicator and its trend alike (same counts, same k)
    wave_decisions: dict[tuple, list[ShareDecision]] = dataclasses.field(default_factory=dict)
    # latest_rows(wave), asked for every target and pair of waves
    latest_rows_cache: dict[int, tuple[np.ndarray, np.ndarray]] = dataclasses.field(
        default_factory=dict
    )

    @classmethod
    def build(cls, prepared: PreparedAnswers, k: int, level: float) -> _Context:
        responses = prepared.responses.copy()
        for column in _GROUPING_COLUMNS:
            responses[column] = _sorted_categorical(*prepared.column_codes(column))
        waves = _wave_order(responses)
        position = {w: i for i, w in enumerate(waves)}
        wave_idx = responses["wave"].astype(object).map(position).to_numpy(dtype=np.int64)
        kinds = responses.groupby("wave", observed=True)["wave_kind"].first()
        bene, uniques = _first_seen(*prepared.column_codes("beneficiary_code"))
        # categories in order of appearance: only counted, never grouped in order,
        # and sorting 10⁵ codes would cost more than everything done with them
        responses["beneficiary_code"] = pd.Categorical.from_codes(
            bene, dtype=pd.CategoricalDtype(uniques)
        )
        day = responses["completed_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
        order_id = np.arange(len(responses))  # responses are sorted by response_id
        n = len(responses)
        # latest per (beneficiary, wave): sort by beneficiary, wave, day, response_id
        latest_in_wave = np.zeros(n, dtype=bool)
        coded = np.flatnonzero(bene >= 0)
        if coded.size:
            o = coded[_lexsort((order_id[coded], day[coded], wave_idx[coded], bene[coded]))]
            key = bene[o] * (len(waves) + 1) + wave_idx[o]
            last = np.r_[key[1:] != key[:-1], True]
            latest_in_wave[o[last]] = True
        latest_of_person = bene < 0
        if coded.size:
            o = coded[_lexsort((order_id[coded], day[coded], bene[coded]))]
            last = np.r_[bene[o][1:] != bene[o][:-1], True]
            latest_of_person[o[last]] = True
        return cls(
            responses=responses,
            k=k,
            level=level,
            waves=waves,
            wave_idx=wave_idx,
            wave_kind={str(w): str(kd) for w, kd in kinds.items()},
            bene=bene,
            n_bene=len(uniques),
            bene_codes=pd.Index(uniques),
            latest_in_wave=latest_in_wave,
            latest_of_person=latest_of_person,
            values=prepared.values,
        )

    def latest_rows(self, wave: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows of each beneficiary's latest response in a wave, and their beneficiary index."""
        found = self.latest_rows_cache.get(wave)
        if found is None:
            rows = np.flatnonzero(self.latest_in_wave & (self.wave_idx == wave))
            found = self.latest_rows_cache[wave] = (rows, self.bene[rows])
        return found

    def pairs(self) -> list[tuple[int, int]]:
        """(baseline wave, later wave) index pairs: each baseline → each follow-up/exit."""
        base = [i for i, w in enumerate(self.waves) if self.wave_kind[w] == "baseline"]
        later = [i for i, w in enumerate(self.waves) if self.wave_kind[w] in ("follow_up", "exit")]
        return [(b, a) for b in base for a in later]


#: Response columns held as sorted categoricals in the context (grouping, counting distinct).
_GROUPING_COLUMNS = (
    "wave",
    "wave_kind",
    "site",
    "mode",
    "language",
    "questionnaire_version",
)


def _lexsort(keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """``np.lexsort(keys)`` (last key primary) for integer keys, as one stable sort.

    The keys are packed into one int64 that orders exactly as the tuple of keys
    (each shifted to start at 0, weighted by the ranges of the keys after it), so
    the permutation is the same; lexsort's one pass per key is used when the
    packed key would not fit in 62 bits.
    """
    packed = np.zeros(keys[0].size, dtype=np.int64)
    weight = 1
    for key in keys:  # first key least significant
        low = int(key.min(initial=0))
        span = int(key.max(initial=0)) - low + 1
        if weight * span >= 2**62:
            return np.lexsort(keys)
        packed += (key.astype(np.int64) - low) * weight
        weight *= span
    return np.argsort(packed, kind="stable")


def _sorted_categorical(codes: np.ndarray, uniques: np.ndarray) -> pd.Categorical:
    """``pd.Categorical(values, categories=sorted(distinct values present))``, missing as −1.

    Built from the integer codes validation already has (−1 = missing) and a
    sort of the few distinct values, instead of hashing every row's text again
    against the categories. Values no longer present (responses filtered out)
    are not categories, exactly as if the text column had been converted.
    """
    present = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(uniques)))
    order = sorted(present.tolist(), key=lambda i: uniques[i])
    rank = np.full(len(uniques) + 1, -1, dtype=np.int64)  # last slot: code −1 stays −1
    rank[order] = np.arange(len(order))
    return pd.Categorical.from_codes(rank[codes], categories=[uniques[i] for i in order])


def _first_seen(codes: np.ndarray, uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes renumbered in order of first appearance, and their values: ``pd.factorize`` of
    the text column (−1 = missing), from integers rather than by hashing the text again."""
    seen, first_row = np.unique(codes[codes >= 0], return_index=True)
    in_order = seen[np.argsort(first_row, kind="stable")]
    remap = np.full(len(uniques) + 1, -1, dtype=np.int64)  # last slot: code −1 stays −1
    remap[in_order] = np.arange(len(in_order))
    return remap[codes], np.asarray(uniques, dtype=object)[in_order]


def _options_dict(options: AnalysisOptions) -> dict:
    out = dataclasses.asdict(options)
    for key in ("date_from", "date_to"):
        if out[key] is not None:
            out[key] = out[key].isoformat()
    out["sites"] = list(out["sites"]) if out["sites"] is not None else None
    return out


def _filter(prepared: PreparedAnswers, options: AnalysisOptions) -> PreparedAnswers:
    responses = prepared.responses
    keep = np.ones(len(responses), dtype=bool)
    if options.date_from is not None:
        keep &= (responses["completed_date"] >= pd.Timestamp(options.date_from)).to_numpy()
    if options.date_to is not None:
        keep &= (responses["completed_date"] <= pd.Timestamp(options.date_to)).to_numpy()
    if options.sites is not None:
        keep &= responses["site"].isin(options.sites).to_numpy()
    return prepared if keep.all() else prepared.subset_responses(keep)


def _wave_order(responses: pd.DataFrame) -> list[str]:
    """Waves ordered by kind (baseline, follow-up, exit), then first date, then key."""
    if responses.empty:
        return []
    info = responses.groupby("wave", observed=True).agg(
        kind=("wave_kind", "first"), first=("completed_date", "min")
    )
    info["order"] = info["kind"].astype(object).map(_WAVE_KIND_ORDER)
    info = info.reset_index()
    info["wave"] = info["wave"].astype(object)
    info = info.sort_values(["order", "first", "wave"], kind="stable")
    return [str(w) for w in info["wave"]]


def _wave_decisions(ctx: _Context, measure: Measure) -> dict[str, ShareDecision]:
    """How each wave's share is published: exactly the rule of the breakdown by wave."""
    # group_counts(measure_frame(ctx.responses, measure, ["wave"]), "wave"), from the codes
    wave = ctx.responses["wave"].cat
    counts = group_counts_of_codes(
        wave.codes.to_numpy(dtype=np.int64)[measure.present],
        list(wave.categories),
        measure.positive[measure.present].astype(float),
    )
    if counts.empty:
        return {}
    # No total over the waves is published (trends pool the waves of one kind only when
    # they are all published exactly): the waves form a table without margins.
    key = (tuple(counts.index), counts.to_numpy(dtype=np.int64).tobytes())
    decisions = ctx.wave_decisions.get(key)
    if decisions is None:
        decisions = ctx.wave_decisions[key] = protect_shares(counts, ctx.k, margins=False)
    return {str(w): d for w, d in zip(counts.index, decisions, strict=True)}


def _protect_trend(result: TrendResult, ctx: _Context, measure: Measure, kind: str) -> TrendResult:
    """Withhold the centre line (and what it yields) unless its total is published.

    The centre is the pooled share of the waves of ``kind``: published only
    when each of those waves' shares is published exactly, otherwise it would
    give a withheld wave's share back. The control limits and the minimal
    detectable difference are functions of the centre, so they go with it.
    """
    decisions = _wave_decisions(ctx, measure)
    waves = [w for w in ctx.waves if ctx.wave_kind[w] == kind]
    if all(decisions.get(w, _HIDDEN).status == EXACT for w in waves):
        return result
    points = tuple(
        dataclasses.replace(p, lower_limit=None, upper_limit=None, out_of_control=None)
        for p in result.points
    )
    # the smallest detectable change is computed at the centre: it goes with it
    return dataclasses.replace(result, centre=None, points=points, mdd=None, mdd_text={})


def _question_results(ctx: _Context, measure: Measure, spec: QuestionSpec) -> list[QuestionResult]:
    k, level = ctx.k, ctx.level
    out = []
    decisions = _wave_decisions(ctx, measure)
    if measure.status is None or measure.value is None:
        raise TypeError("a question measure carries status and value codes")
    for w, wave in enumerate(ctx.waves):
        sel = measure.present & (ctx.wave_idx == w)
        if not sel.any():
            continue
        # np.compress(mask, a) is a[mask]; several times faster on a mask of mixed waves
        status = np.compress(sel, measure.status)
        answered = status == ANSWERED
        n_answered = int(answered.sum())
        codes = np.compress(answered, np.compress(sel, measure.value))
        counts: dict[str, int] = {}
        per_code = np.bincount(codes, minlength=len(ctx.values))
        for code_index in np.flatnonzero(per_code):
            count = per_code[code_index]
            code = str(ctx.values[int(code_index)])
            parts = code.split() if spec.kind == "multiple_choice" else [code]
            for part in parts:
                counts[part] = counts.get(part, 0) + int(count)
        positive = None
        if spec.effective_positive_codes():
            positive = share_estimate(
                np.compress(sel, measure.positive), k, level, decision=decisions.get(wave, _HIDDEN)
            )
        scores = np.compress(sel, measure.score)
        location = None
        if spec.kind in _SCORED_KINDS and spec.kind != "yes_no" and np.isfinite(scores).any():
            location = location_estimate(scores, k, level)
        if positive is not None and positive.estimate is None and location is not None:
            # A mean or median beside a withheld share could give it back.
            location = location_estimate(scores[:0], k, level)
        nps = nps_estimate(scores, k, level) if is_nps_question(spec) else None
        if nps is not None and positive is not None and positive.estimate is None:
            nps = nps_estimate(scores[:0], k, level)
        dist, sizes = distribution(
            counts,
            n_answered,
            int((status == PREFER_NOT).sum()),
            int((status == MISSING).sum()),
            spec,
            k,
            share=positive,
            nps_shown=nps is not None and not nps.suppressed,
        )
        out.append(
            QuestionResult(
                question_key=spec.key,
                kind=spec.kind,
                indicator=spec.indicator,
                wave=wave,
                n_answered=sizes["answered"],
                n_pna=sizes["pna"],
                n_missing=sizes["missing"],
                positive=positive,
                location=location,
                distribution=dist,
                nps=nps,
                suppressed=n_answered < k,
            )
        )
    return out


def _indicator_results(
    ctx: _Context,
    measure: Measure,
    keys: tuple[str, ...],
    rule: str,
    nps_spec: QuestionSpec | None,
) -> list[IndicatorResult]:
    k, level = ctx.k, ctx.level
    out = []
    decisions = _wave_decisions(ctx, measure)
    for w, wave in enumerate(ctx.waves):
        sel = measure.present & (ctx.wave_idx == w)
        if not sel.any():
            continue
        scores = np.compress(sel, measure.score)  # measure.score[sel], faster
        positive = np.compress(sel, measure.positive)
        n = int(max(np.isfinite(scores).sum(), np.isfinite(positive).sum()))
        share = (
            share_estimate(positive, k, level, decision=decisions.get(wave, _HIDDEN))
            if np.isfinite(positive).any() or np.isfinite(measure.positive).any()
            else None
        )
        suppressed = n < k or (share is not None and share.n is None)
        location = None if not np.isfinite(scores).any() else location_estimate(scores, k, level)
        if share is not None and share.estimate is None and location is not None:
            location = location_estimate(scores[:0], k, level)  # a mean could give it back
        nps = nps_estimate(scores, k, level) if nps_spec is not None else None
        if nps is not None and share is not None and share.estimate is None:
            nps = nps_estimate(scores[:0], k, level)
        out.append(
            IndicatorResult(
                indicator=measure.name,
                wave=wave,
                question_keys=keys,
                n_respondents=None if suppressed else n,
                positive=share,
                location=location,
                nps=nps,
                rule=rule,
                suppressed=suppressed,
            )
        )
    return out


def _scales(ctx: _Context, name: str, item_scores: pd.DataFrame) -> list[ScaleResult]:
    out = []
    wave_of_row = ctx.wave_idx[item_scores.index.to_numpy()]
    for w, wave in enumerate(ctx.waves):
        rows = item_scores[wave_of_row == w]
        if rows.empty:
            continue
        res = dataclasses.replace(cronbach_alpha(rows, ctx.level, name=name), wave=wave)
        if res.alpha is not None:
            res = dataclasses.replace(res, reliable=res.alpha >= RELIABILITY_THRESHOLD)
        if res.n_complete is None or res.n_complete < ctx.k:
            res = dataclasses.replace(
                res,
                n_complete=None,
                alpha=None,
                interval=dataclasses.replace(res.interval, low=None, high=None),
                suppressed=True,
            )
        out.append(res)
    return out


def _by_beneficiary(ctx: _Context, values: np.ndarray, wave: int) -> np.ndarray:
    """Value of each beneficiary's latest response in a wave (NaN when none)."""
    out = np.full(ctx.n_bene, np.nan)
    rows, bene = ctx.latest_rows(wave)
    out[bene] = values[rows]
    return out


def _gains(ctx: _Context, targets: list[_Target]) -> list[GainResult]:
    """Paired changes; Holm over the indicator-level tests only (items are exploratory)."""
    k, level = ctx.k, ctx.level
    raw: list[tuple[GainResult, float | None]] = []
    for target in targets:
        name, kind, measure, polarity, test = (
            target.name,
            target.kind,
            target.measure,
            target.polarity,
            target.test,
        )
        family = "confirmatory" if kind == "indicator" else "exploratory"
        for b_idx, a_idx in ctx.pairs():
            before = _by_beneficiary(ctx, measure.score, b_idx)
            after = _by_beneficiary(ctx, measure.score, a_idx)
            both = np.isfinite(before) & np.isfinite(after)
            if not both.any():
                continue
            b, a = np.compress(both, before), np.compress(both, after)
            waves = (ctx.waves[b_idx], ctx.waves[a_idx])
            if test == "mcnemar":
                mc = mcnemar_gain(b, a, polarity=polarity, level=level)
                p = mc.p_value
                result = _protect_mcnemar(
                    GainResult(
                        name,
                        kind,
                        *waves,
                        test,
                        None,
                        mc,
                        p,
                        None,
                        family=family,
                        question_keys=target.keys,
                    ),
                    k,
                )
            else:
                pg = paired_gain(b, a, polarity=polarity, level=level)
                p = pg.wilcoxon.p_value
                constant = nearly_constant(a - b)
                result = _protect_paired(
                    GainResult(
                        name,
                        kind,
                        *waves,
                        test,
                        pg,
                        None,
                        p,
                        None,
                        family=family,
                        question_keys=target.keys,
                    ),
                    k,
                    constant,
                    _sign_counts(a - b),
                )
            if not result.suppressed:
                counts = change_counts((a - b) * polarity, target.threshold)
                change = _change_counts(result, target, counts, k, level)
                result = dataclasses.replace(result, change=change)
            if result.p_value is None and p is not None:
                p = 1.0  # withheld: counted as 1 in Holm (conservative, and it reveals nothing)
            raw.append((result, p))
    in_family = [p for result, p in raw if p is not None and result.family == "confirmatory"]
    adjusted = iter(holm_adjusted(in_family))
    alpha = 1 - level
    out = []
    for result, p in raw:
        p_holm = None
        if p is not None and result.family == "confirmatory":
            p_holm = next(adjusted)
        if result.p_value is None:
            p_holm = None
        if result.suppressed:
            out.append(result)
            continue
        low, high, polarity = _change_interval(result)
        reading = verdict(
            low, high, polarity, p_holm, alpha, adjusted=result.family == "confirmatory"
        )
        out.append(dataclasses.replace(result, p_holm=p_holm, verdict=reading))
    return out


def _change_interval(result: GainResult) -> tuple[float | None, float | None, int]:
    if result.paired is not None:
        ci = result.paired.change_interval
        return ci.low, ci.high, result.paired.polarity
    if result.mcnemar is not None:
        ci = result.mcnemar.difference_interval
        return ci.low, ci.high, result.mcnemar.polarity
    return None, None, 1


def _share(
    count: int | None, n: int, level: float, bound: ShareBound | None = None
) -> ProportionEstimate:
    if count is None or n == 0:
        empty = Interval(None, None, level, "wilson")
        return ProportionEstimate(None, n if bound else None, None, empty, True, bound)
    return ProportionEstimate(count, n, count / n, wilson_interval(count, n, level))


def _change_counts(
    result: GainResult, target: _Target, counts: tuple[int, int, int], k: int, level: float
) -> ChangeCounts | None:
    """Better / same / worse by the target's threshold, with Wilson intervals.

    ``counts`` are the raw (better, same, worse) counts; cells below k are
    hidden with secondary suppression (:func:`analysis.disclosure.suppress`).
    They are distinct from ``PairedGain.n_improved`` (any change), which the
    Wilcoxon test's zero / non-zero split follows.
    """
    n = sum(counts)
    hidden = _change_mask(counts, k)
    better, same, worse = (
        None if is_hidden else int(c) for c, is_hidden in zip(counts, hidden, strict=True)
    )
    bounds = _audited_bounds(counts, hidden, _change_bounds(counts, hidden, k), k)
    measure_scale: dict[str, str] = {}
    if result.paired is not None:
        threshold = target.threshold
        if threshold is not None and target.bounds is not None:
            measure_scale = design.scale_words(*target.bounds, pomp=target.pomp)
        else:
            threshold = None
    elif result.mcnemar is not None:
        threshold = None
        measure_scale = {
            "fr": "points de pourcentage de « oui »",
            "en": "percentage points of “yes”",
        }
    else:
        return None
    if threshold is None:
        text = (
            {"fr": "passer de « non » à « oui »", "en": "moving from “no” to “yes”"}
            if result.mcnemar is not None
            else {"fr": "toute hausse", "en": "any rise"}
        )
    else:
        number = f"{threshold:g}"
        unit = {
            lang: words.replace("points", "point", 1) if threshold == 1 else words
            for lang, words in measure_scale.items()
        }
        text = {
            "fr": f"une amélioration d’au moins {number.replace('.', ',')} {unit['fr']} "
            "(un cran sur une échelle en 5 cases)",
            "en": f"a change of at least {number} {unit['en']} in the better direction "
            "(one step on a 5-point scale)",
        }
    return ChangeCounts(
        n=n,
        threshold=threshold,
        scale={
            lang: words.fr_typography(t) if lang == "fr" else t for lang, t in measure_scale.items()
        },
        threshold_text={**text, "fr": words.fr_typography(text["fr"])},
        better=_share(better, n, level, bounds[0]),
        same=_share(same, n, level, bounds[1]),
        worse=_share(worse, n, level, bounds[2]),
    )


def _audited_bounds(
    counts: tuple[int, int, int], hidden: list[bool], bounds: list[ShareBound | None], k: int
) -> list[ShareBound | None]:
    """Drop bounds ("at least" ones first) until the interval audit of the line passes.

    Bounds on better / same / worse combine with n and with each other: without this
    check, "≤ 5 %" on two cells and "≥ 80 %" on the third could pin them (issue 11).
    """
    from analysis.disclosure_audit import LinearAudit

    bounds = list(bounds)
    n = sum(counts)
    while any(bounds):
        audit = LinearAudit(k)
        cells = [audit.variable(str(i), protect=hidden[i], cap=n) for i in range(3)]
        for i in range(3):
            if not hidden[i]:
                audit.equal([cells[i]], counts[i])
            bound = bounds[i]
            if bound is not None:
                limit = bound.value * n
                (audit.at_most if bound.relation == "<=" else audit.at_least)([cells[i]], limit)
        audit.equal(cells, n)
        if not audit.leaks():
            return bounds
        relations = [bound.relation if bound else None for bound in bounds]
        order = [i for i in range(3) if relations[i] == ">="]
        order += [i for i in range(3) if relations[i] == "<="]
        bounds[order[0]] = None
    return bounds


def _change_mask(counts: tuple[int, int, int], k: int) -> list[bool]:
    """Cells to hide: below k (0 included) or above n − k, as for shares, plus the
    smallest other when only one is hidden (else it would be n minus the others)."""
    n = sum(counts)
    hidden = [c < k or n - c < k for c in counts]
    if sum(hidden) == 1:
        others = [i for i in range(3) if not hidden[i]]
        hidden[min(others, key=lambda i: (counts[i], i))] = True
    return hidden


def _change_bounds(
    counts: tuple[int, int, int], hidden: list[bool], k: int
) -> list[ShareBound | None]:
    """Bounds for hidden better / same / worse shares, from n, k and published cells only.

    A cell hidden because it is below k gets "at most (k − 1)/n" (rounded up
    to 5 %); a cell hidden to protect others, when every other hidden cell is
    below k, gets "at least (n − shown − (k − 1) per small cell)/n" (rounded
    down): both follow from the published n and cells, so they reveal nothing
    more than "fewer than k".
    """
    n = sum(counts)
    out: list[ShareBound | None] = [None, None, None]
    if n == 0:
        return out
    small = [h and c < k for c, h in zip(counts, hidden, strict=True)]
    shown = sum(c for c, h in zip(counts, hidden, strict=True) if not h)
    steps = 100 // BOUND_STEP_PERCENT
    for i in range(3):
        if hidden[i] and n - counts[i] < k:  # nearly everyone: "at least", as for shares
            out[i] = share_bound(n, k, ">=")
        elif small[i]:
            out[i] = share_bound(n, k, "<=")
        elif hidden[i] and all(small[j] for j in range(3) if hidden[j] and j != i):
            others = sum(1 for j in range(3) if small[j])
            floor = max(0, n - shown - others * (k - 1))
            value = (steps * floor) // n / steps
            out[i] = ShareBound(">=", value) if value > 0 else None
    return out


def _hidden_gain(result: GainResult) -> GainResult:
    return dataclasses.replace(
        result, paired=None, mcnemar=None, p_value=None, p_holm=None, suppressed=True
    )


def _sign_counts(differences: np.ndarray) -> tuple[int, int, int]:
    """Pairs whose score went up, down, or stayed exactly the same (the Wilcoxon's cells)."""
    return (
        int((differences > 0).sum()),
        int((differences < 0).sum()),
        int((differences == 0).sum()),
    )


def _protect_paired(
    result: GainResult, k: int, constant: bool, signs: tuple[int, int, int] = (0, 0, 0)
) -> GainResult:
    """Hide a gain on fewer than k pairs or where everyone changed by the same amount."""
    pg = result.paired
    if pg is None:
        raise TypeError("expected a paired gain")
    if pg.n_pairs < k or constant:
        return _hidden_gain(result)
    counts = pd.DataFrame([[pg.n_improved, pg.n_unchanged, pg.n_worse]], columns=["i", "u", "w"])
    mask = suppress(counts, k).mask.iloc[0]
    pg = dataclasses.replace(
        pg,
        n_improved=None if mask["i"] else pg.n_improved,
        share_improved=None if mask["i"] else pg.share_improved,
        n_unchanged=None if mask["u"] else pg.n_unchanged,
        share_unchanged=None if mask["u"] else pg.share_unchanged,
        n_worse=None if mask["w"] else pg.n_worse,
        share_worse=None if mask["w"] else pg.share_worse,
    )
    w = pg.wilcoxon
    if mask.any() or any(c is not None and 0 < c < k for c in (*signs, w.n_zero, w.n_nonzero)):
        # Non-linear leaks closed by rule: the signed-rank statistic, the rank-biserial r,
        # the t test, d_z and the means pin small cells (r = 1 says "nobody got worse").
        pg = _withhold_paired_tests(pg)
        return dataclasses.replace(result, paired=pg, p_value=None, p_holm=None)
    return dataclasses.replace(result, paired=pg)


def _withhold_paired_tests(pg):
    """A paired gain with only its counts left (see :func:`_protect_paired`)."""
    level = pg.change_interval.level
    return dataclasses.replace(
        pg,
        mean_before=None,
        mean_after=None,
        mean_change=None,
        change_interval=dataclasses.replace(pg.change_interval, low=None, high=None),
        wilcoxon=dataclasses.replace(
            pg.wilcoxon,
            statistic=None,
            v=None,
            p_value=None,
            n_nonzero=None,
            n_zero=None,
            has_ties=None,
            method="withheld",
        ),
        t_test=dataclasses.replace(
            pg.t_test,
            statistic=None,
            df=None,
            p_value=None,
            mean_difference=None,
            interval=dataclasses.replace(pg.t_test.interval, low=None, high=None),
        ),
        rank_biserial=dataclasses.replace(
            pg.rank_biserial, estimate=None, interval=Interval(None, None, level, "withheld")
        ),
        cohen_dz=dataclasses.replace(
            pg.cohen_dz, estimate=None, interval=Interval(None, None, level, "withheld")
        ),
    )


def _protect_mcnemar(result: GainResult, k: int) -> GainResult:
    mc = result.mcnemar
    if mc is None:
        raise TypeError("expected a McNemar result")
    if mc.n_pairs < k:
        return _hidden_gain(result)
    cells = pd.DataFrame(
        [[mc.n_yes_yes, mc.n_yes_to_no], [mc.n_no_to_yes, mc.n_no_no]], columns=["yes", "no"]
    )
    mask = suppress(cells, k).mask.to_numpy()
    if mask.any():
        # The two shares with n_pairs, the difference, its interval and the exact p fit one
        # table only: with any cell withheld, only n_pairs and the shown cells stay.
        mc = dataclasses.replace(
            mc,
            n_yes_yes=None if mask[0, 0] else mc.n_yes_yes,
            n_yes_to_no=None if mask[0, 1] else mc.n_yes_to_no,
            n_no_to_yes=None if mask[1, 0] else mc.n_no_to_yes,
            n_no_no=None if mask[1, 1] else mc.n_no_no,
            n_improved=None,
            n_worse=None,
            share_before=None,
            share_after=None,
            difference=None,
            difference_interval=dataclasses.replace(mc.difference_interval, low=None, high=None),
            statistic=None,  # min(b, c) for the exact test: a cell count
            p_value=None,
        )
        return dataclasses.replace(result, mcnemar=mc, p_value=None, p_holm=None)
    return dataclasses.replace(result, mcnemar=mc)


def _attrition(
    ctx: _Context,
    indicator_targets: list[Measure],
    invitations: pd.DataFrame | None,
    options: AnalysisOptions,
) -> list[AttritionResult]:
    """Followed vs lost among baseline people whose later wave was due in the period.

    No row for an indicator not measured at the later wave.
    """
    out = []
    day = ctx.responses["completed_date"].to_numpy().astype("datetime64[D]")
    codes = ctx.bene_codes  # position i is beneficiary index i
    coded = ctx.bene >= 0
    period_end = pd.Timestamp(options.date_to) if options.date_to else None
    for b_idx, a_idx in ctx.pairs():
        seen_after = np.zeros(ctx.n_bene, dtype=bool)
        seen_after[ctx.bene[(ctx.wave_idx == a_idx) & coded]] = True
        base_day = _by_beneficiary_day(ctx, day, b_idx)
        later_day = _by_beneficiary_day(ctx, day, a_idx)
        has_any_base = ~np.isnat(base_day)
        due, pending, rule = due_people(
            codes=codes,
            has_base=has_any_base,
            answered_later=seen_after,
            base_day=base_day,
            later_day=later_day,
            invitations=invitations,
            later_wave=ctx.waves[a_idx],
            period_end=period_end,
        )
        for measure in indicator_targets:
            at_later = measure.present & (ctx.wave_idx == a_idx)
            if not np.isfinite(measure.score[at_later]).any():
                continue  # not measured at that wave
            base = _by_beneficiary(ctx, measure.score, b_idx)
            has_base = np.isfinite(base)
            if not has_base.any():
                continue
            counted = has_base & due & ~pending
            kept = base[counted & seen_after]
            lost = base[counted & ~seen_after]
            out.append(
                attrition_result(
                    measure.name,
                    ctx.waves[b_idx],
                    ctx.waves[a_idx],
                    kept,
                    lost,
                    ctx.k,
                    ctx.level,
                    n_not_yet_due=int((has_base & ~due).sum()),
                    n_pending=int((has_base & pending).sum()),
                    rule=rule,
                )
            )
    return out


def _by_beneficiary_day(ctx: _Context, day: np.ndarray, wave: int) -> np.ndarray:
    """Completion day of each beneficiary's latest response in a wave (NaT when none)."""
    out = np.full(ctx.n_bene, np.datetime64("NaT"), dtype="datetime64[D]")
    rows, bene = ctx.latest_rows(wave)
    out[bene] = day[rows]
    return out


def _breakdowns(ctx: _Context, measure: Measure, seed: int, wave: str | None) -> list[Breakdown]:
    """By site, mode and language within ONE wave (each person's latest answer in it); by wave."""
    k, level = ctx.k, ctx.level
    in_wave = (
        ctx.wave_idx == ctx.waves.index(wave)
        if wave in ctx.waves
        else np.zeros(ctx.wave_idx.size, dtype=bool)
    )
    one_each = in_wave & (ctx.latest_in_wave | (ctx.bene < 0))
    latest = dataclasses.replace(measure, present=measure.present & one_each)
    people = measure_frame(ctx.responses, latest, ["site", "mode", "language"])
    everyone = measure_frame(ctx.responses, measure, ["wave"])
    out = []
    for by in _BREAKDOWN_BY:
        if by != "wave":
            if not in_wave.any():
                continue
            result = breakdown(people, by, target=measure.name, k=k, level=level, seed=seed)
            out.append(dataclasses.replace(result, wave=wave))
            continue
        result = breakdown(
            everyone, by, target=measure.name, k=k, level=level, seed=seed, margins=False
        )  # exactly the decisions of _wave_decisions
        coded = ctx.bene[measure.present]
        coded = coded[coded >= 0]
        if coded.size and np.bincount(coded).max() > 1:  # someone answered in two waves
            result = dataclasses.replace(
                result,
                test=GroupTest(
                    "none",
                    None,
                    None,
                    None,
                    None,
                    None,
                    "waves share respondents: not independent groups, see the paired gains",
                ),
            )
        out.append(result)
    return out


def _methods(options: AnalysisOptions) -> tuple[MethodNote, ...]:
    notes = _method_notes(options)
    texts = design.method_texts(options.k, options.level)
    return tuple(dataclasses.replace(n, text=texts.get(n.name, {})) for n in notes)


def _method_notes(options: AnalysisOptions) -> tuple[MethodNote, ...]:
    level = f"{100 * options.level:g} %"
    return (
        MethodNote(
            "disclosure",
            f"k = {options.k}: a group of fewer than k people is withheld with its size; "
            "from k to 2k − 2 people its size is shown and its share withheld; from 2k − 1 "
            "people its share is exact when at least k people are on each side (positive, not "
            "positive), otherwise a bound computed from n and k only, rounded outward to 5 "
            "points (n = 133, k = 5: at least 95 %). Secondary suppression is decided by an "
            "interval audit by linear programming over each table with its totals, bounds, "
            "trends and linked tables: every withheld count that could be small can still be "
            "anything from 0 to k − 1, and one that is surely large keeps at least k possible "
            "values. Means, NPS bands, tests, effect sizes and p-values beside a withheld or "
            "bounded figure are withheld; tests across groups use the groups shown exactly. "
            "Free-text answers are never analysed.",
            "Hundepool et al. (2012), Statistical Disclosure Control, Wiley, ch. 4",
        ),
        MethodNote(
            "share_positive",
            f"Share of positive codes among answers (prefer-not-to-answer and missing excluded) "
            f"with a {level} Wilson score interval (statsmodels proportion_confint).",
            "Wilson (1927); Newcombe (1998) Stat Med 17:857–872",
        ),
        MethodNote(
            "mean_median",
            "Mean with a Student t interval; median with a distribution-free order-statistic "
            "interval from binomial(n, 1/2) quantiles (scipy.stats.quantile_test).",
            "Conover (1999) Practical Nonparametric Statistics §3.2",
        ),
        MethodNote(
            "multi_item_indicator",
            "One observation per respondent: the mean of the respondent's answered item scores "
            f"(at least {MIN_ITEM_SHARE:.0%} of items; polarity −1 items reverse-scored; "
            "0–100 rescaling when item ranges differ); positive when that mean is at or above "
            "the lowest score of a positive code.",
            "Cohen, Cohen, Aiken & West (1999) Multivariate Behav Res 34:315–346 (POMP)",
        ),
        MethodNote(
            "nps",
            "Net Promoter Score (9–10 minus 0–6, in points) with the adjusted Wald interval "
            "(3/4 added to promoters and detractors, 3 to n).",
            "Rocks (2016) The American Statistician 70:365–372",
        ),
        MethodNote(
            "paired_gain",
            "Same beneficiary_code, latest response per wave, baseline → each later wave. "
            "Better / same / worse: a change of at least one step of a 5-point scale as a share "
            f"of the range ({STEP_SHARE_OF_RANGE:.0%}: 1 point on 1–5, 25 points on 0–100, 2.5 "
            "on 0–10), shares with Wilson intervals. Change among the people followed, not an "
            "effect of the service (no comparison group); people far from the average at "
            "baseline tend to come closer to it later (regression to the mean). "
            "Wilcoxon signed-rank (zero_method='wilcox': zero differences dropped, as R; exact "
            f"p only with no zeros, no ties and fewer than {EXACT_MAX_N} pairs, otherwise normal "
            "approximation with continuity correction); R's V = W+ reported. Secondary: paired "
            "t-test with its interval. Effect sizes: matched-pairs rank-biserial r (Kerby) with "
            "Fisher-z interval; Cohen's d_z with noncentral-t interval.",
            "Wilcoxon (1945); Kerby (2014) Compr Psychol 3:11.IT.3.1; Steiger & Fouladi (1997)",
        ),
        MethodNote(
            "mcnemar",
            f"Yes/no items: McNemar test, exact binomial when fewer than {MCNEMAR_EXACT_BELOW} "
            "discordant pairs, otherwise chi-square with continuity correction; difference in "
            "the share of 'yes' with the Agresti–Min interval.",
            "McNemar (1947); Agresti & Min (2005) Stat Med 24:729–740",
        ),
        MethodNote(
            "multiplicity",
            "One family: the indicator-level paired tests (each indicator once per wave pair, "
            "suppressed ones included), adjusted with Holm's method (statsmodels multipletests); "
            "question-level changes and between-group tests are exploratory (not adjusted, "
            "p_holm None). Intervals are not adjusted; a verdict reads the interval first, then "
            "the adjusted p.",
            "Holm (1979) Scand J Stat 6:65–70",
        ),
        MethodNote(
            "attrition",
            "Among baseline respondents whose later wave was due within the period (an "
            "invitation to it created by the end of the period, else baseline + the median "
            "observed delay), those without a response in the later wave; people whose "
            "invitation is still open are not counted. Baseline levels of those lost and those "
            "followed: difference of means with a Welch interval (Mann–Whitney U for "
            "reference): levels at baseline, not changes.",
            "Welch (1947) Biometrika 34:28–35; Mann & Whitney (1947) Ann Math Stat 18:50–60",
        ),
        MethodNote(
            "scales",
            "Cronbach's alpha per wave on respondents answering every item, with the Feldt "
            f"F-based interval; a scale is called reliable only when alpha ≥ "
            f"{RELIABILITY_THRESHOLD:g} (Nunnally & Bernstein 1994).",
            "Cronbach (1951); Feldt, Woodruff & Salih (1987) Appl Psychol Meas 11:93–103",
        ),
        MethodNote(
            "trends",
            "One trend per wave kind (baseline, follow-up, exit), never pooled. "
            f"Period = {options.period}: with 'auto', months unless the median monthly number "
            f"of respondents is below {MIN_MONTHLY_MEDIAN}, then quarters. p-chart: centre = "
            "pooled share, limits ± 3 sqrt(p(1−p)/n_i) clipped to [0, 1]. Smallest detectable "
            "difference between two periods: 80 % power, two-sided 5 %, at the median n per "
            "period (Cohen's h, statsmodels NormalIndPower).",
            "Montgomery (2019) Introduction to Statistical Quality Control §7.2; "
            "Cohen (1988) ch. 6",
        ),
        MethodNote(
            "breakdowns",
            f"By site, mode and language within one wave ({options.breakdown_wave or 'baseline'}; "
            "each person's latest response in it: independent groups); by wave descriptive only "
            "when waves share respondents. Exploratory: not adjusted. Test: chi-square "
            "when all expected counts ≥ 5 (Yates on 2×2), else Fisher exact (2×2) or "
            f"Fisher–Freeman–Halton with a Monte-Carlo p from {MONTE_CARLO_TABLES} tables, seed "
            f"{options.seed}. Assisted vs self-completed: groups that select themselves, and "
            "help may sway answers.",
            "Agresti (2013) Categorical Data Analysis §3.2, §3.5; Patefield (1981) AS 159",
        ),
        MethodNote(
            "filters",
            f"date_from = {options.date_from}, date_to = {options.date_to}, sites = "
            f"{list(options.sites) if options.sites is not None else 'all'}, level = {level}.",
            "",
        ),
    )
