"""Language selection for staff and respondents."""

from __future__ import annotations

from flask import current_app, g, has_request_context, request, session

SUPPORTED = ("fr", "en")


def select_locale() -> str:
    """Explicit choice first (``?lang=``, then the session), then the browser.

    Respondents switch language at any point of a survey; the choice is kept in
    the session so every later page follows it.
    """
    forced = getattr(g, "forced_locale", None)
    if forced in SUPPORTED:
        return forced
    if not has_request_context():
        # CLI commands and scripts translate domain messages too.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in SUPPORTED:
        session["lang"] = asked
        return asked
    chosen = session.get("lang")
    if chosen in SUPPORTED:
        return chosen
    best = request.accept_languages.best_match(SUPPORTED)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]
