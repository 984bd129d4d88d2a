"""Response rates and completion times from the invitations table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from analysis.inputs import validate_invitations
from analysis.intervals import wilson_interval
from analysis.results import Interval, ProportionEstimate, ResponseRate

__all__ = ["response_rates"]


def response_rates(
    invitations: pd.DataFrame,
    *,
    k: int,
    level: float = 0.95,
    sites: Iterable[str] | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[ResponseRate]:
    """Invitation funnel per wave and site, per wave, and overall.

    ``sites`` keeps only those sites; ``date_from``/``date_to`` keep the
    invitations created on those days (the filters of
    :class:`analysis.AnalysisOptions`).

    The rate is ``completed / invited`` with a Wilson interval; the median
    time to complete is ``completed_at − started_at`` in minutes. A row with
    fewer than ``k`` invitations is suppressed; a rate is suppressed when
    fewer than ``k`` invitations were completed or fewer than ``k`` were not
    (the share rule of :mod:`analysis.disclosure`).

    Rows are ordered: overall (``wave=None, site=None``), then each wave
    (``site=None``), then each wave × site.
    """
    inv = validate_invitations(invitations)
    if sites is not None:
        inv = inv[inv["site"].isin(list(sites))]
    created = inv["created_at"].dt.normalize()
    if date_from is not None:
        inv = inv[(created >= pd.Timestamp(date_from)).to_numpy()]
        created = inv["created_at"].dt.normalize()
    if date_to is not None:
        inv = inv[(created <= pd.Timestamp(date_to)).to_numpy()]
    inv = inv.sort_values(["wave", "site", "invitation_id"], kind="stable")
    groups: list[tuple[str | None, str | None, pd.DataFrame]] = [(None, None, inv)]
    for wave, sub in inv.groupby("wave", sort=True):
        groups.append((str(wave), None, sub))
    for (wave, site), sub in inv.groupby(["wave", "site"], sort=True):
        groups.append((str(wave), str(site), sub))
    return [_rate(wave, site, sub, k, level) for wave, site, sub in groups]


def _rate(
    wave: str | None, site: str | None, sub: pd.DataFrame, k: int, level: float
) -> ResponseRate:
    invited = len(sub)
    completed = int(sub["completed_at"].notna().sum())
    empty = ProportionEstimate(None, None, None, Interval(None, None, level, "wilson"), True)
    if invited < k:
        return ResponseRate(wave, site, None, None, None, None, None, None, empty, None, True)
    if completed < k or invited - completed < k:
        rate = empty
    else:
        rate = ProportionEstimate(
            completed, invited, completed / invited, wilson_interval(completed, invited, level)
        )
    minutes = (sub["completed_at"] - sub["started_at"]).dt.total_seconds() / 60
    minutes = minutes[minutes.notna() & (minutes >= 0)]
    median = float(minutes.median()) if len(minutes) >= k else None

    def count(n: int) -> int | None:
        return n if n == 0 or n >= k else None

    return ResponseRate(
        wave=wave,
        site=site,
        invited=invited,
        sent=count(int(sub["sent_at"].notna().sum())),
        opened=count(int(sub["opened_at"].notna().sum())),
        started=count(int(sub["started_at"].notna().sum())),
        completed=count(completed),
        expired=count(int(sub["expired"].sum())),
        rate=rate,
        median_minutes_to_complete=median,
    )
