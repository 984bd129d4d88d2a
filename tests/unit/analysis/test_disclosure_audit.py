"""Issue 11: disclosure control that is proved by an interval (LP) audit.

The audit (``analysis.disclosure_audit``) computes, for every withheld count,
its smallest and largest value under every linear relation published beside
it (Hundepool et al. 2012, Statistical Disclosure Control, ch. 4; the
``attack`` of R's sdcTable). Protection: a withheld count that could be small
can be anything from 0 to k − 1; one that is provably large still takes at
least k values.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from analysis import suppress
from analysis.disclosure import (
    EXACT,
    HIDDEN,
    N_ONLY,
    primary_share,
    protect_counts,
    protect_shares,
    share_bound,
)
from analysis.disclosure_audit import LinearAudit, audit_publication, is_protected
from tests.unit.analysis.disclosure_studies import (
    adversarial_studies,
    audit,
    build_study,
    random_study,
)


def _table_audit(counts: np.ndarray, mask: np.ndarray, k: int) -> LinearAudit:
    """Cells of a table, its column totals and the totals of rows not wholly hidden."""
    audit = LinearAudit(k)
    cells = np.empty(counts.shape, dtype=int)
    for (i, j), value in np.ndenumerate(counts):
        cells[i, j] = audit.variable(f"{i},{j}", protect=bool(mask[i, j]))
        if not mask[i, j]:
            audit.equal([cells[i, j]], value)
    for j in range(counts.shape[1]):
        audit.equal(cells[:, j].tolist(), counts[:, j].sum())
    for i in range(counts.shape[0]):
        if not mask[i].all():
            audit.equal(cells[i].tolist(), counts[i].sum())
    return audit


def test_the_hidden_zero_percent_groups_of_the_issue_cannot_be_recovered():
    table = pd.DataFrame([[10, 10], [0, 8], [0, 9]])
    result = suppress(table, 5, whole_rows=True)
    mask = result.mask.to_numpy()
    assert mask[1:].all()  # the two 0 % groups
    assert not _table_audit(table.to_numpy(), mask, 5).leaks()
    # the old rule hid only those two rows: the audit proves both zeros recoverable
    old = np.array([[False, False], [True, True], [True, True]])
    leaks = {leak.name for leak in _table_audit(table.to_numpy(), old, 5).leaks()}
    assert {"1,0", "2,0"} <= leaks


def test_the_same_table_publishes_more_with_bounds_and_stays_protected():
    decisions = protect_shares([[10, 10], [0, 8], [0, 9]], 5)
    assert [d.status for d in decisions].count(EXACT) <= 1
    assert decisions[1].status in (N_ONLY, HIDDEN)  # 8 people: one side is always small
    audit = LinearAudit(5)
    _publish(audit, [[10, 10], [0, 8], [0, 9]], decisions)
    assert not audit.leaks()


def _publish(audit: LinearAudit, table, decisions) -> None:
    """Rows as decided, and their total as its own share rule publishes it."""
    from analysis.disclosure import _add_share

    rows = [
        _add_share(audit, str(i), x, x + y, d)
        for i, ((x, y), d) in enumerate(zip(table, decisions, strict=True))
    ]
    x, n = sum(x for x, _ in table), sum(x + y for x, y in table)
    total = _add_share(audit, "total", x, n, primary_share(x, n, audit.k))
    for side in (0, 1):
        audit.equal({total[side]: -1.0, **{row[side]: 1.0 for row in rows}}, 0)


def test_bound_depends_on_n_and_k_only_and_rounds_outward():
    bound = share_bound(133, 5, ">=")
    assert (bound.relation, bound.value) == (">=", 0.95)  # 129/133 = 97.0 % → "at least 95 %"
    assert share_bound(133, 5, "<=").value == 0.05  # 4/133 = 3.0 % → "at most 5 %"
    for x in range(129, 134):  # every hidden count gives the same publication
        assert primary_share(x, 133, 5).bound == bound
    for x in range(5):
        assert primary_share(x, 133, 5).bound == share_bound(133, 5, "<=")
    for n in range(9, 400):
        for k in (3, 5, 10):
            if n < 2 * k - 1:
                continue
            low, high = share_bound(n, k, ">="), share_bound(n, k, "<=")
            assert low.value <= (n - k + 1) / n  # true for every x ≥ n − k + 1
            assert high.value >= (k - 1) / n
            assert abs(low.value * 20 - round(low.value * 20)) < 1e-9  # multiple of 5 %


def test_primary_rule_publishes_every_group_of_at_least_2k_minus_1():
    k = 5
    assert primary_share(2, 4, k).status == HIDDEN
    assert primary_share(4, 8, k).status == N_ONLY  # k ≤ n ≤ 2k − 2: one side always small
    assert primary_share(0, 9, k).status == "bound"
    assert primary_share(9, 9, k).status == "bound"
    assert primary_share(5, 10, k).status == EXACT


@settings(max_examples=80, deadline=None)
@given(
    arrays(np.int64, st.tuples(st.integers(2, 6), st.just(2)), elements=st.integers(0, 40)),
    st.integers(3, 7),
)
def test_protected_tables_of_shares_pass_the_audit(table, k):
    table = table[table.sum(axis=1) > 0]
    if len(table) < 2:
        return
    decisions = protect_shares(table, k)
    audit = LinearAudit(k)
    _publish(audit, table.tolist(), decisions)
    assert not audit.leaks()
    for (x, y), d in zip(table.tolist(), decisions, strict=True):
        if d.status == EXACT:
            assert x >= k
            assert y >= k


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(0, 30), min_size=2, max_size=11),
    st.integers(3, 6),
    st.integers(0, 10),
)
def test_protected_distributions_pass_the_audit(values, k, cut):
    """Codes ≥ ``cut`` are positive; the share is published by the primary rule."""
    n = sum(values)
    if n == 0:
        return
    cut = max(1, min(cut, len(values) - 1))  # at least one positive and one other code
    pos = list(range(cut, len(values)))
    neg = list(range(cut))
    x = sum(values[j] for j in pos)
    decision = primary_share(x, n, k)
    relations = [("==", list(range(len(values))), n)]
    sums = []
    if decision.status == EXACT:
        relations.append(("==", pos, x))
    elif decision.bound is not None:
        relations.append((decision.bound.relation, pos, decision.bound.value * n))
        sums.append(pos if decision.bound.relation == "<=" else neg)
    else:
        sums += [pos, neg]
    if decision.status == HIDDEN:
        return  # fewer than k answers: the question is withheld whole, total included
    mask = protect_counts(values, k, relations, protect_sums=sums)
    shown = np.asarray(values)[~mask]
    assert ((shown == 0) | (shown >= k)).all()
    audit = LinearAudit(k)
    cells = [audit.variable(str(j), protect=bool(m)) for j, m in enumerate(mask)]
    for j in np.flatnonzero(~mask):
        audit.equal([cells[j]], values[j])
    for op, members, value in relations:
        terms = [cells[j] for j in members]
        {"==": audit.equal, "<=": audit.at_most, ">=": audit.at_least}[op](terms, value)
    for members in sums:
        total = audit.variable("sum", protect=True)
        audit.equal({total: -1.0, **{cells[j]: 1.0 for j in members}}, 0)
    assert not audit.leaks()


def test_protection_criterion():
    assert is_protected(0, 4, 5)
    assert not is_protected(0, 3.99, 5)  # only 0..3: a count of 4 is excluded
    assert not is_protected(0.5, 10, 5)  # at least 1: "nobody" is excluded
    assert is_protected(30, 34, 5)  # provably large, five values possible
    assert not is_protected(30, 31, 5)  # given back to within two values
    assert is_protected(0, 3, 5, cap=3)


CASES = adversarial_studies()


@pytest.mark.parametrize("k", [3, 5, 8])
@pytest.mark.parametrize("name", sorted(CASES))
def test_adversarial_studies_leak_nothing(name, k):
    leaks, audited = audit(CASES[name], k)
    assert audited > 0
    assert leaks == []


def test_the_headline_with_few_non_positive_is_a_bound_not_masked():
    answers, questions, _ = CASES["fewer than k non-positive among 130 at follow-up"]
    from analysis import analyse_study

    result = analyse_study(answers, questions).to_dict()
    row = next(
        i
        for i in result["indicators"]
        if i["indicator"] == "listening" and i["wave"] == "followup1"
    )
    assert row["positive"]["estimate"] is None
    assert row["positive"]["n"] == 130
    assert row["positive"]["bound"] == {"relation": ">=", "value": 0.95}  # 127/130 → ≥ 95 %
    assert row["location"]["mean"] is None  # a mean beside a bound could narrow it


def test_small_cells_withhold_tests_and_effect_sizes():
    from analysis import analyse_study

    answers, questions, _ = CASES["tiny pairs"]
    result = analyse_study(answers, questions).to_dict()
    for gain in result["gains"]:
        paired = gain["paired"]
        if paired and None in (paired["n_improved"], paired["n_unchanged"], paired["n_worse"]):
            assert gain["p_value"] is None
            assert paired["wilcoxon"]["statistic"] is None
            assert paired["wilcoxon"]["n_zero"] is None
            assert paired["rank_biserial"]["estimate"] is None
            assert paired["mean_change"] is None
    answers, questions, _ = CASES["small McNemar margins"]
    result = analyse_study(answers, questions).to_dict()
    (gain,) = [g for g in result["gains"] if g["mcnemar"]]
    mc = gain["mcnemar"]
    assert mc["n_yes_to_no"] is None  # 0 and 2 discordant pairs
    for key in ("share_before", "share_after", "difference", "p_value", "statistic"):
        assert mc[key] is None, key
    assert gain["p_value"] is None


def test_the_audit_finds_what_an_older_publication_gave_away():
    """The audit can fail: publish the answer codes beside a bound and it says so."""
    answers, questions, _ = CASES["fewer than k non-positive among 130 at follow-up"]
    from analysis import analyse_study

    result = analyse_study(answers, questions)
    published = result.to_dict()
    kinds = dict(zip(answers["wave"], answers["wave_kind"], strict=True))
    codes = {q.key: q.effective_positive_codes() for q in questions}
    assert audit_publication(published, positive_codes=codes, wave_kinds=kinds)[0] == []
    leaky = copy.deepcopy(published)
    question = next(
        q for q in leaky["questions"] if q["question_key"] == "heard" and q["wave"] == "followup1"
    )
    sel = (answers["question_key"] == "heard") & (answers["wave"] == "followup1")
    truth = answers[sel]["value"].value_counts()
    for cell in question["distribution"]:
        cell["count"] = int(truth.get(cell["code"], 0))
    leaks, _ = audit_publication(leaky, positive_codes=codes, wave_kinds=kinds)
    assert any("listening/followup1:not_positive" in leak.name for leak in leaks)


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_people=st.integers(5, 70),
    n_sites=st.integers(1, 4),
    share=st.sampled_from([0.0, 0.5, 0.8, 0.95, 1.0]),
    follow=st.sampled_from([0.1, 0.6, 1.0]),
    k=st.integers(3, 6),
)
def test_random_studies_leak_nothing(seed, n_people, n_sites, share, follow, k):
    leaks, _ = audit(random_study(seed, n_people, n_sites, share, follow), k)
    assert leaks == []


def test_build_study_is_a_valid_answer_table():
    answers, _, _ = build_study([{"site": "A", "waves": {"baseline": {"heard": "4"}}}])
    assert list(answers["value"]) == ["4"]


@settings(max_examples=25, deadline=None)
@given(
    arrays(np.int64, st.tuples(st.integers(2, 4), st.integers(2, 4)), elements=st.integers(0, 12)),
    st.integers(2, 6),
    st.data(),
)
def test_all_limits_at_once_are_the_limits_one_at_a_time(counts, k, data):
    """``intervals`` (one block LP) gives what ``interval`` (two LPs a variable) gives."""
    mask = data.draw(arrays(bool, counts.shape))
    audit = _table_audit(counts, mask, k)
    hidden = list(audit.protected)
    together = audit.intervals(hidden)
    for index in hidden:
        assert together[index] == pytest.approx(audit.interval(index), abs=1e-7)
    # a count tied to nothing has no maximum: the block LP is unbounded, each is solved alone
    free = audit.variable("untied", protect=True)
    limits = audit.intervals([*hidden, free])
    assert limits[free] == (0.0, np.inf)
    for index in hidden:
        assert limits[index] == pytest.approx(together[index], abs=1e-7)


def test_a_relation_with_a_zero_coefficient_is_the_relation_without_that_term():
    """A p-chart centre of 0 % gives 1·positive − 0·not positive = 0: no term for the zero."""
    with_zero, without = LinearAudit(5), LinearAudit(5)
    for table, terms in ((with_zero, {0: 1.0, 1: -0.0}), (without, {0: 1.0})):
        x = table.variable("positive", protect=True, cap=9)
        y = table.variable("not positive", protect=True, cap=9)
        table.equal([x, y], 9)
        table.equal(terms, 0)
    assert with_zero.intervals([0, 1]) == without.intervals([0, 1]) == {0: (0, 0), 1: (9, 9)}
