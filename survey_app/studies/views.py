"""Studies of the current organisation."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Study
from survey_app.security.permissions import member_required
from survey_app.security.sessions import current_organisation_id

blueprint = Blueprint("studies", __name__, url_prefix="/studies")


@blueprint.get("/")
@member_required
def index() -> str:
    studies = db.session.scalars(
        select(Study)
        .where(Study.organisation_id == current_organisation_id())
        .order_by(Study.title)
    ).all()
    return render_template("studies/index.html", studies=studies)
