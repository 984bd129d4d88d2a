"""Sign in, sign out and switching organisation."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from survey_app.auth.forms import LoginForm, LogoutForm
from survey_app.extensions import db
from survey_app.security.permissions import member_required, public
from survey_app.security.sessions import ORG_KEY, end_session, start_session
from survey_app.services import accounts, audit

blueprint = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("studies.index")


@blueprint.route("/login", methods=["GET", "POST"])
@public
def login() -> str | Response | tuple[str, int]:
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data or "", form.password.data or "")
        if user is None:
            audit.record(db.session, "login.failure", details={"reason": "bad_credentials"})
            db.session.commit()
            error = _("The e-mail address or the password is wrong.")
        else:
            start_session(user, second_factor_done=True)
            audit.record(db.session, "login.success", actor=user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    status = 200 if error is None else 401
    return render_template("auth/login.html", form=form, error=error), status


@blueprint.post("/logout")
@public
def logout() -> Response:
    form = LogoutForm()
    if not form.validate_on_submit():
        abort(400)
    if g.get("user_session") is not None:
        end_session()
        db.session.commit()
    return redirect(url_for("auth.login"))


@blueprint.get("/no-organisation")
@member_required
def no_organisation() -> str:
    return render_template("auth/no_organisation.html")


@blueprint.post("/organisation")
@member_required
def switch_org() -> Response:
    """Change the current organisation; only organisations the user belongs to."""
    form = LogoutForm()  # any CSRF-protected form will do
    if not form.validate_on_submit():
        abort(400)
    wanted = request.form.get("organisation_id", type=int)
    if wanted not in {m.organisation_id for m in g.user.memberships}:
        abort(404)
    session[ORG_KEY] = wanted
    return redirect(url_for("studies.index"))
