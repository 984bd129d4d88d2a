"""RFC 9457 problem details: the one error shape of the API.

``{"type", "title", "status", "detail", "errors": [{"field", "message"}]}``
served as ``application/problem+json``; ``field`` is a JSON-pointer-like
path into the request (``/items/3/site``) or a query parameter name.
"""

from __future__ import annotations

from typing import Any

from flask import Response as FlaskResponse
from flask import current_app, json
from sqlalchemy.exc import IntegrityError
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from survey_app.extensions import db

PROBLEM_TYPE = "https://ecoute.invalid/problems/"
TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    429: "Too many requests",
    500: "Internal server error",
}


class Problem(Exception):
    """Raised by API views and the key check; rendered by :func:`problem_response`."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


def problem_response(problem: Problem) -> FlaskResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + str(problem.status),
        "title": TITLES.get(problem.status, "Error"),
        "status": problem.status,
        "detail": problem.detail,
    }
    if problem.errors:
        body["errors"] = problem.errors
    response = current_app.response_class(
        json.dumps(body), status=problem.status, mimetype="application/problem+json"
    )
    response.headers.update(problem.headers)
    return response


def flatten_messages(messages: Any, path: str = "") -> list[dict[str, str]]:
    """marshmallow's nested error dict as a flat list of (field path, message)."""
    if isinstance(messages, dict):
        found: list[dict[str, str]] = []
        for key, value in messages.items():
            found += flatten_messages(value, f"{path}/{key}")
        return found
    if isinstance(messages, list | tuple):
        if all(isinstance(item, str) for item in messages):
            return [{"field": path or "/", "message": str(item)} for item in messages]
        found = []
        for item in messages:
            found += flatten_messages(item, path)
        return found
    return [{"field": path or "/", "message": str(messages)}]


class ProblemParser(FlaskParser):
    """webargs parser whose validation errors become one 400 listing every field."""

    DEFAULT_VALIDATION_STATUS = 400

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):  # type: ignore[override]
        errors: list[dict[str, str]] = []
        for location, messages in (error.normalized_messages() or {}).items():
            prefix = "" if location == "json" else f"/{location}"
            errors += flatten_messages(messages, prefix)
        raise Problem(400, "The request has invalid fields.", errors=errors)

    def _raw_load_json(self, req):  # type: ignore[override]
        # A body that is not a JSON object/array of JSON is a clear 400, not a 422.
        if not req.is_json and req.get_data(cache=True):
            raise Problem(415, "Send the body as application/json.")
        return super()._raw_load_json(req)


def register(blueprint: Any) -> None:
    @blueprint.errorhandler(Problem)
    def _problem(error: Problem) -> FlaskResponse:
        db.session.rollback()
        return problem_response(error)

    @blueprint.errorhandler(IntegrityError)
    def _race(_error: IntegrityError) -> FlaskResponse:
        # Two calls wrote the same reference or invitation at once: nothing of
        # this one was saved, and repeating it is safe (the writes are idempotent).
        db.session.rollback()
        return problem_response(
            Problem(409, "A concurrent request changed the same objects; nothing was saved, retry.")
        )

    @blueprint.errorhandler(HTTPException)
    def _http(error: HTTPException) -> FlaskResponse:
        db.session.rollback()
        status = error.code or 500
        detail = TITLES.get(status, error.name)
        if status == 413:
            detail = "The request body is too large."
        headers = {}
        if status == 405 and error.get_response().headers.get("Allow"):
            headers["Allow"] = error.get_response().headers["Allow"]
        return problem_response(Problem(status, detail, headers=headers))

    @blueprint.errorhandler(Exception)
    def _unexpected(error: Exception) -> FlaskResponse:
        db.session.rollback()
        current_app.logger.exception("API error", exc_info=error)
        return problem_response(Problem(500, "An unexpected error occurred."))
