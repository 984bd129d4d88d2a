"""Écoute: continuous impact studies for social work.

:func:`create_app` is the only entry point; configuration is read from the
environment inside it (never at import) so tests and commands can build apps
with their own settings.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from flask import Flask, g, request
from flask_babel import refresh as refresh_locale

from survey_app.config import build_config
from survey_app.extensions import babel, csrf, db, migrate
from survey_app.i18n import select_locale
from survey_app.logging_setup import configure_logging

__version__ = "0.1.0"

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    app.config.from_mapping(build_config(Path(app.instance_path), overrides))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure_logging(app)
    _trust_reverse_proxy(app)

    from survey_app import translations

    translations.ensure_compiled()

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)

    _register_request_hooks(app)
    _register_blueprints(app)

    from survey_app.errors import register_error_handlers

    register_error_handlers(app)

    from survey_app.cli import register_cli

    register_cli(app)

    from survey_app.templating import register_template_helpers

    register_template_helpers(app)

    from survey_app.static_files import init_static

    init_static(app)
    return app


def _trust_reverse_proxy(app: Flask) -> None:
    """Honour X-Forwarded-* from our own nginx only (``TRUSTED_PROXIES`` hops).

    Login throttling and survey-link rate limits key on the client address;
    behind nginx every request would otherwise come from 127.0.0.1. Off by
    default, since trusting the header without a proxy lets anyone spoof it.
    """
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def _register_request_hooks(app: Flask) -> None:
    from survey_app.security.headers import apply_security_headers
    from survey_app.security.input_guard import refuse_control_characters_in_address
    from survey_app.security.permissions import enforce_access
    from survey_app.security.sessions import load_current_user, persist_session_touch

    @app.before_request
    def _start_request() -> None:
        # Tests may run requests inside one long-lived app context; make sure
        # no per-request state (locale, user) is inherited from a previous one.
        refresh_locale()
        g.request_id = secrets.token_hex(8)
        g.started = time.perf_counter()

    app.before_request(refuse_control_characters_in_address)
    app.before_request(load_current_user)
    app.before_request(enforce_access)
    app.after_request(persist_session_touch)
    app.after_request(apply_security_headers)

    @app.after_request
    def _log_request(response: Any) -> Any:
        if request.endpoint != "static":
            duration_ms = round(
                (time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1
            )
            app.logger.info(
                "request",
                extra={
                    "event": "request",
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
        return response

    @app.teardown_request
    def _rollback_on_error(error: BaseException | None) -> None:
        """One commit per request, at the end of a view; anything else is undone."""
        if error is not None:
            db.session.rollback()


def _register_blueprints(app: Flask) -> None:
    from survey_app.admin.views import blueprint as admin
    from survey_app.auth.views import blueprint as auth
    from survey_app.design.views import blueprint as design
    from survey_app.public.views import blueprint as public
    from survey_app.reports.views import blueprint as reports
    from survey_app.respond.views import blueprint as respond
    from survey_app.studies.views import blueprint as studies

    for blueprint in (public, auth, admin, design, studies, respond, reports):
        app.register_blueprint(blueprint)
    from survey_app.api import init_api

    init_api(app)
