"""Studies (quality managers) and continuous follow-up of beneficiaries (social workers).

Views are thin: a form parses, a service acts, the view commits once and
renders. Every object is looked up within the current organisation, so an id
of another organisation answers 404.

Secrets: an invitation token is shown once, on the page that answers the POST
creating or re-issuing it (never in a URL, never stored in clear). The card
PDF is produced from the token the page holds, posted back and checked
against the stored hash.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

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
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.wrappers import Response

from survey_app.extensions import db
from survey_app.models import Beneficiary, Invitation, Organisation, Study, Wave, utcnow
from survey_app.security.permissions import (
    Permission,
    has_permission,
    member_required,
    requires,
)
from survey_app.security.sessions import current_organisation_id
from survey_app.services import (
    audit,
    beneficiaries,
    beneficiary_import,
    cards,
    invitations,
    messaging,
    people,
    qrcodes,
    studies,
)
from survey_app.services.errors import DomainError, NotFound
from survey_app.studies.forms import (
    NONE,
    ActionForm,
    BeneficiaryForm,
    BeneficiaryImportForm,
    CardForm,
    EmailForm,
    ImportConfirmForm,
    OpenLinkForm,
    StatusForm,
    StudyForm,
    WaveVersionForm,
    study_edit_form,
)

blueprint = Blueprint("studies", __name__, url_prefix="/studies")

WAVE_SLOTS = (
    ("followup1", "follow_up", "followup1_version", "followup1_delay"),
    ("followup2", "follow_up", "followup2_version", "followup2_delay"),
    ("exit", "exit", "exit_version", "exit_delay"),
)


# --- helpers -------------------------------------------------------------------


def _study_or_404(slug: str) -> Study:
    try:
        return studies.get_study(db.session, current_organisation_id(), slug)
    except NotFound:
        abort(404)


def _base_url() -> str:
    return current_app.config.get("PUBLIC_BASE_URL") or request.url_root


def _version_choices(blank: str | None) -> list[tuple[int, str]]:
    choices = [(NONE, blank)] if blank is not None else [(NONE, _("Choose…"))]
    for version in studies.published_versions(db.session, current_organisation_id()):
        choices.append((version.id, _version_name(version)))
    return choices


def _version_name(version: Any) -> str:
    """Title, key and version, so two questionnaires with one title stay apart."""
    return _(
        "%(title)s (%(key)s) — version %(number)s",
        title=version.questionnaire.title,
        key=version.questionnaire.key,
        number=version.number,
    )


def _site_choices() -> list[tuple[int, str]]:
    return [
        (site.id, f"{site.code} — {site.name}")
        for site in studies.organisation_sites(db.session, current_organisation_id())
    ]


def _form_errors(form: Any) -> list[tuple[str, str]]:
    """(field id, "Label: message") pairs for the error summary, which links to each field."""
    return [
        (field.id, f"{field.label.text}: {message}") for field in form for message in field.errors
    ]


def _organisation() -> Organisation:
    organisation = db.session.get(Organisation, current_organisation_id())
    if organisation is None:  # pragma: no cover - membership points at it
        abort(404)
    return organisation


# --- studies (quality manager) -------------------------------------------------------


@blueprint.get("/")
@member_required
def index() -> str:
    organisation_id = current_organisation_id()
    return render_template(
        "studies/index.html",
        studies=studies.list_studies(db.session, organisation_id),
        counts=studies.invitation_counts(db.session, organisation_id),
    )


@blueprint.get("/start")
@member_required
def start() -> Response:
    """Where a member lands after signing in: the work of their role.

    Director: the dashboard of the most recent study; social worker: the
    people to invite today; administrator: the members; quality manager
    (and anyone else): the studies with their live counts.
    """
    membership = g.membership
    if has_permission(membership.role, Permission.MANAGE_STUDIES):
        return redirect(url_for("studies.index"))
    if has_permission(membership.role, Permission.VIEW_DASHBOARD):
        recent = studies.most_recent_study(db.session, current_organisation_id())
        if recent is not None:
            language = str(get_locale() or "fr")
            return redirect(
                url_for("reports.preview", study=recent.id, period="all", lang=language)
            )
    if has_permission(membership.role, Permission.MANAGE_BENEFICIARIES):
        return redirect(url_for("studies.follow_up", status=invitations.DUE))
    if has_permission(membership.role, Permission.MANAGE_USERS):
        return redirect(url_for("admin.index"))
    return redirect(url_for("studies.index"))


@blueprint.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_STUDIES)
def new_study() -> str | Response | tuple[str, int]:
    form = StudyForm()
    form.sites.choices = _site_choices()
    form.baseline_version.choices = _version_choices(None)
    for _key, _kind, version_field, _delay in WAVE_SLOTS:
        getattr(form, version_field).choices = _version_choices(_("No such wave"))
    error = None
    if form.validate_on_submit():
        organisation_id = current_organisation_id()
        try:
            plans = [
                studies.WavePlan(
                    "baseline",
                    "baseline",
                    0,
                    studies.get_published_version(
                        db.session, organisation_id, form.baseline_version.data
                    ),
                )
            ]
            for key, kind, version_field, delay_field in WAVE_SLOTS:
                version_id = getattr(form, version_field).data
                if version_id:
                    plans.append(
                        studies.WavePlan(
                            key,
                            kind,
                            getattr(form, delay_field).data,
                            studies.get_published_version(db.session, organisation_id, version_id),
                        )
                    )
            sites = [studies.get_site(db.session, organisation_id, i) for i in form.sites.data]
            study = studies.create_study(
                db.session,
                _organisation(),
                slug=form.slug.data,
                title=form.title.data.strip(),
                description=form.description.data or "",
                sites=sites,
                waves=plans,
                invitation_validity_days=form.invitation_validity_days.data,
                actor=g.user,
                enrol=form.enrol.data,
                enrol_codes=(form.enrol_codes.data or "").split(),
            )
        except NotFound:
            abort(404)
        except DomainError as problem:
            db.session.rollback()
            error = str(problem)
        else:
            db.session.commit()
            flash(_("Study created."), "success")
            return redirect(url_for("studies.detail", slug=study.slug))
    status = 400 if request.method == "POST" else 200
    return (
        render_template("studies/new.html", form=form, errors=_form_errors(form), error=error),
        status,
    )


@blueprint.get("/<slug>")
@requires(Permission.MANAGE_STUDIES)
def detail(slug: str) -> str:
    study = _study_or_404(slug)
    return _render_detail(study)


def _render_detail(study: Study, **extra: Any) -> str:
    open_link_form = extra.pop("open_link_form", None) or OpenLinkForm(formdata=None)
    open_link_form.site_id.choices = [
        (site.id, f"{site.code} — {site.name}") for site in study.sites
    ]
    open_link_form.wave_id.choices = [
        (wave.id, studies.wave_name(wave.kind, wave.position)) for wave in study.waves
    ]
    version_forms = {}
    for wave in study.waves:
        newer = studies.newer_versions(db.session, wave)
        if newer:
            form = WaveVersionForm(formdata=None, prefix=f"w{wave.id}")
            form.version_id.choices = [(version.id, _version_name(version)) for version in newer]
            version_forms[wave.key] = form
    links = studies.study_open_links(db.session, study)
    sites = {
        site.id: site for site in studies.organisation_sites(db.session, study.organisation_id)
    }
    waves = {wave.id: wave for wave in study.waves}
    return render_template(
        "studies/detail.html",
        study=study,
        status_form=StatusForm(formdata=None),
        action_form=ActionForm(formdata=None),
        open_link_form=open_link_form,
        version_forms=version_forms,
        open_links=links,
        sites_by_id=sites,
        waves_by_id=waves,
        progress=people.progress(db.session, study),
        **extra,
    )


@blueprint.route("/<slug>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_STUDIES)
def edit(slug: str) -> str | Response | tuple[str, int]:
    study = _study_or_404(slug)
    later = [wave for wave in study.waves if wave.kind != "baseline"]
    names = {wave.key: studies.wave_name(wave.kind, wave.position) for wave in later}
    if request.method == "GET":
        form = study_edit_form(
            [wave.key for wave in later],
            names,
            obj=study,
            data={
                "sites": [site.id for site in study.sites],
                **{f"delay_{wave.key}": wave.delay_days for wave in later},
            },
        )
    else:
        form = study_edit_form([wave.key for wave in later], names)
    form.sites.choices = _site_choices()
    error = None
    if form.validate_on_submit():
        organisation_id = current_organisation_id()
        try:
            studies.update_study(
                db.session,
                study,
                title=form.title.data.strip(),
                description=form.description.data or "",
                invitation_validity_days=form.invitation_validity_days.data,
                sites=[studies.get_site(db.session, organisation_id, i) for i in form.sites.data],
                delays={wave.key: getattr(form, f"delay_{wave.key}").data for wave in later},
                actor=g.user,
            )
        except NotFound:
            abort(404)
        except DomainError as problem:
            db.session.rollback()
            error = str(problem)
        else:
            db.session.commit()
            flash(_("Study updated."), "success")
            return redirect(url_for("studies.detail", slug=study.slug))
    status = 400 if request.method == "POST" else 200
    return (
        render_template(
            "studies/edit.html",
            study=study,
            form=form,
            delay_fields=[getattr(form, f"delay_{wave.key}") for wave in later],
            errors=_form_errors(form),
            error=error,
        ),
        status,
    )


@blueprint.post("/<slug>/status")
@requires(Permission.MANAGE_STUDIES)
def change_status(slug: str) -> Response | tuple[str, int]:
    study = _study_or_404(slug)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        studies.change_status(db.session, study, form.action.data, actor=g.user)
    except DomainError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for("studies.detail", slug=slug))
    db.session.commit()
    messages = {
        "pause": _("Study paused: no invitation is created or sent until you resume it."),
        "resume": _("Study resumed."),
        "close": _("Study closed."),
    }
    flash(messages[form.action.data], "success")
    return redirect(url_for("studies.detail", slug=slug))


@blueprint.post("/<slug>/waves/<key>/version")
@requires(Permission.MANAGE_STUDIES)
def change_wave_version(slug: str, key: str) -> Response:
    study = _study_or_404(slug)
    try:
        wave = studies.get_wave(study, key)
    except NotFound:
        abort(404)
    form = WaveVersionForm(prefix=f"w{wave.id}")
    form.version_id.choices = [(v.id, v.label) for v in studies.newer_versions(db.session, wave)]
    if not form.validate_on_submit():
        flash(_("Choose a newer published version of the same questionnaire."), "error")
        return redirect(url_for("studies.detail", slug=slug))
    try:
        version = studies.get_published_version(
            db.session, current_organisation_id(), form.version_id.data
        )
        studies.move_wave_to_version(db.session, wave, version, actor=g.user)
    except NotFound:
        abort(404)
    except DomainError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for("studies.detail", slug=slug))
    db.session.commit()
    flash(_("The wave now uses %(version)s.", version=version.label), "success")
    return redirect(url_for("studies.detail", slug=slug))


OPEN_LINK_PURPOSE = "open-link"


def open_link_url(token: str) -> str:
    """The open link's address: ``<base>/o/<token>`` (``respond.open_anonymous``)."""
    return f"{_base_url().rstrip('/')}/o/{token}"


@blueprint.post("/<slug>/open-links")
@requires(Permission.MANAGE_STUDIES)
def create_open_link(slug: str) -> str | tuple[str, int] | Response:
    study = _study_or_404(slug)
    form = OpenLinkForm()
    form.site_id.choices = [(site.id, site.code) for site in study.sites]
    form.wave_id.choices = [
        (wave.id, studies.wave_name(wave.kind, wave.position)) for wave in study.waves
    ]
    if not form.validate_on_submit():
        return _render_detail(study, open_link_form=form), 400
    organisation_id = current_organisation_id()
    try:
        site = studies.get_site(db.session, organisation_id, form.site_id.data)
        wave = next(w for w in study.waves if w.id == form.wave_id.data)
        link, token = studies.create_open_link(db.session, study, site, wave, actor=g.user)
        link.token_sealed = messaging.seal(
            current_app.config["SECRET_KEY"], token, OPEN_LINK_PURPOSE
        )
    except DomainError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for("studies.detail", slug=slug))
    db.session.commit()
    url = open_link_url(token)
    return render_template(
        "studies/open_link_created.html",
        study=study,
        site=site,
        wave=wave,
        link=link,
        url=url,
        qr=qrcodes.qr_data_uri(url, scale=6),
    )


@blueprint.post("/<slug>/open-links/<int:link_id>/deactivate")
@requires(Permission.MANAGE_STUDIES)
def deactivate_open_link(slug: str, link_id: int) -> Response:
    study = _study_or_404(slug)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        studies.deactivate_open_link(db.session, study, link_id, actor=g.user)
    except NotFound:
        abort(404)
    db.session.commit()
    flash(_("The open link no longer works."), "success")
    return redirect(url_for("studies.detail", slug=slug))


# --- beneficiaries and invitations (social worker) -------------------------------------


def _worker_site_ids() -> list[int]:
    return beneficiaries.worker_site_ids(db.session, g.membership)


def _invitation_or_404(invitation_id: int) -> Invitation:
    try:
        invitation = invitations.get_invitation(
            db.session, current_organisation_id(), invitation_id
        )
    except NotFound:
        abort(404)
    if invitation.beneficiary.site_id not in _worker_site_ids():
        abort(404)
    return invitation


def _active_studies_for(site_ids: list[int]) -> list[Study]:
    return [
        study
        for study in studies.list_studies(db.session, current_organisation_id())
        if study.status == "active" and {site.id for site in study.sites} & set(site_ids)
    ]


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@blueprint.get("/follow-up")
@requires(Permission.MANAGE_BENEFICIARIES)
def follow_up() -> str:
    """Find people of the worker's sites: search, filters, sort and pages of 50 (GET form)."""
    site_ids = _worker_site_ids()
    all_studies = [
        study
        for study in studies.list_studies(db.session, current_organisation_id())
        if {site.id for site in study.sites} & set(site_ids)
    ]
    chosen = request.args.get("study", "")
    study = next((s for s in all_studies if s.slug == chosen), None)
    if study is None and all_studies:
        study = next((s for s in all_studies if s.status == "active"), all_studies[0])
    status_filter = request.args.get("status", "")
    criteria = people.Criteria(
        search=request.args.get("q", "")[:64],
        site_id=_int_arg("site"),
        wave_id=_int_arg("wave"),
        status=status_filter if status_filter in invitations.STATUSES else "",
        sort=request.args.get("sort", "due") if request.args.get("sort") in people.SORTS else "due",
        page=_int_arg("page") or 1,
    )
    rows: list[dict[str, Any]] = []
    found = None
    sites = []
    if study is not None:
        if criteria.wave_id not in {wave.id for wave in study.waves}:
            criteria = replace(criteria, wave_id=None)
        sites = [site for site in study.sites if site.id in site_ids]
        if criteria.site_id not in {site.id for site in sites}:
            criteria = replace(criteria, site_id=None)
        found = people.find(db.session, study, site_ids, criteria)
        rows = people.rows_for(db.session, study, found.beneficiary_ids)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "studies/follow_up.html",
        studies=all_studies,
        study=study,
        sites=sites,
        rows=rows,
        found=found,
        criteria=criteria,
        page_args=args,
        statuses=invitations.STATUSES,
        status_filter=criteria.status,
        can_assist="respond.assist" in current_app.view_functions,
        card_form=ActionForm(formdata=None),
    )


@blueprint.route("/beneficiaries/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_BENEFICIARIES)
def register_beneficiary() -> str | tuple[str, int] | Response:
    site_ids = _worker_site_ids()
    sites = beneficiaries.worker_sites(db.session, g.membership)
    active = _active_studies_for(site_ids)
    form = BeneficiaryForm()
    form.site_id.choices = [(site.id, f"{site.code} — {site.name}") for site in sites]
    form.study_id.choices = [(study.id, study.title) for study in active] + [
        (NONE, _("No study for now"))
    ]
    if request.method == "GET":
        form.code.data = beneficiaries.suggest_code(db.session, current_organisation_id())
        form.support_started_on.data = utcnow().date()
    error = None
    if form.validate_on_submit():
        baseline = None
        if form.study_id.data:
            study = next((s for s in active if s.id == form.study_id.data), None)
            if study is None:
                abort(404)
            baseline = next((w for w in study.waves if w.kind == "baseline"), None)
        try:
            registration = beneficiaries.register(
                db.session,
                g.membership,
                code=form.code.data,
                site_id=form.site_id.data,
                support_started_on=form.support_started_on.data,
                email=form.email.data,
                phone=form.phone.data,
                baseline_wave=baseline,
                actor=g.user,
            )
        except NotFound:
            abort(404)
        except DomainError as problem:
            db.session.rollback()
            error = str(problem)
        else:
            # Post/redirect/get: refreshing the next page registers nobody again. The
            # invitation's first secrets were never shown; the invitation page issues
            # the link, QR, card, e-mail or SMS the worker chooses.
            db.session.commit()
            flash(
                _("Beneficiary %(code)s registered.", code=registration.beneficiary.code),
                "success",
            )
            if registration.baseline is None:
                return _redirect_follow_up()
            return redirect(
                url_for("studies.invitation", invitation_id=registration.baseline.invitation.id)
            )
    status = 400 if request.method == "POST" else 200
    return (
        render_template("studies/register.html", form=form, errors=_form_errors(form), error=error),
        status,
    )


def _mailer() -> invitations.Mailer | None:
    """``INVITATION_MAILER`` (tests) or SMTP from ``MAIL_*``; None when e-mail is off."""
    return current_app.config.get("INVITATION_MAILER") or invitations.smtp_mailer(
        current_app.config
    )


def _phone_of(invitation: Invitation) -> str | None:
    contact = invitation.beneficiary.contact
    return contact.phone if contact is not None and contact.phone else None


def _redirect_follow_up() -> Response:
    return redirect(url_for("studies.follow_up"))


def _render_delivery(issued: invitations.IssuedInvitation, *, registered: bool = False) -> str:
    invitation = issued.invitation
    url = invitations.survey_url(_base_url(), issued.token)
    card_form = CardForm(
        formdata=None, data={"token": issued.token, "short_code": issued.short_code}
    )
    organisation = _organisation()
    return render_template(
        "studies/delivery.html",
        invitation=invitation,
        beneficiary=invitation.beneficiary,
        wave=invitation.wave,
        url=url,
        short_code=issued.short_code,
        code_url=invitations.code_url(_base_url()),
        qr=qrcodes.qr_data_uri(url, scale=5),
        card_form=card_form,
        registered=registered,
        email_address=invitations.email_address_for(invitation, organisation),
        mail_ready=_mailer() is not None,
        phone=_phone_of(invitation),
        sms_ready=_sms_gateway(organisation) is not None,
    )


@blueprint.get("/invitations/<int:invitation_id>")
@requires(Permission.MANAGE_INVITATIONS)
def invitation(invitation_id: int) -> str:
    found = _invitation_or_404(invitation_id)
    organisation = _organisation()
    today = utcnow().date()
    return render_template(
        "studies/invitation.html",
        invitation=found,
        beneficiary=found.beneficiary,
        wave=found.wave,
        status=invitations.status_of(found, due_on=None, today=today),
        action_form=ActionForm(formdata=None),
        email_address=invitations.email_address_for(found, organisation),
        mail_ready=_mailer() is not None,
        phone=_phone_of(found),
        sms_ready=_sms_gateway(organisation) is not None,
        can_assist="respond.assist" in current_app.view_functions,
    )


@blueprint.post("/invitations/<int:invitation_id>/issue")
@requires(Permission.MANAGE_INVITATIONS)
def issue(invitation_id: int) -> str | Response:
    found = _invitation_or_404(invitation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        issued = invitations.reissue(db.session, found, channel="link", actor=g.user)
    except DomainError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for("studies.invitation", invitation_id=invitation_id))
    db.session.commit()
    return _render_delivery(issued)


@blueprint.post("/beneficiaries/<int:beneficiary_id>/waves/<int:wave_id>/invite")
@requires(Permission.MANAGE_INVITATIONS)
def invite(beneficiary_id: int, wave_id: int) -> str | Response:
    """Create a due invitation now (e.g. before the next ``send-due`` run)."""
    person = db.session.scalar(
        select(Beneficiary).where(
            Beneficiary.id == beneficiary_id,
            Beneficiary.organisation_id == current_organisation_id(),
            Beneficiary.site_id.in_(_worker_site_ids()),
        )
    )
    wave = db.session.scalar(
        select(Wave)
        .join(Study, Study.id == Wave.study_id)
        .where(Wave.id == wave_id, Study.organisation_id == current_organisation_id())
    )
    if person is None or wave is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        if person.site_id not in {site.id for site in wave.study.sites}:
            raise DomainError(_("This study does not cover the chosen site."))
        issued = invitations.invite(db.session, person, wave, actor=g.user)
        issued.invitation.sent_at = utcnow()
        db.session.flush()
    except DomainError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return _redirect_follow_up()
    db.session.commit()
    return _render_delivery(issued)


@blueprint.post("/invitations/<int:invitation_id>/card")
@requires(Permission.MANAGE_INVITATIONS)
def card(invitation_id: int) -> Response:
    """The A6 card as PDF, for the secrets the delivery page holds."""
    found = _invitation_or_404(invitation_id)
    form = CardForm()
    if not form.validate_on_submit() or not invitations.matches_secrets(
        found, form.token.data, form.short_code.data
    ):
        flash(_("This link has been replaced since: issue a new link to print a card."), "error")
        return redirect(url_for("studies.invitation", invitation_id=invitation_id))
    base = _base_url()
    url = invitations.survey_url(base, form.token.data)
    html = render_template(
        "studies/card.html",
        organisation=_organisation(),
        url=url,
        short_code=form.short_code.data,
        code_url=invitations.code_url(base).split("://", 1)[-1],
        qr=qrcodes.qr_data_uri(url, scale=6),
        expires_on=found.expires_at.date(),
        language=str(get_locale() or "fr"),
    )
    pdf = cards.card_pdf(html)
    if found.channel != "card":
        found.channel = "card"
        db.session.commit()
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="invitation-{found.id}.pdf"'},
    )


@blueprint.post("/invitations/<int:invitation_id>/email")
@requires(Permission.MANAGE_INVITATIONS)
def email(invitation_id: int) -> Response:
    """E-mail the link the delivery page holds, or a re-issued one.

    From the delivery page the current token is posted back (and checked
    against its hash), so the link just shown is the one e-mailed. From the
    invitation page there is no token: the link is re-issued and the
    previous one stops working.
    """
    return _send_through(invitation_id, "email")


@blueprint.post("/invitations/<int:invitation_id>/sms")
@requires(Permission.MANAGE_INVITATIONS)
def sms(invitation_id: int) -> Response:
    """Send the link and the card code by SMS (same rules as :func:`email`)."""
    return _send_through(invitation_id, "sms")


def _sms_gateway(organisation: Organisation) -> str | None:
    return messaging.gateway_url(organisation, current_app.config["SECRET_KEY"])


def _sms_sender() -> messaging.SmsSender:
    """``SMS_SENDER`` (tests) or Apprise."""
    return current_app.config.get("SMS_SENDER") or messaging.apprise_sender


def _send_through(invitation_id: int, channel: str) -> Response:
    found = _invitation_or_404(invitation_id)
    form = EmailForm()
    if not form.validate_on_submit():
        abort(400)
    organisation = _organisation()
    back = redirect(url_for("studies.invitation", invitation_id=invitation_id))
    contact = found.beneficiary.contact
    mailer: invitations.Mailer | None = None
    gateway: str | None = None
    if channel == "email":
        address = invitations.email_address_for(found, organisation)
        mailer = _mailer()
        ready = address is not None and mailer is not None
    else:
        address = contact.phone if contact is not None and contact.phone else None
        gateway = _sms_gateway(organisation)
        ready = address is not None and gateway is not None
    if not ready:
        flash(
            _("E-mail is not available for this person.")
            if channel == "email"
            else _("SMS is not available for this person."),
            "error",
        )
        return back
    previously_sent_at = found.sent_at
    try:
        if form.token.data and invitations.matches_secrets(
            found, form.token.data, form.short_code.data or ""
        ):
            token, short_code = form.token.data, form.short_code.data or ""
            invitations.mark_sent(db.session, found, channel=channel, actor=g.user)
        else:
            issued = invitations.reissue(db.session, found, channel=channel, actor=g.user)
            token, short_code = issued.token, issued.short_code
    except DomainError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return back
    message = messaging.compose(
        db.session,
        organisation,
        channel=channel,
        kind="invitation",
        language=found.beneficiary.language,
        link=invitations.survey_url(_base_url(), token),
        code=short_code,
        expires=format_date(found.expires_at.date()),
    )
    db.session.commit()
    try:
        if channel == "email":
            mailer(
                invitations.OutgoingEmail(to=address, subject=message.subject, body=message.body)
            )
        else:
            _sms_sender()(gateway, address, message.body)
    except Exception:  # SMTP, gateway or network failure: the worker can still hand a card over
        current_app.logger.exception("invitation %s failed", channel)
        found.sent_at = previously_sent_at
        db.session.commit()
        flash(
            _("The e-mail could not be sent. Try again later or print a card.")
            if channel == "email"
            else _("The SMS could not be sent. Try again later or print a card."),
            "error",
        )
        return back
    flash(
        _("The invitation was e-mailed.")
        if channel == "email"
        else _("The invitation was sent by SMS."),
        "success",
    )
    return back


@blueprint.post("/<slug>/cards")
@requires(Permission.MANAGE_INVITATIONS)
def print_cards(slug: str) -> Response:
    """One A4 PDF of A6 cards (4 per page, cut marks) for the people ticked in the list."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        study = studies.get_study(db.session, current_organisation_id(), slug)
    except NotFound:
        abort(404)
    ids = [int(value) for value in request.form.getlist("beneficiary") if value.isdigit()]
    covered = {site.id for site in study.sites} & set(_worker_site_ids())
    chosen = (
        db.session.scalars(
            select(Beneficiary)
            .where(
                Beneficiary.id.in_(ids),
                Beneficiary.organisation_id == current_organisation_id(),
                Beneficiary.site_id.in_(covered),
            )
            .order_by(Beneficiary.code)
        ).all()
        if ids
        else []
    )
    back = redirect(request.referrer or url_for("studies.follow_up", study=slug))
    if not chosen:
        flash(_("Tick at least one person to print cards."), "error")
        return back
    try:
        issued, skipped = invitations.issue_cards(db.session, study, list(chosen), actor=g.user)
    except DomainError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return back
    if not issued:
        db.session.rollback()
        flash(_("Nobody selected has a survey to answer now: no card printed."), "error")
        return back
    pdf = cards.card_pdf(_cards_sheet_html(issued))
    db.session.commit()
    if skipped:
        flash(
            _(
                "%(n)s selected people had no survey to answer now and got no card.",
                n=len(skipped),
            ),
            "info",
        )
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="cards-{study.slug}.pdf"'},
    )


def _cards_sheet_html(issued: list[invitations.IssuedInvitation]) -> str:
    base = _base_url()
    cards_data = []
    for item in issued:
        url = invitations.survey_url(base, item.token)
        cards_data.append(
            {
                "short_code": item.short_code,
                "qr": qrcodes.qr_data_uri(url, scale=6),
                "expires_on": item.invitation.expires_at.date(),
            }
        )
    sheets = [cards_data[i : i + 4] for i in range(0, len(cards_data), 4)]
    return render_template(
        "studies/cards_sheet.html",
        organisation=_organisation(),
        sheets=sheets,
        code_url=invitations.code_url(base).split("://", 1)[-1],
        language=str(get_locale() or "fr"),
    )


# --- importing many beneficiaries -------------------------------------------------------

_IMPORT_SALT = "beneficiary-import"
_IMPORT_MAX_AGE = 3600  # seconds between preview and confirmation


def _import_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_IMPORT_SALT)


@blueprint.route("/beneficiaries/import", methods=["GET", "POST"])
@requires(Permission.MANAGE_BENEFICIARIES)
def import_beneficiaries() -> str | tuple[str, int]:
    """Upload, check every row, and show what would be registered (nothing written yet)."""
    form = BeneficiaryImportForm()
    problems: list[beneficiary_import.Problem] = []
    if form.validate_on_submit():
        upload = form.file.data
        found: list[beneficiary_import.PersonRow] = []
        try:
            rows = beneficiary_import.read_rows(upload.read(), upload.filename or "")
            found, problems = beneficiary_import.check(
                db.session, current_organisation_id(), _worker_site_ids(), rows
            )
        except beneficiary_import.ImportRejected as rejected:
            problems = rejected.problems
        if not problems and not found:
            empty = _("The file has no one to import.")
            problems = [beneficiary_import.Problem(0, _("file"), empty)]
        if not problems:
            signed = _import_serializer().dumps(
                {"org": current_organisation_id(), "rows": beneficiary_import.to_plain(found)}
            )
            return render_template(
                "studies/import_preview.html",
                people=found,
                confirm_form=ImportConfirmForm(formdata=None, data={"rows": signed}),
                filename=upload.filename,
                as_date=date.fromisoformat,  # ISO days in the rows, shown the interface way
            )
    status = 400 if request.method == "POST" else 200
    return (
        render_template(
            "studies/import.html", form=form, errors=_form_errors(form), problems=problems
        ),
        status,
    )


@blueprint.post("/beneficiaries/import/confirm")
@requires(Permission.MANAGE_BENEFICIARIES)
def confirm_import() -> str | tuple[str, int] | Response:
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        payload = _import_serializer().loads(form.rows.data, max_age=_IMPORT_MAX_AGE)
    except SignatureExpired:
        flash(_("The preview is more than an hour old: upload the file again."), "error")
        return redirect(url_for("studies.import_beneficiaries"))
    except BadSignature:
        abort(400)
    if payload.get("org") != current_organisation_id():
        abort(400)
    try:
        created = beneficiary_import.save(
            db.session,
            current_organisation_id(),
            _worker_site_ids(),
            beneficiary_import.from_plain(payload["rows"]),
            actor=g.user,
            source="web",
        )
    except beneficiary_import.ImportRejected as rejected:
        db.session.rollback()
        return (
            render_template(
                "studies/import.html",
                form=BeneficiaryImportForm(formdata=None),
                errors=[],
                problems=rejected.problems,
            ),
            409,
        )
    db.session.commit()
    beneficiary_import.refresh_statistics(db.session, len(created))
    flash(_("%(n)s beneficiaries registered.", n=len(created)), "success")
    return _redirect_follow_up()


# --- posters and QR codes of open links ---------------------------------------------


@blueprint.get("/<slug>/open-links/<int:link_id>/<kind>")
@requires(Permission.MANAGE_STUDIES)
def open_link_file(slug: str, link_id: int, kind: str) -> Response:
    """An A4 poster (PDF) or the QR code (SVG, PNG) of an active open link.

    Made from the sealed token, so downloading again never replaces the link
    already posted. Each download is audited.
    """
    if kind not in ("poster.pdf", "qr.svg", "qr.png"):
        abort(404)
    study = _study_or_404(slug)
    link = next((x for x in studies.study_open_links(db.session, study) if x.id == link_id), None)
    if link is None or not link.active:
        abort(404)
    token = messaging.unseal(current_app.config["SECRET_KEY"], link.token_sealed, OPEN_LINK_PURPOSE)
    if token is None:
        flash(_("This link was created before posters were kept: create a new open link."), "error")
        return redirect(url_for("studies.detail", slug=slug))
    url = open_link_url(token)
    site = studies.get_site(db.session, current_organisation_id(), link.site_id)
    if kind == "poster.pdf":
        html = render_template(
            "studies/poster.html",
            organisation=_organisation(),
            site=site,
            url=url,
            qr=qrcodes.qr_data_uri(url, scale=10),
            language=str(get_locale() or "fr"),
        )
        content, mimetype = cards.card_pdf(html), "application/pdf"
    elif kind == "qr.svg":
        content, mimetype = qrcodes.qr_svg(url, scale=10), "image/svg+xml"
    else:
        content, mimetype = qrcodes.qr_png(url), "image/png"
    audit.record(
        db.session,
        "study.open_link_print",
        actor=g.user,
        organisation_id=study.organisation_id,
        object_type="study",
        object_id=study.slug,
        details={"site": site.code, "format": kind},
    )
    db.session.commit()
    filename = f"{study.slug}-{site.code}-{kind}"
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


from survey_app.studies import open_answers_views  # noqa: E402, F401  (issue 17: theme review)
