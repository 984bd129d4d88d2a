"""Error pages in French and English that reveal nothing about the request."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, SecurityError

from survey_app.extensions import db


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(SecurityError)
    def _untrusted_host(_error: SecurityError) -> tuple[str, int, dict[str, str]]:
        # A Host outside TRUSTED_HOSTS: no URL can be built, so no page template.
        return "Bad Request\n", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        titles = {
            400: _("The request could not be understood"),
            403: _("You do not have access to this page"),
            404: _("Page not found"),
            405: _("This action is not allowed here"),
            413: _("The file or form is too large"),
            429: _("Too many attempts"),
        }
        title = titles.get(code, _("Something went wrong"))
        return render_template("errors/error.html", code=code, title=title), code

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        if app.testing and not app.config.get("RENDER_500_IN_TESTS"):
            raise error
        app.logger.exception("unhandled error")
        return (
            render_template("errors/error.html", code=500, title=_("Something went wrong")),
            500,
        )
