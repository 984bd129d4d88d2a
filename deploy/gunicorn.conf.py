"""Gunicorn settings for Écoute in production (``gunicorn -c deploy/gunicorn.conf.py``).

Why these values:

* ``gthread`` workers: a survey page spends most of its time waiting for the
  database, so a few threads per process keep the CPU busy without the memory
  of many processes. Several processes keep the service up when one crashes
  (the master restarts it; the request it was serving is retried by the
  respondent's browser with the same idempotency key).
* Every value can be overridden from the environment (the systemd unit's
  ``EnvironmentFile``) without editing this file.
* Slow clients: gunicorn is never exposed directly. nginx buffers the whole
  request and the whole response (``proxy_request_buffering`` /
  ``proxy_buffering`` on), so a respondent on a bad 2G connection holds an
  nginx connection, not a gunicorn thread. ``timeout`` kills a worker stuck
  longer than that on one request; ``graceful_timeout`` lets in-flight requests
  finish on reload.
* ``ECOUTE_PROXY_HOPS`` (default 1): how many reverse proxies to trust for
  ``X-Forwarded-For`` / ``X-Forwarded-Proto``. Rate limits are per client
  address and secure cookies need the original scheme, so behind nginx the app
  must see the real client, and only what the trusted proxy wrote. Set it to 0
  if gunicorn is ever reachable without the proxy (then the headers are
  ignored).
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Loopback by default: only nginx talks to gunicorn.
bind = os.environ.get("ECOUTE_BIND", "127.0.0.1:8000")
wsgi_app = os.environ.get("ECOUTE_WSGI_APP", "wsgi:app")

# 2 × cores + 1 processes, capped: each holds its own database pool
# (SQLAlchemy default: 5 + 10 overflow), and PostgreSQL allows 100 connections.
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9))
worker_class = "gthread"
threads = _int("ECOUTE_THREADS", 4)

timeout = _int("ECOUTE_TIMEOUT", 30)
graceful_timeout = _int("ECOUTE_GRACEFUL_TIMEOUT", 30)
keepalive = _int("ECOUTE_KEEPALIVE", 5)

# Recycle workers now and then (slow leaks never accumulate); the jitter keeps
# them from all restarting at the same moment.
max_requests = _int("ECOUTE_MAX_REQUESTS", 5000)
max_requests_jitter = _int("ECOUTE_MAX_REQUESTS_JITTER", 500)

# Request-size limits at the HTTP layer; bodies are limited by nginx
# (client_max_body_size) and by the app (MAX_CONTENT_LENGTH → 413).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Create the app in each worker, not in the master: every worker then opens its
# own database connections (a pool inherited through fork() would be shared).
preload_app = False

# gunicorn trusts X-Forwarded-Proto only from these addresses (nginx).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The app logs one JSON line per request with secrets redacted; gunicorn's own
# access log would record survey tokens (/s/<token>) in clear, so it stays off.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("ECOUTE_GUNICORN_LOGLEVEL", "info")
proc_name = "ecoute"

PROXY_HOPS = _int("ECOUTE_PROXY_HOPS", 1)


def post_worker_init(worker: Any) -> None:
    """Trust ``PROXY_HOPS`` proxies for the client address and scheme."""
    if PROXY_HOPS <= 0:
        return
    from werkzeug.middleware.proxy_fix import ProxyFix

    worker.wsgi = ProxyFix(worker.wsgi, x_for=PROXY_HOPS, x_proto=PROXY_HOPS)
