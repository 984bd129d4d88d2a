"""Home page and the health endpoint load balancers poll."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, redirect, render_template, request, session, url_for
from sqlalchemy import text
from werkzeug.wrappers import Response

from survey_app.extensions import db
from survey_app.security.permissions import public
from survey_app.security.redirects import safe_next

blueprint = Blueprint("public", __name__)


@blueprint.get("/")
@public
def home() -> str | Response:
    if g.get("user") is not None:
        return redirect(url_for("studies.start"))
    return render_template("public/home.html")


@blueprint.get("/health")
@public
def health() -> tuple[Response, int]:
    """Liveness and readiness in one: the app answers and the database responds."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not ready"
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


@blueprint.post("/language")
@public
def switch_language() -> Response:
    """Language switch for pages without JavaScript (a small form in the header)."""
    language = request.form.get("lang")
    if language in ("fr", "en"):
        session["lang"] = language
    return redirect(safe_next(request.form.get("next"), url_for("public.home")))
