"""Administration of the organisation's API keys and webhooks.

Routes are added to the admin blueprint; everything is looked up within the
current organisation, so another organisation's key or webhook answers 404.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import IntegerField, StringField, SubmitField, URLField
from wtforms.validators import DataRequired, Length, NumberRange

from survey_app.admin.forms import ActionForm, MultiCheckboxField, options
from survey_app.admin.views import _error, _organisation, blueprint
from survey_app.extensions import db
from survey_app.models.api import API_SCOPES
from survey_app.security.permissions import Permission, requires
from survey_app.security.sessions import current_organisation_id
from survey_app.services import api_keys, webhooks
from survey_app.services.errors import DomainError, NotFound

MAX_ID = 2**31 - 1


class ApiKeyForm(FlaskForm):
    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=100)])
    scopes = MultiCheckboxField(_l("Scopes"), validators=[DataRequired()])
    valid_days = IntegerField(
        _l("Valid for (days)"),
        default=365,
        validators=[DataRequired(), NumberRange(1, api_keys.MAX_VALIDITY_DAYS)],
    )
    submit = SubmitField(_l("Create the key"))


class WebhookForm(FlaskForm):
    url = URLField(_l("Address"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Add the webhook"))


def scope_labels() -> dict[str, str]:
    return {
        "beneficiaries:write": _("Create, update and list beneficiaries"),
        "invitations:write": _("Enrol beneficiaries, issue invitations, read their status"),
        "results:read": _("Read studies and their indicators"),
        "answers:read": _("Read de-identified answers"),
    }


def _key_form() -> ApiKeyForm:
    form = ApiKeyForm()
    form.scopes.choices = options([(scope, scope_labels()[scope]) for scope in API_SCOPES])
    return form


@blueprint.route("/api-keys", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def api_keys_page() -> str | tuple[str, int]:
    form = _key_form()
    issued = None
    status = 200
    if form.validate_on_submit():
        try:
            issued = api_keys.create_key(
                db.session,
                _organisation(),
                label=form.label.data or "",
                scopes=list(form.scopes.data or []),
                valid_days=int(form.valid_days.data or 0),
                actor=g.user,
            )
            db.session.commit()
        except DomainError as error:
            _error(error)
            status = 400
    elif form.is_submitted():
        status = 400
    return render_template(
        "admin/api_keys.html",
        form=form,
        issued=issued,
        keys=api_keys.list_keys(db.session, current_organisation_id()),
        action_form=ActionForm(),
    ), status


@blueprint.post("/api-keys/<int:key_id>/revoke")
@requires(Permission.MANAGE_USERS)
def revoke_api_key(key_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    if key_id > MAX_ID:
        abort(404)
    try:
        key = api_keys.revoke_key(db.session, current_organisation_id(), key_id, actor=g.user)
    except NotFound:
        abort(404)
    db.session.commit()
    flash(_("The key %(label)s is revoked.", label=key.label), "success")
    return redirect(url_for("admin.api_keys_page"))


@blueprint.route("/webhooks", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def webhooks_page() -> str | tuple[str, int]:
    form = WebhookForm()
    created = None
    status = 200
    if form.validate_on_submit():
        try:
            created = webhooks.create_endpoint(
                db.session, _organisation(), form.url.data or "", actor=g.user
            )
            db.session.commit()
        except DomainError as error:
            form.url.errors = [str(error)]
            db.session.rollback()
            status = 400
    elif form.is_submitted():
        status = 400
    return render_template(
        "admin/api_webhooks.html",
        form=form,
        created=created,
        endpoints=webhooks.list_endpoints(db.session, current_organisation_id()),
        action_form=ActionForm(),
    ), status


def _endpoint(endpoint_id: int) -> webhooks.WebhookEndpoint:
    if endpoint_id > MAX_ID:  # beyond any database integer
        abort(404)
    try:
        return webhooks.get_endpoint(db.session, current_organisation_id(), endpoint_id)
    except NotFound:
        abort(404)


@blueprint.get("/webhooks/<int:endpoint_id>")
@requires(Permission.MANAGE_USERS)
def webhook_deliveries(endpoint_id: int) -> str:
    endpoint = _endpoint(endpoint_id)
    return render_template(
        "admin/api_webhook.html",
        endpoint=endpoint,
        deliveries=webhooks.recent_deliveries(db.session, endpoint),
        action_form=ActionForm(),
    )


@blueprint.post("/webhooks/<int:endpoint_id>/toggle")
@requires(Permission.MANAGE_USERS)
def toggle_webhook(endpoint_id: int) -> Response:
    endpoint = _endpoint(endpoint_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    webhooks.set_active(db.session, endpoint, not endpoint.active, actor=g.user)
    db.session.commit()
    return redirect(url_for("admin.webhook_deliveries", endpoint_id=endpoint.id))
