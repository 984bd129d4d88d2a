"""Use cases: functions that take a session and plain values, flush, never commit.

The caller (a view or a CLI command) owns the transaction and commits once.
"""
