"""The analysis' fixed method parameters, in one light module.

The report's methods annex states them; it imports them from here (NumPy
only), not from the modules that use them, which load SciPy and statsmodels:
the process that lays out the PDF has no use for those (0.5 s to import).
"""

from __future__ import annotations

__all__ = [
    "EXACT_MAX_N",
    "MCNEMAR_EXACT_BELOW",
    "MIN_ITEM_SHARE",
    "MIN_MONTHLY_MEDIAN",
    "MONTE_CARLO_TABLES",
]

#: Exact Wilcoxon p only when there are fewer non-zero pairs than this (R's rule).
EXACT_MAX_N = 50
#: McNemar uses the exact binomial test when discordant pairs are fewer than this.
MCNEMAR_EXACT_BELOW = 25
#: A respondent gets a scale score when at least this share of items is answered.
MIN_ITEM_SHARE = 0.5
#: With ``period='auto'``, months are used when the median monthly n reaches this.
MIN_MONTHLY_MEDIAN = 30
#: Number of simulated tables of the Monte-Carlo Fisher test.
MONTE_CARLO_TABLES = 9_999
