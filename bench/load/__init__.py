"""Load and fault harness: throwaway databases, a gunicorn server, simulated respondents.

Used by ``bench/bench_load.py`` (``make bench``) and by ``tests/fault``. Only
:mod:`bench.load.respondent` knows the survey's pages; everything else
(servers, databases, metrics) is independent of the respondent flow.
"""
