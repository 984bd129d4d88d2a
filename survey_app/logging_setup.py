"""Structured (one JSON object per line) logging that never records secrets.

Survey links carry tokens and forms carry answers; both must stay out of log
files, which are copied to places with weaker protection than the database.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request

# /s/<token>, /o/<token> and reset links: keep the route, drop the secret.
# Secrets are long (link tokens 43+ characters, printed codes 10-12); the
# survey's own pages (/s/start, /s/q/<key>, /s/review) stay readable.
_SECRET_PATH = re.compile(r"(/(?:s|c|reset|o)/)[^/?#\s]{10,}")
_SECRET_QUERY = re.compile(r"((?:token|password|code)=)[^&\s]+", re.IGNORECASE)


def redact(text: str) -> str:
    text = _SECRET_PATH.sub(r"\1[redacted]", text)
    return _SECRET_QUERY.sub(r"\1[redacted]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        if has_request_context():
            entry["method"] = request.method
            entry["path"] = redact(request.path)
            entry["request_id"] = getattr(g, "request_id", None)
        for key in ("event", "status", "duration_ms", "organisation"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config["LOG_LEVEL"])
    app.logger.propagate = False
    # Werkzeug's own access log prints raw URLs (with tokens): route it through us.
    werkzeug_logger = logging.getLogger("werkzeug")
    werkzeug_logger.handlers[:] = [handler]
    werkzeug_logger.propagate = False
