"""Questionnaire designer for quality managers."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Questionnaire
from survey_app.security.permissions import Permission, requires
from survey_app.security.sessions import current_organisation_id

blueprint = Blueprint("design", __name__, url_prefix="/design")


@blueprint.get("/")
@requires(Permission.MANAGE_QUESTIONNAIRES)
def index() -> str:
    questionnaires = db.session.scalars(
        select(Questionnaire)
        .where(Questionnaire.organisation_id == current_organisation_id())
        .order_by(Questionnaire.key)
    ).all()
    return render_template("design/index.html", questionnaires=questionnaires)
