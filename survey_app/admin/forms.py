"""Forms of the administration area."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from survey_app.models import Role
from survey_app.security.forms import SecureForm as FlaskForm
from survey_app.security.validators import NoControlCharacters
from survey_app.services.organisation_admin import MAX_RETENTION_DAYS, SITE_CODE_PATTERN

# Deliberately loose: the only real check of an address is a message reaching it.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def role_labels() -> dict[str, str]:
    return {
        Role.ADMIN.value: str(_l("Administrator")),
        Role.QUALITY_MANAGER.value: str(_l("Quality manager")),
        Role.DIRECTOR.value: str(_l("Director")),
        Role.SOCIAL_WORKER.value: str(_l("Social worker")),
    }


def options(pairs: list[tuple[Any, str]]) -> list[SelectChoice]:
    """WTForms 3.3 wants ``SelectChoice`` objects rather than tuples."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def role_choices() -> list[SelectChoice]:
    return options(list(role_labels().items()))


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class MemberRoleForm(FlaskForm):
    role = SelectField(_l("Role"), validators=[DataRequired()])
    sites = MultiCheckboxField(
        _l("Sites (social workers only; none ticked = every site)"), coerce=int
    )
    submit = SubmitField(_l("Save"))


class InviteForm(MemberRoleForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(),
            Length(max=254),
            Regexp(EMAIL_PATTERN, message=_l("Type an e-mail address such as name@example.org.")),
            NoControlCharacters(),
        ],
    )
    display_name = StringField(
        _l("Name"), validators=[Optional(), Length(max=200), NoControlCharacters()]
    )
    submit = SubmitField(_l("Add the member"))


class ActionForm(FlaskForm):
    """A button that changes state: only the CSRF token is needed."""


class SiteForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(
                SITE_CODE_PATTERN,
                message=_l("Letters, digits, dashes or underscores, up to 40."),
            ),
            NoControlCharacters(),
        ],
    )
    name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=200), NoControlCharacters()]
    )
    address = TextAreaField(
        _l("Address"), validators=[Optional(), Length(max=1000), NoControlCharacters()]
    )
    submit = SubmitField(_l("Save"))


class SiteEditForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=200), NoControlCharacters()]
    )
    address = TextAreaField(
        _l("Address"), validators=[Optional(), Length(max=1000), NoControlCharacters()]
    )
    submit = SubmitField(_l("Save"))


class SettingsForm(FlaskForm):
    name = StringField(
        _l("Organisation name"), validators=[DataRequired(), Length(max=200), NoControlCharacters()]
    )
    contact_retention_days = IntegerField(
        _l("Keep contact details for this many days after a person's last survey"),
        validators=[DataRequired(), NumberRange(min=1, max=MAX_RETENTION_DAYS)],
    )
    text_retention_days = IntegerField(
        _l("Blank free-text answers this many days after they were given (empty: keep them)"),
        validators=[Optional(), NumberRange(min=1, max=3650)],
    )
    token_retention_days = IntegerField(
        _l("Survey links stop working this many days after the survey was answered"),
        validators=[Optional(), NumberRange(min=0, max=3650)],
    )
    min_cell_size = IntegerField(
        _l("Smallest group shown in reports and dashboards (k, at least 3)"),
        validators=[Optional(), NumberRange(min=3, max=100)],
    )
    require_totp_for_admins = BooleanField(
        _l("Administrators must use a second factor (authenticator app)")
    )
    privacy_controller_name = StringField(
        _l("Data controller (shown on the privacy notice)"),
        validators=[Optional(), Length(max=200), NoControlCharacters()],
    )
    privacy_contact = StringField(
        _l("Privacy contact: address or e-mail of your data protection officer"),
        validators=[Optional(), Length(max=200), NoControlCharacters()],
    )
    submit = SubmitField(_l("Save"))


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only search sent by GET

    action = SelectField(_l("Action"), validators=[Optional()])
    actor = StringField(
        _l("Person (e-mail contains)"),
        validators=[Optional(), Length(max=254), NoControlCharacters()],
    )
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=100000)])


class BeneficiaryCodeForm(FlaskForm):
    code = StringField(
        _l("Beneficiary code"), validators=[DataRequired(), Length(max=64), NoControlCharacters()]
    )
    submit = SubmitField(_l("Find"))


class ExportForm(BeneficiaryCodeForm):
    format = SelectField(choices=options([("json", "JSON"), ("csv", "CSV")]))


class ErasureForm(BeneficiaryCodeForm):
    confirm = StringField(
        _l("Type the code again to confirm"),
        validators=[DataRequired(), Length(max=64), NoControlCharacters()],
    )
    submit = SubmitField(_l("Erase"))


class SmsGatewayForm(FlaskForm):
    """The Apprise URL of the SMS provider: write-only, never shown back."""

    url = StringField(
        _l("New SMS gateway address (Apprise URL)"),
        validators=[Optional(), Length(max=2000), NoControlCharacters()],
    )
    remove = BooleanField(_l("Stop sending SMS (remove the address)"))
    save_gateway = SubmitField(_l("Save the SMS gateway"))


class MessageTextForm(FlaskForm):
    subject = StringField(_l("Subject (e-mail only)"), validators=[Length(max=200)])
    body = TextAreaField(_l("Text (empty = the built-in text)"), validators=[Length(max=5000)])
    preview = SubmitField(_l("Preview"))
    save_text = SubmitField(_l("Save the text"))
