"""Forms of the sign-in area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, IntegerField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from survey_app.security.forms import SecureForm as FlaskForm
from survey_app.security.validators import NoControlCharacters
from survey_app.services.passwords import MAX_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(), Length(max=254), NoControlCharacters()]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    submit = SubmitField(_l("Sign in"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Sign out"))


class SwitchOrganisationForm(FlaskForm):
    organisation_id = IntegerField(_l("Organisation"), validators=[DataRequired()])


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Code from your app, or a recovery code"),
        validators=[DataRequired(), Length(max=32), NoControlCharacters()],
    )
    submit = SubmitField(_l("Continue"))


class TotpConfirmForm(FlaskForm):
    code = StringField(
        _l("6-digit code"), validators=[DataRequired(), Length(max=16), NoControlCharacters()]
    )
    submit = SubmitField(_l("Turn on"))


class PasswordConfirmForm(FlaskForm):
    """Re-enter the password before a sensitive change of one's own account."""

    password = PasswordField(
        _l("Your password"), validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    new = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(), Length(max=254), NoControlCharacters()]
    )
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(FlaskForm):
    new = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Set the password"))
