"""Report builds and the report cache, shared by every app server through the database.

* :mod:`.store` — job rows (state, progress, error, who asked, parameters)
  and cached reports (bytes, fingerprint, organisation, expiry), purged with
  the data they derive from.
* :mod:`.runner` — runs one build; hands new builds to a thread (SQLite) or
  to procrastinate (PostgreSQL), as ``REPORT_WORKER`` says.
* :mod:`.queue` — procrastinate: deferring from web processes, the worker's task.

See docs/DEPLOYMENT.md, "Several app servers".
"""
