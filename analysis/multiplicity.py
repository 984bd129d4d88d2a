"""Holm's adjustment of the report's confirmatory p-values, without a full collection."""

from __future__ import annotations

import gc
from collections.abc import Sequence

from statsmodels.stats.multitest import multipletests


def holm_adjusted(p_values: Sequence[float]) -> list[float]:
    """Holm-adjusted p-values, in the order given (``statsmodels`` ``multipletests``).

    For Holm's method, ``multipletests`` ends with ``gc.collect()``: a full
    collection that walks every object the process holds (pandas, SciPy, the
    answers, a web worker's caches) and frees nothing it made, since its
    arrays hold no reference cycles. That was 0.1 s of a 0.6 s report analysis.
    Objects frozen by :func:`gc.freeze` are not examined, so the collection is
    empty; :func:`gc.unfreeze` puts them back in the oldest generation, where
    the next ordinary collection finds them as before.
    """
    if not p_values:
        return []
    gc.freeze()
    try:
        adjusted = multipletests(list(p_values), method="holm")[1]
    finally:
        gc.unfreeze()
    return [float(p) for p in adjusted]
