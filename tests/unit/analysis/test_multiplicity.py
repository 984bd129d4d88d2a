"""Holm's adjustment: R's ``p.adjust(method = "holm")`` values, and the collector left as found."""

import gc

import pytest

from analysis.multiplicity import holm_adjusted


def test_holm_matches_r_p_adjust_in_the_order_given():
    # p.adjust(c(0.01, 0.04, 0.03, 0.005), method = "holm") in R 4.x
    assert holm_adjusted([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_caps_at_one_and_accepts_nothing():
    assert holm_adjusted([0.4, 0.6]) == pytest.approx([0.8, 0.8])
    assert holm_adjusted([]) == []


def test_no_object_stays_frozen():
    """A web worker's objects must stay collectable after a report's analysis."""
    before = gc.get_freeze_count()
    holm_adjusted([0.01, 0.2, 0.03])
    assert gc.get_freeze_count() == before
