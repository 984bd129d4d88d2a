"""Interval (LP) audit of published counts, and audit-driven secondary suppression.

An attacker holds every published figure of one analysis. Each published
figure is a linear relation between unknown non-negative counts: a shown
count fixes a variable, a shown total fixes a sum, a published bound
("at least 95 %" of ``n``) bounds a variable, a shown group size fixes
``positive + not positive``. For every count that is not published exactly,
the audit computes the smallest and the largest value it can take under all
those relations (two linear programmes, :func:`scipy.optimize.linprog`),
exactly as the interval audit of τ-ARGUS / sdcTable does.

Protection criterion (``k`` = minimum cell size), the same for every hidden
or bounded count, and independent of its true value:

* either the count is provably at least ``k`` (nothing small is there to
  protect) and can still take at least ``k`` values (a withheld figure is
  never given back exactly, nor to within fewer than ``k`` values),
* or the attacker can exclude *no* value from 0 to ``k − 1``: its minimum is
  0 and its maximum at least ``k − 1`` (or its own cap, e.g. the group size).

A true count below ``k`` always lies in its feasible interval, so a hidden
small count passes only through the second branch: it stays anything from
0 to ``k − 1``. The LP relaxation gives the widest interval an attacker can
prove (integer reasoning can only narrow it further within the same
relations: the criterion is checked with an integer rounding of the limits).

References
----------
Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Nordholt,
E. S., Spicer, K. & de Wolf, P.-P. (2012). Statistical Disclosure Control.
Wiley, chapter 4 (magnitude and frequency tables: sensitivity rules,
protection intervals, the audit by linear programming, secondary cell
suppression). Meindl, B. (2023). sdcTable: methods for statistical
disclosure control in tabular data, R package (``attack()``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Leak", "LinearAudit", "is_protected"]

_TOL = 1e-6


def is_protected(low: float, high: float, k: int, cap: float | None = None) -> bool:
    """The protection criterion of this module on a feasible interval ``[low, high]``.

    ``cap`` is the largest value the count could ever take (for instance the
    published size of its group); the upper requirement is ``min(k − 1, cap)``.
    """
    # integer counts: a limit of 3.999 can only mean 3 (floor), 0.2 means at least 1 (ceil)
    low_int = math.ceil(low - _TOL)
    high_int = math.floor(high + _TOL) if math.isfinite(high) else math.inf
    need = k - 1 if cap is None else min(k - 1, cap)
    if low_int >= k:  # provably at least k: nothing small to protect, but not pinned either
        return high_int - low_int >= need
    return low_int <= 0 and high_int >= need


@dataclass(frozen=True)
class Leak:
    """A hidden count whose feasible interval is narrower than its protection."""

    name: str
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.name} ∈ [{self.low:g}, {self.high:g}]"


@dataclass
class LinearAudit:
    """Unknown counts and the linear relations an attacker reads from a publication.

    Every variable is a count ≥ 0 (optionally bounded above); relations are
    ``Σ coef·var = value``, ``≤ value`` or ``≥ value``. ``protect`` names the
    variables the publisher hides (or only bounds); :meth:`leaks` lists
    those the relations pin down more tightly than :func:`is_protected`.
    """

    k: int
    names: list[str] = field(default_factory=list)
    upper: list[float | None] = field(default_factory=list)
    caps: dict[int, float] = field(default_factory=dict)
    protected: list[int] = field(default_factory=list)
    _eq: list[tuple[dict[int, float], float]] = field(default_factory=list)
    _ub: list[tuple[dict[int, float], float]] = field(default_factory=list)

    def variable(
        self, name: str, *, upper: float | None = None, protect: bool = False, cap=None
    ) -> int:
        """Add a count ``0 ≤ var ≤ upper``; ``protect`` it (with an optional ``cap``)."""
        self.names.append(name)
        self.upper.append(upper)
        index = len(self.names) - 1
        if protect:
            self.protected.append(index)
            if cap is not None:
                self.caps[index] = float(cap)
        return index

    def equal(self, terms: Mapping[int, float] | Iterable[int], value: float) -> None:
        self._eq.append((_terms(terms), float(value)))

    def at_most(self, terms: Mapping[int, float] | Iterable[int], value: float) -> None:
        self._ub.append((_terms(terms), float(value)))

    def at_least(self, terms: Mapping[int, float] | Iterable[int], value: float) -> None:
        self._ub.append(({i: -c for i, c in _terms(terms).items()}, -float(value)))

    def interval(self, index: int) -> tuple[float, float]:
        """Smallest and largest feasible value of one variable (LP relaxation)."""
        return self._solve(index, 1.0), -self._solve(index, -1.0)

    def intervals(self, indices: Iterable[int]) -> dict[int, tuple[float, float]]:
        """:meth:`interval` of several variables, all from one linear programme.

        The minimum and the maximum of every variable are independent LPs over
        the same relations; side by side (a block-diagonal LP, one block per
        variable and direction, each block only the variables and relations
        linked to that variable) their sum is optimal exactly when every block
        is, so one call to the solver gives every limit. Each call to
        :func:`scipy.optimize.linprog` costs milliseconds of set-up whatever
        its size: a report's audits made a thousand of them. When some maximum
        is unbounded the sum is too, and every variable is solved on its own
        (the same limits, one LP each).
        """
        wanted = list(dict.fromkeys(indices))
        if not wanted:
            return {}
        limits = self._solve_together(wanted)
        if limits is None:
            limits = {index: self.interval(index) for index in wanted}
        return limits

    def leaks(self) -> list[Leak]:
        """Protected variables whose feasible interval fails :func:`is_protected`."""
        limits = self.intervals(self.protected)
        out = []
        for index in self.protected:
            low, high = limits[index]
            if not is_protected(low, high, self.k, self.caps.get(index)):
                out.append(Leak(self.names[index], low, high))
        return out

    def _solve_together(self, wanted: list[int]) -> dict[int, tuple[float, float]] | None:
        """Every limit of ``wanted`` from one block-diagonal LP; None when it is unbounded.

        The constraint matrices are assembled directly in sparse (COO) form and
        the bounds as an array: the same LP, entry for entry and row for row,
        as stacking dense blocks with ``scipy.sparse.block_diag`` (whose set-up
        cost more than the solve on small tables), so HiGHS gets the same
        problem and gives the same limits.
        """
        from scipy.optimize import linprog

        components: dict[int, tuple[list[int], list, list]] = {}
        touching = self._touching()
        eq_rows, ub_rows = _Rows(), _Rows()
        upper: list[float | None] = []
        cost: list[float] = []
        targets: list[int] = []
        for index in wanted:
            variables, eq, ub = self._component(index, components, touching)
            position = {v: i for i, v in enumerate(variables)}
            eq_local, ub_local = _renumber(eq, position), _renumber(ub, position)
            for sign in (1.0, -1.0):
                offset = len(upper)
                eq_rows.add_block(eq_local, offset)
                ub_rows.add_block(ub_local, offset)
                upper.extend(self.upper[v] for v in variables)
                targets.append(offset + position[index])
                cost.append(sign)
        n = len(upper)
        c = np.zeros(n)
        c[targets] = cost
        bounds = np.zeros((n, 2))
        bounds[:, 1] = [np.inf if value is None else value for value in upper]
        a_ub, b_ub = ub_rows.matrix(n)
        a_eq, b_eq = eq_rows.matrix(n)
        res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if res.status != 0:  # unbounded (or inconsistent): one LP per limit says which
            return None
        values = res.x[targets]
        return {
            index: (float(values[2 * i]), float(values[2 * i + 1]))
            for i, index in enumerate(wanted)
        }

    def _touching(self) -> dict[int, list[int]]:
        """Relations (numbered equalities first, then inequalities) touching each variable."""
        touching: dict[int, list[int]] = {}
        for r, (terms, _value) in enumerate([*self._eq, *self._ub]):
            for i in terms:
                touching.setdefault(i, []).append(r)
        return touching

    def _component(
        self,
        index: int,
        memo: dict[int, tuple[list[int], list, list]] | None = None,
        touching: dict[int, list[int]] | None = None,
    ) -> tuple[list[int], list, list]:
        """The variables and relations linked to ``index`` (the rest cannot move it).

        ``memo`` keeps each component found, under every variable of it;
        ``touching`` (from :meth:`_touching`) saves re-indexing the relations
        for every component of one audit.
        """
        if memo is not None and index in memo:
            return memo[index]
        relations = [(t, v, True) for t, v in self._eq] + [(t, v, False) for t, v in self._ub]
        if touching is None:
            touching = self._touching()
        seen, used, stack = {index}, set(), [index]
        while stack:
            for r in touching.get(stack.pop(), ()):
                if r in used:
                    continue
                used.add(r)
                for j in relations[r][0]:
                    if j not in seen:
                        seen.add(j)
                        stack.append(j)
        chosen = [relations[r] for r in sorted(used)]
        component = (
            sorted(seen),
            [(t, v) for t, v, e in chosen if e],
            [(t, v) for t, v, e in chosen if not e],
        )
        if memo is not None:
            memo.update(dict.fromkeys(component[0], component))
        return component

    def _solve(self, index: int, sign: float) -> float:
        from scipy.optimize import linprog

        variables, eq, ub = self._component(index)
        position = {v: i for i, v in enumerate(variables)}
        n = len(variables)
        cost = np.zeros(n)
        cost[position[index]] = sign
        a_eq, b_eq = _matrix(_renumber(eq, position), n)
        a_ub, b_ub = _matrix(_renumber(ub, position), n)
        bounds = [(0.0, self.upper[v]) for v in variables]
        res = linprog(
            cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs"
        )
        if res.status == 3:  # unbounded
            return -math.inf  # only a maximum can be unbounded: it is +inf
        if res.status != 0:
            raise ValueError(f"the published relations are inconsistent ({res.message})")
        return float(res.fun)


def _renumber(rows, position):
    return [({position[i]: c for i, c in terms.items()}, value) for terms, value in rows]


def _terms(terms: Mapping[int, float] | Iterable[int]) -> dict[int, float]:
    if isinstance(terms, Mapping):
        return {int(i): float(c) for i, c in terms.items()}
    return {int(i): 1.0 for i in terms}


class _Rows:
    """Rows of a block-diagonal constraint matrix, gathered as COO triplets.

    Each block is one component's relations shifted to its columns; a block
    without relations still gets one all-zero row with value 0, as the dense
    blocks stacked by ``scipy.sparse.block_diag`` did. Zero coefficients are
    left out (a dense block turned sparse keeps only its non-zeros).
    """

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.data: list[float] = []
        self.values: list[float] = []

    def add_block(self, rows: list[tuple[dict[int, float], float]], offset: int) -> None:
        if not rows:
            self.values.append(0.0)
            return
        for terms, value in rows:
            r = len(self.values)
            for i, c in terms.items():
                if c != 0:
                    self.rows.append(r)
                    self.cols.append(offset + i)
                    self.data.append(c)
            self.values.append(value)

    def matrix(self, n: int):
        from scipy.sparse import coo_array

        shape = (len(self.values), n)
        a = coo_array((np.array(self.data, dtype=float), (self.rows, self.cols)), shape=shape)
        return a, np.array(self.values, dtype=float)


def _matrix(rows: list[tuple[dict[int, float], float]], n: int):
    if not rows:
        return None, None
    a = np.zeros((len(rows), n))
    b = np.zeros(len(rows))
    for r, (terms, value) in enumerate(rows):
        for i, c in terms.items():
            a[r, i] += c
        b[r] = value
    return a, b


# --- The whole publication of one analysis ----------------------------------------------


def audit_publication(
    published: Mapping,
    k: int | None = None,
    *,
    positive_codes: Mapping[str, Iterable[str]] | None = None,
    wave_kinds: Mapping[str, str] | None = None,
) -> tuple[list[Leak], int]:
    """Audit everything :meth:`StudyAnalysis.to_dict` publishes, as one attacker would.

    Builds one :class:`LinearAudit` from the published figures alone (no true
    value is used): per target, the shares by wave (exact, bounded, size
    only, hidden) are variables ``positive``/``not positive``; trends of a
    wave kind add their periods, tied to the waves of that kind by their
    totals and by the centre line when it is published; breakdowns by site,
    mode and language add their groups, tied to their wave; a question adds
    its answer codes (tied to its share, its answered count and its NPS
    bands); gains add improved / unchanged / worse and the McNemar cells
    with their number of pairs; attrition adds followed / lost; response
    rates add completed / not completed per wave and site, tied to their
    wave and the overall row. Cross-classifications (site × period, wave ×
    period) are not published, so their inner cells are free: tying the
    tables by their totals is then exactly what an attacker can use.

    ``positive_codes`` (question key → codes counted as positive) and
    ``wave_kinds`` (wave → kind) are what a reader knows from the
    questionnaire and the study design.

    Returns the leaks and the number of withheld counts audited.
    """
    k = int(k if k is not None else published["k"])
    audit = LinearAudit(k)
    shares: dict[tuple, tuple[int, int]] = {}

    def share(key: tuple, estimate: Mapping | None) -> tuple[int, int] | None:
        if estimate is None:
            return None
        if key not in shares:
            shares[key] = _share_variables(audit, "/".join(map(str, key)), estimate)
        else:
            _share_relations(audit, shares[key], estimate)
        return shares[key]

    for ind in published.get("indicators", ()):
        share(("indicator", ind["indicator"], ind["wave"]), ind["positive"])
    for row in _wave_rows(published):
        share(("indicator", row[0], row[1]), row[2])
    _audit_trends(audit, published, shares, share, dict(wave_kinds or {}))
    _audit_breakdowns(audit, published, shares, share)
    _audit_questions(audit, published, share, positive_codes or {})
    _audit_gains(audit, published)
    _audit_rates(audit, published, share)
    _audit_sizes(audit, published, shares)
    return audit.leaks(), len(audit.protected)


def _audit_sizes(audit, published, shares) -> None:
    """Other published sizes that bound a group's number of people.

    Questionnaires per wave bound a wave's answers from above, people per site
    (mode, language) at the profile's wave bound that group from above, and
    Cronbach's alpha's complete cases bound a wave's answers from below.
    """
    profile = published.get("profile") or {}
    for wave, count in (profile.get("questionnaires_by_wave") or {}).items():
        for key, (x, y) in shares.items():
            if key[0] == "indicator" and key[2] == wave and count is not None:
                audit.at_most([x, y], count)
    wave = profile.get("baseline_wave")
    for by in ("site", "mode", "language"):
        counts = {
            g.get("group"): g.get("count") for g in profile.get(f"by_{by}") or () if g.get("count")
        }
        for key, (x, y) in shares.items():
            if key[0] == "breakdown" and key[2] == by and counts.get(key[3]) is not None:
                breakdown_wave = next(
                    (b.get("wave") for b in published.get("breakdowns", ()) if b["by"] == by),
                    None,
                )
                if breakdown_wave == wave:
                    audit.at_most([x, y], counts[key[3]])
    for scale in published.get("scales", ()):
        xy = shares.get(("indicator", scale["indicator"], scale.get("wave")))
        if xy is not None and scale.get("n_complete") is not None:
            audit.at_least(list(xy), scale["n_complete"])


def _share_variables(audit: LinearAudit, label: str, estimate: Mapping) -> tuple[int, int]:
    exact = estimate.get("estimate") is not None and estimate.get("successes") is not None
    n = estimate.get("n")
    x = audit.variable(f"{label}:positive", protect=not exact, cap=n)
    y = audit.variable(f"{label}:not_positive", protect=not exact, cap=n)
    _share_relations(audit, (x, y), estimate)
    return x, y


def _share_relations(audit: LinearAudit, xy: tuple[int, int], estimate: Mapping) -> None:
    x, y = xy
    n = estimate.get("n")
    if estimate.get("estimate") is not None and estimate.get("successes") is not None:
        audit.equal([x], estimate["successes"])
        audit.equal([y], n - estimate["successes"])
        return
    if n is not None:
        audit.equal([x, y], n)
    bound = estimate.get("bound")
    if bound and n is not None:
        if bound["relation"] == "<=":
            audit.at_most([x], bound["value"] * n)
        else:
            audit.at_least([x], bound["value"] * n)


def _wave_rows(published: Mapping):
    for b in published.get("breakdowns", ()):
        if b["by"] == "wave":
            for row in b["rows"]:
                yield b["target"], row["group"], row["positive"]


def _audit_trends(audit, published, shares, share, kinds) -> None:
    for t in published.get("trends", ()):
        rows = [
            share(("trend", t["target"], t.get("wave_kind"), p["period"]), _point_share(p))
            for p in t["points"]
        ]
        waves = [
            shares[key]
            for key in shares
            if key[0] == "indicator"
            and key[1] == t["target"]
            and kinds.get(key[2]) == t.get("wave_kind")
        ]
        if waves and t.get("wave_kind") is not None:
            for side in (0, 1):
                audit.equal({**{r[side]: 1.0 for r in rows}, **{w[side]: -1.0 for w in waves}}, 0)
        centre = t.get("centre")
        if centre is not None:  # Σ positive = centre · Σ n
            audit.equal({**{r[0]: 1 - centre for r in rows}, **{r[1]: -centre for r in rows}}, 0)


def _point_share(point: Mapping) -> dict:
    return {
        "successes": point.get("successes"),
        "n": point.get("n"),
        "estimate": point.get("share"),
        "bound": point.get("bound"),
    }


def _audit_breakdowns(audit, published, shares, share) -> None:
    for b in published.get("breakdowns", ()):
        if b["by"] == "wave":
            continue
        rows = [
            share(("breakdown", b["target"], b["by"], r["group"]), r["positive"]) for r in b["rows"]
        ]
        wave = shares.get(("indicator", b["target"], b.get("wave")))
        if wave is not None and rows:
            for side in (0, 1):
                audit.at_most({r[side]: 1.0 for r in rows} | {wave[side]: -1.0}, 0)


def _audit_questions(audit, published, share, positive_codes) -> None:
    single = {
        ind["question_keys"][0]: ind["indicator"]
        for ind in published.get("indicators", ())
        if len(ind["question_keys"]) == 1
    }
    for q in published.get("questions", ()):
        xy = (
            share(("indicator", single[q["question_key"]], q["wave"]), q["positive"])
            if (q["question_key"] in single)
            else share(("question", q["question_key"], q["wave"]), q["positive"])
        )
        cells = []
        for c in q["distribution"]:
            cell = audit.variable(
                f"{q['question_key']}/{q['wave']}:code {c['code']}", protect=c["count"] is None
            )
            if c["count"] is not None:
                audit.equal([cell], c["count"])
            cells.append((c["code"], cell))
        if not cells or q["kind"] == "multiple_choice":
            continue
        answered = audit.variable(f"{q['question_key']}/{q['wave']}:answered")
        audit.equal({answered: -1.0, **{v: 1.0 for _, v in cells}}, 0)
        if q.get("n_answered") is not None:
            audit.equal([answered], q["n_answered"])
        if xy is not None:
            audit.equal({answered: -1.0, xy[0]: 1.0, xy[1]: 1.0}, 0)
            codes = set(positive_codes.get(q["question_key"], ()))
            if codes:
                audit.equal({xy[0]: -1.0, **{v: 1.0 for c, v in cells if c in codes}}, 0)
        nps = q.get("nps")
        if nps and not nps.get("suppressed"):
            for name, low, high in (("detractors", 0, 6), ("passives", 7, 8), ("promoters", 9, 10)):
                band = {v: 1.0 for c, v in cells if c.isdigit() and low <= int(c) <= high}
                if band and nps.get(name) is not None:
                    audit.equal(band, nps[name])


def _audit_line(audit, label: str, values: Mapping[str, int | None], total: int | None) -> None:
    cells = []
    for name, value in values.items():
        cell = audit.variable(f"{label}:{name}", protect=value is None, cap=total)
        if value is not None:
            audit.equal([cell], value)
        cells.append(cell)
    if total is not None:
        audit.equal(cells, total)


def _audit_gains(audit, published) -> None:
    for g in published.get("gains", ()):
        label = f"gain {g['target']} {g['from_wave']}→{g['to_wave']}"
        p, m = g.get("paired"), g.get("mcnemar")
        if p:
            counts = {
                "improved": p["n_improved"],
                "unchanged": p["n_unchanged"],
                "worse": p["n_worse"],
            }
            _audit_line(audit, label, counts, p["n_pairs"])
            w = p.get("wilcoxon") or {}
            if w.get("n_zero") is not None or w.get("n_nonzero") is not None:
                _audit_line(
                    audit,
                    label + " wilcoxon",
                    {"zero": w.get("n_zero"), "nonzero": w.get("n_nonzero")},
                    p["n_pairs"],
                )
        change = g.get("change")
        if change and change.get("n"):
            parts = []
            for name in ("better", "same", "worse"):
                part = change.get(name) or {}
                known = part.get("successes")
                cell = audit.variable(f"{label} {name}", protect=known is None, cap=change["n"])
                if known is not None:
                    audit.equal([cell], known)
                bound = part.get("bound")
                if bound:
                    limit = bound["value"] * change["n"]
                    (audit.at_most if bound["relation"] == "<=" else audit.at_least)([cell], limit)
                parts.append(cell)
            audit.equal(parts, change["n"])
        if m:
            cells = {
                "yes_yes": m["n_yes_yes"],
                "yes_to_no": m["n_yes_to_no"],
                "no_to_yes": m["n_no_to_yes"],
                "no_no": m["n_no_no"],
            }
            _audit_line(audit, label, cells, m["n_pairs"])
    for a in published.get("attrition", ()) or ():
        label = f"attrition {a['target']} {a['from_wave']}→{a['to_wave']}"
        _audit_line(
            audit, label, {"followed": a["n_followed"], "lost": a["n_lost"]}, a["n_baseline"]
        )


def _audit_rates(audit, published, share) -> None:
    rows = published.get("response_rates") or ()
    variables = {}
    for r in rows:
        rate = dict(r["rate"])
        if rate.get("n") is None and r.get("invited") is not None:
            rate["n"] = r["invited"]
        variables[(r["wave"], r["site"])] = share(("rate", r["wave"], r["site"]), rate)
    overall = variables.get((None, None))
    tables = [(overall, [v for (w, s), v in variables.items() if w is not None and s is None])]
    for (wave, site), xy in variables.items():
        if wave is not None and site is None:
            children = [v for (w, s), v in variables.items() if w == wave and s is not None]
            tables.append((xy, children))
    for parent, children in tables:
        if parent is None or not children:
            continue
        for side in (0, 1):
            audit.equal({parent[side]: -1.0, **{c[side]: 1.0 for c in children}}, 0)
