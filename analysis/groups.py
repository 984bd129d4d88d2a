"""Differences across groups: contingency-table tests and breakdowns."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import gammaln

from analysis.disclosure import EXACT, protect_shares, shown_share
from analysis.findings import fr_typography
from analysis.intervals import difference_interval
from analysis.parameters import MONTE_CARLO_TABLES
from analysis.results import Breakdown, GroupRow, GroupTest

__all__ = [
    "DEFAULT_SEED",
    "MONTE_CARLO_TABLES",
    "breakdown",
    "compare_groups",
    "group_counts",
    "group_counts_of_codes",
]

#: Seed of the Monte-Carlo Fisher test: results are reproducible run to run.
DEFAULT_SEED = 20_240_601


def compare_groups(
    table: pd.DataFrame | np.ndarray | list,
    *,
    seed: int = DEFAULT_SEED,
    n_tables: int = MONTE_CARLO_TABLES,
) -> GroupTest:
    """Test whether the distribution of an outcome differs across groups.

    ``table`` is a contingency table of counts (rows = groups, columns =
    outcome categories); empty rows and columns are dropped first. The test
    is chosen by the expected counts under independence:

    * all expected counts ≥ 5: Pearson chi-square,
      ``scipy.stats.chi2_contingency`` (Yates' continuity correction on 2×2
      tables, as R's ``chisq.test``);
    * otherwise, 2×2: Fisher's exact test, ``scipy.stats.fisher_exact``;
    * otherwise, larger: Fisher–Freeman–Halton test with a Monte-Carlo p
      value -- ``n_tables`` tables with the observed margins drawn by
      Patefield's algorithm (``scipy.stats.random_table``, seeded), p =
      (1 + #{tables no more probable than the observed one}) / (n_tables + 1),
      as R's ``fisher.test(simulate.p.value = TRUE)``. Deterministic for a
      given seed. (scipy's own r×c ``fisher_exact`` resamples the data and is
      too slow for large n.)

    References
    ----------
    Agresti, A. (2013). Categorical Data Analysis, 3rd ed., sections 3.2 and
    3.5. Freeman, G. H. & Halton, J. H. (1951). Biometrika 38:141–149.
    Patefield, W. M. (1981). Algorithm AS 159. Applied Statistics 30:91–97.
    """
    counts = np.asarray(table, dtype=float)
    if counts.ndim != 2:
        raise ValueError("a two-way table of counts is required")
    if np.isnan(counts).any() or (counts < 0).any() or (counts != np.round(counts)).any():
        raise ValueError("counts must be non-negative integers")
    counts = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0].astype(np.int64)
    if counts.shape[0] < 2 or counts.shape[1] < 2:
        return GroupTest(
            "none", None, None, None, None, None, "fewer than two non-empty groups or outcomes"
        )
    expected = stats.contingency.expected_freq(counts)
    min_expected = float(expected.min())
    if min_expected >= 5:
        res = stats.chi2_contingency(counts, correction=True)
        note = "Pearson chi-square" + (" with Yates' correction" if counts.shape == (2, 2) else "")
        return GroupTest(
            "chi2", float(res.statistic), int(res.dof), float(res.pvalue), min_expected, None, note
        )
    if counts.shape == (2, 2):
        res = stats.fisher_exact(counts)
        return GroupTest(
            "fisher", None, None, float(res.pvalue), min_expected, None, "Fisher's exact test (2×2)"
        )
    sims = stats.random_table(counts.sum(axis=1), counts.sum(axis=0)).rvs(
        size=n_tables, method="patefield", random_state=np.random.default_rng(seed)
    )
    log_p_sims = -gammaln(sims + 1).sum(axis=(1, 2))
    log_p_obs = -gammaln(counts + 1).sum()
    tolerance = 1e-7 * max(1.0, abs(log_p_obs))  # R uses relative error 1e-7 too
    extreme = int((log_p_sims <= log_p_obs + tolerance).sum())
    p_value = (1 + extreme) / (n_tables + 1)
    return GroupTest(
        "fisher_monte_carlo",
        None,
        None,
        p_value,
        min_expected,
        seed,
        f"Fisher–Freeman–Halton, Monte-Carlo p from {n_tables} tables (Patefield), seed {seed}",
    )


def _codes(column: pd.Series) -> tuple[np.ndarray, list]:
    """Integer group codes (−1 = missing) and group values; cheap for categoricals."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(dtype=np.int64), list(column.cat.categories)
    codes, uniques = pd.factorize(column.to_numpy(), use_na_sentinel=True)
    return codes, list(uniques)


def group_counts(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Positive / negative counts per group (rows sorted by group label, as str).

    Only rows with a known ``positive`` flag count; groups without any are
    left out.
    """
    codes, uniques = _codes(frame[by])
    return group_counts_of_codes(codes, uniques, frame["positive"].to_numpy(dtype=float))


def group_counts_of_codes(codes: np.ndarray, uniques: list, flags: np.ndarray) -> pd.DataFrame:
    """:func:`group_counts` from integer group codes (−1 = missing), the group of each
    code and the ``positive`` flags: for callers that already hold the codes, so that
    no frame is built only to be counted."""
    known = np.isfinite(flags)
    codes = codes[known]
    labels = np.asarray([str(u) for u in uniques], dtype=object)
    ok = codes >= 0
    size = np.bincount(codes[ok], minlength=len(labels))
    pos = np.bincount(codes[ok], weights=flags[known][ok] > 0.5, minlength=len(labels))
    counts = pd.DataFrame(
        {"positive": pos.astype(int), "negative": (size - pos).astype(int)}, index=labels
    )
    return counts[size > 0].sort_index(kind="stable")


def breakdown(
    frame: pd.DataFrame,
    by: str,
    *,
    target: str,
    k: int,
    level: float = 0.95,
    seed: int = DEFAULT_SEED,
    margins: bool = True,
) -> Breakdown:
    """Share positive (and mean score) of ``target`` per value of ``by``.

    Parameters
    ----------
    frame : DataFrame
        One row per respondent with columns ``by``, ``positive`` (bool, NaN
        when unknown) and ``score`` (float, NaN when unknown).
    by : str
        Grouping column (``site``, ``wave``, ``mode`` or ``language``).
    target, k, level, seed
        Target name, minimum cell size, confidence level, test seed.

    Notes
    -----
    Groups are published exactly, as a bound or hidden by
    :func:`analysis.disclosure.protect_shares` (primary rule and an interval
    audit of the table with its margins). The test across groups
    (:func:`compare_groups`) uses only the groups published exactly: a
    p-value with published margins can pin a withheld cell (Hundepool et
    al. 2012, §4.2), so it must be a function of published cells only.
    For ``by='mode'`` the difference assisted − self is
    reported in ``caveat`` (Newcombe interval) because assisted
    administration can bias answers towards the positive.
    """
    counts = group_counts(frame, by)
    codes, uniques = _codes(frame[by])
    scores = frame["score"].to_numpy(dtype=float)
    ok = (codes >= 0) & np.isfinite(scores)
    sums = np.bincount(codes[ok], weights=scores[ok], minlength=len(uniques))
    ns = np.bincount(codes[ok], minlength=len(uniques))
    means = pd.Series(
        np.where(ns > 0, sums / np.maximum(ns, 1), np.nan), index=[str(u) for u in uniques]
    )
    rows: list[GroupRow] = []
    if counts.empty:
        return Breakdown(target, by, (), compare_groups(np.zeros((0, 2))), None)
    # ``margins``: the total over the groups is published (False for waves: see study.py)
    decisions = dict(zip(counts.index, protect_shares(counts, k, margins=margins), strict=True))
    hidden = pd.Series({g: d.status != EXACT for g, d in decisions.items()}, dtype=bool)
    for group, (pos, neg) in counts.iterrows():
        n = int(pos + neg)
        decision = decisions[group]
        share = shown_share(int(pos), n, decision, level)
        mean = means.get(group) if decision.status == EXACT else None  # a mean could give it back
        rows.append(
            GroupRow(
                str(group),
                n if decision.shows_n else None,
                share,
                None if mean is None or pd.isna(mean) else float(mean),
                decision.status != EXACT,
            )
        )
    # A test on withheld groups could pin their cells (Fisher's p with the margins):
    # it uses the groups published exactly, and only those.
    test = compare_groups(counts[~hidden.to_numpy()].to_numpy(), seed=seed)
    text = _EXPLORATORY
    if by == "mode":
        text = _mode_caveat(counts, hidden, level)
    text = {**text, "fr": fr_typography(text["fr"])}
    return Breakdown(
        target, by, tuple(rows), test, text["en"] if by == "mode" else None, caveat_text=text
    )


_EXPLORATORY = {
    "fr": "Comparaison exploratoire : le test entre groupes n’est pas ajusté pour les "
    "comparaisons multiples.",
    "en": "Exploratory comparison: the test between groups is not adjusted for multiple "
    "comparisons.",
}


def _signed(value: float, lang: str) -> str:
    text = f"{value:+.1f}".replace("-", "\u2212")
    return text.replace(".", ",") if lang == "fr" else text


def _mode_caveat(counts: pd.DataFrame, hidden: pd.Series, level: float) -> dict[str, str]:
    """Self-selection warning for assisted vs self, with the difference in both languages."""
    text = {
        "en": (
            "Answers given with help (assisted or read aloud) and self-completed ones come "
            "from groups that select themselves "
            "(people who need or ask for help differ from the others), and help may make "
            "answers more positive (social desirability): the difference cannot be put down to "
            "the mode alone. Exploratory comparison, not adjusted."
        ),
        "fr": (
            "Les réponses accompagnées et autonomes viennent de groupes qui se choisissent "
            "eux-mêmes (les personnes qui ont besoin d’aide ou en demandent diffèrent des "
            "autres), et l’aide peut rendre les réponses plus positives (désirabilité sociale) : "
            "l’écart ne peut pas être attribué au seul mode. Comparaison exploratoire, non ajustée."
        ),
    }
    assisted = [g for g in counts.index if g in ("assisted", "read_aloud")]
    if "self" not in counts.index or not assisted or hidden.get("self", True):
        return text
    if any(hidden.get(g, True) for g in assisted):
        return text
    pos_a = int(counts.loc[assisted, "positive"].sum())
    n_a = int(counts.loc[assisted].to_numpy().sum())
    pos_s, n_s = int(counts.loc["self", "positive"]), int(counts.loc["self"].sum())
    diff, interval = difference_interval(pos_a, n_a, pos_s, n_s, level)
    if diff is None or interval.low is None or interval.high is None:
        return text
    pct = round(100 * level)
    lo, hi = 100 * interval.low, 100 * interval.high
    return {
        "en": (
            f"{text['en']} Difference assisted − self in the share positive: "
            f"{_signed(100 * diff, 'en')} points ({pct}% CI {_signed(lo, 'en')} to "
            f"{_signed(hi, 'en')}, Newcombe)."
        ),
        "fr": (
            f"{text['fr']} Écart accompagné − autonome dans la part positive : "
            f"{_signed(100 * diff, 'fr')} points (IC {pct} % {_signed(lo, 'fr')} à "
            f"{_signed(hi, 'fr')}, Newcombe)."
        ),
    }
