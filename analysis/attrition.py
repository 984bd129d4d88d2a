"""Loss to follow-up among the people who were due, and their baseline levels.

A person answering the baseline can only be *lost* at a later wave once that
wave was due: counting people whose follow-up falls after the end of the
period inflates loss (and shows "100 % lost" under a short period filter).
:func:`due_people` decides who was due, from the invitations when they carry
the beneficiary's code (a follow-up invitation is created when it falls due),
otherwise from the median observed delay between the two waves.
:func:`attrition_result` then compares the baseline *levels* of those
followed and those lost: it describes who stayed, not how those lost would
have changed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.disclosure import suppress
from analysis.findings import fr_typography
from analysis.paired import nearly_constant
from analysis.results import AttritionResult, Interval

__all__ = ["attrition_result", "due_people", "welch_difference"]

_METHOD = "mann_whitney_u_asymptotic_continuity"


def due_people(
    *,
    codes: pd.Index,
    has_base: np.ndarray,
    answered_later: np.ndarray,
    base_day: np.ndarray,
    later_day: np.ndarray,
    invitations: pd.DataFrame | None,
    later_wave: str,
    period_end: pd.Timestamp | None,
) -> tuple[np.ndarray, np.ndarray, dict[str, str]]:
    """Who was due at ``later_wave`` by the end of the period, and who may still answer.

    Parameters
    ----------
    codes : Index
        Beneficiary codes; arrays below are aligned with it.
    has_base, answered_later : bool arrays
        A baseline measure; any response in the later wave.
    base_day, later_day : datetime64[D] arrays
        Baseline and later completion days (NaT when none).
    invitations : DataFrame, optional
        Validated invitations (``beneficiary_code`` column may be all None).
    later_wave : str
    period_end : Timestamp, optional
        Last day of the analysed period (``date_to``); None: no limit.

    Returns
    -------
    due, pending : bool arrays
        ``pending``: due, no answer yet, invitation still open (neither
        completed nor expired) -- counted neither as followed nor as lost.
    rule : dict
        The rule applied, in French and English.
    """
    n = len(codes)
    pending = np.zeros(n, dtype=bool)
    if invitations is not None and invitations["beneficiary_code"].notna().any():
        inv = invitations[
            (invitations["wave"] == later_wave) & invitations["beneficiary_code"].notna()
        ]
        if period_end is not None:
            inv = inv[inv["created_at"].dt.normalize() <= period_end]
        position = codes.get_indexer(inv["beneficiary_code"].astype(object))
        found = position >= 0
        due = np.zeros(n, dtype=bool)
        due[position[found]] = True
        is_open = inv["completed_at"].isna() & ~inv["expired"].astype(bool)
        if period_end is not None:  # answered after the period: still open at its end
            is_open |= inv["completed_at"].dt.normalize() > period_end
        is_open = is_open.to_numpy()
        still_open = np.zeros(n, dtype=bool)
        still_open[position[found & is_open]] = True
        pending = due & still_open & ~answered_later
        rule = {
            "fr": "dû = une invitation à ce temps de mesure a été créée avant la fin de la période "
            "(elle l’est à la date prévue) ; les personnes dont l’invitation est encore "
            "ouverte ne sont comptées ni suivies ni perdues",
            "en": "due = an invitation to this wave was created by the end of the period "
            "(it is created on the planned day); people whose invitation is still open are "
            "counted neither as followed nor as lost",
        }
        return due | answered_later, pending, rule
    both = has_base & answered_later
    gaps = (later_day[both] - base_day[both]).astype("timedelta64[D]").astype(float)
    if gaps.size == 0:
        rule = {
            "fr": "date prévue inconnue : toutes les personnes interrogées à l’entrée "
            "sont comptées",
            "en": "due dates unknown: every baseline respondent is counted",
        }
        return np.ones(n, dtype=bool), pending, rule
    gap = float(np.median(gaps))
    end = period_end if period_end is not None else pd.Timestamp(np.nanmax(later_day[both]))
    expected = base_day + np.timedelta64(round(gap), "D")
    due = (~np.isnat(expected) & (expected <= end.to_datetime64())) | answered_later
    rule = {
        "fr": f"dû = entrée + {round(gap)} jours (délai médian observé) au plus tard le "
        f"{end.date().isoformat()}",
        "en": f"due = baseline + {round(gap)} days (median observed delay) on or before "
        f"{end.date().isoformat()}",
    }
    return due, pending, rule


def welch_difference(
    a: np.ndarray, b: np.ndarray, level: float = 0.95
) -> tuple[float | None, Interval | None]:
    """``mean(a) − mean(b)`` with the Welch (unequal variances) t interval.

    Computed directly (Welch–Satterthwaite degrees of freedom) so that groups
    of identical scores give a clean ``None`` instead of a floating-point
    warning; equals R's ``t.test(a, b)$conf.int``.

    References
    ----------
    Welch, B. L. (1947). Biometrika 34:28–35.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size < 2 or b.size < 2:
        return None, None
    diff = float(a.mean() - b.mean())
    va, vb = float(a.var(ddof=1)) / a.size, float(b.var(ddof=1)) / b.size
    if nearly_constant(a) and nearly_constant(b):
        return diff, None
    se = np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = float(stats.t.ppf(0.5 + level / 2, df)) * float(se)
    return diff, Interval(diff - half, diff + half, level, "welch_t")


def attrition_result(
    name: str,
    before: str,
    after: str,
    kept: np.ndarray,
    lost: np.ndarray,
    k: int,
    level: float,
    *,
    n_not_yet_due: int,
    n_pending: int,
    rule: dict[str, str],
) -> AttritionResult:
    """Followed vs lost among the people due, with their baseline levels.

    ``kept`` and ``lost`` are the baseline scores of the due people who did
    and did not answer the later wave. The difference of mean baseline levels
    (lost − followed) has a Welch interval (``scipy.stats.ttest_ind`` with
    ``equal_var=False``); the Mann–Whitney U test is kept for reference. Both
    describe levels at baseline, never how those lost would have changed.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when
    several different population variances are involved. Biometrika
    34:28–35. Mann, H. B. & Whitney, D. R. (1947). Ann Math Stat 18:50–60.
    """
    n_base = kept.size + lost.size
    hidden_small = lambda v: None if v is None or 0 < v < k else v  # noqa: E731
    if n_base < k:
        return AttritionResult(
            name,
            before,
            after,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            _METHOD,
            True,
            due_rule=rule,
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
    diff = interval = None
    if kept.size >= k and lost.size >= k:
        diff, interval = welch_difference(lost, kept, level)
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
        p_value=None if mask.any() else p,  # issue 11: no test beside withheld cells
        method=_METHOD,
        suppressed=False,
        n_not_yet_due=hidden_small(n_not_yet_due),
        n_pending=hidden_small(n_pending),
        due_rule={**rule, "fr": fr_typography(rule.get("fr", ""))},
        difference_baseline=diff,
        difference_interval=interval,
    )
