"""``/api/v1/openapi.json`` and a readable reference page rendered from it on the server.

The page is plain HTML from our own templates: no script, no CDN, nothing
the strict Content-Security-Policy would block.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template

from survey_app.api.problems import Problem, problem_response
from survey_app.security.permissions import public

docs = Blueprint("api_docs", __name__, url_prefix="/api/v1")


def _spec() -> dict[str, Any]:
    return current_app.extensions["ecoute-api"].spec.to_dict()


def register(app: Any) -> None:
    app.register_blueprint(docs)


@docs.get("/openapi.json")
@public
def openapi_json() -> Any:
    return jsonify(_spec())


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The spec's operations, flattened for the template, in path order."""
    found = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            body = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema")
            )
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter.get("name"),
                            "in": parameter.get("in"),
                            "required": parameter.get("required", False),
                            "schema": json.dumps(parameter.get("schema", {})),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "body": json.dumps(body) if body else "",
                    "body_ref": str((body or {}).get("$ref", "")).rpartition("/")[2],
                    "responses": sorted(operation.get("responses", {})),
                }
            )
    return found


@docs.route("/<path:unknown>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@public
def unknown_route(unknown: str) -> Any:
    """Any other address under /api/v1: a problem, not the HTML error page."""
    return problem_response(Problem(404, "No such API address."))


@docs.get("/docs")
@public
def reference_page() -> str:
    spec = _spec()
    schemas = {
        name: json.dumps(schema, indent=2)
        for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items())
    }
    return render_template(
        "api/reference.html", spec=spec, operations=operations(spec), schemas=schemas
    )
