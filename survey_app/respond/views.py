"""The respondent's survey, reached by a single-use link ``/s/<token>``."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from survey_app.extensions import db
from survey_app.models import Invitation, utcnow
from survey_app.security.permissions import public
from survey_app.services.tokens import hash_secret, hash_short_code, normalise_short_code

blueprint = Blueprint("respond", __name__)


@blueprint.get("/s/<token>")
@public
def open_link(token: str) -> tuple[str, int]:
    if len(token) > 128:
        return render_template("respond/unavailable.html"), 404
    candidates = [hash_secret(token)]
    short = hash_short_code(token)
    if short is not None:
        candidates.append(short)
    invitation = db.session.scalar(
        select(Invitation).where(
            or_(Invitation.token_hash.in_(candidates), Invitation.short_code_hash.in_(candidates))
        )
    )
    if (
        invitation is None
        or invitation.completed_at is not None
        or invitation.expires_at < utcnow()
    ):
        return render_template("respond/unavailable.html"), 404
    return render_template("respond/welcome.html", invitation=invitation), 200


@blueprint.get("/code")
@public
def enter_code() -> Response | tuple[str, int]:
    """The printed card's short code, typed on the home page."""
    code = normalise_short_code(request.args.get("code", ""))
    if code is None:
        return render_template("respond/unavailable.html"), 404
    return redirect(url_for("respond.open_link", token=code))


@blueprint.get("/privacy")
@public
def privacy_notice() -> str:
    return render_template("respond/privacy.html")
