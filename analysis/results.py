"""Frozen, typed result objects returned by :mod:`analysis`.

Every result is an immutable dataclass (in the spirit of
``statsmodels.stats.nonparametric.RankCompareResult``) with a ``to_dict()``
method returning plain JSON-serialisable values: Python ``int``/``float``/
``str``/``bool``/``None``, lists and dicts -- never a NumPy scalar, never
``NaN`` (an undefined or suppressed number is ``None``).

Disclosure control is applied *before* a result object is built: a suppressed
figure is stored as ``None`` next to ``suppressed=True``, so a renderer
holding the object cannot leak the number by accident.

The report renderer (``reports``) imports only this module; the names below
are part of the contract of ``docs/CONTRACTS.md`` and are kept stable.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "THEMES_METHOD",
    "AnswerCount",
    "AttritionResult",
    "Breakdown",
    "ChangeCounts",
    "CountShare",
    "EffectSize",
    "Finding",
    "GainResult",
    "GroupComparison",
    "GroupRow",
    "GroupTest",
    "IndicatorResult",
    "Interval",
    "LocationEstimate",
    "McNemarResult",
    "MeasureDefinition",
    "MethodNote",
    "Multiplicity",
    "NpsResult",
    "PChart",
    "PairedGain",
    "PeriodInfo",
    "ProportionEstimate",
    "QuestionResult",
    "RespondentProfile",
    "ResponseRate",
    "ScaleResult",
    "Share",
    "ShareBound",
    "StudyAnalysis",
    "TTestResult",
    "ThemeFigures",
    "ThemeSection",
    "TrendPoint",
    "TrendResult",
    "WaveWording",
    "WilcoxonResult",
    "WordingDifference",
    "plain",
]


def plain(value: Any) -> Any:
    """Convert a value to plain JSON-serialisable Python.

    NumPy scalars become ``int``/``float``/``bool``; ``NaN`` and infinities
    become ``None``; dataclasses, mappings, tuples and lists are converted
    recursively; dates become ISO strings; frozensets become sorted lists.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted(plain(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if hasattr(value, "isoformat"):  # pandas.Timestamp
        return value.isoformat()
    raise TypeError(f"cannot convert {type(value).__name__} to a plain value")


class _Result:
    """Mixin giving every result a ``to_dict()`` with plain values."""

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a dict of plain JSON-serialisable values."""
        return plain(self)


@dataclass(frozen=True)
class Interval(_Result):
    """A confidence interval ``[low, high]`` at ``level`` computed by ``method``.

    ``low``/``high`` are ``None`` when undefined (e.g. too few observations)
    or suppressed.
    """

    low: float | None
    high: float | None
    level: float
    method: str

    @property
    def width(self) -> float | None:
        if self.low is None or self.high is None:
            return None
        return self.high - self.low


@dataclass(frozen=True)
class ShareBound(_Result):
    """A published bound on a share whose exact value is withheld.

    ``relation`` is ``">="`` or ``"<="``; ``value`` is a share 0–1 computed
    from the group size and ``k`` only (never from the hidden count), rounded
    outward (see :func:`analysis.disclosure.share_bound`).
    """

    relation: str
    value: float


@dataclass(frozen=True)
class ProportionEstimate(_Result):
    """A share ``successes / n`` with its confidence interval.

    ``estimate``, ``successes`` and the interval are ``None`` when suppressed.
    When fewer than ``k`` people are on one side of a large enough group,
    ``n`` stays published and ``bound`` says on which side the share lies
    (``estimate`` is ``None`` and ``suppressed`` is True).
    """

    successes: int | None
    n: int | None
    estimate: float | None
    interval: Interval
    suppressed: bool = False
    bound: ShareBound | None = None


@dataclass(frozen=True)
class LocationEstimate(_Result):
    """Mean and median of scores with their confidence intervals.

    ``mean_interval`` is the Student t interval; ``median_interval`` is the
    distribution-free order-statistic interval (``scipy.stats.quantile_test``).
    """

    n: int | None
    mean: float | None
    sd: float | None
    mean_interval: Interval
    median: float | None
    median_interval: Interval
    suppressed: bool = False


@dataclass(frozen=True)
class AnswerCount(_Result):
    """Number of answers with one code (``count`` is ``None`` when suppressed)."""

    code: str
    count: int | None
    share: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class NpsResult(_Result):
    """Net Promoter Score in points (−100…100) with its interval."""

    n: int | None
    promoters: int | None
    passives: int | None
    detractors: int | None
    nps: float | None
    interval: Interval
    suppressed: bool = False
    share_promoters: float | None = None
    share_passives: float | None = None
    share_detractors: float | None = None


@dataclass(frozen=True)
class QuestionResult(_Result):
    """Indicators for one question within one wave (``wave=None``: all waves)."""

    question_key: str
    kind: str
    indicator: str | None
    wave: str | None
    n_answered: int | None
    n_pna: int | None
    n_missing: int | None
    positive: ProportionEstimate | None
    location: LocationEstimate | None
    distribution: tuple[AnswerCount, ...]
    nps: NpsResult | None
    suppressed: bool = False


@dataclass(frozen=True)
class ScaleResult(_Result):
    """Internal consistency of a multi-item indicator (Cronbach's alpha)."""

    indicator: str
    items: tuple[str, ...]
    n_complete: int | None
    alpha: float | None
    interval: Interval
    wave: str | None = None
    suppressed: bool = False
    #: ``alpha >= reliability_threshold`` (None when alpha is unknown or hidden).
    reliable: bool | None = None
    reliability_threshold: float = 0.7


@dataclass(frozen=True)
class IndicatorResult(_Result):
    """Indicator-level results within one wave.

    For an indicator fed by one question these equal the question's figures;
    for several questions they are computed on the per-respondent scale score
    (see ``rule``).
    """

    indicator: str
    wave: str | None
    question_keys: tuple[str, ...]
    n_respondents: int | None
    positive: ProportionEstimate | None
    location: LocationEstimate | None
    nps: NpsResult | None
    rule: str
    suppressed: bool = False


@dataclass(frozen=True)
class EffectSize(_Result):
    """An effect size with its interval and the method that produced both."""

    name: str
    estimate: float | None
    interval: Interval


@dataclass(frozen=True)
class WilcoxonResult(_Result):
    """Wilcoxon signed-rank test.

    ``statistic`` is what ``scipy.stats.wilcoxon`` reports (two-sided:
    min(W+, W−)); ``v`` is R's ``V`` = W+, the sum of the ranks of the
    positive differences ``after − before``.
    """

    statistic: float | None
    v: float | None
    p_value: float | None
    n_nonzero: int | None  # None when withheld (small cells)
    n_zero: int | None
    has_ties: bool | None
    zero_method: str
    method: str
    correction: bool


@dataclass(frozen=True)
class TTestResult(_Result):
    """Paired t-test (``scipy.stats.ttest_rel``) on ``after − before``."""

    statistic: float | None
    df: float | None
    p_value: float | None
    mean_difference: float | None
    interval: Interval


@dataclass(frozen=True)
class PairedGain(_Result):
    """Change from ``before`` to ``after`` on the same people.

    Differences are ``after − before``; ``improved`` counts differences in
    the better direction given ``polarity`` (+1: higher is better).
    """

    n_pairs: int
    polarity: int
    mean_before: float | None
    mean_after: float | None
    mean_change: float | None
    change_interval: Interval
    n_improved: int | None
    n_unchanged: int | None
    n_worse: int | None
    share_improved: float | None
    share_unchanged: float | None
    share_worse: float | None
    wilcoxon: WilcoxonResult
    t_test: TTestResult
    rank_biserial: EffectSize
    cohen_dz: EffectSize
    suppressed: bool = False
    #: Smallest oriented change counted as improved / worse (0: any change).
    threshold: float = 0.0


@dataclass(frozen=True)
class McNemarResult(_Result):
    """McNemar test for a yes/no item measured twice on the same people.

    ``n_yes_to_no``/``n_no_to_yes`` are the discordant pairs; ``exact`` tells
    whether the exact binomial test was used.
    """

    n_pairs: int
    polarity: int
    n_yes_yes: int | None
    n_yes_to_no: int | None
    n_no_to_yes: int | None
    n_no_no: int | None
    share_before: float | None
    share_after: float | None
    difference: float | None
    difference_interval: Interval
    n_improved: int | None
    n_worse: int | None
    statistic: float | None
    p_value: float | None
    exact: bool
    correction: bool
    suppressed: bool = False


@dataclass(frozen=True)
class GainResult(_Result):
    """One member of the family of gain tests, with raw and Holm-adjusted p."""

    target: str
    target_kind: str  # "question" or "indicator"
    from_wave: str
    to_wave: str
    test: str  # "wilcoxon" or "mcnemar"
    paired: PairedGain | None
    mcnemar: McNemarResult | None
    p_value: float | None
    p_holm: float | None
    suppressed: bool = False
    #: ``confirmatory`` (indicator level, in the Holm family) or ``exploratory`` (p_holm None).
    family: str = "confirmatory"
    #: ``better``, ``worse``, ``better_unadjusted``, ``worse_unadjusted`` or ``unclear``.
    verdict: str | None = None
    change: ChangeCounts | None = None
    question_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttritionResult(_Result):
    """Baseline respondents without a later wave, and whether they differ."""

    target: str
    from_wave: str
    to_wave: str
    n_baseline: int | None
    n_followed: int | None
    n_lost: int | None
    share_lost: float | None
    mean_baseline_followed: float | None
    mean_baseline_lost: float | None
    mann_whitney_u: float | None
    p_value: float | None
    method: str
    suppressed: bool = False
    #: Baseline people whose follow-up was not yet due at the end of the period (not counted).
    n_not_yet_due: int | None = None
    #: Due, no answer yet, invitation still open (counted neither followed nor lost).
    n_pending: int | None = None
    due_rule: Mapping[str, str] = field(default_factory=dict)
    #: Mean baseline level of those lost minus those followed (Welch interval).
    difference_baseline: float | None = None
    difference_interval: Interval | None = None


@dataclass(frozen=True)
class PChart(_Result):
    """p-chart (Shewhart control chart for proportions).

    Arrays are per period, in input order; limits are clipped to [0, 1].
    """

    centre: float | None
    proportions: tuple[float | None, ...]
    lower: tuple[float | None, ...]
    upper: tuple[float | None, ...]
    out_of_control: tuple[bool, ...]


@dataclass(frozen=True)
class TrendPoint(_Result):
    """One period of a trend (``period`` is ``YYYY-MM`` or ``YYYY-Qn``)."""

    period: str
    n: int | None
    successes: int | None
    share: float | None
    interval: Interval
    lower_limit: float | None
    upper_limit: float | None
    out_of_control: bool | None
    suppressed: bool = False
    bound: ShareBound | None = None  # the share's bound when withheld (see ProportionEstimate)


@dataclass(frozen=True)
class TrendResult(_Result):
    """Share positive per period with p-chart limits."""

    target: str
    period_kind: str  # "month" or "quarter"
    period_rule: str
    centre: float | None
    points: tuple[TrendPoint, ...]
    #: Wave kind the trend is computed in (``None``: all waves pooled, legacy).
    wave_kind: str | None = None
    #: Minimal detectable difference between two periods (80 % power, two-sided 5 %).
    mdd: float | None = None
    mdd_text: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GroupTest(_Result):
    """Test of a difference across groups of a contingency table."""

    test: str  # "chi2", "fisher", "fisher_permutation" or "none"
    statistic: float | None
    df: int | None
    p_value: float | None
    min_expected: float | None
    seed: int | None
    note: str


@dataclass(frozen=True)
class GroupRow(_Result):
    """One group of a breakdown."""

    group: str
    n: int | None
    positive: ProportionEstimate
    mean: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class Breakdown(_Result):
    """A target broken down by ``by`` (site, wave, mode or language)."""

    target: str
    by: str
    rows: tuple[GroupRow, ...]
    test: GroupTest
    caveat: str | None = None
    #: Wave the breakdown is computed in (each person's latest response in it).
    wave: str | None = None
    #: Between-group tests are exploratory: not adjusted for multiplicity.
    exploratory: bool = True
    caveat_text: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ResponseRate(_Result):
    """Invitation funnel for one wave and site (``None`` = all)."""

    wave: str | None
    site: str | None
    invited: int | None
    sent: int | None
    opened: int | None
    started: int | None
    completed: int | None
    expired: int | None
    rate: ProportionEstimate
    median_minutes_to_complete: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class Finding(_Result):
    """A plain-language sentence in French and English."""

    topic: str
    fr: str
    en: str
    indicative: bool


@dataclass(frozen=True)
class MethodNote(_Result):
    """Name, settings and reference of one method used in the analysis."""

    name: str
    description: str
    reference: str
    #: Plain description by language (``fr``, ``en``).
    text: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StudyAnalysis(_Result):
    """Everything the report shows for one study (``indicators --json``)."""

    study: str | None
    k: int
    level: float
    options: Mapping[str, Any]
    n_answers: int
    n_responses: int
    n_beneficiaries: int
    n_sites: int
    waves: tuple[str, ...]
    indicators: tuple[IndicatorResult, ...]
    questions: tuple[QuestionResult, ...]
    scales: tuple[ScaleResult, ...]
    gains: tuple[GainResult, ...]
    attrition: tuple[AttritionResult, ...]
    trends: tuple[TrendResult, ...]
    breakdowns: tuple[Breakdown, ...]
    response_rates: tuple[ResponseRate, ...] | None
    findings: tuple[Finding, ...]
    methods: tuple[MethodNote, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)
    measures: tuple[MeasureDefinition, ...] = ()
    period: PeriodInfo | None = None
    profile: RespondentProfile | None = None
    multiplicity: Multiplicity | None = None
    wave_wording: tuple[WaveWording, ...] = ()
    wording_differences: tuple[WordingDifference, ...] = ()


@dataclass(frozen=True)
class ChangeCounts(_Result):
    """People better / same / worse between two waves, by a stated threshold.

    ``threshold`` is the smallest change (in the direction of ``polarity``)
    counted as better or worse, in the units of ``scale``; each share has a
    Wilson interval. ``None`` estimates are suppressed.
    """

    n: int
    threshold: float | None
    scale: Mapping[str, str]
    threshold_text: Mapping[str, str]
    better: ProportionEstimate
    same: ProportionEstimate
    worse: ProportionEstimate


@dataclass(frozen=True)
class MeasureDefinition(_Result):
    """What an indicator measures and what counts as positive / better, in words."""

    indicator: str
    label: Mapping[str, str]
    kind: str  # "scale" (several items), "question" or "nps"
    question_keys: tuple[str, ...]
    scale: Mapping[str, str]
    positive_text: Mapping[str, str]
    better_text: Mapping[str, str]
    threshold: float | None


@dataclass(frozen=True)
class PeriodInfo(_Result):
    """Dates the results cover and who is counted."""

    first_completed: str | None
    last_completed: str | None
    date_from: str | None
    date_to: str | None
    eligibility: Mapping[str, str]


@dataclass(frozen=True)
class CountShare(_Result):
    """A count and its share of a named denominator (``None`` when suppressed)."""

    group: str
    count: int | None
    share: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class RespondentProfile(_Result):
    """Who answered: people vs questionnaires, and the baseline respondents' profile."""

    n_people: int
    n_questionnaires: int
    people_by_wave: Mapping[str, int | None]
    questionnaires_by_wave: Mapping[str, int | None]
    baseline_wave: str | None
    n_baseline_people: int | None
    by_site: tuple[CountShare, ...]
    by_mode: tuple[CountShare, ...]
    by_language: tuple[CountShare, ...]
    #: Time between the start of support and the baseline answer, in bins.
    time_with_service: tuple[CountShare, ...]
    median_days_with_service: float | None
    time_with_service_source: str  # "support_start", "self_report" or "unknown"


@dataclass(frozen=True)
class Multiplicity(_Result):
    """The one multiplicity policy of the analysis."""

    method: str
    alpha: float
    family_size: int
    family: tuple[str, ...]
    text: Mapping[str, str]


@dataclass(frozen=True)
class WaveWording(_Result):
    """Question wording as the questionnaire version(s) used in one wave put it."""

    wave: str
    versions: tuple[str, ...]
    labels: Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class WordingDifference(_Result):
    """A question worded differently in two waves' questionnaire versions."""

    question_key: str
    waves: tuple[str, str]
    labels: tuple[Mapping[str, str], Mapping[str, str]]


# Open answers ("In their own words"): built by :mod:`analysis.themes`.

#: How themes are suggested (shown in the report's methods).
THEMES_METHOD = "TF-IDF + NMF (scikit-learn), random_state=0"


@dataclass(frozen=True)
class Share:
    """People raising a theme among those who answered, with disclosure applied.

    ``count``/``share``/``low``/``high`` are None when suppressed; ``bound`` then
    says what can be published ("< 5", "> 95 %"), or is None when nothing can.
    """

    count: int | None
    total: int | None
    share: float | None
    low: float | None
    high: float | None
    suppressed: bool
    bound: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "total": self.total,
            "share": self.share,
            "low": self.low,
            "high": self.high,
            "suppressed": self.suppressed,
            "bound": self.bound,
        }


@dataclass(frozen=True)
class GroupComparison:
    """Whether a theme is raised as often in two groups (exploratory)."""

    groups: tuple[str, str]
    shares: tuple[Share, Share]
    p_value: float | None
    test: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": list(self.groups),
            "shares": [s.to_dict() for s in self.shares],
            "p_value": self.p_value,
            "test": self.test,
        }


@dataclass(frozen=True)
class ThemeFigures:
    label: str
    overall: Share
    by_site: tuple[tuple[str, Share], ...]
    quotes: tuple[str, ...]
    by_mode: GroupComparison | None
    by_language: GroupComparison | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "overall": self.overall.to_dict(),
            "by_site": {site: share.to_dict() for site, share in self.by_site},
            "quotes": list(self.quotes),
            "by_mode": self.by_mode.to_dict() if self.by_mode else None,
            "by_language": self.by_language.to_dict() if self.by_language else None,
        }


@dataclass(frozen=True)
class ThemeSection:
    """Everything "In their own words" shows; ``to_dict()`` is what the CLI prints."""

    k: int
    people: int
    answers: int
    sites_shown: bool
    themes: tuple[ThemeFigures, ...]
    method: str = THEMES_METHOD
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "people": self.people,
            "answers": self.answers,
            "sites_shown": self.sites_shown,
            "method": self.method,
            "themes": [t.to_dict() for t in self.themes],
        }
