"""The REST API (``/api/v1``), documented by an OpenAPI 3.1 description built from the code.

flask-smorest builds the description from the marshmallow schemas and the
view docstrings. Its own documentation blueprint and its app-wide error
handlers are left out: the description and a plain HTML reference are served
by :mod:`survey_app.api.reference` (no CDN, works under the strict CSP), and
errors are problem details only inside the API blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api

from survey_app import __version__


class EcouteApi(Api):
    DEFAULT_ERROR_RESPONSE_NAME = None  # errors are documented per operation, as problems

    def _register_doc_blueprint(self) -> None:  # served by survey_app.api.reference
        return None

    def _register_error_handlers(self) -> None:  # only inside the API blueprint
        return None


def init_api(app: Flask) -> EcouteApi:
    from survey_app.api import cli, reference, views
    from survey_app.extensions import csrf

    app.config.setdefault("API_TITLE", "Écoute API")
    app.config.setdefault("API_VERSION", __version__)
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "servers": [{"url": "/"}],
            "components": {
                "securitySchemes": {
                    "apiKey": {"type": "http", "scheme": "bearer", "description": "An API key"}
                }
            },
            "security": [{"apiKey": []}],
        },
    )
    api = EcouteApi(app)
    csrf.exempt(views.blueprint)  # key in a header, no cookie: nothing to forge
    api.register_blueprint(views.blueprint)
    reference.register(app)
    app.cli.add_command(cli.webhooks)
    app.extensions["ecoute-api"] = api
    return api


def openapi_document(app: Flask) -> dict[str, Any]:
    return app.extensions["ecoute-api"].spec.to_dict()
