"""Response rates and completion times from the invitations table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from analysis.disclosure import EXACT, ShareDecision, primary_share, protect_shares, shown_share
from analysis.inputs import validate_invitations
from analysis.results import ResponseRate

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
    time to complete is ``completed_at − started_at`` in minutes. The rate
    follows the share rule of :mod:`analysis.disclosure` (exact, a bound,
    or hidden; a row with fewer than ``k`` invitations is hidden), with the
    waves protected against the overall row and the sites against their
    wave. Beside a withheld rate no funnel count is shown.

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
    counts = [(len(sub), int(sub["completed_at"].notna().sum())) for _wave, _site, sub in groups]
    decisions = _protect_rates(groups, counts, k)
    return [
        _rate(wave, site, sub, k, level, decision)
        for (wave, site, sub), decision in zip(groups, decisions, strict=True)
    ]


def _protect_rates(groups, counts, k: int) -> list[ShareDecision]:
    """Rates are shares in a hierarchy: the waves are a table whose total is the overall
    row, the sites of one wave a table whose total is that wave as it was published
    (each protected with :func:`analysis.disclosure.protect_shares`)."""
    decisions = [primary_share(c, n, k) for n, c in counts]
    waves = [i for i, (wave, site, _sub) in enumerate(groups) if wave is not None and site is None]
    table = [[counts[i][1], counts[i][0] - counts[i][1]] for i in waves]
    for i, decision in zip(waves, protect_shares(table, k), strict=True):
        decisions[i] = decision
    for parent in waves:
        wave = groups[parent][0]
        sites = [i for i, (w, site, _sub) in enumerate(groups) if w == wave and site is not None]
        table = [[counts[i][1], counts[i][0] - counts[i][1]] for i in sites]
        for i, decision in zip(
            sites, protect_shares(table, k, total=decisions[parent]), strict=True
        ):
            decisions[i] = decision
    return decisions


def _rate(
    wave: str | None,
    site: str | None,
    sub: pd.DataFrame,
    k: int,
    level: float,
    decision: ShareDecision,
) -> ResponseRate:
    invited = len(sub)
    completed = int(sub["completed_at"].notna().sum())
    rate = shown_share(completed, invited, decision, level)
    if not decision.shows_n:
        return ResponseRate(wave, site, None, None, None, None, None, None, rate, None, True)
    minutes = (sub["completed_at"] - sub["started_at"]).dt.total_seconds() / 60
    minutes = minutes[minutes.notna() & (minutes >= 0)]
    median = float(minutes.median()) if len(minutes) >= k else None
    exact = decision.status == EXACT

    def count(n: int) -> int | None:
        # Beside a withheld rate, the funnel counts would pin "completed" (started ≥ completed).
        return n if exact and (n == 0 or n >= k) else None

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
        median_minutes_to_complete=median if exact else None,
    )
