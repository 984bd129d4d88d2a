"""``analyse_study``: the whole analysis of one study, from the tidy table."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from analysis import findings as words
from analysis.disclosure import check_k, suppress
from analysis.groups import DEFAULT_SEED, MONTE_CARLO_TABLES, breakdown, group_counts
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
from analysis.inputs import PreparedAnswers, QuestionSpec, prepare_answers, question_map
from analysis.paired import (
    EXACT_MAX_N,
    MCNEMAR_EXACT_BELOW,
    mcnemar_gain,
    nearly_constant,
    paired_gain,
)
from analysis.responses import response_rates
from analysis.results import (
    AttritionResult,
    Breakdown,
    GainResult,
    GroupTest,
    IndicatorResult,
    MethodNote,
    QuestionResult,
    ScaleResult,
    StudyAnalysis,
    TrendResult,
)
from analysis.scales import MIN_ITEM_SHARE, cronbach_alpha
from analysis.trends import MIN_MONTHLY_MEDIAN, trend

__all__ = ["AnalysisOptions", "analyse_study"]

_WAVE_KIND_ORDER = {"baseline": 0, "follow_up": 1, "exit": 2}
_BREAKDOWN_BY = ("site", "wave", "mode", "language")
_SCORED_KINDS = ("agreement", "rating", "yes_no", "integer", "single_choice")


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
    """

    k: int = 5
    level: float = 0.95
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sites: tuple[str, ...] | None = None
    period: str = "auto"
    seed: int = DEFAULT_SEED

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
    targets: list[tuple[str, str, Measure, int, str]] = []  # name, kind, measure, polarity, test
    indicator_targets: list[Measure] = []
    for name in sorted(by_indicator):
        items = by_indicator[name]
        keys = tuple(s.key for s in items)
        if len(items) == 1:
            measure = dataclasses.replace(question_measures[items[0].key], name=name)
            rule = "single question: share of respondents giving a positive code"
        else:
            measure, item_scores, pomp = indicator_measure(scored, name, items)
            rule = (
                "per-respondent scale score = mean of the answered items (at least half), "
                "items with polarity −1 reverse-scored"
                + (", rescaled to 0–100 because item ranges differ" if pomp else "")
                + "; positive = scale score at or above the lowest positive code's score"
            )
            scales_out.extend(_scales(ctx, name, item_scores))
            targets.append((name, "indicator", measure, 1, "wilcoxon"))
        indicator_targets.append(measure)
        nps_spec = items[0] if len(items) == 1 and is_nps_question(items[0]) else None
        indicators_out.extend(_indicator_results(ctx, measure, keys, rule, nps_spec))

    for key in present:
        spec = specs[key]
        if spec.kind not in _SCORED_KINDS or (spec.kind != "integer" and not spec.score_map()):
            continue
        test = "mcnemar" if spec.kind == "yes_no" else "wilcoxon"
        targets.append((key, "question", question_measures[key], spec.polarity, test))
    targets.sort(key=lambda t: (t[1], t[0]))

    has_codes = bool((ctx.bene >= 0).any())
    if not has_codes:
        warnings.append("no beneficiary codes (open-link mode): paired gains and attrition skipped")
    gains = _gains(ctx, targets) if has_codes else []
    attrition = _attrition(ctx, indicator_targets) if has_codes else []

    trends_out: list[TrendResult] = []
    breakdowns_out: list[Breakdown] = []
    for measure in indicator_targets:
        if not np.isfinite(measure.positive[measure.present]).any():
            continue
        frame = measure_frame(ctx.responses, measure, ["completed_date"])
        trends_out.append(
            trend(frame, target=measure.name, k=k, level=level, period=options.period)
        )
        breakdowns_out.extend(_breakdowns(ctx, measure, options.seed))

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

    found = [
        *words.indicator_findings(indicators_out, specs),
        *words.gain_findings(gains, specs, level),
        *words.attrition_findings(attrition, level),
        *words.mode_findings(breakdowns_out, level),
        *(words.response_rate_findings(rates) if rates else []),
    ]
    responses = prepared.responses
    studies = sorted(set(responses["study"].dropna()))
    return StudyAnalysis(
        study=studies[0] if len(studies) == 1 else None,
        k=k,
        level=level,
        options=_options_dict(options),
        n_answers=int(prepared.response.size),
        n_responses=len(responses),
        n_beneficiaries=int(responses["beneficiary_code"].nunique()),
        n_sites=int(responses["site"].nunique()),
        waves=tuple(ctx.waves),
        indicators=tuple(indicators_out),
        questions=tuple(questions_out),
        scales=tuple(scales_out),
        gains=tuple(gains),
        attrition=tuple(attrition),
        trends=tuple(trends_out),
        breakdowns=tuple(breakdowns_out),
        response_rates=tuple(rates) if rates is not None else None,
        findings=tuple(found),
        methods=_methods(options),
        warnings=tuple(warnings),
    )


@dataclass
class _Context:
    """Response-level arrays shared by every part of one analysis."""

    responses: pd.DataFrame  # grouping columns as sorted categoricals
    k: int
    level: float
    waves: list[str]
    wave_idx: np.ndarray  # position of each response's wave in ``waves``
    wave_kind: dict[str, str]
    bene: np.ndarray  # beneficiary code index, −1 when none
    n_bene: int
    latest_in_wave: np.ndarray  # latest response of its beneficiary in its wave
    latest_of_person: np.ndarray  # latest response of its person (any wave)
    values: np.ndarray  # stored codes, indexed by ``Measure.value``

    @classmethod
    def build(cls, prepared: PreparedAnswers, k: int, level: float) -> _Context:
        responses = prepared.responses.copy()
        for column in ("wave", "wave_kind", "site", "mode", "language"):
            values = responses[column].astype(object)
            categories = sorted(set(values.dropna()))
            responses[column] = pd.Categorical(values, categories=categories)
        waves = _wave_order(responses)
        position = {w: i for i, w in enumerate(waves)}
        wave_idx = responses["wave"].astype(object).map(position).to_numpy(dtype=np.int64)
        kinds = responses.groupby("wave", observed=True)["wave_kind"].first()
        bene, uniques = pd.factorize(responses["beneficiary_code"].astype(object))
        day = responses["completed_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
        order_id = np.arange(len(responses))  # responses are sorted by response_id
        n = len(responses)
        # latest per (beneficiary, wave): sort by beneficiary, wave, day, response_id
        latest_in_wave = np.zeros(n, dtype=bool)
        coded = np.flatnonzero(bene >= 0)
        if coded.size:
            o = coded[np.lexsort((order_id[coded], day[coded], wave_idx[coded], bene[coded]))]
            key = bene[o] * (len(waves) + 1) + wave_idx[o]
            last = np.r_[key[1:] != key[:-1], True]
            latest_in_wave[o[last]] = True
        latest_of_person = bene < 0
        if coded.size:
            o = coded[np.lexsort((order_id[coded], day[coded], bene[coded]))]
            last = np.r_[bene[o][1:] != bene[o][:-1], True]
            latest_of_person[o[last]] = True
        return cls(
            responses=responses,
            k=k,
            level=level,
            waves=waves,
            wave_idx=wave_idx,
            wave_kind={str(w): str(kd) for w, kd in kinds.items()},
            bene=bene.astype(np.int64),
            n_bene=len(uniques),
            latest_in_wave=latest_in_wave,
            latest_of_person=latest_of_person,
            values=prepared.values,
        )

    def pairs(self) -> list[tuple[int, int]]:
        """(baseline wave, later wave) index pairs: each baseline → each follow-up/exit."""
        base = [i for i, w in enumerate(self.waves) if self.wave_kind[w] == "baseline"]
        later = [i for i, w in enumerate(self.waves) if self.wave_kind[w] in ("follow_up", "exit")]
        return [(b, a) for b in base for a in later]


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


def _wave_mask(ctx: _Context, measure: Measure) -> dict[str, bool]:
    """Which waves' shares are hidden: exactly the rule of the breakdown by wave."""
    frame = measure_frame(ctx.responses, measure, ["wave"])
    counts = group_counts(frame, "wave")
    if counts.empty:
        return {}
    mask = suppress(counts, ctx.k, whole_rows=True).mask.any(axis=1)
    return {str(w): bool(v) for w, v in mask.items()}


def _question_results(ctx: _Context, measure: Measure, spec: QuestionSpec) -> list[QuestionResult]:
    k, level = ctx.k, ctx.level
    out = []
    hidden_share = _wave_mask(ctx, measure)
    if measure.status is None or measure.value is None:
        raise TypeError("a question measure carries status and value codes")
    for w, wave in enumerate(ctx.waves):
        sel = measure.present & (ctx.wave_idx == w)
        if not sel.any():
            continue
        status = measure.status[sel]
        answered = status == ANSWERED
        n_answered = int(answered.sum())
        codes = measure.value[sel][answered]
        counts: dict[str, int] = {}
        per_code = np.bincount(codes, minlength=len(ctx.values))
        for code_index in np.flatnonzero(per_code):
            count = per_code[code_index]
            code = str(ctx.values[int(code_index)])
            parts = code.split() if spec.kind == "multiple_choice" else [code]
            for part in parts:
                counts[part] = counts.get(part, 0) + int(count)
        dist, sizes = distribution(
            counts,
            n_answered,
            int((status == PREFER_NOT).sum()),
            int((status == MISSING).sum()),
            spec,
            k,
        )
        positive = None
        if spec.effective_positive_codes():
            positive = share_estimate(
                measure.positive[sel], k, level, hidden=hidden_share.get(wave, True)
            )
        scores = measure.score[sel]
        location = None
        if spec.kind in _SCORED_KINDS and spec.kind != "yes_no" and np.isfinite(scores).any():
            location = location_estimate(scores, k, level)
        if positive is not None and positive.suppressed:
            # The codes' counts (or a mean) would give the hidden share back.
            dist = tuple(
                dataclasses.replace(c, count=None, share=None, suppressed=True) for c in dist
            )
            if location is not None and not location.suppressed:
                location = location_estimate(scores[:0], k, level)
        nps = nps_estimate(scores, k, level) if is_nps_question(spec) else None
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
    hidden_share = _wave_mask(ctx, measure)
    for w, wave in enumerate(ctx.waves):
        sel = measure.present & (ctx.wave_idx == w)
        if not sel.any():
            continue
        scores = measure.score[sel]
        positive = measure.positive[sel]
        n = int(max(np.isfinite(scores).sum(), np.isfinite(positive).sum()))
        suppressed = n < k
        share = (
            share_estimate(positive, k, level, hidden=hidden_share.get(wave, True))
            if np.isfinite(positive).any() or np.isfinite(measure.positive).any()
            else None
        )
        location = None if not np.isfinite(scores).any() else location_estimate(scores, k, level)
        if len(keys) == 1 and share is not None and share.suppressed and location is not None:
            location = location_estimate(scores[:0], k, level)  # as for the question itself
        nps = nps_estimate(scores, k, level) if nps_spec is not None else None
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
    sel = ctx.latest_in_wave & (ctx.wave_idx == wave)
    out[ctx.bene[sel]] = values[sel]
    return out


def _gains(ctx: _Context, targets: list[tuple[str, str, Measure, int, str]]) -> list[GainResult]:
    k, level = ctx.k, ctx.level
    raw: list[tuple[GainResult, float | None]] = []
    for name, kind, measure, polarity, test in targets:
        for b_idx, a_idx in ctx.pairs():
            before = _by_beneficiary(ctx, measure.score, b_idx)
            after = _by_beneficiary(ctx, measure.score, a_idx)
            both = np.isfinite(before) & np.isfinite(after)
            if not both.any():
                continue
            b, a = before[both], after[both]
            waves = (ctx.waves[b_idx], ctx.waves[a_idx])
            if test == "mcnemar":
                mc = mcnemar_gain(b, a, polarity=polarity, level=level)
                p = mc.p_value
                result = _protect_mcnemar(
                    GainResult(name, kind, *waves, test, None, mc, p, None), k
                )
            else:
                pg = paired_gain(b, a, polarity=polarity, level=level)
                p = pg.wilcoxon.p_value
                constant = nearly_constant(a - b)
                result = _protect_paired(
                    GainResult(name, kind, *waves, test, pg, None, p, None), k, constant
                )
            raw.append((result, p))
    p_values = [p for _, p in raw if p is not None]
    adjusted = iter(multipletests(p_values, method="holm")[1] if p_values else [])
    out = []
    for result, p in raw:
        p_holm = float(next(adjusted)) if p is not None else None
        out.append(result if result.suppressed else dataclasses.replace(result, p_holm=p_holm))
    return out


def _hidden_gain(result: GainResult) -> GainResult:
    return dataclasses.replace(
        result, paired=None, mcnemar=None, p_value=None, p_holm=None, suppressed=True
    )


def _protect_paired(result: GainResult, k: int, constant: bool) -> GainResult:
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
    return dataclasses.replace(result, paired=pg)


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
        mc = dataclasses.replace(
            mc,
            n_yes_yes=None if mask[0, 0] else mc.n_yes_yes,
            n_yes_to_no=None if mask[0, 1] else mc.n_yes_to_no,
            n_no_to_yes=None if mask[1, 0] else mc.n_no_to_yes,
            n_no_no=None if mask[1, 1] else mc.n_no_no,
            n_improved=None,
            n_worse=None,
            statistic=None,  # min(b, c) for the exact test: a cell count
        )
    return dataclasses.replace(result, mcnemar=mc)


def _attrition(ctx: _Context, indicator_targets: list[Measure]) -> list[AttritionResult]:
    out = []
    for measure in indicator_targets:
        for b_idx, a_idx in ctx.pairs():
            base = _by_beneficiary(ctx, measure.score, b_idx)
            has_base = np.isfinite(base)
            if not has_base.any():
                continue
            seen_after = np.zeros(ctx.n_bene, dtype=bool)
            seen_after[ctx.bene[(ctx.wave_idx == a_idx) & (ctx.bene >= 0)]] = True
            kept = base[has_base & seen_after]
            lost = base[has_base & ~seen_after]
            waves = (ctx.waves[b_idx], ctx.waves[a_idx])
            out.append(_attrition_result(measure.name, *waves, kept, lost, ctx.k))
    return out


def _attrition_result(
    name: str, before: str, after: str, kept: np.ndarray, lost: np.ndarray, k: int
) -> AttritionResult:
    n_base = kept.size + lost.size
    method = "mann_whitney_u_asymptotic_continuity"
    if n_base < k:
        return AttritionResult(
            name, before, after, None, None, None, None, None, None, None, None, method, True
        )
    table = pd.DataFrame([[kept.size, lost.size]], columns=["kept", "lost"])
    mask = suppress(table, k).mask.iloc[0]
    u = p = None
    if kept.size and lost.size and not nearly_constant(np.concatenate([kept, lost])):
        res = stats.mannwhitneyu(
            kept, lost, alternative="two-sided", method="asymptotic", use_continuity=True
        )
        u, p = float(res.statistic), float(res.pvalue)
    small_lost = lost.size < k
    return AttritionResult(
        target=name,
        from_wave=before,
        to_wave=after,
        n_baseline=int(n_base),
        n_followed=None if mask["kept"] else int(kept.size),
        n_lost=None if mask["lost"] else int(lost.size),
        share_lost=None if mask["lost"] else lost.size / n_base,
        mean_baseline_followed=float(kept.mean()) if kept.size >= k else None,
        mean_baseline_lost=None if small_lost else float(lost.mean()),
        mann_whitney_u=None if small_lost or mask["kept"] else u,
        p_value=p,
        method=method,
        suppressed=False,
    )


def _breakdowns(ctx: _Context, measure: Measure, seed: int) -> list[Breakdown]:
    """By site, mode and language (latest response of each person) and by wave."""
    k, level = ctx.k, ctx.level
    latest = dataclasses.replace(measure, present=measure.present & ctx.latest_of_person)
    people = measure_frame(ctx.responses, latest, ["site", "mode", "language"])
    everyone = measure_frame(ctx.responses, measure, ["wave"])
    out = []
    for by in _BREAKDOWN_BY:
        if by != "wave":
            out.append(breakdown(people, by, target=measure.name, k=k, level=level, seed=seed))
            continue
        result = breakdown(everyone, by, target=measure.name, k=k, level=level, seed=seed)
        coded = ctx.bene[measure.present]
        coded = coded[coded >= 0]
        if coded.size and np.unique(coded).size < coded.size:
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
    level = f"{100 * options.level:g} %"
    return (
        MethodNote(
            "disclosure",
            f"k = {options.k}: groups, periods and cells with fewer than k respondents are "
            "suppressed; a share is suppressed when its positive or non-positive count is below k "
            "(0 % and 100 % included); secondary suppression hides the next smallest group or "
            "cell so that no suppressed value can be recovered from a total; a mean is "
            "suppressed when all scores are equal. Tests across groups use all data (a p-value "
            "reveals no cell). Free-text answers are never analysed.",
            "Hundepool et al. (2012), Statistical Disclosure Control, ch. 5",
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
            "All gain tests of the analysis (every target × wave pair) form one family, "
            "suppressed ones included; p-values are adjusted with Holm's method (statsmodels "
            "multipletests); raw and adjusted p are both reported.",
            "Holm (1979) Scand J Stat 6:65–70",
        ),
        MethodNote(
            "attrition",
            "Baseline respondents without a response in the later wave; their baseline scores "
            "are compared with those who stayed by the Mann–Whitney U test (normal "
            "approximation with continuity correction), reported as a caveat.",
            "Mann & Whitney (1947) Ann Math Stat 18:50–60",
        ),
        MethodNote(
            "scales",
            "Cronbach's alpha per wave on respondents answering every item, with the Feldt "
            "F-based interval.",
            "Cronbach (1951); Feldt, Woodruff & Salih (1987) Appl Psychol Meas 11:93–103",
        ),
        MethodNote(
            "trends",
            f"Period = {options.period}: with 'auto', months unless the median monthly number "
            f"of respondents is below {MIN_MONTHLY_MEDIAN}, then quarters. p-chart: centre = "
            "pooled share, limits ± 3 sqrt(p(1−p)/n_i) clipped to [0, 1].",
            "Montgomery (2019) Introduction to Statistical Quality Control §7.2",
        ),
        MethodNote(
            "breakdowns",
            "By site, mode and language on the latest response of each person (independent "
            "groups); by wave descriptive only when waves share respondents. Test: chi-square "
            "when all expected counts ≥ 5 (Yates on 2×2), else Fisher exact (2×2) or "
            f"Fisher–Freeman–Halton with a Monte-Carlo p from {MONTE_CARLO_TABLES} tables, seed "
            f"{options.seed}. Assisted vs self-completed answers are compared (possible bias).",
            "Agresti (2013) Categorical Data Analysis §3.2, §3.5; Patefield (1981) AS 159",
        ),
        MethodNote(
            "filters",
            f"date_from = {options.date_from}, date_to = {options.date_to}, sites = "
            f"{list(options.sites) if options.sites is not None else 'all'}, level = {level}.",
            "",
        ),
    )
