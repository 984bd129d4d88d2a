"""Sign in (with throttling and the optional second factor), sign out, one's own account,
password change and reset, and switching organisation."""

from __future__ import annotations

import smtplib
from datetime import datetime
from math import ceil

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from survey_app.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    LogoutForm,
    PasswordConfirmForm,
    ResetPasswordForm,
    SecondFactorForm,
    SwitchOrganisationForm,
    TotpConfirmForm,
)
from survey_app.extensions import db
from survey_app.models import Role, User, utcnow
from survey_app.security.permissions import member_required, public
from survey_app.security.redirects import safe_next
from survey_app.security.sessions import (
    ORG_KEY,
    complete_second_factor,
    end_session,
    start_session,
)
from survey_app.services import accounts, audit, passwords, throttle, totp
from survey_app.services.errors import DomainError
from survey_app.services.mail import mail_configured, send_mail

blueprint = Blueprint("auth", __name__, url_prefix="/auth")

RESET_REQUESTS_PER_HOUR = 5


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("studies.start"))  # the work of the member's role


def _address_key() -> str:
    return throttle.address_key(request.remote_addr, current_app.config["SECRET_KEY"])


def _wait_message(until: datetime) -> str:
    minutes = max(1, ceil((until - utcnow()).total_seconds() / 60))
    return _(
        "Too many unsuccessful attempts. Please wait %(minutes)s minute(s), then try again.",
        minutes=minutes,
    )


def _audit_for_user(action: str, user: User, **details: object) -> None:
    """One event per organisation of ``user``, so each organisation's admins see it."""
    organisation_ids = [m.organisation_id for m in user.memberships] or [None]
    for organisation_id in organisation_ids:
        audit.record(
            db.session,
            action,
            actor=user,
            organisation_id=organisation_id,
            object_type="user",
            object_id=user.id,
            details=dict(details),
        )


@blueprint.route("/login", methods=["GET", "POST"])
@public
def login() -> str | Response | tuple[str, int]:
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        email = form.email.data or ""
        keys = [throttle.account_key(email), _address_key()]
        known = accounts.find_user_by_email(db.session, email)
        locked = throttle.locked_until(db.session, keys)
        if locked is not None:
            # No password is checked while locked: a right guess now is refused too.
            if known is not None:
                _audit_for_user("login.throttled", known)
            db.session.commit()
            return render_template("auth/login.html", form=form, error=_wait_message(locked)), 429
        user = accounts.authenticate(db.session, email, form.password.data or "")
        if user is None:
            throttle.record_failure(db.session, keys)
            if known is not None:
                _audit_for_user("login.failure", known, reason="bad_credentials")
            else:
                audit.record(db.session, "login.failure", details={"reason": "unknown_account"})
            db.session.commit()
            error = _("The e-mail address or the password is wrong.")
            status = 401
        else:
            throttle.record_success(db.session, email)
            next_url = _safe_next(request.args.get("next"))
            if user.totp_enabled:
                start_session(user, second_factor_done=False)
                db.session.commit()
                return redirect(url_for("auth.second_factor", next=next_url))
            start_session(user, second_factor_done=True)
            _audit_for_user("login.success", user)
            db.session.commit()
            return redirect(next_url)
    elif form.is_submitted():
        error = _("Type your e-mail address and your password.")
        status = 400
    return render_template("auth/login.html", form=form, error=error), status


@blueprint.route("/second-factor", methods=["GET", "POST"])
@public
def second_factor() -> str | Response | tuple[str, int]:
    """Second step of signing in, for accounts with a second factor."""
    user: User | None = g.get("pending_user")
    if user is None:
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    error = None
    status = 200
    if form.validate_on_submit():
        keys = [f"account:second-factor:{user.id}"]
        locked = throttle.locked_until(db.session, keys)
        if locked is not None:
            error, status = _wait_message(locked), 429
        else:
            kind = totp.verify_second_factor(db.session, user, form.code.data or "")
            if kind is None:
                throttle.record_failure(db.session, keys)
                _audit_for_user("login.failure", user, reason="bad_second_factor")
                db.session.commit()
                error, status = _("This code is not valid. Try the current code."), 401
            else:
                throttle.forget(db.session, keys)  # a later typo starts from zero again
                complete_second_factor(user)
                _audit_for_user("login.success", user, second_factor=kind)
                db.session.commit()
                if kind == "recovery":
                    flash(
                        _("You used a recovery code; it will not work again."),
                        "success",
                    )
                return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/second_factor.html", form=form, error=error), status


@blueprint.post("/logout")
@public
def logout() -> Response:
    form = LogoutForm()
    if not form.validate_on_submit():
        abort(400)
    if g.get("user_session") is not None:
        user = g.get("user") or g.get("pending_user")
        end_session()
        if user is not None:
            _audit_for_user("logout", user)
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
    form = SwitchOrganisationForm()
    if not form.validate_on_submit():
        abort(400)
    wanted = form.organisation_id.data
    if wanted not in {m.organisation_id for m in g.user.memberships}:
        abort(404)
    session[ORG_KEY] = wanted
    return redirect(url_for("studies.index"))


@blueprint.get("/account")
@member_required
def account() -> str:
    user: User = g.user
    return render_template(
        "auth/account.html",
        user=user,
        switch_form=SwitchOrganisationForm(),
        remaining_codes=totp.remaining_recovery_codes(db.session, user),
    )


@blueprint.route("/password", methods=["GET", "POST"])
@member_required
def change_password() -> str | Response | tuple[str, int]:
    form = ChangePasswordForm()
    problems: list[str] = []
    if form.validate_on_submit():
        user: User = g.user
        new = form.new.data or ""
        problems = passwords.password_problems(new, email=user.email)
        if not accounts.verify_password(user.password_hash, form.current.data or ""):
            problems.insert(0, _("The current password is wrong."))
        if not problems:
            accounts.change_password(
                db.session,
                user,
                current=form.current.data or "",
                new=new,
                keep_session_id=g.user_session.id,
            )
            _audit_for_user("password.change", user)
            db.session.commit()
            flash(_("Your password has been changed. Your other sessions are closed."), "success")
            return redirect(url_for("auth.account"))
    status = 400 if problems or form.errors else 200
    return render_template("auth/password.html", form=form, problems=problems), status


def _must_keep_second_factor(user: User) -> bool:
    return any(
        m.role == Role.ADMIN and m.organisation.require_totp_for_admins for m in user.memberships
    )


@blueprint.route("/two-factor", methods=["GET", "POST"])
@member_required
def totp_setup() -> str | tuple[str, int]:
    """Enrol an authenticator app (QR code), or manage an active second factor."""
    user: User = g.user
    if user.totp_enabled:
        return render_template(
            "auth/totp_manage.html",
            form=PasswordConfirmForm(),
            mandatory=_must_keep_second_factor(user),
            remaining_codes=totp.remaining_recovery_codes(db.session, user),
        )
    if not user.totp_secret_encrypted or totp.secret_of(user) is None:
        totp.begin_enrolment(db.session, user)
        db.session.commit()
    form = TotpConfirmForm()
    error = None
    if form.validate_on_submit():
        try:
            codes = totp.confirm_enrolment(db.session, user, form.code.data or "")
        except DomainError:
            db.session.rollback()
            error = _("This code is not valid. Check the time on your phone and try again.")
        else:
            _audit_for_user("totp.enable", user)
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes)
    uri = totp.provisioning_uri(user)
    return render_template(
        "auth/totp_setup.html",
        form=form,
        error=error,
        qr_code=totp.qr_code_data_uri(uri),
        secret=totp.secret_of(user),
        required=g.get("membership") is not None and _must_keep_second_factor(user),
    ), (400 if error else 200)


def _confirm_password(form: PasswordConfirmForm) -> bool:
    return form.validate_on_submit() and accounts.verify_password(
        g.user.password_hash, form.password.data or ""
    )


@blueprint.post("/two-factor/disable")
@member_required
def totp_disable() -> Response:
    user: User = g.user
    form = PasswordConfirmForm()
    if _must_keep_second_factor(user):
        flash(_("Your organisation requires a second factor for administrators."), "error")
    elif not _confirm_password(form):
        flash(_("The password is wrong; nothing was changed."), "error")
    else:
        totp.disable(db.session, user)
        _audit_for_user("totp.disable", user)
        db.session.commit()
        flash(_("The second factor is turned off."), "success")
    return redirect(url_for("auth.totp_setup"))


@blueprint.post("/two-factor/recovery-codes")
@member_required
def totp_new_codes() -> str | Response:
    user: User = g.user
    form = PasswordConfirmForm()
    if not user.totp_enabled or not _confirm_password(form):
        flash(_("The password is wrong; nothing was changed."), "error")
        return redirect(url_for("auth.totp_setup"))
    codes = totp.new_recovery_codes(db.session, user)
    _audit_for_user("totp.recovery_codes", user)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes)


@blueprint.route("/forgot", methods=["GET", "POST"])
@public
def forgot_password() -> str | tuple[str, int]:
    """Ask for a reset link by e-mail; the answer never says whether the account exists."""
    form = ForgotPasswordForm()
    enabled = mail_configured(current_app.config)
    sent = False
    if enabled and form.validate_on_submit():
        if not throttle.within_limit(
            db.session, "reset:" + _address_key(), RESET_REQUESTS_PER_HOUR, 3600
        ):
            db.session.commit()
            return render_template("auth/forgot.html", form=form, enabled=enabled, sent=False), 429
        user = accounts.find_user_by_email(db.session, form.email.data or "")
        if user is not None and user.active:
            token = passwords.create_reset_token(db.session, user)
            _audit_for_user("password.reset_requested", user)
            db.session.commit()
            _send_reset_mail(user, token)
        else:
            db.session.commit()
        sent = True
    return render_template("auth/forgot.html", form=form, enabled=enabled, sent=sent)


def reset_link(token: str) -> str:
    """A reset link on ``PUBLIC_BASE_URL``.

    Mail on requires ``PUBLIC_BASE_URL`` (the app refuses to start without it,
    see :func:`survey_app.config.check_config`), so an e-mailed link never
    uses the request's ``Host``, which whoever asks for a reset chooses. With
    mail off the link is only shown on screen to a signed-in administrator,
    on the address they are using.
    """
    base = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
    path = url_for("auth.reset_password", token=token)
    return base + path if base else url_for("auth.reset_password", token=token, _external=True)


def _send_reset_mail(user: User, token: str) -> None:
    body = "\n\n".join(
        [
            _("Someone (probably you) asked to set a new password for Écoute."),
            _("Open this link within one hour to choose a new password:"),
            reset_link(token),
            _("If you did not ask for it, ignore this message: your password stays the same."),
        ]
    )
    try:
        send_mail(current_app.config, to=user.email, subject=_("Écoute password"), body=body)
    except (OSError, smtplib.SMTPException) as error:
        # Neither the address nor the link goes to the log.
        current_app.logger.warning("password reset e-mail failed: %s", type(error).__name__)


@blueprint.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> str | Response | tuple[str, int]:
    record = passwords.find_valid_reset_token(db.session, token)
    if record is None:
        return render_template("auth/reset_invalid.html"), 404
    user = db.session.get(User, record.user_id)
    if user is None or not user.active:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetPasswordForm()
    problems: list[str] = []
    if form.validate_on_submit():
        problems = passwords.password_problems(form.new.data or "", email=user.email)
        if not problems:
            accounts.reset_password(db.session, token, form.new.data or "")
            _audit_for_user("password.reset", user)
            db.session.commit()
            flash(_("Your password has been set. You can now sign in."), "success")
            return redirect(url_for("auth.login"))
    status = 400 if problems or form.errors else 200
    return render_template("auth/reset.html", form=form, problems=problems), status
