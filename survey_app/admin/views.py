"""Organisation administration: members, sites, settings (retention, second factor,
privacy notice), the audit log and data-subject requests (access, erasure).

Every object is looked up within the current organisation, so another
organisation's member or site answers 404.
"""

from __future__ import annotations

import json
import smtplib
from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from survey_app.admin import audit_text
from survey_app.admin.forms import (
    ActionForm,
    AuditFilterForm,
    BeneficiaryCodeForm,
    ErasureForm,
    ExportForm,
    InviteForm,
    MemberRoleForm,
    MessageTextForm,
    SettingsForm,
    SiteEditForm,
    SiteForm,
    SmsGatewayForm,
    options,
    role_choices,
    role_labels,
)
from survey_app.extensions import db
from survey_app.models import (
    Answer,
    Beneficiary,
    BeneficiaryContact,
    Invitation,
    Membership,
    MembershipSite,
    Organisation,
    Role,
    Site,
    Study,
    User,
)
from survey_app.models import (
    Response as SurveyResponse,
)
from survey_app.security.permissions import Permission, has_permission, requires
from survey_app.security.sessions import current_organisation_id
from survey_app.services import accounts, audit, gdpr, passwords
from survey_app.services.errors import DomainError, NotFound
from survey_app.services.mail import mail_configured, send_mail
from survey_app.services.organisation_admin import (
    OrganisationSettings,
    create_site,
    get_site,
    set_site_active,
    update_settings,
    update_site,
)
from survey_app.services.retention_settings import update_retention
from survey_app.services.studies import wave_names

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


def _organisation() -> Organisation:
    organisation = db.session.get(Organisation, current_organisation_id())
    if organisation is None:  # deleted while signed in
        abort(404)
    return organisation


def _sites() -> list[Site]:
    return list(
        db.session.scalars(
            select(Site)
            .where(Site.organisation_id == current_organisation_id())
            .order_by(Site.code)
        ).all()
    )


def _membership(membership_id: int) -> Membership:
    try:
        return accounts.membership_in(db.session, current_organisation_id(), membership_id)
    except NotFound:
        abort(404)


def _site(site_id: int) -> Site:
    try:
        return get_site(db.session, current_organisation_id(), site_id)
    except NotFound:
        abort(404)


def _error(error: DomainError) -> None:
    """Show a refused change; the domain message is in English, so we add a French lead."""
    db.session.rollback()
    flash(_("Nothing was changed: %(reason)s", reason=str(error)), "error")


# --- members ----------------------------------------------------------------------


@blueprint.get("/")
@requires(Permission.MANAGE_USERS)
def index() -> str:
    memberships = db.session.scalars(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id == current_organisation_id())
        .order_by(User.email)
    ).all()
    site_codes: dict[int, list[str]] = {}
    for membership_id, code in db.session.execute(
        select(MembershipSite.membership_id, Site.code)
        .join(Site, Site.id == MembershipSite.site_id)
        .where(MembershipSite.membership_id.in_([m.id for m in memberships]))
        .order_by(Site.code)
    ).all():
        site_codes.setdefault(membership_id, []).append(code)
    return render_template(
        "admin/index.html",
        memberships=memberships,
        site_codes=site_codes,
        roles=role_labels(),
        action_form=ActionForm(),
    )


def _prepare_role_form(form: MemberRoleForm) -> None:
    form.role.choices = role_choices()
    form.sites.choices = options([(site.id, f"{site.name} ({site.code})") for site in _sites()])


@blueprint.route("/users/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def invite() -> str | Response | tuple[str, int]:
    form = InviteForm()
    _prepare_role_form(form)
    if form.validate_on_submit():
        organisation = _organisation()
        try:
            user, created = accounts.invite_user(
                db.session,
                organisation,
                email=form.email.data or "",
                display_name=form.display_name.data or "",
                role=Role(form.role.data),
                site_ids=list(form.sites.data or []),
            )
        except DomainError as error:
            _error(error)
            return render_template("admin/invite.html", form=form), 400
        audit.record(
            db.session,
            "user.create" if created else "membership.add",
            actor=g.user,
            organisation_id=organisation.id,
            object_type="user",
            object_id=user.id,
            details={"role": form.role.data},
        )
        link = None
        if created:
            token = passwords.create_reset_token(db.session, user)
            db.session.commit()
            link = _deliver_reset_link(user, token)
        else:
            db.session.commit()
        return render_template("admin/invited.html", user=user, created=created, link=link)
    status = 400 if form.errors else 200
    return render_template("admin/invite.html", form=form), status


def _deliver_reset_link(user: User, token: str) -> str | None:
    """E-mail the link when SMTP is configured (return None), else return it to show once."""
    from survey_app.auth.views import reset_link

    link = reset_link(token)
    if not mail_configured(current_app.config):
        return link
    body = "\n\n".join(
        [
            _("An administrator of %(org)s gave you access to Écoute.", org=_organisation().name),
            _("Open this link within one hour to choose your password:"),
            link,
        ]
    )
    try:
        send_mail(current_app.config, to=user.email, subject=_("Your Écoute account"), body=body)
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning("account e-mail failed: %s", type(error).__name__)
        return link
    return None


@blueprint.route("/users/<int:membership_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def member(membership_id: int) -> str | Response | tuple[str, int]:
    membership = _membership(membership_id)
    form = MemberRoleForm(
        data={
            "role": membership.role,
            "sites": [row.site_id for row in membership.sites],
        }
        if request.method == "GET"
        else None
    )
    _prepare_role_form(form)
    if form.validate_on_submit():
        previous = membership.role
        try:
            accounts.set_role(
                db.session,
                membership,
                Role(form.role.data),
                list(form.sites.data or []),
                acting_membership_id=g.membership.id,
            )
        except DomainError as error:
            _error(error)
            return redirect(url_for("admin.member", membership_id=membership_id))
        audit.record(
            db.session,
            "membership.role",
            actor=g.user,
            organisation_id=membership.organisation_id,
            object_type="user",
            object_id=membership.user_id,
            details={"from": previous, "to": form.role.data, "sites": len(form.sites.data or [])},
        )
        db.session.commit()
        flash(_("The role has been saved."), "success")
        return redirect(url_for("admin.index"))
    return render_template(
        "admin/member.html",
        membership=membership,
        form=form,
        action_form=ActionForm(),
        roles=role_labels(),
        shared=len(membership.user.memberships) > 1,
    ), (400 if form.errors else 200)


def _member_action(membership_id: int, change: str) -> Response:
    membership = _membership(membership_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    user = membership.user
    try:
        if change == "disable":
            accounts.set_account_active(
                db.session, membership, False, acting_membership_id=g.membership.id
            )
            message = _("The account is disabled; its sessions have ended.")
        elif change == "enable":
            accounts.set_account_active(
                db.session, membership, True, acting_membership_id=g.membership.id
            )
            message = _("The account is enabled again.")
        else:
            accounts.remove_membership(db.session, membership, acting_membership_id=g.membership.id)
            message = _("The person no longer belongs to this organisation.")
    except DomainError as error:
        _error(error)
        return redirect(url_for("admin.member", membership_id=membership_id))
    audit.record(
        db.session,
        f"user.{change}",
        actor=g.user,
        organisation_id=current_organisation_id(),
        object_type="user",
        object_id=user.id,
    )
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("admin.index"))


@blueprint.post("/users/<int:membership_id>/disable")
@requires(Permission.MANAGE_USERS)
def disable_member(membership_id: int) -> Response:
    return _member_action(membership_id, "disable")


@blueprint.post("/users/<int:membership_id>/enable")
@requires(Permission.MANAGE_USERS)
def enable_member(membership_id: int) -> Response:
    return _member_action(membership_id, "enable")


@blueprint.post("/users/<int:membership_id>/remove")
@requires(Permission.MANAGE_USERS)
def remove_member(membership_id: int) -> Response:
    return _member_action(membership_id, "remove")


@blueprint.post("/users/<int:membership_id>/reset-link")
@requires(Permission.MANAGE_USERS)
def member_reset_link(membership_id: int) -> str | Response:
    """A password-reset link for a member whose account belongs to this organisation only."""
    membership = _membership(membership_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    user = membership.user
    if len(user.memberships) > 1 or not user.active:
        flash(
            _(
                "This account also belongs to another organisation or is disabled: it cannot be "
                "reset from here."
            ),
            "error",
        )
        return redirect(url_for("admin.member", membership_id=membership_id))
    token = passwords.create_reset_token(db.session, user)
    audit.record(
        db.session,
        "password.reset_link_created",
        actor=g.user,
        organisation_id=current_organisation_id(),
        object_type="user",
        object_id=user.id,
    )
    db.session.commit()
    link = _deliver_reset_link(user, token)
    return render_template("admin/invited.html", user=user, created=False, link=link, reset=True)


# --- sites ------------------------------------------------------------------------


@blueprint.get("/sites")
@requires(Permission.MANAGE_SITES)
def sites() -> str:
    return render_template("admin/sites.html", sites=_sites(), action_form=ActionForm())


@blueprint.route("/sites/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_SITES)
def new_site() -> str | Response | tuple[str, int]:
    form = SiteForm()
    if form.validate_on_submit():
        try:
            create_site(
                db.session,
                current_organisation_id(),
                code=form.code.data or "",
                name=form.name.data or "",
                address=form.address.data or "",
                actor=g.user,
            )
        except DomainError as error:
            _error(error)
            return render_template("admin/site_form.html", form=form, site=None), 400
        db.session.commit()
        flash(_("The site has been created."), "success")
        return redirect(url_for("admin.sites"))
    return render_template("admin/site_form.html", form=form, site=None), (
        400 if form.errors else 200
    )


@blueprint.route("/sites/<int:site_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_SITES)
def edit_site(site_id: int) -> str | Response | tuple[str, int]:
    site = _site(site_id)
    form = SiteEditForm(obj=site if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            update_site(
                db.session,
                site,
                name=form.name.data or "",
                address=form.address.data or "",
                actor=g.user,
            )
        except DomainError as error:
            _error(error)
            return redirect(url_for("admin.edit_site", site_id=site_id))
        db.session.commit()
        flash(_("The site has been saved."), "success")
        return redirect(url_for("admin.sites"))
    return render_template(
        "admin/site_form.html", form=form, site=site, action_form=ActionForm()
    ), (400 if form.errors else 200)


@blueprint.post("/sites/<int:site_id>/deactivate")
@requires(Permission.MANAGE_SITES)
def deactivate_site(site_id: int) -> Response:
    return _site_activity(site_id, active=False)


@blueprint.post("/sites/<int:site_id>/activate")
@requires(Permission.MANAGE_SITES)
def activate_site(site_id: int) -> Response:
    return _site_activity(site_id, active=True)


def _site_activity(site_id: int, *, active: bool) -> Response:
    site = _site(site_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    set_site_active(db.session, site, active, actor=g.user)
    db.session.commit()
    flash(_("The site is active again.") if active else _("The site is deactivated."), "success")
    return redirect(url_for("admin.sites"))


# --- settings ---------------------------------------------------------------------


@blueprint.route("/settings", methods=["GET", "POST"])
@requires(Permission.MANAGE_RETENTION)
def settings() -> str | Response | tuple[str, int]:
    organisation = _organisation()
    form = SettingsForm(obj=organisation if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            update_settings(
                db.session,
                organisation,
                OrganisationSettings(
                    name=form.name.data or "",
                    contact_retention_days=int(form.contact_retention_days.data or 0),
                    require_totp_for_admins=bool(form.require_totp_for_admins.data),
                    privacy_controller_name=form.privacy_controller_name.data or "",
                    privacy_contact=form.privacy_contact.data or "",
                ),
                actor=g.user,
            )
            update_retention(
                db.session,
                organisation,
                text_retention_days=form.text_retention_days.data,
                token_retention_days=_or_current(
                    form.token_retention_days.data, organisation, "token_retention_days"
                ),
                min_cell_size=_or_current(form.min_cell_size.data, organisation, "min_cell_size"),
                actor=g.user,
            )
        except DomainError as error:
            db.session.rollback()
            _error(error)
            return redirect(url_for("admin.settings"))
        db.session.commit()
        flash(_("The settings have been saved."), "success")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form, organisation=organisation), (
        400 if form.errors else 200
    )


# --- invitation messages: SMS gateway and texts -------------------------------------

MESSAGE_CHOICES = [
    (channel, kind, language)
    for channel in ("email", "sms")
    for kind in ("invitation", "reminder")
    for language in ("fr", "en")
]


@blueprint.route("/messages", methods=["GET", "POST"])
@requires(Permission.MANAGE_RETENTION)
def messages() -> str | Response | tuple[str, int]:
    """The SMS gateway (write-only) and the invitation texts, per channel and language."""
    from survey_app.services import messaging

    organisation = _organisation()
    secret = current_app.config["SECRET_KEY"]
    chosen = (
        request.args.get("channel", "sms"),
        request.args.get("kind", "invitation"),
        request.args.get("language", organisation.default_language),
    )
    if chosen not in MESSAGE_CHOICES:
        chosen = ("sms", "invitation", "fr")
    channel, kind, language = chosen
    here = url_for("admin.messages", channel=channel, kind=kind, language=language)
    gateway_form = SmsGatewayForm(prefix="gw")
    subject, body, customised = messaging.get_text(
        db.session, organisation.id, channel, kind, language
    )
    text_form = MessageTextForm(
        prefix="tx", data={"subject": subject, "body": body} if request.method == "GET" else None
    )
    preview = None
    status = 200
    if gateway_form.save_gateway.data and gateway_form.validate_on_submit():
        url = "" if gateway_form.remove.data else (gateway_form.url.data or "")
        if not url and not gateway_form.remove.data:
            flash(_("Paste the address, or tick the box to remove it."), "error")
            return redirect(here)
        try:
            messaging.set_gateway(db.session, organisation, url, secret_key=secret, actor=g.user)
        except DomainError as error:
            db.session.rollback()
            _error(error)
            return redirect(here)
        db.session.commit()
        flash(_("The SMS gateway has been saved.") if url else _("SMS sending is off."), "success")
        return redirect(here)
    if (text_form.save_text.data or text_form.preview.data) and text_form.validate_on_submit():
        new_subject, new_body = text_form.subject.data or "", text_form.body.data or ""
        unknown = messaging.unknown_placeholders(new_subject + new_body)
        if text_form.preview.data:
            if unknown:
                text_form.body.errors.append(
                    _("Unknown placeholder: %(names)s.", names=", ".join(unknown))
                )
                status = 400
            else:
                values = messaging.sample_values(organisation, _public_base_url())
                shown_body = new_body.strip() or messaging.default_text(channel, kind, language)[1]
                preview = {
                    "subject": messaging.fill(new_subject, values),
                    "body": messaging.fill(shown_body, values),
                }
        else:
            try:
                messaging.save_text(
                    db.session,
                    organisation,
                    channel=channel,
                    kind=kind,
                    language=language,
                    subject=new_subject,
                    body=new_body,
                    actor=g.user,
                )
            except DomainError as error:
                db.session.rollback()
                text_form.body.errors.append(str(error))
                status = 400
            else:
                db.session.commit()
                flash(_("The text has been saved."), "success")
                return redirect(here)
    return (
        render_template(
            "admin/messages.html",
            organisation=organisation,
            gateway_form=gateway_form,
            gateway=messaging.masked(organisation, secret),
            text_form=text_form,
            chosen=chosen,
            choices=MESSAGE_CHOICES,
            customised=customised,
            placeholders=messaging.PLACEHOLDERS,
            preview=preview,
            mail_ready=mail_configured(current_app.config)
            and organisation.email_invitations_enabled,
        ),
        status,
    )


def _public_base_url() -> str:
    return current_app.config.get("PUBLIC_BASE_URL") or request.url_root


def _or_current(value: int | None, organisation: Organisation, name: str) -> int:
    """An empty number keeps the current setting."""
    return int(value) if value is not None else int(getattr(organisation, name))


# --- audit log --------------------------------------------------------------------

PER_PAGE = 50


def _audit_criteria(form: AuditFilterForm) -> audit.AuditFilter:
    return audit.AuditFilter(
        action=form.action.data or "",
        actor=(form.actor.data or "").strip(),
        since=form.since.data,
        until=form.until.data,
    )


def _audit_form(organisation_id: int) -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    form.action.choices = options(
        [("", _("All actions"))]
        + [
            (action, audit_text.describe_action(action))
            for action in audit.actions_in(db.session, organisation_id)
        ]
    )
    return form


def _study_titles(organisation_id: int) -> dict[str, str]:
    titles: dict[str, str] = {}
    for study in db.session.scalars(select(Study).where(Study.organisation_id == organisation_id)):
        titles[str(study.id)] = study.title
        titles[study.slug] = study.title
    return titles


@blueprint.get("/audit")
@requires(Permission.VIEW_AUDIT)
def audit_log() -> str | tuple[str, int]:
    organisation_id = current_organisation_id()
    form = _audit_form(organisation_id)
    if request.args and not form.validate():
        return render_template("admin/audit.html", form=form, events=[], total=0, page=1), 400
    page = form.page.data or 1
    events, total = audit.search(
        db.session, organisation_id, _audit_criteria(form), page=page, per_page=PER_PAGE
    )
    titles = _study_titles(organisation_id)
    waves = wave_names(db.session, organisation_id)
    query = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "admin/audit.html",
        form=form,
        events=[
            (
                event,
                audit_text.describe(event, titles, waves),
                audit_text.object_in_words(event, titles),
                audit_text.details_in_words(event, waves),
            )
            for event in events
        ],
        total=total,
        page=page,
        has_next=page * PER_PAGE < total,
        query=query,
    )


AUDIT_EXPORT_LIMIT = 100_000


@blueprint.get("/audit.csv")
@requires(Permission.VIEW_AUDIT)
def audit_csv() -> Response:
    """The filtered log as CSV (UTF-8, formulas neutralised), newest first."""
    from survey_app.services.exports import date_in_words, to_csv

    organisation_id = current_organisation_id()
    form = _audit_form(organisation_id)
    if request.args and not form.validate():
        abort(400)
    events, _total = audit.search(
        db.session, organisation_id, _audit_criteria(form), page=1, per_page=AUDIT_EXPORT_LIMIT
    )
    titles = _study_titles(organisation_id)
    waves = wave_names(db.session, organisation_id)
    language = str(get_locale() or "en")
    content = to_csv(
        ["when_utc", "who", "action", "what", "object", "details"],
        (
            [
                date_in_words(event.occurred_at.replace(microsecond=0, tzinfo=None), language),
                event.actor_label,
                event.action,
                audit_text.describe(event, titles, waves),
                audit_text.object_in_words(event, titles),
                audit_text.details_in_words(event, waves),
            ]
            for event in events
        ),
        language,
    )
    return Response(
        content,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )


# --- data-subject requests --------------------------------------------------------


def _beneficiary_for_request(code: str) -> Beneficiary:
    """The beneficiary, within the social worker's sites for social workers (else 404)."""
    from survey_app.services.beneficiaries import worker_site_ids

    membership = g.membership
    site_ids = None
    if membership.role == Role.SOCIAL_WORKER:
        site_ids = worker_site_ids(db.session, membership)
    try:
        return gdpr.find_beneficiary(db.session, current_organisation_id(), code, site_ids=site_ids)
    except NotFound:
        abort(404)


def _holdings(beneficiary: Beneficiary) -> dict[str, int | bool]:
    response_ids = select(SurveyResponse.id).where(SurveyResponse.beneficiary_id == beneficiary.id)
    count = func.count()
    return {
        "contact": db.session.get(BeneficiaryContact, beneficiary.id) is not None,
        "invitations": db.session.scalar(
            select(count).select_from(Invitation).where(Invitation.beneficiary_id == beneficiary.id)
        )
        or 0,
        "responses": db.session.scalar(
            select(count)
            .select_from(SurveyResponse)
            .where(SurveyResponse.beneficiary_id == beneficiary.id)
        )
        or 0,
        "answers": db.session.scalar(
            select(count).select_from(Answer).where(Answer.response_id.in_(response_ids))
        )
        or 0,
    }


@blueprint.route("/data-requests", methods=["GET", "POST"])
@requires(Permission.ANSWER_ACCESS_REQUESTS)
def data_requests() -> str | tuple[str, int]:
    """Find a beneficiary by code (sent by POST: codes stay out of URLs and logs)."""
    form = BeneficiaryCodeForm()
    if form.validate_on_submit():
        beneficiary = _beneficiary_for_request(form.code.data or "")
        return render_template(
            "admin/data_request.html",
            beneficiary=beneficiary,
            holdings=_holdings(beneficiary),
            export_form=ExportForm(code=beneficiary.code),
            erasure_form=ErasureForm(code=beneficiary.code),
            can_erase=has_permission(g.membership.role, Permission.ERASE_PERSONAL_DATA),
        )
    return render_template("admin/data_requests.html", form=form), (400 if form.errors else 200)


@blueprint.post("/data-requests/export")
@requires(Permission.ANSWER_ACCESS_REQUESTS)
def export_beneficiary() -> Response:
    form = ExportForm()
    if not form.validate_on_submit():
        abort(400)
    beneficiary = _beneficiary_for_request(form.code.data or "")
    export = gdpr.subject_access_export(db.session, beneficiary)
    audit.record(
        db.session,
        "beneficiary.access_export",
        actor=g.user,
        organisation_id=current_organisation_id(),
        object_type="beneficiary",
        object_id=beneficiary.id,
        details={"format": form.format.data},
    )
    db.session.commit()
    stamp = datetime.now().strftime("%Y%m%d")
    if form.format.data == "csv":
        body, mimetype, extension = (
            gdpr.export_as_csv(export, str(get_locale() or "en")),
            "text/csv",
            "csv",
        )
    else:
        body = json.dumps(export, ensure_ascii=False, indent=2)
        mimetype, extension = "application/json", "json"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="subject-access-{beneficiary.id}-{stamp}.{extension}"'
    )
    return response


@blueprint.post("/data-requests/erase")
@requires(Permission.ERASE_PERSONAL_DATA)
def erase_beneficiary() -> str | Response | tuple[str, int]:
    form = ErasureForm()
    if not form.validate_on_submit():
        abort(400)
    beneficiary = _beneficiary_for_request(form.code.data or "")
    if (form.confirm.data or "").strip() != beneficiary.code:
        flash(_("The confirmation does not match the code: nothing was erased."), "error")
        return render_template(
            "admin/data_request.html",
            beneficiary=beneficiary,
            holdings=_holdings(beneficiary),
            export_form=ExportForm(code=beneficiary.code),
            erasure_form=ErasureForm(code=beneficiary.code),
            can_erase=True,
        ), 400
    report = gdpr.erase_beneficiary(db.session, beneficiary, actor=g.user)
    db.session.commit()
    flash(
        _(
            "Erased: contact details, %(responses)s response(s) with %(answers)s answer(s), "
            "%(invitations)s invitation(s).",
            responses=report.responses,
            answers=report.answers,
            invitations=report.invitations,
        ),
        "success",
    )
    return redirect(url_for("admin.data_requests"))


from survey_app.admin import api_views as _api_views  # noqa: E402, F401  (adds the API pages)
