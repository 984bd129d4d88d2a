"""Organisation administration: users, sites, retention, audit log."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Membership, Site
from survey_app.security.permissions import Permission, requires
from survey_app.security.sessions import current_organisation_id

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.get("/")
@requires(Permission.MANAGE_USERS)
def index() -> str:
    organisation_id = current_organisation_id()
    memberships = db.session.scalars(
        select(Membership).where(Membership.organisation_id == organisation_id)
    ).all()
    sites = db.session.scalars(
        select(Site).where(Site.organisation_id == organisation_id).order_by(Site.code)
    ).all()
    return render_template("admin/index.html", memberships=memberships, sites=sites)
